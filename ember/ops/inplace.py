"""In-place ops (``add_``, ``mul_`` ..., ``+=``): the out-of-place op, written back into the tensor.

They follow PyTorch's rules: refused on a leaf that requires grad (and on a view of one) while grad
mode is on; they bump the version counter shared with views, so a backward that needs the old
values raises PyTorch's "modified by an inplace operation"; a recorded in-place op makes the tensor
the output of the new node. If the op saved the tensor itself as its first operand (``y.mul_(z)``
saves ``y`` for ``z``'s gradient), a copy of the original is saved instead (PyTorch's
``original_self``); any other saved reference to it keeps its version check, as in PyTorch.
A result whose dtype cannot be cast to the tensor's raises before anything is written.
"""
import numpy as np

from .._dtype import can_cast, from_numpy
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from . import _ew_unary as _uops, comparison as _cmp, elementwise as _ew, linalg as _la
from . import reduction as _red
from ._ew_base import CPP_NAMES, SCALAR_NAMES, check_tensor, not_implemented
from ._op import Op, apply, apply_unary, broadcast_error

_LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."
_VIEW_OF_LEAF_ERROR = "a view of a leaf Variable that requires grad is being used in an in-place operation."
_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation.")


def _check_leaf(t):
    """Raise PyTorch's error for an in-place op on a leaf (or a view of a leaf) that requires grad."""
    if t._requires_grad and _state.enabled:
        if t._node is None:
            raise RuntimeError(_LEAF_ERROR)
        base = t._base
        if base is not None and base._node is None and base._requires_grad:
            raise RuntimeError(_VIEW_OF_LEAF_ERROR)


def _check_cast(t, out_dtype, names=SCALAR_NAMES):
    if out_dtype != t._data.dtype and not can_cast(from_numpy(out_dtype), t.dtype):
        raise RuntimeError(f"result type {SCALAR_NAMES[out_dtype.char]} can't be cast to the desired output "
                           f"type {names[t._data.dtype.char]}")


def _write_back(t, result):
    """Store ``result`` (a new tensor) into ``t`` in place; ``t`` takes over its graph position."""
    out = result._data
    if out.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                           f"{list(out.shape)}")
    _check_cast(t, out.dtype)
    if not t._data.flags.writeable:
        raise RuntimeError(_OVERLAP)
    node = result._node
    if node is not None:
        _protect_saved_self(node, t)
        if t._base is not None:  # written through a view: the base records it (CopySlices), as PyTorch
            from .indexing import write_through_view
            return write_through_view(t, result)
    np.copyto(t._data, out, casting="unsafe")
    t._bump_version()
    if node is not None:
        node._shape = t._data.shape
        node._dtype = t._data.dtype
        t._node = node
        t._requires_grad = True
        if "_out_nr" in t.__dict__:
            del t._out_nr
        _rebind_saved_output(node, t)
        if t._views is not None:  # the views of t now read its new values: they hang off its new node
            from .indexing import rebuild_views
            rebuild_views(t)
    return t


def _protect_saved_self(node, t):
    """Save a copy of ``t``'s original values where the node saved ``t`` as its first operand."""
    saved = node._saved
    if not saved:
        return
    slots = [k for k, s in enumerate(saved) if s is t]
    if not slots:
        return
    first = min(slots, key=lambda k: node._save_index[k])
    snapshot = _wrap(t._data.copy())
    snapshot._node = t._node
    snapshot._requires_grad = t._requires_grad
    if t._out_nr:
        snapshot._out_nr = t._out_nr
    node._saved = tuple(snapshot if k == first else s for k, s in enumerate(saved))
    node._versions = tuple(0 if k == first else v for k, v in enumerate(node._versions))


def _rebind_saved_output(node, t):
    """A node that saved its own output now reads it from ``t``, checked against ``t``'s version."""
    if -1 not in node._save_index:
        return
    k = node._save_index.index(-1)
    alias = _wrap(t._data)  # t's storage and version counter, as the output of ``node``
    alias._vc = t._version_box()
    alias._node = node
    alias._requires_grad = True
    node._saved = node._saved[:k] + (alias,) + node._saved[k + 1:]
    node._versions = node._versions[:k] + (t._version,) + node._versions[k + 1:]


