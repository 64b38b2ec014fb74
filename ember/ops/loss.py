"""Loss functions of ``ember.nn.functional``.

Primitives where PyTorch shows their own grad_fn (``NllLossBackward0``, ``MseLossBackward0``,
``BinaryCrossEntropyBackward0``...); cross-entropy is ``nll_loss(log_softmax(input))`` as in
PyTorch, two cheap nodes whose backward together is ``softmax - onehot``. Everything else composes.
"""
import warnings

import numpy as np

from .._tensor import Tensor
from ._cascade_sum import torch_sum
from ._op import Op, Samples, apply, apply_unary
from .linalg import needs_grad

_REDUCTIONS = ("mean", "sum", "none")


def _reduction(size_average, reduce, reduction):
    """PyTorch's legacy ``size_average``/``reduce`` arguments folded into ``reduction``."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        return ("mean" if size_average else "sum") if reduce else "none"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    from .reduction import mean, sum as _sum
    if reduction == "mean":
        return mean(loss)
    return _sum(loss) if reduction == "sum" else loss


def _np_reduce(loss, reduction):
    if reduction == "none":
        return loss
    # PyTorch reduces these losses with at::sum / at::mean: its summation order, then one division
    total = torch_sum(loss, None)
    return np.asarray(total / loss.dtype.type(loss.size) if reduction == "mean" else total, dtype=loss.dtype)


def _grad_scale(ctx, reduction, size):
    """What the output gradient is multiplied by per element: ``1/n`` for a mean."""
    ctx.scale = 1.0 / size if reduction == "mean" and size else 1.0


# ---------------------------------------------------------------- negative log likelihood


def _nll_cases(make):
    t = np.array([1, 0, 3, 4]), np.array([[1, 4, 0], [2, 2, 3]])
    return [((make((4, 5)), t[0]), {}), ((make((4, 5)), t[0]), {"reduction": "sum"}),
            ((make((4, 5)), t[0]), {"reduction": "none"}), ((make((4, 5)), np.array([1, -100, 3, 4])), {}),
            ((make((5,)), np.array(2)), {})]


class NllLoss(Op):
    """``-input[n, target[n]] * weight[target[n]]``, reduced; ``ignore_index`` targets count for nothing."""
    node_name = "NllLossBackward0"
    samples = Samples("nn.functional.nll_loss", cases=_nll_cases)

    def forward(ctx, x, target, weight, ignore_index, reduction):
        valid = target != ignore_index
        safe = np.where(valid, target, 0)
        classes = x.shape[1] if x.ndim > 1 else x.shape[0]
        bad = valid & ((target < 0) | (target >= classes))
        if bad.any():
            raise IndexError(f"Target {int(target[bad].flat[0])} is out of bounds.")
        axis = 1 if x.ndim > 1 else 0
        picked = np.take_along_axis(x, np.expand_dims(safe, axis), axis).squeeze(axis)
        w = valid.astype(x.dtype) if weight is None else (weight[safe] * valid).astype(x.dtype, copy=False)
        loss = -picked * w
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                w = w / w.sum()   # all targets ignored: 0/0 = nan, as in PyTorch
            out = np.asarray(-(picked * w).sum(), dtype=x.dtype)
        else:
            out = loss if reduction == "none" else np.asarray(loss.sum(), dtype=x.dtype)
        ctx.coef, ctx.safe, ctx.shape, ctx.axis = w, safe, x.shape, axis
        return out

    def backward(ctx, xp, grad):
        onehot = np.arange(ctx.shape[ctx.axis]).reshape((-1,) + (1,) * (len(ctx.shape) - ctx.axis - 1)) \
            == np.expand_dims(ctx.safe, ctx.axis)
        g = grad * -ctx.coef
        return (xp.unsqueeze(g, ctx.axis) * onehot.astype(ctx.coef.dtype) if ctx.axis else g * onehot,)


class NllLoss2d(NllLoss):
    """``nll_loss`` over inputs with extra dimensions ``(N, C, d1, ...)``."""
    node_name = "NllLoss2DBackward0"
    samples = Samples("nn.functional.nll_loss", cases=lambda make: [
        ((make((2, 3, 4)), np.array([[0, 1, 2, 1], [2, 2, 0, 1]])), {}),
        ((make((2, 3, 2, 2)), np.array([[[0, 1], [2, 1]], [[2, 2], [0, 1]]])), {"reduction": "sum"})])


def _check_target(input, target, name="nll_loss"):
    if not isinstance(target, Tensor) or target._data.dtype not in (np.int64, np.uint8):
        got = target.dtype.name if isinstance(target, Tensor) else type(target).__name__
        names = {"float32": "Float", "float64": "Double", "int32": "Int", "int16": "Short", "int8": "Char",
                 "bool": "Bool", "float16": "Half"}
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {names.get(got, got)}")
    xs, ts = input._data.shape, target._data.shape
    if input.ndim == 1:
        if target.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return
    if xs[0] != (ts[0] if ts else 1):
        raise ValueError(f"Expected input batch_size ({xs[0]}) to match target batch_size ({ts[0] if ts else 1}).")
    if input.ndim > 2 and ts != xs[:1] + xs[2:]:
        raise RuntimeError(f"Expected target size {list(xs[:1] + xs[2:])}, got {list(ts)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Return the negative log likelihood loss of log-probabilities ``input`` at class indices ``target``."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_target(input, target)
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    w = None
    if weight is not None:
        if weight.numel() != classes:
            raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes "
                               f"but got weight tensor of shape: {list(weight.shape)}")
        w = weight._data
    cls = NllLoss2d if input.ndim > 2 else NllLoss
    return apply_unary(cls, input, target._data.astype(np.int64, copy=False), w, ignore_index, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Return the cross-entropy between ``input`` logits and class-index or class-probability ``target``."""
    from .reduction import log_softmax
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 1 if input.ndim > 1 else 0
    if isinstance(target, Tensor) and target.is_floating_point() and target.shape == input.shape:
        return _soft_cross_entropy(log_softmax(input, class_dim), target, weight, reduction, label_smoothing,
                                   class_dim)
    _check_target(input, target)
    logp = log_softmax(input, class_dim)
    loss = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0.0:
        return loss
    return _smoothed(loss, logp, target, weight, ignore_index, reduction, label_smoothing, class_dim)


