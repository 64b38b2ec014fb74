"""Logical and bitwise ops: bool or integer results, no gradient."""
import numpy as np

from .._tensor import Tensor, _wrap
from ._ew_base import check_tensor, not_implemented, promote
from ._op import broadcast_error
from ._out import store as _store_out


def _broadcast(ufunc, x, y):
    try:
        return _wrap(np.asarray(ufunc(x, y)))
    except ValueError:
        err = broadcast_error(np.shape(x), np.shape(y))
        if err is None:
            raise
        raise err from None


def _logical(ufunc, name, input, other):
    check_tensor(name, other)
    return _broadcast(ufunc, input._data, other._data)


def logical_not(input, *, out=None):
    """Return the elementwise logical NOT (nonzero is True), as a bool tensor."""
    return _store_out(_wrap(np.logical_not(input._data)), out, 'logical_not')


def logical_and(input, other, *, out=None):
    """Return the elementwise logical AND (nonzero is True), as a bool tensor."""
    return _store_out(_logical(np.logical_and, "logical_and", input, other), out, 'logical_and')


def logical_or(input, other, *, out=None):
    """Return the elementwise logical OR (nonzero is True), as a bool tensor."""
    return _store_out(_logical(np.logical_or, "logical_or", input, other), out, 'logical_or')


def logical_xor(input, other, *, out=None):
    """Return the elementwise logical XOR (nonzero is True), as a bool tensor."""
    return _store_out(_logical(np.logical_xor, "logical_xor", input, other), out, 'logical_xor')


def _integral(kernel, input, other):
    """Both operands promoted by PyTorch's rules, as arrays; floats are refused."""
    if not isinstance(input, Tensor):
        input, other = other, input
    x, y = promote((input, other))
    if x._data.dtype.kind == "f":
        # PyTorch's TensorIterator checks the shapes before the kernel's dtype dispatch
        raise broadcast_error(np.shape(x._data), np.shape(y._data)) or not_implemented(kernel, x)
    return x._data, y._data


def bitwise_not(input, *, out=None):
    """Return the elementwise bitwise NOT (logical NOT for bool tensors)."""
    if input._data.dtype.kind == "f":  # (``~`` refuses floats earlier, with a TypeError: ``invert``)
        raise not_implemented("bitwise_not_cpu", input)
    return _store_out(_wrap(np.invert(input._data)), out, 'bitwise_not')


def invert(input):
    """Return ``~input``: ``bitwise_not``, but Python's operator refuses floats with a TypeError first."""
    if input._data.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _wrap(np.invert(input._data))


def bitwise_and(input, other, *, out=None):
    """Return the elementwise bitwise AND of integer or bool tensors."""
    return _store_out(_broadcast(np.bitwise_and, *_integral("bitwise_and_cpu", input, other)), out, 'bitwise_and')


def bitwise_or(input, other, *, out=None):
    """Return the elementwise bitwise OR of integer or bool tensors."""
    return _store_out(_broadcast(np.bitwise_or, *_integral("bitwise_or_cpu", input, other)), out, 'bitwise_or')


def bitwise_xor(input, other, *, out=None):
    """Return the elementwise bitwise XOR of integer or bool tensors."""
    return _store_out(_broadcast(np.bitwise_xor, *_integral("bitwise_xor_cpu", input, other)), out, 'bitwise_xor')


def _shift(x, s, left):
    # shifts by a negative amount or by the bit width or more are defined in PyTorch (everything
    # shifted out: 0, or -1 for a negative number shifted right), undefined behaviour in C and NumPy
    bits = x.dtype.itemsize * 8
    inside = (s >= 0) & (s < bits)
    s_safe = np.where(inside, s, 0).astype(x.dtype, copy=False)
    if left:
        return np.where(inside, np.left_shift(x, s_safe), 0).astype(x.dtype, copy=False)
    filled = np.where(x < 0, -1, 0) if x.dtype.kind == "i" else 0
    return np.where(inside, np.right_shift(x, s_safe), filled).astype(x.dtype, copy=False)


def bitwise_left_shift(input, other, *, out=None):
    """Return ``input << other`` elementwise (integer tensors)."""
    x, s = _integral("lshift_cpu", input, other)
    return _store_out(_broadcast(lambda a, b: _shift(a, b, True), x, s), out, 'bitwise_left_shift')


def bitwise_right_shift(input, other, *, out=None):
    """Return ``input >> other`` elementwise (arithmetic shift for signed integers)."""
    x, s = _integral("rshift_cpu", input, other)
    return _store_out(_broadcast(lambda a, b: _shift(a, b, False), x, s), out, 'bitwise_right_shift')


OPS = ()