def _inplace(op, t, *args, **kwargs):
    _check_leaf(t)
    return _write_back(t, op(t, *args, **kwargs))


# ---------------------------------------------------------------- arithmetic


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
    """In-place ``t /= other`` (rounded with ``rounding_mode``)."""
    return _inplace(_ew.div, t, other, rounding_mode=rounding_mode)


def floor_divide_(t, other):
    """In-place ``t //= other``."""
    return _inplace(_ew.floor_divide, t, other)


def remainder_(t, other):
    """In-place ``t %= other``."""
    return _inplace(_ew.remainder, t, other)


def pow_(t, exponent):
    """In-place ``t **= exponent``."""
    return _inplace(_ew.pow, t, exponent)


def neg_(t):
    """Negate ``t`` in place."""
    return _inplace(_ew.neg, t)


def square_(t):
    """Square ``t`` in place."""
    return _inplace(_ew.square, t)


def bitwise_and_(t, other):
    """In-place ``t &= other``."""
    return _inplace(_ew.bitwise_and, t, other)


def bitwise_or_(t, other):
    """In-place ``t |= other``."""
    return _inplace(_ew.bitwise_or, t, other)


def bitwise_xor_(t, other):
    """In-place ``t ^= other``."""
    return _inplace(_ew.bitwise_xor, t, other)


# ---------------------------------------------------------------- unary maths


def exp_(t):
    """Replace ``t`` by its exponential, in place."""
    return _inplace(_ew.exp, t)


def log_(t):
    """Replace ``t`` by its natural logarithm, in place."""
    return _inplace(_ew.log, t)


def sqrt_(t):
    """Replace ``t`` by its square root, in place."""
    return _inplace(_ew.sqrt, t)


def abs_(t):
    """Replace ``t`` by its absolute value, in place."""
    return _inplace(_ew.abs, t)


def sin_(t):
    """Replace ``t`` by its sine, in place."""
    return _inplace(_ew.sin, t)


def cos_(t):
    """Replace ``t`` by its cosine, in place."""
    return _inplace(_ew.cos, t)


def tanh_(t):
    """Replace ``t`` by its hyperbolic tangent, in place."""
    return _inplace(_ew.tanh, t)


def sigmoid_(t):
    """Replace ``t`` by its logistic sigmoid, in place."""
    return _inplace(_ew.sigmoid, t)


def relu_(t):
    """Replace ``t`` by ``max(t, 0)``, in place."""
    return _inplace(_ew.relu, t)


def reciprocal_(t):
    """Replace ``t`` by ``1 / t``, in place."""
    return _inplace(_ew.reciprocal, t)


def floor_(t):
    """Round ``t`` down, in place."""
    return _inplace(_ew.floor, t)


def ceil_(t):
    """Round ``t`` up, in place."""
    return _inplace(_ew.ceil, t)


def round_(t, *, decimals=0):
    """Round ``t`` half to even (at ``decimals`` digits), in place."""
    return _inplace(_ew.round, t, decimals=decimals)


def clamp_(t, min=None, max=None):  # noqa: A002 - PyTorch's keywords
    """Clamp ``t`` into ``[min, max]``, in place."""
    _check_leaf(t)
    result = _ew.clamp(t, min, max)
    _check_cast(t, result._data.dtype, CPP_NAMES)  # PyTorch's clamp_ names the C++ type here
    return _write_back(t, result)


def masked_fill_(t, mask, value):
    """Write ``value`` into ``t`` where ``mask`` is True, in place."""
    return _inplace(_ew.masked_fill, t, mask, value)


def lerp_(t, end, weight):
    """In-place ``t += weight * (end - t)``."""
    return _inplace(_ew.lerp, t, end, weight)


def addcmul_(t, tensor1, tensor2, *, value=1):
    """In-place ``t += value * tensor1 * tensor2``."""
    return _inplace(_ew.addcmul, t, tensor1, tensor2, value=value)


def addcdiv_(t, tensor1, tensor2, *, value=1):
    """In-place ``t += value * tensor1 / tensor2``."""
    return _inplace(_ew.addcdiv, t, tensor1, tensor2, value=value)


# ---------------------------------------------------------------- more unary maths


def acos_(t):
    """Replace ``t`` by its arccosine, in place."""
    return _inplace(_ew.acos, t)


