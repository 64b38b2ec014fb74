"""dtypes and PyTorch's type promotion.

ember's dtypes map one to one onto NumPy dtypes, but promotion follows PyTorch, never NumPy:
integer and float16 mix to float16, an int tensor times 2.5 is float32, and a float64 0-d tensor
does not upcast a float32 tensor (see ``result_type``).
"""
import numpy as np

__all__ = [
    "dtype", "float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
    "get_default_dtype", "set_default_dtype", "promote_types", "result_type", "can_cast",
]

_BOOL, _INT, _FLOAT = 0, 1, 2  # categories, ordered as PyTorch orders them


class dtype:
    """A tensor's element type (``ember.float32`` ...), as ``torch.dtype``."""
    __module__ = "ember"  # type(ember.float32) prints <class 'ember.dtype'>, as PyTorch's

    __slots__ = ("name", "numpy_dtype", "is_floating_point", "is_signed", "itemsize", "_category")

    def __init__(self, name, numpy_dtype):
        self.name = name
        self.numpy_dtype = np.dtype(numpy_dtype)
        kind = self.numpy_dtype.kind
        self._category = _FLOAT if kind == "f" else (_BOOL if kind == "b" else _INT)
        self.is_floating_point = self._category == _FLOAT
        self.is_signed = kind in "fi"
        self.itemsize = self.numpy_dtype.itemsize

    @property
    def is_complex(self):
        return False

    def to_complex(self):
        raise RuntimeError(f"to_complex is not supported for ember.{self.name}: ember has no complex dtypes")

    def __repr__(self):
        return "ember." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
float16 = dtype("float16", np.float16)
int64 = dtype("int64", np.int64)
int32 = dtype("int32", np.int32)
int16 = dtype("int16", np.int16)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
bool = dtype("bool", np.bool_)  # noqa: A001 - PyTorch's public name

ALL_DTYPES = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
FLOAT_DTYPES = (float32, float64, float16)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
# keyed by NumPy's one-letter type code: a cheap, hashable key on the hot path
_BY_CHAR = {d.numpy_dtype.char: d for d in ALL_DTYPES}
_BY_CHAR["l"] = int64 if np.dtype("l").itemsize == 8 else int32
_BY_CHAR["q"] = int64
_BY_CHAR["i"] = int32


def _by_name(name):
    return _BY_NAME[name]


def from_numpy(np_dtype):
    """Return the ember dtype of a NumPy dtype, or raise TypeError as ``torch.from_numpy`` does."""
    try:
        return _BY_CHAR[np_dtype.char]
    except (KeyError, AttributeError):
        np_dtype = np.dtype(np_dtype)
        found = _BY_CHAR.get(np_dtype.char)
        if found is None or found.numpy_dtype != np_dtype.newbyteorder("="):
            raise TypeError(
                f"can't convert np.ndarray of type numpy.{np_dtype.name}. The only supported types are: "
                "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.") from None
        return found


_default = [float32]


def get_default_dtype():
    """Return the default floating point dtype (``ember.float32`` unless changed)."""
    return _default[0]


def set_default_dtype(d):
    """Set the default floating point dtype; only float32, float64 and float16 are allowed."""
    if d not in FLOAT_DTYPES:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def promote_types(type1, type2):
    """Return the smallest dtype to which both may be promoted, by PyTorch's table."""
    if type1 is type2:
        return type1
    c1, c2 = type1._category, type2._category
    if c1 == _FLOAT or c2 == _FLOAT:
        if c1 != c2:  # an integer meeting a float takes the float, even float16
            return type1 if c1 == _FLOAT else type2
        return type1 if type1.itemsize >= type2.itemsize else type2
    if c1 == _BOOL:
        return type2
    if c2 == _BOOL:
        return type1
    return from_numpy(np.promote_types(type1.numpy_dtype, type2.numpy_dtype))


def _scalar_dtype(value):
    """The dtype a Python scalar takes on its own: bool, int64, or the default float."""
    if value is True or value is False:
        return bool
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return _default[0]
    if isinstance(value, np.bool_):
        return bool
    raise TypeError(f"unsupported operand type: {type(value).__name__}")


def _combine(higher, lower):
    # PyTorch's combine_categories: a lower-priority operand only wins by a higher category
    if higher is None:
        return lower
    if lower is None or higher._category == _FLOAT:
        return higher
    if higher._category == _BOOL or lower._category == _FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """Return the dtype of an op over tensors and scalars, by PyTorch's three-tier rule.

    Tensors with dimensions take priority over 0-d tensors, which take priority over Python scalars;
    a lower tier only changes the result when it brings a higher category (bool < int < float).
    """
    dim_t = zero_t = scalar_t = None
    for x in operands:
        data = getattr(x, "_data", None)
        if data is None:
            d = _scalar_dtype(x)
            scalar_t = d if scalar_t is None else promote_types(scalar_t, d)
            continue
        d = _BY_CHAR[data.dtype.char]
        if data.ndim:
            dim_t = d if dim_t is None else promote_types(dim_t, d)
        else:
            zero_t = d if zero_t is None else promote_types(zero_t, d)
    return _combine(_combine(dim_t, zero_t), scalar_t)


def can_cast(from_, to):
    """Return whether PyTorch's casting rules allow ``from_`` to ``to`` (no lower category)."""
    return from_._category <= to._category
