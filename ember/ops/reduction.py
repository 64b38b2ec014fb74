"""Reductions: sums, extremes, statistics, norms, cumulative ops, softmax, sorting and selection.

A reduction's backward broadcasts the incoming gradient back over the reduced dimensions
(``_restore``). Ops that pick elements (max over a dim, sort, topk, median, cummax ...) share one
primitive shape: forward takes the chosen indices (computed in NumPy by the public function) and
gathers the values; backward puts the gradient back at those indices. Functions returning
(values, indices) return PyTorch's named tuples, collected in ``return_types``.
"""
import builtins
import warnings
from collections import namedtuple

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ._cascade_sum import torch_sum
from ._op import _DISCARD, Op, Samples, _record, apply_unary
from ._out import store as _store_out
from ._select_order import _sort as std_sort, kthvalue_indices, topk_indices

_new = object.__new__
_INT64 = np.dtype(np.int64)
_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
          "float32": "Float", "float64": "Double", "float16": "Half"}


# ---------------------------------------------------------------- PyTorch's named tuples

def _return_type(name, fields):
    """A named tuple printing as ``ember.return_types.<name>(...)``, one field per line, as PyTorch."""
    base = namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"ember.return_types.{name}(\n{body})"
    return type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                                "__module__": "ember.return_types"})


class return_types:  # noqa: N801 - PyTorch's namespace name; exposed as ``ember.return_types``
    """The named tuples returned by max, min, sort, topk, ... (``torch.return_types``)."""
    max = _return_type("max", ("values", "indices"))
    min = _return_type("min", ("values", "indices"))
    sort = _return_type("sort", ("values", "indices"))
    topk = _return_type("topk", ("values", "indices"))
    kthvalue = _return_type("kthvalue", ("values", "indices"))
    median = _return_type("median", ("values", "indices"))
    mode = _return_type("mode", ("values", "indices"))
    cummax = _return_type("cummax", ("values", "indices"))
    cummin = _return_type("cummin", ("values", "indices"))
    aminmax = _return_type("aminmax", ("min", "max"))
    frexp = _return_type("frexp", ("mantissa", "exponent"))
    histogram = _return_type("histogram", ("hist", "bin_edges"))


# ---------------------------------------------------------------- dims and broadcasting back

def _dims(input, dim):
    """Normalise ``dim`` (None, an int or a sequence; empty means all) to sorted non-negative axes.

    A 0-d tensor accepts dim 0 or -1 and reduces over no NumPy axis.
    """
    ndim = input._data.ndim
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    seen = []
    for d in dim:
        d = input._wrap_dim(int(d))
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.append(d)
    if not ndim:
        return ()
    return tuple(sorted(seen)) if seen else tuple(range(ndim))


def _restore(xp, grad, in_shape, dims, keepdim):
    """Broadcast a reduced gradient back to ``in_shape``."""
    if not keepdim and dims and len(in_shape):
        grad = xp.unsqueeze(grad, dims)
    return xp.expand(grad, in_shape)


def _count(shape, dims):
    n = 1
    for d in (range(len(shape)) if dims is None else dims):
        n *= shape[d]
    return n


def _dtype_name(t):
    return _NAMES[t._data.dtype.name]


def _reduce_state(ctx, x, dims, keepdim):
    ctx.in_shape = x.shape
    ctx.dims = dims
    ctx.keepdim = keepdim


# ---------------------------------------------------------------- sums and products

class Sum(Op):
    """Sum of all elements."""
    node_name = "SumBackward0"
    samples = Samples("sum")

    def forward(ctx, x, dims, keepdim, np_dtype):
        _reduce_state(ctx, x, dims, keepdim)
        return np.asarray(_float_sum(x, dims, keepdim, np_dtype))

    def backward(ctx, xp, grad):
        return (_restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim),)


def _float_sum(x, dims, keepdim, np_dtype):
    """Sum in ``np_dtype``; floats add in PyTorch's order, so printed sums match to the last digit."""
    if np_dtype.kind == "f":
        return torch_sum(x.astype(np_dtype, copy=False), dims, keepdim)
    return np.sum(x, axis=dims, keepdims=keepdim, dtype=np_dtype)


def _sum_cases(make):
    return [((make((2, 3, 4)),), {"dim": d, "keepdim": k}) for d in (0, -1, (0, 2), (-1, 0), [], (0, 1, 2))
            for k in (False, True)] + [((make(()),), {"dim": 0}), ((make((0, 3)),), {"dim": 1}),
                                       ((make((0, 3)),), {"dim": 0, "keepdim": True})]


class SumDim(Sum):
    """Sum over the given dimensions."""
    node_name = "SumBackward1"
    samples = Samples("sum", cases=_sum_cases)


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype.numpy_dtype
    kind = input._data.dtype.kind
    return _INT64 if kind in "biu" else input._data.dtype


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None):  # noqa: A001
    """Return the sum of all elements, or over ``dim`` (integers sum in int64, as in PyTorch)."""
    if axis is not None:
        dim = axis
    np_dtype = _sum_dtype(input, dtype)
    if dim is None:
        return _store_out(apply_unary(Sum, input, None if input._data.ndim else (), keepdim, np_dtype), out, 'sum')
    return _store_out(apply_unary(SumDim, input, _dims(input, dim), keepdim, np_dtype), out, 'sum')


