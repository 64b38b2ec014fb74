"""Linear algebra: matrix products (matmul and its special cases), einsum, tensordot, trace.

PyTorch records different grad_fn names for the different shapes ``matmul`` dispatches on
(``MmBackward0`` for matrices, ``UnsafeViewBackward0`` for batches...), so each case is a subclass
that only renames the node; the maths is shared.
"""
import math

import numpy as np

from .._tensor import Tensor
from ._op import Op, Samples, apply, broadcast_error
from ._out import store as _store_out


def needs_grad(ctx, i):
    """Return whether input ``i`` of node ``ctx`` wants a gradient (skip the work when not)."""
    return ctx._next[i] is not None


def _mm_cases(make):
    return [((make((3, 4)), make((4, 5))), {}), ((make((1, 1)), make((1, 1))), {}),
            ((make((2, 0)), make((0, 3))), {})]


def _matmul_cases(make):
    return [((make((2, 3, 4)), make((2, 4, 5))), {}), ((make((2, 3, 4)), make((4, 5))), {}),
            ((make((2, 1, 3, 4)), make((5, 4, 2))), {}), ((make((2, 3, 4)), make((4,))), {}),
            ((make((4,)), make((2, 4, 5))), {}), ((make((3, 4)), make((2, 4, 5))), {})]


def _dot_cases(make):
    return [((make((5,)), make((5,))), {}), ((make((0,)), make((0,))), {})]


class MatMul(Op):
    """The matrix product of two tensors of 2 or more dimensions, batch dims broadcast."""
    node_name = "MmBackward0"
    saves = ("x", "y")
    saved_names = {"x": ("self", "y"), "y": ("mat2", "x")}
    samples = Samples("mm", arity=2, cases=_mm_cases)

    def forward(ctx, x, y):
        return np.matmul(x, y)

    def backward(ctx, xp, grad, x, y):
        gx = xp.matmul(grad, xp.mT(y)) if needs_grad(ctx, 0) else None
        gy = xp.matmul(xp.mT(x), grad) if needs_grad(ctx, 1) else None
        return gx, gy


class BatchMatMul(MatMul):
    """``matmul`` with batch dimensions (PyTorch folds them into a bmm and an unsafe view)."""
    node_name = "UnsafeViewBackward0"
    saved_names = {"x": None, "y": None}
    samples = Samples("matmul", arity=2, cases=_matmul_cases)

    def forward(ctx, x, y):
        ctx.vec = (x.ndim == 1, y.ndim == 1)
        return np.matmul(x, y)

    def backward(ctx, xp, grad, x, y):
        vx, vy = ctx.vec
        if vx:   # (k,) @ (..., k, n): treat x as (1, k)
            x, grad = xp.unsqueeze(x, 0), xp.unsqueeze(grad, -2)
        if vy:   # (..., m, k) @ (k,): gradients as rows (1, k), which sum to (k,)
            gx = xp.matmul(xp.unsqueeze(grad, -1), xp.unsqueeze(y, 0)) if needs_grad(ctx, 0) else None
            gy = xp.matmul(xp.unsqueeze(grad, -2), x) if needs_grad(ctx, 1) else None
            return gx, gy
        gx = xp.matmul(grad, xp.mT(y)) if needs_grad(ctx, 0) else None
        gy = xp.matmul(xp.mT(x), grad) if needs_grad(ctx, 1) else None
        return gx, gy


class MatMulCloned(BatchMatMul):
    """``matrix @ batch`` (PyTorch transposes and clones, so the output's node is a clone)."""
    node_name = "CloneBackward0"


class MatMulTransposed(BatchMatMul):
    """``matrix @ batch`` for a one-row (or empty) matrix that requires grad: PyTorch folds the batch
    into an mm on the transposed problem and transposes back."""
    node_name = "TransposeBackward0"


class VecMat(BatchMatMul):
    """``vector @ matrix`` (PyTorch squeezes an mm in place)."""
    node_name = "SqueezeBackward4"


class Bmm(MatMul):
    """Batched product of two 3-D tensors with the same batch size."""
    node_name = "BmmBackward0"
    samples = Samples("bmm", arity=2, cases=lambda make: [((make((2, 3, 4)), make((2, 4, 5))), {})])


