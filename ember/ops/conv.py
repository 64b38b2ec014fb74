"""Convolution and pooling on strided views: no Python loop over pixels or the batch.

A convolution is one strided window view of the padded input and one ``tensordot``. Its three
bilinear maps are ops whose backwards are each other, so any order of derivative works:
``conv(x, w)``, ``conv_input_grad(g, w)`` (= ``conv_transpose``) and ``conv_weight_grad(x, g)``.
Input gradients scatter back with one strided add per kernel offset (col2im), never ``np.add.at``.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._tensor import Tensor
from ._op import _DISCARD, Op, Samples, apply
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


def _pad(x, padding, value=0.0):
    if not any(lo or hi for lo, hi in padding):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(padding), constant_values=value)


def _windows(xp_, ksize, out, stride, dilation):
    """A read-only view ``(N, C, *out, *ksize)`` of the windows of the padded input ``xp_``."""
    s = xp_.strides
    nd = len(ksize)
    strides = s[:2] + tuple(s[2 + i] * stride[i] for i in range(nd)) + tuple(s[2 + i] * dilation[i] for i in range(nd))
    return as_strided(xp_, xp_.shape[:2] + tuple(out) + tuple(ksize), strides, writeable=False)


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


def _tuple(v, nd, name="stride"):
    if isinstance(v, (int, np.integer)):
        return (int(v),) * nd
    v = tuple(int(i) for i in v)
    if len(v) == 1:
        return v * nd
    if len(v) != nd:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} values to match the "
                           f"convolution dimensions, but got {name}={list(v)}")
    return v


def _fmt(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_conv(input, weight, groups, nd, transposed=False):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv{nd}d, but got "
                           f"input of size: {_fmt(input.shape)}")
    if weight.ndim != nd + 2:
        raise RuntimeError(f"weight should have at least three dimensions" if nd == 1 else
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


# ---------------------------------------------------------------- pooling


def _pool_geometry(shape, k, s, pad, d, ceil_mode):
    """Output sizes and the extra right padding that ceil_mode's last window needs."""
    out, extra = [], []
    for n, ki, si, pi, di in zip(shape, k, s, pad, d):
        span = n + 2 * pi - di * (ki - 1) - 1
        o = (-(-span // si) if ceil_mode else span // si) + 1
        if ceil_mode and (o - 1) * si >= n + pi:
            o -= 1
        out.append(o)
        extra.append(max(0, (o - 1) * si + di * (ki - 1) + 1 - (n + 2 * pi)))
    return tuple(out), tuple((pi, pi + e) for pi, e in zip(pad, extra))


class MaxPool(Op):
    """The maximum of each window; backward routes each gradient to its window's argmax."""
    node_name = "MaxPool2DWithIndicesBackward0"
    samples = Samples("nn.functional.max_pool2d", cases=lambda make: [
        ((make((2, 3, 6, 6)), 2), {}), ((make((1, 2, 7, 5)), 3), {"stride": 2, "padding": 1}),
        ((make((1, 2, 7, 7)), (2, 3)), {"stride": (2, 1), "dilation": (2, 1), "ceil_mode": True})])

    def forward(ctx, x, k, s, d, out, padding, sink):
        if sink is None and k == s and not any(lo or hi for lo, hi in padding) and all(di == 1 for di in d):
            res = _tiled_max(ctx, x, k, out)
            if res is not None:
                return res
        nd = len(k)
        xp_ = _pad(x, padding, -np.inf)
        win = _windows(xp_, k, out, s, d)
        # a running maximum over the kernel taps: K passes over output-sized strided views, no copy
        # of the windows; the first maximum wins and NaN propagates, as in PyTorch
        res = win[(Ellipsis,) + (0,) * nd].copy()
        padded = xp_.shape[2:]
        tap = np.zeros(res.shape, dtype=np.int64)   # flat offset of the winning tap in the padded input
        check_nan = x.dtype.kind == "f" and np.isnan(x).any()
        for t, offset in enumerate(np.ndindex(*k)):
            if t:
                v = win[(Ellipsis,) + offset]
                take = v > res
                if check_nan:
                    take |= np.isnan(v)
                np.copyto(res, v, where=take)
                np.copyto(tap, int(np.ravel_multi_index(tuple(o * di for o, di in zip(offset, d)), padded)),
                          where=take)
        # flat index of each window's start inside the padded input, plus the winning tap
        start = np.zeros((), dtype=np.int64)
        for i in range(nd):
            start = start[..., None] * padded[i] + np.arange(out[i]) * s[i]
        pidx = tap + start
        ctx.pidx, ctx.padded, ctx.padding = pidx, xp_.shape[2:], padding
        if sink is not None:  # return_indices: PyTorch's indices count in the unpadded input
            sink.append(_unpadded_index(pidx, xp_.shape[2:], padding, x.shape[2:]))
        return res

    def backward(ctx, xp, grad):
        tap = ctx.__dict__.get("tap")
        if tap is not None:
            if not isinstance(grad, Tensor):
                return (_tiled_max_grad(grad, tap, ctx.k, ctx.size),)
            ctx.pidx = _tiled_pidx(tap, ctx.k, ctx.size)  # a recording backward takes the general route
        return (_gather_call(MaxPoolGrad, grad, ctx.pidx, ctx.padded, ctx.padding),)


def _taps(a, k, out):
    """The ``prod(k)`` strided views ``(N, C, *out)`` of non-overlapping windows' taps, in window order."""
    return [a[(Ellipsis,) + tuple(slice(t, t + (o - 1) * ki + 1, ki) for t, o, ki in zip(offset, out, k))]
            for offset in np.ndindex(*k)]


def _tiled_max(ctx, x, k, out):
    """Max pooling over non-overlapping windows (stride = kernel, no padding or dilation): a running
    maximum over the taps' strided views, and the winning tap of each window as a small integer.

    PyTorch routes a window's gradient to its first maximum (ties are common: a window of zeros after
    ReLU), so the tap is the first one equal to the maximum. NaN (PyTorch picks the last NaN) takes
    the general route: returns None then."""
    taps = _taps(x, k, out)
    if len(taps) == 1 or len(taps) > 255:
        return None
    res = np.maximum(taps[0], taps[1])
    for v in taps[2:]:
        np.maximum(res, v, out=res)
    if x.dtype.kind == "f" and np.isnan(res).any():
        return None
    # tap = how many taps precede the first equal to the maximum = sum over t of "none of 0..t equal"
    tap = np.zeros(res.shape, dtype=np.uint8)
    missed = np.not_equal(taps[0], res)
    if len(taps) > 2:
        eq = np.empty(res.shape, dtype=bool)
        for v in taps[1:-1]:
            np.add(tap, missed, out=tap)
            np.not_equal(v, res, out=eq)
            missed &= eq
    np.add(tap, missed, out=tap)
    ctx.tap, ctx.k, ctx.size = tap, k, x.shape
    ctx.padded, ctx.padding = x.shape[2:], ((0, 0),) * len(k)
    return res


def _tiled_max_grad(g, tap, k, size):
    """``_tiled_max``'s input gradient: each tap's strided view gets ``g`` where that tap won, else 0."""
    out = g.shape[2:]
    covered = all(o * ki == n for o, ki, n in zip(out, k, size[2:]))
    gx = (np.empty if covered else np.zeros)(size, dtype=g.dtype)
    finite = g.dtype.kind != "f" or bool(np.isfinite(g).all())
    for t, view in enumerate(_taps(gx, k, out)):
        won = tap == t
        if finite:
            np.multiply(g, won, out=view)
        else:  # 0 * inf would leave NaN where PyTorch leaves 0
            view[...] = np.where(won, g, 0)
    return gx


def _tiled_pidx(tap, k, size):
    """Flat indices into the input (``MaxPool``'s general ``pidx``) of ``_tiled_max``'s winning taps."""
    spatial = size[2:]
    offsets = np.array([np.ravel_multi_index(offset, spatial) for offset in np.ndindex(*k)], dtype=np.int64)
    start = np.zeros((), dtype=np.int64)
    for n, o, ki in zip(spatial, tap.shape[2:], k):
        start = start[..., None] * n + np.arange(o) * ki
    return offsets[tap] + start


def _unpadded_index(pidx, padded, padding, size):
    coords = np.unravel_index(pidx, padded)
    flat = np.zeros(pidx.shape, dtype=np.int64)
    for c, (lo, _), n in zip(coords, padding, size):
        flat = flat * n + (c - lo)
    return flat


def _scatter(g, pidx, padded, padding):
    """Sum ``g`` into zeros of the padded input's shape at flat indices ``pidx``; crop the padding."""
    n, c = g.shape[:2]
    size = int(np.prod(padded))
    base = (np.arange(n * c, dtype=np.int64) * size).reshape(n, c, *(1,) * (g.ndim - 2))
    out = np.bincount((pidx + base).ravel(), weights=g.ravel(), minlength=n * c * size)
    out = out.astype(g.dtype, copy=False).reshape((n, c) + tuple(padded))
    return out[(slice(None), slice(None)) + tuple(slice(lo, p - hi) for (lo, hi), p in zip(padding, padded))]


def _gather(u, pidx, padding):
    up = _pad(u, padding)
    flat = up.reshape(up.shape[:2] + (-1,))
    return np.take_along_axis(flat, pidx.reshape(pidx.shape[:2] + (-1,)), -1).reshape(pidx.shape)


def _gather_call(cls, g, pidx, padded, padding):
    if isinstance(g, Tensor):
        from ._op import apply_unary
        return apply_unary(cls, g, pidx, padded, padding)
    return cls.forward(_DISCARD, g, pidx, padded, padding)


class MaxPoolGrad(Op):
    """Max pooling's input gradient (a scatter); its own gradient gathers at the same places."""
    node_name = "MaxPool2DWithIndicesBackwardBackward0"

    def forward(ctx, g, pidx, padded, padding):
        ctx.pidx, ctx.padded, ctx.padding = pidx, padded, padding
        return _scatter(g, pidx, padded, padding)

    def backward(ctx, xp, grad):
        return (_gather_call(MaxPoolGather, grad, ctx.pidx, ctx.padded, ctx.padding),)


class MaxPoolGather(MaxPoolGrad):
    """Values picked at max pooling's argmax positions (the derivative of its gradient)."""
    node_name = "MaxPoolGatherBackward0"

    def forward(ctx, u, pidx, padded, padding):
        ctx.pidx, ctx.padded, ctx.padding = pidx, padded, padding
        return _gather(u, pidx, padding)

    def backward(ctx, xp, grad):
        return (_gather_call(MaxPoolGrad, grad, ctx.pidx, ctx.padded, ctx.padding),)


class AvgPool(Op):
    """The mean of each window (its divisor per ``count_include_pad``/``divisor_override``)."""
    node_name = "AvgPool2DBackward0"
    samples = Samples("nn.functional.avg_pool2d", cases=lambda make: [
        ((make((2, 3, 6, 6)), 2), {}), ((make((1, 2, 7, 5)), 3), {"stride": 2, "padding": 1}),
        ((make((1, 2, 7, 5)), 3), {"stride": 2, "padding": 1, "count_include_pad": False, "ceil_mode": True}),
        ((make((1, 1, 5, 5)), (2, 3)), {"divisor_override": 2})])

    def forward(ctx, x, k, s, out, padding, div, size=None):
        ctx.geom = (k, s, out, padding, div, x.shape[2:])
        win = _windows(_pad(x, padding), k, out, s, (1,) * len(k))
        total = win.sum(axis=tuple(range(-len(k), 0)))
        return (total / div).astype(x.dtype, copy=False)

    def backward(ctx, xp, grad):
        return (_gather_call2(AvgPoolGrad, grad, ctx.geom),)


def _gather_call2(cls, g, geom):
    if isinstance(g, Tensor):
        from ._op import apply_unary
        return apply_unary(cls, g, *geom)
    return cls.forward(_DISCARD, g, *geom)


class AvgPoolGrad(Op):
    """Average pooling's input gradient: each window's share added back (col2im)."""
    node_name = "AvgPool2DBackwardBackward0"

    def forward(ctx, g, k, s, out, padding, div, size):
        ctx.geom = (k, s, out, padding, div, size)
        share = g / div
        padded = tuple(n + lo + hi for n, (lo, hi) in zip(size, padding))
        gp = np.zeros(g.shape[:2] + padded, dtype=g.dtype)
        for offset in np.ndindex(*k):
            gp[(Ellipsis,) + tuple(slice(o, o + si * (n - 1) + 1, si) for o, si, n in zip(offset, s, out))] += share
        return gp[(Ellipsis,) + tuple(slice(lo, lo + n) for (lo, _), n in zip(padding, size))]

    def backward(ctx, xp, grad):
        return (_gather_call2(AvgPool, grad, ctx.geom),)


def _divisor(size, k, s, pad, out, count_include_pad, divisor_override, dtype):
    """Per-output divisors (separable over dims): window sizes clipped as PyTorch clips them."""
    if divisor_override:
        return divisor_override
    div = np.ones((), dtype=dtype)
    for n, ki, si, pi, o in zip(size, k, s, pad, out):
        start = np.arange(o) * si - pi
        end = np.minimum(start + ki, n + pi)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        div = div[..., None] * (end - start).astype(dtype)
    return div


def _pool_args(input, kernel_size, stride, padding, dilation, nd, name):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got: {_fmt(input.shape)}")
    k = _tuple(kernel_size, nd, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _tuple(stride, nd)
    p, d = _tuple(padding, nd, "padding"), _tuple(dilation, nd, "dilation")
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p[0]}, "
                           f"kernel_size={k[0]} and dilation={d[0]}")
    return k, s, p, d


def _batched(input, nd):
    from .shape import unsqueeze
    return (unsqueeze(input, 0), True) if input.ndim == nd + 1 else (input, False)


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd, name):
    from ._op import apply_unary
    from .shape import squeeze
    k, s, p, d = _pool_args(input, kernel_size, stride, padding, dilation, nd, name)
    x, unbatched = _batched(input, nd)
    out, padding = _pool_geometry(x.shape[2:], k, s, p, d, ceil_mode)
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). Calculated output size: "
                           f"({'x'.join(map(str, (x.shape[1],) + out))}). Output size is too small")
    sink = [] if return_indices else None
    res = apply_unary(MaxPool, x, k, s, d, out, padding, sink)
    if unbatched:
        res = squeeze(res, 0)
    if not return_indices:
        return res
    from .._tensor import _wrap
    idx = sink[0][0] if unbatched else sink[0]
    return res, _wrap(idx)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Return the maximum over sliding windows of ``input (N, C, L)``."""
    from .shape import squeeze, unsqueeze
    r = _max_pool(unsqueeze(input, -2), (1, _tuple(kernel_size, 1)[0]),
                  None if stride is None else (1, _tuple(stride, 1)[0]), (0, _tuple(padding, 1)[0]),
                  (1, _tuple(dilation, 1)[0]), ceil_mode, return_indices, 2, "max_pool1d")
    return (squeeze(r[0], -2), squeeze(r[1], -2)) if return_indices else squeeze(r, -2)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Return the maximum over sliding windows of ``input (N, C, H, W)`` (and their indices)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2, "max_pool2d")


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, nd):
    from ._op import apply_unary
    from .shape import squeeze
    k, s, p, _ = _pool_args(input, kernel_size, stride, padding, 1, nd, f"avg_pool{nd}d")
    x, unbatched = _batched(input, nd)
    out, padding = _pool_geometry(x.shape[2:], k, s, p, (1,) * nd, ceil_mode)
    div = _divisor(x.shape[2:], k, s, p, out, count_include_pad, divisor_override, x._data.dtype)
    res = apply_unary(AvgPool, x, k, s, out, padding, div)
    return squeeze(res, 0) if unbatched else res


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Return the mean over sliding windows of ``input (N, C, L)``."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Return the mean over sliding windows of ``input (N, C, H, W)``."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Return the maximum over sliding windows of ``input (N, C, D, H, W)``."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3, "max_pool3d")


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Return the mean over sliding windows of ``input (N, C, D, H, W)``."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3)


OPS = (Convolution, ConvInputGrad, ConvWeightGrad, ConvTranspose, MaxPool, MaxPoolGrad, MaxPoolGather, AvgPool,
       AvgPoolGrad)
