"""Index-shaped primitives of ``extra``: put, diagonal/select/slice_scatter, narrow_copy, block_diag,
unique_consecutive. Their backwards index the incoming gradient with ``xp.index``/``xp.zero_at``
(NumPy index tuples), so they differentiate again under ``create_graph``."""
import numpy as np

from .._tensor import Tensor, _wrap
from . import _numpy_api
from ._ew_base import promote
from ._op import _DISCARD, Op, Samples, apply, apply_unary
from .indexing import CopySlices


class Put(Op):
    """``input`` with ``source`` written at the flat positions ``index`` (added when ``accumulate``)."""
    node_name = "PutBackward0"
    samples = Samples("put", cases=lambda make: [
        ((make((3, 4)), np.array([0, 5, -1]), make((3,))), {}),
        ((make((3, 4)), np.array([[1, 1], [2, 7]]), make((2, 2))), {"accumulate": True})])

    def forward(ctx, x, index, source, accumulate):
        flat_index = np.asarray(index).reshape(-1) % max(x.size, 1)
        ctx.keys = (np.unravel_index(flat_index, x.shape),)
        ctx.args = (source.shape, accumulate)
        out = x.copy()
        flat = out.reshape(-1)
        if accumulate:
            np.add.at(flat, flat_index, source.reshape(-1))
        else:
            flat[flat_index] = source.reshape(-1)
        return out

    def backward(ctx, xp, grad):
        shape, accumulate = ctx.args
        g_input = grad if accumulate else xp.zero_at(grad, ctx.keys)
        return g_input, None, xp.reshape(xp.index(grad, ctx.keys), shape)


def put(input, index, source, accumulate=False):
    """Return a copy of ``input`` with ``source`` written at the flat ``index`` (summed when ``accumulate``)."""
    if source._data.dtype != input._data.dtype:
        raise RuntimeError("put(): Expected self.dtype to be equal to source.dtype")
    if index.numel() != source.numel():
        raise RuntimeError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    n = input.numel()
    idx = index._data.reshape(-1)
    bad = idx[(idx >= n) | (idx < -n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad[0])} on a tensor of {n} elements.")
    return apply(Put, (input, index, source), accumulate)


class DiagonalScatter(Op):
    """``input`` with ``src`` written on a diagonal of ``(dim1, dim2)``."""
    node_name = "DiagonalScatterBackward0"
    samples = Samples("diagonal_scatter", cases=lambda make: [
        ((make((3, 4)), make((3,))), {}), ((make((3, 4)), make((2,))), {"offset": 2}),
        ((make((2, 3, 4)), make((4, 1))), {"offset": -1, "dim1": 0, "dim2": 1})])

    def forward(ctx, x, src, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = x.copy()
        moved = np.moveaxis(out, (d1, d2), (-2, -1))
        n = src.shape[-1]
        rows = np.arange(n) + max(-offset, 0)
        moved[..., rows, rows + offset] = src
        return out

    def backward(ctx, xp, grad):
        offset, d1, d2 = ctx.args
        if xp is _numpy_api:
            part = np.diagonal(grad, offset, d1, d2)
            return DiagonalScatter.forward(_DISCARD, grad, np.zeros_like(part), offset, d1, d2), part.copy()
        from .shape import diagonal
        part = diagonal(grad, offset, d1, d2)
        return diagonal_scatter(grad, part * 0, offset, d1, d2), part


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """Return a copy of ``input`` with ``src`` embedded on its ``(dim1, dim2)`` diagonal at ``offset``."""
    d1, d2 = input._wrap_dim(dim1), input._wrap_dim(dim2)
    expected = np.diagonal(np.empty(input.shape, np.bool_), offset, d1, d2).shape
    if tuple(src.shape) != expected:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(expected)}")
    return apply(DiagonalScatter, (input, src), int(offset), d1, d2)


class SelectScatter(CopySlices):
    """``input`` with ``src`` written at ``index`` along ``dim``: ``x[keys] = v``'s forward and backward
    (``CopySlices``) under PyTorch's node name."""
    node_name = "SelectScatterBackward0"
    name = Op.name
    samples = Samples("select_scatter", cases=lambda make: [
        ((make((3, 4)), make((4,))), {"dim": 0, "index": 1}), ((make((2, 3, 4)), make((2, 4))), {"dim": 1, "index": -1})])


class SliceScatter(SelectScatter):
    """``input`` with ``src`` written on a strided slice along ``dim``."""
    node_name = "SliceScatterBackward0"
    samples = Samples("slice_scatter", cases=lambda make: [
        ((make((4, 3)), make((2, 3))), {"start": 1, "end": 3}), ((make((3, 6)), make((3, 3))), {"dim": 1, "step": 2}),
        ((make((3, 4)), make((3, 4))), {})])


def _check_src(input, src, keys):
    expected = np.empty(input.shape, np.bool_)[keys[0]].shape
    if tuple(src.shape) != expected:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(expected)}")


