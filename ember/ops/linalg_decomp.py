"""Matrix functions and decompositions of ``torch.linalg``: inv, det, slogdet, solve, cholesky, eigh,
svd, qr, pinv, cross. Forwards call ``numpy.linalg``; backwards are PyTorch's formulas
(FunctionsManual.cpp), written against ``xp`` plus the small dispatching helpers below, which call
NumPy on arrays and the recorded ember functions on Tensors, so double backward works too.
"""
import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ._op import Op, Samples, _record, apply, broadcast_error
from .reduction import _return_type

_new = object.__new__
_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int"}
_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


_SLOGDET = _return_type("linalg_slogdet", ("sign", "logabsdet"))
_EIGH = _return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
_SVD = _return_type("linalg_svd", ("U", "S", "Vh"))
_QR = _return_type("linalg_qr", ("Q", "R"))


class LinAlgError(RuntimeError):
    """Raised when a decomposition fails on its input (``torch.linalg.LinAlgError``)."""


# ---------------------------------------------------------------- helpers usable on arrays and Tensors
def _inv(a):
    return inv(a) if isinstance(a, Tensor) else np.linalg.inv(a)


def _solve(a, b):
    return solve(a, b) if isinstance(a, Tensor) or isinstance(b, Tensor) else np.linalg.solve(a, b)


def _eigh(a):
    return eigh(a) if isinstance(a, Tensor) else np.linalg.eigh(a)


def _svd(a):
    return svd(a, full_matrices=False) if isinstance(a, Tensor) else np.linalg.svd(a, full_matrices=False)


def _cross(a, b, dim):
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return cross(a, b, dim=dim)
    return np.cross(a, b, axis=dim)


def _diag_embed(xp, d):
    """The batch of diagonal matrices with ``d`` (..., n) on their diagonals."""
    n = d.shape[-1]
    eye = np.eye(n, dtype=d.dtype.numpy_dtype if isinstance(d, Tensor) else d.dtype)
    return xp.unsqueeze(d, -1) * (_wrap(eye) if isinstance(d, Tensor) else eye)


# ---------------------------------------------------------------- checks in PyTorch's words
def _check_float(A, name):
    if A._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_NAMES.get(A._data.dtype.name, A._data.dtype.name)}")


def _check_square(A, name):
    _check_float(A, name)
    shape = A._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if shape[-1] != shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are {shape[-2]} by "
                           f"{shape[-1]} matrices")


def _zero_pivot(a):
    """The 1-based position of LU's first zero pivot in each matrix of ``a`` (0 where none): LAPACK's info."""
    infos = []
    for m in a.reshape((-1,) + a.shape[-2:]).astype(np.float64):
        m, info = m.copy(), 0
        for k in range(m.shape[0]):
            p = k + int(np.argmax(np.abs(m[k:, k])))
            m[[k, p]] = m[[p, k]]
            if m[k, k] == 0:
                info = k + 1
                break
            m[k + 1:] -= np.outer(m[k + 1:, k] / m[k, k], m[k])
        infos.append(info)
    return infos


def _batch_prefix(infos, i, ndim):
    return f"(Batch element {i}): " if ndim > 2 else ""


# ---------------------------------------------------------------- inv, det, slogdet, solve
def _well(a):
    """A sample matrix made well conditioned (diagonally dominant), in its own dtype."""
    return a + a.shape[-1] * np.eye(a.shape[-1], dtype=a.dtype)


class Inv(Op):
    """The inverse of each square matrix (``linalg.inv``)."""
    node_name = "LinalgInvExBackward0"
    saves = ("out",)
    saved_names = {"out": "inverse"}
    samples = Samples("linalg.inv", cases=lambda make: [((_well(make((3, 3))),), {}),
                                                        ((_well(make((2, 4, 4))),), {})])

    def forward(ctx, x):
        return np.linalg.inv(x)

    def backward(ctx, xp, grad, out):
        inv_t = xp.mT(out)
        return (-xp.matmul(xp.matmul(inv_t, grad), inv_t),)


def inv(A, *, out=None):
    """Return the inverse of a square matrix (or of each matrix of a batch)."""
    _check_square(A, "inv")
    try:
        return apply(Inv, (A,))
    except np.linalg.LinAlgError:
        infos = _zero_pivot(A._data)
        i = next(i for i, v in enumerate(infos) if v)
        raise LinAlgError(f"linalg.inv: {_batch_prefix(infos, i, A._data.ndim)}The diagonal element {infos[i]} is "
                          f"zero, the inversion could not be completed because the input matrix is singular.") from None


