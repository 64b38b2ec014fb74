"""``ember.nn.functional``: PyTorch's ``torch.nn.functional`` names and signatures over ember's ops.

Primitives live in ``ember/ops`` (activation, loss, conv, normalization); the few functions here
compose them, as PyTorch's Python-level ``functional.py`` does.
"""
import math
import warnings

import numpy as np

from .._tensor import _wrap
from ..ops import elementwise as _ew
from ..ops import reduction as _red
from ..ops.activation import (celu, elu, gelu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, leaky_relu,
                              logsigmoid, mish, prelu, relu6, selu, silu, softplus, softshrink, softsign, tanhshrink,
                              threshold)
from ..ops.conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d
from ..ops.pooling import avg_pool1d, avg_pool2d, avg_pool3d, max_pool1d, max_pool2d, max_pool3d
from ..ops.linalg import einsum as _einsum
from ..ops.loss import (_reduce, _reduction, binary_cross_entropy, binary_cross_entropy_with_logits,
                        cross_entropy, huber_loss, l1_loss, mse_loss, nll_loss, smooth_l1_loss)
from ..ops.normalization import (_constant_pad, alpha_dropout, batch_norm, dropout, dropout1d, dropout2d, dropout3d,
                                 feature_alpha_dropout, rms_norm, embedding, group_norm, layer_norm, linear, one_hot)
from ..ops.reduction import log_softmax as _log_softmax
from ..ops.reduction import softmax as _softmax
from ._attention_functional import multi_head_attention_forward
from ._functional_blocks import (adaptive_avg_pool3d, adaptive_max_pool3d, conv_transpose3d, embedding_bag, fold,
                                instance_norm, lp_pool1d, lp_pool2d, lp_pool3d, max_unpool1d, max_unpool2d,
                                max_unpool3d, unfold)
from ._functional_extra import (channel_shuffle, interpolate, native_channel_shuffle, pixel_shuffle, pixel_unshuffle,
                                upsample, upsample_bilinear, upsample_nearest)
from ._functional_losses import (gaussian_nll_loss, hinge_embedding_loss, multi_margin_loss, multilabel_margin_loss,
                                 multilabel_soft_margin_loss, poisson_nll_loss, soft_margin_loss, triplet_margin_loss,
                                 triplet_margin_with_distance_loss)

__all__ = [
    "multi_head_attention_forward", "rrelu", "rrelu_",
    "relu", "relu_", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
    "hardtanh", "relu6", "hardsigmoid", "hardswish", "logsigmoid", "softsign", "tanhshrink", "threshold",
    "softshrink", "hardshrink", "glu", "prelu", "softmax", "log_softmax", "softmin",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "max_pool1d", "max_pool2d",
    "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "cosine_embedding_loss", "margin_ranking_loss",
    "cosine_similarity", "pairwise_distance",
    "batch_norm", "layer_norm", "group_norm", "instance_norm", "dropout", "dropout2d", "embedding", "one_hot",
    "linear", "bilinear", "scaled_dot_product_attention", "pad", "normalize", "avg_pool3d", "max_pool3d",
    "dropout1d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "rms_norm", "local_response_norm",
    "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_avg_pool3d", "adaptive_max_pool3d", "conv_transpose3d", "embedding_bag", "fold", "unfold", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d", "channel_shuffle", "interpolate",
    "native_channel_shuffle", "pixel_shuffle", "pixel_unshuffle", "upsample", "upsample_bilinear", "upsample_nearest",
    "gaussian_nll_loss", "hinge_embedding_loss", "multi_margin_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss", "poisson_nll_loss", "soft_margin_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss"]


def relu(input, inplace=False):
    """Return ``max(input, 0)`` elementwise (in place when ``inplace``)."""
    return input.relu_() if inplace else _ew.relu(input)


def relu_(input):
    """Apply ``relu`` in place and return ``input``."""
    return input.relu_()


def sigmoid(input):
    """Return the elementwise logistic sigmoid."""
    return _ew.sigmoid(input)


def tanh(input):
    """Return the elementwise hyperbolic tangent."""
    return _ew.tanh(input)


