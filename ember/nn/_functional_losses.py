"""More of ``torch.nn.functional``'s losses, composed from ember's differentiable ops.

``gaussian_nll_loss``, ``poisson_nll_loss``, ``hinge_embedding_loss``, ``soft_margin_loss``,
``multilabel_margin_loss``, ``multilabel_soft_margin_loss``, ``multi_margin_loss``,
``triplet_margin_loss`` and ``triplet_margin_with_distance_loss``.
"""
import math

import numpy as np

from .._tensor import _wrap
from ..ops import elementwise as _ew
from ..ops import reduction as _red
from ..ops.activation import logsigmoid
from ..ops.loss import _reduce, _reduction

__all__ = ["gaussian_nll_loss", "poisson_nll_loss", "hinge_embedding_loss", "soft_margin_loss",
           "multilabel_margin_loss", "multilabel_soft_margin_loss", "multi_margin_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss"]


def _scalar(value, like):
    return _wrap(np.asarray(value, dtype=like._data.dtype))


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Return the Gaussian negative log likelihood ``0.5 * (log(var) + (input - target)^2 / var)``, reduced."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = input * 0 + var
    elif bool((var._data < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    # PyTorch clamps a clone under no_grad: the clamped values are used, the gradient passes unclamped
    var = var + (_ew.maximum(var, _scalar(eps, var)) - var).detach()
    loss = 0.5 * (_ew.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Return the Poisson negative log likelihood of ``target`` given the rate ``input`` (or its log)."""
    if size_average is None and reduce is None and reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = _ew.exp(input) - target * input
    else:
        loss = input - target * _ew.log(input + eps)
    if full:
        # Stirling's term, kept only where target > 1 (PyTorch's masked_fill on target <= 1)
        t = target.detach() if target.requires_grad else target
        safe = _ew.where(t > 1, t, t * 0 + 2)
        stirling = safe * _ew.log(safe) - safe + 0.5 * _ew.log(2 * math.pi * safe)
        loss = loss + _ew.where(t > 1, stirling, stirling * 0)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """Return ``input`` where target is 1 and ``max(0, margin - input)`` where target is -1, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    zeros = input * 0
    margin_clamp = (margin - input).clamp_min(0)
    loss = _ew.where(target != 1, margin_clamp, zeros) + _ew.where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Return the two-class logistic loss ``log(1 + exp(-target * input))``, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(_ew.log1p(_ew.exp(-input * target)), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Return the one-versus-all logistic loss averaged over classes, reduced over samples."""
    if size_average is None and reduce is None and reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = _red.sum(loss, class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction)


def _margin_shapes(input, target, name):
    """Check ``(C)``/``(N, C)`` input against its target; return the 2-D views and whether it was 1-D."""
    if input.ndim > 2 or input.numel() == 0 and input.ndim != 2:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    return (input.unsqueeze(0) if input.ndim <= 1 else input), input.ndim <= 1


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Return the multi-class multi-label hinge loss (targets listed per sample, ended by -1), reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    x, single = _margin_shapes(input, target, "multilabel_margin_loss")
    t = target._data.reshape(x.shape)
    if t.shape != tuple(x.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    n, c = x.shape
    valid = np.cumprod(t != -1, axis=1).astype(bool)   # targets up to the first -1
    is_target = np.zeros((n, c), dtype=bool)
    rows = np.nonzero(valid)
    is_target[rows[0], t[rows]] = True
    picked = x.gather(1, _wrap(np.where(valid, t, 0)))
    mask = (valid[:, :, None] & ~is_target[:, None, :]).astype(x._data.dtype)
    pair = _ew.relu(1 - picked.unsqueeze(2) + x.unsqueeze(1)) * _wrap(mask)
    loss = _red.sum(pair, (1, 2)) / c
    return _reduce(loss[0] if single else loss, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Return the multi-class hinge loss ``sum_j max(0, margin - x[y] + x[j])^p / C``, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    x, single = _margin_shapes(input, target, "multi_margin_loss")
    n, c = x.shape
    y = target._data.reshape(-1)
    if y.size != n:
        raise RuntimeError(f"inconsistent target size, expected {n} but got {list(target.shape)}")
    if ((y < 0) | (y >= c)).any():
        raise RuntimeError("target out of range")
    picked = x.gather(1, _wrap(y.reshape(n, 1)))
    terms = _ew.relu(margin - picked + x)
    if p == 2:
        terms = terms * terms
    if weight is not None:
        terms = terms * weight[_wrap(y)].unsqueeze(1)
    others = _wrap((np.arange(c)[None, :] != y[:, None]).astype(x._data.dtype))
    loss = _red.sum(terms * others, 1) / c
    return _reduce(loss[0] if single and reduction == "none" and target.ndim == 0 else loss, reduction)


def _pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    from .functional import pairwise_distance
    return pairwise_distance(x1, x2, p, eps, keepdim)


def _check_triplet_dims(anchor, positive, negative):
    a, p, n = anchor.ndim, positive.ndim, negative.ndim
    if not (a == p and p == n):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """Return ``max(d(a, p) - d(a, n) + margin, 0)`` with the ``p``-norm distance, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_triplet_dims(anchor, positive, negative)
    d_pos = _pairwise_distance(anchor, positive, p, eps)
    d_neg = _pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _ew.minimum(d_neg, _pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """Return ``max(d(a, p) - d(a, n) + margin, 0)`` for a given ``distance_function``, reduced."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    distance = _pairwise_distance if distance_function is None else distance_function
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_neg = _ew.minimum(d_neg, distance(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)