def inverse(input, *, out=None):
    """Return the inverse of a square matrix (``torch.inverse``, the twin of ``linalg.inv``)."""
    return inv(input)


class Det(Op):
    """The determinant of each square matrix."""
    node_name = "LinalgDetBackward0"
    saves = ("x", "out")
    saved_names = {"x": "A"}
    samples = Samples("linalg.det", cases=lambda make: [((_well(make((3, 3))),), {}),
                                                        ((_well(make((2, 2, 2))),), {})])

    def forward(ctx, x):
        return np.asarray(np.linalg.det(x))

    def backward(ctx, xp, grad, x, out):
        # d det(A) = det(A) tr(A^-1 dA): valid for invertible A
        return (xp.unsqueeze(grad * out, (-2, -1)) * xp.mT(_inv(x)),)


def det(A, *, out=None):
    """Return the determinant of a square matrix (or of each matrix of a batch)."""
    _check_square(A, "det")
    return apply(Det, (A,))


def _apply_multi(cls, t, *params):
    """Run a one-input, several-output op that saves its input for backward."""
    if not (t._requires_grad and _state.enabled):
        return tuple(_wrap(o) for o in cls.forward(_DISCARD, t._data, *params))
    ctx = _new(cls._node_type)
    outs = ctx.forward(t._data, *params)
    results = [_record(ctx, (t,), (t,) + params, outs[0])]
    ctx.n_outputs = len(outs)
    if len(outs) > 1:  # the engine reads a one-output node's metadata unwrapped
        ctx._shape = tuple(o.shape for o in outs)
        ctx._dtype = tuple(o.dtype for o in outs)
    for nr, o in enumerate(outs[1:], 1):
        r = _new(Tensor)
        r._data, r._node, r._requires_grad, r._out_nr = o, ctx, True, nr
        results.append(r)
    return tuple(results)


class _Discard:
    __slots__ = ()

    def __setattr__(self, name, value):
        pass


_DISCARD = _Discard()


class Slogdet(Op):
    """The sign and the log of the absolute value of the determinant."""
    node_name = "LinalgSlogdetBackward0"
    saves = ("x",)

    def forward(ctx, x):
        sign, logabs = np.linalg.slogdet(x)
        return np.asarray(sign, x.dtype), np.asarray(logabs, x.dtype)

    def backward(ctx, xp, grads, x):
        g = grads[1]  # the sign is piecewise constant
        return (None if g is None else xp.unsqueeze(g, (-2, -1)) * xp.mT(_inv(x)),)


def slogdet(A, *, out=None):
    """Return ``(sign, logabsdet)`` of the determinant of a square matrix (or batch)."""
    _check_square(A, "slogdet")
    return _SLOGDET(*_apply_multi(Slogdet, A))


def logdet(input):
    """Return the log of the determinant (nan for a negative one)."""
    sign, logabs = slogdet(input)
    from .elementwise import where
    return where(sign == -1, float("nan"), logabs)


def _is_vector_rhs(a, b):
    # PyTorch reads B as a batch of vectors when it is 1-D or has A's batch shape without its last dim
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


class Solve(Op):
    """The solution ``X`` of ``A X = B``."""
    node_name = "LinalgSolveExBackward0"
    saves = ("a", "out")
    samples = Samples("linalg.solve", cases=lambda make: [
        ((_well(make((3, 3))), make((3, 2))), {}), ((_well(make((3, 3))), make((3,))), {}),
        ((_well(make((2, 3, 3))), make((3, 4))), {})])

    def forward(ctx, a, b):
        ctx.vec = vec = _is_vector_rhs(a, b)
        return np.linalg.solve(a, b[..., None])[..., 0] if vec else np.linalg.solve(a, b)

    def backward(ctx, xp, grad, a, out):
        a_t = xp.mT(a)
        if ctx.vec:
            gb = _solve(a_t, xp.unsqueeze(grad, -1))
            return -(gb * xp.unsqueeze(out, -2)), gb[..., 0]
        gb = _solve(a_t, grad)
        return -xp.matmul(gb, xp.mT(out)), gb


