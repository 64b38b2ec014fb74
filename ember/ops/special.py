"""Special functions: the gamma family (lgamma, digamma, polygamma, mvlgamma), modified Bessel
functions (i0, i0e, i1, i1e), sinc, logit, entr, erfcx, the normal distribution (ndtri, log_ndtr),
xlog1py and zeta; and the float bit-level maths copysign, ldexp, nextafter, frexp, with logaddexp2,
heaviside, gcd, lcm, isreal.

Forwards compute in float64 (``_special_kernels``) and round once to the input's dtype. Backwards
that need another special function call it through ``_of``: the array kernel in a plain backward,
the ember function (which records) under ``create_graph``, so higher derivatives come free.
"""
import math

import numpy as np

from .._tensor import Tensor, _wrap
from . import _numpy_api, _special_kernels as _k
from ._ew_base import check_tensor, not_implemented, promote
from ._op import Op, Samples, apply_binary, apply_unary
from ._out import store as _store_out
from .reduction import return_types

_LN2 = math.log(2.0)
_SQRT_2PI = math.sqrt(2 * math.pi)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_f64 = _k.in_float64

frexp_type = return_types.frexp


def _of(xp, kernel, public, x, *params):
    """``public(x, *params)`` in a graph backward, else the float64 ``kernel`` on the array ``x``."""
    if xp is _numpy_api:
        return _f64(lambda v: kernel(v, *params), x)
    return public(x, *params)


def _eps(x):
    return float(np.finfo(x.dtype if isinstance(x, np.ndarray) else x.dtype.numpy_dtype).eps)


class _Special(Op):
    """A float-only unary op: integer and bool inputs compute in the default float dtype."""
    __slots__ = ()
    float_only = True
    saves = ("x",)

    def forward(ctx, x):
        raise NotImplementedError


# ---------------------------------------------------------------- the gamma family


class Lgamma(_Special):
    """Elementwise ``log|Gamma(x)|``."""
    node_name = "LgammaBackward0"
    samples = Samples("lgamma", domain=(0.2, 4.0))

    def forward(ctx, x):
        return _f64(_k.lgamma, x)

    def backward(ctx, xp, grad, x):
        return (grad * _of(xp, _k.digamma, digamma, x),)


class Digamma(_Special):
    """Elementwise digamma, the derivative of ``lgamma``."""
    node_name = "DigammaBackward0"
    samples = Samples("digamma", domain=(0.2, 4.0))

    def forward(ctx, x):
        return _f64(_k.digamma, x)

    def backward(ctx, xp, grad, x):
        return (grad * _of(xp, _k.trigamma, _polygamma1, x),)


class Polygamma(_Special):
    """Elementwise ``n``-th derivative of digamma."""
    node_name = "PolygammaBackward0"
    saves = ("x", "n")
    samples = Samples("polygamma", domain=(0.5, 3.0), cases=lambda make: [
        ((1, make((3, 4))), {}), ((2, make(())), {}), ((3, make((2, 3))), {}), ((0, make((0, 3))), {})])

    def forward(ctx, x, n):
        return _f64(lambda v: _k.polygamma(n, v), x)

    def backward(ctx, xp, grad, x, n):
        return (grad * _of(xp, lambda v: _k.polygamma(n + 1, v), lambda v: polygamma(n + 1, v), x),)


class Mvlgamma(_Special):
    """Elementwise multivariate log-gamma of dimension ``p``."""
    node_name = "MvlgammaBackward0"
    saves = ("x", "p")
    samples = Samples("mvlgamma", domain=(1.6, 4.0), kwargs=[{"p": 1}, {"p": 3}])

    def forward(ctx, x, p):
        def kernel(v):
            terms = _k.lgamma(v[..., None] + np.arange(-(p - 1) / 2, 0.5, 0.5))
            return terms.sum(-1) + p * (p - 1) * math.log(math.pi) / 4
        return _f64(kernel, x)

    def backward(ctx, xp, grad, x, p):
        total = _of(xp, _k.digamma, digamma, x)
        for j in range(1, p):
            total = total + _of(xp, _k.digamma, digamma, x - j / 2)
        return (grad * total, None)


def _polygamma1(x):
    return polygamma(1, x)


def lgamma(input, *, out=None):
    """Return the natural logarithm of the absolute value of the gamma function of ``input``."""
    return _store_out(apply_unary(Lgamma, input), out, "lgamma")


def digamma(input, *, out=None):
    """Return the logarithmic derivative of the gamma function of ``input``."""
    return _store_out(apply_unary(Digamma, input), out, "digamma")


