"""In-place ops (``add_``, ``mul_`` ..., ``+=``): the out-of-place op, written back into the tensor.

They follow PyTorch's rules: refused on a leaf that requires grad (while grad mode is on), they
bump the version counter shared with views, and a recorded in-place op makes the tensor the output
of the new node. If the op saved the tensor itself for backward, a copy of the original is saved
instead (PyTorch's ``original_self``), since the data is about to be overwritten.
"""
import numpy as np

from .._dtype import can_cast, from_numpy
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from . import elementwise as _ew

_LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


def _check_leaf(t):
    if t._requires_grad and t._node is None and _state.enabled:
        raise RuntimeError(_LEAF_ERROR)


def _write_back(t, result):
    """Store ``result`` (a new tensor) into ``t`` in place; ``t`` takes over its graph position."""
    out = result._data
    if out.dtype != t._data.dtype and not can_cast(from_numpy(out.dtype), t.dtype):
        names = {"f": "Float", "d": "Double", "e": "Half", "l": "Long", "q": "Long", "i": "Int", "h": "Short",
                 "b": "Char", "B": "Byte", "?": "Bool"}
        raise RuntimeError(f"result type {names[out.dtype.char]} can't be cast to the desired output type "
                           f"{names[t._data.dtype.char]}")
    if out.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                           f"{list(out.shape)}")
    node = result._node
    if node is not None:
        _protect_saved_self(node, t)
    np.copyto(t._data, out, casting="unsafe")
    t._bump_version()
    if node is not None:
        if t._base is not None and t._base._requires_grad:
            raise RuntimeError("ember does not support in-place operations that record a gradient on a view of "
                               "a tensor that requires grad; use the out-of-place operation instead")
        node._shape = t._data.shape
        node._dtype = t._data.dtype
        t._node = node
        t._requires_grad = True
        if "_out_nr" in t.__dict__:
            del t._out_nr
    return t


def _protect_saved_self(node, t):
    saved = node._saved
    if not saved or not any(s is t for s in saved):
        return
    snapshot = _wrap(t._data.copy())
    snapshot._node = t._node
    snapshot._requires_grad = t._requires_grad
    if t._out_nr:
        snapshot._out_nr = t._out_nr
    node._saved = tuple(snapshot if s is t else s for s in saved)
    node._versions = tuple(0 if s is t else v for s, v in zip(saved, node._versions))


def _inplace(op, t, *args, **kwargs):
    _check_leaf(t)
    return _write_back(t, op(t, *args, **kwargs))


def add_(t, other, *, alpha=1):
    """In-place ``t += alpha * other``."""
    return _inplace(_ew.add, t, other, alpha=alpha)


def sub_(t, other, *, alpha=1):
    """In-place ``t -= alpha * other``."""
    return _inplace(_ew.sub, t, other, alpha=alpha)


def mul_(t, other):
    """In-place ``t *= other``."""
    return _inplace(_ew.mul, t, other)


def div_(t, other, *, rounding_mode=None):
    """In-place ``t /= other``."""
    return _inplace(_ew.div, t, other, rounding_mode=rounding_mode)


def pow_(t, exponent):
    """In-place ``t **= exponent``."""
    return _inplace(_ew.pow, t, exponent)


def zero_(t):
    """Fill ``t`` with zeros, in place."""
    return fill_(t, 0)


def fill_(t, value):
    """Fill ``t`` with ``value``, in place."""
    _check_leaf(t)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        value = value.item()
    if t._node is not None and _state.enabled:
        from .._creation import full_like
        return _write_back(t, _ew.add(_ew.mul(t, 0), full_like(t, value)))
    t._data[...] = value
    t._bump_version()
    return t


def copy_(t, src):
    """Copy the elements of ``src`` into ``t`` (broadcast), in place."""
    _check_leaf(t)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    if _state.enabled and (src._requires_grad or t._node is not None):
        return _write_back(t, _ew.add(_ew.mul(t, 0), _ew.to(src, t.dtype)))
    try:
        np.copyto(t._data, np.broadcast_to(src._data, t._data.shape), casting="unsafe")
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({t._data.shape[-1] if t._data.ndim else 1}) must match the "
                           f"size of tensor b ({src._data.shape[-1] if src._data.ndim else 1}) at non-singleton "
                           f"dimension {max(t._data.ndim - 1, 0)}") from None
    t._bump_version()
    return t