def solve(A, B, *, left=True, out=None):
    """Return the solution ``X`` of ``A X = B`` (``X A = B`` when ``left=False``)."""
    _check_square(A, "solve")
    if not left:
        return solve(A.mT, B.mT).mT
    a, b = A._data, B._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{_TYPE[a.dtype.name]} and B of type {_TYPE[b.dtype.name]} instead")
    vec = _is_vector_rhs(a, b)
    rows = b.shape[-1] if vec else b.shape[-2] if b.ndim >= 2 else b.shape[0]
    if rows != a.shape[-1]:
        cols = 1 if vec else b.shape[-1]
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({a.shape[-2]}x{a.shape[-1]} and {rows}x{cols})")
    if not vec and b.ndim > 2:
        err = broadcast_error(a.shape[:-2], b.shape[:-2])
        if err is not None:
            raise err
    try:
        return apply(Solve, (A, B))
    except np.linalg.LinAlgError:
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None


# ---------------------------------------------------------------- decompositions
def _spd(make, n, batch=()):
    a = make(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n, dtype=a.dtype)


class Cholesky(Op):
    """The lower (or upper) triangular ``L`` with ``A = L L^H``."""
    node_name = "LinalgCholeskyExBackward0"
    saves = ("out",)
    samples = Samples("linalg.cholesky", cases=lambda make: [((_spd(make, 3),), {}), ((_spd(make, 3, (2,)),), {}),
                                                             ((_spd(make, 3),), {"upper": True})], numeric=False)

    def forward(ctx, x, upper):
        ctx.upper = upper
        low = np.linalg.cholesky(x)
        return np.swapaxes(low, -1, -2).copy() if upper else low

    def backward(ctx, xp, grad, out):
        low, g = (xp.mT(out), xp.mT(grad)) if ctx.upper else (out, grad)
        ga = xp.tril(xp.matmul(xp.mT(low), g))
        ga = 0.5 * (ga + xp.mT(xp.tril(ga, -1)))
        ga = _solve(xp.mT(low), ga)                      # L^-H gA
        return (xp.mT(_solve(xp.mT(low), xp.mT(ga))),)   # ... L^-1


class CholeskyLegacy(Cholesky):
    """``torch.cholesky`` (deprecated), recorded under its own node name."""
    node_name = "CholeskyBackward0"
    samples = None


def _cholesky(cls, A, upper, name):
    _check_square(A, name)
    try:
        return apply(cls, (A,), bool(upper))
    except np.linalg.LinAlgError:
        for i, m in enumerate(A._data.reshape((-1,) + A._data.shape[-2:])):
            order = next((k for k in range(1, m.shape[0] + 1) if np.linalg.eigvalsh(m[:k, :k])[0] <= 0), None)
            if order is not None:
                prefix = f"(Batch element {i}): " if A._data.ndim > 2 else ""
                raise LinAlgError(f"linalg.cholesky: {prefix}The factorization could not be completed because the "
                                  f"input is not positive-definite (the leading minor of order {order} is not "
                                  f"positive-definite).") from None
        raise


def cholesky(A, *, upper=False, out=None):
    """Return the Cholesky factor of a symmetric positive-definite matrix (lower unless ``upper``)."""
    return _cholesky(Cholesky, A, upper, "cholesky")


