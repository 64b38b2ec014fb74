"""Comparisons and tests: results are bool tensors and carry no gradient."""
import numpy as np

from .._dtype import result_type
from .._tensor import Tensor, _wrap
from ._ew_base import SCALAR_NAMES
from ._op import broadcast_error
from ._out import store as _store_out


def _operands(input, other):
    """Arrays of both operands, promoted as PyTorch promotes before comparing."""
    x = input._data
    if isinstance(other, Tensor):
        y = other._data
        if x.dtype != y.dtype:
            target = result_type(input, other).numpy_dtype
            x, y = x.astype(target, copy=False), y.astype(target, copy=False)
        return x, y
    target = result_type(input, other).numpy_dtype
    if x.dtype != target:
        x = x.astype(target)
    # a Python int meets an integer tensor in the tensor's type, wrapping as PyTorch does (uint8 == 256)
    y = np.array(other).astype(target) if target.kind in "iu" else other
    return x, y


def _is_operand(value):
    return isinstance(value, (Tensor, int, float, bool, np.number, np.bool_))


def _compare(ufunc, input, other):
    if not isinstance(input, Tensor):
        from .._creation import tensor
        input = tensor(input)
    x, y = _operands(input, other)
    try:
        return _wrap(np.asarray(ufunc(x, y)))
    except ValueError:
        err = broadcast_error(np.shape(x), np.shape(y))
        if err is None:
            raise
        raise err from None


def eq(input, other, *, out=None):
    """Return ``input == other`` elementwise, as a bool tensor (``==`` with a non-number is False)."""
    if not _is_operand(other):
        return _store_out(False, out, 'eq')
    return _store_out(_compare(np.equal, input, other), out, 'eq')


def ne(input, other, *, out=None):
    """Return ``input != other`` elementwise, as a bool tensor (``!=`` with a non-number is True)."""
    if not _is_operand(other):
        return _store_out(True, out, 'ne')
    return _store_out(_compare(np.not_equal, input, other), out, 'ne')


not_equal = ne


def lt(input, other, *, out=None):
    """Return ``input < other`` elementwise, as a bool tensor."""
    return _store_out(_compare(np.less, input, other), out, 'lt')


less = lt


def le(input, other, *, out=None):
    """Return ``input <= other`` elementwise, as a bool tensor."""
    return _store_out(_compare(np.less_equal, input, other), out, 'le')


less_equal = le


def gt(input, other, *, out=None):
    """Return ``input > other`` elementwise, as a bool tensor."""
    return _store_out(_compare(np.greater, input, other), out, 'gt')


greater = gt


def ge(input, other, *, out=None):
    """Return ``input >= other`` elementwise, as a bool tensor."""
    return _store_out(_compare(np.greater_equal, input, other), out, 'ge')


greater_equal = ge


def equal(input, other):
    """Return True if both tensors have the same size and elements."""
    return input._data.shape == other._data.shape and bool(np.array_equal(*_operands(input, other)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Return where ``|input - other| <= atol + rtol * |other|`` elementwise."""
    return _isclose("isclose", input, other, rtol, atol, equal_nan)


def _isclose(name, input, other, rtol, atol, equal_nan):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    x, y = input._data, other._data
    if x.dtype != y.dtype:
        raise RuntimeError(f"{SCALAR_NAMES[x.dtype.char]} did not match {SCALAR_NAMES[y.dtype.char]}")
    try:
        return _wrap(np.asarray(np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)))
    except ValueError:
        raise broadcast_error(x.shape, y.shape) from None


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Return True if every element of ``input`` is close to ``other``."""
    return bool(_isclose("allclose", input, other, rtol, atol, equal_nan)._data.all())


def isnan(input):
    """Return where ``input`` is NaN."""
    return _wrap(np.isnan(input._data) if input._data.dtype.kind == "f" else np.zeros(input._data.shape, bool))


def isinf(input):
    """Return where ``input`` is positive or negative infinity."""
    return _wrap(np.isinf(input._data) if input._data.dtype.kind == "f" else np.zeros(input._data.shape, bool))


def isfinite(input):
    """Return where ``input`` is finite."""
    return _wrap(np.isfinite(input._data) if input._data.dtype.kind == "f" else np.ones(input._data.shape, bool))


def isposinf(input):
    """Return where ``input`` is positive infinity."""
    return _wrap(np.isposinf(input._data) if input._data.dtype.kind == "f" else np.zeros(input._data.shape, bool))


def isneginf(input):
    """Return where ``input`` is negative infinity."""
    return _wrap(np.isneginf(input._data) if input._data.dtype.kind == "f" else np.zeros(input._data.shape, bool))


def signbit(input):
    """Return where the sign bit of ``input`` is set (True for -0.0 too)."""
    x = input._data
    if x.dtype.kind == "f":
        return _wrap(np.signbit(x))
    return _wrap(x < 0 if x.dtype.kind == "i" else np.zeros(x.shape, bool))
