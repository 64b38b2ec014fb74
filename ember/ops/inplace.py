"""In-place ops (``add_``, ``mul_`` ..., ``+=``): the out-of-place op, written back into the tensor.

They follow PyTorch's rules: refused on a leaf that requires grad (and on a view of one) while grad
mode is on; they bump the version counter shared with views, so a backward that needs the old
values raises PyTorch's "modified by an inplace operation"; a recorded in-place op makes the tensor
the output of the new node. If the op saved the tensor itself as its first operand (``y.mul_(z)``
saves ``y`` for ``z``'s gradient), a copy of the original is saved instead (PyTorch's
``original_self``); any other saved reference to it keeps its version check, as in PyTorch.
A result whose dtype cannot be cast to the tensor's raises before anything is written.

This module holds those rules, the arithmetic and unary-maths in-place ops, and the forwarders to
the shape and indexing families; comparisons and logical ops are in ``inplace_compare.py``, the ops
with their own nodes or checks (scans, matrix products, fills, copies) in ``inplace_misc.py``.
"""
import numpy as np

from .._dtype import can_cast, from_numpy
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from . import elementwise as _ew
from ._ew_base import CPP_NAMES, SCALAR_NAMES

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


def _records(t, value=None):
    return _state.enabled and (t._requires_grad or (isinstance(value, Tensor) and value._requires_grad))


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
    return _inplace(_ew.masked_fill_self_first, t, mask, value)  # its size error names t first, as PyTorch


def lerp_(t, end, weight):
    """In-place ``t += weight * (end - t)``."""
    return _inplace(_ew.lerp, t, end, weight)


def addcmul_(t, tensor1, tensor2, *, value=1):
    """In-place ``t += value * tensor1 * tensor2``."""
    return _inplace(_ew.addcmul, t, tensor1, tensor2, value=value)


def addcdiv_(t, tensor1, tensor2, *, value=1):
    """In-place ``t += value * tensor1 / tensor2``."""
    return _inplace(_ew.addcdiv, t, tensor1, tensor2, value=value)


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


# ---------------------------------------------------------------- the other in-place families
# ``Tensor``'s in-place methods and ``ember``'s top-level twins reach every in-place op through this
# module. Those families import the rules above from here, so they are imported last.

from .inplace_compare import (  # noqa: E402, F401 - re-exported
    bitwise_left_shift_, bitwise_not_, bitwise_right_shift_, eq_, ge_, gt_, le_, logical_and_, logical_not_,
    logical_or_, logical_xor_, lt_, ne_)
from .inplace_misc import (  # noqa: E402, F401 - re-exported
    acos_, acosh_, addmm_, addmv_, asin_, asinh_, atan2_, atan_, atanh_, baddbmm_, conj_physical_, copy_, cosh_,
    cumprod_, cumsum_, deg2rad_, erfc_, erfinv_, exp2_, expm1_, fill_, float_power_, frac_, hypot_, log10_, log1p_,
    log2_, rad2deg_, scatter_reduce_, sgn_, sinh_, tan_, xlogy_, zero_)
from . import inplace_compare as _compare, inplace_misc as _misc  # noqa: E402

# ``ember.ops`` registers this family only: it lists the other in-place families' ops too
OPS = (*_misc.OPS, *_compare.OPS)