class Nansum(Op):
    """Sum treating NaN as zero; NaN elements get no gradient."""
    node_name = "NansumBackward0"
    saves = ("x",)
    samples = Samples("Tensor.nansum", kwargs=[{}, {"dim": 1}, {"dim": (0, -1), "keepdim": True}], zero_dim=False)

    def forward(ctx, x, dims, keepdim, np_dtype):
        _reduce_state(ctx, x, dims, keepdim)
        return np.asarray(np.nansum(x, axis=dims, keepdims=keepdim, dtype=np_dtype))

    def backward(ctx, xp, grad, x):
        g = _restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim)
        return (xp.where(x != x, 0, g),)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Return the sum of all elements (or over ``dim``), treating NaN as zero."""
    dims = None if dim is None and input._data.ndim else _dims(input, dim)
    return _store_out(apply_unary(Nansum, input, dims, keepdim, _sum_dtype(input, dtype)), out, 'nansum')


class Mean(Op):
    """Mean of all elements."""
    node_name = "MeanBackward0"
    samples = Samples("mean")

    def forward(ctx, x, dims, keepdim, np_dtype):
        _reduce_state(ctx, x, dims, keepdim)
        ctx.count = count = _count(x.shape, dims)
        with np.errstate(invalid="ignore", divide="ignore"):  # the mean of nothing is NaN, silently
            # PyTorch's CPU mean is the sum, then one division
            return np.asarray(_float_sum(x, dims, keepdim, np_dtype) / np_dtype.type(count))

    def backward(ctx, xp, grad):
        # expand first, then divide: an empty input then gets an empty gradient, never 0/0
        return (_restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim) / ctx.count,)


class MeanDim(Mean):
    """Mean over the given dimensions."""
    node_name = "MeanBackward1"
    samples = Samples("mean", cases=_sum_cases)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None):
    """Return the mean of all elements, or over ``dim``; integer inputs are an error, as in PyTorch."""
    if axis is not None:
        dim = axis
    np_dtype = input._data.dtype if dtype is None else dtype.numpy_dtype
    if np_dtype.kind != "f":
        raise RuntimeError(f"mean(): could not infer output dtype. {'Input' if dtype is None else 'Optional'} "
                           f"dtype must be either a floating "
                           f"point or complex dtype. Got: {_NAMES[np_dtype.name]}")
    if dim is None:
        return _store_out(apply_unary(Mean, input, None if input._data.ndim else (), keepdim, np_dtype), out, 'mean')
    return _store_out(apply_unary(MeanDim, input, _dims(input, dim), keepdim, np_dtype), out, 'mean')


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Return the mean of the non-NaN elements (all, or over ``dim``)."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_dtype_name(input)}")
    dims = None if dim is None and input._data.ndim else _dims(input, dim)
    count = np.sum(~np.isnan(input._data), axis=dims, keepdims=keepdim)
    return _store_out(nansum(input, dim, keepdim, dtype=dtype) / _wrap(np.asarray(count)), out, 'nanmean')


def _others_product(x, axis):
    """The product of all other elements along ``axis``, exact with zeros (no division)."""
    ones = np.ones_like(np.take(x, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, np.delete(x, -1, axis=axis)], axis=axis), axis=axis)
    rev = np.flip(x, axis)
    right = np.cumprod(np.concatenate([ones, np.delete(rev, -1, axis=axis)], axis=axis), axis=axis)
    return left * np.flip(right, axis)


class Prod(Op):
    """Product of all elements; the gradient is the product of the others (exact with zeros)."""
    node_name = "ProdBackward0"
    saves = ("x", "out")
    samples = Samples("Tensor.prod", domain=(0.5, 1.5))

    def forward(ctx, x, dim, keepdim, np_dtype):
        _reduce_state(ctx, x, dim, keepdim)
        return np.asarray(np.prod(x, axis=dim, keepdims=keepdim, dtype=np_dtype))

    def backward(ctx, xp, grad, x, out):
        g = _restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim)
        if not ctx.in_shape:
            return (g,)
        if not bool((x == 0).any()):
            return (g * _restore(xp, out, ctx.in_shape, ctx.dims, ctx.keepdim) / x,)
        # with zeros, out / x is 0/0: use the exact product of the others, as a constant (its own
        # derivative at a zero is not recorded: double backward through a zero is not supported)
        data = x._data if isinstance(x, Tensor) else x
        axis = 0 if ctx.dims is None else ctx.dims[0]
        others = _others_product(data.reshape(-1) if ctx.dims is None else data, axis).reshape(data.shape)
        return (g * (_wrap(others) if isinstance(x, Tensor) else others),)


def _prod_cases(make):
    return [((make((3, 4)),), {"dim": d, "keepdim": k}) for d in (0, -1) for k in (False, True)] + [
        ((make(()),), {"dim": 0}), ((make((0, 3)),), {"dim": 1})]


class ProdDim(Prod):
    """Product over one dimension."""
    node_name = "ProdBackward1"
    samples = Samples("Tensor.prod", domain=(0.5, 1.5), cases=_prod_cases)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Return the product of all elements, or over dimension ``dim`` (integers in int64)."""
    np_dtype = _sum_dtype(input, dtype)
    if dim is None:
        return _store_out(apply_unary(Prod, input, None if input._data.ndim else (), keepdim, np_dtype), out, 'prod')
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    d = input._wrap_dim(int(dim))
    return _store_out(apply_unary(ProdDim, input, (d,) if input._data.ndim else (), keepdim, np_dtype), out, 'prod')


