"""Elementwise ops: arithmetic here; unary maths, binary maths and selection, logic and casts in the
``_ew_*`` modules, re-exported below so that ``elementwise`` is the family's one public face.

Each op's backward sits under its forward. Gradients are returned in the broadcast output shape;
the engine sums them to each input's shape.
"""
import numpy as np

from .._tensor import Tensor
from ._op import Op, Samples, apply_binary, apply_unary
from . import _ew_base, _ew_binary, _ew_logic, _ew_unary
from ._ew_base import ToCopy, check_tensor, float_scalar_operand, not_implemented, promote, apply_broadcast, to, type_  # noqa: F401
from ._ew_base import to_dtype as _to_dtype  # noqa: F401 - used by other families
from ._ew_unary import (  # noqa: F401
    abs, absolute, acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctanh, asin, asinh, atan, atanh,
    ceil, cos, cosh, erf, erfc, erfinv, exp, exp2, expm1, fix, floor, frac, log, log1p, log2, log10,
    nan_to_num, reciprocal, relu, round, rsqrt, sgn, sigmoid, sign, sin, sinh, sqrt, tan, tanh, trunc)
from ._ew_binary import (  # noqa: F401
    addcdiv, addcmul, arctan2, atan2, clamp, clamp_max, clamp_min, clip, fmax, fmin, hypot, lerp,
    logaddexp, masked_fill, maximum, minimum, where, xlogy)
from ._ew_logic import (  # noqa: F401
    bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift, bitwise_xor, invert,
    logical_and, logical_not, logical_or, logical_xor)
from ._ew_select import masked_fill_self_first  # noqa: F401 - for inplace.masked_fill_
from ._out import store as _store_out
from . import _numpy_api as _np_api

_BOOL_SUB = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert "
             "a mask, use the `~` or `logical_not()` operator instead.")


def _check_int_divisor(x, y):
    # integer division by zero is an error in PyTorch, where NumPy would warn and give 0
    if x.dtype.kind in "iub" and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")


# ---------------------------------------------------------------- sums and products


class Add(Op):
    """Elementwise sum, broadcast."""
    node_name = "AddBackward0"
    samples = Samples("add", arity=2, broadcast=True)
    forward = staticmethod(np.add)  # no ctx: a bare ufunc runs without a Python frame

    def backward(ctx, xp, grad):
        return grad, grad


class AddScaled(Op):
    """``input + alpha * other`` (``add`` with ``alpha``)."""
    node_name = "AddBackward0"
    saves = ("alpha",)
    samples = Samples("add", arity=2, broadcast=True, kwargs={"alpha": 2.5})

    def forward(ctx, x, y, alpha):
        return x + alpha * y

    def backward(ctx, xp, grad, alpha):
        return grad, grad * alpha


class Sub(Op):
    """Elementwise difference, broadcast."""
    node_name = "SubBackward0"
    samples = Samples("sub", arity=2, broadcast=True)
    forward = staticmethod(np.subtract)  # no ctx: a bare ufunc runs without a Python frame

    def backward(ctx, xp, grad):
        return grad, -grad


class SubScaled(Op):
    """``input - alpha * other`` (``sub`` with ``alpha``)."""
    node_name = "SubBackward0"
    saves = ("alpha",)
    samples = Samples("sub", arity=2, broadcast=True, kwargs={"alpha": -0.5})

    def forward(ctx, x, y, alpha):
        return x - alpha * y

    def backward(ctx, xp, grad, alpha):
        return grad, grad * -alpha


class RSub(Op):
    """``other - input`` for a scalar ``other`` (``2 - x``)."""
    node_name = "RsubBackward1"
    samples = Samples("rsub", kwargs={"other": 2.5})

    def forward(ctx, x, y):
        return y - x

    def backward(ctx, xp, grad):
        return -grad, None


class RSubTensor(Op):
    """``other - alpha * input`` for tensors (``torch.rsub``)."""
    node_name = "RsubBackward0"
    saves = ("alpha",)
    samples = Samples("rsub", arity=2, broadcast=True, kwargs=[{}, {"alpha": 3}])

    def forward(ctx, x, y, alpha):
        return y - alpha * x

    def backward(ctx, xp, grad, alpha):
        return grad * -alpha, grad


