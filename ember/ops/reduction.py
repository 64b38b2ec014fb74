"""Reductions: sum, mean, max/min, var/std, norms, cumulative ops, softmax, sorting.

A reduction's backward broadcasts the incoming gradient back over the reduced dimensions.
"""
import numpy as np

from .._dtype import get_default_dtype
from .._tensor import Tensor, _wrap
from ._op import Op, Samples, apply_unary


def _dims(input, dim):
    """Normalise ``dim`` (None, an int, or a sequence) to a sorted tuple of non-negative axes."""
    ndim = input._data.ndim
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    dims = tuple(sorted({input._wrap_dim(int(d)) for d in dim}))
    if len(dims) != len(tuple(dim)):
        raise RuntimeError(f"dim {dim[0]} appears multiple times in the list of dims")
    return dims


def _restore(xp, grad, in_shape, dims, keepdim):
    """Broadcast a reduced gradient back to ``in_shape``."""
    if not keepdim and dims and len(in_shape):
        grad = xp.unsqueeze(grad, dims)
    return xp.expand(grad, in_shape)


class Sum(Op):
    """Sum of all elements."""
    node_name = "SumBackward0"
    samples = Samples("sum")

    def forward(ctx, x, dims, keepdim, np_dtype):
        ctx.in_shape = x.shape
        ctx.dims = dims
        ctx.keepdim = keepdim
        return np.asarray(np.sum(x, axis=dims, keepdims=keepdim, dtype=np_dtype))

    def backward(ctx, xp, grad):
        return (_restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim),)


class SumDim(Sum):
    """Sum over the given dimensions."""
    node_name = "SumBackward1"


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype.numpy_dtype
    kind = input._data.dtype.kind
    return np.dtype(np.int64) if kind in "biu" else input._data.dtype


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None):  # noqa: A001
    """Return the sum of all elements, or over ``dim`` (integers sum in int64, as in PyTorch)."""
    if axis is not None:
        dim = axis
    np_dtype = _sum_dtype(input, dtype)
    if dim is None:
        return apply_unary(Sum, input, None if input._data.ndim else (), keepdim, np_dtype)
    return apply_unary(SumDim, input, _dims(input, dim), keepdim, np_dtype)


class Mean(Op):
    """Mean of all elements."""
    node_name = "MeanBackward0"
    float_only = True
    samples = Samples("mean")

    def forward(ctx, x, dims, keepdim):
        ctx.in_shape = x.shape
        ctx.dims = dims
        ctx.keepdim = keepdim
        ctx.count = x.size if dims is None else int(np.prod([x.shape[d] for d in dims]))
        return np.asarray(np.mean(x, axis=dims, keepdims=keepdim))

    def backward(ctx, xp, grad):
        # expand first, then divide: an empty input then gets an empty gradient, never 0/0
        return (_restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim) / ctx.count,)


class MeanDim(Mean):
    """Mean over the given dimensions."""
    node_name = "MeanBackward1"


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None):
    """Return the mean of all elements, or over ``dim``; integer inputs are an error, as in PyTorch."""
    if axis is not None:
        dim = axis
    if dtype is not None:
        from .elementwise import to
        input = to(input, dtype)
    if input._data.dtype.kind != "f":
        names = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                 "bool": "Bool"}
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {names[input.dtype.name]}")
    if dim is None:
        return apply_unary(Mean, input, None if input._data.ndim else (), keepdim)
    return apply_unary(MeanDim, input, _dims(input, dim), keepdim)


def sum_to_size(input, *size):
    """Return ``input`` summed over broadcast dimensions so that its shape is ``size``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    size = tuple(size)
    shape = input._data.shape
    if shape == size:
        return input
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != shape[i + lead] for i, s in enumerate(size)):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(size) if s == 1 and shape[i + lead] != 1)
    out = sum(input, dims, keepdim=True) if dims else input
    if lead:
        from .shape import reshape
        out = reshape(out, size)
    return out


OPS = (Sum, SumDim, Mean, MeanDim)