def sum_to_size(input, *size):
    """Return ``input`` summed over broadcast dimensions so that its shape is ``size``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    size = tuple(size)
    shape = input._data.shape
    if shape == size:
        return input
    lead = len(shape) - len(size)
    if lead < 0 or builtins.any(s != 1 and s != shape[i + lead] for i, s in enumerate(size)):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(size) if s == 1 and shape[i + lead] != 1)
    out = sum(input, dims, keepdim=True) if dims else input
    if lead:
        from .shape import reshape
        out = reshape(out, size)
    return out


# ---------------------------------------------------------------- gathering along a dim, and its adjoint

class TakeAlong(Op):
    """Elements of ``x`` picked at ``index`` along ``dim`` (the derivative of ``PutAlong``)."""
    node_name = "GatherBackward0"
    saves = ("index",)

    def forward(ctx, x, index, dim):
        ctx.in_shape = x.shape
        ctx.dim = dim
        return np.take_along_axis(x, index, dim)

    def backward(ctx, xp, grad, index):
        return (xp.put_along(grad, index, ctx.dim, ctx.in_shape, True),)


class PutAlong(Op):
    """Zeros of ``shape`` with ``g`` added at ``index`` along ``dim``: the backward of a selection."""
    node_name = "ScatterAddBackward0"
    saves = ("index",)

    def forward(ctx, g, index, dim, shape, accumulate):
        ctx.dim = dim
        out = np.zeros(shape, dtype=g.dtype)
        if not accumulate:  # distinct indices along dim (sort, max ...): a put is far faster than add.at
            np.put_along_axis(out, index, g, dim)
            return out
        grid = list(np.ix_(*[np.arange(s) for s in index.shape]))
        grid[dim] = index
        np.add.at(out, tuple(grid), g)
        return out

    def backward(ctx, xp, grad, index):
        return (xp.take_along(grad, index, ctx.dim),)


def _take_along(x, index, dim):
    return apply_unary(TakeAlong, x, index, dim)


def _put_along(g, index, dim, shape, accumulate=False):
    return apply_unary(PutAlong, g, index, dim, shape, accumulate)


class _Select(Op):
    """Values at indices chosen along ``dim`` (by the public function, in NumPy); backward puts the
    gradient back at those indices. ``index`` keeps the reduced dimension (size k or 1)."""
    saves = ("index",)
    saved_names = {"index": "indices"}
    accumulate = False

    def forward(ctx, x, index, dim, keepdim):
        ctx.in_shape = x.shape
        ctx.dim = dim
        ctx.keepdim = keepdim
        if not x.ndim:
            return x.copy()
        out = np.take_along_axis(x, index, dim)
        return out if keepdim else out.squeeze(dim)

    def backward(ctx, xp, grad, index):
        if not ctx.in_shape:
            return (grad,)
        if not ctx.keepdim:
            grad = xp.unsqueeze(grad, ctx.dim)
        return (xp.put_along(grad, index, ctx.dim, ctx.in_shape, ctx.accumulate),)


def _dim_cases(*kwargs, shapes=((3, 4), (2, 3, 4)), zero_dim=True, empty=None):
    """Cases: every shape with every kwargs dict, plus a 0-d input and an empty one when given."""
    def build(make):
        cases = [((make(s),), dict(kw)) for s in shapes for kw in kwargs]
        if zero_dim:
            cases.append(((make(()),), dict(kwargs[0])))
        if empty is not None:
            cases.append(((make(empty[0]),), dict(empty[1])))
        return cases
    return build


_DIM_CASES = _dim_cases({"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": 1}, empty=((0, 3), {"dim": 1}))


class MaxDim(_Select):
    """Maximum over one dimension (with its first index)."""
    node_name = "MaxBackward0"
    samples = Samples("Tensor.max", cases=_DIM_CASES)


class MinDim(_Select):
    """Minimum over one dimension (with its first index)."""
    node_name = "MinBackward0"
    samples = Samples("Tensor.min", cases=_DIM_CASES)


# ---------------------------------------------------------------- extremes

def _share_evenly(ctx, xp, grad, x, out):
    """Split ``grad`` evenly among the elements equal to the result (NaN matching NaN), as PyTorch."""
    g = _restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim)
    out = _restore(xp, out, ctx.in_shape, ctx.dims, ctx.keepdim)
    hit = xp.where(out != out, x != x, x == out)
    count = xp.cast(xp.sum(hit, ctx.dims, True), ctx.np_dtype)
    return xp.where(hit, g / count, 0)


def _scale_by_count(ctx, xp, grad, x, out):
    """PyTorch's ``scale_grad_by_count`` for amax/amin: ``grad / count * (x == out)``.

    Written as a product, not a select, because PyTorch's is: a NaN extreme matches nothing, its
    count is 0, and the whole slice gets ``grad / 0 * 0`` = NaN (an infinite grad also gives NaN).
    """
    g = _restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim)
    hit = xp.cast(x == _restore(xp, out, ctx.in_shape, ctx.dims, ctx.keepdim), ctx.np_dtype)
    return g / xp.sum(hit, ctx.dims, True) * hit


class MaxAll(Op):
    """Maximum of all elements; ties share the gradient evenly."""
    node_name = "MaxBackward1"
    saves = ("x", "out")
    samples = Samples("Tensor.max", empty=False)

    def forward(ctx, x):
        _reduce_state(ctx, x, None, False)
        ctx.np_dtype = x.dtype
        return np.asarray(x.max())

    def backward(ctx, xp, grad, x, out):
        return (_share_evenly(ctx, xp, grad, x, out),)


class MinAll(MaxAll):
    """Minimum of all elements; ties share the gradient evenly."""
    node_name = "MinBackward1"
    samples = Samples("Tensor.min", empty=False)

    def forward(ctx, x):
        _reduce_state(ctx, x, None, False)
        ctx.np_dtype = x.dtype
        return np.asarray(x.min())


_AMAX_CASES = _dim_cases({}, {"dim": 0}, {"dim": (0, -1), "keepdim": True}, {"dim": -1},
                         empty=((0, 3), {"dim": 1}))


class Amax(Op):
    """Maximum over dimensions; ties share the gradient evenly."""
    node_name = "AmaxBackward0"
    saves = ("x", "out")
    samples = Samples("Tensor.amax", cases=_AMAX_CASES)

    def forward(ctx, x, dims, keepdim):
        _reduce_state(ctx, x, dims, keepdim)
        ctx.np_dtype = x.dtype
        return np.asarray(np.amax(x, axis=dims, keepdims=keepdim))

    def backward(ctx, xp, grad, x, out):
        return (_scale_by_count(ctx, xp, grad, x, out),)


class Amin(Amax):
    """Minimum over dimensions; ties share the gradient evenly."""
    node_name = "AminBackward0"
    samples = Samples("Tensor.amin", cases=_AMAX_CASES)

    def forward(ctx, x, dims, keepdim):
        _reduce_state(ctx, x, dims, keepdim)
        ctx.np_dtype = x.dtype
        return np.asarray(np.amin(x, axis=dims, keepdims=keepdim))


class Aminmax(Op):
    """Minimum and maximum together (two outputs, one node)."""
    node_name = "AminmaxBackward0"
    saves = ("x",)
    samples = Samples("Tensor.aminmax", cases=_dim_cases({}, {"dim": 0}, {"dim": -1, "keepdim": True}))

    def forward(ctx, x, dims, keepdim):
        _reduce_state(ctx, x, dims, keepdim)
        ctx.np_dtype = x.dtype
        return (np.asarray(np.amin(x, axis=dims, keepdims=keepdim)),
                np.asarray(np.amax(x, axis=dims, keepdims=keepdim)))

    def backward(ctx, xp, grads, x):
        total = None
        for g, extreme in zip(grads, (xp.amin, xp.amax)):
            if g is not None:
                part = _scale_by_count(ctx, xp, g, x, extreme(x, ctx.dims, ctx.keepdim))
                total = part if total is None else total + part
        return (total,)


def _apply_multi(cls, t, *params):
    """Run a one-input op with several differentiable outputs that saves values for backward."""
    if not (t._requires_grad and _state.enabled):
        return tuple(_wrap(o) for o in cls.forward(_DISCARD, t._data, *params))
    ctx = _new(cls._node_type)
    outs = ctx.forward(t._data, *params)
    results = [_record(ctx, (t,), (t,) + params, outs[0])]
    ctx.n_outputs = len(outs)
    ctx._shape = tuple(o.shape for o in outs)
    ctx._dtype = tuple(o.dtype for o in outs)
    for nr, o in enumerate(outs[1:], 1):
        r = _new(Tensor)
        r._data = o
        r._node = ctx
        r._requires_grad = True
        r._out_nr = nr
        results.append(r)
    return tuple(results)


_EMPTY_ALL = ("{}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
              "with the 'dim' argument.")


def int_dim(input, dim, name):
    """``input._wrap_dim(dim)``, with the TypeError of PyTorch's argument parser when ``dim`` is no int."""
    try:
        return input._wrap_dim(dim)
    except TypeError:
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}") from None


def _nonempty_dim(input, dim, name, sep="(): "):
    """Wrap ``dim``, raising PyTorch's IndexError when that dimension is empty."""
    d = int_dim(input, dim, name)
    if input._data.ndim and input._data.shape[d] == 0:
        raise IndexError(f"{name}{sep}Expected reduction dim {d} to have non-zero size.")
    return d


def _pick(input, dim, keepdim, name, choose, cls, rtype):
    """(values, indices) of the element ``choose`` (np.argmax, ...) picks along ``dim``."""
    d = _nonempty_dim(input, dim, name)
    x = input._data
    if not x.ndim:
        idx = np.zeros((), _INT64)
        return rtype(apply_unary(cls, input, idx, d, keepdim), _wrap(idx))
    idx = choose(x, axis=d, keepdims=True)
    return rtype(apply_unary(cls, input, idx, d, keepdim), _wrap(idx if keepdim else idx.squeeze(d)))