class Eigh(Op):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix."""
    node_name = "LinalgEighBackward0"
    saves = ("x",)
    # NumPy reads only one triangle, so finite differences see a different function than
    # PyTorch's (symmetric) gradient describes: compared with torch only
    samples = Samples("linalg.eigvalsh", cases=lambda make: [((_spd(make, 3),), {}), ((_spd(make, 4, (2,)),), {}),
                                                             ((_spd(make, 3),), {"UPLO": "U"})], numeric=False)

    def forward(ctx, x, uplo):
        ctx.uplo = uplo
        values, vectors = np.linalg.eigh(x, UPLO=uplo)
        return values, vectors

    def backward(ctx, xp, grads, x):
        g_values, g_vectors = grads
        values, vectors = _eigh(x)
        inner = 0 * xp.unsqueeze(values, -1) * xp.unsqueeze(values, -2)
        if g_vectors is not None:
            vhgv = xp.matmul(xp.mT(vectors), g_vectors)
            gap = xp.unsqueeze(values, -2) - xp.unsqueeze(values, -1)
            n = values.shape[-1]
            eye = np.eye(n, dtype=np.float64)
            eye = _wrap(eye.astype(gap.dtype.numpy_dtype)) if isinstance(gap, Tensor) else eye.astype(gap.dtype)
            inner = 0.5 * (vhgv - xp.mT(vhgv)) / (gap + eye) * (1 - eye)
        if g_values is not None:
            inner = inner + _diag_embed(xp, g_values)
        return (xp.matmul(vectors, xp.matmul(inner, xp.mT(vectors))),)


def eigh(A, UPLO="L", *, out=None):
    """Return ``(eigenvalues, eigenvectors)`` of a symmetric matrix, eigenvalues ascending."""
    _check_square(A, "eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _EIGH(*_apply_multi(Eigh, A, UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """Return the eigenvalues of a symmetric matrix, ascending."""
    _check_square(A, "eigvalsh")
    return eigh(A, UPLO)[0]


class Svd(Op):
    """``U, S, Vh`` with ``A = U diag(S) Vh``; the gradient flows through ``S`` only."""
    node_name = "LinalgSvdBackward0"
    saves = ("x",)
    samples = Samples("linalg.svdvals", cases=lambda make: [((make((3, 4)),), {}), ((make((2, 4, 3)),), {}),
                                                            ((make((3, 3)),), {})],
                      gradgrad=False)  # second order needs the U/Vh gradient, not built

    def forward(ctx, x, full_matrices, compute_uv):
        if not compute_uv:
            return (np.linalg.svd(x, compute_uv=False),)
        u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
        return s, u, vh

    def backward(ctx, xp, grads, x):
        grads = grads if ctx.n_outputs > 1 else (grads,)
        g_s = grads[0]
        if any(g is not None for g in grads[1:]):
            raise NotImplementedError("ember: the gradient of linalg.svd through U or Vh is not implemented; "
                                      "only the singular values are differentiable")
        u, s, vh = _svd(x)
        return (xp.matmul(u * xp.unsqueeze(g_s, -2), vh),)


def _check_svd(A, name):
    _check_float(A, name)
    if A._data.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")


def svd(A, full_matrices=True, *, driver=None, out=None):
    """Return ``(U, S, Vh)``, the singular value decomposition ``A = U diag(S) Vh``."""
    _check_svd(A, "svd")
    s, u, vh = _apply_multi(Svd, A, bool(full_matrices), True)
    return _SVD(u, s, vh)


def svdvals(A, *, driver=None, out=None):
    """Return the singular values of ``A``, in descending order."""
    _check_svd(A, "svdvals")
    return _apply_multi(Svd, A, False, False)[0]


class Qr(Op):
    """``Q, R`` with ``A = Q R``, ``Q`` orthonormal columns, ``R`` upper triangular."""
    node_name = "LinalgQrBackward0"
    saves = ("x",)

    def forward(ctx, x, mode):
        ctx.mode = mode
        if mode == "r":
            return (np.linalg.qr(x, mode="r"),)
        q, r = np.linalg.qr(x, mode=mode)
        return r, q

    def backward(ctx, xp, grads, x):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        rows, cols = x.shape[-2], x.shape[-1]
        if ctx.mode == "complete" and rows > cols:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        g_r, g_q = grads
        q, r = _qr(x)
        if rows >= cols:
            return (_qr_grad(xp, g_q, g_r, q, r),)
        # wide A = [X | Y]: X = Q U is a square QR and V = Q^H Y, so Y's gradient is Q gV and V carries
        # (Q V) gV^H back to Q (PyTorch's formula, which uses Q V for Y as it does not save A)
        u, v = r[..., :rows], r[..., rows:]
        g_u, g_v = (None, None) if g_r is None else (g_r[..., :rows], g_r[..., rows:])
        if g_v is None:
            return (xp.cat([_qr_grad(xp, g_q, g_u, q, u), 0 * xp.matmul(q, v)], -1),)
        g_y = xp.matmul(q, g_v)
        g_q = xp.matmul(xp.matmul(q, v), xp.mT(g_v)) + (0 if g_q is None else g_q)
        return (xp.cat([_qr_grad(xp, g_q, g_u, q, u), g_y], -1),)


def _qr_grad(xp, g_q, g_r, q, r):
    """The gradient of a square or tall QR: ``(gQ + Q copyltu(M)) R^-H``, ``M = R gR^H - gQ^H Q``."""
    m = 0 * xp.matmul(r, xp.mT(r))  # Walter & Lehmann, as PyTorch
    if g_r is not None:
        m = m + xp.matmul(r, xp.mT(g_r))
    if g_q is not None:
        m = m - xp.matmul(xp.mT(g_q), q)
    low = xp.tril(m, -1)
    b = xp.matmul(q, low + xp.mT(low) + (m - low - xp.triu(m, 1)))
    if g_q is not None:
        b = b + g_q
    return xp.mT(_solve(r, xp.mT(b)))


def _qr(a):
    if isinstance(a, Tensor):
        return qr(a)
    return np.linalg.qr(a)


def qr(A, mode="reduced", *, out=None):
    """Return ``(Q, R)``, the QR decomposition of ``A`` (``mode``: 'reduced', 'complete' or 'r')."""
    _check_svd(A, "qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           f"'r', or 'complete'")
    if mode == "r":
        r = _apply_multi(Qr, A, mode)[0]
        return _QR(_wrap(np.empty((0,), A._data.dtype)), r)
    r, q = _apply_multi(Qr, A, mode)
    return _QR(q, r)


class Pinv(Op):
    """The Moore-Penrose pseudo-inverse."""
    node_name = "LinalgPinvBackward0"
    saves = ("x", "out")
    samples = Samples("linalg.pinv", cases=lambda make: [((make((3, 4)),), {}), ((make((4, 3)),), {}),
                                                         ((make((2, 3, 3)),), {})])

    def forward(ctx, x, atol, rtol, hermitian):
        if x.size == 0:
            return np.zeros(x.shape[:-2] + (x.shape[-1], x.shape[-2]), x.dtype)
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        tol = np.maximum(atol, rtol * s[..., :1])
        s_inv = np.where(s > tol, 1 / np.where(s > tol, s, 1), 0).astype(x.dtype)
        return np.swapaxes(vh, -1, -2) @ (s_inv[..., None] * np.swapaxes(u, -1, -2))

    def backward(ctx, xp, grad, x, pinv_a):
        pinv_h, grad_h = xp.mT(pinv_a), xp.mT(grad)
        if x.shape[-2] <= x.shape[-1]:
            k = xp.matmul(grad_h, pinv_a)
            k_pinv_h = xp.matmul(k, pinv_h)
            return (-xp.mT(xp.matmul(pinv_a, k)) + k_pinv_h - xp.matmul(xp.matmul(x, pinv_a), k_pinv_h)
                    + xp.matmul(xp.matmul(pinv_h, pinv_a), grad_h - xp.matmul(k, x)),)
        k = xp.matmul(pinv_a, grad_h)
        pinv_h_k = xp.matmul(pinv_h, k)
        return (-xp.mT(xp.matmul(k, pinv_a)) + xp.matmul(xp.matmul(grad_h - xp.matmul(x, k), pinv_a), pinv_h)
                + pinv_h_k - xp.matmul(xp.matmul(pinv_h_k, pinv_a), x),)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Return the pseudo-inverse of ``A`` (singular values below ``max(atol, rtol * max(S))`` dropped)."""
    _check_svd(A, "pinv")
    m, n = A._data.shape[-2:]
    if rtol is None:
        rtol = max(m, n) * np.finfo(A._data.dtype).eps if atol is None or atol <= 0 else 0.0
    if hermitian:
        _check_square(A, "eigh")  # PyTorch takes the eigh route here, so its check and message apply
    return apply(Pinv, (A,), float(atol or 0.0), float(rtol), hermitian)


