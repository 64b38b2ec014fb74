"""Indexing: ``__getitem__`` (basic and advanced), ``__setitem__``, gather/scatter and friends."""
import numpy as np

from .._tensor import Tensor, _wrap
from ._op import Op, apply_unary, apply_view


def _convert_index(index):
    """Turn tensors inside an index into arrays NumPy understands."""
    if isinstance(index, tuple):
        return tuple(_convert_index(i) for i in index)
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, list):
        return np.asarray([i._data if isinstance(i, Tensor) else i for i in index])
    return index


class Index(Op):
    """Elements picked by an index; backward scatters (adds) the gradient back."""
    node_name = "IndexBackward0"

    def forward(ctx, x, index):
        ctx.in_shape = x.shape
        ctx.index = index
        return np.asarray(x[index])

    def backward(ctx, xp, grad):
        out = np.zeros(ctx.in_shape, dtype=grad.dtype)
        np.add.at(out, ctx.index, grad)
        return (out,)


def getitem(input, index):
    """Return ``input[index]``."""
    return apply_unary(Index, input, _convert_index(index))


def setitem(input, index, value):
    """Assign ``value`` to ``input[index]`` in place."""
    input._data[_convert_index(index)] = value._data if isinstance(value, Tensor) else value
    input._bump_version()


OPS = (Index,)