def max(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """Return the maximum of all elements; over ``dim``, a named tuple (values, indices); with a
    tensor ``other`` as second argument, the elementwise maximum."""
    if isinstance(dim, Tensor):
        from .elementwise import maximum
        return _store_out(maximum(input, dim), out, 'max')
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(_EMPTY_ALL.format("max"))
        return _store_out(apply_unary(MaxAll, input), out, 'max')
    return _store_out(_pick(input, dim, keepdim, "max", np.argmax, MaxDim, return_types.max), out, 'max')


def min(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """Return the minimum of all elements; over ``dim``, a named tuple (values, indices); with a
    tensor ``other`` as second argument, the elementwise minimum."""
    if isinstance(dim, Tensor):
        from .elementwise import minimum
        return _store_out(minimum(input, dim), out, 'min')
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(_EMPTY_ALL.format("min"))
        return _store_out(apply_unary(MinAll, input), out, 'min')
    return _store_out(_pick(input, dim, keepdim, "min", np.argmin, MinDim, return_types.min), out, 'min')


def _extreme_dims(input, dim, name):
    dims = _dims(input, dim)
    if input._data.size == 0:
        if dim is None or (not isinstance(dim, (int, np.integer)) and len(dim) == 0):
            raise RuntimeError(_EMPTY_ALL.format(name))
        for d in dims:
            if input._data.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return dims


def amax(input, dim=(), keepdim=False, *, out=None):
    """Return the maximum over ``dim`` (all dimensions when empty); ties share the gradient."""
    return _store_out(apply_unary(Amax, input, _extreme_dims(input, dim, "amax"), keepdim), out, 'amax')


def amin(input, dim=(), keepdim=False, *, out=None):
    """Return the minimum over ``dim`` (all dimensions when empty); ties share the gradient."""
    return _store_out(apply_unary(Amin, input, _extreme_dims(input, dim, "amin"), keepdim), out, 'amin')


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """Return the named tuple (min, max) over all elements or over ``dim``."""
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                               "has no identity.")
        dims = None if input._data.ndim else ()
    else:
        d = _nonempty_dim(input, dim, "aminmax", sep=": ")
        dims = (d,) if input._data.ndim else ()
    return _store_out(return_types.aminmax(*_apply_multi(Aminmax, input, dims, keepdim)), out, 'aminmax')


def _arg_extreme(input, dim, keepdim, name, choose):
    x = input._data
    if x.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if x.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        flat = np.asarray(choose(x.reshape(-1)), _INT64)
        return _wrap(flat.reshape((1,) * x.ndim) if keepdim else flat)
    d = _nonempty_dim(input, dim, name)
    if not x.ndim:
        return _wrap(np.zeros((), _INT64))
    return _wrap(np.asarray(choose(x, axis=d, keepdims=keepdim), _INT64))


def argmax(input, dim=None, keepdim=False):
    """Return the index of the first maximum (of the flattened input, or along ``dim``)."""
    return _arg_extreme(input, dim, keepdim, "argmax", np.argmax)


def argmin(input, dim=None, keepdim=False):
    """Return the index of the first minimum (of the flattened input, or along ``dim``)."""
    return _arg_extreme(input, dim, keepdim, "argmin", np.argmin)


# ---------------------------------------------------------------- variance and standard deviation

_DOF_WARNING = ("{}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
                "(input numel divided by output numel).")


def _var_forward(x, dims, correction, keepdim):
    n = _count(x.shape, dims)
    with np.errstate(invalid="ignore", divide="ignore"):  # too few elements: NaN or inf, as PyTorch
        d = x - np.sum(x, axis=dims, keepdims=True) / n
        return np.asarray(np.sum(d * d, axis=dims, keepdims=keepdim) / builtins.max(0, n - correction))


def _var_grad(ctx, xp, grad, x):
    """PyTorch's var_backward: 2 (x - mean) / (N - correction), and its NaN/inf rule when N <= correction."""
    n, c = _count(ctx.in_shape, ctx.dims), ctx.correction
    g = _restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim)
    centered = x - xp.sum(x, ctx.dims, True) / builtins.max(n, 1)
    if ctx.all and n - c <= 0:
        return g * xp.where(centered == 0, float("nan"), float("inf"))
    return g * centered * (2.0 / (n - c) if n != c else float("inf"))


def _std_to_var_grad(xp, grad, out):
    """The gradient of var given the gradient of std = sqrt(var); zero where std is zero, as PyTorch."""
    zero = out == 0
    return xp.where(zero, 0, grad / (2 * xp.where(zero, 1, out)))


def _var_cases(make):
    return [((make((3, 4)),), kw) for kw in ({}, {"dim": 0}, {"dim": -1, "keepdim": True}, {"unbiased": False},
                                             {"dim": (0, 1), "correction": 0}, {"dim": 1, "correction": 2})] + [
        ((make((2, 3, 4)),), {"dim": (0, 2)})]


class Var(Op):
    """Variance with Bessel's ``correction``."""
    node_name = "VarBackward0"
    saves = ("x",)
    samples = Samples("Tensor.var", cases=_var_cases)

    def forward(ctx, x, dims, correction, keepdim, all_):
        _reduce_state(ctx, x, dims, keepdim)
        ctx.correction = correction
        ctx.all = all_
        return _var_forward(x, dims, correction, keepdim)

    def backward(ctx, xp, grad, x):
        return (_var_grad(ctx, xp, grad, x),)


class Std(Op):
    """Standard deviation: the square root of the variance."""
    node_name = "StdBackward0"
    saves = ("x", "out")
    samples = Samples("Tensor.std", cases=_var_cases)

    def forward(ctx, x, dims, correction, keepdim, all_):
        _reduce_state(ctx, x, dims, keepdim)
        ctx.correction = correction
        ctx.all = all_
        return np.sqrt(_var_forward(x, dims, correction, keepdim))

    def backward(ctx, xp, grad, x, out):
        return (_var_grad(ctx, xp, _std_to_var_grad(xp, grad, out), x),)


class VarMean(Op):
    """Variance and mean together (two outputs, one node)."""
    node_name = "VarMeanBackward0"
    saves = ("x",)
    samples = Samples("var_mean", cases=_var_cases)

    def forward(ctx, x, dims, correction, keepdim, all_):
        _reduce_state(ctx, x, dims, keepdim)
        ctx.correction = correction
        ctx.all = all_
        with np.errstate(invalid="ignore"):
            mean = np.sum(x, axis=dims, keepdims=keepdim) / _count(x.shape, dims)
        return _var_forward(x, dims, correction, keepdim), np.asarray(mean)

    def backward(ctx, xp, grads, x):
        return (_two_grads(ctx, xp, grads[0], grads[1], x),)


def _two_grads(ctx, xp, g_var, g_mean, x):
    total = None if g_var is None else _var_grad(ctx, xp, g_var, x)
    if g_mean is not None:
        part = _restore(xp, g_mean, ctx.in_shape, ctx.dims, ctx.keepdim) / _count(ctx.in_shape, ctx.dims)
        total = part if total is None else total + part
    return total


class StdMean(VarMean):
    """Standard deviation and mean together (two outputs, one node)."""
    node_name = "StdMeanBackward0"
    samples = Samples("std_mean", cases=_var_cases)

    def forward(ctx, x, dims, correction, keepdim, all_):
        var, mean = VarMean.forward(ctx, x, dims, correction, keepdim, all_)
        return np.sqrt(var), mean

    def backward(ctx, xp, grads, x):
        g_std = grads[0]
        if g_std is not None:  # the std is recomputed from x so that double backward sees its dependence
            n = _count(ctx.in_shape, ctx.dims)
            centered = x - xp.sum(x, ctx.dims, True) / builtins.max(n, 1)
            dof = builtins.max(0, n - ctx.correction)
            std = xp.sqrt(xp.sum(centered * centered, ctx.dims, ctx.keepdim) / dof)
            g_std = _std_to_var_grad(xp, g_std, std)
        return (_two_grads(ctx, xp, g_std, grads[1], x),)


