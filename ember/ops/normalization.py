"""Normalization, dropout, embedding and ``linear``: the remaining primitives of ``nn.functional``.

Normalization backwards recompute the statistics from the saved input in ``xp`` ops, so that
their second derivatives are right; ``linear`` is one fused matmul (PyTorch's ``addmm``).
"""
import numpy as np

from .._tensor import Tensor, _wrap
from ._op import Op, Samples, apply, apply_unary
from .linalg import needs_grad
from .shape import t as _t


def _stats(x, dims, eps):
    mean = x.mean(axis=dims, keepdims=True)
    var = x.var(axis=dims, keepdims=True)
    return mean, 1.0 / np.sqrt(var + eps)


def _norm_grad(xp, x, gy, dims, eps, count):
    """Gradient through ``(x - mean) / sqrt(var + eps)`` with the statistics taken over ``dims``."""
    mean = xp.sum(x, dims, True) / count
    xc = x - mean
    invstd = 1 / xp.sqrt(xp.sum(xc * xc, dims, True) / count + eps)
    xhat = xc * invstd
    gx = (gy - xp.sum(gy, dims, True) / count - xhat * (xp.sum(gy * xhat, dims, True) / count)) * invstd
    return gx, xhat


def _channel(a, ndim):
    return a.reshape((-1,) + (1,) * (ndim - 2))


# ---------------------------------------------------------------- batch norm