def asin_(t):
    """Replace ``t`` by its arcsine, in place."""
    return _inplace(_ew.asin, t)


def atan_(t):
    """Replace ``t`` by its arctangent, in place."""
    return _inplace(_ew.atan, t)


def tan_(t):
    """Replace ``t`` by its tangent, in place."""
    return _inplace(_ew.tan, t)


def sinh_(t):
    """Replace ``t`` by its hyperbolic sine, in place."""
    return _inplace(_ew.sinh, t)


def cosh_(t):
    """Replace ``t`` by its hyperbolic cosine, in place."""
    return _inplace(_ew.cosh, t)


class AcoshInplace(_uops.Acosh):
    """``acosh_``: PyTorch records its own node for the in-place form, whose backward is not implemented."""
    node_name = "AcoshBackward1"
    saves = ()
    samples = None

    def backward(ctx, xp, grad):
        raise NotImplementedError("the derivative for 'inplace version of acosh' is not implemented.")


class AsinhInplace(_uops.Asinh):
    """``asinh_``: PyTorch records its own node for the in-place form, whose backward is not implemented."""
    node_name = "AsinhBackward1"
    saves = ()
    samples = None

    def backward(ctx, xp, grad):
        raise NotImplementedError("the derivative for 'inplace version of asinh' is not implemented.")


class AtanhInplace(_uops.Atanh):
    """``atanh_``: PyTorch records its own node for the in-place form, whose backward is not implemented."""
    node_name = "AtanhBackward1"
    saves = ()
    samples = None

    def backward(ctx, xp, grad):
        raise NotImplementedError("the derivative for 'inplace version of atanh' is not implemented.")


def acosh_(t):
    """Replace ``t`` by its inverse hyperbolic cosine, in place."""
    _check_leaf(t)
    return _write_back(t, apply_unary(AcoshInplace, t))


def asinh_(t):
    """Replace ``t`` by its inverse hyperbolic sine, in place."""
    _check_leaf(t)
    return _write_back(t, apply_unary(AsinhInplace, t))


def atanh_(t):
    """Replace ``t`` by its inverse hyperbolic tangent, in place."""
    _check_leaf(t)
    return _write_back(t, apply_unary(AtanhInplace, t))


def log2_(t):
    """Replace ``t`` by its base-2 logarithm, in place."""
    return _inplace(_ew.log2, t)


def log10_(t):
    """Replace ``t`` by its base-10 logarithm, in place."""
    return _inplace(_ew.log10, t)


def log1p_(t):
    """Replace ``t`` by ``log(1 + t)``, in place."""
    return _inplace(_ew.log1p, t)


def exp2_(t):
    """Replace ``t`` by ``2 ** t``, in place."""
    return _inplace(_ew.exp2, t)


def expm1_(t):
    """Replace ``t`` by ``exp(t) - 1``, in place."""
    return _inplace(_ew.expm1, t)


def erfc_(t):
    """Replace ``t`` by its complementary error function, in place."""
    return _inplace(_ew.erfc, t)


def erfinv_(t):
    """Replace ``t`` by its inverse error function, in place."""
    return _inplace(_ew.erfinv, t)


def frac_(t):
    """Replace ``t`` by its fractional part, in place."""
    return _inplace(_ew.frac, t)


def sgn_(t):
    """Replace ``t`` by its sign, in place."""
    return _inplace(_ew.sgn, t)


def deg2rad_(t):
    """Convert ``t`` from degrees to radians, in place."""
    from .misc import deg2rad  # misc imports shape, which imports this module
    return _inplace(deg2rad, t)


def rad2deg_(t):
    """Convert ``t`` from radians to degrees, in place."""
    from .misc import rad2deg
    return _inplace(rad2deg, t)


def atan2_(t, other):
    """Replace ``t`` by the arctangent of ``t / other`` (quadrant aware), in place."""
    return _inplace(_ew.atan2, t, other)


def hypot_(t, other):
    """Replace ``t`` by ``sqrt(t ** 2 + other ** 2)``, in place."""
    return _inplace(_ew.hypot, t, other)


def xlogy_(t, other):
    """Replace ``t`` by ``t * log(other)`` (0 where ``t`` is 0), in place."""
    return _inplace(_ew.xlogy, t, other)


