"""gather, scatter, index_select, index_add/fill/put, masked_select/scatter, take, nonzero.

Each op picks its elements with a NumPy advanced key built once from its index tensor, so forward,
assignment and backward share ``xp.index`` / ``xp.index_put_zeros`` / ``xp.zero_at`` (indexing.py).
Re-exported by ``ember.ops.indexing``, which is imported first.
"""
import numpy as np

from .._tensor import Tensor, _wrap
from . import _numpy_api as _npx
from ._op import Op, Samples, apply, apply_unary, broadcast_error
from .indexing import Index, _check_bounds, _parse
from .inplace import _check_leaf, _write_back
from ._out import store as _store_out

_NAMES = {"f": "Float", "d": "Double", "e": "Half", "l": "Long", "q": "Long", "i": "Int", "h": "Short",
          "b": "Char", "B": "Byte", "?": "Bool"}


def _name(a):
    return _NAMES[a.dtype.char]


def _int_index(index, what):
    a = index._data
    if a.dtype.kind not in "iu":
        raise RuntimeError(f"{what}(): Expected dtype int32/int64 for index")
    return a


def _dim_key(shape, dim, index):
    """The advanced key that reads ``index`` along ``dim`` and every other position as is."""
    key = list(np.indices(index.shape, sparse=True))
    try:
        _check_bounds(index, shape[dim], dim)
    except IndexError as err:
        raise RuntimeError(str(err)) from None
    key[dim] = index
    return tuple(key)


def _vector_index(input, index):
    """``index`` as PyTorch's scatter kernels read it: a 0-d index into a vector is a 1-element one."""
    return index.reshape(1) if index._data.ndim == 0 and input._data.ndim == 1 else index


def _check_gather(input, dim, index, src=None, what="gather"):
    x, idx = input._data, index._data
    if idx.ndim != x.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           f"{'input' if what == 'gather' else 'self'} tensor")
    for d in range(x.ndim):
        if d != dim and idx.shape[d] > x.shape[d]:
            if src is None:
                raise RuntimeError(f"Size does not match at dimension {d} expected index {list(idx.shape)} to be "
                                   f"no larger than self {list(x.shape)} apart from dimension {dim}")
        if src is not None and idx.shape[d] > src._data.shape[d]:
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(x.shape)} "
                               f"apart from dimension {dim} and to be no larger size than src "
                               f"{list(src._data.shape)}")


def _gather_cases(make):
    x = make((3, 4))
    return [((x, 1, make((3, 5), 0, 3, "int64")), {}), ((x, 0, make((2, 4), 0, 2, "int64")), {}),
            ((make((2, 3, 2)), -2, make((2, 6, 1), 0, 2, "int64")), {})]