class BatchNorm(Op):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` per channel (dim 1), batch or running statistics."""
    node_name = "NativeBatchNormBackward0"
    saves = ("x", "w")
    saved_names = {"x": "input", "w": "weight"}
    samples = Samples("nn.functional.batch_norm", cases=lambda make: [
        ((make((4, 3)), None, None, make((3,)), make((3,))), {"training": True}),
        ((make((2, 3, 4, 2)), None, None, make((3,)), make((3,))), {"training": True, "eps": 1e-3})])

    def forward(ctx, x, w, b, eps, stats):
        dims = (0,) + tuple(range(2, x.ndim))
        ctx.dims, ctx.eps, ctx.training, ctx.count = dims, eps, stats is None, x.size // max(x.shape[1], 1)
        if stats is None:
            mean, invstd = _stats(x, dims, eps)
        else:
            mean = _channel(stats[0], x.ndim).astype(x.dtype)
            invstd = _channel(1.0 / np.sqrt(stats[1] + eps), x.ndim).astype(x.dtype)
            ctx.mean, ctx.invstd = mean, invstd
        scale = invstd * _channel(w, x.ndim)
        return ((x - mean) * scale + _channel(b, x.ndim)).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, x, w):
        wv = xp.reshape(w, (-1,) + (1,) * (len(x.shape) - 2))
        if ctx.training:
            gx, xhat = _norm_grad(xp, x, grad * wv, ctx.dims, ctx.eps, ctx.count)
        else:
            gx, xhat = grad * (wv * ctx.invstd), (x - ctx.mean) * ctx.invstd
        gw = xp.sum(grad * xhat, ctx.dims) if needs_grad(ctx, 1) else None
        gb = xp.sum(grad, ctx.dims) if needs_grad(ctx, 2) else None
        return (gx if needs_grad(ctx, 0) else None), gw, gb


def _affine(input, weight, bias, shape):
    """Weight and bias as tensors (ones and zeros that need no gradient when not given)."""
    dt = input._data.dtype
    w = weight if weight is not None else _wrap(np.ones(shape, dtype=dt))
    b = bias if bias is not None else _wrap(np.zeros(shape, dtype=dt))
    return w, b


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Return batch-normalized ``input``; in training, update the running statistics in place."""
    if input.ndim < 2:
        raise ValueError(f"Expected 2D or 3D input (got {input.ndim}D input)")
    c = input.shape[1]
    if training:
        count = input.numel() // c
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{input.shape}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    w, b = _affine(input, weight, bias, (c,))
    use_batch = training or running_mean is None
    stats = None if use_batch else (running_mean._data, running_var._data)
    out = apply(BatchNorm, (input, w, b), eps, stats)
    if training and running_mean is not None:
        _update_running(input._data, running_mean, running_var, momentum)
    return out


def _update_running(x, running_mean, running_var, momentum):
    """PyTorch's running update: ``(1 - momentum) * old + momentum * batch`` (variance unbiased)."""
    dims = (0,) + tuple(range(2, x.ndim))
    n = x.size // x.shape[1]
    mean = x.mean(axis=dims)
    var = x.var(axis=dims) * (n / (n - 1))
    m = 0.1 if momentum is None else momentum
    for t, v in ((running_mean, mean), (running_var, var)):
        if t is not None:
            t._data *= 1 - m
            t._data += (m * v).astype(t._data.dtype, copy=False)
            t._bump_version()


# ---------------------------------------------------------------- layer norm and group norm


class LayerNorm(Op):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` over the trailing ``normalized_shape`` dims."""
    node_name = "NativeLayerNormBackward0"
    saves = ("x", "w")
    saved_names = {"x": "input", "w": "weight"}
    samples = Samples("nn.functional.layer_norm", cases=lambda make: [
        ((make((3, 4)), (4,), make((4,)), make((4,))), {}), ((make((2, 3, 4)), (3, 4), make((3, 4)), make((3, 4))), {}),
        ((make((2, 5)), (5,)), {"eps": 1e-3})])

    def forward(ctx, x, w, b, nd, eps):
        dims = tuple(range(x.ndim - nd, x.ndim))
        ctx.dims, ctx.eps, ctx.count = dims, eps, int(np.prod(x.shape[x.ndim - nd:]))
        mean, invstd = _stats(x, dims, eps)
        return ((x - mean) * invstd * w + b).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, x, w):
        gx, xhat = _norm_grad(xp, x, grad * w, ctx.dims, ctx.eps, ctx.count)
        lead = tuple(range(len(x.shape) - len(ctx.dims)))
        gw = (xp.sum(grad * xhat, lead) if lead else grad * xhat) if needs_grad(ctx, 1) else None
        gb = (xp.sum(grad, lead) if lead else grad) if needs_grad(ctx, 2) else None
        return (gx if needs_grad(ctx, 0) else None), gw, gb


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Return ``input`` normalized over its last ``len(normalized_shape)`` dimensions, then scaled and shifted."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape or input.ndim < len(shape):
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    w, b = _affine(input, weight, bias, shape)
    return apply(LayerNorm, (input, w, b), len(shape), eps)


class GroupNorm(Op):
    """Normalization over groups of channels, then a per-channel affine map."""
    node_name = "NativeGroupNormBackward0"
    saves = ("x", "w")
    saved_names = {"x": "input", "w": "weight"}
    samples = Samples("nn.functional.group_norm", cases=lambda make: [
        ((make((2, 6, 3)), 3, make((6,)), make((6,))), {}), ((make((2, 4, 2, 2)), 2), {})])

    def forward(ctx, x, w, b, groups, eps):
        n, c = x.shape[:2]
        ctx.groups, ctx.eps, ctx.count = groups, eps, x.size // max(n * groups, 1)
        xr = x.reshape(n, groups, -1)
        mean, invstd = _stats(xr, (2,), eps)
        xhat = ((xr - mean) * invstd).reshape(x.shape)
        return (xhat * _channel(w, x.ndim) + _channel(b, x.ndim)).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad, x, w):
        shape = x.shape
        n, g = shape[0], ctx.groups
        wv = xp.reshape(w, (-1,) + (1,) * (len(shape) - 2))
        gy = xp.reshape(grad * wv, (n, g, -1))
        gx, xhat = _norm_grad(xp, xp.reshape(x, (n, g, -1)), gy, (2,), ctx.eps, ctx.count)
        dims = (0,) + tuple(range(2, len(shape)))
        gw = xp.sum(grad * xp.reshape(xhat, shape), dims) if needs_grad(ctx, 1) else None
        gb = xp.sum(grad, dims) if needs_grad(ctx, 2) else None
        return (xp.reshape(gx, shape) if needs_grad(ctx, 0) else None), gw, gb


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Return ``input`` normalized over groups of channels, then scaled and shifted per channel."""
    c = input.shape[1] if input.ndim > 1 else 0
    if input.ndim < 2 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    w, b = _affine(input, weight, bias, (c,))
    return apply(GroupNorm, (input, w, b), num_groups, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Return ``input`` normalized per sample and channel (group norm with one channel per group)."""
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    return group_norm(input, input.shape[1], weight, bias, eps)


# ---------------------------------------------------------------- dropout


def _dropout_noise(input, shape, p):
    from ..random import default_generator
    q = 1.0 - p
    noise = default_generator._bernoulli_scalar(shape, q, input._data.dtype)
    noise /= input._data.dtype.type(q)
    return _wrap(noise)


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply_noise(input, noise, inplace):
    if inplace:
        return input.mul_(noise)
    return input * noise


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)`` (PyTorch's draws)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:  # PyTorch multiplies by zero without drawing
        return _apply_noise(input, _wrap(np.zeros((), dtype=input._data.dtype)), inplace)
    return _apply_noise(input, _dropout_noise(input, input._data.shape, p), inplace)


def _feature_dropout(input, p, training, inplace, batched_ndim, alpha=False, lead=None):
    """Drop whole channels: the noise has shape ``(N, C, 1, ...)`` (``(C, 1, ...)`` when unbatched)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    if lead is None:
        lead = 2 if input.ndim == batched_ndim else 1
    shape = tuple(input.shape[:lead]) + (1,) * (input.ndim - lead)
    if alpha and p == 1.0:  # PyTorch returns input * 0 without drawing
        return input.mul_(0) if inplace else input * _wrap(np.zeros((), dtype=input._data.dtype))
    return _alpha_dropout(input, p, shape, inplace) if alpha else _apply_noise(
        input, _wrap(np.zeros((), dtype=input._data.dtype)) if p == 1.0 else _dropout_noise(input, shape, p), inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of ``(N, C, L)`` (or ``(C, L)``) with probability ``p``."""
    return _feature_dropout(input, p, training, inplace, 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of ``(N, C, H, W)`` with probability ``p``.

    As in PyTorch, the first two dimensions are always (N, C): a 3-D input is taken as (N, C, L).
    """
    import warnings
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
                      "inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, 4, lead=min(2, input.ndim))


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) with probability ``p``."""
    return _feature_dropout(input, p, training, inplace, 5)


_ALPHA = 1.7580993408473766  # PyTorch's -selu_alpha * selu_scale


def _alpha_dropout(input, p, shape, inplace):
    """PyTorch's alpha dropout: keep mean and variance of SELU activations (same random stream)."""
    from ..random import default_generator
    dt = input._data.dtype
    keep = default_generator._bernoulli_scalar(shape, 1.0 - p, dt)
    a = 1.0 / np.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    b = ((keep - 1) * (_ALPHA * a) + _ALPHA * a * p).astype(dt)
    out = _apply_noise(input, _wrap((keep * a).astype(dt)), inplace)
    return out.add_(_wrap(b)) if inplace else out + _wrap(b)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout: randomly set elements to SELU's saturation value, keeping mean and variance."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:  # PyTorch returns input * 0 without drawing
        return input.mul_(0) if inplace else input * _wrap(np.zeros((), dtype=input._data.dtype))
    return _alpha_dropout(input, p, input._data.shape, inplace)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels."""
    return _feature_dropout(input, p, training, inplace, input.ndim, alpha=True)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Return ``input / sqrt(mean(input ** 2) + eps) * weight`` over the trailing ``normalized_shape``."""
    from .elementwise import sqrt
    from .reduction import mean
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    eps = float(np.finfo(input._data.dtype).eps) if eps is None else eps
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    out = input / sqrt(mean(input * input, dims, keepdim=True) + eps)
    return out if weight is None else out * weight


# ---------------------------------------------------------------- embedding


class Embedding(Op):
    """Rows of ``weight`` picked by integer ``indices``; backward adds each gradient row back."""
    node_name = "EmbeddingBackward0"
    samples = Samples("nn.functional.embedding", cases=lambda make: [
        ((np.array([[1, 2], [4, 1]]), make((5, 3))), {}), ((np.array([0, 2, 3]), make((4, 2))), {})])

    def forward(ctx, w, idx, padding_idx):
        ctx.idx, ctx.rows, ctx.padding_idx = idx, w.shape[0], padding_idx
        return w[idx]

    def backward(ctx, xp, grad):
        return (_embed_call(EmbeddingGrad, grad, ctx.idx, ctx.rows, ctx.padding_idx),)


def _embed_call(cls, g, idx, rows, padding_idx):
    if isinstance(g, Tensor):
        return apply_unary(cls, g, idx, rows, padding_idx)
    from ._op import _DISCARD
    return cls.forward(_DISCARD, g, idx, rows, padding_idx)


class EmbeddingGrad(Op):
    """Embedding's weight gradient: rows summed by index (``padding_idx`` gets none)."""
    node_name = "EmbeddingBackwardBackward0"

    def forward(ctx, g, idx, rows, padding_idx):
        ctx.idx, ctx.rows, ctx.padding_idx, ctx.np_dtype = idx, rows, padding_idx, g.dtype
        flat = idx.reshape(-1)
        g2 = g.reshape(flat.size, -1)
        if padding_idx is not None:
            g2 = np.where((flat == padding_idx)[:, None], 0, g2)
        out = np.zeros((rows, g2.shape[1]), dtype=g.dtype)
        np.add.at(out, flat, g2)
        return out

    def backward(ctx, xp, grad):
        keep = None if ctx.padding_idx is None else (ctx.idx != ctx.padding_idx)[..., None]
        out = apply_unary(Embedding, grad, ctx.idx, None) if isinstance(grad, Tensor) else grad[ctx.idx]
        return (out if keep is None else out * keep.astype(ctx.np_dtype),)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Return the rows of ``weight`` at the integer indices ``input``; ``padding_idx`` rows get no gradient."""
    if input._data.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    idx = input._data
    n = weight.shape[0]
    if idx.size and (idx.min() < -n or idx.max() >= n) or (idx.size and idx.min() < 0):
        raise IndexError("index out of range in self")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return apply_unary(Embedding, weight, idx, padding_idx)


def _renorm_rows(weight, idx, max_norm, norm_type):
    """PyTorch's ``embedding_renorm_``: rescale looked-up rows whose norm exceeds ``max_norm``, in place."""
    rows = np.unique(idx)
    w = weight._data
    norms = np.sum(np.abs(w[rows]) ** norm_type, axis=1) ** (1.0 / norm_type)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
        w[rows[big]] *= scale[:, None]
        weight._bump_version()


def one_hot(tensor, num_classes=-1):
    """Return int64 one-hot vectors of the class indices in ``tensor`` (a new last dimension)."""
    x = tensor._data
    if x.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if x.size and x.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(x.max()) + 1 if x.size else 0
    elif x.size and x.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _wrap((x[..., None] == np.arange(num_classes)).astype(np.int64))


# ---------------------------------------------------------------- linear


class _LinearFused(Op):
    """``x @ weight.T + bias`` for an input with batch dimensions, in one matmul."""
    saves = ("x", "w")
    saved_names = {"x": None, "w": None}

    def forward(ctx, x, w, *b):
        out = np.matmul(x, w.T)
        if b:
            out += b[0]
        return out

    def backward(ctx, xp, grad, x, w):
        gx = xp.matmul(grad, w) if needs_grad(ctx, 0) else None
        gw = None
        if needs_grad(ctx, 1):
            n_out, n_in = w.shape
            gw = xp.matmul(xp.mT(xp.reshape(grad, (-1, n_out))), xp.reshape(x, (-1, n_in)))
        if len(ctx._next) == 2:
            return gx, gw
        return gx, gw, (grad if needs_grad(ctx, 2) else None)


class Linear(Op):
    """``bias + x @ weight.t()`` for a matrix input, recorded as PyTorch records it: an
    AddmmBackward0 over (bias, input, TBackward0(weight)), so ``next_functions`` read the same."""
    node_name = "AddmmBackward0"
    saves = ("x", "wt")
    saved_names = {"x": ("mat1", "wt"), "wt": ("mat2", "x")}
    samples = Samples("nn.functional.linear", cases=lambda make: [
        ((make((4, 3)), make((5, 3)), make((5,))), {})])

    def forward(ctx, b, x, wt):
        out = np.matmul(x, wt)
        out += b
        return out

    def backward(ctx, xp, grad, x, wt):
        gb = grad if needs_grad(ctx, 0) else None
        gx = xp.matmul(grad, xp.mT(wt)) if needs_grad(ctx, 1) else None
        # computed as (grad^T x)^T: TBackward0 then hands the weight a contiguous array it can own
        gwt = xp.mT(xp.matmul(xp.mT(grad), x)) if needs_grad(ctx, 2) else None
        return gb, gx, gwt


class LinearNoBias(Op):
    """``x @ weight.t()`` for a matrix input: MmBackward0 over (input, TBackward0(weight))."""
    node_name = "MmBackward0"
    saves = ("x", "wt")
    saved_names = {"x": ("self", "wt"), "wt": ("mat2", "x")}
    samples = Samples("nn.functional.linear", cases=lambda make: [((make((4, 3)), make((5, 3))), {})])

    def forward(ctx, x, wt):
        return np.matmul(x, wt)

    def backward(ctx, xp, grad, x, wt):
        gx = xp.matmul(grad, xp.mT(wt)) if needs_grad(ctx, 0) else None
        gwt = xp.mT(xp.matmul(xp.mT(grad), x)) if needs_grad(ctx, 1) else None
        return gx, gwt


class LinearBatched(_LinearFused):
    """``linear`` of an input with batch dimensions (PyTorch ends it with a view)."""
    node_name = "ViewBackward0"
    samples = Samples("nn.functional.linear", cases=lambda make: [
        ((make((2, 4, 3)), make((5, 3)), make((5,))), {}), ((make((3,)), make((5, 3)), make((5,))), {})])


class LinearBatchedNoBias(_LinearFused):
    """``linear`` without bias of an input with batch dimensions."""
    node_name = "UnsafeViewBackward0"
    samples = Samples("nn.functional.linear", cases=lambda make: [((make((2, 4, 3)), make((5, 3))), {})])


def linear(input, weight, bias=None):
    """Return ``input @ weight.T + bias``."""
    x = input._data
    if x.shape[-1] != weight._data.shape[-1] if x.ndim else True:
        rows = int(np.prod(input.shape[:-1])) if input.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1] if input.ndim else 1}"
                           f" and {weight.shape[-1]}x{weight.shape[0]})")
    if x.dtype != weight._data.dtype:
        from .linalg import _tname
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_tname(input).capitalize()} and "
                           f"{_tname(weight).capitalize()}")
    if x.ndim == 2:
        if bias is not None:
            return apply(Linear, (bias, input, _t(weight)))
        return apply(LinearNoBias, (input, _t(weight)))
    if bias is not None:
        return apply(LinearBatched, (input, weight, bias))
    if x.ndim == 1:
        from .linalg import matmul
        return matmul(weight, input)
    return apply(LinearBatchedNoBias, (input, weight))




class ConstantPad(Op):
    """``input`` surrounded by a constant (``pad`` in 'constant' mode); backward crops the gradient."""
    node_name = "ConstantPadNdBackward0"
    samples = Samples("nn.functional.pad", cases=lambda make: [
        ((make((2, 3)), (1, 2)), {}), ((make((1, 2, 3, 3)), (1, 0, 2, 1)), {"value": 0.5})])

    def forward(ctx, x, widths, value):
        ctx.crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))
        return np.pad(x, widths, constant_values=value)

    def backward(ctx, xp, grad):
        return (grad[ctx.crop],)


def _constant_pad(input, widths, value):
    if any(lo < 0 or hi < 0 for lo, hi in widths):  # negative padding crops
        crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, input.shape))
        input = input[crop]
        widths = tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)
    return apply_unary(ConstantPad, input, widths, value)


OPS = (BatchNorm, LayerNorm, GroupNorm, Embedding, EmbeddingGrad, Linear, LinearNoBias, LinearBatched, ConstantPad,
       LinearBatchedNoBias)