def _fmt(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_dtypes(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_tname(a)} != {_tname(b)}")


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _tname(t):
    """The C++ type name PyTorch's mm messages print (``long int``, ``float``)."""
    return _C_NAMES.get(t.dtype.name, t.dtype.name)


def _sname(t):
    """The scalar type name PyTorch's other messages print (``Long``, ``Float``)."""
    return _SCALAR_NAMES.get(t.dtype.name, t.dtype.name)


def _check_addmv_dtypes(input, mat, vec):
    if not input._data.dtype == mat._data.dtype == vec._data.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_sname(input)}, {_sname(mat)}, "
                           f"and {_sname(vec)}")


def _check_matmul(a, b):
    """Raise PyTorch's error for operands ``matmul`` cannot multiply."""
    sa, sb = a._data.shape, b._data.shape
    if not sa or not sb:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D and "
                           f"{len(sb)}D")
    if len(sa) > 2 and len(sb) > 2:  # the batch dims broadcast before the matrices are checked
        err = broadcast_error(sa[:-2], sb[:-2])
        if err is not None:
            raise err
    k_b = sb[-2] if len(sb) >= 2 else sb[0]
    if sa[-1] != k_b:
        rows = int(np.prod(sa[:-1]))
        if len(sa) == 1 and len(sb) == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the "
                               f"same number of elements, but got {sa[0]} and {sb[0]} elements respectively")
        if len(sb) == 1:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})")
        if len(sb) == 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{sa[-1]} and {sb[0]}x{sb[1]})")
        batch = np.broadcast_shapes(sa[:-2], sb[:-2]) if len(sa) > 1 else sb[:-2]
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{int(np.prod(batch))}, {sa[-1]}] but got: [{int(np.prod(batch))}, {k_b}].")
    if len(sa) == 2 and len(sb) == 1 and a._data.dtype != b._data.dtype:
        _check_addmv_dtypes(b, a, b)  # mv runs addmv with a result of the vector's dtype
    _check_dtypes(a, b)
    if a._data.dtype == np.bool_:
        kernel = "dot" if len(sa) == len(sb) == 1 else "addmv_impl_cpu" if len(sa) == 2 and len(sb) == 1 else \
            "bmm" if len(sa) >= 3 and len(sb) >= 3 else "addmm_impl_cpu_"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def matmul(input, other, *, out=None):
    """Return the matrix product of two tensors (vectors, matrices, or broadcast batches)."""
    _check_matmul(input, other)
    da, db = input._data.ndim, other._data.ndim
    if da == 2 and db == 2:
        return _store_out(apply(MatMul, (input, other)), out, 'matmul')
    if da == 1 and db == 1:
        return _store_out(apply(Dot, (input, other)), out, 'matmul')
    if da == 2 and db == 1:
        return _store_out(apply(Mv, (input, other)), out, 'matmul')
    if da == 1 and db == 2:
        return _store_out(apply(VecMat, (input, other)), out, 'matmul')
    if da == 2 and out is None and db >= 3:
        # the node PyTorch's matmul ends in depends on which operand requires grad and the rows
        op = BatchMatMul if not input.requires_grad else \
            MatMulTransposed if input._data.shape[0] <= 1 else MatMulCloned
        return apply(op, (input, other))
    if da == 2 or (da >= 3 and db >= 3 and all(s == 1 for s in input._data.shape[:-2])):
        return _store_out(apply(MatMulCloned, (input, other)), out, 'matmul')
    return _store_out(apply(BatchMatMul, (input, other)), out, 'matmul')


def rmatmul(input, other):
    """Return ``other @ input`` (``Tensor.__rmatmul__``)."""
    if not isinstance(other, Tensor):
        from .._creation import tensor
        other = tensor(other, dtype=input.dtype)
    return matmul(other, input)


class Dot(Op):
    """Inner product of two 1-D tensors."""
    node_name = "DotBackward0"
    saves = ("x", "y")
    saved_names = {"x": ("self", "y"), "y": ("tensor", "x")}
    samples = Samples("dot", cases=_dot_cases)

    def forward(ctx, x, y):
        return np.asarray(np.dot(x, y))

    def backward(ctx, xp, grad, x, y):
        return grad * y, grad * x