def float_power_(t, exponent):
    """Raise ``t`` (which must be float64) to ``exponent`` in double precision, in place."""
    if t._data.dtype.char != "d":  # the result is double: only a double tensor can hold it
        raise RuntimeError(f"the base given to float_power_ has dtype {SCALAR_NAMES[t._data.dtype.char]} but the "
                           f"operation's result requires dtype Double")
    return _inplace(_ew.float_power, t, exponent)


class ConjPhysical(Op):
    """``conj_physical_`` of a real tensor: the values stay, the gradient passes through."""
    node_name = "ConjPhysicalBackward1"

    def forward(ctx, x):
        return x

    def backward(ctx, xp, grad):
        return (grad,)


def conj_physical_(t):
    """Conjugate ``t`` in place: a real tensor keeps its values (PyTorch still records the op)."""
    _check_leaf(t)
    if _records(t):
        return _write_back(t, apply(ConjPhysical, (t,)))
    t._bump_version()
    return t


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


# ---------------------------------------------------------------- scans and matrix products


def _check_scan_dtype(t, dtype):
    if dtype is not None and dtype.numpy_dtype != t._data.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {CPP_NAMES[t._data.dtype.char]} and output "
                           f"tensor dtype {CPP_NAMES[dtype.numpy_dtype.char]} should match")


def cumsum_(t, dim, *, dtype=None):
    """Replace ``t`` by its cumulative sum along ``dim``, in place."""
    _check_leaf(t)
    _check_scan_dtype(t, dtype)
    return _write_back(t, _red.cumsum(t, dim))


def cumprod_(t, dim, *, dtype=None):
    """Replace ``t`` by its cumulative product along ``dim``, in place."""
    _check_leaf(t)
    _check_scan_dtype(t, dtype)
    return _write_back(t, _red.cumprod(t, dim))


def _same_size(t, result):
    """The matrix products' in-place forms never broadcast ``t``: PyTorch's error when it would."""
    if result._data.shape != t._data.shape:
        raise RuntimeError(f"Bad in-place call: input tensor size {list(t._data.shape)} and output tensor size "
                           f"{list(result._data.shape)} should match")
    return _write_back(t, result)


def addmm_(t, mat1, mat2, *, beta=1, alpha=1):
    """In-place ``t = beta * t + alpha * (mat1 @ mat2)``."""
    _check_leaf(t)
    return _same_size(t, _la.addmm(t, mat1, mat2, beta=beta, alpha=alpha))


def addmv_(t, mat, vec, *, beta=1, alpha=1):
    """In-place ``t = beta * t + alpha * (mat @ vec)``."""
    _check_leaf(t)
    return _same_size(t, _la.addmv(t, mat, vec, beta=beta, alpha=alpha))


def baddbmm_(t, batch1, batch2, *, beta=1, alpha=1):
    """In-place ``t = beta * t + alpha * (batch1 @ batch2)``, batched."""
    _check_leaf(t)
    return _same_size(t, _la.baddbmm(t, batch1, batch2, beta=beta, alpha=alpha))


def scatter_reduce_(t, dim, index, src, reduce, *, include_self=True):
    """Reduce ``src`` into ``t`` at ``index`` along ``dim`` with ``reduce``, in place."""
    from .misc import scatter_reduce
    return _inplace(scatter_reduce, t, dim, index, src, reduce, include_self=include_self)


# ---------------------------------------------------------------- fills and copies


class Fill(Op):
    """``fill_`` with a number, recorded: the old values get no gradient."""
    node_name = "FillBackward2"

    def forward(ctx, x, value):
        return np.full_like(x, value)

    def backward(ctx, xp, grad):
        return (grad * 0,)


class FillTensor(Op):
    """``fill_`` with a 0-d tensor: its gradient is the sum of the incoming one."""
    node_name = "FillBackward3"

    def forward(ctx, x, v):
        return np.full_like(x, v)

    def backward(ctx, xp, grad):
        return grad * 0, grad


class Zero(Op):
    """``zero_``, recorded: the old values get no gradient."""
    node_name = "ZeroBackward0"

    def forward(ctx, x):
        return np.zeros_like(x)

    def backward(ctx, xp, grad):
        return (grad * 0,)