def polygamma(n, input, *, out=None):
    """Return the ``n``-th derivative of the digamma function of ``input``."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _store_out(apply_unary(Polygamma, input, int(n)), out, "polygamma")


def mvlgamma(input, p, *, out=None):
    """Return the multivariate log-gamma function of dimension ``p`` of ``input``."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return _store_out(apply_unary(Mvlgamma, input, int(p)), out, "mvlgamma")


# ---------------------------------------------------------------- modified Bessel functions


class I0(_Special):
    """Elementwise modified Bessel function of the first kind, order 0."""
    node_name = "I0Backward0"
    samples = Samples("i0", domain=(-3.0, 3.0))

    def forward(ctx, x):
        return _f64(lambda v: _k.bessel_i(0, v, False), x)

    def backward(ctx, xp, grad, x):
        return (grad * _of(xp, lambda v: _k.bessel_i(1, v, False), i1, x),)


class I0e(_Special):
    """Elementwise exponentially scaled ``i0``: ``exp(-|x|) * i0(x)``."""
    node_name = "SpecialI0EBackward0"
    saves = ("x", "out")
    samples = Samples("special.i0e", domain=(-3.0, 3.0))

    def forward(ctx, x):
        return _f64(lambda v: _k.bessel_i(0, v, True), x)

    def backward(ctx, xp, grad, x, out):
        return (grad * (_of(xp, lambda v: _k.bessel_i(1, v, True), i1e, x) - xp.sign(x) * out),)


class I1(_Special):
    """Elementwise modified Bessel function of the first kind, order 1."""
    node_name = "SpecialI1Backward0"
    saves = ("x", "out")
    samples = Samples("special.i1", domain=(-3.0, 3.0))

    def forward(ctx, x):
        return _f64(lambda v: _k.bessel_i(1, v, False), x)

    def backward(ctx, xp, grad, x, out):
        # i1'(x) = i0(x) - i1(x) / x, whose limit at 0 is 1/2 (PyTorch's i1_backward)
        eps = _eps(x)
        tiny = xp.abs(x) <= eps
        safe = xp.where(tiny, x * 0 + eps, x)
        slope = _of(xp, lambda v: _k.bessel_i(0, v, False), i0, safe) - out / safe
        return (xp.where(tiny, grad * 0.5, grad * slope),)


class I1e(_Special):
    """Elementwise exponentially scaled ``i1``: ``exp(-|x|) * i1(x)``."""
    node_name = "SpecialI1EBackward0"
    saves = ("x", "out")
    samples = Samples("special.i1e", domain=(-3.0, 3.0))

    def forward(ctx, x):
        return _f64(lambda v: _k.bessel_i(1, v, True), x)

    def backward(ctx, xp, grad, x, out):
        eps = _eps(x)
        tiny = xp.abs(x) <= eps
        safe = xp.where(tiny, x * 0 + eps, x)
        slope = _of(xp, lambda v: _k.bessel_i(0, v, True), i0e, safe) - out * (xp.sign(safe) + 1 / safe)
        return (xp.where(tiny, grad * 0.5, grad * slope),)


def i0(input, *, out=None):
    """Return the modified Bessel function of the first kind of order 0 of ``input``."""
    return _store_out(apply_unary(I0, input), out, "i0")


def i0e(input, *, out=None):
    """Return the exponentially scaled modified Bessel function of the first kind of order 0."""
    return _store_out(apply_unary(I0e, input), out, "special_i0e")


def i1(input, *, out=None):
    """Return the modified Bessel function of the first kind of order 1 of ``input``."""
    return _store_out(apply_unary(I1, input), out, "special_i1")


def i1e(input, *, out=None):
    """Return the exponentially scaled modified Bessel function of the first kind of order 1."""
    return _store_out(apply_unary(I1e, input), out, "special_i1e")


# ---------------------------------------------------------------- sinc, logit, entropy, erfcx, normal


class Sinc(_Special):
    """Elementwise normalized sinc ``sin(pi x) / (pi x)``, 1 at 0."""
    node_name = "SincBackward0"
    samples = Samples("sinc", domain=(-2.0, 2.0))

    def forward(ctx, x):
        # as PyTorch: the product pi * x rounded in the input's dtype, then sin, then the division
        product = x * x.dtype.type(math.pi)
        with np.errstate(all="ignore"):
            out = np.sin(product.astype(np.float64)).astype(x.dtype) / product
        return np.where(x == 0, x.dtype.type(1), out)

    def backward(ctx, xp, grad, x):
        px = x * math.pi
        pxx = x * x * math.pi
        slope = (px * xp.cos(px) - xp.sin(px)) / xp.where(pxx == 0, pxx + 1, pxx)
        return (xp.where(pxx == 0, grad * 0, grad * slope),)


