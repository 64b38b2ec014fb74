"""Unary elementwise maths: exponentials, logarithms, roots, trigonometric and hyperbolic functions,
activations. Integer and bool inputs compute in the default float dtype, as in PyTorch. Rounding,
signs and the error function live in ``_ew_round``, re-exported here.
"""
import math

import numpy as np

from ._op import Op, Samples, apply_unary, quiet_forward, rounded_forward
from ._ew_round import (  # noqa: F401 - re-exported
    OPS as _ROUND_OPS, abs, absolute, ceil, erf, erfc, erfinv, fix, floor, frac, nan_to_num, round, sgn, sign,
    trunc)
from ._out import store as _store_out

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


# a forward running a ufunc without NumPy's warnings at poles and overflows (PyTorch has none)
_quiet = quiet_forward


def _quiet_rounded(ufunc):
    """``_quiet``, computed in float64 and rounded once for float32 inputs (PyTorch's float32 maths
    is nearly always correctly rounded; NumPy's float32 routines are not)."""
    return quiet_forward(ufunc, rounded=True)


class _Unary(Op):
    """A float-only op: integer and bool inputs compute in the default float dtype."""
    __slots__ = ()
    float_only = True


# ---------------------------------------------------------------- exponentials and logarithms


class Exp(_Unary):
    """Elementwise ``e ** x``."""
    node_name = "ExpBackward0"
    saves = ("out",)
    samples = Samples("exp")
    forward = _quiet_rounded(np.exp)

    def backward(ctx, xp, grad, out):
        return (grad * out,)


class Exp2(_Unary):
    """Elementwise ``2 ** x``."""
    node_name = "Exp2Backward0"
    saves = ("out",)
    samples = Samples("exp2")
    forward = _quiet_rounded(np.exp2)

    def backward(ctx, xp, grad, out):
        return (grad * out * _LN2,)


class Expm1(_Unary):
    """Elementwise ``e ** x - 1``, accurate near 0."""
    node_name = "Expm1Backward0"
    saves = ("out",)
    samples = Samples("expm1")
    forward = _quiet_rounded(np.expm1)

    def backward(ctx, xp, grad, out):
        return (grad * (out + 1),)


class Log(_Unary):
    """Elementwise natural logarithm."""
    node_name = "LogBackward0"
    saves = ("x",)
    samples = Samples("log", domain=(0.1, 3.0))
    forward = _quiet_rounded(np.log)

    def backward(ctx, xp, grad, x):
        return (grad / x,)


class Log2(_Unary):
    """Elementwise base-2 logarithm."""
    node_name = "Log2Backward0"
    saves = ("x",)
    samples = Samples("log2", domain=(0.1, 3.0))
    forward = _quiet_rounded(np.log2)

    def backward(ctx, xp, grad, x):
        return (grad / (x * _LN2),)


class Log10(_Unary):
    """Elementwise base-10 logarithm."""
    node_name = "Log10Backward0"
    saves = ("x",)
    samples = Samples("log10", domain=(0.1, 3.0))
    forward = _quiet_rounded(np.log10)

    def backward(ctx, xp, grad, x):
        return (grad / (x * _LN10),)


class Log1p(_Unary):
    """Elementwise ``log(1 + x)``, accurate near 0."""
    node_name = "Log1PBackward0"
    saves = ("x",)
    samples = Samples("log1p", domain=(-0.5, 2.0))
    forward = _quiet_rounded(np.log1p)

    def backward(ctx, xp, grad, x):
        return (grad / (x + 1),)


class Sqrt(_Unary):
    """Elementwise square root."""
    node_name = "SqrtBackward0"
    saves = ("out",)
    samples = Samples("sqrt", domain=(0.1, 3.0))
    forward = _quiet(np.sqrt)

    def backward(ctx, xp, grad, out):
        return (grad / (2 * out),)