class Copy(Op):
    """``copy_``: the values of ``src`` (broadcast, cast) replace the old ones."""
    node_name = "CopyBackwards"

    def name(self):
        return "torch::autograd::CopyBackwards"  # PyTorch's C++ name; reprs show the short one

    def forward(ctx, x, src):
        return np.broadcast_to(src, x.shape).astype(x.dtype)

    def backward(ctx, xp, grad):
        return grad * 0, grad


def _records(t, value=None):
    return _state.enabled and (t._requires_grad or (isinstance(value, Tensor) and value._requires_grad))


def fill_(t, value):
    """Fill ``t`` with ``value`` (a number or a 0-d tensor), in place."""
    _check_leaf(t)
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value._data.ndim} dimensions.")
    if _records(t, value):
        if isinstance(value, Tensor):
            return _write_back(t, apply(FillTensor, (t, value)))
        return _write_back(t, apply(Fill, (t,), value))
    if not t._data.flags.writeable:
        raise RuntimeError(_OVERLAP)
    t._data[...] = value._data if isinstance(value, Tensor) else value
    t._bump_version()
    return t


def zero_(t):
    """Fill ``t`` with zeros, in place."""
    _check_leaf(t)
    if _records(t):
        return _write_back(t, apply(Zero, (t,)))
    return fill_(t, 0)


def copy_(t, src, non_blocking=False):
    """Copy the elements of ``src`` (broadcast to ``t``'s shape, cast to its dtype) into ``t``, in place."""
    _check_leaf(t)
    if not isinstance(src, Tensor):
        return fill_(t, src)
    shape = t._data.shape
    if src._data.shape != shape:
        err = broadcast_error(shape, src._data.shape)
        if err is not None:
            raise err
        if np.broadcast_shapes(shape, src._data.shape) != shape:
            raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                               f"{list(np.broadcast_shapes(shape, src._data.shape))}")
    if _records(t, src):
        return _write_back(t, apply(Copy, (t, src)))
    if not t._data.flags.writeable:
        raise RuntimeError(_OVERLAP)
    np.copyto(t._data, np.broadcast_to(src._data, shape), casting="unsafe")
    t._bump_version()
    return t


# ---------------------------------------------------------------- owned by the shape and indexing families
# (``Tensor`` delegates every in-place method here; these forward to where they are implemented)


def scatter_(t, dim, index, src=None, value=None, *, reduce=None):
    """Write ``src`` (or ``value``) into ``t`` at ``index`` along ``dim``, in place."""
    from .index_ops import scatter_ as impl
    return impl(t, dim, index, src, value, reduce=reduce)


def scatter_add_(t, dim, index, src):
    """Add ``src`` into ``t`` at ``index`` along ``dim``, in place."""
    from .index_ops import scatter_add_ as impl
    return impl(t, dim, index, src)


def index_add_(t, dim, index, source, *, alpha=1):
    """Add ``alpha * source`` into ``t`` at ``index`` along ``dim``, in place."""
    from .index_ops import index_add_ as impl
    return impl(t, dim, index, source, alpha=alpha)


def index_fill_(t, dim, index, value):
    """Fill ``t`` with ``value`` at ``index`` along ``dim``, in place."""
    from .index_ops import index_fill_ as impl
    return impl(t, dim, index, value)


def index_put_(t, indices, values, accumulate=False):
    """Write (or add) ``values`` into ``t`` at ``indices``, in place."""
    from .index_ops import index_put_ as impl
    return impl(t, indices, values, accumulate)


def unsqueeze_(t, dim):
    """Insert a size-one dimension at ``dim``, in place."""
    from .shape import unsqueeze_ as impl
    return impl(t, dim)


def squeeze_(t, dim=None):
    """Remove size-one dimensions, in place."""
    from .shape import squeeze_ as impl
    return impl(t, dim)


def t_(t):
    """Transpose a matrix in place."""
    from .shape import t_ as impl
    return impl(t)


def transpose_(t, dim0, dim1):
    """Swap dimensions ``dim0`` and ``dim1``, in place."""
    from .shape import transpose_ as impl
    return impl(t, dim0, dim1)


OPS = (Fill, FillTensor, Zero, Copy, ConjPhysical, AcoshInplace, AsinhInplace, AtanhInplace, EqScalar, NeScalar, LtScalar, LeScalar,
       GtScalar, GeScalar, EqTensor, NeTensor, LtTensor, LeTensor, GtTensor, GeTensor)