def _class_view(weight, ndim, class_dim):
    from .shape import reshape
    return reshape(weight, (-1,) + (1,) * (ndim - class_dim - 1))


def _smoothed(nll, logp, target, weight, ignore_index, reduction, eps, class_dim):
    """PyTorch's label smoothing: ``(1 - eps) * nll + eps / C * (-sum_c w_c logp_c)``."""
    from .reduction import sum as _sum
    classes = logp.shape[class_dim]
    weighted = logp if weight is None else logp * _class_view(weight, logp.ndim, class_dim)
    mask = (target._data != ignore_index).astype(logp._data.dtype)
    smooth = -_sum(weighted, class_dim) * mask
    if reduction == "mean":
        if weight is not None:
            denom = float((weight._data[np.where(mask > 0, target._data, 0)] * mask).sum())
        else:
            denom = float(mask.sum())
        smooth = _sum(smooth) / denom
    elif reduction == "sum":
        smooth = _sum(smooth)
    return nll * (1 - eps) + smooth * (eps / classes)


def _soft_cross_entropy(logp, target, weight, reduction, eps, class_dim):
    """Cross-entropy against class probabilities: ``-sum_c w_c t_c logp_c``."""
    from .reduction import sum as _sum
    classes = logp.shape[class_dim]
    if eps > 0:
        target = target * (1 - eps) + eps / classes
    prod = logp * target
    if weight is not None:
        prod = prod * _class_view(weight, logp.ndim, class_dim)
    loss = -_sum(prod, class_dim)
    if reduction == "mean":
        return _sum(loss) / (logp.numel() // classes) if logp.numel() else _sum(loss) / 0.0
    return _reduce(loss, reduction)


# ---------------------------------------------------------------- regression losses


def _pair_cases(**kw):
    return lambda make: [((make((3, 4)), make((3, 4))), dict(kw, reduction=r)) for r in _REDUCTIONS] + [
        ((make(()), make(())), dict(kw))]


class MseLoss(Op):
    """``(input - target) ** 2``, reduced."""
    node_name = "MseLossBackward0"
    saves = ("x", "y")
    saved_names = {"y": "target"}
    samples = Samples("nn.functional.mse_loss", cases=_pair_cases())

    def forward(ctx, x, y, reduction):
        d = x - y
        _grad_scale(ctx, reduction, d.size)
        return _np_reduce(d * d, reduction)

    def backward(ctx, xp, grad, x, y):
        g = (x - y) * (grad * (2.0 * ctx.scale))
        return g, (-g if needs_grad(ctx, 1) else None)


class SmoothL1Loss(Op):
    """``0.5 * d ** 2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta`` (d = input - target)."""
    node_name = "SmoothL1LossBackward0"
    saves = ("x", "y", "beta")
    saved_names = {"y": "target"}
    samples = Samples("nn.functional.smooth_l1_loss", cases=_pair_cases(beta=0.5), gradgrad=False)

    def forward(ctx, x, y, reduction, beta):
        d = x - y
        a = np.abs(d)
        _grad_scale(ctx, reduction, d.size)
        return _np_reduce(np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta).astype(d.dtype), reduction)

    def backward(ctx, xp, grad, x, y, beta):
        d = x - y
        g = xp.where(xp.abs(d) < beta, d / beta, xp.sign(d)) * (grad * ctx.scale)
        return g, (-g if needs_grad(ctx, 1) else None)