def _var_args(input, dim, unbiased, keepdim, correction, name):
    """Parse PyTorch's var/std overloads into (dims, correction, keepdim, all_); warn on too few elements."""
    if isinstance(dim, bool):  # var(True): the legacy overload whose only argument is ``unbiased``
        dim, unbiased = None, dim
    if input._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 0 if unbiased is False else 1
    ndim = input._data.ndim
    dims = None if dim is None and ndim else _dims(input, dim)
    n = _count(input._data.shape, dims)
    if n - correction <= 0:
        warnings.warn(_DOF_WARNING.format(name), UserWarning, stacklevel=3)
    return dims, correction, keepdim, dim is None or not ndim


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Return the variance over ``dim`` (all elements when None), with Bessel's ``correction`` (default 1)."""
    return _store_out(apply_unary(Var, input, *_var_args(input, dim, unbiased, keepdim, correction, "var")), out, 'var')


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Return the standard deviation over ``dim`` (all elements when None), with ``correction`` (default 1)."""
    return _store_out(apply_unary(Std, input, *_var_args(input, dim, unbiased, keepdim, correction, "std")), out, 'std')


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Return the tuple (variance, mean) over ``dim``."""
    return _apply_multi(VarMean, input, *_var_args(input, dim, unbiased, keepdim, correction, "var_mean"))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Return the tuple (standard deviation, mean) over ``dim``."""
    return _apply_multi(StdMean, input, *_var_args(input, dim, unbiased, keepdim, correction, "std_mean"))


# ---------------------------------------------------------------- norms and log-sum-exp

def _norm_forward(x, p, dims, keepdim):
    a = np.abs(x)
    if p == 2:
        return np.sqrt(np.sum(a * a, axis=dims, keepdims=keepdim))
    if p == 1:
        return np.sum(a, axis=dims, keepdims=keepdim)
    if p == np.inf:
        return np.amax(a, axis=dims, keepdims=keepdim)
    if p == -np.inf:
        return np.amin(a, axis=dims, keepdims=keepdim)
    if p == 0:
        return np.sum(a != 0, axis=dims, keepdims=keepdim, dtype=x.dtype)
    with np.errstate(divide="ignore"):  # 0 ** negative p is inf, and the norm then 0, as PyTorch
        return np.sum(a ** p, axis=dims, keepdims=keepdim) ** (1.0 / p)


def _norm_grad(ctx, xp, grad, x, out):
    """PyTorch's linalg_vector_norm_backward, case by case on p; the gradient at a zero norm is 0."""
    p = ctx.p
    g = _restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim)
    n = _restore(xp, out, ctx.in_shape, ctx.dims, ctx.keepdim)
    if p == 0:
        return None  # PyTorch returns no gradient at all for the 0-"norm" (a count)
    if p == 1:
        return g * xp.sign(x)
    zero = n == 0
    if p == 2:
        return x * xp.where(zero, 0, g / xp.where(zero, 1, n))
    if p in (np.inf, -np.inf):
        a = xp.abs(x)
        hit = xp.where(a != a, a != a, a == n)
        count = xp.cast(xp.sum(hit, ctx.dims, True), ctx.np_dtype)
        return xp.sign(x) * xp.where(hit, g / count, 0)
    if p < 1:
        nz = x == 0
        scaled = xp.where(nz, 0, xp.sign(x) * xp.where(nz, 1, xp.abs(x)) ** (p - 1))
        return scaled * g * n ** (1 - p)
    scale = xp.where(zero, 0, g / xp.where(zero, 1, n) ** (p - 1))
    if p < 2:
        return xp.sign(x) * xp.abs(x) ** (p - 1) * scale
    return x * xp.abs(x) ** (p - 2) * scale


def _norm_cases(make):
    ps = (2, 1, 3, 1.5, 0.5, float("inf"), -float("inf"), "fro")
    return [((make((3, 4)),), {"p": p}) for p in ps] + [
        ((make((2, 3, 4)),), {"p": p, "dim": d, "keepdim": k}) for p, d, k in
        ((2, 1, False), (1, (0, 2), True), (float("inf"), -1, False), (3, 0, True), ("fro", (1, 2), False))] + [
        ((make(()),), {"p": 2}), ((make((0, 3)),), {"p": 2, "dim": 1})]


class Norm(Op):
    """The vector p-norm over ``dims`` (``torch.norm``, ``linalg.vector_norm``)."""
    node_name = "LinalgVectorNormBackward0"
    saves = ("x", "out")
    samples = Samples("Tensor.norm", cases=_norm_cases)

    def forward(ctx, x, p, dims, keepdim, np_dtype):
        _reduce_state(ctx, x, dims, keepdim)
        ctx.p = p
        ctx.np_dtype = np_dtype
        if x.dtype != np_dtype:
            x = x.astype(np_dtype)
        return np.asarray(_norm_forward(x, p, dims, keepdim))

    def backward(ctx, xp, grad, x, out):
        return (_norm_grad(ctx, xp, grad, x, out),)


class NormDim(Norm):
    """``at::norm(x, p, dim, keepdim)`` as PyTorch's C++ composites call it (``pairwise_distance``)."""
    node_name = "NormBackward1"
    samples = Samples("nn.functional.pairwise_distance", cases=lambda make: [
        ((make((3, 4)), make((3, 4))), {"p": p, "keepdim": k}) for p, k in ((2.0, False), (1.0, True), (3.0, False),
                                                                           (float("inf"), False), (1.5, True))])


def norm_dim(input, p, dim, keepdim=False):
    """Return the vector ``p``-norm over ``dim`` recorded as NormBackward1 (PyTorch's ``norm.ScalarOpt_dim``)."""
    return apply_unary(NormDim, input, float(p), _dims(input, dim), keepdim, input._data.dtype)


def _norm_order(p):
    if isinstance(p, str):
        if p == "fro":
            return 2.0
        if p == "nuc":
            raise NotImplementedError("ember: the nuclear norm (p='nuc') is not implemented")
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    return float(p)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """Return the vector ``p``-norm of ``input`` over ``dim`` (all elements when None)."""
    if isinstance(p, str) and p == "nuc":  # a matrix norm over two dims (all dims when None)
        from ..linalg import matrix_norm
        dims = list(range(input._data.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
        if len(dims) != 2 and input._data.ndim >= 2:  # (a 1-D input: matrix_norm's own error)
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
        return _store_out(matrix_norm(input, "nuc", tuple(dims), keepdim, dtype=dtype), out, 'norm')
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_dtype_name(input)}")
    order = _norm_order(2 if p is None else p)
    x = input._data
    dims = None if dim is None and x.ndim else _dims(input, dim)
    if (order < 0 or order == np.inf) and x.size == 0 and 0 in [x.shape[d] for d in (dims or range(x.ndim))]:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {order:g} norm on an empty tensor because the "
                           f"operation does not have an identity")
    np_dtype = x.dtype if dtype is None else dtype.numpy_dtype
    return _store_out(apply_unary(Norm, input, order, dims, keepdim, np_dtype), out, 'norm')