class Vdot(Dot):
    """Inner product of two 1-D tensors, the first conjugated (a plain dot for real tensors)."""
    node_name = "VdotBackward0"
    saved_names = {"x": ("self", "y"), "y": ("other", "x")}
    samples = Samples("vdot", cases=_dot_cases)


def _check_dot(input, other):
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_sname(input)} and "
                           f"{_sname(other)}")
    _check_matmul(input, other)


def dot(input, other, *, out=None):
    """Return the dot product of two 1-D tensors."""
    _check_dot(input, other)
    return _store_out(apply(Dot, (input, other)), out, 'dot')


def vdot(input, other, *, out=None):
    """Return the dot product of two 1-D tensors, conjugating the first (real tensors: ``dot``)."""
    _check_dot(input, other)
    return _store_out(apply(Vdot, (input, other)), out, 'vdot')


class Mv(Op):
    """Matrix-vector product."""
    node_name = "MvBackward0"
    saves = ("x", "y")
    saved_names = {"x": ("self", "y"), "y": ("vec", "x")}
    samples = Samples("mv", cases=lambda make: [((make((3, 4)), make((4,))), {})])

    def forward(ctx, x, y):
        return x @ y

    def backward(ctx, xp, grad, x, y):
        return xp.unsqueeze(grad, -1) * y, xp.matmul(grad, x)


def mv(input, vec, *, out=None):
    """Return the product of a matrix and a vector."""
    if not input._data.ndim:  # PyTorch reads input's size(0) for the result first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    _check_matmul(input, vec)
    return _store_out(apply(Mv, (input, vec)), out, 'mv')


def mm(input, mat2, *, out=None):
    """Return the product of two matrices."""
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_matmul(input, mat2)
    return _store_out(apply(MatMul, (input, mat2)), out, 'mm')


def bmm(input, mat2, *, out=None):
    """Return the batched product of two 3-D tensors ``(b, n, m) @ (b, m, p)``."""
    if input._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    sa, sb = input._data.shape, mat2._data.shape
    if sb[:2] != (sa[0], sa[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: {_fmt((sa[0], sa[2]))} "
                           f"but got: {_fmt(sb[:2])}.")
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"expected scalar type {_sname(input)} but found {_sname(mat2)}")
    if input._data.dtype == np.bool_:
        raise NotImplementedError('"bmm" not implemented for \'Bool\'')
    return _store_out(apply(Bmm, (input, mat2)), out, 'bmm')


# ---------------------------------------------------------------- beta * input + alpha * product


class Addmm(Op):
    """``beta * input + alpha * (mat1 @ mat2)``."""
    node_name = "AddmmBackward0"
    saves = ("x", "y", "beta", "alpha")
    saved_names = {"x": ("mat1", "y"), "y": ("mat2", "x")}
    samples = Samples("addmm", cases=lambda make: [
        ((make((2, 4)), make((2, 3)), make((3, 4))), {}), ((make((4,)), make((2, 3)), make((3, 4))), {}),
        ((make((2, 4)), make((2, 3)), make((3, 4))), {"beta": 0.5, "alpha": 2.0})])

    def forward(ctx, b, x, y, beta, alpha):
        prod = np.matmul(x, y)
        if alpha != 1:
            prod *= alpha
        if beta == 0:  # PyTorch ignores input entirely (its nan and inf do not propagate)
            return np.broadcast_to(prod, np.broadcast_shapes(b.shape, prod.shape)).copy()
        return prod + (b if beta == 1 else beta * b)

    def backward(ctx, xp, grad, x, y, beta, alpha):
        ga = grad * alpha if alpha != 1 else grad
        gb = (grad * beta if beta != 1 else grad) if needs_grad(ctx, 0) else None
        gx = xp.matmul(ga, xp.mT(y)) if needs_grad(ctx, 1) else None
        gy = xp.matmul(xp.mT(x), ga) if needs_grad(ctx, 2) else None
        return gb, gx, gy


