"""Rearranging ops: repeat/tile, flip, roll, diagonal, tril/triu, unfold.

Re-exported by ``ember.ops.shape``, whose ``OPS`` lists these ops. ``diagonal`` and ``unfold`` are
views (writeable strided views of the input's memory); the others copy.
"""
import numpy as np

from ._op import Op, Samples, apply_unary, apply_view
from .shape import Clone, _inverse, _shape_arg, reshape
from ._out import store as _store_out


def _unrepeat(xp, grad, in_shape, sizes):
    """Sum the gradient of ``repeat`` over the copies: (r0, n0, r1, n1, ...) summed over the r's."""
    padded = (1,) * (len(sizes) - len(in_shape)) + tuple(in_shape)
    split = tuple(v for pair in zip(sizes, padded) for v in pair)
    g = xp.sum(xp.reshape(grad, split), tuple(range(0, len(split), 2)))
    return xp.reshape(g, in_shape)


class Repeat(Op):
    """The input tiled along each dimension."""
    node_name = "RepeatBackward0"
    samples = Samples("Tensor.repeat", cases=lambda make: [((make((2, 3)), 2, 1, 3), {}), ((make((3,)), (0, 2)), {}),
                                                           ((make(()), 4), {})])

    def forward(ctx, x, sizes):
        ctx.in_shape, ctx.sizes = x.shape, sizes
        return np.tile(x, sizes)

    def backward(ctx, xp, grad):
        return (_unrepeat(xp, grad, ctx.in_shape, ctx.sizes),)


def repeat(input, *sizes):
    """Return ``input`` repeated ``sizes[i]`` times along each dimension (leading sizes add dimensions)."""
    sizes = _shape_arg(sizes)
    if len(sizes) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: {list(sizes)}")
    if not sizes:
        return apply_unary(Clone, input)
    return apply_unary(Repeat, input, sizes)


def tile(input, dims):
    """Return ``input`` repeated along each dimension (``dims`` shorter than ``input.dim()`` gets leading ones)."""
    dims = _shape_arg((dims,))
    return repeat(input, (1,) * (input._data.ndim - len(dims)) + dims)


class Flip(Op):
    """The input reversed along some dimensions (a copy)."""
    node_name = "FlipBackward0"
    samples = Samples("Tensor.flip", cases=lambda make: [((make((2, 3, 4)), (0, 2)), {}), ((make((3,)), -1), {})])

    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy()  # ascontiguousarray would make a 0-d input 1-d

    def backward(ctx, xp, grad):
        return (xp.flip(grad, ctx.dims),)


def flip(input, *args, dims=None):
    """Return a copy of ``input`` reversed along ``dims``."""
    dims = tuple(input._wrap_dim(d) for d in _shape_arg(args if dims is None else (dims,)))
    if not input._data.ndim:
        dims = ()  # a 0-d tensor's dimension 0 (or -1) flips nothing
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return apply_unary(Flip, input, dims)


def fliplr(input):
    """Return ``input`` reversed left to right (dimension 1)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    """Return ``input`` reversed up to down (dimension 0)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


class Roll(Op):
    """The input rotated along dimensions (or flattened, when none are given)."""
    node_name = "RollBackward0"
    samples = Samples("Tensor.roll", cases=lambda make: [((make((3, 4)), 1, 0), {}), ((make((3, 4)), (-1, 5), (1, 0)), {}),
                                                         ((make((3, 4)), 5), {})])

    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x, shifts, dims)

    def backward(ctx, xp, grad):
        back = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return (xp.roll(grad, back, ctx.dims),)


def roll(input, shifts, dims=None):
    """Return ``input`` with elements shifted by ``shifts`` along ``dims`` (of the flattened tensor if None)."""
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else int(shifts)
    if dims is None:
        if isinstance(shifts, tuple) and len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return apply_unary(Roll, input, shifts[0] if isinstance(shifts, tuple) else shifts, None)
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    shifts = shifts if isinstance(shifts, tuple) else (shifts,)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if not input._data.ndim and dims:  # PyTorch refuses before wrapping the dim
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    return apply_unary(Roll, input, shifts, tuple(input._wrap_dim(d) for d in dims))


def _diagonal_view(x, offset, d1, d2):
    """A writeable view of the diagonal of dims ``d1``, ``d2`` (moved last), as NumPy's but not read-only."""
    n1, n2 = x.shape[d1], x.shape[d2]
    k = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
    if k:
        d, o = (d2, offset) if offset >= 0 else (d1, -offset)
        x = x[(slice(None),) * d + (slice(o, None), Ellipsis)]
    others = [i for i in range(x.ndim) if i not in (d1, d2)]
    shape = tuple(x.shape[i] for i in others) + (k,)
    strides = tuple(x.strides[i] for i in others) + (x.strides[d1] + x.strides[d2],)
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=x.flags.writeable)