class Logsumexp(Op):
    """``log(sum(exp(x)))`` over dims, computed stably (the max is subtracted first)."""
    node_name = "LogsumexpBackward0"
    float_only = True
    saves = ("x", "out")
    samples = Samples("Tensor.logsumexp", cases=_dim_cases({"dim": 0}, {"dim": (0, -1), "keepdim": True}, {"dim": -1},
                                                     empty=((0, 3), {"dim": 0})))

    def forward(ctx, x, dims, keepdim):
        _reduce_state(ctx, x, dims, keepdim)
        m = np.amax(x, axis=dims, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or an inf) stays -inf (inf) instead of NaN
        with np.errstate(divide="ignore"):
            out = np.log(np.sum(np.exp(x - m), axis=dims, keepdims=True)) + m
        return out if keepdim or not dims else out.squeeze(dims)

    def backward(ctx, xp, grad, x, out):
        g = _restore(xp, grad, ctx.in_shape, ctx.dims, ctx.keepdim)
        return (g * xp.exp(x - _restore(xp, out, ctx.in_shape, ctx.dims, ctx.keepdim)),)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """Return ``log(sum(exp(input)))`` over ``dim``, without overflow."""
    return _store_out(apply_unary(Logsumexp, input, _dims(input, dim), keepdim), out, 'logsumexp')


# ---------------------------------------------------------------- cumulative sums, products and extremes

_CUM_CASES = _dim_cases({"dim": 0}, {"dim": -1}, {"dim": 1}, empty=((0, 3), {"dim": 0}))
# torch's cummax backward returns its (grad-requiring) input itself for an empty input, which the
# generated gradient check cannot read: the empty case is tested by hand
_CUMMAX_CASES = _dim_cases({"dim": 0}, {"dim": -1}, {"dim": 1})


class Cumsum(Op):
    """Running sum along ``dim``."""
    node_name = "CumsumBackward0"
    samples = Samples("Tensor.cumsum", cases=_CUM_CASES)

    def forward(ctx, x, dim, np_dtype):
        ctx.dim = dim
        return np.cumsum(x, axis=dim, dtype=np_dtype) if x.ndim else x.astype(np_dtype)

    def backward(ctx, xp, grad):
        return (grad if ctx.dim is None else xp.reverse_cumsum(grad, ctx.dim),)


class ReverseCumsum(Op):
    """Running sum from the end along ``dim``: the backward of cumsum (PyTorch: flip, cumsum, flip)."""
    node_name = "FlipBackward0"

    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.flip(np.cumsum(np.flip(x, dim), axis=dim), dim)

    def backward(ctx, xp, grad):
        return (xp.cumsum(grad, ctx.dim),)


def _reverse_cumsum(x, dim):
    return apply_unary(ReverseCumsum, x, dim)


def _cumprod_grad_exact(x, g, axis):
    """The cumprod VJP without division, exact with zeros: left products times a backward recurrence."""
    x, g = np.moveaxis(x, axis, -1), np.moveaxis(g, axis, -1)
    left = np.cumprod(np.concatenate([np.ones_like(x[..., :1]), x[..., :-1]], axis=-1), axis=-1)
    acc = np.empty_like(g)
    acc[..., -1] = g[..., -1]
    for k in range(x.shape[-1] - 2, -1, -1):
        acc[..., k] = g[..., k] + x[..., k + 1] * acc[..., k + 1]
    return np.moveaxis(left * acc, -1, axis)


class Cumprod(Op):
    """Running product along ``dim``; the gradient is exact with zeros."""
    node_name = "CumprodBackward0"
    saves = ("x", "out")
    samples = Samples("Tensor.cumprod", domain=(0.5, 1.5), cases=_CUM_CASES)

    def forward(ctx, x, dim, np_dtype):
        ctx.dim = dim
        return np.cumprod(x, axis=dim, dtype=np_dtype) if x.ndim else x.astype(np_dtype)

    def backward(ctx, xp, grad, x, out):
        if ctx.dim is None:
            return (grad,)
        if not bool((x == 0).any()):
            return (xp.reverse_cumsum(grad * out, ctx.dim) / x,)
        # with zeros, dividing by x is 0/0: the exact VJP, as a constant (double backward through a
        # zero is not recorded)
        if isinstance(x, Tensor):
            return (_wrap(_cumprod_grad_exact(x._data, grad._data, ctx.dim)),)
        return (_cumprod_grad_exact(x, grad, ctx.dim),)


def _cum_args(input, dim, dtype, name):
    if dim is _NO_DIM:  # PyTorch's argument parser words this, not Python
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    d = int_dim(input, dim, name)
    return (d if input._data.ndim else None), _sum_dtype(input, dtype)


_NO_DIM = object()


def cumsum(input, dim=_NO_DIM, *, dtype=None, out=None):
    """Return the running sum along ``dim`` (integers accumulate in int64)."""
    return _store_out(apply_unary(Cumsum, input, *_cum_args(input, dim, dtype, "cumsum")), out, 'cumsum')


def cumprod(input, dim=_NO_DIM, *, dtype=None, out=None):
    """Return the running product along ``dim`` (integers accumulate in int64)."""
    return _store_out(apply_unary(Cumprod, input, *_cum_args(input, dim, dtype, "cumprod")), out, 'cumprod')


class Cummax(_Select):
    """Running maximum along ``dim``; each element's gradient goes to the index it came from."""
    node_name = "CummaxBackward0"
    accumulate = True
    samples = Samples("Tensor.cummax", cases=_CUMMAX_CASES)


class Cummin(_Select):
    """Running minimum along ``dim``; each element's gradient goes to the index it came from."""
    node_name = "CumminBackward0"
    accumulate = True
    samples = Samples("Tensor.cummin", cases=_CUMMAX_CASES)


def _cum_extreme(input, dim, ufunc, cls, rtype):
    name = rtype.__name__.rsplit(".", 1)[-1]
    x = input._data
    if not x.ndim and dim not in (0, -1) and isinstance(dim, int):
        raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    d = int_dim(input, dim, name)
    if not x.ndim:
        idx = np.zeros((), _INT64)
        return rtype(apply_unary(cls, input, idx, d, True), _wrap(idx))
    values = ufunc.accumulate(x, axis=d)
    hit = x == values
    if x.dtype.kind == "f":  # a NaN takes over from where it appears, as in PyTorch
        hit |= np.isnan(x)
    pos = np.arange(x.shape[d], dtype=_INT64).reshape((-1,) + (1,) * (x.ndim - d - 1))
    # the latest index reaching the running extreme (PyTorch compares with >=)
    idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=d)
    return rtype(apply_unary(cls, input, idx, d, True), _wrap(idx))


def cummax(input, dim):
    """Return the named tuple (values, indices) of the running maximum along ``dim``."""
    return _cum_extreme(input, dim, np.maximum, Cummax, return_types.cummax)


def cummin(input, dim):
    """Return the named tuple (values, indices) of the running minimum along ``dim``."""
    return _cum_extreme(input, dim, np.minimum, Cummin, return_types.cummin)


# ---------------------------------------------------------------- softmax and log-softmax

_SOFTMAX_CASES = _dim_cases({"dim": 0}, {"dim": -1}, {"dim": 1}, empty=((0, 3), {"dim": 1}))


class Softmax(Op):
    """``exp(x) / sum(exp(x))`` along ``dim``, fused and stable (the max is subtracted first)."""
    node_name = "SoftmaxBackward0"
    saves = ("out",)
    samples = Samples("Tensor.softmax", domain=(-5.0, 5.0), cases=_SOFTMAX_CASES)

    def forward(ctx, x, dim):
        ctx.dim = dim
        with np.errstate(invalid="ignore"):  # rows of -inf give NaN, silently, as in PyTorch
            e = np.asarray(np.subtract(x, np.amax(x, axis=dim, keepdims=True, initial=-np.inf)))
            np.exp(e, out=e)
            e /= np.sum(e, axis=dim, keepdims=True)
        return e

    def backward(ctx, xp, grad, out):
        gy = grad * out
        return (gy - out * xp.sum(gy, ctx.dim, True),)