class Gather(Index):
    """Values along ``dim`` picked by ``index``; backward scatter-adds (repeats accumulate)."""
    node_name = "GatherBackward0"
    samples = Samples("Tensor.gather", cases=_gather_cases)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Return the values of ``input`` along ``dim`` at the positions in ``index``."""
    dim = input._wrap_dim(dim)
    idx = _int_index(index, "gather")
    _check_gather(input, dim, index)
    return _store_out(apply_unary(Gather, input, (_dim_key(input._data.shape, dim, idx),)), out, 'gather')


def _scatter_cases(make):
    # no index repeats along ``dim``: which write wins is unspecified in PyTorch
    x = make((3, 4))
    return [((x, 1, np.array([[0, 2], [1, 0], [3, 1]]), make((3, 2))), {}),
            ((x, 0, np.array([[0, 1, 2, 0], [2, 0, 1, 1]]), make((2, 4))), {}),
            ((x, 1, make((3, 1), 0, 3, "int64"), 2.5), {})]


class Scatter(Op):
    """``x`` with ``src`` written at ``index`` along a dimension."""
    node_name = "ScatterBackward0"
    samples = Samples("Tensor.scatter", cases=_scatter_cases)

    def forward(ctx, x, s, keys, src_key):
        ctx.keys, ctx.src_key, ctx.src_shape = keys, src_key, s.shape
        out = x.copy()
        out[keys[0]] = s[src_key]
        return out

    def backward(ctx, xp, grad):
        picked = xp.index(grad, ctx.keys)
        return xp.zero_at(grad, ctx.keys), xp.index_put_zeros(picked, ctx.src_shape, (ctx.src_key,))


class ScatterValue(Op):
    """``x`` with a number written at ``index`` along a dimension."""
    node_name = "ScatterBackward1"

    def forward(ctx, x, value, keys):
        ctx.keys = keys
        out = x.copy()
        out[keys[0]] = value
        return out

    def backward(ctx, xp, grad):
        return (xp.zero_at(grad, ctx.keys),)


class ScatterReduce(Op):
    """``scatter`` with ``reduce=``: PyTorch defines no derivative for it."""
    node_name = "NotImplemented"

    def name(self):
        return "torch::autograd::NotImplemented"

    def forward(ctx, x, s, keys, reduce):
        out = x.copy()
        (np.add if reduce == "add" else np.multiply).at(out, keys[0], s)
        return out

    def backward(ctx, xp, grad):
        raise RuntimeError("derivative for aten::scatter is not implemented")


def _src_key(index):
    return tuple(slice(n) for n in index._data.shape) + (Ellipsis,)


def scatter(input, dim, index, src=None, value=None, *, reduce=None, out=None):
    """Return ``input`` with ``src`` (or ``value``) written at ``index`` along ``dim``."""
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    dim = input._wrap_dim(dim)
    index = _vector_index(input, index)
    idx = _int_index(index, "scatter")
    _check_gather(input, dim, index, src, "scatter")
    keys = (_dim_key(input._data.shape, dim, idx),)
    if src is not None and src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        s = src._data[_src_key(index)] if src is not None else np.asarray(value, input._data.dtype)
        return _store_out(apply(ScatterReduce, (input,), s, keys, reduce), out, 'scatter')
    if src is None:
        return _store_out(apply(ScatterValue, (input,), value, keys), out, 'scatter')
    return _store_out(apply(Scatter, (input, src), keys, _src_key(index)), out, 'scatter')


class ScatterAdd(Op):
    """``x`` with ``src`` added at ``index`` along a dimension (repeats accumulate)."""
    node_name = "ScatterAddBackward0"
    samples = Samples("Tensor.scatter_add", cases=lambda make: _scatter_cases(make)[:2] + [
        ((make((3, 4)), 1, make((3, 5), 0, 3, "int64"), make((3, 5))), {})])

    def forward(ctx, x, s, keys, src_key):
        ctx.keys, ctx.src_key, ctx.src_shape = keys, src_key, s.shape
        out = x.copy()
        np.add.at(out, keys[0], s[src_key])
        return out

    def backward(ctx, xp, grad):
        return grad, xp.index_put_zeros(xp.index(grad, ctx.keys), ctx.src_shape, (ctx.src_key,))


class ScatterReduceSum(ScatterAdd):
    """``scatter_reduce(..., reduce='sum')`` (include_self): scatter_add under PyTorch's node name."""
    node_name = "ScatterReduceBackward0"
    samples = Samples("scatter_reduce", cases=lambda make: [
        ((make((3, 4)), 1, make((3, 5), 0, 3, "int64"), make((3, 5)), "sum"), {})])


_IDENTITY = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}
_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


def scatter_reduce_array(x, key, s, reduce, include_self):
    """NumPy ``scatter_reduce``: ``s`` (index-shaped) reduced into a copy of ``x`` at ``key``."""
    out = x.copy()
    if not include_self:
        if x.dtype.kind == "f":
            out[key] = _IDENTITY[reduce]
        else:
            out[key] = {"amax": np.iinfo(x.dtype).min, "amin": np.iinfo(x.dtype).max}.get(reduce, _IDENTITY[reduce])
    _UFUNC[reduce].at(out, key, s)
    if reduce == "mean":
        counts = np.full(x.shape, 1 if include_self else 0, np.int64)
        np.add.at(counts, key, 1)
        out = np.where(counts > 0, out / np.maximum(counts, 1), x)
        out = out.astype(x.dtype) if x.dtype.kind == "f" else np.floor(out).astype(x.dtype)
    return out


def _scatter_reduce_cases(make):
    x, i = make((3, 4)), np.array([[0, 2, 0, 3, 2], [1, 1, 1, 0, 3], [3, 3, 2, 2, 0]])
    return [((x, 1, i, make((3, 5)), r), {"include_self": inc})
            for r in ("prod", "mean", "amax", "amin", "sum") for inc in (True, False) if (r, inc) != ("sum", True)]


