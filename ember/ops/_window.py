"""Helpers shared by convolution and pooling: padding, strided window views, argument tuples."""
import numpy as np
from numpy.lib.stride_tricks import as_strided


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
