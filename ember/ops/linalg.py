"""Linear algebra: matrix products (matmul and its special cases), einsum, tensordot."""
import numpy as np

from .._tensor import Tensor, _wrap
from ._op import Op, Samples, apply


def _mm_cases(make):
    return [((make((3, 4)), make((4, 5))), {}), ((make((1, 1)), make((1, 1))), {}), ((make((2, 0)), make((0, 3))), {})]


def _dot_cases(make):
    return [((make((5,)), make((5,))), {}), ((make((0,)), make((0,))), {})]


class MatMul(Op):
    """The matrix product of two tensors of 2 or more dimensions, batch dims broadcast."""
    node_name = "MmBackward0"
    saves = ("x", "y")
    samples = Samples("mm", arity=2, empty=False, zero_dim=False, cases=_mm_cases)

    def forward(ctx, x, y):
        return np.matmul(x, y)

    def backward(ctx, xp, grad, x, y):
        return xp.matmul(grad, xp.mT(y)), xp.matmul(xp.mT(x), grad)


def _check_matmul(a, b):
    sa, sb = a._data.shape, b._data.shape
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}"
                           .replace("ember.", ""))
    if not sa or not sb:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D and "
                           f"{len(sb)}D")
    k_a = sa[-1]
    k_b = sb[-2] if len(sb) >= 2 else sb[0]
    if k_a != k_b:
        if len(sa) == 1 and len(sb) == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the "
                               f"same number of elements, but got {sa[0]} and {sb[0]} elements respectively")
        if len(sb) == 1:
            raise RuntimeError(f"size mismatch, got input ({sa[-2] if len(sa) > 1 else 1}), mat "
                               f"({sa[-2] if len(sa) > 1 else 1}x{k_a}), vec ({sb[0]})")
        left = f"{sa[-2]}x{k_a}" if len(sa) >= 2 else f"1x{k_a}"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({left} and {sb[-2]}x{sb[-1]})")


def matmul(input, other, *, out=None):
    """Return the matrix product of two tensors (vectors, matrices, or broadcast batches)."""
    from . import shape as _shape
    _check_matmul(input, other)
    da, db = input._data.ndim, other._data.ndim
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 1:
        return _shape.squeeze(matmul(_shape.unsqueeze(input, 0), other), -2)
    if db == 1:
        return mv(input, other) if da == 2 else _shape.squeeze(matmul(input, _shape.unsqueeze(other, -1)), -1)
    return apply(MatMul, (input, other))


def rmatmul(input, other):
    """Return ``other @ input``."""
    return matmul(other, input)


class Dot(Op):
    """Inner product of two 1-D tensors."""
    node_name = "DotBackward0"
    saves = ("x", "y")
    samples = Samples("dot", cases=_dot_cases)

    def forward(ctx, x, y):
        return np.asarray(np.dot(x, y))

    def backward(ctx, xp, grad, x, y):
        return grad * y, grad * x


def dot(input, other, *, out=None):
    """Return the dot product of two 1-D tensors."""
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    _check_matmul(input, other)
    return apply(Dot, (input, other))


class Mv(Op):
    """Matrix-vector product."""
    node_name = "MvBackward0"
    saves = ("x", "y")

    def forward(ctx, x, y):
        return x @ y

    def backward(ctx, xp, grad, x, y):
        return xp.unsqueeze(grad, -1) * y, xp.matmul(xp.mT(x), grad)


def mv(input, vec, *, out=None):
    """Return the product of a matrix and a vector."""
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    _check_matmul(input, vec)
    return apply(Mv, (input, vec))


def mm(input, mat2, *, out=None):
    """Return the product of two matrices."""
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_matmul(input, mat2)
    return apply(MatMul, (input, mat2))
OPS = (MatMul, Dot, Mv)