class Baddbmm(Addmm):
    """``beta * input + alpha * (batch1 @ batch2)``."""
    node_name = "BaddbmmBackward0"
    saved_names = {"x": ("batch1", "y"), "y": ("batch2", "x")}
    samples = Samples("baddbmm", cases=lambda make: [
        ((make((2, 3, 5)), make((2, 3, 4)), make((2, 4, 5))), {}),
        ((make((5,)), make((2, 3, 4)), make((2, 4, 5))), {"beta": 0.5, "alpha": -1.5})])


class Addmv(Op):
    """``beta * input + alpha * (mat @ vec)``."""
    node_name = "AddmvBackward0"
    saves = ("x", "y", "beta", "alpha")
    saved_names = {"x": ("mat", "y"), "y": ("vec", "x")}
    samples = Samples("addmv", cases=lambda make: [
        ((make((2,)), make((2, 3)), make((3,))), {}), ((make(()), make((2, 3)), make((3,))), {"alpha": 3.0})])

    def forward(ctx, b, x, y, beta, alpha):
        return Addmm.forward(ctx, b, x, y, beta, alpha)

    def backward(ctx, xp, grad, x, y, beta, alpha):
        ga = grad * alpha if alpha != 1 else grad
        gb = (grad * beta if beta != 1 else grad) if needs_grad(ctx, 0) else None
        return gb, xp.unsqueeze(ga, -1) * y, xp.matmul(ga, x)


def _expand_check(input, shape):
    """PyTorch expands ``input`` to the product's shape and fails as ``expand`` does."""
    s = input._data.shape
    if len(s) > len(shape) or any(a != 1 and a != b for a, b in zip(s[::-1], shape[::-1])):
        from .shape import expand
        expand(input, shape)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """Return ``beta * input + alpha * (mat1 @ mat2)``."""
    mm_shape = (mat1._data.shape[0], mat2._data.shape[-1]) if mat1._data.ndim == 2 else ()
    if mat1._data.ndim != 2:
        raise RuntimeError("mat1 must be a matrix, got " + f"{mat1._data.ndim}-D tensor")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix, got " + f"{mat2._data.ndim}-D tensor")
    check_addmm_dtypes(input, mat1, mat2)
    _check_matmul(mat1, mat2)
    _expand_check(input, mm_shape)
    beta, alpha = _int_scalars(mat1, beta, alpha)
    return _store_out(apply(Addmm, (input, mat1, mat2), beta, alpha), out, 'addmm')


def check_addmm_dtypes(input, mat1, mat2):
    """PyTorch's addmm checks, in its order: self against mat2, then mat1 against mat2 (no promotion)."""
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_sname(input)} and {_sname(mat2)}")
    if mat1._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_sname(mat1)} and {_sname(mat2)}")


def _int_scalars(t, beta, alpha):
    """Integer products take beta and alpha truncated to integers, as PyTorch's integer kernels."""
    if t._data.dtype.kind in "iub":
        return int(beta), int(alpha)
    return beta, alpha


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """Return ``beta * input + alpha * (batch1 @ batch2)`` for 3-D batches."""
    if batch1._data.ndim != 3 or batch2._data.ndim != 3 or \
            batch2._data.shape[:2] != (batch1._data.shape[0], batch1._data.shape[2]):
        bmm(batch1, batch2)  # raises bmm's error
    if input._data.dtype != batch1._data.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_tname(input)}, batch1: {_tname(batch1)}, "
                           f"batch2: {_tname(batch2)}")
    if batch1._data.dtype != batch2._data.dtype:
        raise RuntimeError(f"expected scalar type {_sname(batch1)} but found {_sname(batch2)}")
    shape = batch1._data.shape[:2] + batch2._data.shape[2:]
    _expand_check(input, shape)
    beta, alpha = _int_scalars(batch1, beta, alpha)
    return _store_out(apply(Baddbmm, (input, batch1, batch2), beta, alpha), out, 'baddbmm')


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """Return ``beta * input + alpha * (mat @ vec)``."""
    if mat._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, {mat._data.ndim}, "
                           f"{vec._data.ndim}")
    _check_addmv_dtypes(input, mat, vec)
    _check_matmul(mat, vec)
    s = input._data.shape
    if len(s) > 1 or (len(s) == 1 and s[0] not in (1, mat._data.shape[0])):
        raise RuntimeError(f"size mismatch, got input ({_fmt(s)[1:-1]}), mat "
                           f"({mat._data.shape[0]}x{mat._data.shape[1]}), vec ({vec._data.shape[0]})")
    beta, alpha = _int_scalars(mat, beta, alpha)
    return _store_out(apply(Addmv, (input, mat, vec), beta, alpha), out, 'addmv')