class LogSoftmax(Op):
    """``x - logsumexp(x)`` along ``dim``, fused and stable."""
    node_name = "LogSoftmaxBackward0"
    saves = ("out",)
    samples = Samples("Tensor.log_softmax", domain=(-5.0, 5.0), cases=_SOFTMAX_CASES)

    def forward(ctx, x, dim):
        ctx.dim = dim
        with np.errstate(invalid="ignore", divide="ignore"):
            y = np.asarray(np.subtract(x, np.amax(x, axis=dim, keepdims=True, initial=-np.inf)))
            y -= np.log(np.sum(np.exp(y), axis=dim, keepdims=True))
        return y

    def backward(ctx, xp, grad, out):
        return (grad - xp.exp(out) * xp.sum(grad, ctx.dim, True),)


def _softmax_input(input, dim, dtype, kernel):
    if dtype is not None:
        from .elementwise import to
        input = to(input, dtype)
    d = int_dim(input, dim, kernel)
    if input._data.dtype.kind != "f":
        kernel += "_lastdim" if d >= input._data.ndim - 1 else ""
        raise NotImplementedError(f"\"{kernel}_kernel_impl\" not implemented for '{_dtype_name(input)}'")
    return input, (d if input._data.ndim else None)


def softmax(input, dim, dtype=None, *, out=None):
    """Return the softmax of ``input`` along ``dim`` (computed in ``dtype`` when given)."""
    input, d = _softmax_input(input, dim, dtype, "softmax")
    return _store_out(apply_unary(Softmax, input, d), out, 'softmax')


def log_softmax(input, dim, dtype=None, *, out=None):
    """Return the log of the softmax of ``input`` along ``dim``, computed stably."""
    input, d = _softmax_input(input, dim, dtype, "log_softmax")
    return _store_out(apply_unary(LogSoftmax, input, d), out, 'log_softmax')


# ---------------------------------------------------------------- sorting and order statistics

def _argsort(x, dim, descending):
    """Stable sort indices; descending keeps equal elements in their original order (and NaN first)."""
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")
    idx = np.argsort(np.flip(x, dim), axis=dim, kind="stable")
    return np.flip(x.shape[dim] - 1 - idx, dim)


def _first_k(idx, dim, start, stop):
    return idx[(slice(None),) * dim + (slice(start, stop),)]


def _select(cls, input, idx, d, keepdim, rtype):
    values = apply_unary(cls, input, idx, d, keepdim)
    if input._data.ndim and not keepdim:
        idx = idx.squeeze(d)
    return rtype(values, _wrap(np.array(idx, dtype=_INT64, order="C")))


_ZERO_INDEX = np.zeros((), _INT64)


class Sort(_Select):
    """Elements sorted along ``dim``; the gradient goes back to each element's original place."""
    node_name = "SortBackward0"
    samples = Samples("Tensor.sort", cases=_dim_cases({}, {"dim": 0}, {"dim": 1, "descending": True},
                                                      empty=((0, 3), {"dim": 0})))


class SortStable(Sort):
    """``sort`` called with ``stable=`` (PyTorch's ``sort.stable`` overload, its own node name)."""
    node_name = "SortBackward1"
    samples = Samples("Tensor.sort", cases=_dim_cases({"stable": True}, {"dim": 0, "stable": False},
                                                      {"dim": 1, "descending": True, "stable": True}))


def sort(input, dim=-1, descending=False, stable=None, *, out=None):
    """Return the named tuple (values, indices) of ``input`` sorted along ``dim`` (ties keep their order)."""
    d = input._wrap_dim(dim)
    x = input._data
    idx = _argsort(x, d, descending) if x.ndim else _ZERO_INDEX
    return _store_out(_select(Sort if stable is None else SortStable, input, idx, d, True, return_types.sort), out, 'sort')


def argsort(input, dim=-1, descending=False, stable=False):
    """Return the indices that sort ``input`` along ``dim``."""
    d = input._wrap_dim(dim)
    x = input._data
    return _wrap(np.array(_argsort(x, d, descending) if x.ndim else _ZERO_INDEX, dtype=_INT64, order="C"))


class Topk(_Select):
    """The ``k`` largest (or smallest) elements along ``dim``."""
    node_name = "TopkBackward0"
    samples = Samples("Tensor.topk", cases=_dim_cases({"k": 2}, {"k": 1, "dim": 0}, {"k": 3, "largest": False},
                                                      zero_dim=False, empty=((0, 3), {"k": 2})))


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002 - PyTorch's keyword
    """Return the named tuple (values, indices) of the ``k`` largest elements along ``dim``."""
    x = input._data
    d = int_dim(input, dim, "topk")
    size = x.shape[d] if x.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if x.dtype.kind == "b":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    idx = topk_indices(x, _first_k(_argsort(x, d, largest), d, 0, k), d, k, largest, sorted) if x.ndim else _ZERO_INDEX
    return _store_out(_select(Topk, input, idx, d, True, return_types.topk), out, 'topk')