class ScatterReduceTwo(Op):
    """``scatter_reduce`` (prod, mean, amax, amin; sum without self) with PyTorch's
    ``scatter_reduce_backward``: ties share the gradient, prod treats zeros exactly."""
    node_name = "ScatterReduceBackward0"
    saves = ("x", "s", "out")
    saved_names = {"x": "self", "s": "src", "out": "result"}
    samples = Samples("scatter_reduce", cases=_scatter_reduce_cases)

    def forward(ctx, x, s, keys, src_key, reduce, include_self):
        ctx.keys, ctx.src_key, ctx.src_shape = keys, src_key, s.shape
        ctx.reduce, ctx.include_self, ctx.np_dtype = reduce, include_self, x.dtype
        return scatter_reduce_array(x, keys[0], s[src_key], reduce, include_self)

    def backward(ctx, xp, grad, x, s, out):
        src = xp.index(s, (ctx.src_key,))
        grad_self, grad_src = _SCATTER_REDUCE_GRADS[ctx.reduce](ctx, xp, grad, x, src, out)
        if not ctx.include_self:
            grad_self = xp.zero_at(grad_self, ctx.keys)
        return grad_self, xp.index_put_zeros(grad_src, ctx.src_shape, (ctx.src_key,))


def _again(ctx, x, src):
    """The forward once more on other values (prod's backward), differentiable under create_graph."""
    if isinstance(x, np.ndarray):
        return scatter_reduce_array(x, ctx.keys[0], src, ctx.reduce, ctx.include_self)
    return apply(ScatterReduceTwo, (x, src), ctx.keys, (Ellipsis,), ctx.reduce, ctx.include_self)


def _sum_grads(ctx, xp, grad, x, src, out):
    return grad, xp.index(grad, ctx.keys)


def _mean_grads(ctx, xp, grad, x, src, out):
    n = xp.index_put_zeros(xp.ones_like(src), grad.shape, ctx.keys) + (1 if ctx.include_self else 0)
    n = xp.where(n == 0, 1, n)
    return grad / n, xp.index(grad, ctx.keys) / xp.index(n, ctx.keys)


def _extreme_grads(ctx, xp, grad, x, src, out):
    # PyTorch counts self among the ties even when include_self=False (then zeroes its share)
    self_is = xp.cast(x == out, ctx.np_dtype)
    src_is = xp.cast(src == xp.index(out, ctx.keys), ctx.np_dtype)
    share = grad / (self_is + xp.index_put_zeros(src_is, grad.shape, ctx.keys))
    return self_is * share, src_is * xp.index(share, ctx.keys)


def _prod_grads(ctx, xp, grad, x, src, out):
    # products without the element itself, exact where it is 0 (a second zero makes them 0)
    masked_self = xp.where(x == 0, 1, x)
    grad_self = grad * _again(ctx, masked_self, src) / masked_self
    src_zero = src == 0
    zeros = xp.index(xp.index_put_zeros(xp.cast(src_zero, ctx.np_dtype), grad.shape, ctx.keys), ctx.keys)
    single_zero = src_zero & (zeros == 1)
    without_zero = _again(ctx, x, xp.where(single_zero, 1, src))
    grad_src = xp.where(single_zero, xp.index(grad * without_zero, ctx.keys),
                        xp.index(grad * out, ctx.keys) / xp.where(src_zero, 1, src))
    return grad_self, grad_src


_SCATTER_REDUCE_GRADS = {"sum": _sum_grads, "mean": _mean_grads, "amax": _extreme_grads, "amin": _extreme_grads,
                         "prod": _prod_grads}


def scatter_add(input, dim, index, src):
    """Return ``input`` with the values of ``src`` added at ``index`` along ``dim``."""
    return _scatter_add(input, dim, index, src, ScatterAdd)


def _scatter_add(input, dim, index, src, cls):
    dim = input._wrap_dim(dim)
    index = _vector_index(input, index)
    idx = _int_index(index, "scatter")  # PyTorch's scatter_add shares scatter's check
    _check_gather(input, dim, index, src, "scatter_add")
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return apply(cls, (input, src), (_dim_key(input._data.shape, dim, idx),), _src_key(index))


