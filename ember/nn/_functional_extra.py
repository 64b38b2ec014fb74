"""More of ``torch.nn.functional``: pixel/channel shuffles and interpolation (``interpolate``/``upsample``).

Composed from ember's differentiable ops (indexing and products with constant weights), so gradients
come from the ops' own backward formulas.
"""
import math
import warnings

import numpy as np

from .._tensor import _wrap

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "interpolate",
           "upsample", "upsample_nearest", "upsample_bilinear"]


# ---------------------------------------------------------------- shuffles


def pixel_shuffle(input, upscale_factor):
    """Rearrange ``(*, C*r^2, H, W)`` into ``(*, C, H*r, W*r)``."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """Rearrange ``(*, C, H*r, W*r)`` into ``(*, C*r^2, H, W)``: the inverse of :func:`pixel_shuffle`."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    *lead, c, h, w = input.shape
    for name, size, d in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                               f"input.size({d})={size} is not divisible by {r}")
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    """Split the channels of ``(N, C, *)`` into ``groups`` and interleave them."""
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    n, c, *rest = input.shape
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    return input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(input.shape)


native_channel_shuffle = channel_shuffle


# ---------------------------------------------------------------- interpolation

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_LINEAR = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _nearest_index(n_in, n_out, scale, exact):
    """PyTorch's nearest source indices (its CPU kernel computes the scale in float32)."""
    dst = np.arange(n_out)
    if not exact and n_out == n_in:
        return dst
    if not exact and n_out == 2 * n_in:
        return dst >> 1
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(n_in) / np.float32(n_out)
    pos = (dst.astype(np.float32) + np.float32(0.5)) * s if exact else dst.astype(np.float32) * s
    return np.minimum(np.floor(pos).astype(np.int64), n_in - 1)


def _linear_weights(n_in, n_out, scale, align_corners, dtype):
    """Left indices, right indices and the two weights of linear interpolation along one axis."""
    op = np.float64 if dtype == np.float64 else np.float32   # PyTorch's opmath type
    if align_corners:
        s = op(n_in - 1) / op(n_out - 1) if n_out > 1 else op(0)
        src = s * np.arange(n_out).astype(op)
    else:
        s = op(1.0 / scale) if scale is not None and scale > 0 else op(n_in) / op(n_out)
        src = np.maximum(s * (np.arange(n_out).astype(op) + op(0.5)) - op(0.5), op(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    lam = np.clip(src - i0.astype(op), 0, 1).astype(op)
    i1 = i0 + (i0 < n_in - 1)
    return i0, i1, (op(1) - lam).astype(dtype), lam.astype(dtype)


def _along(x, axis, index):
    return x[(slice(None),) * axis + (_wrap(index),)]


def _output_size(input, size, scale_factor, recompute_scale_factor):
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        out = list(size) if isinstance(size, (list, tuple)) else [size] * dim
        if len(out) != dim:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(input.shape[2:])} and output size of {size}. Please "
                             f"provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, "
                             f"...,oK) format.")
        return [int(o) for o in out], [None] * dim
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * dim
    if len(scales) != dim:
        raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                         f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                         f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                         f"scale_factor in (s1, s2, ...,sK) format.")
    out = [math.floor(float(input.shape[i + 2] * scales[i])) for i in range(dim)]
    return out, ([None] * dim if recompute_scale_factor else [float(s) for s in scales])


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Return ``input`` resampled to ``size`` (or scaled by ``scale_factor``) with the given ``mode``."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if antialias:
        raise NotImplementedError("ember: interpolate with antialias=True is not implemented")
    if mode in _LINEAR and input.ndim != _LINEAR[mode] and input.ndim in (3, 4, 5):
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR[mode]}D input")
    if input.ndim not in (3, 4, 5) or mode not in ("nearest", "nearest-exact", "area", *_LINEAR):
        if mode == "bicubic" and input.ndim == 4:
            raise NotImplementedError("ember: interpolate mode 'bicubic' is not implemented")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  f"the modes: {_MODES} (got {mode})")
    out_size, scales = _output_size(input, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        from . import functional as F
        pool = {3: F.adaptive_avg_pool1d, 4: F.adaptive_avg_pool2d, 5: F.adaptive_avg_pool3d}[input.ndim]
        return pool(input, out_size)
    x = input
    for i in reversed(range(len(out_size))):   # last axis first, as PyTorch's kernels nest their weights
        axis, n_in = i + 2, input.shape[i + 2]
        if mode in ("nearest", "nearest-exact"):
            x = _along(x, axis, _nearest_index(n_in, out_size[i], scales[i], mode == "nearest-exact"))
            continue
        i0, i1, w0, w1 = _linear_weights(n_in, out_size[i], scales[i], align_corners, input._data.dtype)
        shape = (-1,) + (1,) * (input.ndim - axis - 1)
        x = _along(x, axis, i0) * _wrap(w0.reshape(shape)) + _along(x, axis, i1) * _wrap(w1.reshape(shape))
    return x


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate` (with PyTorch's warning)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: nearest-neighbour :func:`interpolate`."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: bilinear :func:`interpolate` with ``align_corners=True``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
