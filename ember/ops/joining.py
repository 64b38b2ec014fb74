"""Joining and splitting: cat, stack, hstack/vstack/dstack, split, chunk, unbind, meshgrid.

Re-exported by ``ember.ops.shape``, whose ``OPS`` lists these ops. ``split``, ``chunk`` and ``unbind``
return views sharing memory and the version counter with their input, as PyTorch's.
"""
import warnings

import numpy as np

from .._dtype import result_type
from .._tensor import Tensor
from ._op import MultiOutputOp, Op, Samples, apply, apply_multi
from ._out import store as _store_out


def _cat_cases(make):
    return [(([make((2, 3)), make((4, 3))],), {}), (([make((2, 3)), make((2, 1)), make((2, 0))], 1), {}),
            (([make((0,)), make((2, 3)), make((1, 3))], -2), {}), (((make((3,)),),), {})]


class Cat(Op):
    """Tensors joined along an existing dimension."""
    node_name = "CatBackward0"
    samples = Samples("cat", cases=_cat_cases)

    def forward(ctx, *args):
        *arrays, dim, dtype, keep = args
        ctx.dim = dim
        ctx.sizes = [a.shape[dim] if k else None for a, k in zip(arrays, keep)]
        return np.concatenate([a for a, k in zip(arrays, keep) if k], axis=dim, dtype=dtype, casting="unsafe")

    def backward(ctx, xp, grad):
        out, start, lead = [], 0, (slice(None),) * ctx.dim
        for n in ctx.sizes:
            if n is None:  # a skipped 1-D empty tensor: an empty gradient, as PyTorch gives
                out.append(xp.zeros((0,), grad))
                continue
            out.append(xp.index(grad, (lead + (slice(start, start + n), Ellipsis),)))
            start += n
        return tuple(out)


def _tensor_list(tensors, what):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{what}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def _stack_list(tensors, what):
    tensors = _tensor_list(tensors, what)
    if not tensors:
        raise RuntimeError(f"{what} expects a non-empty TensorList")
    return tensors


def cat(tensors, dim=0, *, out=None):
    """Return the tensors concatenated along ``dim`` (sizes must match elsewhere; dtypes promote)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    # PyTorch's legacy rule: 1-D empty tensors are skipped whatever their shape
    keep = [t._data.shape != (0,) for t in tensors]
    if not any(keep):
        keep = [True] * len(tensors)
    kept = [(i, t._data.shape) for i, (t, k) in enumerate(zip(tensors, keep)) if k]
    for i, shape in kept:
        if not shape:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    ref = kept[0][1]
    dim = tensors[kept[0][0]]._wrap_dim(dim)
    for i, shape in kept:
        if len(shape) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(shape)}")
        for d, (a, b) in enumerate(zip(ref, shape)):
            if d != dim and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size {a} but "
                                   f"got size {b} for tensor number {i} in the list.")
    dtype = result_type(*tensors).numpy_dtype
    return _store_out(apply(Cat, tensors, dim, dtype, tuple(keep)), out, 'cat')


concat = concatenate = cat


def _stack_cases(make):
    return [(([make((2, 3)), make((2, 3))],), {}), (([make((2, 3)), make((2, 3)), make((2, 3))], -1), {}),
            (([make(()), make(())],), {})]


class Stack(Op):
    """Tensors of one shape joined along a new dimension."""
    node_name = "StackBackward0"
    samples = Samples("stack", cases=_stack_cases)

    def forward(ctx, *args):
        *arrays, dim, dtype = args
        ctx.dim, ctx.n = dim, len(arrays)
        return np.stack(arrays, axis=dim, dtype=dtype, casting="unsafe")

    def backward(ctx, xp, grad):
        lead = (slice(None),) * ctx.dim
        return tuple(xp.index(grad, (lead + (i, Ellipsis),)) for i in range(ctx.n))


def stack(tensors, dim=0, *, out=None):
    """Return the tensors (all of one shape) joined along a new dimension ``dim``."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    dim = tensors[0]._wrap_dim(dim, len(ref) + 1)
    return _store_out(apply(Stack, tensors, dim, result_type(*tensors).numpy_dtype), out, 'stack')


def _atleast(tensors, n):
    from .shape import reshape, unsqueeze
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    out = []
    for t in tensors:
        nd = t._data.ndim
        if nd >= n:
            out.append(t)
        elif nd == 0:
            out.append(reshape(t, (1,) * n))
        elif n == 2 or nd == 2:
            out.append(unsqueeze(t, 0 if n == 2 else -1))
        else:  # a vector to 3-D: (1, n, 1)
            out.append(unsqueeze(unsqueeze(t, 0), -1))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*tensors):
    """Return each input with at least one dimension (a tensor, or a tuple for several)."""
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    """Return each input with at least two dimensions."""
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    """Return each input with at least three dimensions."""
    return _atleast(tensors, 3)


def _as_tuple(result):
    return result if isinstance(result, tuple) else (result,)