def select_scatter(input, src, dim, index):
    """Return a copy of ``input`` with ``src`` embedded at ``index`` along ``dim``."""
    dim = input._wrap_dim(dim)
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension "
                         f"{dim}")
    keys = ((slice(None),) * dim + (index % size,),)
    _check_src(input, src, keys)
    return apply(SelectScatter, (input, src), keys)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """Return a copy of ``input`` with ``src`` embedded on the slice ``start:end:step`` of ``dim``."""
    dim = input._wrap_dim(dim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    keys = ((slice(None),) * dim + (slice(start, end, step),),)
    _check_src(input, src, keys)
    return apply(SliceScatter, (input, src), keys)


class NarrowCopy(Op):
    """A copy of ``length`` elements of ``input`` from ``start`` along ``dim``."""
    node_name = "NarrowCopyBackward0"
    samples = Samples("narrow_copy", cases=lambda make: [
        ((make((4, 3)), 0, 1, 2), {}), ((make((2, 5)), -1, 0, 5), {}), ((make((3, 4)), 1, 4, 0), {})])

    def forward(ctx, x, dim, start, length):
        key = (slice(None),) * dim + (slice(start, start + length),)
        ctx.args = (x.shape, (key,))
        return x[key].copy()

    def backward(ctx, xp, grad):
        shape, keys = ctx.args
        return (xp.index_put_zeros(grad, shape, keys),)


def narrow_copy(input, dim, start, length):
    """Return a new tensor holding the ``length`` elements of ``input`` from ``start`` along ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = input._wrap_dim(dim)
    size = input.shape[dim]
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return apply_unary(NarrowCopy, input, dim, start, length)


class BlockDiag(Op):
    """The block-diagonal matrix of the inputs (0-d as 1x1, 1-d as one row)."""
    node_name = "BlockDiagBackward0"
    samples = Samples("block_diag", cases=lambda make: [
        ((make((2, 3)), make((1, 2)), make((3,))), {}), ((make(()), make((2, 2))), {}), ((make((0, 2)), make((2, 1))), {})])

    def forward(ctx, *arrays):
        mats = [a.reshape(1, -1) if a.ndim == 1 else a.reshape(1, 1) if a.ndim == 0 else a for a in arrays]
        rows = np.cumsum([0] + [m.shape[0] for m in mats])
        cols = np.cumsum([0] + [m.shape[1] for m in mats])
        ctx.layout = [(a.shape, (slice(r, r + m.shape[0]), slice(c, c + m.shape[1])))
                      for a, m, r, c in zip(arrays, mats, rows, cols)]
        out = np.zeros((rows[-1], cols[-1]), np.result_type(*arrays) if arrays else np.float32)
        for m, r, c in zip(mats, rows, cols):
            out[r:r + m.shape[0], c:c + m.shape[1]] = m
        return out

    def backward(ctx, xp, grad):
        return tuple(xp.reshape(xp.index(grad, (key,)), shape) for shape, key in ctx.layout)


def block_diag(*tensors):
    """Return the block-diagonal matrix built from ``tensors`` (each at most 2-D)."""
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    if not tensors:
        from .._creation import empty
        return empty(1, 0)
    return apply(BlockDiag, tuple(promote(tensors)))


class UniqueConsecutive(Op):
    """The input with consecutive repeats collapsed; PyTorch defines no derivative for it."""
    node_name = "UniqueConsecutiveBackward0"
    samples = Samples("unique_consecutive", grad=False, cases=lambda make: [
        ((make((12,), 0, 3, "int64"),), {"return_counts": True, "return_inverse": True}), ((make((3, 4)),), {}),
        ((make((6, 2), 0, 1, "int64"),), {"dim": 0, "return_counts": True})])

    def forward(ctx, x, dim):
        return _unique_consecutive(x, dim)[0]

    def backward(ctx, xp, grad):
        raise NotImplementedError("the derivative for 'unique_consecutive' is not implemented.")


def _unique_consecutive(x, dim):
    if dim is None:
        flat = x.reshape(-1)
        starts = np.ones(flat.shape, bool)
        starts[1:] = flat[1:] != flat[:-1]
        groups = np.cumsum(starts) - 1
        return flat[starts], groups.reshape(x.shape), np.diff(np.append(np.flatnonzero(starts), flat.size))
    moved = np.moveaxis(x, dim, 0).reshape(x.shape[dim], -1)
    starts = np.ones(moved.shape[0], bool)
    starts[1:] = (moved[1:] != moved[:-1]).any(axis=1)
    values = np.take(x, np.flatnonzero(starts), axis=dim)
    return values, np.cumsum(starts) - 1, np.diff(np.append(np.flatnonzero(starts), moved.shape[0]))


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Return ``input`` with consecutive equal elements (or slices along ``dim``) collapsed to one."""
    d = None if dim is None else input._wrap_dim(dim)
    out = apply_unary(UniqueConsecutive, input, d)
    if not (return_inverse or return_counts):
        return out
    _, inverse, counts = _unique_consecutive(input._data, d)
    result = (out,)
    if return_inverse:
        result += (_wrap(inverse.astype(np.int64)),)
    if return_counts:
        result += (_wrap(counts.astype(np.int64)),)
    return result


INDEX_OPS = (Put, DiagonalScatter, SelectScatter, SliceScatter, NarrowCopy, BlockDiag, UniqueConsecutive)
