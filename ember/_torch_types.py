"""torch's dtypes, storages and tensor-rebuild functions, as ``ember.load`` resolves them.

A checkpoint names ``torch.FloatStorage``, ``torch._utils._rebuild_tensor_v2``, ``torch.bfloat16`` ...;
here each name maps to an ember object that rebuilds the tensor as a bounds-checked view of its
storage, and ``allowed_globals`` is the table ``weights_only`` loading resolves names through.
"""
import pickle
from collections import Counter, OrderedDict

import numpy as np

from . import _dtype
from ._size import Size
from ._tensor import Tensor, _wrap
from .device import device

STORAGE_CLASS = {np.dtype(k): v for k, v in (
    ("float64", "DoubleStorage"), ("float32", "FloatStorage"), ("float16", "HalfStorage"),
    ("int64", "LongStorage"), ("int32", "IntStorage"), ("int16", "ShortStorage"),
    ("int8", "CharStorage"), ("uint8", "ByteStorage"), ("bool", "BoolStorage"))}


def _bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def _f8_table(exp_bits, bias, fn):
    # value of every float8 bit pattern; "fn" formats (e4m3fn) have no inf and one NaN per sign
    b = np.arange(256, dtype=np.int64)
    man_bits = 7 - exp_bits
    e, m = (b >> man_bits) & ((1 << exp_bits) - 1), (b & ((1 << man_bits) - 1)).astype(np.float64)
    frac = m / (1 << man_bits)
    val = np.where(e == 0, frac * 2.0 ** (1 - bias), (1 + frac) * 2.0 ** (e - bias))
    top = e == (1 << exp_bits) - 1
    if fn:
        val[top & (m == (1 << man_bits) - 1)] = np.nan
    else:
        val[top] = np.where(m[top] == 0, np.inf, np.nan)
    return np.where(b >> 7, -val, val).astype(np.float32)


def _f8(exp_bits, bias, fn):
    table = []
    def convert(bits):
        if not table:
            table.append(_f8_table(exp_bits, bias, fn))
        return table[0][bits]
    return convert


# torch dtype name -> (little-endian numpy dtype of the stored bits, conversion to an ember dtype
# or None). ember has no bfloat16/float8/unsigned-wide dtypes: they widen exactly (bf16 and f8
# values are all float32 values, uint16/uint32 fit int32/int64), at the storage level, so views
# that shared a storage still share the widened one.
TORCH_DTYPES = {
    "float64": ("<f8", None), "float32": ("<f4", None), "float16": ("<f2", None),
    "int64": ("<i8", None), "int32": ("<i4", None), "int16": ("<i2", None),
    "int8": ("i1", None), "uint8": ("u1", None), "bool": ("?", None),
    "bfloat16": ("<u2", _bf16_to_f32),
    "float8_e4m3fn": ("u1", _f8(4, 7, True)), "float8_e5m2": ("u1", _f8(5, 15, False)),
    "uint16": ("<u2", lambda a: a.astype(np.int32)), "uint32": ("<u4", lambda a: a.astype(np.int64)),
}
STORAGE_DTYPE = {v: k for k, v in (
    ("float64", "DoubleStorage"), ("float32", "FloatStorage"), ("float16", "HalfStorage"),
    ("bfloat16", "BFloat16Storage"), ("int64", "LongStorage"), ("int32", "IntStorage"),
    ("int16", "ShortStorage"), ("int8", "CharStorage"), ("uint8", "ByteStorage"),
    ("bool", "BoolStorage"), ("complex128", "ComplexDoubleStorage"),
    ("complex64", "ComplexFloatStorage"), ("qint8", "QInt8Storage"), ("qint32", "QInt32Storage"),
    ("quint8", "QUInt8Storage"), ("quint4x2", "QUInt4x2Storage"), ("quint2x4", "QUInt2x4Storage"))}
_ITEMSIZE = {"complex128": 16, "complex64": 8, "qint8": 1, "qint32": 4, "quint8": 1,
             "quint4x2": 1, "quint2x4": 1, "uint64": 8, "float8_e4m3fnuz": 1, "float8_e5m2fnuz": 1}
