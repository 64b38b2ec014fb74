"""Max and average pooling on strided views of the (padded) input: no Python loop over pixels.

Max pooling keeps, per window, the flat index of its first maximum (PyTorch's choice); its gradient
scatters there and the gradient's own derivative gathers from there. Non-overlapping windows (stride
= kernel, the common 2x2 case) take a faster route over the taps' strided views.
"""
import numpy as np

from .._tensor import Tensor
from ._op import _DISCARD, Op, Samples
from ._window import _fmt, _pad, _tuple, _windows


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
    """``_tiled_max``'s input gradient: each tap's strided view gets ``g`` where that tap won, else 0.

    The selection multiplies ``g``'s bit patterns by 0 or 1 as unsigned integers, so the zeros are
    +0.0 and an infinite or NaN ``g`` stays where it won (a float ``g * 0`` gives -0.0 and NaN).
    PyTorch adds ``g`` into zeros, which turns a -0.0 gradient into +0.0: adding +0.0 first does too."""
    out = g.shape[2:]
    covered = all(o * ki == n for o, ki, n in zip(out, k, size[2:]))
    gx = (np.empty if covered else np.zeros)(size, dtype=g.dtype)
    uint = np.dtype(f"u{g.itemsize}")
    bits = (g + np.zeros((), g.dtype)).view(uint)
    for t, view in enumerate(_taps(gx, k, out)):
        np.multiply(bits, tap == t, out=view.view(uint))
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


OPS = (MaxPool, MaxPoolGrad, MaxPoolGather, AvgPool, AvgPoolGrad)