def hstack(tensors, *, out=None):
    """Return the tensors concatenated column-wise (along dim 1; dim 0 for vectors)."""
    ts = _as_tuple(atleast_1d(*_stack_list(tensors, "hstack")))
    return _store_out(cat(ts, 0 if all(t._data.ndim == 1 for t in ts) else 1), out, 'hstack')


def vstack(tensors, *, out=None):
    """Return the tensors concatenated row-wise (along dim 0, vectors as rows)."""
    return _store_out(cat(_as_tuple(atleast_2d(*_stack_list(tensors, "vstack"))), 0), out, 'vstack')


row_stack = vstack


def dstack(tensors, *, out=None):
    """Return the tensors concatenated depth-wise (along dim 2)."""
    return _store_out(cat(_as_tuple(atleast_3d(*_stack_list(tensors, "dstack"))), 2), out, 'dstack')


class _Parts(MultiOutputOp):
    """Base of the splitting ops: views of consecutive parts; backward joins the parts' gradients."""

    def backward(ctx, xp, grads):
        grads = grads if ctx.n_outputs > 1 else [grads]
        like = next(g for g in grads if g is not None)
        parts = [g if g is not None else xp.zeros(s, like) for g, s in zip(grads, ctx.shapes)]
        return (xp.cat(parts, ctx.dim),)


def _split_cases(make):
    return [((make((5, 3)), 2), {}), ((make((5, 3)), [1, 0, 2], 1), {}), ((make((4, 3)), 4), {"dim": 0})]


class Split(_Parts):
    """Parts of equal size along a dimension (the last may be smaller)."""
    node_name = "SplitBackward0"
    samples = Samples("split", cases=_split_cases)

    def forward(ctx, x, dim, sizes):
        ctx.dim = dim
        parts = np.split(x, np.cumsum(sizes)[:-1], axis=dim)
        ctx.shapes = [p.shape for p in parts]
        return parts


class SplitWithSizes(Split):
    """Parts of the given sizes along a dimension."""
    node_name = "SplitWithSizesBackward0"
    samples = None


def _views_of(parts, input):
    box, base = input._version_box(), input if input._base is None else input._base
    for p in parts:
        p._vc = box
        p._base = base
    return parts


def split(tensor, split_size_or_sections, dim=0):
    """Return views of consecutive parts of ``tensor`` along ``dim``: of one size, or of the listed sizes."""
    if not tensor._data.ndim:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    given, dim = dim, tensor._wrap_dim(dim)
    n = tensor._data.shape[dim]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = tuple(int(s) for s in split_size_or_sections)
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                               f"split_sizes={list(sizes)}")
        if sum(sizes) != n:  # PyTorch names the dim as given, not wrapped
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                               f"at dimension {given}), but got split_sizes={list(sizes)}")
        return _views_of(apply_multi(SplitWithSizes, tensor, dim, sizes), tensor)
    size = int(split_size_or_sections)
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and n != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    sizes = (size,) * (n // size) + ((n % size,) if n % size else ()) if size else ()
    return _views_of(apply_multi(Split, tensor, dim, sizes or (0,)), tensor)


def chunk(input, chunks, dim=0):
    """Return ``chunks`` views (or fewer) of nearly equal size along ``dim``."""
    if not input._data.ndim:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    dim = input._wrap_dim(dim)
    n = input._data.shape[dim]
    return split(input, -(-n // chunks) if n else 0, dim)


class Unbind(_Parts):
    """The slices along a dimension, which disappears."""
    node_name = "UnbindBackward0"
    samples = Samples("unbind", cases=lambda make: [((make((3, 2)),), {}), ((make((3, 2)), 1), {})])

    def forward(ctx, x, dim):
        ctx.dim = dim
        lead = (slice(None),) * dim
        parts = [x[lead + (i, Ellipsis)] for i in range(x.shape[dim])]
        ctx.shapes = [p.shape for p in parts]
        return parts

    def backward(ctx, xp, grads):
        grads = grads if ctx.n_outputs > 1 else [grads]
        like = next(g for g in grads if g is not None)
        parts = [xp.unsqueeze(g if g is not None else xp.zeros(s, like), ctx.dim) for g, s in zip(grads, ctx.shapes)]
        return (xp.cat(parts, ctx.dim),)


def unbind(input, dim=0):
    """Return the views of ``input`` at each position of ``dim``, that dimension removed."""
    dim = input._wrap_dim(dim)
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if input._data.shape[dim] == 0:
        return ()
    return _views_of(apply_multi(Unbind, input, dim), input)


_MESHGRID_WARNING = ("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.")


def meshgrid(*tensors, indexing=None):
    """Return coordinate grids spanned by 1-D tensors (``indexing``: "ij", the default, or "xy")."""
    from .shape import expand, reshape
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(_MESHGRID_WARNING, UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    sizes = [t._data.size for t in tensors]
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, t in enumerate(tensors):
        pos = (1 - i if i < 2 else i) if swap else i
        view = [1] * len(tensors)
        view[pos] = -1
        out.append(expand(reshape(t, tuple(view)), tuple(sizes)))
    return tuple(out)