class Logit(_Special):
    """Elementwise ``log(x / (1 - x))``, ``x`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given."""
    node_name = "LogitBackward0"
    saves = ("x", "eps")
    samples = Samples("logit", domain=(0.05, 0.95), kwargs=[{}, {"eps": 0.2}])

    def forward(ctx, x, eps):
        if eps is not None:
            x = np.clip(x, x.dtype.type(eps), x.dtype.type(1 - eps))
        with np.errstate(all="ignore"):
            return _f64(np.log, x / (1 - x))

    def backward(ctx, xp, grad, x, eps):
        slope = grad / (x * (1 - x))
        if eps is None:  # outside [0, 1] the derivative is NaN, as PyTorch's logit_backward
            return (xp.where((x < 0) | (x > 1), x * 0 + math.nan, slope), None)
        return (xp.where((x < eps) | (x > 1 - eps), grad * 0, slope), None)


class Entr(_Special):
    """Elementwise entropy ``-x * log(x)`` (0 at 0, -inf for negative ``x``)."""
    node_name = "SpecialEntrBackward0"
    samples = Samples("special.entr", domain=(0.1, 2.0))

    def forward(ctx, x):
        with np.errstate(all="ignore"):
            out = -x * _f64(np.log, x)
        return np.where(x == 0, 0, np.where(x < 0, -np.inf, out)).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, x):
        return (grad * -(xp.log(x) + 1),)


class Erfcx(_Special):
    """Elementwise scaled complementary error function ``exp(x ** 2) * erfc(x)``."""
    node_name = "SpecialErfcxBackward0"
    saves = ("x", "out")
    samples = Samples("special.erfcx", domain=(-2.0, 3.0))

    def forward(ctx, x):
        return _f64(_k.erfcx, x)

    def backward(ctx, xp, grad, x, out):
        return ((2 * x * out - _TWO_OVER_SQRT_PI) * grad,)


class Ndtri(_Special):
    """Elementwise inverse of the standard normal distribution function."""
    node_name = "SpecialNdtriBackward0"
    saves = ("out",)
    samples = Samples("special.ndtri", domain=(0.05, 0.95))

    def forward(ctx, x):
        return _f64(_k.ndtri, x)

    def backward(ctx, xp, grad, out):
        return (grad * _SQRT_2PI * xp.exp(out * out / 2),)


class LogNdtr(_Special):
    """Elementwise log of the standard normal distribution function."""
    node_name = "SpecialLogNdtrBackward0"
    saves = ("x", "out")
    samples = Samples("special.log_ndtr", domain=(-3.0, 3.0))

    def forward(ctx, x):
        return _f64(_k.log_ndtr, x)

    def backward(ctx, xp, grad, x, out):
        return (grad / _SQRT_2PI * xp.exp(-(out + x * x / 2)),)


def sinc(input, *, out=None):
    """Return the normalized sinc of ``input``."""
    return _store_out(apply_unary(Sinc, input), out, "sinc")


def logit(input, eps=None, *, out=None):
    """Return the logit ``log(p / (1 - p))`` of ``input``, clamped to ``[eps, 1 - eps]`` when ``eps`` is given."""
    return _store_out(apply_unary(Logit, input, None if eps is None else float(eps)), out, "logit")


def entr(input, *, out=None):
    """Return the elementwise entropy ``-input * log(input)``."""
    return _store_out(apply_unary(Entr, input), out, "special_entr")


def erfcx(input, *, out=None):
    """Return the scaled complementary error function of ``input``."""
    return _store_out(apply_unary(Erfcx, input), out, "special_erfcx")


def ndtri(input, *, out=None):
    """Return the argument x for which the standard normal distribution function equals ``input``."""
    return _store_out(apply_unary(Ndtri, input), out, "special_ndtri")


def log_ndtr(input, *, out=None):
    """Return the log of the area under the standard normal density from -inf to ``input``."""
    return _store_out(apply_unary(LogNdtr, input), out, "special_log_ndtr")


class MulScalar(Op):
    """``input * other`` with a number ``other``, as PyTorch's C++ composites record it (``mul.Scalar``)."""
    node_name = "MulBackward1"
    saves = ("c",)
    samples = Samples("special.ndtr", domain=(-3.0, 3.0))

    def forward(ctx, x, c):
        return x * x.dtype.type(c)

    def backward(ctx, xp, grad, c):
        return (grad * c,)


