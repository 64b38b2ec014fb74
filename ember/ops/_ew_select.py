"""Selection ops: ``clamp`` (scalar or tensor bounds), ``where`` and ``masked_fill``.

Subgradients follow PyTorch: a clamped element passes its gradient where it lies inside the bounds
(bounds included), and a tensor bound receives it where it was the one selected.
"""
import warnings

import numpy as np

from .._tensor import Tensor
from ._ew_base import CPP_NAMES, SCALAR_NAMES, apply_broadcast, not_implemented, promote, to_dtype
from ._op import Op, Samples, apply_unary
from ._out import store as _store_out


def _clamp_cases(make):
    x, lo, hi = make((3, 4)), make((3, 4), -1.0, -0.2), make((4,), 0.2, 1.0)
    return [((x, lo, hi), {}), ((x, lo), {}), ((x, None, hi), {})]


class Clamp(Op):
    """Elementwise clamp into ``[min, max]`` with scalar bounds (either may be None)."""
    node_name = "ClampBackward1"
    saves = ("x", "lo", "hi")
    saved_names = {"lo": "min", "hi": "max"}
    samples = Samples("clamp", kwargs=[{"min": -0.5, "max": 0.7}, {"min": 0.1}, {"max": -0.3}])

    def forward(ctx, x, lo, hi):
        out = x if lo is None else np.maximum(x, lo, dtype=x.dtype)
        return out if hi is None else np.minimum(out, hi, dtype=x.dtype)

    def backward(ctx, xp, grad, x, lo, hi):
        keep = x == x
        if lo is not None:
            keep = keep & (x >= lo)
        if hi is not None:
            keep = keep & (x <= hi)
        return (xp.where(keep, grad, grad * 0),)


class ClampMin(Op):
    """``clamp_min`` with a scalar bound."""
    node_name = "ClampMinBackward0"
    saves = ("x", "lo")
    saved_names = {"lo": "min"}
    samples = Samples("clamp_min", kwargs={"min": 0.3})

    def forward(ctx, x, lo):
        return np.maximum(x, lo, dtype=x.dtype)

    def backward(ctx, xp, grad, x, lo):
        return (xp.where(x >= lo, grad, grad * 0),)


class ClampMax(Op):
    """``clamp_max`` with a scalar bound."""
    node_name = "ClampMaxBackward0"
    saves = ("x", "hi")
    saved_names = {"hi": "max"}
    samples = Samples("clamp_max", kwargs={"max": 0.3})

    def forward(ctx, x, hi):
        return np.minimum(x, hi, dtype=x.dtype)

    def backward(ctx, xp, grad, x, hi):
        return (xp.where(x <= hi, grad, grad * 0),)


class ClampTensor(Op):
    """Clamp with tensor bounds ``min`` and ``max`` (broadcast)."""
    node_name = "ClampBackward0"
    saves = ("x", "lo", "hi")
    saved_names = {"lo": "min", "hi": "max"}
    samples = Samples("clamp", cases=_clamp_cases)

    def forward(ctx, x, lo, hi):
        return np.minimum(np.maximum(x, lo), hi)

    def backward(ctx, xp, grad, x, lo, hi):
        zero = grad * 0
        return (xp.where((x >= lo) & (x <= hi), grad, zero), xp.where((x < lo) & (lo < hi), grad, zero),
                xp.where((x > hi) | (hi < lo), grad, zero))


class ClampMinTensor(Op):
    """``clamp_min`` (or ``clamp`` without max) with a tensor bound."""
    node_name = "ClampMinBackward1"
    saves = ("x", "lo")
    saved_names = {"lo": "min"}
    samples = Samples("clamp_min", arity=2, broadcast=True)

    def forward(ctx, x, lo):
        return np.maximum(x, lo)

    def backward(ctx, xp, grad, x, lo):
        zero = grad * 0
        return xp.where(x >= lo, grad, zero), xp.where(x < lo, grad, zero)


class ClampMaxTensor(Op):
    """``clamp_max`` (or ``clamp`` without min) with a tensor bound."""
    node_name = "ClampMaxBackward1"
    saves = ("x", "hi")
    saved_names = {"hi": "max"}
    samples = Samples("clamp_max", arity=2, broadcast=True)

    def forward(ctx, x, hi):
        return np.minimum(x, hi)

    def backward(ctx, xp, grad, x, hi):
        zero = grad * 0
        return xp.where(x <= hi, grad, zero), xp.where(x > hi, grad, zero)


class ClampTensorMin(ClampMinTensor):
    """``clamp`` with a tensor ``min`` and no ``max`` (PyTorch names it as a two-sided clamp)."""
    node_name = "ClampBackward0"
    samples = None


