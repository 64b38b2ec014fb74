"""Activation functions of ``ember.nn.functional``: each a primitive where PyTorch shows its own
grad_fn (``EluBackward0``, ``GeluBackward0``...), a composite otherwise (softsign, tanhshrink).

Backward formulas read the saved input and use only ``xp`` functions, so double backward works.
"""
import math

import numpy as np

from .._tensor import Tensor
from ._op import Op, Samples, apply, apply_unary

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_ONE_SIXTH_F = float(np.float32(1.0) / np.float32(6.0))


def _softplus0(xp, x):
    """``log(1 + e ** x)`` without overflow, in ``xp`` ops: ``relu(x) + log(1 + e ** -|x|)``."""
    a = xp.abs(x)
    return (x + a) * 0.5 + xp.log(1 + xp.exp(-a))


def _erf(xp, x):
    """The error function of an array or of a Tensor (differentiable), from elementwise's ``erf``."""
    from ._ew_round import Erf
    from ._op import _DISCARD
    if not isinstance(x, Tensor):
        return Erf.forward(_DISCARD, np.asarray(x))
    from .elementwise import erf
    return erf(x)


def _float(input, name):
    kind = input._data.dtype.kind
    if kind != "f":
        names = {"i": "Int", "u": "Byte", "b": "Bool", "l": "Long"}
        tname = "Long" if input._data.dtype == np.int64 else names.get(input._data.dtype.char, names.get(kind))
        raise NotImplementedError(f'"{name}" not implemented for \'{tname}\'')


class LeakyRelu(Op):
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    node_name = "LeakyReluBackward0"
    saves = ("x", "slope")
    saved_names = {"slope": "negative_slope"}
    samples = Samples("nn.functional.leaky_relu", kwargs=[{}, {"negative_slope": 0.2}])

    def forward(ctx, x, slope):
        return np.where(x > 0, x, x * x.dtype.type(slope))

    def backward(ctx, xp, grad, x, slope):
        return (xp.where(x > 0, grad, grad * slope),)


class Elu(Op):
    """``scale * (x if x > 0 else alpha * (exp(input_scale * x) - 1))`` (elu, selu, celu)."""
    node_name = "EluBackward0"
    saves = ("x", "alpha", "scale", "input_scale")
    samples = Samples("nn.functional.elu", kwargs=[{}, {"alpha": 0.5}])

    def forward(ctx, x, alpha, scale, input_scale):
        with np.errstate(over="ignore"):
            neg = alpha * np.expm1(np.minimum(x, 0) * input_scale)
        out = np.where(x > 0, x, neg.astype(x.dtype, copy=False))
        return out if scale == 1 else out * x.dtype.type(scale)

    def backward(ctx, xp, grad, x, alpha, scale, input_scale):
        neg = grad * (scale * alpha * input_scale) * xp.exp(xp.minimum(x, x * 0) * input_scale)
        return (xp.where(x > 0, grad * scale if scale != 1 else grad, neg),)


class Selu(Elu):
    """SELU: ELU with PyTorch's fixed alpha and scale (recorded as EluBackward0)."""
    samples = Samples("nn.functional.selu")