class AddScalar(Op):
    """``input + other`` with a number ``other`` (PyTorch's ``add.Scalar``)."""
    node_name = "AddBackward1"

    def forward(ctx, x, c):
        return x + x.dtype.type(c)

    def backward(ctx, xp, grad):
        return (grad,)


def mul_scalar(input, c):
    """``input * c`` recorded as PyTorch's C++ composites record it (MulBackward1)."""
    if input._data.dtype.kind != "f" and isinstance(c, float):  # a float number promotes integers
        from .._dtype import get_default_dtype
        from ._ew_base import to_dtype
        input = to_dtype(input, get_default_dtype())
    return apply_unary(MulScalar, input, c)


def add_scalar(input, c):
    """``input + c`` for a float tensor, recorded as PyTorch's C++ composites record it (AddBackward1)."""
    return apply_unary(AddScalar, input, c)


def ndtr(input, *, out=None):
    """Return the area under the standard normal density from -inf to ``input``."""
    from .elementwise import erf
    if input._data.dtype.kind != "f":
        from .._dtype import get_default_dtype
        from ._ew_base import to_dtype
        input = to_dtype(input, get_default_dtype())
    # PyTorch's composite, step for step: (1 + erf(x * sqrt(1/2))) * 0.5
    return _store_out(mul_scalar(apply_unary(AddScalar, erf(mul_scalar(input, math.sqrt(0.5))), 1), 0.5), out,
                      "special_ndtr")


def special_round(input, *, decimals=0, out=None):
    """Return ``input`` rounded half to even at ``decimals`` decimal digits (``torch.special.round``)."""
    from ._ew_round import RoundDecimals, round as _round
    if input._data.dtype.kind != "f":
        return _round(input, decimals=decimals, out=out)
    return _store_out(apply_unary(RoundDecimals, input, decimals), out, "special_round")


OPS = (MulScalar, AddScalar, Lgamma, Digamma, Polygamma, Mvlgamma, I0, I0e, I1, I1e, Sinc, Logit, Entr, Erfcx, Ndtri, LogNdtr)

from ._special_binary import (BINARY_OPS, copysign, frexp, gcd, heaviside, isreal, lcm, ldexp,  # noqa: E402,F401
                              logaddexp2, nextafter, xlog1py, zeta)

OPS = OPS + BINARY_OPS


# ---------------------------------------------------------------- in-place forms (Tensor.lgamma_ ...)
def _in_place(fn, t, *args):
    from .inplace import _inplace
    return _inplace(fn, t, *args)


def lgamma_(t):
    """Replace ``t`` by ``lgamma(t)``, in place."""
    return _in_place(lgamma, t)


def digamma_(t):
    """Replace ``t`` by ``digamma(t)``, in place."""
    return _in_place(digamma, t)


class PolygammaInplace(Polygamma):
    """``polygamma_``: PyTorch records its own node for the in-place form (same derivative)."""
    node_name = "PolygammaBackward1"
    samples = None


def polygamma_(t, n):
    """Replace ``t`` by ``polygamma(n, t)``, in place."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _in_place(lambda x: apply_unary(PolygammaInplace, x, int(n)), t)


def mvlgamma_(t, p):
    """Replace ``t`` by ``mvlgamma(t, p)``, in place."""
    return _in_place(mvlgamma, t, p)


def i0_(t):
    """Replace ``t`` by ``i0(t)``, in place."""
    return _in_place(i0, t)


def sinc_(t):
    """Replace ``t`` by ``sinc(t)``, in place."""
    return _in_place(sinc, t)


def logit_(t, eps=None):
    """Replace ``t`` by ``logit(t, eps)``, in place."""
    return _in_place(logit, t, eps)


def copysign_(t, other):
    """Replace ``t`` by ``copysign(t, other)``, in place."""
    return _in_place(copysign, t, other)


def ldexp_(t, other):
    """Replace ``t`` by ``t * 2 ** other``, in place."""
    return _in_place(ldexp, t, other)


def nextafter_(t, other):
    """Replace ``t`` by ``nextafter(t, other)``, in place."""
    return _in_place(nextafter, t, other)


def heaviside_(t, values):
    """Replace ``t`` by ``heaviside(t, values)``, in place."""
    return _in_place(heaviside, t, values)


def gcd_(t, other):
    """Replace ``t`` by ``gcd(t, other)``, in place."""
    return _in_place(gcd, t, other)


def lcm_(t, other):
    """Replace ``t`` by ``lcm(t, other)``, in place."""
    return _in_place(lcm, t, other)


OPS = OPS + (PolygammaInplace,)