class HuberLoss(Op):
    """``0.5 * d ** 2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)``."""
    node_name = "HuberLossBackward0"
    saves = ("x", "y", "delta")
    saved_names = {"y": "target"}
    samples = Samples("nn.functional.huber_loss", cases=_pair_cases(delta=0.5), gradgrad=False)

    def forward(ctx, x, y, reduction, delta):
        d = x - y
        a = np.abs(d)
        _grad_scale(ctx, reduction, d.size)
        return _np_reduce(np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta)).astype(d.dtype), reduction)

    def backward(ctx, xp, grad, x, y, delta):
        d = x - y
        g = xp.where(xp.abs(d) < delta, d, xp.sign(d) * delta) * (grad * ctx.scale)
        return g, (-g if needs_grad(ctx, 1) else None)


def _check_sizes(input, target):
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      f"This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                      f"the same size.", UserWarning, stacklevel=3)


def _pair(cls, input, target, *params):
    from ._op import broadcast_error
    if not isinstance(target, Tensor):
        raise TypeError(f"{cls.samples.call.split('.')[-1]}(): argument 'target' (position 2) must be Tensor, "
                        f"not {type(target).__name__}")
    err = broadcast_error(input._data.shape, target._data.shape)
    if err is not None:
        raise err
    if input.dtype is not target.dtype:
        from .elementwise import to
        from .._dtype import result_type
        dt = result_type(input, target)
        input, target = to(input, dt), to(target, dt)
    return apply(cls, (input, target), *params)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Return the mean squared error between ``input`` and ``target`` (reduced)."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_sizes(input, target)
    return _pair(MseLoss, input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Return the mean absolute error between ``input`` and ``target`` (reduced)."""
    from .elementwise import abs as _abs
    reduction = _reduction(size_average, reduce, reduction)
    _check_sizes(input, target)
    return _reduce(_abs(input - target), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Return the smooth L1 loss: quadratic below ``beta``, linear above."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_sizes(input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return _pair(SmoothL1Loss, input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Return the Huber loss: quadratic below ``delta``, ``delta``-scaled linear above."""
    reduction = _reduction(None, None, reduction)
    _check_sizes(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _pair(HuberLoss, input, target, reduction, delta)


# ---------------------------------------------------------------- binary cross-entropy


class BinaryCrossEntropy(Op):
    """``-w * (t * log(p) + (1 - t) * log(1 - p))``, each log clamped at -100 as in PyTorch."""
    node_name = "BinaryCrossEntropyBackward0"
    saves = ("p", "t", "weight")
    saved_names = {"p": "self", "t": "target"}
    samples = Samples("nn.functional.binary_cross_entropy", domain=(0.05, 0.95), cases=lambda make: [
        ((make((3, 4)), make((3, 4))), {"reduction": r}) for r in _REDUCTIONS], gradgrad=False)

    def forward(ctx, p, t, weight, reduction):
        if np.any((p < 0) | (p > 1)):
            raise RuntimeError("all elements of input should be between 0 and 1")
        with np.errstate(divide="ignore"):
            loss = -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log1p(-p), -100))
        if weight is not None:
            loss = loss * weight
        _grad_scale(ctx, reduction, loss.size)
        return _np_reduce(loss.astype(p.dtype, copy=False), reduction)

    def backward(ctx, xp, grad, p, t, weight):
        g = grad * ctx.scale if ctx.scale != 1 else grad
        if weight is not None:
            g = g * weight
        pq = p * (1 - p)
        gp = g * (p - t) / xp.where(pq > 1e-12, pq, pq * 0 + 1e-12)
        gt = g * (xp.log(1 - p) - xp.log(p)) if needs_grad(ctx, 1) else None
        return gp, gt


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Return the binary cross-entropy between probabilities ``input`` and ``target``."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    w = None if weight is None else np.broadcast_to(weight._data, input._data.shape).astype(input._data.dtype)
    return apply(BinaryCrossEntropy, (input, target), w, reduction)


