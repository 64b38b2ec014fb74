"""The Tensor namespace backward formulas use under ``create_graph=True``: every call records.

Each function mirrors the one of the same name in ``_numpy_api``; they are composed from ember's
differentiable ops, so a backward pass run through them can itself be differentiated.
"""
from .._dtype import from_numpy, get_default_dtype as _default_dtype
from . import elementwise as _ew
from . import linalg as _la
from . import reduction as _red
from . import shape as _shape

abs = _ew.abs  # noqa: A001
cos = _ew.cos
exp = _ew.exp
log = _ew.log
maximum = _ew.maximum
minimum = _ew.minimum
sign = _ew.sign
sin = _ew.sin
sqrt = _ew.sqrt
where = _ew.where
square = _ew.square
sigmoid = _ew.sigmoid
tanh = _ew.tanh
matmul = _la.matmul


def sum_to(g, shape):
    """Sum ``g`` over the dimensions along which it was broadcast from ``shape``."""
    return _red.sum_to_size(g, shape)


def floating(x):
    """Return ``x`` as a floating tensor (the default dtype for integer ones)."""
    return x if x.dtype.is_floating_point else _ew.to(x, _default_dtype())


def cast(g, np_dtype):
    """Return ``g`` converted to a NumPy dtype's ember twin (differentiable between floats)."""
    return _ew.to(g, from_numpy(np_dtype))


def sum(x, dim=None, keepdim=False):  # noqa: A001
    """Return the sum over ``dim`` (all dims when None)."""
    return _red.sum(x) if dim is None and not keepdim else _red.sum(x, dim, keepdim)


def expand(x, shape):
    """Return ``x`` broadcast to ``shape``."""
    return _shape.expand(x, shape)


def reshape(x, shape):
    """Return ``x`` with a new shape."""
    return _shape.reshape(x, shape)


def unsqueeze(x, dim):
    """Return ``x`` with size-one dimensions inserted at ``dim`` (an int or a tuple of ints)."""
    if isinstance(dim, int):
        return _shape.unsqueeze(x, dim)
    for d in sorted(d % (x.ndim + len(dim)) for d in dim):
        x = _shape.unsqueeze(x, d)
    return x


def permute(x, dims):
    """Return ``x`` with its dimensions permuted."""
    return _shape.permute(x, dims)


def mT(x):  # noqa: N802
    """Return ``x`` with its last two dimensions swapped."""
    return _shape.transpose(x, -2, -1)


def zeros_like(x):
    """Return zeros with the shape and dtype of ``x``."""
    from .._creation import zeros_like as _zl
    return _zl(x)


def zeros(shape, like):
    """Return zeros of ``shape`` with the dtype of ``like``."""
    from .._creation import zeros as _z
    return _z(shape, dtype=like.dtype)


def ones_like(x):
    """Return ones with the shape and dtype of ``x``."""
    from .._creation import ones_like as _ol
    return _ol(x)


def einsum(equation, *operands):
    """Return the Einstein summation of ``operands`` (explicit subscripts, no ellipsis)."""
    return _la.einsum(equation, *operands)


# ---- indexing and shape helpers (twins of _numpy_api's; the ops live in indexing.py, shape.py)
def index(x, keys):
    """Return ``x`` indexed by ``keys`` (a tuple of NumPy index tuples applied in turn)."""
    from . import indexing as _idx
    return _idx.index_keys(x, keys)


def index_put_zeros(g, shape, keys):
    """Return zeros of ``shape`` with ``g`` added at ``keys`` (repeated indices accumulate)."""
    from . import indexing as _idx
    return _idx.index_put_zeros(g, shape, keys)


def zero_at(g, keys):
    """Return a copy of ``g`` with the elements at ``keys`` set to zero."""
    from . import indexing as _idx
    return _idx.zero_at(g, keys)


def flip(x, dims):
    """Return ``x`` reversed along ``dims``."""
    return _shape.flip(x, dims)


def roll(x, shifts, dims):
    """Return ``x`` rolled by ``shifts`` along ``dims`` (tuples)."""
    return _shape.roll(x, shifts, dims)


def cat(arrays, dim):
    """Return the tensors concatenated along ``dim``."""
    return _shape.cat(arrays, dim)


def tril(x, diagonal=0):
    """Return the lower triangle of the last two dimensions, the rest zeroed."""
    return _shape.tril(x, diagonal)


def triu(x, diagonal=0):
    """Return the upper triangle of the last two dimensions, the rest zeroed."""
    return _shape.triu(x, diagonal)


# ---- elementwise helpers (twins of _numpy_api's; the ops live in elementwise.py)
def floor(x):
    """Return the largest integer not greater than each element."""
    return _ew.floor(x)


def trunc(x):
    """Return each element rounded toward zero."""
    return _ew.trunc(x)


def sinh(x):
    """Return the elementwise hyperbolic sine."""
    return _ew.sinh(x)


def cosh(x):
    """Return the elementwise hyperbolic cosine."""
    return _ew.cosh(x)


# ---- reduction helpers (twins of _numpy_api's; the ops live in reduction.py)
def amax(x, dim=None, keepdim=False):
    """Return the maximum over ``dim`` (all dims when None)."""
    return _red.amax(x, () if dim is None else dim, keepdim)


def amin(x, dim=None, keepdim=False):
    """Return the minimum over ``dim`` (all dims when None)."""
    return _red.amin(x, () if dim is None else dim, keepdim)


def take_along(x, index, dim):
    """Return the elements of ``x`` at ``index`` (an int64 array) along ``dim``."""
    return _red._take_along(x, index, dim)


def put_along(g, index, dim, shape, accumulate=False):
    """Return zeros of ``shape`` with ``g`` put (added, when ``accumulate``) at ``index`` along ``dim``."""
    return _red._put_along(g, index, dim, shape, accumulate)


def cumsum(x, dim):
    """Return the running sum along ``dim``."""
    return _red.cumsum(x, dim)


def reverse_cumsum(x, dim):
    """Return the running sum from the end along ``dim``."""
    return _red._reverse_cumsum(x, dim)


def power(x, exponent):
    """Return ``x ** exponent`` for a scalar exponent."""
    return x ** exponent
