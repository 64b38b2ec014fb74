"""The array namespace backward formulas use in a plain backward: NumPy, no graph.

Every name here has a twin with the same signature in ``_ember_api`` (checked by a test), which
the engine passes instead under ``create_graph=True``.
"""
import math

import numpy as np

from numpy import abs, cos, exp, log, maximum, minimum, sin, sqrt, where  # noqa: F401

from ._cascade_sum import torch_sum as _torch_sum


def sign(x):
    """Return the sign of ``x`` (-1, 0 or 1), 0 where ``x`` is NaN as in PyTorch (NumPy gives NaN)."""
    s = np.sign(x)
    return np.nan_to_num(s, nan=0.0) if s.dtype.kind == "f" else s


def floating(x):
    """Return ``x`` as a floating array (integer inputs saved by float-only ops: NumPy's log of uint8 is
    float16)."""
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _axes(ndim, dim):
    """``dim`` (an int or a sequence, negatives allowed) as a tuple of non-negative axes."""
    dims = (dim,) if isinstance(dim, int) else dim
    return tuple(d % ndim if ndim else 0 for d in dims)


def sum_to(g, shape):
    """Sum ``g`` over the dimensions along which it was broadcast from ``shape``."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    if axes:
        if math.prod(shape) <= 1:
            # a scalar parameter's gradient sums in PyTorch's order, to the last bit (long chains of
            # updates, as in the polynomial-fit tutorials, then print PyTorch's digits)
            g = _torch_sum(g, axes)
        else:
            # vectors (bias gradients...): NumPy's pairwise sum, ~10x faster, within an ulp or two
            g = np.add.reduce(g, axis=axes)
    if g.shape != shape:
        g = g.reshape(shape)
    return g


def cast(g, np_dtype):
    """Return ``g`` converted to a NumPy dtype."""
    return g.astype(np_dtype)


def sum(x, dim=None, keepdim=False):  # noqa: A001 - mirrors ember.sum
    """Return the sum over ``dim`` (all dims when None)."""
    return _torch_sum(x, None if dim is None else _axes(x.ndim, dim), keepdim)


def expand(x, shape):
    """Return ``x`` broadcast to ``shape`` (a read-only view)."""
    return np.broadcast_to(x, shape)


def reshape(x, shape):
    """Return ``x`` with a new shape."""
    return np.reshape(x, shape)


def unsqueeze(x, dim):
    """Return ``x`` with a size-one dimension inserted at ``dim`` (an int or a tuple of ints)."""
    return np.expand_dims(x, dim)


def permute(x, dims):
    """Return ``x`` with its dimensions permuted."""
    return np.transpose(x, dims)


def mT(x):  # noqa: N802 - PyTorch's name for the matrix transpose
    """Return ``x`` with its last two dimensions swapped."""
    return np.swapaxes(x, -1, -2)


def matmul(a, b):
    """Return the matrix product."""
    return np.matmul(a, b)


def zeros_like(x):
    """Return zeros with the shape and dtype of ``x``."""
    return np.zeros_like(x)


def zeros(shape, like):
    """Return zeros of ``shape`` with the dtype of ``like``."""
    return np.zeros(shape, dtype=like.dtype)


def ones_like(x):
    """Return ones with the shape and dtype of ``x``."""
    return np.ones_like(x)


def square(x):
    """Return the elementwise square."""
    return x * x


def sigmoid(x):
    """Return the logistic sigmoid."""
    return 1 / (1 + np.exp(-x))


def tanh(x):
    """Return the hyperbolic tangent."""
    return np.tanh(x)


def einsum(equation, *operands):
    """Return the Einstein summation of ``operands`` (explicit subscripts, no ellipsis)."""
    return np.asarray(np.einsum(equation, *operands, optimize=len(operands) > 1))


# ---- indexing and shape helpers (ember/ops/indexing.py, shape.py); ``keys`` is a tuple of NumPy
# index tuples applied in turn: the first ones basic (views), the last one anything
def _locate(a, keys):
    for k in keys[:-1]:
        a = a[k]
    return a, keys[-1]


def index(x, keys):
    """Return ``x`` indexed by ``keys``."""
    a, k = _locate(x, keys)
    return a[k]


def index_put_zeros(g, shape, keys):
    """Return zeros of ``shape`` with ``g`` added at ``keys`` (repeated indices accumulate)."""
    out = np.zeros(shape, dtype=g.dtype)
    a, k = _locate(out, keys)
    if any(isinstance(i, np.ndarray) for i in k):
        np.add.at(a, k, g)
    else:
        a[k] = g
    return out


def zero_at(g, keys):
    """Return a copy of ``g`` with the elements at ``keys`` set to zero."""
    out = np.array(g)
    a, k = _locate(out, keys)
    a[k] = 0
    return out


def flip(x, dims):
    """Return ``x`` reversed along ``dims``."""
    return np.flip(x, dims)


def roll(x, shifts, dims):
    """Return ``x`` rolled by ``shifts`` along ``dims`` (tuples)."""
    return np.roll(x, shifts, dims)


def cat(arrays, dim):
    """Return the arrays concatenated along ``dim``."""
    return np.concatenate(arrays, axis=dim)


def tril(x, diagonal=0):
    """Return the lower triangle of the last two dimensions, the rest zeroed."""
    return np.tril(x, diagonal)


def triu(x, diagonal=0):
    """Return the upper triangle of the last two dimensions, the rest zeroed."""
    return np.triu(x, diagonal)


# ---- elementwise helpers (twins of _ember_api's; the ops live in elementwise.py)
def floor(x):
    """Return the largest integer not greater than each element."""
    return np.floor(x)


def trunc(x):
    """Return each element rounded toward zero."""
    return np.trunc(x)


def sinh(x):
    """Return the elementwise hyperbolic sine."""
    return np.sinh(x)


def cosh(x):
    """Return the elementwise hyperbolic cosine."""
    return np.cosh(x)


# ---- reduction helpers (twins of _ember_api's; the ops live in reduction.py)
def amax(x, dim=None, keepdim=False):
    """Return the maximum over ``dim`` (all dims when None)."""
    return np.amax(x, axis=dim, keepdims=keepdim)


def amin(x, dim=None, keepdim=False):
    """Return the minimum over ``dim`` (all dims when None)."""
    return np.amin(x, axis=dim, keepdims=keepdim)


def take_along(x, index, dim):
    """Return the elements of ``x`` at ``index`` (an int64 array) along ``dim``."""
    return np.take_along_axis(x, index, dim)


def put_along(g, index, dim, shape, accumulate=False):
    """Return zeros of ``shape`` with ``g`` put (added, when ``accumulate``) at ``index`` along ``dim``."""
    from ._op import _DISCARD
    from .reduction import PutAlong
    return PutAlong.forward(_DISCARD, g, index, dim, shape, accumulate)


def cumsum(x, dim):
    """Return the running sum along ``dim``."""
    return np.cumsum(x, axis=dim)


def reverse_cumsum(x, dim):
    """Return the running sum from the end along ``dim``."""
    return np.flip(np.cumsum(np.flip(x, dim), axis=dim), dim)


def power(x, exponent):
    """Return ``x ** exponent`` for a float array and a scalar exponent, rounded as PyTorch's kernel."""
    # PyTorch multiplies out the common exponents (x*x*x for 3, 1/(x*x) for -2) instead of calling pow
    if exponent == 2:
        return x * x
    if exponent == 3:
        return x * x * x
    if exponent == -0.5:
        return 1 / np.sqrt(x)
    if exponent == -1:
        return 1 / x
    if exponent == -2:
        return 1 / (x * x)
    if x.dtype == np.float32:
        # float64 then rounded once: nearer PyTorch's Sleef powf than NumPy's float32 power, whose
        # AVX-512 routine differs from it in the last bit on a fifth of the elements
        return (x.astype(np.float64) ** exponent).astype(np.float32)
    return x ** exponent
