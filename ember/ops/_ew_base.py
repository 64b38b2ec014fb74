"""Shared pieces of the elementwise family: dtype casts (``to``), promotion of several operands, and
PyTorch's names for dtypes in error messages. Imported by every ``_ew_*`` module and re-exported
by ``elementwise``.
"""
import numpy as np

from .._dtype import _BY_CHAR, dtype as _dtype_cls, get_default_dtype, result_type
from .._tensor import Tensor, _wrap
from ._op import Op, apply, apply_unary, broadcast_error

# PyTorch's scalar-type names (``'Long'``) and C++ type names (``long int``), keyed by NumPy type code
SCALAR_NAMES = {"f": "Float", "d": "Double", "e": "Half", "l": "Long", "q": "Long", "i": "Int", "h": "Short",
                "b": "Char", "B": "Byte", "?": "Bool"}
CPP_NAMES = {"f": "float", "d": "double", "e": "c10::Half", "l": "long int", "q": "long int", "i": "int",
             "h": "short int", "b": "signed char", "B": "unsigned char", "?": "bool"}


def not_implemented(kernel, t):
    """PyTorch's error for a kernel that has no implementation for ``t``'s dtype."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{SCALAR_NAMES[t._data.dtype.char]}\'')


def check_tensor(fn, value, name="other", position=2):
    """Raise PyTorch's TypeError when an argument that must be a Tensor is not."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{type(value).__name__}")


# ---------------------------------------------------------------- casts


class ToCopy(Op):
    """A copy converted to another dtype; differentiable between floating dtypes."""
    node_name = "ToCopyBackward0"

    def forward(ctx, x, np_dtype):
        ctx.in_dtype = x.dtype
        return x.astype(np_dtype)

    def backward(ctx, xp, grad):
        return (xp.cast(grad, ctx.in_dtype),)


def to_dtype(input, dtype, copy=False):
    """``input`` converted to ``dtype``: itself when nothing changes, recorded between float dtypes."""
    if dtype is input.dtype and not copy:
        return input
    if not dtype.is_floating_point or not input._requires_grad:
        return _wrap(input._data.astype(dtype.numpy_dtype))
    return apply_unary(ToCopy, input, dtype.numpy_dtype)


def to(input, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """Return ``input`` converted to a dtype (and/or checked onto a device); self if nothing changes."""
    for a in args:
        if isinstance(a, _dtype_cls):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, bool):
            non_blocking = a
        elif a is not None:
            device = a
    if device is not None:
        from ..device import _check_cpu
        _check_cpu(device)
    if dtype is None:
        return to_dtype(input, input.dtype, copy)
    return to_dtype(input, dtype, copy)


def type_(input, dtype=None, non_blocking=False):
    """Return the type name (``'torch.FloatTensor'``) when ``dtype`` is None, else ``input`` cast to it."""
    if dtype is None:
        return f"torch.{SCALAR_NAMES[input._data.dtype.char]}Tensor"
    if isinstance(dtype, str):
        wanted = dtype.rsplit(".", 1)[-1]
        for char, short in SCALAR_NAMES.items():
            if short + "Tensor" == wanted and dtype.count(".") <= 1:
                return to_dtype(input, _BY_CHAR[char])
        raise ValueError(f"invalid type: '{dtype}'")
    return to_dtype(input, getattr(dtype, "dtype", dtype))  # a legacy type (ember.LongTensor) names its dtype


# ---------------------------------------------------------------- several operands


def promote(values, float_only=False):
    """Tensors of ``values`` (tensors or Python scalars) cast to PyTorch's result dtype."""
    target = result_type(*values)
    if float_only and not target.is_floating_point:
        target = get_default_dtype()
    out = []
    for v in values:
        if isinstance(v, Tensor):
            out.append(v if v.dtype is target else to_dtype(v, target))
        else:
            out.append(_wrap(np.array(v).astype(target.numpy_dtype)))
    return out


def float_scalar_operand(input, other):
    """``input`` cast to the default float dtype before a float-only op with a Python scalar.

    (``apply_binary`` would leave the scalar as a 0-d integer array, which NumPy promotes to float64.)
    """
    if input._data.dtype.kind != "f" and not isinstance(other, Tensor):
        return to_dtype(input, get_default_dtype())
    return input


def apply_broadcast(cls, tensors, *params, named=None):
    """``apply`` that reports shapes that do not broadcast in PyTorch's words.

    ``named`` lists the tensors in the order PyTorch's error names them (``tensors`` when None).
    """
    try:
        return apply(cls, tensors, *params)
    except ValueError:
        err = broadcast_error(*(t._data.shape for t in (named or tensors)))
        if err is None:
            raise
        raise err from None
