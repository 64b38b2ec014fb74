"""Composites of ``extra``, written step for step as PyTorch's ATen composes them (so the output's
node is PyTorch's): cov, corrcoef, trapezoid, cumulative_trapezoid, vander, cartesian_prod,
combinations, column_stack, msort, argwhere; and the non-differentiable histogram and range."""
import math
import warnings

import numpy as np

from .._tensor import Tensor, _wrap
from ._op import Op, Samples, apply_unary
from .reduction import return_types

histogram_type = return_types.histogram

_RANGE_WARNING = ("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).")


class DivScalar(Op):
    """``input / other`` with a number ``other``, as PyTorch's C++ composites record it (``div.Scalar``)."""
    node_name = "DivBackward1"
    saves = ("c",)
    samples = Samples("trapezoid", cases=lambda make: [
        ((make((3, 4)), make((4,))), {}), ((make((3, 4)), make((3, 4))), {"dim": 0}), ((make((2, 3)), make((3,))), {})])

    def forward(ctx, x, c):
        return x / x.dtype.type(c)

    def backward(ctx, xp, grad, c):
        return (grad / c,)


def _mul_scalar(t, c):
    from .special import mul_scalar
    return mul_scalar(t, c)


def _div_scalar(t, c):
    if t._data.dtype.kind != "f":  # true division: integers compute in the default float dtype
        from .._dtype import get_default_dtype
        from ._ew_base import to_dtype
        t = to_dtype(t, get_default_dtype())
    return apply_unary(DivScalar, t, c)


def argwhere(input):
    """Return the indices of the non-zero elements of ``input``, one row each."""
    from .indexing import nonzero
    return nonzero(input)


def msort(input, *, out=None):
    """Return ``input`` sorted along its first dimension."""
    from ._out import store
    from .reduction import sort
    return store(sort(input, 0).values, out, "msort")


def column_stack(tensors, *, out=None):
    """Return the tensors stacked as columns (0-d and 1-d ones become columns first)."""
    from ._out import store
    from .joining import hstack
    from .shape import reshape
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    columns = [reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors]
    return store(hstack(columns), out, "column_stack")


# ---------------------------------------------------------------- statistics


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Return the covariance matrix of the variables in the rows of ``input`` (observations in columns)."""
    from .. import _creation
    from . import elementwise as ew, linalg as la, reduction as red, shape as sh
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    if input._data.dtype.kind == "b":
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = sh.reshape(input, (1, -1)) if input.ndim < 2 else input
    n = x.shape[1]
    w = None
    for name, weights in (("fweights", fweights), ("aweights", aweights)):
        if weights is None:
            continue
        _check_weights(name, weights, n)
        w = weights if w is None else ew.mul(w, weights)
    w_sum = red.sum(w) if w is not None else _creation.tensor(n)
    if w is not None and not w_sum._data:
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = ew.div(red.sum(ew.mul(x, w) if w is not None else x, 1), w_sum)
    if w is not None and correction != 0 and aweights is not None:
        norm_factor = ew.sub(w_sum, ew.div(ew.mul(red.sum(ew.mul(w, aweights)), correction), w_sum))
    else:
        norm_factor = ew.sub(w_sum, correction)
    if norm_factor._data <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm_factor = ew.mul(norm_factor, 0)
    x = ew.sub(x, sh.unsqueeze(avg, 1))
    c = la.mm(x, sh.t(ew.mul(x, w) if w is not None else x))
    return sh.squeeze(ew.div(c, norm_factor))


def _check_weights(name, weights, n):
    from ._ew_base import SCALAR_NAMES
    if weights.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                           f"{weights.ndim} dimensions")
    kind = weights._data.dtype.kind
    if name == "fweights" and kind not in "iu":
        raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with "
                           f"{SCALAR_NAMES[weights._data.dtype.char]} dtype")
    if name == "aweights" and kind != "f":
        raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with "
                           f"{SCALAR_NAMES[weights._data.dtype.char]} dtype")
    if weights.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {weights.numel()} != {n}")
    if weights.numel() and weights._data.min() < 0:
        raise RuntimeError(f"cov(): {name} cannot be negative")


def corrcoef(input):
    """Return the Pearson correlation coefficients of the variables in the rows of ``input``."""
    from . import elementwise as ew, shape as sh
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    c = cov(input)
    if c.ndim == 0:  # a single variable: 1, or NaN where its variance is 0, inf or NaN
        return ew.div(c, c)
    stddev = ew.sqrt(sh.diagonal(c))
    c = ew.div(c, sh.reshape(stddev, (-1, 1)))
    c = ew.div(c, sh.reshape(stddev, (1, -1)))
    return ew.clip(c, -1, 1)


# ---------------------------------------------------------------- integration


def _zeros_except(y, dim):
    from .. import _creation
    return _creation.zeros(tuple(s for i, s in enumerate(y.shape) if i != dim), dtype=y.dtype)


def _spacing(y, x, dim, name):
    """``x``'s differences along ``dim``, viewed against ``y`` as PyTorch pads ``x``."""
    from . import elementwise as ew, shape as sh
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        sizes = [1] * y.ndim
        sizes[dim] = x.shape[0]
        x = sh.reshape(x, sizes)
    elif x.ndim < y.ndim:
        x = sh.reshape(x, (1,) * (y.ndim - x.ndim) + tuple(x.shape))
    size = x.shape[dim]
    return ew.sub(sh.narrow(x, dim, 1, size - 1), sh.narrow(x, dim, 0, size - 1))