def _dim_index_key(input, dim, index, what):
    a = index._data
    if a.dtype.kind not in "iu":
        raise RuntimeError(f"{what}(): Expected dtype int32 or int64 for index")
    if a.ndim > 1:
        raise IndexError(f"{what}(): Index is supposed to be a vector")
    a = a.reshape(-1)
    n = input._data.shape[dim] if input._data.ndim else 1
    if what == "index_select":
        if a.size and (a.max() >= n or a.min() < 0):
            raise _index_select_error(input, dim, a, n)
    elif a.size and (a.max() >= n or a.min() < -n):
        _check_bounds(a, n, dim)
    return (((slice(None),) * dim) + (a,),)


def _index_select_error(input, dim, a, n):
    """PyTorch's error for an index outside ``[0, n)``: its wording depends on the CPU kernel's path."""
    x = input._data
    if x.ndim > 1 and x.size == 0 and n == 0:
        return RuntimeError("index_select(): self indexing axis dim should be positive")
    if x.ndim > 1 and (x.size == 0 or dim == 1):  # the empty-self check and the dim-1 fast path
        bad = a[(a < 0) | (a >= n)][0]
        return RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
    return IndexError("index out of range in self")


class IndexSelect(Index):
    """Slices of ``dim`` picked by a vector of indices."""
    node_name = "IndexSelectBackward0"
    samples = Samples("Tensor.index_select",
                      cases=lambda make: [((make((3, 4)), 1, make((5,), 0, 3, "int64")), {}),
                                          ((make((3, 4)), 0, make((0,), 0, 2, "int64")), {})])


def index_select(input, dim, index, *, out=None):
    """Return the slices of ``input`` along ``dim`` at the positions in ``index`` (a vector)."""
    dim = input._wrap_dim(dim)
    if input._data.ndim == 0:
        if index._data.size != 1 and index._data.ndim <= 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index._data.size} "
                               f"value(s)")
        _dim_index_key(input, 0, index, "index_select")
        return _store_out(apply_unary(IndexSelect, input, ((Ellipsis,),)), out, 'index_select')
    return _store_out(apply_unary(IndexSelect, input, _dim_index_key(input, dim, index, "index_select")), out, 'index_select')


class MaskedSelect(Op):
    """The elements where a (broadcast) mask holds, as a vector."""
    node_name = "MaskedSelectBackward0"
    samples = Samples("Tensor.masked_select", cases=lambda make: [((make((3, 4)), make((4,), None, None, "bool")), {}),
                                                                  ((make(()), make((2, 1), None, None, "bool")), {})])

    def forward(ctx, x, shape, keys):
        ctx.shape, ctx.keys = shape, keys
        return _npx.index(np.broadcast_to(x, shape), keys)

    def backward(ctx, xp, grad):
        return (xp.index_put_zeros(grad, ctx.shape, ctx.keys),)


def masked_select(input, mask, *, out=None):
    """Return a 1-D tensor of the elements of ``input`` where ``mask`` (broadcast) is True."""
    if mask._data.dtype != bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    try:
        shape = np.broadcast_shapes(input._data.shape, mask._data.shape) or (1,)
    except ValueError:
        raise broadcast_error(mask._data.shape, input._data.shape) from None
    keys = (np.nonzero(np.broadcast_to(mask._data, shape)),)
    return _store_out(apply_unary(MaskedSelect, input, shape, keys), out, 'masked_select')


class Take(Op):
    """Elements of the flattened input at the given indices."""
    node_name = "TakeBackward0"
    samples = Samples("Tensor.take", cases=lambda make: [((make((3, 4)), make((2, 3), -12, 11, "int64")), {}),
                                                         ((make((3,)), make((), 0, 2, "int64")), {})])

    def forward(ctx, x, index):
        flat = index.reshape(-1)
        ctx.in_shape, ctx.index = x.shape, flat
        return x.reshape(-1)[flat].reshape(index.shape)

    def backward(ctx, xp, grad):
        flat = xp.reshape(grad, (-1,))
        n = int(np.prod(ctx.in_shape))
        return (xp.reshape(xp.index_put_zeros(flat, (n,), ((ctx.index,),)), ctx.in_shape),)


def take(input, index):
    """Return the elements of ``input``, seen as 1-D, at the positions in ``index``."""
    a = index._data
    if a.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_name(a)}")
    n = input._data.size
    if a.size and (a.max() >= n or a.min() < -n):
        bad = a[(a >= n) | (a < -n)].flat[0]
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return apply(Take, (input,), a)


