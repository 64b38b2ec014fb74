"""``ember.linalg``: PyTorch's ``torch.linalg``. The primitives (with their backward) live in
``ember/ops/linalg_decomp.py``; the norms, ranks, powers and chained products here compose them."""
import warnings

import numpy as np

from ._tensor import _wrap
from .ops import elementwise as _ew
from .ops import reduction as _red
from .ops import shape as _shape
from .ops.linalg import matmul
from .ops.linalg_decomp import (LinAlgError, cholesky, cross, det, eigh, eigvalsh, inv, pinv, qr, slogdet, solve,
                                svd, svdvals)
from .ops.linalg_decomp import _check_float, _check_square, _return_type

__all__ = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
           "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals",
           "vector_norm"]


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """Return the vector ``ord``-norm of ``x`` over ``dim`` (all elements when None)."""
    if ord is None or isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    return _red.norm(x, ord, dim, keepdim, dtype=dtype)


def _to_last_two(A, dim):
    d0, d1 = (A._wrap_dim(d) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    return _shape.movedim(A, (d0, d1), (-2, -1)) if (d0, d1) != (A.ndim - 2, A.ndim - 1) else A, (d0, d1)


def _keep(result, dims, ndim, keepdim):
    if not keepdim:
        return result
    for d in sorted(dims):
        result = _shape.unsqueeze(result, d)
    return result


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Return the matrix norm of ``A`` over ``dim``: 'fro', 'nuc', inf, -inf, 1, -1, 2 or -2."""
    if ord not in ("fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf")):  # PyTorch checks the order first
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    _check_float(A, "matrix_norm")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim)
    M, dims = _to_last_two(A, dim)
    if ord == "nuc":
        result = _red.sum(svdvals(M), -1)
    elif ord in (2, -2):
        s = svdvals(M)
        result = _red.amax(s, -1) if ord == 2 else _red.amin(s, -1)
    else:  # 1-norms reduce columns (sum over rows first), inf-norms rows
        sums = _red.sum(_ew.abs(M), -2 if abs(ord) == 1 else -1)
        result = _red.amax(sums, -1) if ord > 0 else _red.amin(sums, -1)
    return _keep(result, dims, A.ndim, keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """Return a vector or a matrix norm of ``A``, as ``ord`` and ``dim`` select."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    if ord is None:  # the 2-norm of the flattened dims
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if dim is None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    if dim is not None and len(dim) == 2 or (dim is None and A.ndim == 2):
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        if dim is None:  # a 1-D input: matrix_norm refuses it
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None, out=None):
    """Return the numerical rank of ``A``: the singular values above ``max(atol, rtol * max(S))`` (int64)."""
    _check_float(A, "matrix_rank")
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if hermitian:
        _check_square(A, "eigh")  # PyTorch takes the eigh route here, so its check and message apply
    a = A._data
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    if tol is not None:
        atol, rtol = tol, 0.0
    atol = 0.0 if atol is None else float(atol)
    if rtol is None:
        rtol = max(a.shape[-2:]) * np.finfo(a.dtype).eps if atol <= 0 else 0.0
    top = s.max(axis=-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    return _wrap(np.asarray((s > np.maximum(atol, rtol * top)).sum(axis=-1), dtype=np.int64))


def multi_dot(tensors, *, out=None):
    """Return the product of a chain of matrices (the first may be a row vector, the last a column)."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        edge = i in (0, len(tensors) - 1)
        if t.ndim != 2 and not (edge and t.ndim == 1):
            where = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
            if where:
                raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D")
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    result = tensors[0]
    for t in tensors[1:]:
        result = matmul(result, t)
    return result


def matrix_power(A, n, *, out=None):
    """Return ``A`` multiplied by itself ``n`` times (the inverse's power when ``n < 0``; I when 0)."""
    _check_square(A, "matrix_power")
    if n == 0:
        eye = np.broadcast_to(np.eye(A.shape[-1], dtype=A._data.dtype), A.shape).copy()
        return _wrap(eye)
    if n < 0:
        A, n = inv(A), -n
    # binary powering, PyTorch's order of products
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return _shape.clone(result) if result is A else result


def inv_ex(A, *, check_errors=False, out=None):
    """Return ``(inverse, info)``; ``info`` is 0 for each invertible matrix."""
    return _INV_EX(inv(A), _wrap(np.zeros(A.shape[:-2], np.int32)))


_INV_EX = _return_type("linalg_inv_ex", ("inverse", "info"))


# ---------------------------------------------------------------- torch's top-level twins (ember.svd, ...)
_SVD_LEGACY = _return_type("svd", ("U", "S", "V"))
_QR_LEGACY = _return_type("qr", ("Q", "R"))
_SLOGDET_LEGACY = _return_type("slogdet", ("sign", "logabsdet"))


def _svd_legacy(input, some=True, compute_uv=True, *, out=None):
    """Return ``(U, S, V)`` with ``input = U diag(S) V^T`` (``torch.svd``: V, not Vh; reduced when ``some``)."""
    if not compute_uv:
        s = svdvals(input)
        m, n = input.shape[-2:]
        zeros = lambda r: _wrap(np.zeros(tuple(input.shape[:-2]) + (r, r), input._data.dtype))
        return _SVD_LEGACY(zeros(m), s, zeros(n))  # square zeros whatever ``some``, as PyTorch
    u, s, vh = svd(input, full_matrices=not some)
    return _SVD_LEGACY(u, s, vh.mT)


def _qr_legacy(input, some=True, *, out=None):
    """Return ``(Q, R)`` (``torch.qr``: reduced when ``some``, else complete)."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\nQ, R = "
                  "torch.qr(A, some)\nshould be replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else "
                  "'complete')", UserWarning, stacklevel=2)
    q, r = qr(input, "reduced" if some else "complete")
    return _QR_LEGACY(q, r)


def _slogdet_legacy(input, *, out=None):
    """Return ``(sign, logabsdet)`` of the determinant (``torch.slogdet``)."""
    return _SLOGDET_LEGACY(*slogdet(input))


def _cholesky_legacy(input, upper=False, *, out=None):
    """Return the Cholesky factor (``torch.cholesky``, deprecated in favour of ``linalg.cholesky``)."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\n"
                  "and\nU = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
                  "This transform will produce equivalent results for all valid (symmetric positive definite) "
                  "inputs.", UserWarning, stacklevel=2)
    from .ops.linalg_decomp import CholeskyLegacy, _cholesky
    return _cholesky(CholeskyLegacy, input, upper, "cholesky")


def _cross_legacy(input, other, dim=None, *, out=None):
    """Return the cross product along ``dim`` (``torch.cross``: the first size-3 dim when None, with a warning)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(input.shape, other.shape)
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return cross(input, other, dim=dim)