def _halves(y, dim):
    from .shape import narrow
    size = y.shape[dim]
    return narrow(y, dim, 0, size - 1), narrow(y, dim, 1, size - 1)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Return the trapezoidal rule integral of ``y`` along ``dim``, over sample points ``x`` or spacing ``dx``."""
    from . import elementwise as ew, reduction as red
    from .misc import select
    dim = y._wrap_dim(dim)
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments - got both x and dx")
    if y._data.dtype.kind == "b" or (isinstance(x, Tensor) and x._data.dtype.kind == "b"):
        raise RuntimeError("trapezoid: received a bool input for `x` or `y`, but bool is not supported")
    if y.shape[dim] == 0:
        return _zeros_except(y, dim)
    if isinstance(x, Tensor):
        left, right = _halves(y, dim)
        spacing = _spacing(y, x, dim, "trapezoid")
        return _div_scalar(red.sum(ew.mul(spacing, ew.add(right, left)), dim), 2.0)
    if dx is None:
        dx = 1 if x is None else x
    ends = _mul_scalar(ew.add(select(y, dim, 0), select(y, dim, -1)), 0.5)
    return _mul_scalar(ew.sub(red.sum(y, dim), ends), float(dx))


def trapz(y, x=None, *, dx=None, dim=-1):
    """Return the trapezoidal rule integral of ``y`` along ``dim`` (``trapezoid``)."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Return the running trapezoidal rule integral of ``y`` along ``dim``."""
    from . import elementwise as ew, reduction as red
    dim = y._wrap_dim(dim)
    if y._data.dtype.kind == "b" or (isinstance(x, Tensor) and x._data.dtype.kind == "b"):
        raise RuntimeError("cumulative_trapezoid: received a bool input for `x` or `y`, but bool is not supported")
    left, right = _halves(y, dim) if y.shape[dim] else (y, y)
    if isinstance(x, Tensor):
        spacing = _spacing(y, x, dim, "cumulative_trapezoid")
        return _div_scalar(red.cumsum(ew.mul(spacing, ew.add(left, right)), dim), 2.0)
    step = float(1 if dx is None and x is None else (dx if dx is not None else x)) / 2.0
    return red.cumsum(_mul_scalar(ew.add(left, right), step), dim)


# ---------------------------------------------------------------- constructions


