"""PyTorch's ``out=`` argument: the result is written into a given tensor, which is returned.

Rules, as PyTorch's: ``out=`` does not record a graph (an input or ``out`` that requires grad while
grad mode is on is an error naming the function); the result is cast to ``out``'s dtype unless
that would lower its category (float into an integer tensor); an ``out`` of another shape is
resized, with PyTorch's deprecation warning when it had elements. The write goes into ``out``'s
own memory when the shape matches, so views of it and NumPy arrays sharing it see the values.
"""
import warnings

import numpy as np

from .._dtype import can_cast, from_numpy
from .._tensor import Tensor
from ..autograd.grad_mode import _state
from ._ew_base import SCALAR_NAMES

__all__ = ["store"]

_RESIZED = ("An output with one or more elements was resized since it had shape {}, which does not match the "
            "required output shape {}. This behavior is deprecated, and in a future PyTorch release outputs "
            "will not be resized unless they have zero elements. You can explicitly reuse an out tensor t by "
            "resizing it, inplace, to zero elements with t.resize_(0).")


def _check(result, out, name):
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _state.enabled and (result._requires_grad or out._requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    src, dst = result._data.dtype, out._data.dtype
    if src != dst and not can_cast(from_numpy(src), from_numpy(dst)):
        raise RuntimeError(f"result type {SCALAR_NAMES[src.char]} can't be cast to the desired output type "
                           f"{SCALAR_NAMES[dst.char]}")


def _write(result, out):
    data = out._data
    shape = result._data.shape
    if data.shape == shape:
        np.copyto(data, result._data, casting="unsafe")
    else:
        if data.size:
            warnings.warn(_RESIZED.format(list(data.shape), list(shape)), UserWarning, stacklevel=4)
        out._data = result._data.astype(data.dtype, copy=True)
    out._bump_version()


def store(result, out, name):
    """Return ``result``, or, given ``out`` (a tensor or a tuple of them), write it there and return ``out``."""
    if out is None:
        return result
    if isinstance(out, (tuple, list)) and isinstance(result, tuple):
        if len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be tuple of {len(result)} Tensors")
        for r, o in zip(result, out):
            _check(r, o, name)
        for r, o in zip(result, out):
            _write(r, o)
        return type(result)(*out) if hasattr(result, "_fields") else tuple(out)
    _check(result, out, name)
    _write(result, out)
    return out