class BinaryCrossEntropyWithLogits(Op):
    """``(1 - t) * x + (1 + (pos_weight - 1) * t) * softplus(-x)``, weighted: stable for any ``x``."""
    node_name = "BinaryCrossEntropyWithLogitsBackward0"
    saves = ("x", "t", "weight", "pos_weight")
    saved_names = {"t": "target"}
    samples = Samples("nn.functional.binary_cross_entropy_with_logits", cases=lambda make: [
        ((make((3, 4)), make((3, 4), 0.0, 1.0)), {"reduction": r}) for r in _REDUCTIONS], gradgrad=False)

    def forward(ctx, x, t, weight, pos_weight, reduction):
        sp = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)   # softplus(-x) without overflow
        lw = 1 if pos_weight is None else 1 + (pos_weight - 1) * t
        loss = (1 - t) * x + lw * sp
        if weight is not None:
            loss = loss * weight
        _grad_scale(ctx, reduction, loss.size)
        return _np_reduce(loss.astype(x.dtype, copy=False), reduction)

    def backward(ctx, xp, grad, x, t, weight, pos_weight):
        g = grad * ctx.scale if ctx.scale != 1 else grad
        if weight is not None:
            g = g * weight
        s = xp.sigmoid(x)
        if pos_weight is None:
            gx = g * (s - t)
        else:
            gx = g * ((1 - t) - (1 + (pos_weight - 1) * t) * (1 - s))
        gt = None
        if needs_grad(ctx, 1):
            lw = 1 if pos_weight is None else pos_weight - 1
            sp = xp.log(1 + xp.exp(-xp.abs(x))) + (xp.abs(x) - x) * 0.5
            gt = g * (-x + sp * lw) if pos_weight is not None else g * -x
        return gx, gt


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Return the binary cross-entropy of ``sigmoid(input)`` against ``target``, computed stably."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    dt = input._data.dtype
    w = None if weight is None else weight._data.astype(dt, copy=False)
    pw = None if pos_weight is None else pos_weight._data.astype(dt, copy=False)
    return apply(BinaryCrossEntropyWithLogits, (input, target), w, pw, reduction)


OPS = (NllLoss, NllLoss2d, MseLoss, SmoothL1Loss, HuberLoss, BinaryCrossEntropy, BinaryCrossEntropyWithLogits)
