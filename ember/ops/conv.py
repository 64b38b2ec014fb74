"""Convolution on strided views: no Python loop over pixels or the batch (pooling: ``pooling.py``).

A convolution is one strided window view of the padded input (im2col) and one batched matmul. Its
three bilinear maps are ops whose backwards are each other, so any order of derivative works:
``conv(x, w)``, ``conv_input_grad(g, w)`` (= ``conv_transpose``) and ``conv_weight_grad(x, g)``.
Input gradients add back with one shifted add per kernel offset (col2im), never ``np.add.at``.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._tensor import Tensor
from ._op import _DISCARD, Op, Samples, apply
from ._window import _fmt, _pad, _tuple
from .linalg import needs_grad


class ConvParams(tuple):
    """``(stride, padding, dilation, groups)``; padding is a ``(low, high)`` pair per spatial dim."""
    __slots__ = ()

    @property
    def stride(self): return self[0]

    @property
    def padding(self): return self[1]

    @property
    def dilation(self): return self[2]

    @property
    def groups(self): return self[3]


def _call(cls, a, b, *params):
    """Run op ``cls`` on arrays (a plain backward) or Tensors (a backward that records)."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return apply(cls, (a, b), *params)
    return cls.forward(_DISCARD, a, b, *params)


def _out_size(size, k, s, pad, d):
    return (size + pad[0] + pad[1] - d * (k - 1) - 1) // s + 1


def _columns(x, ksize, p, out):
    """im2col: ``(N, groups, C/groups * prod(k), prod(out))``, copied from a strided view whose last
    axes are the output positions, so the copy moves contiguous rows (fast) rather than kernel taps."""
    xp_ = _pad(x, p.padding)
    nd = len(ksize)
    s = xp_.strides
    strides = s[:2] + tuple(s[2 + i] * p.dilation[i] for i in range(nd)) + tuple(s[2 + i] * p.stride[i] for i in range(nd))
    view = as_strided(xp_, xp_.shape[:2] + tuple(ksize) + tuple(out), strides, writeable=False)
    n, c = x.shape[:2]
    return np.ascontiguousarray(view).reshape(n, p.groups, -1, int(np.prod(out)))


