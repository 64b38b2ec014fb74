"""Binary and ternary elementwise maths: maximum/minimum, fmax/fmin, atan2, hypot, logaddexp, xlogy,
lerp, addcmul, addcdiv. The selection ops (clamp, where, masked_fill) live in ``_ew_select`` and are
re-exported here.
"""
import numpy as np

from .._tensor import Tensor
from ._ew_base import CPP_NAMES, apply_broadcast, check_tensor, float_scalar_operand, not_implemented, promote
from ._ew_select import (  # noqa: F401 - re-exported
    OPS as _SELECT_OPS, clamp, clamp_max, clamp_min, clip, masked_fill, where)
from ._op import Op, Samples, apply_binary
from ._out import store as _store_out

_ADDCDIV_INT = ("Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
                "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented "
                "as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the "
                "latter implementation: (input + value * tensor1 / tensor2), for all dtypes.")


def _split_by_mask(xp, grad, first_loses, second_loses, tie):
    """Route ``grad`` away from the operand that loses, half each on ties; both keep all of it where
    neither loses nor ties (a NaN), as PyTorch's masked_fill formulas do."""
    zero = grad * 0
    kept = xp.where(tie, grad / 2, grad)
    return xp.where(first_loses, zero, kept), xp.where(second_loses, zero, kept)


