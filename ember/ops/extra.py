"""More torch functions: primitives with PyTorch's own nodes (addr, addbmm, dist, renorm, put, the
``*_scatter`` family, narrow_copy, block_diag, unique_consecutive, cholesky_solve, cholesky_inverse,
matrix_exp) and composites of existing ops written step for step as PyTorch composes them, so that
their nodes are PyTorch's too (cov, corrcoef, trapezoid, vander, cartesian_prod, combinations...)."""
import builtins as _builtins

import numpy as np

from . import _numpy_api
from ._ew_base import promote
from ._op import Op, Samples, apply, apply_unary

_new = object.__new__


def _graph(xp):
    return xp is not _numpy_api


# ---------------------------------------------------------------- fused products


class Addr(Op):
    """``beta * input + alpha * outer(vec1, vec2)``."""
    node_name = "AddrBackward0"
    saves = ("v1", "v2", "beta", "alpha")
    saved_names = {"v1": "vec1", "v2": "vec2"}
    samples = Samples("addr", cases=lambda make: [
        ((make((3, 4)), make((3,)), make((4,))), {}), ((make(()), make((3,)), make((4,))), {"beta": 0.5, "alpha": 2.0}),
        ((make((4,)), make((3,)), make((4,))), {"beta": 0.0})])

    def forward(ctx, m, v1, v2, beta, alpha):
        outer = np.multiply.outer(v1, v2)
        if alpha != 1:
            outer = outer * alpha
        if beta == 0:  # input is ignored, NaN included, as in PyTorch
            return np.broadcast_to(outer, np.broadcast_shapes(m.shape, outer.shape)).copy()
        return (m if beta == 1 else m * beta) + outer

    def backward(ctx, xp, grad, v1, v2, beta, alpha):
        g = grad * alpha
        return grad * beta, xp.matmul(g, v2), xp.matmul(xp.mT(g), v1)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """Return ``beta * input + alpha * outer(vec1, vec2)``."""
    from ._out import store
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    m, v1, v2 = promote((input, vec1, vec2))
    if m._data.dtype.kind != "f":
        beta, alpha = int(beta), int(alpha)
    return store(apply(Addr, (m, v1, v2), beta, alpha), out, "addr")


class Addbmm(Op):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``."""
    node_name = "AddbmmBackward0"
    saves = ("b1", "b2", "beta", "alpha")
    saved_names = {"b1": "batch1", "b2": "batch2"}
    samples = Samples("addbmm", cases=lambda make: [
        ((make((3, 5)), make((2, 3, 4)), make((2, 4, 5))), {}),
        ((make((5,)), make((2, 3, 4)), make((2, 4, 5))), {"beta": 0.5, "alpha": -1.5})])

    def forward(ctx, m, b1, b2, beta, alpha):
        prod = np.matmul(b1, b2).sum(0)
        if alpha != 1:
            prod = prod * alpha
        if beta == 0:
            return np.broadcast_to(prod, np.broadcast_shapes(m.shape, prod.shape)).copy()
        return (m if beta == 1 else m * beta) + prod

    def backward(ctx, xp, grad, b1, b2, beta, alpha):
        g = xp.unsqueeze(grad * alpha, 0)
        return grad * beta, xp.matmul(g, xp.mT(b2)), xp.matmul(xp.mT(b1), g)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """Return ``beta * input + alpha * sum of batch1[i] @ batch2[i]`` over the batch."""
    from ._out import store
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                           f"{batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                           f"{batch2.shape[1]}x{batch2.shape[2]})")
    from .linalg import check_addmm_dtypes
    check_addmm_dtypes(input, batch1, batch2)  # PyTorch's addbmm runs addmm's checks: no promotion
    m, b1, b2 = input, batch1, batch2
    if m._data.dtype.kind != "f":
        beta, alpha = int(beta), int(alpha)
    return store(apply(Addbmm, (m, b1, b2), beta, alpha), out, "addbmm")


# ---------------------------------------------------------------- distances and norms


def _vector_norm(d, p, axes=None, keepdims=False):
    a = np.abs(d)
    if p == float("inf"):
        return a.max(axis=axes, keepdims=keepdims, initial=0) if a.size else np.zeros(() if not keepdims else
                                                                                      (1,) * d.ndim, d.dtype)
    if p == -float("inf"):
        return a.min(axis=axes, keepdims=keepdims)
    if p == 0:
        return (a != 0).sum(axis=axes, keepdims=keepdims).astype(d.dtype)
    if p == 1:
        return a.sum(axis=axes, keepdims=keepdims)
    if p == 2:
        return np.sqrt((a * a).sum(axis=axes, keepdims=keepdims))
    return (a ** p).sum(axis=axes, keepdims=keepdims) ** (1.0 / p)


def _norm_backward(xp, grad, d, p, norm, axes=None):
    """The gradient of the ``p``-norm ``norm`` of ``d`` (over ``axes``, kept), PyTorch's norm_backward."""
    zero = d * 0
    if p == 0:
        return zero
    if p == 1:
        return xp.sign(d) * grad
    if p == 2:
        return grad * xp.where(norm == 0, zero, d / xp.where(norm == 0, norm + 1, norm))
    if p in (float("inf"), -float("inf")):
        is_max = xp.where((xp.abs(d) == norm) | ((d != d) & (norm != norm)), zero + 1, zero)
        count = xp.sum(is_max, axes, True) if axes is not None else xp.sum(is_max)
        return xp.sign(d) * is_max * (grad / count)
    if p < 1:
        scaled = xp.sign(d) * xp.where(d == 0, zero, xp.power(xp.abs(d), p - 1))
        return scaled * grad * xp.power(norm, 1 - p)
    if p < 2:
        scaled = xp.sign(d) * xp.power(xp.abs(d), p - 1)
    else:
        scaled = d * xp.power(xp.abs(d), p - 2)
    safe = xp.where(norm == 0, norm + 1, norm)
    return scaled * xp.where(norm == 0, grad * 0, grad / xp.power(safe, p - 1))