def take_along_dim(input, indices, dim=None, *, out=None):
    """Return the values of ``input`` at ``indices`` along ``dim`` (broadcast), or of the flattened input."""
    from .shape import expand, reshape
    if dim is None:
        return _store_out(gather(reshape(input, (-1,)), 0, reshape(indices, (-1,))), out, 'take_along_dim')
    if input._data.ndim != indices._data.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input._data.ndim} dimensions for input, and {indices._data.ndim} dimensions "
                           f"for indices")
    if indices._data.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {_name(indices._data)}")
    dim = input._wrap_dim(dim)
    xs, ix = list(input._data.shape), list(indices._data.shape)
    xs[dim] = ix[dim] = 1
    try:
        shape = np.broadcast_shapes(tuple(xs), tuple(ix))
    except ValueError:
        xs[dim] = ix[dim] = indices._data.shape[dim]
        raise broadcast_error(tuple(xs), tuple(ix)) from None
    x_shape = shape[:dim] + (input._data.shape[dim],) + shape[dim + 1:]
    i_shape = shape[:dim] + (indices._data.shape[dim],) + shape[dim + 1:]
    x = input if x_shape == input._data.shape else expand(input, x_shape)
    i = indices if i_shape == indices._data.shape else expand(indices, i_shape)
    return _store_out(gather(x, dim, i), out, 'take_along_dim')


class IndexAdd(Op):
    """``x`` with ``alpha * source`` added at the indexed slices of a dimension."""
    node_name = "IndexAddBackward0"
    samples = Samples("Tensor.index_add", cases=lambda make: [
        ((make((3, 4)), 0, make((5,), 0, 2, "int64"), make((5, 4))), {}),
        ((make((3, 4)), 1, make((2,), 0, 3, "int64"), make((3, 2))), {"alpha": 2.5})])

    def forward(ctx, x, s, keys, alpha):
        ctx.keys, ctx.alpha = keys, alpha
        out = x.copy()
        np.add.at(out, keys[0], s if alpha == 1 else s * alpha)
        return out

    def backward(ctx, xp, grad):
        picked = xp.index(grad, ctx.keys)
        return grad, (picked if ctx.alpha == 1 else picked * ctx.alpha)


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """Return ``input`` with ``alpha * source`` added at the slices ``index`` of ``dim``."""
    dim = input._wrap_dim(dim)
    keys = _dim_index_key(input, dim, index, "index_add")
    n, m = keys[0][-1].size, (source._data.shape[dim] if source._data.ndim else 1)
    if n != m:
        raise RuntimeError(f"index_add_(): Number of indices ({n}) should be equal to source.size(dim): ({m}), "
                           f"for dim: {dim}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"index_add_(): self ({_name(input._data)}) and source ({_name(source._data)}) must "
                           f"have the same scalar type")
    return _store_out(apply(IndexAdd, (input, source), keys, alpha), out, 'index_add')


class IndexFill(Op):
    """``x`` with a number written at the indexed slices of a dimension."""
    node_name = "IndexFillBackward0"
    samples = Samples("Tensor.index_fill", cases=lambda make: [((make((3, 4)), 1, make((3,), 0, 3, "int64"), -1.5), {})])

    def forward(ctx, x, value, keys):
        ctx.keys = keys
        out = x.copy()
        out[keys[0]] = value
        return out

    def backward(ctx, xp, grad):
        return (xp.zero_at(grad, ctx.keys),)


def index_fill(input, dim, index, value):
    """Return ``input`` with ``value`` written at the slices ``index`` of ``dim``."""
    dim = input._wrap_dim(dim)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        value = value.item()
    return apply(IndexFill, (input,), value, _dim_index_key(input, dim, index, "index_fill"))


class IndexPut(Op):
    """``x`` with ``values`` written (or added) at advanced indices."""
    node_name = "IndexPutBackward0"
    samples = Samples("Tensor.index_put", cases=lambda make: [
        ((make((3, 4)), (np.array([2, 0]),), make((4,))), {}),  # no repeats: which write wins is unspecified
        ((make((3, 4)), (make((5,), 0, 2, "int64"), make((5,), 0, 3, "int64")), make((5,))), {"accumulate": True})])

    def forward(ctx, x, v, keys, accumulate):
        ctx.keys, ctx.accumulate = keys, accumulate
        out = x.copy()
        a, k = _npx._locate(out, keys)
        if accumulate:
            np.add.at(a, k, np.broadcast_to(v, a[k].shape))
        else:
            a[k] = v
        return out

    def backward(ctx, xp, grad):
        return (grad if ctx.accumulate else xp.zero_at(grad, ctx.keys)), xp.index(grad, ctx.keys)


