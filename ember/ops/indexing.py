"""Indexing: ``x[index]`` (basic and advanced), ``x[index] = v``, gather/scatter and friends.

As in PyTorch, ``x[index]`` applies the basic part of the index (ints, slices, None, ``...``) first,
as one view, then the advanced part (integer and bool tensors, lists) to that view, as one copy; the
grad_fn is named after the last step. A ``keys`` value is a tuple of NumPy index tuples applied in
turn (the basic view's key, then the advanced key), so that assignment and the backward formulas
reach exactly the elements the forward read. Backward formulas scatter with ``xp.index_put_zeros``
(repeated indices accumulate), whose own backward indexes again: double backward comes free.
"""
import operator

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from . import _numpy_api as _npx
from ._op import Op, Samples, apply, apply_unary, apply_view
from .inplace import _write_back

_BAD_TYPE = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
             "(got {})")
_BAD_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"
_ZERO_DIM = ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
             "convert a 0-dim tensor to a number")
_LEAF_VIEW = "a view of a leaf Variable that requires grad is being used in an in-place operation."
_LEAF = "a leaf Variable that requires grad is being used in an in-place operation."
_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation.")


# ---------------------------------------------------------------- index parsing

_SEQ_AS_TUPLE = ("Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in "
                 "pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as "
                 "tensor index, x[torch.tensor(seq)], which will result either in an error or a different result")


def _sequence_as_tuple(index):
    """PyTorch's (and old NumPy's) rule: a short list holding a tensor, a sequence, a slice, ``...`` or
    None indexes as the tuple of its items (``x[[[0, 1], [1, 2]]]`` is ``x[[0, 1], [1, 2]]``)."""
    if len(index) < 32:
        for it in index:
            if isinstance(it, (Tensor, list, tuple, range, np.ndarray, slice)) or it is None or it is Ellipsis:
                import warnings
                warnings.warn(_SEQ_AS_TUPLE, UserWarning, stacklevel=4)
                return tuple(index)
    return index


def _plain(value):
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _index_array(value):
    """An index tensor, array or list as an int or bool ndarray; a 0-d one as an int or a bool."""
    a = value._data if isinstance(value, Tensor) else np.asarray(_plain(value))
    if a.size == 0 and a.dtype.kind == "f" and not isinstance(value, (Tensor, np.ndarray)):
        a = a.astype(np.int64)  # an empty list
    if a.dtype == np.uint8:  # byte tensors index as masks, as in PyTorch
        a = a.astype(bool)
    if a.dtype.kind not in "iub":
        raise IndexError(_BAD_DTYPE)
    if a.ndim == 0:
        return bool(a) if a.dtype.kind == "b" else int(a)
    return a


def _items(index):
    out = []
    for it in (index if isinstance(index, tuple) else (index,)):
        kind = type(it)
        if kind is int or kind is slice or kind is bool or it is None or it is Ellipsis:
            out.append(it)
        elif isinstance(it, (Tensor, np.ndarray, list, range)):
            out.append(_index_array(it))
        elif isinstance(it, np.bool_):
            out.append(bool(it))
        elif isinstance(it, np.integer):
            out.append(int(it))
        else:
            raise IndexError(_BAD_TYPE.format(kind.__name__))
    return out


def _used(item):
    if item is None or item is Ellipsis or type(item) is bool:
        return 0
    if isinstance(item, np.ndarray) and item.dtype.kind == "b":
        return item.ndim
    return 1


