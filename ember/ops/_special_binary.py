"""Elementwise functions of two operands in the special family: copysign, ldexp, nextafter,
logaddexp2, heaviside, xlog1py, zeta, gcd, lcm; with frexp and isreal. Re-exported by ``special``."""
import math

import numpy as np

from .._tensor import Tensor, _wrap
from . import _numpy_api, _special_kernels as _k
from ._ew_base import check_tensor, float_scalar_operand, not_implemented, promote, to_dtype
from ._op import Op, Samples, apply_binary
from ._out import store as _store_out
from .reduction import return_types
from .._dtype import get_default_dtype

_LN2 = math.log(2.0)
_f64 = _k.in_float64

frexp_type = return_types.frexp


def _exp2(xp, y):
    if xp is _numpy_api:
        return _f64(np.exp2, y)
    from .elementwise import exp2
    return exp2(y)


def _log1p(xp, y):
    if xp is _numpy_api:
        return _f64(np.log1p, y)
    from .elementwise import log1p
    return log1p(y)


class Copysign(Op):
    """Elementwise magnitude of ``input`` with the sign of ``other``."""
    node_name = "CopysignBackward0"
    float_only = True
    saves = ("x", "out")
    samples = Samples("copysign", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.copysign(x, y)

    def backward(ctx, xp, grad, x, out):
        # d/dx copysign(x, y) = out / x, taken as 0 at x = 0 (PyTorch's copysign_tensor_self_backward)
        zero = x == 0
        ratio = out / xp.where(zero, x * 0 + 1, x)
        return xp.where(zero, grad * 0, grad * ratio), grad * 0


class CopysignScalar(Copysign):
    """``copysign`` with a number as ``other``."""
    node_name = "CopysignBackward1"
    samples = Samples("copysign", kwargs=[{"other": -1.5}, {"other": 2.0}])

    def backward(ctx, xp, grad, x, out):
        zero = x == 0
        ratio = out / xp.where(zero, x * 0 + 1, x)
        return xp.where(zero, grad * 0, grad * ratio), None


def copysign(input, other, *, out=None):
    """Return ``input`` with the magnitude of each element and the sign of ``other`` (a tensor or number)."""
    cls = Copysign if isinstance(other, Tensor) else CopysignScalar
    return _store_out(apply_binary(cls, input, other), out, "copysign")


def _floats(name, input, other, kernel=None):
    """``input`` and ``other`` promoted together, in the default float dtype when both are integral."""
    check_tensor(name, other)
    x, y = promote((input, other))
    if x._data.dtype.kind != "f":
        if kernel is not None:
            raise not_implemented(kernel, x)
        x, y = to_dtype(x, get_default_dtype()), to_dtype(y, get_default_dtype())
    return x, y


class Ldexp(Op):
    """Elementwise ``input * 2 ** other``."""
    node_name = "LdexpBackward0"
    saves = ("x", "y")
    samples = Samples("ldexp", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return x * _f64(np.exp2, y)

    def backward(ctx, xp, grad, x, y):
        scale = _exp2(xp, y)
        return grad * scale, grad * x * _LN2 * scale


def ldexp(input, other, *, out=None):
    """Return ``input * 2 ** other``, in floating point."""
    x, y = _floats("ldexp", input, other)
    return _store_out(apply_binary(Ldexp, x, y), out, "ldexp")


class Nextafter(Op):
    """The next floating-point value after ``input`` towards ``other``."""
    node_name = "NextafterBackward0"
    samples = Samples("nextafter", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.nextafter(x, y)

    def backward(ctx, xp, grad):
        return grad, grad * 0


def nextafter(input, other, *, out=None):
    """Return the next floating-point value after ``input`` towards ``other``, elementwise."""
    x, y = _floats("nextafter", input, other, "nextafter_cpu")
    return _store_out(apply_binary(Nextafter, x, y), out, "nextafter")


class Logaddexp2(Op):
    """Elementwise ``log2(2 ** input + 2 ** other)`` without overflow."""
    node_name = "Logaddexp2Backward0"
    saves = ("x", "y")
    samples = Samples("logaddexp2", arity=2, broadcast=True)

    def forward(ctx, x, y):
        if x.dtype == np.float32:
            return np.logaddexp2(x.astype(np.float64), y.astype(np.float64)).astype(np.float32)
        return np.logaddexp2(x, y)

    def backward(ctx, xp, grad, x, y):
        return grad / (_exp2(xp, y - x) + 1), grad / (_exp2(xp, x - y) + 1)


def logaddexp2(input, other, *, out=None):
    """Return ``log2(2 ** input + 2 ** other)`` elementwise."""
    x, y = _floats("logaddexp2", input, other, "logaddexp2_cpu")
    return _store_out(apply_binary(Logaddexp2, x, y), out, "logaddexp2")


class Heaviside(Op):
    """The Heaviside step: 0 below 0, ``values`` at 0, 1 above; PyTorch records no derivative for it."""
    node_name = "torch::autograd::NotImplemented"
    samples = Samples("heaviside", arity=2, broadcast=True, grad=False)

    def forward(ctx, x, v):
        return np.where(x == 0, v, x > 0).astype(np.result_type(x, v), copy=False)

    def backward(ctx, xp, grad):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


def heaviside(input, values, *, out=None):
    """Return the Heaviside step function of ``input``, ``values`` where ``input`` is 0."""
    check_tensor("heaviside", values, "values")
    if input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _store_out(apply_binary(Heaviside, input, values), out, "heaviside")


class Xlog1py(Op):
    """Elementwise ``input * log1p(other)``, 0 where ``input`` is 0."""
    node_name = "SpecialXlog1PyBackward0"
    float_only = True
    saves = ("x", "y")
    samples = Samples("special.xlog1py", arity=2, broadcast=True, domain=(0.1, 2.0))

    def forward(ctx, x, y):
        with np.errstate(all="ignore"):
            out = x * _f64(np.log1p, np.asarray(y, dtype=x.dtype))
        return np.where((x == 0) & ~np.isnan(y), 0, out).astype(out.dtype, copy=False)

    def backward(ctx, xp, grad, x, y):
        gx = xp.where((x == 0) & (y <= -1), grad * 0, grad * _log1p(xp, y))
        return gx, grad * x / (y + 1)


class Xlog1pyScalarOther(Xlog1py):
    """``xlog1py`` with a number as ``other``."""
    node_name = "SpecialXlog1PyBackward2"
    samples = Samples("special.xlog1py", domain=(0.1, 2.0), kwargs={"other": 0.5})

    def backward(ctx, xp, grad, x, y):
        if y > -1:
            return grad * math.log1p(y), None
        value = -math.inf if y == -1 else math.nan  # log1p(y), masked to 0 where input is 0
        return xp.where(x == 0, grad * 0, grad * value), None


class Xlog1pyScalarSelf(Op):
    """``xlog1py`` with a number as ``input`` (the tensor is ``other``)."""
    node_name = "SpecialXlog1PyBackward1"
    float_only = True
    saves = ("y", "x")
    samples = Samples("special.xlog1py", domain=(0.1, 2.0), cases=lambda make: [((1.5, make((3, 4))), {})])

    def forward(ctx, y, x):
        return Xlog1py.forward(ctx, np.asarray(x, dtype=y.dtype), y)

    def backward(ctx, xp, grad, y, x):
        return grad * x / (y + 1), None


def xlog1py(input, other, *, out=None):
    """Return ``input * log1p(other)`` elementwise, 0 where ``input`` is 0; either may be a number."""
    if not isinstance(input, Tensor):
        return _store_out(apply_binary(Xlog1pyScalarSelf, float_scalar_operand(other, input), input), out,
                          "special_xlog1py")
    if not isinstance(other, Tensor):
        return _store_out(apply_binary(Xlog1pyScalarOther, float_scalar_operand(input, other), other), out,
                          "special_xlog1py")
    return _store_out(apply_binary(Xlog1py, input, other), out, "special_xlog1py")


class Zeta(Op):
    """The Hurwitz zeta function of ``x`` and ``q``; PyTorch has no derivative in ``x``."""
    node_name = "SpecialZetaBackward0"
    float_only = True
    saves = ("x", "y")

    def forward(ctx, x, y):
        return _f64(lambda v: _k.zeta(v, np.asarray(y, np.float64)), x)

    def backward(ctx, xp, grad, x, y):
        if ctx._next[0] is not None:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, grad * -x * _zeta_of(xp, x + 1, y)


class ZetaScalarSelf(Op):
    """``zeta`` with a number as ``x`` (the tensor is ``q``)."""
    node_name = "SpecialZetaBackward1"
    float_only = True
    saves = ("q", "x")
    samples = Samples("special.zeta", domain=(0.5, 3.0), cases=lambda make: [
        ((2.5, make((3, 4))), {}), ((3.0, make(())), {}), ((2.0, make((0, 3))), {})])

    def forward(ctx, q, x):
        return _f64(lambda v: _k.zeta(float(x), v), q)

    def backward(ctx, xp, grad, q, x):
        return grad * -x * _zeta_of(xp, x + 1, q), None


class ZetaScalarOther(Zeta):
    """``zeta`` with a number as ``q``; PyTorch has no derivative in ``x``."""
    node_name = "SpecialZetaBackward2"

    def backward(ctx, xp, grad, x, y):
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")


def _zeta_of(xp, x, q):
    if xp is _numpy_api:
        like = q if isinstance(q, np.ndarray) else x
        return np.asarray(_k.zeta(x, q), np.float64).astype(like.dtype, copy=False)
    return zeta(x, q)


def zeta(input, other, *, out=None):
    """Return the Hurwitz zeta function of ``input`` (the exponent) and ``other`` (the shift); either may be a number."""
    if not isinstance(input, Tensor):
        return _store_out(apply_binary(ZetaScalarSelf, float_scalar_operand(other, input), input), out, "special_zeta")
    if not isinstance(other, Tensor):
        return _store_out(apply_binary(ZetaScalarOther, float_scalar_operand(input, other), other), out,
                          "special_zeta")
    return _store_out(apply_binary(Zeta, input, other), out, "special_zeta")


class Frexp(Op):
    """The mantissa of ``input`` in [0.5, 1) (sign kept); the exponent is computed beside it."""
    node_name = "FrexpBackward0"
    samples = Samples("frexp", domain=(-8.0, 8.0), gradgrad=False)

    def forward(ctx, x):
        mantissa, exponent = np.frexp(x)
        ctx.exponent = exponent
        return mantissa

    def backward(ctx, xp, grad):
        scale = np.ldexp(np.ones((), grad.dtype if xp is _numpy_api else grad.dtype.numpy_dtype), -ctx.exponent)
        return (grad * (scale if xp is _numpy_api else _wrap(scale)),)


def frexp(input, *, out=None):
    """Return ``(mantissa, exponent)`` with ``input = mantissa * 2 ** exponent`` and ``|mantissa|`` in [0.5, 1)."""
    if input._data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    from ._op import apply_unary
    mantissa = apply_unary(Frexp, input)
    exponent = _wrap(np.frexp(input._data)[1].astype(np.int32))
    return _store_out(frexp_type(mantissa, exponent), out, "frexp")


def _integer_pair(name, input, other):
    check_tensor(name, other)
    x, y = promote((input, other))
    if x._data.dtype.kind not in "iu":
        raise not_implemented(f"{name}_cpu", x)
    return x._data, y._data


def gcd(input, other, *, out=None):
    """Return the elementwise greatest common divisor of two integer tensors (non-negative)."""
    x, y = _integer_pair("gcd", input, other)
    return _store_out(_wrap(np.gcd(x, y)), out, "gcd")


def lcm(input, other, *, out=None):
    """Return the elementwise least common multiple of two integer tensors (non-negative)."""
    x, y = _integer_pair("lcm", input, other)
    return _store_out(_wrap(np.lcm(x, y)), out, "lcm")


def isreal(input):
    """Return a boolean tensor that is True where ``input`` is real (every element of a real tensor)."""
    return _wrap(np.ones(input._data.shape, bool))


BINARY_OPS = (Copysign, CopysignScalar, Ldexp, Nextafter, Logaddexp2, Heaviside, Xlog1py, Xlog1pyScalarOther,
              Xlog1pyScalarSelf, Zeta, ZetaScalarSelf, ZetaScalarOther, Frexp)
