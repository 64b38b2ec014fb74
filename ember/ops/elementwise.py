"""Elementwise ops: arithmetic, powers, exponentials, trigonometry, activations, casts.

Each op's backward sits under its forward. Gradients are returned in the broadcast output shape;
the engine sums them to each input's shape.
"""
import numpy as np

from .._dtype import _BY_CHAR, dtype as _dtype_cls, get_default_dtype, result_type
from .._tensor import Tensor, _wrap
from ._op import Op, Samples, apply, apply_binary, apply_unary, broadcast_error

# ---------------------------------------------------------------- arithmetic


class Add(Op):
    """Elementwise sum, broadcast."""
    node_name = "AddBackward0"
    samples = Samples("add", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return x + y

    def backward(ctx, xp, grad):
        return grad, grad


class AddScaled(Op):
    """``input + alpha * other`` (``add`` with ``alpha``)."""
    node_name = "AddBackward0"

    def forward(ctx, x, y, alpha):
        return x + alpha * y

    def backward(ctx, xp, grad, alpha):
        return grad, grad * alpha
    saves = ("alpha",)


class Sub(Op):
    """Elementwise difference, broadcast."""
    node_name = "SubBackward0"
    samples = Samples("sub", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return x - y

    def backward(ctx, xp, grad):
        return grad, -grad


class SubScaled(Op):
    """``input - alpha * other`` (``sub`` with ``alpha``)."""
    node_name = "SubBackward0"
    saves = ("alpha",)

    def forward(ctx, x, y, alpha):
        return x - alpha * y

    def backward(ctx, xp, grad, alpha):
        return grad, grad * -alpha


class RSub(Op):
    """``other - input`` for a scalar ``other`` (``2 - x``)."""
    node_name = "RsubBackward1"

    def forward(ctx, x, y):
        return y - x

    def backward(ctx, xp, grad):
        return -grad, None


class Mul(Op):
    """Elementwise product, broadcast."""
    node_name = "MulBackward0"
    samples = Samples("mul", arity=2, broadcast=True)
    saves = ("x", "y")

    def forward(ctx, x, y):
        return x * y

    def backward(ctx, xp, grad, x, y):
        return grad * y, grad * x


class Div(Op):
    """Elementwise true division, broadcast."""
    node_name = "DivBackward0"
    float_only = True
    samples = Samples("div", arity=2, broadcast=True, domain=(0.5, 2.0))
    saves = ("x", "y")

    def forward(ctx, x, y):
        return x / y

    def backward(ctx, xp, grad, x, y):
        gx = grad / y
        return gx, -gx * x / y


class Neg(Op):
    """Elementwise negation."""
    node_name = "NegBackward0"
    samples = Samples("neg")

    def forward(ctx, x):
        return -x

    def backward(ctx, xp, grad):
        return (-grad,)


class PowScalar(Op):
    """``input ** exponent`` for a scalar exponent."""
    node_name = "PowBackward0"
    samples = Samples("pow", domain=(0.5, 2.0), kwargs=[{"exponent": 2}, {"exponent": 2.5}, {"exponent": -1.5}])
    saves = ("x", "exponent")

    def forward(ctx, x, exponent):
        return x ** exponent

    def backward(ctx, xp, grad, x, exponent):
        if exponent == 0:
            return (grad * 0,)
        return (grad * exponent * x ** (exponent - 1),)


class PowTensor(Op):
    """``input ** exponent`` for a tensor exponent."""
    node_name = "PowBackward1"
    saves = ("x", "y", "out")
    samples = Samples("pow", arity=2, broadcast=True, domain=(0.5, 2.0))

    def forward(ctx, x, y):
        return x ** y

    def backward(ctx, xp, grad, x, y, out):
        gx = grad * y * x ** (y - 1)
        # PyTorch's convention: the exponent's gradient is 0 where the base is 0 and y >= 0
        gy = grad * xp.where((x == 0) & (y >= 0), 0, out * xp.log(xp.where(x == 0, 1, x)))
        return gx, gy


class RPow(Op):
    """``base ** input`` for a scalar base (``2 ** x``)."""
    node_name = "PowBackward2"
    saves = ("y", "out")

    def forward(ctx, x, y):
        return y ** x

    def backward(ctx, xp, grad, y, out):
        return grad * out * float(np.log(y)), None


def add(input, other, *, alpha=1, out=None):
    """Return ``input + alpha * other``, broadcast."""
    if not isinstance(input, Tensor):
        input, other = other, input
    if alpha == 1:
        return apply_binary(Add, input, other)
    if isinstance(other, Tensor):
        return apply(AddScaled, (input, other), alpha)
    return apply_binary(Add, input, alpha * other)


def sub(input, other, *, alpha=1, out=None):
    """Return ``input - alpha * other``, broadcast."""
    if input.dtype is _BY_CHAR["?"] or (isinstance(other, Tensor) and other.dtype is _BY_CHAR["?"]):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if alpha == 1:
        return apply_binary(Sub, input, other)
    if isinstance(other, Tensor):
        return apply(SubScaled, (input, other), alpha)
    return apply_binary(Sub, input, alpha * other)


subtract = sub


def rsub(input, other, *, alpha=1):
    """Return ``other - alpha * input``."""
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    if alpha != 1:
        input = mul(input, alpha)
    return apply_binary(RSub, input, other)


def mul(input, other, *, out=None):
    """Return the elementwise product, broadcast."""
    if not isinstance(input, Tensor):
        input, other = other, input
    return apply_binary(Mul, input, other)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """Return ``input / other``; ``rounding_mode`` 'trunc' or 'floor' rounds the quotient."""
    if not isinstance(input, Tensor):
        from .._creation import tensor
        input = tensor(input)
    if rounding_mode is None:
        return apply_binary(Div, input, other)
    if rounding_mode == "floor":
        return apply_binary(DivFloor, input, other)
    if rounding_mode == "trunc":
        return apply_binary(DivTrunc, input, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


divide = true_divide = div


def rdiv(input, other):
    """Return ``other / input`` (PyTorch computes it as ``input.reciprocal() * other``)."""
    return mul(reciprocal(input), other)


def neg(input, *, out=None):
    """Return ``-input``."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return apply_unary(Neg, input)


negative = neg


def pow(input, exponent, *, out=None):  # noqa: A001 - PyTorch's public name
    """Return ``input ** exponent``; either may be a scalar."""
    if not isinstance(input, Tensor):
        return rpow(exponent, input)
    if isinstance(exponent, Tensor):
        return apply_binary(PowTensor, input, exponent)
    if input._data.dtype.kind in "iub" and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return apply_binary(PowScalar, input, exponent)


def rpow(input, base):
    """Return ``base ** input`` for a scalar ``base``."""
    return apply_binary(RPow, input, base)


def square(input, *, out=None):
    """Return ``input ** 2`` (PyTorch records it as PowBackward0)."""
    return apply_binary(PowScalar, input, 2)


# ---------------------------------------------------------------- rounding divisions (no gradient)


class DivFloor(Op):
    """Division rounded down (``rounding_mode='floor'``); its gradient is zero."""
    node_name = "DivBackward2"

    def forward(ctx, x, y):
        if x.dtype.kind in "iu" and np.any(np.asarray(y) == 0):
            raise RuntimeError("ZeroDivisionError")
        return np.floor_divide(x, y)

    def backward(ctx, xp, grad):
        return grad * 0, grad * 0


class DivTrunc(Op):
    """Division rounded toward zero (``rounding_mode='trunc'``); its gradient is zero."""
    node_name = "DivBackward2"

    def forward(ctx, x, y):
        if x.dtype.kind in "iu":
            if np.any(np.asarray(y) == 0):
                raise RuntimeError("ZeroDivisionError")
            q = np.floor_divide(x, y)
            return q + ((q < 0) & (q * y != x))
        return np.trunc(x / y)

    def backward(ctx, xp, grad):
        return grad * 0, grad * 0


# ---------------------------------------------------------------- exponentials and logarithms


class Exp(Op):
    """Elementwise ``e ** x``."""
    node_name = "ExpBackward0"
    float_only = True
    saves = ("out",)
    samples = Samples("exp")

    def forward(ctx, x):
        return np.exp(x)

    def backward(ctx, xp, grad, out):
        return (grad * out,)


class Log(Op):
    """Elementwise natural logarithm."""
    node_name = "LogBackward0"
    float_only = True
    saves = ("x",)
    samples = Samples("log", domain=(0.1, 3.0))

    def forward(ctx, x):
        return np.log(x)

    def backward(ctx, xp, grad, x):
        return (grad / x,)


class Sqrt(Op):
    """Elementwise square root."""
    node_name = "SqrtBackward0"
    float_only = True
    saves = ("out",)
    samples = Samples("sqrt", domain=(0.1, 3.0))

    def forward(ctx, x):
        return np.sqrt(x)

    def backward(ctx, xp, grad, out):
        return (grad / (2 * out),)


class Reciprocal(Op):
    """Elementwise ``1 / x``."""
    node_name = "ReciprocalBackward0"
    float_only = True
    saves = ("out",)
    samples = Samples("reciprocal", domain=(0.5, 2.0))

    def forward(ctx, x):
        return np.reciprocal(x)

    def backward(ctx, xp, grad, out):
        return (-grad * out * out,)


def exp(input, *, out=None):
    """Return the elementwise exponential."""
    return apply_unary(Exp, input)


def log(input, *, out=None):
    """Return the elementwise natural logarithm."""
    return apply_unary(Log, input)


def sqrt(input, *, out=None):
    """Return the elementwise square root."""
    return apply_unary(Sqrt, input)


def reciprocal(input, *, out=None):
    """Return the elementwise reciprocal ``1 / input``."""
    return apply_unary(Reciprocal, input)


# ---------------------------------------------------------------- trigonometric and hyperbolic


class Sin(Op):
    """Elementwise sine."""
    node_name = "SinBackward0"
    float_only = True
    saves = ("x",)
    samples = Samples("sin")

    def forward(ctx, x):
        return np.sin(x)

    def backward(ctx, xp, grad, x):
        return (grad * xp.cos(x),)


class Cos(Op):
    """Elementwise cosine."""
    node_name = "CosBackward0"
    float_only = True
    saves = ("x",)
    samples = Samples("cos")

    def forward(ctx, x):
        return np.cos(x)

    def backward(ctx, xp, grad, x):
        return (-grad * xp.sin(x),)


class Tanh(Op):
    """Elementwise hyperbolic tangent."""
    node_name = "TanhBackward0"
    float_only = True
    saves = ("out",)
    samples = Samples("tanh")

    def forward(ctx, x):
        return np.tanh(x)

    def backward(ctx, xp, grad, out):
        return (grad * (1 - out * out),)


def sin(input, *, out=None):
    """Return the elementwise sine."""
    return apply_unary(Sin, input)


def cos(input, *, out=None):
    """Return the elementwise cosine."""
    return apply_unary(Cos, input)


def tanh(input, *, out=None):
    """Return the elementwise hyperbolic tangent."""
    return apply_unary(Tanh, input)


# ---------------------------------------------------------------- activations


class Sigmoid(Op):
    """Elementwise logistic sigmoid ``1 / (1 + e ** -x)``."""
    node_name = "SigmoidBackward0"
    float_only = True
    saves = ("out",)
    samples = Samples("sigmoid", domain=(-8.0, 8.0))

    def forward(ctx, x):
        # split by sign so that exp never overflows
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, out):
        return (grad * out * (1 - out),)


class Relu(Op):
    """Elementwise ``max(x, 0)``; the subgradient at 0 is 0, as in PyTorch."""
    node_name = "ReluBackward0"
    saves = ("out",)
    samples = Samples("relu")

    def forward(ctx, x):
        return np.maximum(x, 0, dtype=x.dtype)

    def backward(ctx, xp, grad, out):
        return (grad * (out > 0),)


class Abs(Op):
    """Elementwise absolute value; the subgradient at 0 is 0."""
    node_name = "AbsBackward0"
    saves = ("x",)
    samples = Samples("abs")

    def forward(ctx, x):
        return np.abs(x)

    def backward(ctx, xp, grad, x):
        return (grad * xp.sign(x),)


def sigmoid(input, *, out=None):
    """Return the elementwise logistic sigmoid."""
    return apply_unary(Sigmoid, input)


def relu(input):
    """Return ``max(input, 0)`` elementwise."""
    if input._data.dtype.kind == "b":
        raise RuntimeError('"clamp_min_scalar_cpu" not implemented for \'Bool\'')
    return apply_unary(Relu, input)


def abs(input, *, out=None):  # noqa: A001 - PyTorch's public name
    """Return the elementwise absolute value."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("abs is not supported for bool tensors")
    return apply_unary(Abs, input)


absolute = abs


# ---------------------------------------------------------------- casts


class ToCopy(Op):
    """A copy converted to another dtype; differentiable between floating dtypes."""
    node_name = "ToCopyBackward0"

    def forward(ctx, x, np_dtype):
        ctx.in_dtype = x.dtype
        return x.astype(np_dtype)

    def backward(ctx, xp, grad):
        return (xp.cast(grad, ctx.in_dtype),)


def _to_dtype(input, dtype, copy=False):
    if dtype is input.dtype and not copy:
        return input
    if not dtype.is_floating_point or not input._requires_grad:
        out = _wrap(input._data.astype(dtype.numpy_dtype))
        return out
    return apply_unary(ToCopy, input, dtype.numpy_dtype)


def to(input, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """Return ``input`` converted to a dtype (and/or checked onto a device); self if nothing changes."""
    for a in args:
        if isinstance(a, _dtype_cls):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif a is not None:
            device = a
    if device is not None:
        from ..device import _check_cpu
        _check_cpu(device)
    if dtype is None:
        return _wrap(input._data.copy()) if copy else input
    return _to_dtype(input, dtype, copy)


def type_(input, dtype=None):
    """Return the type name when ``dtype`` is None, otherwise ``input`` cast to ``dtype``."""
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
             "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
    if dtype is None:
        return f"torch.{names[input.dtype.name]}Tensor"
    if isinstance(dtype, str):
        wanted = dtype.rsplit(".", 1)[-1].replace("Tensor", "")
        for name, short in names.items():
            if short == wanted:
                return _to_dtype(input, _BY_CHAR[np.dtype(name).char])
        raise ValueError(f"invalid type: '{dtype}'")
    return _to_dtype(input, dtype)


# ---------------------------------------------------------------- selection


class Sign(Op):
    """Elementwise sign (-1, 0 or 1); its gradient is zero."""
    node_name = "SignBackward0"
    samples = Samples("sign")

    def forward(ctx, x):
        return np.sign(x)

    def backward(ctx, xp, grad):
        return (grad * 0,)


def sign(input, *, out=None):
    """Return the elementwise sign of ``input``."""
    if input._data.dtype.kind == "b":
        return input.clone()
    return apply_unary(Sign, input)


class Where(Op):
    """``x`` where the condition holds, else ``y`` (broadcast); the condition gets no gradient."""
    node_name = "WhereBackward0"
    saves = ("condition",)

    def forward(ctx, condition, x, y):
        return np.where(condition, x, y)

    def backward(ctx, xp, grad, condition):
        zero = grad * 0
        return None, xp.where(condition, grad, zero), xp.where(condition, zero, grad)


def where(condition, input=None, other=None, *, out=None):
    """Return elements of ``input`` where ``condition`` holds and of ``other`` elsewhere."""
    from .._creation import tensor
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if condition._data.dtype.kind != "b":
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_names[condition._data.dtype.char]}")
    a = input if isinstance(input, Tensor) else None
    b = other if isinstance(other, Tensor) else None
    target = result_type(*(v for v in (input, other)))
    x = input if a is not None else tensor(input, dtype=target)
    y = other if b is not None else tensor(other, dtype=target)
    if x.dtype is not target:
        x = _to_dtype(x, target)
    if y.dtype is not target:
        y = _to_dtype(y, target)
    try:
        return apply(Where, (condition, x, y))
    except ValueError:
        raise broadcast_error(condition._data.shape, x._data.shape, y._data.shape) from None


_names = {"f": "Float", "d": "Double", "e": "Half", "l": "Long", "q": "Long", "i": "Int", "h": "Short",
          "b": "Char", "B": "Byte", "?": "Bool"}


class Maximum(Op):
    """Elementwise maximum; ties split the gradient evenly, as in PyTorch."""
    node_name = "MaximumBackward0"
    saves = ("x", "y")
    samples = Samples("maximum", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.maximum(x, y)

    def backward(ctx, xp, grad, x, y):
        return _split_by_mask(xp, grad, x > y, x == y)


class Minimum(Op):
    """Elementwise minimum; ties split the gradient evenly, as in PyTorch."""
    node_name = "MinimumBackward0"
    saves = ("x", "y")
    samples = Samples("minimum", arity=2, broadcast=True)

    def forward(ctx, x, y):
        return np.minimum(x, y)

    def backward(ctx, xp, grad, x, y):
        return _split_by_mask(xp, grad, x < y, x == y)


def _split_by_mask(xp, grad, first_wins, tie):
    """Route ``grad`` to the first operand where it wins, the second where it loses, half each on ties."""
    zero = grad * 0
    half = grad / 2
    gx = xp.where(first_wins, grad, xp.where(tie, half, zero))
    gy = xp.where(first_wins, zero, xp.where(tie, half, grad))
    return gx, gy


def maximum(input, other, *, out=None):
    """Return the elementwise maximum of two tensors."""
    if not isinstance(other, Tensor):
        raise TypeError(f"maximum(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return apply_binary(Maximum, input, other)


def minimum(input, other, *, out=None):
    """Return the elementwise minimum of two tensors."""
    if not isinstance(other, Tensor):
        raise TypeError(f"minimum(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return apply_binary(Minimum, input, other)


OPS = (Add, AddScaled, Sub, SubScaled, RSub, Mul, Div, Neg, PowScalar, PowTensor, RPow, DivFloor, DivTrunc,
       Exp, Log, Sqrt, Reciprocal, Sin, Cos, Tanh, Sigmoid, Relu, Abs, ToCopy, Sign, Where, Maximum,
       Minimum)