# ---------------------------------------------------------------- composites and the rest


def outer(input, vec2, *, out=None):
    """Return the outer product of two 1-D tensors."""
    from .elementwise import mul
    from .shape import unsqueeze
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return _store_out(mul(unsqueeze(input, 1), vec2), out, 'outer')


ger = outer


def tensordot(a, b, dims=2, out=None):
    """Return the contraction of ``a`` and ``b`` over ``dims`` (a count or two lists of dims)."""
    from .shape import permute, reshape
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
        if isinstance(dims[0], Tensor):
            da, db = dims[0].tolist(), dims[1].tolist()
    if isinstance(dims, int):
        shown = [d - a.ndim for d in da]  # PyTorch names the first operand's dims from the end
    else:
        shown = da
        da, db = [a._wrap_dim(d) for d in da], [b._wrap_dim(d) for d in db]
    from .reduction import sum as _sum
    for i, j, k in zip(da, db, shown):
        if a.shape[i] != b.shape[j]:
            # PyTorch contracts a size-1 dim against the other operand's dim summed
            if b.shape[j] == 1:
                a = _sum(a, i, keepdim=True)
            elif a.shape[i] == 1:
                b = _sum(b, j, keepdim=True)
            else:
                raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim "
                                   f"{k} and second has size {b.shape[j]} in dim {j}")
    da, db = [d % a.ndim for d in da], [d % b.ndim for d in db]
    free_a = [d for d in range(a.ndim) if d not in da]
    free_b = [d for d in range(b.ndim) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    out_shape = tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b)
    left = reshape(permute(a, free_a + da), (math.prod(a.shape[d] for d in free_a), k))
    right = reshape(permute(b, db + free_b), (k, math.prod(b.shape[d] for d in free_b)))
    return _store_out(reshape(mm(left, right), out_shape), out, 'tensordot')


def inner(input, other, *, out=None):
    """Return the inner product over the last dimension (scalars multiply)."""
    if input.ndim == 0 or other.ndim == 0:
        from .elementwise import mul
        return _store_out(mul(input, other), out, 'inner')
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{_fmt(input.shape)} and {_fmt(other.shape)}")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if input.ndim == 1 and other.ndim == 1 and input._data.dtype == np.bool_:
        raise NotImplementedError('"dot" not implemented for \'Bool\'')
    return _store_out(tensordot(input, other, ([-1], [-1])), out, 'inner')