class Maximum(Op):
    """Elementwise maximum (NaN propagates); ties split the gradient evenly, as in PyTorch."""
    node_name = "MaximumBackward0"
    saves = ("x", "y")
    samples = Samples("maximum", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.maximum(x, y)

    def backward(ctx, xp, grad, x, y):
        return _split_by_mask(xp, grad, x < y, x > y, x == y)


class Minimum(Op):
    """Elementwise minimum (NaN propagates); ties split the gradient evenly, as in PyTorch."""
    node_name = "MinimumBackward0"
    saves = ("x", "y")
    samples = Samples("minimum", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.minimum(x, y)

    def backward(ctx, xp, grad, x, y):
        return _split_by_mask(xp, grad, x > y, x < y, x == y)


class Fmax(Op):
    """Elementwise maximum ignoring NaN; ties give the whole gradient to ``input``, as in PyTorch."""
    node_name = "FmaxBackward0"
    saves = ("x", "y")
    samples = Samples("fmax", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.fmax(x, y)

    def backward(ctx, xp, grad, x, y):
        first = (x >= y) | (y != y)
        return xp.where(first, grad, grad * 0), xp.where(first, grad * 0, grad)


class Fmin(Op):
    """Elementwise minimum ignoring NaN; ties give the whole gradient to ``input``, as in PyTorch."""
    node_name = "FminBackward0"
    saves = ("x", "y")
    samples = Samples("fmin", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.fmin(x, y)

    def backward(ctx, xp, grad, x, y):
        first = (x <= y) | (y != y)
        return xp.where(first, grad, grad * 0), xp.where(first, grad * 0, grad)


def maximum(input, other, *, out=None):
    """Return the elementwise maximum of two tensors (NaN if either is NaN)."""
    check_tensor("maximum", other)
    return _store_out(apply_binary(Maximum, input, other), out, 'maximum')


def minimum(input, other, *, out=None):
    """Return the elementwise minimum of two tensors (NaN if either is NaN)."""
    check_tensor("minimum", other)
    return _store_out(apply_binary(Minimum, input, other), out, 'minimum')


def fmax(input, other, *, out=None):
    """Return the elementwise maximum, taking the other operand where one is NaN."""
    check_tensor("fmax", other)
    return _store_out(apply_binary(Fmax, input, other), out, 'fmax')


def fmin(input, other, *, out=None):
    """Return the elementwise minimum, taking the other operand where one is NaN."""
    check_tensor("fmin", other)
    return _store_out(apply_binary(Fmin, input, other), out, 'fmin')


# ---------------------------------------------------------------- float maths of two operands


class Atan2(Op):
    """Elementwise ``atan(input / other)`` in the right quadrant."""
    node_name = "Atan2Backward0"
    float_only = True
    saves = ("x", "y")
    samples = Samples("atan2", arity=2, broadcast=True, domain=(0.3, 2.0))

    def forward(ctx, x, y):
        # computed in float64 and rounded once, as the unary transcendentals are: NumPy's float32
        # arctan2 (SIMD, AVX-512 where present) differs from PyTorch's in the last bit far more often
        if x.dtype == np.float32:
            return np.arctan2(x.astype(np.float64), y.astype(np.float64)).astype(np.float32)
        return np.arctan2(x, y)

    def backward(ctx, xp, grad, x, y):
        scale = grad / (x * x + y * y)
        return scale * y, -scale * x


class Hypot(Op):
    """Elementwise ``sqrt(input ** 2 + other ** 2)``."""
    node_name = "HypotBackward0"
    saves = ("x", "y", "out")
    samples = Samples("hypot", arity=2, broadcast=True, domain=(0.3, 2.0))

    def forward(ctx, x, y):
        return np.hypot(x, y)

    def backward(ctx, xp, grad, x, y, out):
        scale = grad / out
        return scale * x, scale * y


class Logaddexp(Op):
    """Elementwise ``log(exp(input) + exp(other))`` without overflow."""
    node_name = "LogaddexpBackward0"
    saves = ("x", "y")
    samples = Samples("logaddexp", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.logaddexp(x, y)

    def backward(ctx, xp, grad, x, y):
        return grad / (xp.exp(y - x) + 1), grad / (xp.exp(x - y) + 1)


def _xlogy(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        # 0 * log(y) is 0 (even for y = 0 or inf), unless y is NaN
        return np.where((x == 0) & ~np.isnan(y), 0, x * np.log(y)).astype(np.result_type(x, y), copy=False)


class Xlogy(Op):
    """Elementwise ``input * log(other)``, 0 where ``input`` is 0."""
    node_name = "XlogyBackward0"
    float_only = True
    saves = ("x", "y")
    samples = Samples("xlogy", arity=2, broadcast=True, domain=(0.3, 2.0))

    def forward(ctx, x, y):
        return _xlogy(x, y)

    def backward(ctx, xp, grad, x, y):
        # PyTorch: xlogy(grad, other).masked_fill((self == 0) & (other <= 0), 0); log of an integer
        # ``other`` in floating point (NumPy's log of uint8 is float16)
        return xp.where((x == 0) & (y <= 0), grad * 0, grad * xp.log(xp.floating(y))), grad * x / y


class XlogyScalarOther(Op):
    """``xlogy`` with a scalar ``other``."""
    node_name = "XlogyBackward2"
    float_only = True
    saves = ("x", "y")
    samples = Samples("xlogy", domain=(0.3, 2.0), kwargs={"other": 1.5})

    def forward(ctx, x, y):
        return _xlogy(x, np.asarray(y, dtype=x.dtype))

    def backward(ctx, xp, grad, x, y):
        log_y = float(np.log(y)) if y > 0 else (-np.inf if y == 0 else np.nan)
        return xp.where((x == 0) & (y <= 0), grad * 0, grad * log_y), None


class XlogyScalarSelf(Op):
    """``xlogy`` with a scalar ``input`` (the tensor is ``other``)."""
    node_name = "XlogyBackward1"
    float_only = True
    saves = ("y", "x")
    samples = Samples("xlogy", domain=(0.3, 2.0), cases=lambda make: [((1.5, make((3, 4))), {})])

    def forward(ctx, y, x):
        return _xlogy(np.asarray(x, dtype=y.dtype), y)

    def backward(ctx, xp, grad, y, x):
        return grad * x / y, None


def atan2(input, other, *, out=None):
    """Return the elementwise arctangent of ``input / other``, in the quadrant of the point."""
    check_tensor("atan2", other)
    return _store_out(apply_binary(Atan2, input, other), out, 'atan2')


arctan2 = atan2


def _float_kernel(cls, kernel, input, other):
    check_tensor(kernel.split("_")[0], other)
    x, y = promote((input, other))
    if x._data.dtype.kind != "f":
        raise not_implemented(kernel, x)
    return apply_binary(cls, x, y)


def hypot(input, other, *, out=None):
    """Return the elementwise hypotenuse ``sqrt(input ** 2 + other ** 2)``."""
    return _store_out(_float_kernel(Hypot, "hypot_cpu", input, other), out, 'hypot')


def logaddexp(input, other, *, out=None):
    """Return the elementwise ``log(exp(input) + exp(other))``."""
    return _store_out(_float_kernel(Logaddexp, "logaddexp_cpu", input, other), out, 'logaddexp')


def xlogy(input, other, *, out=None):
    """Return ``input * log(other)`` elementwise, 0 where ``input`` is 0; either may be a scalar."""
    if not isinstance(input, Tensor):
        return _store_out(apply_binary(XlogyScalarSelf, float_scalar_operand(other, input), input), out, 'xlogy')
    if not isinstance(other, Tensor):
        return _store_out(apply_binary(XlogyScalarOther, float_scalar_operand(input, other), other), out, 'xlogy')
    return _store_out(apply_binary(Xlogy, input, other), out, 'xlogy')


# ---------------------------------------------------------------- interpolation and fused updates


def _lerp(x, y, w):
    # PyTorch's two-sided formula: exact at both ends (w = 0 gives x, w = 1 gives y)
    d = y - x
    return np.where(np.abs(w) < 0.5, x + w * d, y - d * (1 - w)).astype(x.dtype, copy=False)


class Lerp(Op):
    """``input + weight * (end - input)`` with a scalar weight."""
    node_name = "LerpBackward0"
    saves = ("w",)
    saved_names = {"w": "weight"}
    samples = Samples("lerp", arity=2, broadcast=True, kwargs=[{"weight": 0.3}, {"weight": 0.8}])

    def forward(ctx, x, y, w):
        return _lerp(x, y, w)

    def backward(ctx, xp, grad, w):
        return grad * (1 - w), grad * w


class LerpTensor(Op):
    """``input + weight * (end - input)`` with a tensor weight."""
    node_name = "LerpBackward1"
    saves = ("x", "y", "w")
    saved_names = {"x": ("self", "w"), "y": ("end", "w"), "w": "weight"}
    samples = Samples("lerp", domain=(0.0, 1.0), cases=lambda make: [
        ((make((3, 4)), make((3, 4)), make((3, 4))), {}), ((make((3, 1)), make((4,)), make(())), {})])

    def forward(ctx, x, y, w):
        return _lerp(x, y, w)

    def backward(ctx, xp, grad, x, y, w):
        return grad * (1 - w), grad * w, grad * (y - x)


def _check_same_dtype(input, other, name):
    if other._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected dtype {CPP_NAMES[input._data.dtype.char]} for `{name}` but got dtype "
                           f"{CPP_NAMES[other._data.dtype.char]}")


def lerp(input, end, weight, *, out=None):
    """Return the linear interpolation ``input + weight * (end - input)``; ``weight`` a number or tensor."""
    _check_same_dtype(input, end, "end")
    tensor_weight = isinstance(weight, Tensor)
    if tensor_weight:
        _check_same_dtype(input, weight, "weight")
    if input._data.dtype.kind != "f":
        raise not_implemented("lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar", input)
    if tensor_weight:
        return _store_out(apply_broadcast(LerpTensor, (input, end, weight)), out, 'lerp')
    return _store_out(apply_broadcast(Lerp, (input, end), weight), out, 'lerp')


class Addcmul(Op):
    """``input + value * tensor1 * tensor2``."""
    node_name = "AddcmulBackward0"
    saves = ("t1", "t2", "value")
    saved_names = {"t1": ("tensor1", "t2"), "t2": ("tensor2", "t1")}
    samples = Samples("addcmul", cases=lambda make: [
        ((make((3, 4)), make((3, 4)), make((3, 4))), {}), ((make((3, 1)), make((4,)), make(())), {"value": -0.5})])

    def forward(ctx, x, t1, t2, value):
        return x + value * (t1 * t2)

    def backward(ctx, xp, grad, t1, t2, value):
        return grad, grad * t2 * value, grad * t1 * value


class Addcdiv(Op):
    """``input + value * tensor1 / tensor2``."""
    node_name = "AddcdivBackward0"
    saves = ("t1", "t2", "value")
    saved_names = {"t1": ("tensor1", "t2"), "t2": "tensor2"}
    samples = Samples("addcdiv", domain=(0.5, 2.0), cases=lambda make: [
        ((make((3, 4)), make((3, 4)), make((3, 4))), {}), ((make((3, 1)), make((4,)), make(())), {"value": 2.0})])

    def forward(ctx, x, t1, t2, value):
        with np.errstate(divide="ignore", invalid="ignore"):
            return x + value * (t1 / t2)

    def backward(ctx, xp, grad, t1, t2, value):
        g1 = grad * value / t2
        return grad, g1, -g1 * t1 / t2


def _fused(cls, input, tensor1, tensor2, value):
    tensors = promote((input, tensor1, tensor2))
    kind = tensors[0]._data.dtype.kind
    if kind != "f" and not isinstance(value, bool):
        value = int(value)  # PyTorch casts the scalar to an integral result's type
    return apply_broadcast(cls, tensors, value)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """Return ``input + value * tensor1 * tensor2``, broadcast."""
    return _store_out(_fused(Addcmul, input, tensor1, tensor2, value), out, 'addcmul')


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """Return ``input + value * tensor1 / tensor2``, broadcast."""
    if tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub":
        raise RuntimeError(_ADDCDIV_INT)
    return _store_out(_fused(Addcdiv, input, tensor1, tensor2, value), out, 'addcdiv')


OPS = (Maximum, Minimum, Fmax, Fmin, Atan2, Hypot, Logaddexp, Xlogy, XlogyScalarOther, XlogyScalarSelf, Lerp,
       LerpTensor, Addcmul, Addcdiv, *_SELECT_OPS)