def _conv(x, w, p, ctx=None):
    """Cross-correlate ``x (N, C, *S)`` with ``w (O, C/groups, *k)``: one batched matmul."""
    nd = x.ndim - 2
    ksize = w.shape[2:]
    out = tuple(_out_size(x.shape[2 + i], ksize[i], p.stride[i], p.padding[i], p.dilation[i]) for i in range(nd))
    cols = _columns(x, ksize, p, out)
    if ctx is not None:
        ctx.cols = cols   # kept for the weight gradient of a plain backward
    res = np.matmul(w.reshape(p.groups, w.shape[0] // p.groups, -1), cols)
    return res.reshape((x.shape[0], w.shape[0]) + out)


def _conv_input_grad_flat(g, w, p, size):
    """``_conv_input_grad`` for stride 1, on flattened planes: an input position is an output position
    plus a fixed flat offset per kernel tap. ``g`` is laid into zeros of the padded input's plane shape,
    so each tap's product ``w_tap^T @ g`` lands on the padded input by one contiguous add at that
    offset (no im2col buffer, no short strided rows); the zero rows and columns of ``g`` add exact zeros
    wherever the shift wraps. Needs a finite ``w`` (0 * inf would be NaN there)."""
    n, o = g.shape[:2]
    out = g.shape[2:]
    groups = p.groups
    c = w.shape[1] * groups
    padded = tuple(size[i] + lo + hi for i, (lo, hi) in enumerate(p.padding))
    plane = int(np.prod(padded))
    gz = np.zeros((n, groups, o // groups) + padded, dtype=g.dtype)
    gz[(Ellipsis,) + tuple(slice(0, m) for m in out)] = g.reshape((n, groups, o // groups) + out)
    gz = gz.reshape(n, groups, o // groups, plane)
    row = np.cumprod((1,) + padded[:0:-1])[::-1]   # flat strides of the padded plane
    ksize = w.shape[2:]
    # (groups, *k, C/groups, O/groups): one (groups, C/groups, O/groups) matrix per tap
    wt = w.reshape((groups, o // groups, w.shape[1]) + ksize)
    wt = np.moveaxis(wt, (1, 2), (-1, -2))
    total = n * c * plane
    span = sum(d * (k - 1) * r for d, k, r in zip(p.dilation, ksize, row))
    buf = np.zeros(total + span, dtype=g.dtype)
    tmp = np.empty((n, groups, w.shape[1], plane), dtype=g.dtype)
    flat = tmp.reshape(-1)
    for offset in np.ndindex(*ksize):
        np.matmul(wt[(slice(None),) + offset], gz, out=tmp)
        start = sum(k * d * r for k, d, r in zip(offset, p.dilation, row))
        buf[start:start + total] += flat
    gp = buf[:total].reshape((n, c) + padded)
    crop = tuple(slice(lo, lo + m) for (lo, _), m in zip(p.padding, size))
    return gp[(slice(None), slice(None)) + crop]


def _conv_input_grad(g, w, p, size):
    """The adjoint of ``_conv`` in its input: ``g (N, O, *out)`` back to ``(N, C, *size)`` (col2im)."""
    if all(s == 1 for s in p.stride) and g.dtype.kind == "f" and np.isfinite(w).all():
        return _conv_input_grad_flat(g, w, p, size)
    nd = g.ndim - 2
    ksize = w.shape[2:]
    n, o = g.shape[:2]
    groups = p.groups
    wg = w.reshape(groups, o // groups, -1)
    cols = np.matmul(wg.transpose(0, 2, 1), g.reshape(n, groups, o // groups, -1))
    out = g.shape[2:]
    cols = cols.reshape((n, w.shape[1] * groups) + tuple(ksize) + tuple(out))
    padded = tuple(size[i] + p.padding[i][0] + p.padding[i][1] for i in range(nd))
    gp = np.zeros((n, cols.shape[1]) + padded, dtype=g.dtype)
    for offset in np.ndindex(*ksize):
        target = tuple(slice(k * d, k * d + s * (m - 1) + 1, s)
                       for k, d, s, m in zip(offset, p.dilation, p.stride, out))
        gp[(slice(None), slice(None)) + target] += cols[(slice(None), slice(None)) + offset]
    crop = tuple(slice(lo, lo + m) for (lo, _), m in zip(p.padding, size))
    return gp[(slice(None), slice(None)) + crop]


def _weight_from_columns(g, cols, p, wshape):
    n, o = g.shape[:2]
    gw = np.matmul(g.reshape(n, p.groups, o // p.groups, -1), cols.transpose(0, 1, 3, 2)).sum(0)
    return gw.reshape(wshape)


def _conv_weight_grad(x, g, p, ksize):
    """The adjoint of ``_conv`` in its weight: ``sum_n g[n] @ columns[n].T``."""
    cols = _columns(x, ksize, p, g.shape[2:])
    return _weight_from_columns(g, cols, p, (g.shape[1], x.shape[1] // p.groups) + tuple(ksize))


class Convolution(Op):
    """``conv(x, w) + b`` (conv1d/2d/3d): windows of the padded input contracted with the weight."""
    node_name = "ConvolutionBackward0"
    saves = ("x", "w")
    saved_names = {"x": "input", "w": "weight"}
    samples = Samples("nn.functional.conv2d", cases=lambda make: [
        ((make((2, 3, 6, 5)), make((4, 3, 3, 2)), make((4,))), {}),
        ((make((2, 4, 7, 7)), make((6, 2, 3, 3))), {"stride": 2, "padding": 1, "groups": 2}),
        ((make((1, 2, 7, 6)), make((3, 2, 2, 3))), {"stride": (2, 1), "padding": (1, 2), "dilation": (2, 1)}),
        ((make((1, 2, 5, 5)), make((2, 2, 2, 3)), make((2,))), {"padding": "same", "dilation": 2})])

    def forward(ctx, x, w, *rest):
        p = rest[-1]
        ctx.p = p
        ctx.has_bias = has_bias = len(rest) == 2
        out = _conv(x, w, p, ctx)
        if has_bias:
            out += rest[0].reshape((-1,) + (1,) * (x.ndim - 2))
        return out

    def backward(ctx, xp, grad, x, w):
        p = ctx.p
        gx = _call(ConvInputGrad, grad, w, p, x.shape[2:]) if needs_grad(ctx, 0) else None
        gw = None
        if needs_grad(ctx, 1):
            cols = ctx.__dict__.pop("cols", None)
            if cols is not None and not isinstance(grad, Tensor):   # fast path: reuse forward's im2col
                gw = _weight_from_columns(grad, cols, p, w.shape)
            else:
                gw = _call(ConvWeightGrad, x, grad, p, w.shape[2:])
        if not ctx.has_bias:
            return gx, gw
        gb = xp.sum(grad, (0,) + tuple(range(2, grad.ndim))) if needs_grad(ctx, 2) else None
        return gx, gw, gb


class ConvInputGrad(Op):
    """The input gradient of a convolution, ``conv_transpose(g, w)``; its backward is conv again."""
    node_name = "ConvolutionBackward0"
    saves = ("g", "w")

    def forward(ctx, g, w, p, size):
        ctx.p = p
        return _conv_input_grad(g, w, p, size)

    def backward(ctx, xp, grad, g, w):
        gg = _call(Convolution, grad, w, ctx.p) if needs_grad(ctx, 0) else None
        gw = _call(ConvWeightGrad, grad, g, ctx.p, w.shape[2:]) if needs_grad(ctx, 1) else None
        return gg, gw


class ConvWeightGrad(Op):
    """The weight gradient of a convolution; its backward is conv and conv_transpose."""
    node_name = "ConvolutionBackwardBackward0"
    saves = ("x", "g")

    def forward(ctx, x, g, p, ksize):
        ctx.p = p
        return _conv_weight_grad(x, g, p, ksize)

    def backward(ctx, xp, grad, x, g):
        gx = _call(ConvInputGrad, g, grad, ctx.p, x.shape[2:]) if needs_grad(ctx, 0) else None
        gg = _call(Convolution, x, grad, ctx.p) if needs_grad(ctx, 1) else None
        return gx, gg


class ConvTranspose(Op):
    """``conv_transpose(x, w) + b``: the adjoint of a convolution with weight ``w (C_in, C_out/groups, *k)``."""
    node_name = "ConvolutionBackward0"
    saves = ("x", "w")
    saved_names = {"x": "input", "w": "weight"}
    samples = Samples("nn.functional.conv_transpose2d", cases=lambda make: [
        ((make((2, 3, 4, 5)), make((3, 2, 3, 2)), make((2,))), {}),
        ((make((1, 4, 3, 3)), make((4, 1, 3, 3))), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}),
        ((make((1, 2, 3, 4)), make((2, 3, 2, 2))), {"stride": (2, 3), "dilation": 2})])

    def forward(ctx, x, w, *rest):
        p, size = rest[-2], rest[-1]
        ctx.p = p
        ctx.has_bias = has_bias = len(rest) == 3
        out = _conv_input_grad(x, w, p, size)
        if has_bias:
            out += rest[0].reshape((-1,) + (1,) * (x.ndim - 2))
        return out

    def backward(ctx, xp, grad, x, w):
        gx = _call(Convolution, grad, w, ctx.p) if needs_grad(ctx, 0) else None
        gw = _call(ConvWeightGrad, grad, x, ctx.p, w.shape[2:]) if needs_grad(ctx, 1) else None
        if not ctx.has_bias:
            return gx, gw
        return gx, gw, (xp.sum(grad, (0,) + tuple(range(2, grad.ndim))) if needs_grad(ctx, 2) else None)


def _check_conv(input, weight, groups, nd, transposed=False):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv{nd}d, but got "
                           f"input of size: {_fmt(input.shape)}")
    if weight.ndim != nd + 2:
        raise RuntimeError("weight should have at least three dimensions" if nd == 1 else
                           f"Expected {nd + 2}-dimensional input for {nd + 2}-dimensional weight "
                           f"{_fmt(weight.shape)}, but got {input.ndim}-dimensional input of size "
                           f"{_fmt(input.shape)} instead")
    channels = input.shape[-nd - 1]
    if not transposed and channels != weight.shape[1] * groups:
        shown = input.shape if input.ndim == nd + 2 else (1,) + tuple(input.shape)
        raise RuntimeError(f"Given groups={groups}, weight of size {_fmt(weight.shape)}, expected input"
                           f"{_fmt(shown)} to have {weight.shape[1] * groups} channels, but got {channels} "
                           f"channels instead")
    if transposed and channels != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {_fmt(weight.shape)}, expected input"
                           f"{_fmt(input.shape)} to have {weight.shape[0]} channels, but got {channels} channels "
                           f"instead")


def _same_padding(ksize, dilation, stride):
    if any(s != 1 for s in stride):
        raise ValueError("padding='same' is not supported for strided convolutions")
    return tuple(((d * (k - 1)) // 2, d * (k - 1) - (d * (k - 1)) // 2) for k, d in zip(ksize, dilation))


def _convnd(input, weight, bias, stride, padding, dilation, groups, nd):
    _check_conv(input, weight, groups, nd)
    unbatched = input.ndim == nd + 1
    if unbatched:
        from .shape import unsqueeze
        input = unsqueeze(input, 0)
    stride, dilation = _tuple(stride, nd), _tuple(dilation, nd, "dilation")
    ksize = weight.shape[2:]
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"Invalid padding string '{padding}'")
        pad = _same_padding(ksize, dilation, stride) if padding == "same" else ((0, 0),) * nd
    else:
        pad = tuple((p, p) for p in _tuple(padding, nd, "padding"))
    sizes = [input.shape[2 + i] + sum(pad[i]) for i in range(nd)]
    if any(sizes[i] < dilation[i] * (ksize[i] - 1) + 1 for i in range(nd)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, sizes))}). Kernel size: "
                           f"({' x '.join(str(dilation[i] * (ksize[i] - 1) + 1) for i in range(nd))}). Kernel size "
                           f"can't be greater than actual input size")
    params = ConvParams((stride, pad, dilation, groups))
    tensors = (input, weight) if bias is None else (input, weight, bias)
    out = apply(Convolution, tensors, params)
    if unbatched:
        from .shape import squeeze
        out = squeeze(out, 0)
    return out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Return the 1-D cross-correlation of ``input (N, C, L)`` with ``weight (O, C/groups, k)``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Return the 2-D cross-correlation of ``input (N, C, H, W)`` with ``weight (O, C/groups, kH, kW)``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Return the 3-D cross-correlation of ``input (N, C, D, H, W)`` with ``weight``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3)


def _conv_transposend(input, weight, bias, stride, padding, output_padding, groups, dilation, nd):
    _check_conv(input, weight, groups, nd, transposed=True)
    stride, dilation = _tuple(stride, nd), _tuple(dilation, nd, "dilation")
    pad, opad = _tuple(padding, nd, "padding"), _tuple(output_padding, nd, "output_padding")
    for o, s, d in zip(opad, stride, dilation):
        if o >= s and o >= d:
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               f"output_padding_height: {opad[0]} output_padding_width: {opad[-1]} stride_height: "
                               f"{stride[0]} stride_width: {stride[-1]} dilation_height: {dilation[0]} "
                               f"dilation_width: {dilation[-1]}")
    ksize = weight.shape[2:]
    size = tuple((input.shape[2 + i] - 1) * stride[i] - 2 * pad[i] + dilation[i] * (ksize[i] - 1) + opad[i] + 1
                 for i in range(nd))
    params = ConvParams((stride, tuple((p, p) for p in pad), dilation, groups))
    tensors = (input, weight) if bias is None else (input, weight, bias)
    return apply(ConvTranspose, tensors, params, size)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Return the 1-D transposed convolution ("deconvolution") of ``input`` with ``weight (C_in, C_out/g, k)``."""
    return _conv_transposend(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Return the 2-D transposed convolution of ``input`` with ``weight (C_in, C_out/groups, kH, kW)``."""
    return _conv_transposend(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


OPS = (Convolution, ConvInputGrad, ConvWeightGrad, ConvTranspose)