class Celu(Elu):
    """CELU: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    node_name = "CeluBackward0"
    samples = Samples("nn.functional.celu", kwargs=[{}, {"alpha": 2.0}])


class Gelu(Op):
    """``x * Phi(x)`` (Phi the normal CDF), or its tanh approximation."""
    node_name = "GeluBackward0"
    saves = ("x", "approximate")
    samples = Samples("nn.functional.gelu", kwargs=[{}, {"approximate": "tanh"}], domain=(-3.0, 3.0))

    def forward(ctx, x, approximate):
        if approximate == "tanh":
            return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
        return x * 0.5 * (1 + _erf(np, x * _INV_SQRT_2))

    def backward(ctx, xp, grad, x, approximate):
        if approximate == "tanh":
            t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            dt = (1 - t * t) * (_SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x))
            return (grad * (0.5 * (1 + t) + 0.5 * x * dt),)
        cdf = 0.5 * (1 + _erf(xp, x * _INV_SQRT_2))
        return (grad * (cdf + x * xp.exp(x * x * -0.5) * _INV_SQRT_2PI),)


class Silu(Op):
    """``x * sigmoid(x)``."""
    node_name = "SiluBackward0"
    saves = ("x",)
    samples = Samples("nn.functional.silu", domain=(-5.0, 5.0))

    def forward(ctx, x):
        return x * _sigmoid_np(x)

    def backward(ctx, xp, grad, x):
        s = xp.sigmoid(x)
        return (grad * s * (1 + x * (1 - s)),)


def _sigmoid_np(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


class Mish(Op):
    """``x * tanh(softplus(x))``."""
    node_name = "MishBackward0"
    saves = ("x",)
    samples = Samples("nn.functional.mish", domain=(-5.0, 5.0))

    def forward(ctx, x):
        return x * np.tanh(_softplus0(np, x))

    def backward(ctx, xp, grad, x):
        t = xp.tanh(_softplus0(xp, x))
        return (grad * (t + x * xp.sigmoid(x) * (1 - t * t)),)


class Softplus(Op):
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    node_name = "SoftplusBackward0"
    saves = ("x", "beta", "threshold")
    samples = Samples("nn.functional.softplus", kwargs=[{}, {"beta": 2.0, "threshold": 1.5}], domain=(-3., 3.))

    def forward(ctx, x, beta, threshold):
        bx = x * x.dtype.type(beta)
        return np.where(bx > threshold, x, (_softplus0(np, bx) / x.dtype.type(beta)).astype(x.dtype, copy=False))

    def backward(ctx, xp, grad, x, beta, threshold):
        bx = x * beta
        return (xp.where(bx > threshold, grad, grad * xp.sigmoid(bx)),)


class Hardtanh(Op):
    """``x`` clamped to ``[min_val, max_val]`` (hardtanh, relu6)."""
    node_name = "HardtanhBackward0"
    saves = ("x", "lo", "hi")
    saved_names = {"lo": "min_val", "hi": "max_val"}
    samples = Samples("nn.functional.hardtanh", kwargs=[{}, {"min_val": -0.5, "max_val": 1.5}], gradgrad=False)

    def forward(ctx, x, lo, hi):
        return np.clip(x, lo, hi).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, x, lo, hi):
        return (xp.where((x > lo) & (x < hi), grad, grad * 0),)


class Hardsigmoid(Op):
    """``relu6(x + 3) / 6``."""
    node_name = "HardsigmoidBackward0"
    saves = ("x",)
    samples = Samples("nn.functional.hardsigmoid", domain=(-4.0, 4.0), gradgrad=False)

    def forward(ctx, x):
        return (np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, x):
        # PyTorch multiplies by the float constant 1.0f / 6.0f, in every dtype
        return (xp.where((x > -3) & (x < 3), grad * _ONE_SIXTH_F, grad * 0),)


class Hardswish(Op):
    """``x * relu6(x + 3) / 6``."""
    node_name = "HardswishBackward0"
    saves = ("x",)
    samples = Samples("nn.functional.hardswish", domain=(-4.0, 4.0))

    def forward(ctx, x):
        return (x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, x):
        mid = grad * (x / 3 + 0.5)
        return (xp.where(x < -3, grad * 0, xp.where(x <= 3, mid, grad)),)


class LogSigmoid(Op):
    """``log(sigmoid(x))``, computed as ``min(x, 0) - log(1 + exp(-|x|))`` to stay finite."""
    node_name = "LogSigmoidBackward0"
    saves = ("x",)
    samples = Samples("nn.functional.logsigmoid", domain=(-10.0, 10.0))

    def forward(ctx, x):
        return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, x):
        return (grad * xp.sigmoid(-x),)


class Threshold(Op):
    """``x`` where ``x > threshold``, else ``value``."""
    node_name = "ThresholdBackward0"
    saves = ("x", "threshold")
    samples = Samples("nn.functional.threshold", kwargs={"threshold": 0.3, "value": -2.0}, gradgrad=False)

    def forward(ctx, x, threshold, value):
        return np.where(x > threshold, x, x.dtype.type(value))

    def backward(ctx, xp, grad, x, threshold):
        return (xp.where(x > threshold, grad, grad * 0),)


class Shrink(Op):
    """``x - lambd * sign(x)`` where ``|x| > lambd``, else 0 (softshrink)."""
    node_name = "SoftshrinkBackward0"
    saves = ("x", "lambd")
    samples = Samples("nn.functional.softshrink", kwargs=[{}, {"lambd": 0.9}], gradgrad=False)

    def forward(ctx, x, lambd):
        # PyTorch's kernel: x -+ lambd outside the band, x * 0 inside it (-0.0 keeps its sign, NaN stays NaN)
        return np.where(np.abs(x) > lambd, x - np.sign(x) * x.dtype.type(lambd), x * 0)

    def backward(ctx, xp, grad, x, lambd):
        return (xp.where(xp.abs(x) > lambd, grad, grad * 0),)


class Hardshrink(Shrink):
    """``x`` where ``|x| > lambd``, else 0."""
    node_name = "HardshrinkBackward0"
    samples = Samples("nn.functional.hardshrink", kwargs=[{}, {"lambd": 0.9}], gradgrad=False)

    def forward(ctx, x, lambd):
        return np.where((x >= -lambd) & (x <= lambd), x.dtype.type(0), x)  # NaN is outside the band, as PyTorch


class Glu(Op):
    """``a * sigmoid(b)`` where ``a, b`` are the halves of ``input`` along ``dim``."""
    node_name = "GluBackward0"
    saves = ("x",)
    samples = Samples("nn.functional.glu", cases=lambda make: [
        ((make((3, 4)),), {}), ((make((4, 3, 2)),), {"dim": 0})])

    def forward(ctx, x, dim):
        ctx.dim, ctx.np_dtype = dim, x.dtype
        a, b = np.split(x, 2, axis=dim)
        return a * _sigmoid_np(b)

    def backward(ctx, xp, grad, x):
        d = ctx.dim
        shape = x.shape
        halves = xp.reshape(x, shape[:d] + (2, shape[d] // 2) + shape[d + 1:])
        # a 0/1 selector over the new halves axis (a constant: products work in both namespaces)
        first = (np.arange(2) == 0).astype(ctx.np_dtype).reshape((2,) + (1,) * (len(shape) - d))
        a = xp.sum(halves * first, d)
        s = xp.sigmoid(xp.sum(halves * (1 - first), d))
        ga, gb = xp.unsqueeze(grad * s, d), xp.unsqueeze(grad * a * s * (1 - s), d)
        return (xp.reshape(ga * first + gb * (1 - first), shape),)


class Prelu(Op):
    """``x`` where positive, ``weight * x`` elsewhere; ``weight`` has one value or one per channel (dim 1)."""
    node_name = "PreluKernelBackward0"
    saves = ("x", "w")
    saved_names = {"w": "weight"}
    samples = Samples("nn.functional.prelu", cases=lambda make: [
        ((make((2, 3, 4)), make((3,))), {}), ((make((2, 3)), make((1,))), {}), ((make((5,)), make((1,))), {})])

    def forward(ctx, x, w):
        return np.where(x > 0, x, x * _channel_view(w, x.ndim))

    def backward(ctx, xp, grad, x, w):
        wv = xp.reshape(w, _channel_shape(w.shape[0], x.ndim))
        gx = xp.where(x > 0, grad, grad * wv)
        gw = xp.where(x > 0, grad * 0, grad * x)
        dims = tuple(i for i in range(x.ndim) if i != 1 or w.shape[0] == 1)
        return gx, xp.reshape(xp.sum(gw, dims) if dims else gw, w.shape)


def _channel_shape(n, ndim):
    return (n,) + (1,) * (ndim - 2) if ndim >= 2 else (n,)


def _channel_view(w, ndim):
    return w.reshape(_channel_shape(w.shape[0], ndim))


# ---------------------------------------------------------------- public functions (torch.nn.functional)


def _inplace_result(input, out):
    """Write ``out`` into ``input`` (the ``inplace=True`` variants), recording as PyTorch does."""
    from .inplace import copy_
    with_grad = out._requires_grad
    if not with_grad:
        input._data[...] = out._data
        input._bump_version()
        return input
    return copy_(input, out)


def _unary(cls, input, inplace, *params):
    out = apply_unary(cls, input, *params)
    return _inplace_result(input, out) if inplace else out


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """Return ``input`` where positive and ``negative_slope * input`` elsewhere."""
    _float(input, "leaky_relu_cpu")
    return _unary(LeakyRelu, input, inplace, negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """Return ``input`` where positive and ``alpha * (exp(input) - 1)`` elsewhere."""
    _float(input, "elu_cpu")
    return _unary(Elu, input, inplace, alpha, 1.0, 1.0)


def selu(input, inplace=False):
    """Return ``scale * elu(input, alpha)`` with SELU's fixed constants."""
    _float(input, "elu_cpu")
    return _unary(Selu, input, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0)