class Diagonal(Op):
    """A diagonal of two dimensions, as a new last dimension (a view)."""
    node_name = "DiagonalBackward0"
    samples = Samples("Tensor.diagonal", cases=lambda make: [((make((3, 4)),), {}), ((make((3, 4)), 1), {}),
                                                             ((make((2, 3, 4)), -1, 2, 0), {})])

    def forward(ctx, x, offset, d1, d2):
        ctx.in_shape, ctx.args = x.shape, (offset, d1, d2)
        return _diagonal_view(x, offset, d1, d2)

    def backward(ctx, xp, grad):
        offset, d1, d2 = ctx.args
        perm = tuple(i for i in range(len(ctx.in_shape)) if i not in (d1, d2)) + (d1, d2)
        k = grad.shape[-1]
        rows, cols = np.arange(k) + max(-offset, 0), np.arange(k) + max(offset, 0)
        z = xp.index_put_zeros(grad, tuple(ctx.in_shape[i] for i in perm), ((Ellipsis, rows, cols),))
        return (xp.permute(z, _inverse(perm)),)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """Return a view of the diagonal (``offset`` above the main one) of dimensions ``dim1`` and ``dim2``."""
    d1, d2 = input._wrap_dim(dim1), input._wrap_dim(dim2)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply_view(Diagonal, input, int(offset), d1, d2)


class Tril(Op):
    """The lower triangle of the last two dimensions, the rest zeroed."""
    node_name = "TrilBackward0"
    samples = Samples("Tensor.tril", cases=lambda make: [((make((3, 4)),), {}), ((make((2, 3, 4)), -1), {})])

    def forward(ctx, x, k):
        ctx.k = k
        return np.tril(x, k)

    def backward(ctx, xp, grad):
        return (xp.tril(grad, ctx.k),)


class Triu(Op):
    """The upper triangle of the last two dimensions, the rest zeroed."""
    node_name = "TriuBackward0"
    samples = Samples("Tensor.triu", cases=lambda make: [((make((4, 3)),), {}), ((make((2, 3, 4)), 2), {})])

    def forward(ctx, x, k):
        ctx.k = k
        return np.triu(x, k)

    def backward(ctx, xp, grad):
        return (xp.triu(grad, ctx.k),)


def tril(input, diagonal=0, *, out=None):
    """Return the lower triangle (on and below ``diagonal``) of the last two dimensions, the rest zero."""
    if input._data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return _store_out(apply_unary(Tril, input, int(diagonal)), out, 'tril')


def triu(input, diagonal=0, *, out=None):
    """Return the upper triangle (on and above ``diagonal``) of the last two dimensions, the rest zero."""
    if input._data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return _store_out(apply_unary(Triu, input, int(diagonal)), out, 'triu')


class Unfold(Op):
    """Sliding windows along a dimension, as a new last dimension (a view)."""
    node_name = "UnfoldBackward0"
    samples = Samples("Tensor.unfold", cases=lambda make: [((make((7, 3)), 0, 3, 2), {}), ((make((2, 5)), 1, 2, 1), {})])

    def forward(ctx, x, d, size, step):
        count = (x.shape[d] - size) // step + 1
        ctx.in_shape, ctx.args = x.shape, (d, size, step, count)
        shape = x.shape[:d] + (count,) + x.shape[d + 1:] + (size,)
        strides = x.strides[:d] + (x.strides[d] * step,) + x.strides[d + 1:] + (x.strides[d],)
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=x.flags.writeable)

    def backward(ctx, xp, grad):
        d, size, step, count = ctx.args
        nd = len(ctx.in_shape) + 1
        g = xp.permute(grad, tuple(range(d + 1)) + (nd - 1,) + tuple(range(d + 1, nd - 1)))
        windows = (np.arange(count) * step)[:, None] + np.arange(size)
        return (xp.index_put_zeros(g, ctx.in_shape, ((slice(None),) * d + (windows,),)),)


def unfold(input, dimension, size, step):
    """Return a view of all windows of ``size`` elements, ``step`` apart, along ``dimension`` (a new last dim)."""
    d = input._wrap_dim(dimension)
    n = input._data.shape[d] if input._data.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if input._data.ndim == 0:
        return apply_view(Unfold, reshape(input, (1,)), 0, size, step)
    return apply_view(Unfold, input, d, size, step)



def broadcast_shapes(*shapes):
    """Return the ``Size`` that tensors of the given shapes broadcast to."""
    from .._size import Size
    result = []
    for index, shape in enumerate(shapes):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        for d in range(1, len(shape) + 1):
            if d > len(result):
                result.insert(0, shape[-d])
            elif shape[-d] != 1 and result[-d] != shape[-d]:
                if result[-d] != 1:
                    raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[-d]} at {-d}! Mismatching "
                                       f"argument at index {index} had {shape}; but expected shape should be "
                                       f"broadcastable to {result}")
                result[-d] = shape[-d]
    return Size(result)


def broadcast_tensors(*tensors):
    """Return views of ``tensors`` expanded to their common broadcast shape."""
    from ._op import broadcast_error
    from .shape import expand
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shapes = [t._data.shape for t in tensors]
    err = broadcast_error(*shapes) if shapes else None
    if err is not None:
        raise err
    shape = np.broadcast_shapes(*shapes) if shapes else ()
    return tuple(expand(t, shape) for t in tensors)