class Cross(Op):
    """The cross product of 3-vectors along a dimension, broadcast."""
    node_name = "LinalgCrossBackward0"
    saves = ("x", "y")
    samples = Samples("linalg.cross", cases=lambda make: [((make((4, 3)), make((4, 3))), {}),
                                                          ((make((1, 3)), make((2, 3))), {}),
                                                          ((make((3, 2)), make((3, 2))), {"dim": 0})])

    def forward(ctx, x, y, dim):
        ctx.dim = dim
        return np.cross(x, y, axis=dim)

    def backward(ctx, xp, grad, x, y):
        return _cross(y, grad, ctx.dim), _cross(grad, x, ctx.dim)


def cross(input, other, *, dim=-1, out=None):
    """Return the cross product of 3-vectors along ``dim`` of ``input`` and ``other`` (broadcast)."""
    ndim = max(input._data.ndim, other._data.ndim)
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = input._wrap_dim(dim, ndim) - ndim
    if input._data.shape[d] != 3 or other._data.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input._data.shape[d]} and {other._data.shape[d]}")
    err = broadcast_error(input._data.shape, other._data.shape)
    if err is not None:
        raise err
    return apply(Cross, (input, other), d)


OPS = (Inv, Det, Slogdet, Solve, Cholesky, Eigh, Svd, Qr, Pinv, Cross)