def _parse_einsum(equation, shapes):
    """Return explicit subscripts (ellipsis spelled out) for each operand and the output."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(shapes) > len(ins) else
                           "einsum(): fewer operands were provided than specified in the equation")
    spare = iter(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in eq)
    n_ell = max((len(shape) - len(s) + 3 for s, shape in zip(ins, shapes) if "..." in s), default=0)
    ell = "".join(next(spare) for _ in range(n_ell))
    ins = [s.replace("...", ell[n_ell - (len(shape) - len(s) + 3):]) for s, shape in zip(ins, shapes)]
    if not arrow:
        counts = {c: lhs.count(c) for c in lhs if c.isalpha()}
        rhs = ell + "".join(sorted(c for c, k in counts.items() if k == 1))
    else:
        rhs = rhs.replace("...", ell)
        for c in rhs:
            if not any(c in s for s in ins):
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   f"operand")
    for k, (s, shape, given) in enumerate(zip(ins, shapes, lhs.split(","))):
        if len(s) != len(shape) and "..." not in given:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(s)}) does not match the "
                               f"number of dimensions ({len(shape)}) for operand {k} and no ellipsis was given")
    for k, (s, shape) in enumerate(zip(ins, shapes)):
        seen = {}
        for c, n in zip(s, shape):
            if seen.setdefault(c, n) != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f"{n} != {seen[c]}")
    sizes = {}
    for k, (s, shape) in enumerate(zip(ins, shapes)):
        for c, n in zip(s, shape):
            if sizes.setdefault(c, n) != n and n != 1 and sizes[c] != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not "
                                   f"broadcast with previously seen size {sizes[c]}")
    return ins, rhs


def _einsum_grad(xp, grad, out_s, others, in_s, in_shape):
    """Gradient of one einsum operand: an einsum of the output gradient with the other operands."""
    if len(set(in_s)) != len(in_s):
        return _einsum_diag_grad(xp, grad, out_s, others, in_s, in_shape)
    avail = set(out_s).union(*(set(s) for s, _ in others))
    kept = "".join(c for c in in_s if c in avail)
    g = xp.einsum(",".join([out_s] + [s for s, _ in others]) + "->" + kept, grad, *[v for _, v in others])
    if kept != in_s:
        g = xp.expand(xp.unsqueeze(g, tuple(i for i, c in enumerate(in_s) if c not in avail)), in_shape)
    if tuple(g.shape) != tuple(in_shape):  # a size-1 dim broadcast against the other operand, or its partner
        g = xp.sum_to(g, tuple(1 if n == 1 else m for n, m in zip(in_shape, g.shape)))
        if tuple(g.shape) != tuple(in_shape):
            g = xp.expand(g, tuple(in_shape))
    return g


def _einsum_diag_grad(xp, grad, out_s, others, in_s, in_shape):
    """Gradient of an operand with a repeated subscript ('ii->i'): the gradient over its distinct
    subscripts, spread over the repeated dims and masked to their diagonal."""
    distinct, repeats, mask = "", [], np.ones((1,) * len(in_s), dtype=np.float64)
    for q, (c, n) in enumerate(zip(in_s, in_shape)):
        if c in distinct:
            repeats.append(q)
            p = in_s.index(c)
            shape = [1] * len(in_s)
            shape[p] = shape[q] = n
            mask = mask * np.eye(n).reshape(shape)
        else:
            distinct += c
    g = _einsum_grad(xp, grad, out_s, others, distinct, tuple(in_shape[in_s.index(c)] for c in distinct))
    return xp.expand(xp.unsqueeze(g, tuple(repeats)), in_shape) * mask.astype(g.dtype if isinstance(g, np.ndarray)
                                                                              else g.dtype.numpy_dtype)


def _einsum_cases(make):
    return [(("ij,jk->ik", make((2, 3)), make((3, 4))), {}), (("bij,bjk->bik", make((2, 2, 3)), make((2, 3, 4))), {}),
            (("...ij,...jk", make((2, 2, 3)), make((3, 4))), {})]


class Einsum1(Op):
    """Einstein summation of one operand that sums over some subscript (PyTorch's last step a sum)."""
    node_name = "SumBackward1"
    saves = ()

    def forward(ctx, x, subs):
        ctx.subs, ctx.shape = subs, x.shape
        return np.asarray(np.einsum(f"{subs[0]}->{subs[1]}", x))

    def backward(ctx, xp, grad):
        return (_einsum_grad(xp, grad, ctx.subs[1], [], ctx.subs[0], ctx.shape),)


class Einsum1Permute(Einsum1):
    """Einstein summation of one operand that sums nothing (a permutation, a diagonal)."""
    node_name = "PermuteBackward0"


class Einsum2(Op):
    """Einstein summation of two operands; each gradient is an einsum with the other."""
    node_name = "ViewBackward0"
    saves = ("x", "y")
    saved_names = {"x": None, "y": None}
    samples = Samples("einsum", cases=_einsum_cases)

    def forward(ctx, x, y, subs):
        ctx.subs = subs
        return np.asarray(np.einsum(f"{subs[0]},{subs[1]}->{subs[2]}", x, y, optimize=True))

    def backward(ctx, xp, grad, x, y):
        sx, sy, so = ctx.subs
        gx = _einsum_grad(xp, grad, so, [(sy, y)], sx, x.shape) if needs_grad(ctx, 0) else None
        gy = _einsum_grad(xp, grad, so, [(sx, x)], sy, y.shape) if needs_grad(ctx, 1) else None
        return gx, gy


class EinsumMul(Einsum2):
    """Einstein summation of two operands that sums over nothing: PyTorch multiplies them."""
    node_name = "MulBackward0"
    saved_names = {"x": ("self", "y"), "y": ("other", "x")}


def _einsum_dtypes(x, sx, y, sy, keep):
    """Operands of different dtypes: PyTorch's bmm refuses them when an index of size > 1 in both is
    summed over; otherwise (a product, or size-1 sums) they promote as ``mul`` does."""
    from .._dtype import promote_types
    from ._ew_base import SCALAR_NAMES, to_dtype
    for c in set(sx) & set(sy):
        if c not in keep and x._data.shape[sx.index(c)] > 1 and y._data.shape[sy.index(c)] > 1:
            raise RuntimeError(f"expected scalar type {SCALAR_NAMES[x._data.dtype.char]} but found "
                               f"{SCALAR_NAMES[y._data.dtype.char]}")
    # PyTorch keeps summed dims as size 1, so an operand reduced to 0-d here still promotes as a dimensioned one
    target = promote_types(x.dtype, y.dtype)
    return to_dtype(x, target), to_dtype(y, target)


def _sublist_equation(args):
    """The ``einsum(op1, sublist1, op2, sublist2, ..., [sublist_out])`` form as an equation string and operands."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def spell(sub):
        return "".join("..." if i is Ellipsis else letters[i] for i in sub)
    operands = args[0::2][:len(args) // 2]
    ins = [spell(args[k]) for k in range(1, 2 * len(operands), 2)]
    eq = ",".join(ins)
    if len(args) % 2:
        eq += "->" + spell(args[-1])
    return eq, tuple(operands)


def einsum(equation, *operands):
    """Return the Einstein summation of ``operands`` described by ``equation`` ('ij,jk->ik')."""
    from ._op import apply_unary
    if not isinstance(equation, str):
        equation, operands = _sublist_equation((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ins, out = _parse_einsum(equation, [t.shape for t in operands])
    if len(operands) == 1:
        op = Einsum1Permute if set(ins[0]) == set(out) else Einsum1
        return apply_unary(op, operands[0], (ins[0], out))
    acc, acc_s = operands[0], ins[0]
    for k in range(1, len(operands)):
        rest = "".join(ins[k + 1:]) + out
        # keep the indices that later operands or the output still need
        keep = out if k == len(operands) - 1 else "".join(
            dict.fromkeys(c for c in acc_s + ins[k] if c in rest))
        op = EinsumMul if set(acc_s + ins[k]) == set(keep) else Einsum2
        other = operands[k]
        if acc._data.dtype != other._data.dtype:
            acc, other = _einsum_dtypes(acc, acc_s, other, ins[k], keep)
        acc = apply(op, (acc, other), (acc_s, ins[k], keep))
        acc_s = keep
    return acc


class Trace(Op):
    """Sum of a matrix's diagonal."""
    node_name = "TraceBackward0"
    samples = Samples("trace", cases=lambda make: [((make((3, 3)),), {}), ((make((2, 4)),), {})])

    def forward(ctx, x):
        ctx.shape, ctx.np_dtype = x.shape, x.dtype
        out = np.trace(x)
        return np.asarray(out, dtype=np.int64 if x.dtype.kind in "biu" else x.dtype)

    def backward(ctx, xp, grad):
        return (grad * np.eye(*ctx.shape, dtype=ctx.np_dtype),)


def trace(input):
    """Return the sum of the diagonal of a 2-D tensor."""
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    from ._op import apply_unary
    return apply_unary(Trace, input)


OPS = (MatMul, BatchMatMul, MatMulCloned, MatMulTransposed, VecMat, Bmm, Dot, Vdot, Mv, Addmm, Baddbmm, Addmv, Einsum1, Einsum1Permute,
       Einsum2, EinsumMul, Trace)