def _slice(s, n):
    step = 1 if s.step is None else operator.index(s.step)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step < 0:
        raise ValueError("step must be greater than zero")
    start, stop, step = slice(s.start, s.stop, step).indices(n)
    return slice(start, stop, step), max(0, -(-(stop - start) // step))


def _check_bounds(a, n, dim):
    if a.size and (a.max() >= n or a.min() < -n):
        bad = a[(a >= n) | (a < -n)].flat[0]
        raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {n}")


def _parse(shape, index):
    """Split a PyTorch index into ``(key, view_op, advanced_key or None)`` for a tensor of ``shape``."""
    items = _items(index)
    single = not isinstance(index, tuple)
    ndim, used = len(shape), sum(_used(it) for it in items)
    if used > ndim:
        if ndim == 0 and single and type(items[0]) is int:
            raise IndexError(_ZERO_DIM)
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, yshape, adv, cls, dim, pending = [], [], [], Alias, 0, []
    skipped = 0  # PyTorch's error messages count an ellipsis covering no dimension as one
    for it in items:
        if it is Ellipsis:  # a second ``...`` stands for no dimensions, as in PyTorch
            k, used = ndim - used, ndim
            skipped += k == 0
            basic += [slice(None)] * k
            yshape += shape[dim:dim + k]
            dim += k
        elif it is None or type(it) is bool:
            if type(it) is bool:  # True/False: a new dimension indexed by [0] or []
                adv.append((len(yshape), np.zeros(int(it), np.int64)))
            basic.append(None)
            yshape.append(1)
            cls = Unsqueeze
        elif type(it) is int:
            n = shape[dim]
            if not -n <= it < n:
                raise IndexError(f"index {it} is out of bounds for dimension {len(basic) + skipped} with size {n}")
            basic.append(it)
            dim, cls = dim + 1, Select
        elif type(it) is slice:
            n = shape[dim]
            s, length = _slice(it, n)
            # in a tuple, PyTorch skips a slice written as covering the whole dimension
            if single or it.start not in (None, 0) or (it.stop is not None and it.stop < n) or s.step != 1:
                cls = Slice
            basic.append(s)
            yshape.append(length)
            dim += 1
        else:
            k = it.ndim if it.dtype.kind == "b" else 1
            _advanced(it, shape, dim, yshape, adv, pending)
            basic += [slice(None)] * k
            yshape += shape[dim:dim + k]
            dim += k
    key = _advanced_key(adv)
    # PyTorch checks bounds only for elements it gathers: none when the indices broadcast to empty
    if pending and np.prod(np.broadcast_shapes(*(a.shape for _, a in adv))):
        for a, n, d in pending:
            _check_bounds(a, n, d)
    return tuple(basic) + (Ellipsis,), cls, key


def _advanced(a, shape, dim, yshape, adv, pending):
    ydim = len(yshape)
    if a.dtype.kind != "b":
        pending.append((a, shape[dim], len(adv)))  # PyTorch counts the dimension among the indexed ones
        adv.append((ydim, a))
        return
    for j in range(a.ndim):
        if a.shape[j] != shape[dim + j]:
            raise IndexError(f"The shape of the mask {list(a.shape)} at index {j} does not match the shape of "
                             f"the indexed tensor {list(yshape) + list(shape[dim:])} at index {ydim + j}")
    adv += [(ydim + j, nz) for j, nz in enumerate(np.nonzero(a))]


def _advanced_key(adv):
    if not adv:
        return None
    try:
        if len(adv) > 1:
            np.broadcast_shapes(*(a.shape for _, a in adv))
    except ValueError:
        shapes = ", ".join(str(list(a.shape)) for _, a in adv)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes "
                         f"{shapes}") from None
    key = [slice(None)] * (adv[-1][0] + 1)
    for p, a in adv:
        key[p] = a
    return tuple(key)


# ---------------------------------------------------------------- x[index]

def _getitem_cases(make):
    x = make((4, 3, 5))
    return [((x, 1), {}), ((x, slice(1, 4, 2)), {}), ((x, (None, Ellipsis, 0)), {}), ((x, (slice(None), 2)), {}),
            ((x, np.array([0, 2, 0, 0])), {}), ((x, (1, slice(None), [4, 4, 0])), {}),
            ((x, ([[0], [3]], slice(0, 2), [1, 1, 2])), {}), ((x, (make((4, 3)) > 0,)), {}),
            ((make(()), (None, Ellipsis)), {}), ((make((0, 3)), (slice(None), [1, 1])), {})]


class _View(Op):
    """Base of the basic-indexing views, ``x[key]``; backward puts the gradient back into zeros."""

    def forward(ctx, x, key):
        ctx.in_shape = x.shape
        ctx.key = key
        return x[key]

    def backward(ctx, xp, grad):
        return (xp.index_put_zeros(grad, ctx.in_shape, (ctx.key,)),)


class Select(_View):
    """``x[i]``: one position of a dimension, which disappears."""
    node_name = "SelectBackward0"
    samples = Samples("Tensor.__getitem__", cases=_getitem_cases)


class Slice(_View):
    """``x[a:b:c]``: a strided range of a dimension."""
    node_name = "SliceBackward0"


class Unsqueeze(_View):
    """``x[None]``: a new dimension of size one."""
    node_name = "UnsqueezeBackward0"


class Alias(_View):
    """``x[...]``: the same elements."""
    node_name = "AliasBackward0"


class Index(Op):
    """Advanced indexing, ``x[keys]`` (a copy); backward adds the gradient back, repeats accumulating."""
    node_name = "IndexBackward0"

    def forward(ctx, x, keys):
        ctx.in_shape = x.shape
        ctx.keys = keys
        return _npx.index(x, keys)

    def backward(ctx, xp, grad):
        return (xp.index_put_zeros(grad, ctx.in_shape, ctx.keys),)


class IndexPutZeros(Op):
    """Zeros of a shape with the input added at ``keys``: the index backward, whose backward indexes."""
    node_name = "IndexPutBackward0"

    def forward(ctx, g, shape, keys):
        ctx.keys = keys
        return _npx.index_put_zeros(g, shape, keys)

    def backward(ctx, xp, grad):
        return (xp.index(grad, ctx.keys),)


class ZeroAt(Op):
    """The input with the elements at ``keys`` zeroed: a projection, its own backward."""
    node_name = "IndexFillBackward0"

    def forward(ctx, g, keys):
        ctx.keys = keys
        return _npx.zero_at(g, keys)

    def backward(ctx, xp, grad):
        return (xp.zero_at(grad, ctx.keys),)


def index_keys(x, keys):
    """Return ``x`` indexed by NumPy ``keys`` (recorded; ``xp.index`` under create_graph)."""
    return apply_unary(Index, x, keys)


def index_put_zeros(g, shape, keys):
    """Return zeros of ``shape`` with ``g`` added at ``keys`` (recorded)."""
    return apply_unary(IndexPutZeros, g, shape, keys)


def zero_at(g, keys):
    """Return ``g`` with the elements at ``keys`` zeroed (recorded)."""
    return apply_unary(ZeroAt, g, keys)


def getitem(input, index):
    """Return ``input[index]``: a view for ints, slices, None and ``...``; a copy when tensors index."""
    shape = input._data.shape
    if type(index) is list:
        index = _sequence_as_tuple(index)
    elif type(index) is int:  # fast paths: x[i] and x[integer tensor]
        if shape and -shape[0] <= index < shape[0]:
            return apply_view(Select, input, (index, Ellipsis))
    elif type(index) is Tensor and shape:
        a = index._data
        if a.ndim and a.dtype.kind == "i":
            _check_bounds(a, shape[0], 0)
            return apply_unary(Index, input, ((a,),))
    key, cls, adv = _parse(shape, index)
    if adv is None:
        return apply_view(cls, input, key)
    if cls is not Alias:
        input = apply_view(cls, input, key)
    return apply_unary(Index, input, (adv,))


# ---------------------------------------------------------------- x[index] = value

class CopySlices(Op):
    """``x`` with ``v`` written at ``keys``: ``x[index] = v`` when autograd records it."""
    node_name = "CopySlices"

    def name(self):
        return "torch::autograd::CopySlices"  # PyTorch's C++ name; reprs show the short one

    def forward(ctx, x, v, keys):
        ctx.keys = keys
        out = x.copy()
        a, k = _npx._locate(out, keys)
        a[k] = v
        return out

    def backward(ctx, xp, grad):
        return xp.zero_at(grad, ctx.keys), xp.index(grad, ctx.keys)


def _value_shape(vshape, target, advanced, array):
    """``vshape`` without leading ones, checked to broadcast to ``target`` (PyTorch's errors)."""
    vs = tuple(vshape)
    while vs and vs[0] == 1:
        vs = vs[1:]
    if len(vs) <= len(target) and all(v in (1, t) for v, t in zip(vs[::-1], target[::-1])):
        return vs
    if advanced:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}")
    from .shape import expand
    expand(_wrap(np.empty(vs, array.dtype)), target)  # raises expand's error
    raise AssertionError("unreachable")


