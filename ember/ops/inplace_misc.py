"""In-place ops with their own nodes or checks: inverse hyperbolic and other unary maths, ``conj_physical_``,
scans and matrix products (``cumsum_``, ``addmm_``), fills and copies (``fill_``, ``zero_``, ``copy_``).

The rules they share with every in-place op (leaf check, write-back, version bump) are in ``inplace.py``.
"""
import numpy as np

from .._tensor import Tensor
from . import _ew_unary as _uops, elementwise as _ew, linalg as _la
from . import reduction as _red
from ._ew_base import CPP_NAMES, SCALAR_NAMES
from ._op import Op, apply, apply_unary, broadcast_error
from .inplace import _OVERLAP, _check_leaf, _inplace, _records, _write_back


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


OPS = (Fill, FillTensor, Zero, Copy, ConjPhysical, AcoshInplace, AsinhInplace, AtanhInplace)