class Dist(Op):
    """The ``p``-norm of ``input - other`` (broadcast)."""
    node_name = "DistBackward0"
    saves = ("x", "y", "p", "out")
    saved_names = {"x": "self", "y": "other"}
    # (an empty pair is left to the hand-written tests: PyTorch's double backward there gives NaN for p < 1)
    samples = Samples("dist", arity=2, broadcast=True, empty=False, kwargs=[{}, {"p": 1}, {"p": 3}, {"p": 0.5}])

    def forward(ctx, x, y, p):
        return np.asarray(_vector_norm(x - y, p), dtype=np.result_type(x, y))

    def backward(ctx, xp, grad, x, y, p, out):
        g = _norm_backward(xp, grad, x - y, p, out)
        return g, -g


def dist(input, other, p=2):
    """Return the ``p``-norm of ``input - other``."""
    x, y = promote((input, other))
    if x._data.dtype.kind != "f":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_scalar_name(x)}")
    p = float(p)
    if p == float("inf") and 0 in np.broadcast_shapes(x.shape, y.shape):
        raise RuntimeError("linalg.vector_norm cannot compute the inf norm on an empty tensor because the operation "
                           "does not have an identity")
    return apply(Dist, (x, y), p)


def _scalar_name(t):
    from ._ew_base import SCALAR_NAMES
    return SCALAR_NAMES[t._data.dtype.char]


class Renorm(Op):
    """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` rescaled to norm ``maxnorm``."""
    node_name = "RenormBackward0"
    saves = ("x", "p", "dim", "maxnorm")
    saved_names = {"x": "self"}
    samples = Samples("renorm", domain=(-2.0, 2.0), zero_dim=False, empty=False, kwargs=[
        {"p": 2, "dim": 0, "maxnorm": 1.0}, {"p": 1, "dim": 1, "maxnorm": 2.0}, {"p": 3, "dim": -1, "maxnorm": 0.5}])

    def forward(ctx, x, p, dim, maxnorm):
        axes = tuple(a for a in _builtins.range(x.ndim) if a != dim)
        norm = _vector_norm(x, p, axes, True)
        with np.errstate(all="ignore"):
            factor = np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(x.dtype)
        return x * factor

    def backward(ctx, xp, grad, x, p, dim, maxnorm):
        axes = tuple(a for a in _builtins.range(x.ndim) if a != dim)
        norm = _renorm_norm(xp, x, p, axes)
        nb = _norm_backward(xp, xp.sum(x * grad, axes, True), x, p, norm, axes)
        inv = 1 / (norm + 1e-7)
        return (xp.where(norm > maxnorm, maxnorm * inv * (grad - inv * nb), grad),)


def _renorm_norm(xp, x, p, axes):
    if not _graph(xp):
        return _vector_norm(x, p, axes, True)
    from .reduction import norm
    return norm(x, p, list(axes), True)


def renorm(input, p, dim, maxnorm, *, out=None):
    """Return ``input`` with each sub-tensor along ``dim`` rescaled to ``p``-norm at most ``maxnorm``."""
    from ._out import store
    if input._data.dtype.kind != "f":
        raise RuntimeError(f'"renorm_out" not implemented for \'{_scalar_name(input)}\'')
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    return store(apply_unary(Renorm, input, float(p), input._wrap_dim(dim), float(maxnorm)), out, "renorm")


def renorm_(t, p, dim, maxnorm):
    """Rescale each sub-tensor of ``t`` along ``dim`` to ``p``-norm at most ``maxnorm``, in place."""
    from .inplace import _inplace
    return _inplace(renorm, t, p, dim, maxnorm)


def addr_(t, vec1, vec2, *, beta=1, alpha=1):
    """Replace ``t`` by ``beta * t + alpha * outer(vec1, vec2)``, in place."""
    from .inplace import _inplace
    return _inplace(addr, t, vec1, vec2, beta=beta, alpha=alpha)


def addbmm_(t, batch1, batch2, *, beta=1, alpha=1):
    """Replace ``t`` by ``beta * t + alpha * sum_b(batch1[b] @ batch2[b])``, in place."""
    from .inplace import _inplace
    return _inplace(addbmm, t, batch1, batch2, beta=beta, alpha=alpha)


from ._extra_index import (INDEX_OPS, block_diag, diagonal_scatter, narrow_copy, put,  # noqa: E402,F401
                           select_scatter, slice_scatter, unique_consecutive)
from ._extra_compose import (COMPOSE_OPS, argwhere, cartesian_prod, column_stack, combinations, corrcoef, cov,  # noqa: E402,F401
                             cumulative_trapezoid, histogram, msort, range, trapezoid, trapz, vander)

from ._extra_linalg import LINALG_OPS, cholesky_inverse, cholesky_solve, matrix_exp  # noqa: E402,F401

OPS = (Addr, Addbmm, Dist, Renorm) + INDEX_OPS + COMPOSE_OPS + LINALG_OPS
