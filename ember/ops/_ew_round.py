"""Rounding, signs, absolute value, ``nan_to_num`` and the error function family.

``erf``/``erfc`` evaluate the C library's functions (Python's ``math.erf``, correctly rounded to
within an ulp) element by element in float64: NumPy has no vectorised erf and SciPy is not a
dependency; ``erfinv`` refines a closed-form first guess with Halley steps on them.
"""
import math

import numpy as np

from .._tensor import _wrap
from ._ew_base import not_implemented
from ._op import Op, Samples, apply_unary
from ._out import store as _store_out

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_erf_u = np.frompyfunc(math.erf, 1, 1)
_erfc_u = np.frompyfunc(math.erfc, 1, 1)


def _float64_apply(ufunc, x):
    """``ufunc`` (an object ufunc over Python floats) on ``x``, returned in ``x``'s float dtype."""
    return np.asarray(ufunc(x.astype(np.float64)), dtype=np.float64).astype(x.dtype, copy=False)


def erfinv_array(y):
    """The inverse error function of a float array, accurate to float64 rounding."""
    y64 = y.astype(np.float64).reshape(-1)
    a = np.abs(y64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Winitzki's approximation (relative error below 2e-3) as the first guess
        w = np.log((1 - a) * (1 + a))
        k = 2 / (math.pi * 0.147) + w / 2
        x = np.sqrt(np.sqrt(k * k - w / 0.147) - k)
        inner = np.isfinite(x) & (a > 0)
        xi, ai = x[inner], a[inner]
        for _ in range(3):
            # the residual of the tail is taken against erfc and 1 - a (exact for a >= 0.5), which
            # keeps full relative precision as a approaches 1
            erf_x = np.asarray(_erf_u(xi), dtype=np.float64)
            erfc_x = np.asarray(_erfc_u(xi), dtype=np.float64)
            r = np.where(ai > 0.5, (1 - ai) - erfc_x, erf_x - ai)
            d = r / (_TWO_OVER_SQRT_PI * np.exp(-xi * xi))
            xi = xi - d / (1 + xi * d)
        x[inner] = xi
    return np.copysign(x, y64).astype(y.dtype, copy=False).reshape(y.shape)


class Erf(Op):
    """Elementwise error function."""
    node_name = "ErfBackward0"
    float_only = True
    saves = ("x",)
    samples = Samples("erf", domain=(-3.0, 3.0))

    def forward(ctx, x):
        return _float64_apply(_erf_u, x)

    def backward(ctx, xp, grad, x):
        return (grad * xp.exp(-(x * x)) * _TWO_OVER_SQRT_PI,)


class Erfc(Op):
    """Elementwise complementary error function ``1 - erf(x)``."""
    node_name = "ErfcBackward0"
    float_only = True
    saves = ("x",)
    samples = Samples("erfc", domain=(-3.0, 3.0))

    def forward(ctx, x):
        return _float64_apply(_erfc_u, x)

    def backward(ctx, xp, grad, x):
        return (grad * xp.exp(-(x * x)) * -_TWO_OVER_SQRT_PI,)


class Erfinv(Op):
    """Elementwise inverse error function."""
    node_name = "ErfinvBackward0"
    float_only = True
    saves = ("out",)
    samples = Samples("erfinv", domain=(-0.9, 0.9))

    def forward(ctx, x):
        return erfinv_array(x)

    def backward(ctx, xp, grad, out):
        return (grad * xp.exp(out * out) * (1 / _TWO_OVER_SQRT_PI),)


# ---------------------------------------------------------------- rounding (zero gradient)


def _plain(ufunc):
    """A forward that applies ``ufunc``."""
    def forward(ctx, x):
        return ufunc(x)
    return forward


class _Rounding(Op):
    """A rounding op: piecewise constant, so its gradient is zero."""
    __slots__ = ()

    def backward(ctx, xp, grad):
        return (grad * 0,)


class Floor(_Rounding):
    """Elementwise floor."""
    node_name = "FloorBackward0"
    samples = Samples("floor", domain=(-3.0, 3.0))
    forward = _plain(np.floor)


class Ceil(_Rounding):
    """Elementwise ceiling."""
    node_name = "CeilBackward0"
    samples = Samples("ceil", domain=(-3.0, 3.0))
    forward = _plain(np.ceil)


class Trunc(_Rounding):
    """Elementwise rounding toward zero."""
    node_name = "TruncBackward0"
    samples = Samples("trunc", domain=(-3.0, 3.0))
    forward = _plain(np.trunc)


class Round(_Rounding):
    """Elementwise rounding half to even."""
    node_name = "RoundBackward0"
    samples = Samples("round", domain=(-3.0, 3.0))
    forward = _plain(np.round)


class RoundDecimals(Op):
    """Rounding half to even at ``decimals`` decimal digits (negative: to tens, hundreds...)."""
    node_name = "RoundBackward1"
    samples = Samples("round", domain=(-30.0, 30.0), kwargs=[{"decimals": 2}, {"decimals": -1}])

    def forward(ctx, x, decimals):
        return np.round(x, decimals)

    def backward(ctx, xp, grad):
        return (grad * 0,)


class Frac(Op):
    """Elementwise fractional part ``x - trunc(x)``."""
    node_name = "FracBackward0"
    samples = Samples("frac", domain=(-3.0, 3.0))

    def forward(ctx, x):
        return x - np.trunc(x)

    def backward(ctx, xp, grad):
        return (grad,)


def _float_rounding(cls, kernel, input):
    kind = input._data.dtype.kind
    if kind == "b":
        raise not_implemented(kernel, input)
    if kind != "f":
        return _wrap(input._data.copy())
    return apply_unary(cls, input)


def floor(input, *, out=None):
    """Return the largest integer not greater than each element."""
    return _store_out(_float_rounding(Floor, "floor_vml_cpu", input), out, 'floor')


def ceil(input, *, out=None):
    """Return the smallest integer not less than each element."""
    return _store_out(_float_rounding(Ceil, "ceil_vml_cpu", input), out, 'ceil')


def trunc(input, *, out=None):
    """Return each element rounded toward zero."""
    return _store_out(_float_rounding(Trunc, "trunc_vml_cpu", input), out, 'trunc')


fix = trunc


def round(input, *, decimals=0, out=None):  # noqa: A001 - PyTorch's public name
    """Return each element rounded to ``decimals`` decimal digits, halves to even."""
    if decimals == 0:
        return _store_out(_float_rounding(Round, "round_vml_cpu", input), out, 'round')
    if input._data.dtype.kind != "f":
        raise not_implemented("round_cpu", input)
    return _store_out(apply_unary(RoundDecimals, input, decimals), out, 'round')


def frac(input, *, out=None):
    """Return the fractional part of each element."""
    if input._data.dtype.kind != "f":
        raise not_implemented("frac_cpu", input)
    return _store_out(apply_unary(Frac, input), out, 'frac')


# ---------------------------------------------------------------- signs and magnitudes


class Abs(Op):
    """Elementwise absolute value; the subgradient at 0 is 0."""
    node_name = "AbsBackward0"
    saves = ("x",)
    samples = Samples("abs")

    def forward(ctx, x):
        return np.abs(x)

    def backward(ctx, xp, grad, x):
        return (grad * xp.sign(x),)


class Sign(Op):
    """Elementwise sign (-1, 0 or 1; 0 for NaN, as PyTorch); its gradient is zero."""
    node_name = "SignBackward0"
    samples = Samples("sign")

    def forward(ctx, x):
        return ((x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad):
        return (grad * 0,)


class Sgn(Sign):
    """``sgn``: the sign of real inputs, recorded under its own name."""
    node_name = "SgnBackward0"
    # torch's gradient here is a ZeroTensor, which the generated comparison cannot read:
    # tests/ops/test_elementwise.py checks it instead
    samples = Samples("sgn", grad=False)


class NanToNum(Op):
    """NaN and infinities replaced by finite numbers; the gradient flows only where x is finite."""
    node_name = "NanToNumBackward0"
    saves = ("x",)
    samples = Samples("nan_to_num", kwargs=[{}, {"nan": 1.0, "posinf": 2.0}])

    def forward(ctx, x, nan, posinf, neginf):
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(ctx, xp, grad, x):
        # x - x is 0 exactly where x is finite (NaN for NaN and for both infinities)
        return (grad * ((x - x) == 0),)


def abs(input, *, out=None):  # noqa: A001 - PyTorch's public name
    """Return the elementwise absolute value."""
    if input._data.dtype.kind == "b":
        raise not_implemented("abs_cpu", input)
    return _store_out(apply_unary(Abs, input), out, 'abs')


absolute = abs


def sign(input, *, out=None):
    """Return the elementwise sign of ``input`` (-1, 0 or 1)."""
    if input._data.dtype.kind == "b":
        return _store_out(_wrap(input._data.copy()), out, 'sign')
    return _store_out(apply_unary(Sign, input), out, 'sign')


def sgn(input, *, out=None):
    """Return the elementwise sign of ``input``; for real tensors the same as ``sign``."""
    if input._data.dtype.kind == "b":
        return _store_out(_wrap(input._data.copy()), out, 'sgn')
    return _store_out(apply_unary(Sgn, input), out, 'sgn')


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Return ``input`` with NaN, +inf and -inf replaced (by default: 0, the greatest and least finite)."""
    if input._data.dtype.kind != "f":
        return _store_out(_wrap(input._data.copy()), out, 'nan_to_num')
    return _store_out(apply_unary(NanToNum, input, nan, posinf, neginf), out, 'nan_to_num')


def erf(input, *, out=None):
    """Return the elementwise error function."""
    return _store_out(apply_unary(Erf, input), out, 'erf')


def erfc(input, *, out=None):
    """Return the elementwise complementary error function."""
    return _store_out(apply_unary(Erfc, input), out, 'erfc')


def erfinv(input, *, out=None):
    """Return the elementwise inverse error function."""
    return _store_out(apply_unary(Erfinv, input), out, 'erfinv')


OPS = (Erf, Erfc, Erfinv, Floor, Ceil, Trunc, Round, RoundDecimals, Frac, Abs, Sign, Sgn, NanToNum)