class Kthvalue(_Select):
    """The ``k``-th smallest element along ``dim``."""
    node_name = "KthvalueBackward0"
    samples = Samples("Tensor.kthvalue", cases=_dim_cases({"k": 2}, {"k": 1, "dim": 0, "keepdim": True},
                                                          {"k": 3, "dim": 1}, zero_dim=False))


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """Return the named tuple (values, indices) of the ``k``-th smallest element along ``dim``."""
    d = _nonempty_dim(input, dim, "kthvalue")
    x = input._data
    if not 1 <= k <= (x.shape[d] if x.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    idx = kthvalue_indices(x, _first_k(np.argsort(x, axis=d, kind="stable"), d, k - 1, k), d, k) if x.ndim else _ZERO_INDEX
    return _store_out(_select(Kthvalue, input, idx, d, keepdim, return_types.kthvalue), out, 'kthvalue')


class MedianAll(MaxAll):
    """The lower median of all elements (NaN if any is NaN); ties share the gradient evenly."""
    node_name = "MedianBackward0"
    samples = Samples("Tensor.median", empty=False)

    def forward(ctx, x):
        _reduce_state(ctx, x, None, False)
        ctx.np_dtype = x.dtype
        flat = x.reshape(-1)
        if flat.size == 0 or (x.dtype.kind == "f" and np.isnan(flat).any()):
            return np.asarray(np.nan, dtype=x.dtype)
        k = (flat.size - 1) // 2
        return np.asarray(np.partition(flat, k)[k])


class NanmedianAll(MaxAll):
    """The lower median of the non-NaN elements (NaN if there are none); ties share the gradient evenly."""
    node_name = "NanmedianBackward0"
    samples = Samples("nanmedian", empty=False)

    def forward(ctx, x):
        _reduce_state(ctx, x, None, False)
        ctx.np_dtype = x.dtype
        flat = x.reshape(-1)
        if x.dtype.kind == "f":
            flat = flat[~np.isnan(flat)]
        if flat.size == 0:
            return np.asarray(np.nan, dtype=x.dtype)
        k = (flat.size - 1) // 2
        return np.asarray(np.partition(flat, k)[k])


class NanmedianDim(_Select):
    """The lower median of the non-NaN elements along ``dim`` (chosen by ``nanmedian``)."""
    node_name = "NanmedianBackward1"
    samples = Samples("nanmedian", cases=_dim_cases({"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": 1}))


class MedianDim(_Select):
    """The lower median along ``dim``."""
    node_name = "MedianBackward1"
    samples = Samples("Tensor.median", cases=_dim_cases({"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": 1},
                                                        empty=((0, 3), {"dim": 1})))


def median(input, dim=None, keepdim=False, *, out=None):
    """Return the lower median of all elements, or the named tuple (values, indices) along ``dim``."""
    if dim is None:
        return _store_out(apply_unary(MedianAll, input), out, 'median')
    d = _nonempty_dim(input, dim, "median")
    x = input._data
    if not x.ndim:
        return _store_out(_select(MedianDim, input, _ZERO_INDEX, d, keepdim, return_types.median), out, 'median')
    idx = _first_k(np.argsort(x, axis=d, kind="stable"), d, (x.shape[d] - 1) // 2, (x.shape[d] + 1) // 2)
    if x.dtype.kind == "f":  # a slice holding NaN has median NaN, at its first NaN
        nan = np.isnan(x)
        idx = np.where(nan.any(axis=d, keepdims=True), np.argmax(nan, axis=d, keepdims=True), idx)
    return _store_out(_select(MedianDim, input, idx, d, keepdim, return_types.median), out, 'median')


class Mode(_Select):
    """The most frequent value along ``dim`` (the smallest among equally frequent ones)."""
    node_name = "ModeBackward0"
    samples = Samples("Tensor.mode", cases=_dim_cases({}, {"dim": 0, "keepdim": True}))


def _mode_index(x, d):
    """Index (the last occurrence) of the most frequent, then smallest, value along ``d``."""
    a = np.moveaxis(x, d, -1)
    s = np.sort(a, axis=-1)
    n = s.shape[-1]
    start = np.ones(s.shape, bool)
    start[..., 1:] = s[..., 1:] != s[..., :-1]
    pos = np.arange(n)
    run = pos - np.maximum.accumulate(np.where(start, pos, 0), axis=-1) + 1
    # the first position reaching the longest run ends the run of the smallest most frequent value
    value = np.take_along_axis(s, np.argmax(run, axis=-1, keepdims=True), -1)
    last = n - 1 - np.argmax((a == value)[..., ::-1], axis=-1, keepdims=True)
    return np.moveaxis(last, -1, d)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """Return the named tuple (values, indices) of the most frequent value along ``dim``."""
    d = _nonempty_dim(input, dim, "mode")
    x = input._data
    idx = _mode_index(x, d) if x.ndim else _ZERO_INDEX
    return _store_out(_select(Mode, input, idx, d, keepdim, return_types.mode), out, 'mode')


class Unique(Op):
    """The distinct elements; PyTorch defines no derivative for them."""
    node_name = "Unique2Backward0"
    internal_name = "_unique2"

    def forward(ctx, x, values):
        return values

    def backward(ctx, xp, grad):
        raise NotImplementedError(f"the derivative for '{ctx.internal_name}' is not implemented.")


class UniqueDim(Unique):
    """The distinct slices along a dimension; PyTorch defines no derivative for them."""
    node_name = "UniqueDimBackward0"
    internal_name = "unique_dim"


def _lex_less(a, b):
    """PyTorch's unique_dim row order: the first differing element decides; NaN differs from nothing."""
    for p, q in zip(a, b):
        if p < q:
            return True
        if p > q:
            return False
    return False


def _same_row(a, b):
    for p, q in zip(a, b):
        if p != q:
            return False
    return True


def _unique_dim_nan(x, d):
    """``np.unique(x, axis=d)`` as PyTorch's CPU kernel finds it when NaN breaks the ordering: libstdc++'s
    std::sort of the slices by ``_lex_less``, then runs of equal slices (NaN equals nothing)."""
    rows = np.moveaxis(x, d, 0).reshape(x.shape[d], -1).tolist()
    q = [(tuple(r), i) for i, r in enumerate(rows)]
    std_sort(q, 0, len(q), _lex_less)
    reps, counts, inverse = [], [], np.empty(len(q), _INT64)
    for key, i in q:
        if reps and _same_row(key, rows[reps[-1]]):
            counts[-1] += 1
        else:
            reps.append(i)
            counts.append(1)
        inverse[i] = len(reps) - 1
    return np.take(x, reps, axis=d), inverse, np.asarray(counts, _INT64)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Return the sorted distinct elements (or slices along ``dim``), with inverse indices and counts."""
    x = input._data
    if dim is None:
        values, inverse, counts = np.unique(x.reshape(-1), return_inverse=True, return_counts=True,
                                            equal_nan=False)
        inverse, cls = inverse.reshape(x.shape), Unique
    else:
        d = input._wrap_dim(dim)
        if x.dtype.kind == "f" and np.isnan(x).any():
            values, inverse, counts = _unique_dim_nan(x, d)
        else:
            values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True, axis=d)
        inverse, cls = inverse.reshape(-1), UniqueDim
    result = [apply_unary(cls, input, values)]
    if return_inverse:
        result.append(_wrap(inverse.astype(_INT64)))
    if return_counts:
        result.append(_wrap(counts.astype(_INT64)))
    return result[0] if len(result) == 1 else tuple(result)


# ---------------------------------------------------------------- logical reductions and counts

def _reduce_dims(input, dim):
    return None if dim is None and input._data.ndim else _dims(input, dim)


def _logical(input, dim, keepdim, fn):
    x = input._data
    # an empty dim list reduces nothing here (unlike sum's legacy "all dims"): PyTorch keeps the shape
    axis = () if isinstance(dim, (list, tuple)) and not dim else _reduce_dims(input, dim)
    r = np.asarray(fn(x, axis=axis, keepdims=keepdim))
    return _wrap(r.astype(np.uint8) if x.dtype == np.uint8 else r)  # uint8 stays uint8, as in PyTorch


def all(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """Return True where all elements (over ``dim``) are nonzero."""
    return _store_out(_logical(input, dim, keepdim, np.all), out, 'all')


def any(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """Return True where any element (over ``dim``) is nonzero."""
    return _store_out(_logical(input, dim, keepdim, np.any), out, 'any')


def count_nonzero(input, dim=None):
    """Return the number of nonzero elements (over ``dim``), as int64."""
    x = input._data
    dims = _reduce_dims(input, dim)
    if dims == ():
        return _wrap(np.asarray(x != 0, dtype=_INT64))
    return _wrap(np.asarray(np.count_nonzero(x, axis=dims), dtype=_INT64))


OPS = (Sum, SumDim, Nansum, Mean, MeanDim, Prod, ProdDim, TakeAlong, PutAlong, MaxDim, MinDim, MaxAll, MinAll,
       Amax, Amin, Aminmax, Var, Std, VarMean, StdMean, Norm, NormDim, Logsumexp, Cumsum, ReverseCumsum, Cumprod, Cummax,
       Cummin, Softmax, LogSoftmax, Sort, SortStable, Topk, Kthvalue, MedianAll, MedianDim, NanmedianAll, NanmedianDim,
       Mode, Unique, UniqueDim)