class ClampTensorMax(ClampMaxTensor):
    """``clamp`` with a tensor ``max`` and no ``min``."""
    node_name = "ClampBackward0"
    samples = None


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002 - PyTorch's keywords
    """Return ``input`` with each element clamped into ``[min, max]``; either bound may be None."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if max is None:
            return _store_out(_clamp_tensor(ClampTensorMin, input, min), out, 'clamp')
        if min is None:
            return _store_out(_clamp_tensor(ClampTensorMax, input, max), out, 'clamp')
        return _store_out(apply_broadcast(ClampTensor, promote((input, min, max))), out, 'clamp')
    bounds = [b for b in (min, max) if b is not None]
    x = promote((input, *bounds))[0]
    if x._data.dtype.kind == "b":
        raise not_implemented("clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu", x)
    return _store_out(apply_unary(Clamp, x, min, max), out, 'clamp')


clip = clamp


def _clamp_tensor(cls, input, bound):
    if not isinstance(bound, Tensor):
        bound = promote((input, bound))[1]
    return apply_broadcast(cls, promote((input, bound)))


def clamp_min(input, min, *, out=None):  # noqa: A002
    """Return ``input`` with each element at least ``min`` (a number or a tensor)."""
    if isinstance(min, Tensor):
        return _store_out(_clamp_tensor(ClampMinTensor, input, min), out, 'clamp_min')
    return _store_out(apply_unary(ClampMin, promote((input, min))[0], min), out, 'clamp_min')


def clamp_max(input, max, *, out=None):  # noqa: A002
    """Return ``input`` with each element at most ``max`` (a number or a tensor)."""
    if isinstance(max, Tensor):
        return _store_out(_clamp_tensor(ClampMaxTensor, input, max), out, 'clamp_max')
    return _store_out(apply_unary(ClampMax, promote((input, max))[0], max), out, 'clamp_max')


# ---------------------------------------------------------------- where and masked_fill


def _where_cases(make):
    cond = make((3, 4), dtype="bool")
    return [((cond, make((3, 4)), make((3, 4))), {}), ((make((3, 1), dtype="bool"), make((4,)), make(())), {})]


class Where(Op):
    """``x`` where the condition holds, else ``y`` (broadcast); the condition gets no gradient."""
    node_name = "WhereBackward0"
    saves = ("condition",)
    samples = Samples("where", cases=_where_cases)

    def forward(ctx, condition, x, y):
        return np.where(condition, x, y)

    def backward(ctx, xp, grad, condition):
        zero = grad * 0
        return None, xp.where(condition, grad, zero), xp.where(condition, zero, grad)


def where(condition, input=None, other=None, *, out=None):
    """Return elements of ``input`` where ``condition`` holds and of ``other`` elsewhere.

    With only ``condition``, return ``condition.nonzero(as_tuple=True)``.
    """
    if input is None and other is None:
        from .indexing import nonzero
        return _store_out(nonzero(condition, as_tuple=True), out, 'where')
    condition = _check_condition(condition)
    x, y = promote((input, other))
    return _store_out(apply_broadcast(Where, (condition, x, y)), out, 'where')


def _check_condition(condition):
    kind = condition._data.dtype.char
    if kind == "B":
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and will be removed "
                      "in a future version of PyTorch. Use a boolean condition instead.", UserWarning, stacklevel=3)
        return to_dtype(condition, _bool_dtype())
    if kind != "?":
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{SCALAR_NAMES[kind]}")
    return condition


def _bool_dtype():
    from .._dtype import bool as bool_
    return bool_


def _masked_fill_cases(make):
    x, mask = make((3, 4)), make((3, 4), dtype="bool")
    return [((x, mask, 0.5), {}), ((x, make((4,), dtype="bool"), -2.0), {}), ((x, mask, make(())), {})]


class MaskedFill(Op):
    """``input`` with ``value`` written where ``mask`` holds (scalar value)."""
    node_name = "MaskedFillBackward0"
    saves = ("mask",)
    samples = Samples("masked_fill", cases=_masked_fill_cases)

    def forward(ctx, x, mask, value):
        return np.where(mask, np.asarray(value).astype(x.dtype), x)

    def backward(ctx, xp, grad, mask):
        return xp.where(mask, grad * 0, grad), None


class MaskedFillTensor(Op):
    """``input`` with a 0-d tensor ``value`` written where ``mask`` holds; the value's gradient sums."""
    node_name = "MaskedFillBackward1"
    saves = ("mask",)

    def forward(ctx, x, mask, value):
        return np.where(mask, value.astype(x.dtype), x)

    def backward(ctx, xp, grad, mask):
        zero = grad * 0
        return xp.where(mask, zero, grad), None, xp.where(mask, grad, zero)


def masked_fill(input, mask, value):
    """Return ``input`` with ``value`` (a number or a 0-d tensor) where the boolean ``mask`` is True."""
    return _masked_fill(input, mask, value, (mask, input))


def masked_fill_self_first(input, mask, value):
    """``masked_fill`` for ``masked_fill_``, whose broadcast error names ``input`` before ``mask``."""
    return _masked_fill(input, mask, value, (input, mask))


def _masked_fill(input, mask, value, named):
    if mask._data.dtype.kind != "b":
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{CPP_NAMES[mask._data.dtype.char]}")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        if input._data.dtype.kind == "f" and value.dtype is not input.dtype:
            value = to_dtype(value, input.dtype)
        return apply_broadcast(MaskedFillTensor, (input, mask, value), named=named)
    return apply_broadcast(MaskedFill, (input, mask), value, named=named)


OPS = (Clamp, ClampMin, ClampMax, ClampTensor, ClampMinTensor, ClampMaxTensor, ClampTensorMin,
       ClampTensorMax, Where, MaskedFill, MaskedFillTensor)