class Mul(Op):
    """Elementwise product, broadcast."""
    node_name = "MulBackward0"
    samples = Samples("mul", arity=2, broadcast=True)
    saves = ("x", "y")
    saved_names = {"x": ("self", "y"), "y": ("other", "x")}
    forward = staticmethod(np.multiply)  # no ctx: a bare ufunc runs without a Python frame

    def backward(ctx, xp, grad, x, y):
        return grad * y, grad * x


class Neg(Op):
    """Elementwise negation."""
    node_name = "NegBackward0"
    samples = Samples("neg")

    def forward(ctx, x):
        return -x

    def backward(ctx, xp, grad):
        return (-grad,)


def _check_alpha(values, alpha):
    kind = promote_kind(values)
    if kind != "f" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if kind != "b" and isinstance(alpha, bool):
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def promote_kind(values):
    from .._dtype import result_type
    return result_type(*values).numpy_dtype.kind


def _scalar_tensor(value):
    # torch.add(5, 5) and friends: a Python number as the first operand becomes a 0-d tensor
    from .._creation import tensor
    return tensor(value)


def add(input, other, *, alpha=1, out=None):
    """Return ``input + alpha * other``, broadcast."""
    if not isinstance(input, Tensor):
        input, other = (other, input) if isinstance(other, Tensor) else (_scalar_tensor(input), other)
    if alpha == 1 and not isinstance(alpha, bool):
        return _store_out(apply_binary(Add, input, other), out, 'add')
    _check_alpha((input, other), alpha)
    if isinstance(other, Tensor):
        return _store_out(apply_broadcast(AddScaled, promote((input, other)), alpha), out, 'add')
    return _store_out(apply_binary(Add, input, alpha * other), out, 'add')


def _check_bool_sub(input, other):
    a = input._data.dtype.kind == "b"
    b = (other._data.dtype.kind == "b") if isinstance(other, Tensor) else isinstance(other, bool)
    if a and b:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if a or b:
        raise RuntimeError(_BOOL_SUB)


def sub(input, other, *, alpha=1, out=None):
    """Return ``input - alpha * other``, broadcast."""
    if not isinstance(input, Tensor):
        input = _scalar_tensor(input)
    _check_bool_sub(input, other)
    if alpha == 1 and alpha is not True:
        return _store_out(apply_binary(Sub, input, other), out, 'sub')
    _check_alpha((input, other), alpha)
    if isinstance(other, Tensor):
        return _store_out(apply_broadcast(SubScaled, promote((input, other)), alpha), out, 'sub')
    return _store_out(apply_binary(Sub, input, alpha * other), out, 'sub')


subtract = sub


def rsub(input, other, *, alpha=1):
    """Return ``other - alpha * input``."""
    _check_bool_sub(input, other)
    if isinstance(other, Tensor):
        _check_alpha((input, other), alpha)
        x, y = promote((input, other))
        return apply_broadcast(RSubTensor, (x, y), alpha, named=(y, x))
    if alpha != 1:
        input = mul(input, alpha)
    return apply_binary(RSub, input, other)


def mul(input, other, *, out=None):
    """Return the elementwise product, broadcast."""
    if not isinstance(input, Tensor):
        input, other = (other, input) if isinstance(other, Tensor) else (_scalar_tensor(input), other)
    return _store_out(apply_binary(Mul, input, other), out, 'mul')


multiply = mul