def vander(x, N=None, increasing=False):
    """Return the Vandermonde matrix of the 1-D ``x``: columns ``x ** (N-1) ... x ** 0`` (reversed when ``increasing``)."""
    from .. import _creation
    from .._dtype import int64, promote_types
    from .reduction import cumprod
    from .shape import flip, narrow, unsqueeze
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    result = _creation.empty((x.shape[0], n), dtype=promote_types(x.dtype, int64))
    if n > 0:
        result.fill_(1)
        if n > 1:
            # step for step as PyTorch, which overwrites the slice that cumprod saved: a backward through
            # more than one column raises the same "modified by an inplace operation" error as PyTorch's
            narrow(result, 1, 1, n - 1).copy_(unsqueeze(x, 1))
            narrow(result, 1, 1, n - 1).copy_(cumprod(narrow(result, 1, 1, n - 1), 1))
    return result if increasing else flip(result, [1])


def cartesian_prod(*tensors):
    """Return the cartesian product of the 1-D ``tensors``, one combination per row."""
    from .joining import meshgrid, stack
    from .shape import flatten
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([flatten(g) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """Return the length-``r`` combinations of the elements of the 1-D ``input``, one per row."""
    from .. import _creation
    from .indexing import masked_select
    from .joining import meshgrid, stack
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _creation.empty(0, dtype=input.dtype)
    grids = np.meshgrid(*([np.arange(input.shape[0])] * r), indexing="ij")
    mask = np.ones(grids[0].shape, bool)
    for a, b in zip(grids, grids[1:]):
        mask &= (a <= b) if with_replacement else (a < b)
    mask = _wrap(mask)
    return stack([masked_select(g, mask) for g in meshgrid(*([input] * r), indexing="ij")], 1)


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):  # noqa: A002
    """Return ``(hist, bin_edges)``: the histogram of ``input`` over ``bins`` equal bins (or the given edges)."""
    from .. import _creation
    x = input._data
    if x.dtype.kind != "f":
        from ._ew_base import SCALAR_NAMES
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{SCALAR_NAMES[x.dtype.char]}'")
    if isinstance(bins, Tensor):
        edges = bins._data.astype(x.dtype)
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif x.size:
            lo, hi = float(x.min()), float(x.max())
        else:
            lo, hi = 0.0, 0.0
        if lo > hi:
            raise RuntimeError(f"torch.histogram(): min should not exceed max, but got min {lo} max {hi} for "
                               "dimension 0")
        if lo == hi:
            lo, hi = (lo - 0.5, hi + 0.5) if x.size else (0.0, 1.0)
        edges = _creation.linspace(lo, hi, bins + 1, dtype=input.dtype)._data
    if weight is not None and weight._data.dtype != x.dtype:
        from ._ew_base import CPP_NAMES
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should "
                           f"have the same dtype, but got input({CPP_NAMES[x.dtype.char]}), and "
                           f"weight({CPP_NAMES[weight._data.dtype.char]})")
    w = None if weight is None else weight._data.reshape(-1)
    flat = x.reshape(-1)
    inside = (flat >= edges[0]) & (flat <= edges[-1])
    hist, _ = np.histogram(flat[inside], bins=edges.astype(np.float64), weights=None if w is None else w[inside])
    hist = hist.astype(x.dtype)
    if density:
        hist = (hist / (hist.sum() * np.diff(edges))).astype(x.dtype)
    return histogram_type(_wrap(hist), _wrap(np.array(edges)))


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad=False):
    """Return the 1-D tensor ``start, start + step, ...`` up to and including ``end`` (deprecated: use ``arange``)."""
    from .._dtype import get_default_dtype
    warnings.warn(_RANGE_WARNING, UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    dtype = dtype or get_default_dtype()
    size = int(math.floor((float(end) - float(start)) / float(step))) + 1
    values = float(start) + np.arange(size, dtype=np.float64) * float(step)
    t = _wrap(values.astype(dtype.numpy_dtype))
    if requires_grad:
        t.requires_grad_(True)
    return t


COMPOSE_OPS = (DivScalar,)