class AsStridedView(Index):
    """A view's node after an in-place op wrote through it: the view read back out of its base, whose node
    is now a CopySlices (PyTorch's AsStridedBackward0); backward adds the gradient into the base's shape."""
    node_name = "AsStridedBackward0"


def _view_keys(t, base):
    """The advanced index that picks out of ``base`` the elements the view ``t`` shows (by their memory
    offsets), or None when ``base``'s memory is not one contiguous block."""
    a, b = t._data, base._data
    if a.dtype != b.dtype:  # a view(dtype) reinterpreting the bytes: no element-wise correspondence
        return None
    if b.flags.c_contiguous:
        order = "C"
    elif b.flags.f_contiguous:
        order = "F"
    else:
        return None
    item = b.itemsize
    offset = (a.__array_interface__["data"][0] - b.__array_interface__["data"][0]) // item
    positions = np.arange(max(b.size, 1), dtype=np.intp)
    steps = tuple(s // item * positions.itemsize for s in a.strides)
    region = np.lib.stride_tricks.as_strided(positions[offset:], a.shape, steps)
    return (np.unravel_index(region, b.shape, order=order),)


def write_through_view(t, result):
    """``t``, a view, takes the values of ``result`` (the out-of-place form of an in-place op on it) as
    PyTorch records it: its base becomes a CopySlices of (old base, result) and ``t`` a view of that."""
    base = t._base
    keys = _view_keys(t, base)
    if keys is None:
        raise RuntimeError("ember does not support in-place operations that record a gradient on this view (its "
                           "base is not one contiguous block, or it reinterprets the dtype); use the out-of-place "
                           "operation instead")
    if base._requires_grad and base._node is None and _state.enabled:
        raise RuntimeError(_LEAF_VIEW)
    _write_back(base, apply(CopySlices, (base, result), keys))  # the new values land in t's memory too
    _rebuild(t, base, keys)  # t itself, registered or not (a view made under no_grad...)
    return t


def _rebuild(view, base, keys):
    """Make ``view`` the output of an AsStridedBackward0 over ``base``'s current node."""
    view._node = apply(AsStridedView, (base,), keys)._node
    view._requires_grad = True
    if "_out_nr" in view.__dict__:
        del view._out_nr


def rebuild_views(base):
    """After an in-place op recorded on ``base``, point each of its live recorded views at the new node
    (PyTorch regenerates a view's grad_fn when its base's version moves)."""
    for ref in base._views:
        view = ref()
        if view is not None:
            keys = _view_keys(view, base)
            if keys is not None:
                _rebuild(view, base, keys)


class IndexPutInPlace(CopySlices):
    """``x[tensor_index] = v`` with no basic part: PyTorch's ``index_put_`` on ``x`` itself."""
    node_name = "IndexPutBackward0"
    name = Op.name


def _needs_same_dtype(index, value):
    """Whether PyTorch writes ``value`` through ``index_put_`` (which needs matching dtypes): every
    advanced index but a lone bool mask with a 0-d value, which it writes with ``masked_fill_``."""
    if value._data.ndim or isinstance(index, tuple):
        return True
    return np.asarray(_plain(index)).dtype.kind not in "b"


def setitem(input, index, value):
    """Write ``value`` (a tensor or a number, broadcast) into ``input[index]``, in place."""
    if type(index) is list:
        index = _sequence_as_tuple(index)
    key, cls, adv = _parse(input._data.shape, index)
    keys = (key,) if adv is None else (key, adv)
    is_tensor = isinstance(value, Tensor)
    target = _npx.index(input._data, keys).shape
    vs = _value_shape(value._data.shape, target, adv is not None, value._data) if is_tensor else ()
    if is_tensor and value._data.dtype != input._data.dtype and adv is not None and _needs_same_dtype(index, value):
        from .index_ops import _name
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_name(input._data)} for the destination and {_name(value._data)} for the source.")
    if _state.enabled and (input._requires_grad or (is_tensor and value._requires_grad)):
        direct = adv is not None and cls is Alias
        if input._requires_grad and input._node is None:
            raise RuntimeError(_LEAF if direct else _LEAF_VIEW)
        op = IndexPutInPlace if direct else CopySlices
        if is_tensor:
            if vs != value._data.shape:
                from .shape import reshape
                value = reshape(value, vs)
            result = apply(op, (input, value), keys)
        else:
            result = apply(op, (input,), value, keys)
        _write_back(input, result)
        return
    a, k = _npx._locate(input._data, keys)
    if not a.flags.writeable:
        raise RuntimeError(_OVERLAP)
    a[k] = value._data.reshape(vs) if is_tensor else value
    input._bump_version()


# ---------------------------------------------------------------- gather, scatter, index_* (in index_ops.py)
from .index_ops import (Gather, IndexAdd, IndexFill, IndexPut, IndexSelect, MaskedScatter,  # noqa: E402
                           MaskedSelect, Scatter, ScatterAdd, ScatterReduce, ScatterReduceSum, ScatterReduceTwo, ScatterValue, Take, gather, index_add,
                           index_add_, index_fill, index_fill_, index_put, index_put_, index_select, masked_scatter,
                           masked_scatter_, masked_select, nonzero, scatter, scatter_, scatter_add, scatter_add_,
                           take, take_along_dim)

OPS = (Select, Slice, Unsqueeze, Alias, Index, IndexPutZeros, ZeroAt, CopySlices, IndexPutInPlace, Gather, Scatter, ScatterValue,
       ScatterReduce, ScatterAdd, ScatterReduceSum, ScatterReduceTwo, IndexSelect, MaskedSelect, Take, IndexAdd, IndexFill, IndexPut, MaskedScatter)