def neg(input, *, out=None):
    """Return ``-input``."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return _store_out(apply_unary(Neg, input), out, 'neg')


negative = neg


# ---------------------------------------------------------------- divisions


class Div(Op):
    """Elementwise true division, broadcast."""
    node_name = "DivBackward0"
    float_only = True
    samples = Samples("div", arity=2, broadcast=True, domain=(0.5, 2.0))
    saves = ("x", "y")
    saved_names = {"x": ("self", "y")}

    def forward(ctx, x, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            return x / y

    def backward(ctx, xp, grad, x, y):
        gx = grad / y
        return gx, -gx * x / y


class DivFloor(Op):
    """Division rounded down (``rounding_mode='floor'``); its gradient is zero."""
    node_name = "DivBackward2"
    samples = Samples("div", arity=2, kwargs={"rounding_mode": "floor"}, domain=(0.5, 3.0), gradgrad=False)

    def forward(ctx, x, y):
        _check_int_divisor(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.floor_divide(x, y)

    def backward(ctx, xp, grad):
        return grad * 0, grad * 0


class DivTrunc(Op):
    """Division rounded toward zero (``rounding_mode='trunc'``); its gradient is zero."""
    node_name = "DivBackward2"
    samples = Samples("div", arity=2, kwargs={"rounding_mode": "trunc"}, domain=(-3.0, 3.0), gradgrad=False)

    def forward(ctx, x, y):
        _check_int_divisor(x, y)
        if x.dtype.kind in "iu":
            q = np.floor_divide(x, y)
            return q + ((q < 0) & (q * y != x))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.trunc(x / y)

    def backward(ctx, xp, grad):
        return grad * 0, grad * 0


class FloorDivide(Op):
    """``input // other`` (rounded down); PyTorch defines no derivative for it."""
    node_name = "NotImplemented"

    def name(self):
        return "torch::autograd::NotImplemented"  # PyTorch's C++ name; reprs show the short one

    def forward(ctx, x, y):
        _check_int_divisor(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.floor_divide(x, y)

    def backward(ctx, xp, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


class RFloorDivide(FloorDivide):
    """``other // input`` for a scalar ``other``."""

    def forward(ctx, x, y):
        return FloorDivide.forward(ctx, np.asarray(y, dtype=x.dtype), x)


def div(input, other, *, rounding_mode=None, out=None):
    """Return ``input / other``; ``rounding_mode`` 'trunc' or 'floor' rounds the quotient."""
    if not isinstance(input, Tensor):
        from .._creation import tensor
        input = tensor(input)
    if rounding_mode is None:
        return _store_out(apply_binary(Div, float_scalar_operand(input, other), other), out, 'div')
    if rounding_mode == "floor":
        return _store_out(_rounded(DivFloor, input, other), out, 'div')
    if rounding_mode == "trunc":
        return _store_out(_rounded(DivTrunc, input, other), out, 'div')
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


divide = true_divide = div


def _rounded(cls, input, other):
    if _bool_result(input, other):
        raise not_implemented("div_floor_cpu" if cls is not DivTrunc else "div_trunc_cpu", input)
    return apply_binary(cls, input, other)


def rdiv(input, other):
    """Return ``other / input`` (PyTorch computes it as ``input.reciprocal() * other``)."""
    return mul(reciprocal(input), other)


def floor_divide(input, other, *, out=None):
    """Return ``input / other`` rounded down (``//``)."""
    if not isinstance(input, Tensor):
        from .._creation import tensor
        input = tensor(input)
    if _bool_result(input, other):
        raise not_implemented("div_floor_cpu", input)
    return _store_out(apply_binary(FloorDivide, input, other), out, 'floor_divide')


def rfloordiv(input, other):
    """Return ``other // input``."""
    if isinstance(other, Tensor):
        return floor_divide(other, input)
    if _bool_result(input, other):
        raise not_implemented("div_floor_cpu", input)
    return apply_binary(RFloorDivide, input, other)


# ---------------------------------------------------------------- remainders


def _remainder(x, y):
    # PyTorch's formula (the fmod, moved onto the divisor's side), which keeps -0.0 where NumPy gives 0.0
    _check_int_divisor(x, y)
    if x.dtype.kind in "iub":
        return np.remainder(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.fmod(x, y)
        return np.where((m != 0) & ((m < 0) != (np.asarray(y) < 0)), m + y, m).astype(m.dtype, copy=False)


class Remainder(Op):
    """Python's ``%``: the remainder takes the divisor's sign (tensor divisor)."""
    node_name = "RemainderBackward1"
    saves = ("x", "y")
    samples = Samples("remainder", arity=2, broadcast=True, domain=(0.6, 3.0), gradgrad=False)

    def forward(ctx, x, y):
        return _remainder(x, y)

    def backward(ctx, xp, grad, x, y):
        return grad, -grad * xp.floor(x / y)


class RemainderScalar(Op):
    """Python's ``%`` by a scalar divisor."""
    node_name = "RemainderBackward0"
    samples = Samples("remainder", domain=(-3.0, 3.0), kwargs={"other": 0.7}, numeric=False)

    def forward(ctx, x, y):
        return _remainder(x, y)

    def backward(ctx, xp, grad):
        return grad, None


class RRemainder(Op):
    """``other % input`` for a scalar ``other``; PyTorch defines no derivative for it."""
    node_name = "NotImplemented"

    def name(self):
        return "torch::autograd::NotImplemented"

    def forward(ctx, x, y):
        return _remainder(np.asarray(y, dtype=x.dtype), x)

    def backward(ctx, xp, grad):
        raise RuntimeError("derivative for aten::remainder is not implemented")


class Fmod(Op):
    """C's ``fmod``: the remainder takes the dividend's sign (tensor divisor)."""
    node_name = "FmodBackward1"
    saves = ("x", "y")
    samples = Samples("fmod", arity=2, broadcast=True, domain=(0.6, 3.0), gradgrad=False)

    def forward(ctx, x, y):
        _check_int_divisor(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.fmod(x, y)

    def backward(ctx, xp, grad, x, y):
        return grad, -grad * xp.trunc(x / y)


class FmodScalar(Fmod):
    """``fmod`` by a scalar divisor."""
    node_name = "FmodBackward0"
    saves = ()
    samples = Samples("fmod", domain=(-3.0, 3.0), kwargs={"other": 0.7}, numeric=False)

    def backward(ctx, xp, grad):
        return grad, None


def _bool_result(input, other):
    """Whether ``input`` (op) ``other`` computes in bool, where PyTorch has no division kernels."""
    return input._data.dtype.kind == "b" and (
        other._data.dtype.kind == "b" if isinstance(other, Tensor) else isinstance(other, bool))


def _check_bool_remainder(input, other):
    if _bool_result(input, other):
        raise not_implemented("remainder_cpu", input)


def remainder(input, other, *, out=None):
    """Return the elementwise remainder of ``input / other`` with the sign of ``other`` (``%``)."""
    if not isinstance(input, Tensor):
        check_tensor("remainder", other)
        return _store_out(rremainder(other, input), out, 'remainder')
    _check_bool_remainder(input, other)
    return _store_out(apply_binary(Remainder if isinstance(other, Tensor) else RemainderScalar, input, other), out, 'remainder')


def rremainder(input, other):
    """Return ``other % input``; a tensor ``other`` records RemainderBackward1 like ``remainder(other, input)``."""
    if isinstance(other, Tensor):
        return remainder(other, input)
    _check_bool_remainder(input, other)
    return apply_binary(RRemainder, input, other)


def fmod(input, other, *, out=None):
    """Return the elementwise remainder of ``input / other`` with the sign of ``input``."""
    if _bool_result(input, other):
        raise not_implemented("fmod_cpu", input)
    return _store_out(apply_binary(Fmod if isinstance(other, Tensor) else FmodScalar, input, other), out, 'fmod')


# ---------------------------------------------------------------- powers


def _power(x, y):
    # NumPy refuses integers to negative integer powers; PyTorch truncates (only 1 and -1 survive)
    if x.dtype.kind in "iu" and np.asarray(y).dtype.kind in "iu" and np.any(np.asarray(y) < 0):
        y = np.asarray(y)
        magnitude = np.where(np.abs(x) == 1, x ** np.abs(y), 0).astype(x.dtype)
        return np.where(y < 0, magnitude, x ** np.maximum(y, 0)).astype(x.dtype, copy=False)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if x.dtype.kind == "f" and not isinstance(y, np.ndarray):
            return _np_api.power(x, y)
        return x ** y


class PowScalar(Op):
    """``input ** exponent`` for a scalar exponent."""
    node_name = "PowBackward0"
    samples = Samples("pow", domain=(0.5, 2.0), kwargs=[{"exponent": 2}, {"exponent": 2.5}, {"exponent": -1.5},
                                                         {"exponent": 0}])
    saves = ("x", "exponent")

    def forward(ctx, x, exponent):
        return _power(x, exponent)

    def backward(ctx, xp, grad, x, exponent):
        if exponent == 0:
            return grad * 0, None
        # PyTorch's grouping, grad * (exponent * x ** (exponent - 1)), for the same rounding
        return grad * (exponent * xp.power(x, exponent - 1)), None


class PowTensor(Op):
    """``input ** exponent`` for a tensor exponent."""
    node_name = "PowBackward1"
    saves = ("x", "y", "out")
    saved_names = {"y": "exponent"}
    samples = Samples("pow", arity=2, broadcast=True, domain=(0.5, 2.0))

    def forward(ctx, x, y):
        return _power(x, y)

    def backward(ctx, xp, grad, x, y, out):
        # PyTorch's conventions: no gradient to the base through a zero exponent, and none to the
        # exponent where the base is 0 and the exponent non-negative
        gx = xp.where(y == 0, grad * 0, grad * y * x ** (y - 1))
        zero = x == 0  # log(0) = -inf, without NumPy's warning
        log_x = xp.where(zero, x * 0 - float("inf"), xp.log(xp.floating(xp.where(zero, x * 0 + 1, x))))
        gy = grad * xp.where(zero & (y >= 0), out * 0, out * log_x)
        return gx, gy


class RPow(Op):
    """``base ** input`` for a scalar base (``2 ** x``)."""
    node_name = "PowBackward2"
    saves = ("y", "out")
    saved_names = {"y": "self"}
    samples = Samples("Tensor.__rpow__", domain=(-1.0, 2.0), kwargs=[{"other": 2.5}], torch_call="Tensor.__rpow__")

    def forward(ctx, x, y):
        return _power(np.asarray(y, dtype=x.dtype), x)

    def backward(ctx, xp, grad, y, out):
        if y == 0:
            return grad * 0, None
        return grad * out * float(np.log(y)), None


def pow(input, exponent, *, out=None):  # noqa: A001 - PyTorch's public name
    """Return ``input ** exponent``; either may be a scalar."""
    if not isinstance(input, Tensor):
        return _store_out(rpow(exponent, input), out, 'pow')
    if isinstance(exponent, Tensor):
        return _store_out(apply_binary(PowTensor, input, exponent), out, 'pow')
    if input._data.dtype.kind in "iub" and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if input._data.dtype.kind == "b" and not isinstance(exponent, float):
        if isinstance(exponent, bool):  # bool ** bool stays bool in PyTorch: x ** True is x, x ** False ones
            return _store_out(input & True if exponent else input | True, out, 'pow')
        input = _to_dtype(input, promote_dtype(input, exponent))
    return _store_out(apply_binary(PowScalar, input, exponent), out, 'pow')


def promote_dtype(*values):
    from .._dtype import result_type, int64
    target = result_type(*values)
    return int64 if target.numpy_dtype.kind == "b" else target


def rpow(input, base):
    """Return ``base ** input``; a tensor ``base`` records PowBackward1 like ``pow(base, input)``."""
    if isinstance(base, Tensor):
        return pow(base, input)
    return apply_binary(RPow, input, base)


def square(input, *, out=None):
    """Return ``input ** 2`` (PyTorch records it as PowBackward0; bool squares to int64)."""
    return _store_out(pow(input, 2), out, 'square')


def float_power(input, exponent, *, out=None):
    """Return ``input ** exponent`` computed in float64."""
    from .._dtype import float64
    if not isinstance(input, Tensor):
        return _store_out(rpow(_to_dtype(exponent, float64), float(input)), out, 'float_power')
    if isinstance(exponent, Tensor):
        return _store_out(apply_binary(PowTensor, _to_dtype(input, float64), _to_dtype(exponent, float64)), out, 'float_power')
    return _store_out(apply_binary(PowScalar, _to_dtype(input, float64), float(exponent)), out, 'float_power')


OPS = (Add, AddScaled, Sub, SubScaled, RSub, RSubTensor, Mul, Neg, Div, DivFloor, DivTrunc, FloorDivide,
       RFloorDivide, Remainder, RemainderScalar, RRemainder, Fmod, FmodScalar, PowScalar, PowTensor, RPow,
       ToCopy, *_ew_unary.OPS, *_ew_binary.OPS, *_ew_logic.OPS)