ALL_DTYPE_NAMES = set(TORCH_DTYPES) | set(_ITEMSIZE) | {"complex32", "float8_e8m0fnu", "float4_e2m1fn_x2"}


def itemsize(name):
    spec = TORCH_DTYPES.get(name)
    return np.dtype(spec[0]).itemsize if spec else _ITEMSIZE.get(name, 1)


def unsupported_dtype(name):
    return TypeError(f"ember.load: tensors of dtype torch.{name} are not supported (ember has no such dtype)")


def parameter_class():
    try:
        from .nn.parameter import Parameter
    except ImportError:  # nn lands separately; until then no object can be a Parameter
        return None
    return Parameter


# --------------------------------------------------------------------------- storages and tensors
class StorageType:
    """What a ``torch.FloatStorage``-style GLOBAL resolves to: its dtype name (None: untyped)."""

    def __init__(self, dtype):
        self.dtype = dtype


class TorchDtype:
    """A torch dtype ember has no equivalent for (``torch.bfloat16`` ...), named by a file."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


class Storage:
    """A storage read from a file: raw little-endian (or big-endian) bytes and the torch dtype
    they were saved as; ``typed`` gives them as an array ember can wrap, cached per dtype so
    that views of one storage share memory."""

    def __init__(self, raw, dtype, big=False):
        self.raw, self.dtype, self.big, self._typed = raw, dtype, big, {}

    def typed(self, name):
        arr = self._typed.get(name)
        if arr is None:
            arr = self._typed[name] = self._convert(name)
        return arr

    def _convert(self, name):
        spec = TORCH_DTYPES.get(name)
        if spec is None:
            raise unsupported_dtype(name)
        bits, convert = np.dtype(spec[0]), spec[1]
        if self.raw.nbytes % bits.itemsize:
            raise RuntimeError(f"storage of {self.raw.nbytes} bytes does not hold whole {name} elements")
        arr = self.raw.view(bits.newbyteorder(">")).astype(bits) if self.big else self.raw.view(bits)
        return arr if convert is None else convert(arr)

    def refill(self):
        """Recompute widened copies after ``raw`` was filled in place (legacy files)."""
        for name, arr in self._typed.items():
            if not np.shares_memory(arr, self.raw):
                arr[...] = self._convert(name)


def _view(storage, dtype, offset, size, stride):
    if not isinstance(storage, Storage):
        raise pickle.UnpicklingError(f"expected a storage, got {type(storage).__name__}")
    ints = (offset, *size, *stride)
    if not (type(size) in (tuple, Size) and type(stride) in (tuple, Size) and len(size) == len(stride)
            and all(type(v) is int and v >= 0 for v in ints)):
        raise RuntimeError(f"invalid tensor geometry: offset {offset!r}, size {size!r}, stride {stride!r}")
    typed = storage.typed(dtype)
    item, n = typed.itemsize, typed.shape[0]
    if 0 in size:  # no element to alias; keep the file's strides (NumPy would zero them)
        return np.ndarray(size, typed.dtype, buffer=typed[:0], strides=[s * item for s in stride])
    needed = offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1
    if needed > n:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
                           f"and itemsize {itemsize(dtype)} requiring a storage size of {needed * itemsize(dtype)} "
                           f"are out of bounds for storage of size {n * itemsize(dtype)}")
    return np.ndarray(size, typed.dtype, buffer=typed, offset=offset * item, strides=[s * item for s in stride])


def _tensor(arr, requires_grad, metadata=None):
    if metadata and metadata.get("neg"):
        arr = -arr  # the neg bit of a view such as x.conj().imag: stored values are negated
    t = _wrap(arr)
    if requires_grad is True:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    if storage is not None and storage.dtype is None:
        raise pickle.UnpicklingError("_rebuild_tensor_v2 needs a typed storage")
    return _tensor(_view(storage, getattr(storage, "dtype", None), storage_offset, size, stride),
                   requires_grad, metadata)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype,
                       metadata=None):
    if not isinstance(dtype, (_dtype.dtype, TorchDtype)):
        raise pickle.UnpicklingError(f"_rebuild_tensor_v3 needs a dtype, got {dtype!r}")
    return _tensor(_view(storage, dtype.name, storage_offset, size, stride), requires_grad, metadata)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, False, None)


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    # state (Python attributes set on a torch Parameter) is dropped: ember Parameters carry none
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"_rebuild_parameter needs a tensor, got {type(data).__name__}")
    return parameter_class()(data, requires_grad is True)


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"expected a tensor, got {type(data).__name__}")
    return _tensor(data._data, requires_grad)


def _rebuild_from_type_v2(func, new_type, args, state):
    # a tensor subclass, or a tensor with Python attributes: rebuild the tensor, drop the state
    if func not in TENSOR_REBUILDERS or type(args) is not tuple:
        raise pickle.UnpicklingError(f"_rebuild_from_type_v2 cannot call {func!r}")
    out = func(*args)
    if new_type is not Tensor and new_type is parameter_class() and not isinstance(out, new_type):
        out = new_type(out, out.requires_grad)
    return out


def _refuse(what):
    def rebuild(*args):
        raise RuntimeError(f"ember.load: {what} are not supported by ember")
    return rebuild


TENSOR_REBUILDERS = (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_tensor, _rebuild_parameter,
                      _rebuild_device_tensor_from_cpu_tensor)


# --------------------------------------------------------------------------- the allow-list
def _safe_bytes(*args):
    if args:
        raise pickle.UnpicklingError("builtins.bytes is allowed only with no arguments (b'')")
    return b""


def _safe_encode(obj, encoding="utf-8", errors="strict"):
    # the only use torch makes of _codecs.encode: protocol 2's spelling of a bytes object
    if type(obj) is not str or encoding not in ("latin1", "latin-1", "utf-8", "ascii"):
        raise pickle.UnpicklingError(f"_codecs.encode is allowed only on text with a text codec, got {encoding!r}")
    return obj.encode(encoding, errors)


def _safe_bytearray(*args):
    if args and type(args[0]) not in (str, bytes):  # bytearray(n) would allocate n bytes
        raise pickle.UnpicklingError("builtins.bytearray is allowed only on str or bytes")
    return bytearray(*args)


def allowed_globals():
    """The GLOBALs ``weights_only`` loading resolves, as torch's ``_get_allowed_globals``."""
    torch_utils = {f.__name__: f for f in TENSOR_REBUILDERS}
    torch_utils["_rebuild_parameter_with_state"] = _rebuild_parameter
    for name, what in (("sparse_tensor", "sparse tensors"), ("qtensor", "quantized tensors"),
                       ("nested_tensor", "nested tensors"), ("wrapper_subclass", "wrapper-subclass tensors"),
                       ("meta_tensor_no_storage", "meta tensors"),
                       ("device_tensor_from_numpy", "tensors pickled through NumPy")):
        torch_utils["_rebuild_" + name] = _refuse(f"{what} (torch._utils._rebuild_{name})")
    out = {f"torch._utils.{k}": v for k, v in torch_utils.items()}
    out.update({
        "collections.OrderedDict": OrderedDict, "collections.Counter": Counter,
        "torch.nn.parameter.Parameter": parameter_class(), "torch.Tensor": Tensor, "torch.Size": Size,
        "torch.device": device, "torch.serialization._get_layout": str,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "_codecs.encode": _safe_encode, "builtins.bytes": _safe_bytes, "builtins.bytearray": _safe_bytearray,
        "builtins.set": set, "builtins.frozenset": frozenset, "builtins.complex": complex,
        "torch.storage.UntypedStorage": StorageType(None),
    })
    for cls, dtype_name in STORAGE_DTYPE.items():
        out[f"torch.{cls}"] = out[f"torch.cuda.{cls}"] = StorageType(dtype_name)
    for name in ALL_DTYPE_NAMES:
        out[f"torch.{name}"] = _dtype._BY_NAME.get(name) or TorchDtype(name)
    return out
