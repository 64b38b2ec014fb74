"""In-place comparisons (``eq_``, ``lt_`` ...), logical ops and the bitwise ops without an operator.

A comparison written in place records its own node (``EqBackward0`` against a number, ``EqBackward1``
against a tensor) whose gradient is zero; the logical ops record nothing. The rules they share with
every in-place op (leaf check, write-back, version bump) are in ``inplace.py``.
"""
from .._tensor import Tensor
from . import comparison as _cmp, elementwise as _ew
from ._ew_base import check_tensor, not_implemented
from ._op import Op, apply
from .inplace import _check_leaf, _inplace, _records, _write_back


# ---------------------------------------------------------------- bitwise and logical


def bitwise_not_(t):
    """Invert the bits of ``t`` (logical NOT for bool), in place."""
    if t._data.dtype.kind == "f":
        raise not_implemented("bitwise_not_cpu", t)
    return _inplace(_ew.bitwise_not, t)


def bitwise_left_shift_(t, other):
    """In-place ``t <<= other``."""
    return _inplace(_ew.bitwise_left_shift, t, other)


def bitwise_right_shift_(t, other):
    """In-place ``t >>= other``."""
    return _inplace(_ew.bitwise_right_shift, t, other)


# The logical ops have no derivative: PyTorch neither refuses them on a leaf that requires grad nor
# records them, so the tensor keeps its grad_fn (only its version moves).


def logical_not_(t):
    """Replace ``t`` by its logical NOT (1 where ``t`` is zero), in place."""
    return _write_back(t, _ew.logical_not(t))


def logical_and_(t, other):
    """Replace ``t`` by the logical AND of ``t`` and ``other``, in place."""
    check_tensor("logical_and_", other, position=1)
    return _write_back(t, _ew.logical_and(t, other))


def logical_or_(t, other):
    """Replace ``t`` by the logical OR of ``t`` and ``other``, in place."""
    check_tensor("logical_or_", other, position=1)
    return _write_back(t, _ew.logical_or(t, other))


def logical_xor_(t, other):
    """Replace ``t`` by the logical XOR of ``t`` and ``other``, in place."""
    check_tensor("logical_xor_", other, position=1)
    return _write_back(t, _ew.logical_xor(t, other))


# ---------------------------------------------------------------- comparisons written in place
# A comparison is a step function: recorded in place, its node passes back zeros. PyTorch names
# the node after the overload: ...Backward0 against a number, ...Backward1 against a tensor.


class _Compared(Op, node_type=True):
    """A comparison with a number, already evaluated; the gradient is zero."""

    def forward(ctx, x, result):
        return result

    def backward(ctx, xp, grad):
        return (xp.zeros_like(grad),)


class _ComparedTensor(Op, node_type=True):
    """A comparison with a tensor, already evaluated; both gradients are zero."""

    def forward(ctx, x, y, result):
        return result

    def backward(ctx, xp, grad):
        zero = xp.zeros_like(grad)
        return zero, zero


class EqScalar(_Compared):
    """``eq_`` with a number."""
    node_name = "EqBackward0"


class NeScalar(_Compared):
    """``ne_`` with a number."""
    node_name = "NeBackward0"


class LtScalar(_Compared):
    """``lt_`` with a number."""
    node_name = "LtBackward0"


class LeScalar(_Compared):
    """``le_`` with a number."""
    node_name = "LeBackward0"


class GtScalar(_Compared):
    """``gt_`` with a number."""
    node_name = "GtBackward0"


class GeScalar(_Compared):
    """``ge_`` with a number."""
    node_name = "GeBackward0"


class EqTensor(_ComparedTensor):
    """``eq_`` with a tensor."""
    node_name = "EqBackward1"


class NeTensor(_ComparedTensor):
    """``ne_`` with a tensor."""
    node_name = "NeBackward1"


class LtTensor(_ComparedTensor):
    """``lt_`` with a tensor."""
    node_name = "LtBackward1"


class LeTensor(_ComparedTensor):
    """``le_`` with a tensor."""
    node_name = "LeBackward1"


class GtTensor(_ComparedTensor):
    """``gt_`` with a tensor."""
    node_name = "GtBackward1"


class GeTensor(_ComparedTensor):
    """``ge_`` with a tensor."""
    node_name = "GeBackward1"


def _compare_(compare, scalar_node, tensor_node, t, other):
    _check_leaf(t)
    result = compare(t, other)
    if isinstance(other, Tensor):
        if _records(t, other):
            result = apply(tensor_node, (t, other), result._data)
    elif _records(t):
        result = apply(scalar_node, (t,), result._data)
    return _write_back(t, result)


def eq_(t, other):
    """Replace ``t`` by ``t == other`` (1 or 0 in ``t``'s dtype), in place."""
    return _compare_(_cmp.eq, EqScalar, EqTensor, t, other)


def ne_(t, other):
    """Replace ``t`` by ``t != other`` (1 or 0 in ``t``'s dtype), in place."""
    return _compare_(_cmp.ne, NeScalar, NeTensor, t, other)


def lt_(t, other):
    """Replace ``t`` by ``t < other`` (1 or 0 in ``t``'s dtype), in place."""
    return _compare_(_cmp.lt, LtScalar, LtTensor, t, other)


def le_(t, other):
    """Replace ``t`` by ``t <= other`` (1 or 0 in ``t``'s dtype), in place."""
    return _compare_(_cmp.le, LeScalar, LeTensor, t, other)


def gt_(t, other):
    """Replace ``t`` by ``t > other`` (1 or 0 in ``t``'s dtype), in place."""
    return _compare_(_cmp.gt, GtScalar, GtTensor, t, other)


def ge_(t, other):
    """Replace ``t`` by ``t >= other`` (1 or 0 in ``t``'s dtype), in place."""
    return _compare_(_cmp.ge, GeScalar, GeTensor, t, other)


OPS = (EqScalar, NeScalar, LtScalar, LeScalar, GtScalar, GeScalar,
       EqTensor, NeTensor, LtTensor, LeTensor, GtTensor, GeTensor)