def index_put(input, indices, values, accumulate=False):
    """Return ``input`` with ``values`` written (or added, ``accumulate=True``) at ``input[indices]``."""
    if values._data.dtype != input._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_name(input._data)} for the destination and {_name(values._data)} for the source.")
    key, _, adv = _parse(input._data.shape, tuple(indices))
    keys = (key,) if adv is None else (key, adv)
    target = _npx.index(input._data, keys).shape
    try:
        np.broadcast_shapes(values._data.shape, target)
        if len(values._data.shape) > len(target):
            raise ValueError
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values._data.shape)} cannot be "
                           f"broadcast to indexing result of shape {list(target)}") from None
    return apply(IndexPut, (input, values), keys, bool(accumulate))


class MaskedScatter(Op):
    """``x`` with the leading elements of ``source`` written where a mask holds."""
    node_name = "MaskedScatterBackward0"
    samples = Samples("masked_scatter", cases=lambda make: [
        ((make((3, 4)), make((4,), None, None, "bool"), make((13,))), {})])

    def forward(ctx, x, s, keys, shape):
        ctx.keys, ctx.src_shape = keys, s.shape
        out = np.array(np.broadcast_to(x, shape))
        picked = keys[0][0].size
        out[keys[0]] = s.reshape(-1)[:picked]
        return out

    def backward(ctx, xp, grad):
        n = int(np.prod(ctx.src_shape))
        flat = xp.index_put_zeros(xp.index(grad, ctx.keys), (n,), ((slice(0, ctx.keys[0][0].size),),))
        return xp.zero_at(grad, ctx.keys), xp.reshape(flat, ctx.src_shape)


def masked_scatter(input, mask, source):
    """Return ``input`` with the elements of ``source``, in order, written where ``mask`` is True."""
    if mask._data.dtype != bool:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{_name(mask._data)}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{_name(input._data)} and {_name(source._data)}")
    try:
        shape = np.broadcast_shapes(mask._data.shape, input._data.shape)
    except ValueError:
        raise broadcast_error(mask._data.shape, input._data.shape) from None
    m = np.broadcast_to(mask._data, shape)
    keys = (np.nonzero(m.reshape(-1) if m.ndim == 0 else m),)
    if keys[0][0].size > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(MaskedScatter, (input, source), keys, shape)


def nonzero(input, *, as_tuple=False, out=None):
    """Return the indices of the nonzero elements: an (n, ndim) tensor, or one vector per dimension."""
    a = input._data
    if as_tuple:
        return _store_out(tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(a.reshape(-1) if a.ndim == 0 else a)), out, 'nonzero')
    return _store_out(_wrap(np.argwhere(a).astype(np.int64)), out, 'nonzero')


# ---------------------------------------------------------------- in place (ember/ops/inplace.py's rules)

def _in_place(fn, input, *args, **kwargs):
    _check_leaf(input)
    return _write_back(input, fn(input, *args, **kwargs))


def scatter_(input, dim, index, src=None, value=None, *, reduce=None):
    """In-place ``scatter``."""
    return _in_place(scatter, input, dim, index, src, value, reduce=reduce)


def scatter_add_(input, dim, index, src):
    """In-place ``scatter_add``."""
    return _in_place(scatter_add, input, dim, index, src)


def index_add_(input, dim, index, source, *, alpha=1):
    """In-place ``index_add``."""
    return _in_place(index_add, input, dim, index, source, alpha=alpha)


def index_fill_(input, dim, index, value):
    """In-place ``index_fill``."""
    return _in_place(index_fill, input, dim, index, value)


def index_put_(input, indices, values, accumulate=False):
    """In-place ``index_put``."""
    return _in_place(index_put, input, indices, values, accumulate)


def masked_scatter_(input, mask, source):
    """In-place ``masked_scatter``."""
    return _in_place(masked_scatter, input, mask, source)