class Rsqrt(_Unary):
    """Elementwise ``1 / sqrt(x)``."""
    node_name = "RsqrtBackward0"
    saves = ("out",)
    samples = Samples("rsqrt", domain=(0.2, 3.0))

    def forward(ctx, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.reciprocal(np.sqrt(x))

    def backward(ctx, xp, grad, out):
        return (grad * out * out * out * -0.5,)


class Reciprocal(_Unary):
    """Elementwise ``1 / x``."""
    node_name = "ReciprocalBackward0"
    saves = ("out",)
    samples = Samples("reciprocal", domain=(0.5, 2.0))
    forward = _quiet(np.reciprocal)

    def backward(ctx, xp, grad, out):
        return (-grad * out * out,)


# ---------------------------------------------------------------- trigonometric


class Sin(_Unary):
    """Elementwise sine."""
    node_name = "SinBackward0"
    saves = ("x",)
    samples = Samples("sin")
    forward = _quiet_rounded(np.sin)

    def backward(ctx, xp, grad, x):
        return (grad * xp.cos(x),)


class Cos(_Unary):
    """Elementwise cosine."""
    node_name = "CosBackward0"
    saves = ("x",)
    samples = Samples("cos")
    forward = _quiet_rounded(np.cos)

    def backward(ctx, xp, grad, x):
        return (-grad * xp.sin(x),)


class Tan(_Unary):
    """Elementwise tangent."""
    node_name = "TanBackward0"
    saves = ("out",)
    samples = Samples("tan", domain=(-1.2, 1.2))
    forward = _quiet_rounded(np.tan)

    def backward(ctx, xp, grad, out):
        return (grad * (out * out + 1),)


class Asin(_Unary):
    """Elementwise arcsine."""
    node_name = "AsinBackward0"
    saves = ("x",)
    samples = Samples("asin", domain=(-0.9, 0.9))
    forward = _quiet_rounded(np.arcsin)

    def backward(ctx, xp, grad, x):
        return (grad / xp.sqrt(1 - x * x),)


class Acos(_Unary):
    """Elementwise arccosine."""
    node_name = "AcosBackward0"
    saves = ("x",)
    samples = Samples("acos", domain=(-0.9, 0.9))
    forward = _quiet_rounded(np.arccos)

    def backward(ctx, xp, grad, x):
        return (-grad / xp.sqrt(1 - x * x),)


class Atan(_Unary):
    """Elementwise arctangent."""
    node_name = "AtanBackward0"
    saves = ("x",)
    samples = Samples("atan")
    forward = rounded_forward(np.arctan)  # arctan never warns

    def backward(ctx, xp, grad, x):
        return (grad / (x * x + 1),)


# ---------------------------------------------------------------- hyperbolic


class Sinh(_Unary):
    """Elementwise hyperbolic sine."""
    node_name = "SinhBackward0"
    saves = ("x",)
    samples = Samples("sinh")
    forward = _quiet_rounded(np.sinh)

    def backward(ctx, xp, grad, x):
        return (grad * xp.cosh(x),)


class Cosh(_Unary):
    """Elementwise hyperbolic cosine."""
    node_name = "CoshBackward0"
    saves = ("x",)
    samples = Samples("cosh")
    forward = _quiet_rounded(np.cosh)

    def backward(ctx, xp, grad, x):
        return (grad * xp.sinh(x),)


class Tanh(_Unary):
    """Elementwise hyperbolic tangent."""
    node_name = "TanhBackward0"
    saves = ("out",)
    samples = Samples("tanh")
    forward = rounded_forward(np.tanh)  # tanh never warns

    def backward(ctx, xp, grad, out):
        return (grad * (1 - out * out),)


class Asinh(_Unary):
    """Elementwise inverse hyperbolic sine."""
    node_name = "AsinhBackward0"
    saves = ("x",)
    samples = Samples("asinh")
    forward = _quiet_rounded(np.arcsinh)

    def backward(ctx, xp, grad, x):
        return (grad / xp.sqrt(x * x + 1),)


class Acosh(_Unary):
    """Elementwise inverse hyperbolic cosine."""
    node_name = "AcoshBackward0"
    saves = ("x",)
    samples = Samples("acosh", domain=(1.2, 3.0))
    forward = _quiet_rounded(np.arccosh)

    def backward(ctx, xp, grad, x):
        return (grad / xp.sqrt(x * x - 1),)


class Atanh(_Unary):
    """Elementwise inverse hyperbolic tangent."""
    node_name = "AtanhBackward0"
    saves = ("x",)
    samples = Samples("atanh", domain=(-0.9, 0.9))
    forward = _quiet_rounded(np.arctanh)

    def backward(ctx, xp, grad, x):
        return (grad / (1 - x * x),)


# ---------------------------------------------------------------- activations


class Sigmoid(Op):
    """Elementwise logistic sigmoid ``1 / (1 + e ** -x)``."""
    node_name = "SigmoidBackward0"
    float_only = True
    saves = ("out",)
    samples = Samples("sigmoid", domain=(-8.0, 8.0))

    def forward(ctx, x):
        # PyTorch's formula (exp(-x) overflowing to inf gives exactly 0, as there); float16 computes
        # in float32, as PyTorch's CPU kernels do, so that tiny results do not flush to 0
        with np.errstate(over="ignore"):
            if x.dtype == np.float16:
                return (1 / (1 + np.exp(-x.astype(np.float32)))).astype(np.float16)
            return 1 / (1 + np.exp(-x))

    def backward(ctx, xp, grad, out):
        return (grad * out * (1 - out),)


class Relu(Op):
    """Elementwise ``max(x, 0)``; the subgradient at 0 is 0, as in PyTorch."""
    node_name = "ReluBackward0"
    saves = ("out",)
    samples = Samples("relu")

    def forward(ctx, x):
        # PyTorch keeps -0.0 and NaN (only negatives become 0); np.maximum keeps NaN but turns -0.0 into
        # 0.0, so the zeros take the input's sign back (5x faster than np.where over a 0-d zero)
        out = np.maximum(x, np.zeros((), x.dtype), out=np.empty_like(x))  # out=: 0-d stays an array
        if out.dtype.kind == "f":
            np.copysign(out, x, out=out, where=(x == 0))
        return out

    def backward(ctx, xp, grad, out):
        return (grad * ~(out <= 0),)  # threshold_backward: NaN lets the gradient through


def exp(input, *, out=None):
    """Return the elementwise exponential ``e ** input``."""
    return _store_out(apply_unary(Exp, input), out, 'exp')


def exp2(input, *, out=None):
    """Return the elementwise ``2 ** input``."""
    return _store_out(apply_unary(Exp2, input), out, 'exp2')


def expm1(input, *, out=None):
    """Return the elementwise ``exp(input) - 1``."""
    return _store_out(apply_unary(Expm1, input), out, 'expm1')


def log(input, *, out=None):
    """Return the elementwise natural logarithm."""
    return _store_out(apply_unary(Log, input), out, 'log')


def log2(input, *, out=None):
    """Return the elementwise base-2 logarithm."""
    return _store_out(apply_unary(Log2, input), out, 'log2')


def log10(input, *, out=None):
    """Return the elementwise base-10 logarithm."""
    return _store_out(apply_unary(Log10, input), out, 'log10')


def log1p(input, *, out=None):
    """Return the elementwise ``log(1 + input)``."""
    return _store_out(apply_unary(Log1p, input), out, 'log1p')


def sqrt(input, *, out=None):
    """Return the elementwise square root."""
    return _store_out(apply_unary(Sqrt, input), out, 'sqrt')


def rsqrt(input, *, out=None):
    """Return the elementwise reciprocal of the square root."""
    return _store_out(apply_unary(Rsqrt, input), out, 'rsqrt')


def reciprocal(input, *, out=None):
    """Return the elementwise reciprocal ``1 / input``."""
    return _store_out(apply_unary(Reciprocal, input), out, 'reciprocal')


def sin(input, *, out=None):
    """Return the elementwise sine."""
    return _store_out(apply_unary(Sin, input), out, 'sin')


def cos(input, *, out=None):
    """Return the elementwise cosine."""
    return _store_out(apply_unary(Cos, input), out, 'cos')


def tan(input, *, out=None):
    """Return the elementwise tangent."""
    return _store_out(apply_unary(Tan, input), out, 'tan')


def asin(input, *, out=None):
    """Return the elementwise arcsine."""
    return _store_out(apply_unary(Asin, input), out, 'asin')


def acos(input, *, out=None):
    """Return the elementwise arccosine."""
    return _store_out(apply_unary(Acos, input), out, 'acos')


def atan(input, *, out=None):
    """Return the elementwise arctangent."""
    return _store_out(apply_unary(Atan, input), out, 'atan')


def sinh(input, *, out=None):
    """Return the elementwise hyperbolic sine."""
    return _store_out(apply_unary(Sinh, input), out, 'sinh')


def cosh(input, *, out=None):
    """Return the elementwise hyperbolic cosine."""
    return _store_out(apply_unary(Cosh, input), out, 'cosh')


def tanh(input, *, out=None):
    """Return the elementwise hyperbolic tangent."""
    return _store_out(apply_unary(Tanh, input), out, 'tanh')


def asinh(input, *, out=None):
    """Return the elementwise inverse hyperbolic sine."""
    return _store_out(apply_unary(Asinh, input), out, 'asinh')


def acosh(input, *, out=None):
    """Return the elementwise inverse hyperbolic cosine."""
    return _store_out(apply_unary(Acosh, input), out, 'acosh')


def atanh(input, *, out=None):
    """Return the elementwise inverse hyperbolic tangent."""
    return _store_out(apply_unary(Atanh, input), out, 'atanh')


arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


def sigmoid(input, *, out=None):
    """Return the elementwise logistic sigmoid."""
    return _store_out(apply_unary(Sigmoid, input), out, 'sigmoid')


def relu(input):
    """Return ``max(input, 0)`` elementwise."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return apply_unary(Relu, input)


OPS = (Exp, Exp2, Expm1, Log, Log2, Log10, Log1p, Sqrt, Rsqrt, Reciprocal, Sin, Cos, Tan, Asin, Acos, Atan,
       Sinh, Cosh, Tanh, Asinh, Acosh, Atanh, Sigmoid, Relu, *_ROUND_OPS)