def _softmax_dim(ndim):
    warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Return the softmax of ``input`` along ``dim``."""
    return _softmax(input, _softmax_dim(input.ndim) if dim is None else dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Return the log of the softmax of ``input`` along ``dim``, computed stably."""
    return _log_softmax(input, _softmax_dim(input.ndim) if dim is None else dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """Return the softmax of ``-input`` along ``dim``."""
    return _softmax(-input, _softmax_dim(input.ndim) if dim is None else dim, dtype)


# ---------------------------------------------------------------- adaptive pooling


def _bins(n, o, dtype):
    """The ``(o, n)`` averaging matrix of PyTorch's adaptive bins ``[floor(i*n/o), ceil((i+1)*n/o))``."""
    i = np.arange(o)
    start, end = (i * n) // o, -((-(i + 1) * n) // o)
    j = np.arange(n)
    mask = (j >= start[:, None]) & (j < end[:, None])
    return _wrap((mask / (end - start)[:, None]).astype(dtype))


def adaptive_avg_pool2d(input, output_size):
    """Return the average over PyTorch's adaptive bins, giving spatial size ``output_size``."""
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    h, w = input.shape[-2:]
    oh, ow = h if oh is None else oh, w if ow is None else ow
    if (oh, ow) == (1, 1):
        return _red.mean(input, (-2, -1), keepdim=True)
    dt = input._data.dtype
    return (_bins(h, oh, dt) @ input) @ _bins(w, ow, dt).mT


def adaptive_avg_pool1d(input, output_size):
    """Return the average over PyTorch's adaptive bins of the last dimension."""
    o = output_size if isinstance(output_size, int) else output_size[0]
    return input @ _bins(input.shape[-1], o, input._data.dtype).mT


# ---------------------------------------------------------------- composite losses and distances


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Return the KL divergence of ``target`` from log-probabilities ``input``."""
    reduction = _reduction(size_average, reduce, reduction) if reduction != "batchmean" else reduction
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.")
    if log_target:
        loss = _ew.exp(target) * (target - input)
    else:
        t = target
        # xlogy(t, t): 0 where t == 0 (its gradient there is taken as 0, as PyTorch's xlogy does)
        safe = _ew.where(t > 0, t, _ew.ones_like(t) if hasattr(_ew, "ones_like") else t * 0 + 1)
        loss = _ew.where(t > 0, t * _ew.log(safe), t * 0) - t * input
    if reduction == "batchmean":
        return _red.sum(loss) / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Return ``x1 . x2 / (max(||x1||, eps) * max(||x2||, eps))`` along ``dim``."""
    def unit(x):
        norm = _ew.sqrt(_red.sum(x * x, dim, True))
        return x / _ew.maximum(norm, _wrap(np.asarray(eps, dtype=x._data.dtype)))
    return _red.sum(unit(x1) * unit(x2), dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """Return the ``p``-norm of ``x1 - x2 + eps`` over the last dimension."""
    from ..ops.special import add_scalar
    diff = x1 - x2
    # PyTorch's C++ composite: at::norm(x1 - x2 + eps, p, -1, keepdim), so NormBackward1 over AddBackward1
    diff = add_scalar(diff, eps) if diff._data.dtype.kind == "f" else diff + eps
    return _red.norm_dim(diff, p, -1, keepdim)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """Return ``1 - cos(x1, x2)`` for target 1 and ``max(0, cos(x1, x2) - margin)`` for target -1."""
    reduction = _reduction(size_average, reduce, reduction)
    eps = 1e-12   # PyTorch's EPSILON inside cosine_embedding_loss
    dim = input1.ndim - 1
    prod = _red.sum(input1 * input2, dim)
    mag = _ew.sqrt((_red.sum(input1 * input1, dim) + eps) * (_red.sum(input2 * input2, dim) + eps))
    cos = prod / mag
    zeros = cos * 0
    pos = _ew.where(target == 1, 1 - cos, zeros)
    neg = _ew.where(target == -1, _ew.relu(cos - margin), zeros)
    return _reduce(pos + neg, reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """Return ``max(0, -target * (input1 - input2) + margin)``, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce(_ew.relu(-target * (input1 - input2) + margin), reduction)


# ---------------------------------------------------------------- attention, bilinear, padding, normalize


def bilinear(input1, input2, weight, bias=None):
    """Return ``x1^T A x2 + b`` for each output feature (``weight`` of shape ``(out, in1, in2)``)."""
    out = _einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """Return ``softmax(q k^T * scale + mask) v`` (dropout on the weights when ``dropout_p > 0``)."""
    L, S = query.shape[-2], key.shape[-2]
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    attn = (query @ key.mT) * scale
    dt = query._data.dtype
    if is_causal:
        attn = attn + _wrap(np.where(np.tril(np.ones((L, S), dtype=bool)), 0, -np.inf).astype(dt))
    if attn_mask is not None:
        if attn_mask._data.dtype == np.bool_:
            attn = attn + _wrap(np.where(attn_mask._data, 0, -np.inf).astype(dt))
        else:
            attn = attn + attn_mask
    attn = _softmax(attn, -1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn @ value


def pad(input, pad, mode="constant", value=None):
    """Return ``input`` padded by ``pad = (left_last, right_last, left_prev, right_prev, ...)``."""
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ValueError("Padding length must be divisible by 2" if len(pad) % 2 else
                         "Padding length should be less than or equal to two times the input dimension but got "
                         f"padding length {len(pad)} and input of dimension {input.ndim}")
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(len(pad) // 2)]
    widths = [(0, 0)] * (input.ndim - len(pairs)) + pairs[::-1]
    if mode == "constant":
        return _constant_pad(input, tuple(widths), 0.0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    out = input
    for axis in reversed(range(len(widths))):   # last dimension first: PyTorch checks (and reports) it first
        lo, hi = widths[axis]
        if lo or hi:
            n = input.shape[axis]
            j = np.arange(-lo, n + hi)
            if mode == "reflect":
                if lo >= n or hi >= n:
                    raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input "
                                       f"dimension, but got: padding ({lo}, {hi}) at dimension {axis} of input "
                                       f"{list(input.shape)}")
                j = np.abs(j)
                j = np.where(j >= n, 2 * (n - 1) - j, j)
            elif mode == "replicate":
                j = np.clip(j, 0, n - 1)
            else:
                j = j % n
            out = out[(slice(None),) * axis + (_wrap(j),)]
    return out


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """Return ``input / max(||input||_p, eps)`` along ``dim``."""
    if p == 2.0:
        norm = _ew.sqrt(_red.sum(input * input, dim, True))
    else:
        norm = _red.sum(_ew.abs(input) ** p, dim, True) ** (1.0 / p)
    return input / _ew.maximum(norm, _wrap(np.asarray(eps, dtype=input._data.dtype)))


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Return ``input`` divided by ``(k + alpha * mean of squares over size neighbouring channels) ** beta``."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    div = input * input
    if input.ndim == 3:
        div = pad(div.unsqueeze(1), (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.reshape(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1).reshape(sizes)
    return input / (div * alpha + k) ** beta


def _adaptive_index(n, o):
    """Per-bin index windows ``(o, kmax)``: each bin's range, padded by repeating its last index."""
    i = np.arange(o)
    start, end = (i * n) // o, -((-(i + 1) * n) // o)
    kmax = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(kmax), end[:, None] - 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Return the maximum over PyTorch's adaptive bins (and the flat indices of the maxima)."""
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    h, w = input.shape[-2:]
    oh, ow = h if oh is None else oh, w if ow is None else ow
    ih, iw = _adaptive_index(h, oh), _adaptive_index(w, ow)
    lead = input.ndim - 2
    win = input[(slice(None),) * lead + (_wrap(ih[:, :, None, None]), _wrap(iw[None, None]))]
    out = _red.amax(win, (-3, -1))
    if not return_indices:
        return out
    flat = (ih[:, :, None, None] * w + iw[None, None]).reshape(oh, ih.shape[1], ow, iw.shape[1])
    vals = win._data.transpose(*range(lead), lead, lead + 2, lead + 1, lead + 3).reshape(
        win.shape[:lead] + (oh, ow, -1))
    pos = np.broadcast_to(flat.transpose(0, 2, 1, 3).reshape(oh, ow, -1), vals.shape)
    return out, _wrap(np.take_along_axis(pos, vals.argmax(-1)[..., None], -1)[..., 0].astype(np.int64))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Return the maximum over PyTorch's adaptive bins of the last dimension."""
    o = output_size if isinstance(output_size, int) else output_size[0]
    r = adaptive_max_pool2d(input.unsqueeze(-2), (1, o), return_indices)
    return (r[0].squeeze(-2), r[1].squeeze(-2)) if return_indices else r.squeeze(-2)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: slopes drawn uniformly from [lower, upper) for non-positive elements
    in training (PyTorch's stream: one 53-bit draw per such element, in order), their mean in eval."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    from ..random import default_generator
    x = input._data
    negative = x <= 0
    # PyTorch's kernel: the bounds in the input's precision (float32 for float32 and float16), one
    # 53-bit draw per non-positive element, and x * (hi - lo) + lo in double without an fma
    bound = np.float64 if x.dtype == np.float64 else np.float32
    lo, hi = float(bound(lower)), float(bound(upper))
    slopes = default_generator._unit53(int(negative.sum())) * (hi - lo) + lo
    noise = np.ones_like(x)
    noise[negative] = slopes.astype(x.dtype)
    result = _ew.mul(input, _wrap(noise))
    if inplace:
        from ..ops.inplace import copy_
        return copy_(input, result)
    return result


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place :func:`rrelu`."""
    return rrelu(input, lower, upper, training, inplace=True)