def celu(input, alpha=1.0, inplace=False):
    """Return ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    _float(input, "elu_cpu")
    return _unary(Celu, input, inplace, alpha, 1.0, 1.0 / alpha)


def gelu(input, approximate="none"):
    """Return ``input * Phi(input)``; ``approximate='tanh'`` uses the tanh estimate of Phi."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float(input, "GeluKernelImpl")
    return apply_unary(Gelu, input, approximate)


def silu(input, inplace=False):
    """Return ``input * sigmoid(input)``."""
    return _unary(Silu, input, inplace)


def mish(input, inplace=False):
    """Return ``input * tanh(softplus(input))``."""
    return _unary(Mish, input, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """Return ``log(1 + exp(beta * input)) / beta``, and ``input`` where ``beta * input > threshold``."""
    return apply_unary(Softplus, input, beta, threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Return ``input`` clamped to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _unary(Hardtanh, input, inplace, min_val, max_val)


def relu6(input, inplace=False):
    """Return ``min(max(0, input), 6)``."""
    return _unary(Hardtanh, input, inplace, 0.0, 6.0)


def hardsigmoid(input, inplace=False):
    """Return ``relu6(input + 3) / 6``."""
    return _unary(Hardsigmoid, input, inplace)


def hardswish(input, inplace=False):
    """Return ``input * relu6(input + 3) / 6``."""
    return _unary(Hardswish, input, inplace)


def logsigmoid(input):
    """Return ``log(sigmoid(input))``, finite for large negative inputs."""
    return apply_unary(LogSigmoid, input)


def softsign(input):
    """Return ``input / (1 + |input|)``."""
    from .elementwise import abs as _abs
    return input / (_abs(input) + 1)


def tanhshrink(input):
    """Return ``input - tanh(input)``."""
    from .elementwise import tanh
    return input - tanh(input)


def threshold(input, threshold, value, inplace=False):
    """Return ``input`` where it exceeds ``threshold``, else ``value``."""
    return _unary(Threshold, input, inplace, threshold, value)


def softshrink(input, lambd=0.5):
    """Return ``input - lambd * sign(input)`` where ``|input| > lambd``, else 0."""
    return apply_unary(Shrink, input, lambd)


def hardshrink(input, lambd=0.5):
    """Return ``input`` where ``|input| > lambd``, else 0."""
    return apply_unary(Hardshrink, input, lambd)


def glu(input, dim=-1):
    """Return ``a * sigmoid(b)`` where ``a`` and ``b`` are the two halves of ``input`` along ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = input._wrap_dim(dim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    return apply_unary(Glu, input, d)


def prelu(input, weight):
    """Return ``input`` where positive, ``weight * input`` elsewhere (one weight per channel, dim 1)."""
    n = weight.numel()
    channels = input.shape[1] if input.ndim >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} "
                           f"and channel size = {channels}.")
    from .shape import reshape
    if weight.ndim != 1:
        weight = reshape(weight, (n,))
    return apply(Prelu, (input, weight))


OPS = (LeakyRelu, Elu, Selu, Celu, Gelu, Silu, Mish, Softplus, Hardtanh, Hardsigmoid, Hardswish, LogSigmoid,
       Threshold, Shrink, Hardshrink, Glu, Prelu)
