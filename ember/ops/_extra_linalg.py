"""Linear algebra of ``extra``: cholesky_solve, cholesky_inverse and matrix_exp, with PyTorch's
backward formulas (which treat the Cholesky factor as a full matrix, as PyTorch's do)."""
import numpy as np

from . import _numpy_api
from ._ew_base import SCALAR_NAMES
from ._op import Op, Samples, apply, apply_unary


def _factor(L, upper):
    """The triangle of ``L`` LAPACK reads, as a lower factor (transposed when ``upper``)."""
    return np.swapaxes(np.triu(L), -1, -2) if upper else np.tril(L)


def _cholesky_solve(B, L, upper):
    low = _factor(L, upper)
    batch = np.broadcast_shapes(B.shape[:-2], L.shape[:-2])
    low = np.broadcast_to(low, batch + low.shape[-2:])
    B = np.broadcast_to(B, batch + B.shape[-2:])
    y = np.linalg.solve(low, B)
    return np.linalg.solve(np.swapaxes(low, -1, -2), y)


class CholeskySolve(Op):
    """``A^-1 B`` for ``A = L L^H`` (``U^H U`` when ``upper``) given its Cholesky factor."""
    node_name = "CholeskySolveBackward0"
    saves = ("L", "out", "upper")
    saved_names = {"L": "input2", "out": "result"}
    # the formula differentiates the factor as a full matrix, as PyTorch's: no finite differences
    samples = Samples("cholesky_solve", domain=(1.0, 2.0), numeric=False, cases=lambda make: [
        ((make((3, 2)), make((3, 3))), {}), ((make((2, 3, 2)), make((3, 3))), {"upper": True})])

    def forward(ctx, B, L, upper):
        return _cholesky_solve(B, L, upper)

    def backward(ctx, xp, grad, L, out, upper):
        g_b = _solve_of(xp, grad, L, upper)
        common = xp.matmul(g_b, xp.mT(out))
        common = common + xp.mT(common)
        return g_b, -(xp.matmul(L, common) if upper else xp.matmul(common, L))


def _solve_of(xp, B, L, upper):
    if xp is _numpy_api:
        return _cholesky_solve(B, L, upper).astype(B.dtype, copy=False)
    return cholesky_solve(B, L, upper)


def _check_float(name, *tensors):
    for t in tensors:
        if t._data.dtype.kind != "f":
            raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                               f"{SCALAR_NAMES[t._data.dtype.char]}")


def cholesky_solve(input, input2, upper=False, *, out=None):
    """Return the solution of ``A X = input`` for ``A`` given by its Cholesky factor ``input2``."""
    from ._out import store
    for name, t in (("b", input), ("u", input2)):
        if t.ndim < 2:
            raise RuntimeError(f"{name} should have at least 2 dimensions, but has {t.ndim} dimensions instead")
    if input._data.dtype != input2._data.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{SCALAR_NAMES[input._data.dtype.char]} and A of type "
                           f"{SCALAR_NAMES[input2._data.dtype.char]} instead.")
    _check_float("cholesky_solve", input)
    if input2.shape[-1] != input2.shape[-2] or input.shape[-2] != input2.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is {input2.shape[-2]} by "
                           f"{input2.shape[-1]} but each b matrix is {input.shape[-2]} by {input.shape[-1]}")
    return store(apply(CholeskySolve, (input, input2), bool(upper)), out, "cholesky_solve")


class CholeskyInverse(Op):
    """``(L L^H)^-1`` (``(U^H U)^-1`` when ``upper``) from a Cholesky factor."""
    node_name = "CholeskyInverseBackward0"
    saves = ("L", "out", "upper")
    saved_names = {"L": "self", "out": "result"}
    samples = Samples("cholesky_inverse", domain=(1.0, 2.0), numeric=False, cases=lambda make: [
        ((make((3, 3)),), {}), ((make((4, 4)),), {"upper": True})])

    def forward(ctx, L, upper):
        low = _factor(L, upper)
        inv_low = np.linalg.inv(low)
        return np.swapaxes(inv_low, -1, -2) @ inv_low

    def backward(ctx, xp, grad, L, out, upper):
        common = xp.matmul(out, xp.matmul(grad + xp.mT(grad), out))
        return (-(xp.matmul(L, common) if upper else xp.matmul(common, L)),)


def cholesky_inverse(input, upper=False, *, out=None):
    """Return the inverse of the matrix whose Cholesky factor is ``input``."""
    from ._out import store
    if input.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")
    _check_float("cholesky_inverse", input)
    return store(apply_unary(CholeskyInverse, input, bool(upper)), out, "cholesky_inverse")


def _expm(A):
    """The matrix exponential by scaling and squaring with a degree-18 Taylor polynomial."""
    a = A.astype(np.float64)
    norm = np.abs(a).sum(-2).max(-1, initial=0.0) if a.size else np.zeros(a.shape[:-2])
    squarings = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) / 0.25))).astype(int)
    squarings = np.where(np.isfinite(norm), squarings, 0)
    s = int(squarings.max(initial=0))
    scale = np.ldexp(1.0, -squarings)[..., None, None]
    a = a * scale
    eye = np.broadcast_to(np.eye(a.shape[-1]), a.shape)
    result, term = eye.copy(), eye.copy()
    for k in range(1, 19):
        term = term @ a / k
        result = result + term
    for i in range(s):
        more = (squarings > i)[..., None, None]
        result = np.where(more, result @ result, result)
    return result.astype(A.dtype)


class MatrixExp(Op):
    """The matrix exponential of each square matrix of ``input``."""
    node_name = "LinalgMatrixExpBackward0"
    saves = ("x",)
    saved_names = {"x": "self"}
    samples = Samples("matrix_exp", domain=(-1.0, 1.0), cases=lambda make: [
        ((make((3, 3)),), {}), ((make((2, 2, 2)),), {}), ((make((1, 1)),), {})])

    def forward(ctx, x):
        return _expm(x)

    def backward(ctx, xp, grad, x):
        # PyTorch's backward_analytic_function_of_a_matrix: the upper-right block of the exponential of
        # [[A^H, grad], [0, A^H]]
        n = x.shape[-1]
        at = xp.mT(x)
        zero = xp.zeros(tuple(x.shape), at)
        block = xp.cat([xp.cat([at, grad], -1), xp.cat([zero, at], -1)], -2)
        e = _expm(block) if xp is _numpy_api else matrix_exp(block)
        batch = (slice(None),) * (len(x.shape) - 2)
        return (xp.index(e, (batch + (slice(0, n), slice(n, 2 * n)),)),)


def matrix_exp(input):
    """Return the matrix exponential of each square matrix of ``input``."""
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError("linalg.matrix_exp: The input tensor A must have at least 2 dimensions." if input.ndim < 2
                           else f"linalg.matrix_exp: A must be batches of square matrices, but they are "
                                f"{input.shape[-2]} by {input.shape[-1]} matrices")
    _check_float("linalg.matrix_exp", input)
    return apply_unary(MatrixExp, input)


LINALG_OPS = (CholeskySolve, CholeskyInverse, MatrixExp)
