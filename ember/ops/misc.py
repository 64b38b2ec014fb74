"""Assorted torch functions: diag/diag_embed, deg2rad, logcumsumexp (ops with their backward), and
composites of existing ops: diff, repeat_interleave, rot90, kron, tensor_split, quantile, cdist...;
plus the non-differentiable bucketize, searchsorted, histc, bincount, isin, tril/triu_indices."""
import math

import numpy as np

from .._tensor import Tensor, _wrap
from . import elementwise as _ew
from . import reduction as _red
from . import shape as _shape
from ._ew_base import SCALAR_NAMES
from ._op import Op, Samples, apply, apply_unary

_new = object.__new__


def _diagonal(x, offset, d1, d2):
    if isinstance(x, Tensor):
        return _shape.diagonal(x, offset, d1, d2)
    return np.diagonal(x, offset, d1, d2)


class DiagEmbed(Op):
    """Matrices with the last dim of ``x`` on a diagonal of two new dims (``diag_embed``)."""
    node_name = "DiagEmbedBackward0"
    samples = Samples("diag_embed", cases=lambda make: [((make((3,)),), {}), ((make((2, 3)),), {"offset": 1}),
                                                        ((make((2, 3)),), {"offset": -1, "dim1": 0, "dim2": 2})])

    def forward(ctx, x, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        n = x.shape[-1] + abs(offset)
        out = np.zeros(x.shape[:-1] + (n, n), x.dtype)
        m, r0, c0 = x.shape[-1], max(-offset, 0), max(offset, 0)
        np.einsum("...ii->...i", out[..., r0:r0 + m, c0:c0 + m])[...] = x
        order = [i for i in range(out.ndim - 2)]
        perm = [None] * out.ndim
        perm[d1], perm[d2] = out.ndim - 2, out.ndim - 1
        rest = iter(order)
        perm = [p if p is not None else next(rest) for p in perm]
        return np.transpose(out, perm).copy() if (d1, d2) != (out.ndim - 2, out.ndim - 1) else out

    def backward(ctx, xp, grad):
        offset, d1, d2 = ctx.args
        return (_diagonal(grad, offset, d1, d2),)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Return a tensor whose ``(dim1, dim2)`` diagonals (``offset`` above the main one) are the last dim of ``input``."""
    ndim = input.ndim + 1
    d1, d2 = input._wrap_dim(dim1, ndim), input._wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if d1 > d2:  # the same diagonal seen from the other side
        d1, d2, offset = d2, d1, -offset
    return apply_unary(DiagEmbed, input, int(offset), d1, d2)


def diag(input, diagonal=0, *, out=None):
    """Return the matrix with ``input`` (1-D) on a diagonal, or the diagonal of ``input`` (2-D) as 1-D."""
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim == 2:
        return apply_unary(DiagCopy, input, int(diagonal))
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")


def diagflat(input, offset=0):
    """Return the matrix with the flattened ``input`` on a diagonal."""
    return diag_embed(_shape.flatten(input), offset)


class Deg2Rad(Op):
    """Angles converted from degrees to radians."""
    node_name = "Deg2RadBackward0"
    float_only = True
    samples = Samples("deg2rad")

    def forward(ctx, x):
        return x * x.dtype.type(math.pi / 180)

    def backward(ctx, xp, grad):
        return (grad * (math.pi / 180),)


class Rad2Deg(Op):
    """Angles converted from radians to degrees."""
    node_name = "Rad2DegBackward0"
    float_only = True
    samples = Samples("rad2deg")

    def forward(ctx, x):
        return x * x.dtype.type(180 / math.pi)

    def backward(ctx, xp, grad):
        return (grad * (180 / math.pi),)


def deg2rad(input, *, out=None):
    """Return ``input`` converted from degrees to radians."""
    return apply_unary(Deg2Rad, input)


def rad2deg(input, *, out=None):
    """Return ``input`` converted from radians to degrees."""
    return apply_unary(Rad2Deg, input)


class Logcumsumexp(Op):
    """``log(cumsum(exp(x)))`` along a dim, computed stably."""
    node_name = "LogcumsumexpBackward0"
    saves = ("x", "out")
    samples = Samples("logcumsumexp", kwargs={"dim": 0}, empty=False)

    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.logaddexp.accumulate(x, axis=dim) if x.ndim else x.copy()

    def backward(ctx, xp, grad, x, out):
        if not x.ndim:
            return (grad,)
        # d out_j / d x_i = exp(x_i - out_j) for i <= j; shifted by the last (largest) out for range
        top = xp.amax(out, ctx.dim, True)
        return (xp.exp(x - top) * xp.reverse_cumsum(grad * xp.exp(top - out), ctx.dim),)


def logcumsumexp(input, dim, *, out=None):
    """Return the log of the cumulative sum of exponentials of ``input`` along ``dim``."""
    return apply_unary(Logcumsumexp, input, _red.int_dim(input, dim, "logcumsumexp"))


class DiagCopy(Op):
    """The diagonal of a matrix as a new vector (``diag`` of a 2-D input: PyTorch's diagonal_copy)."""
    node_name = "DiagonalBackward0_copy"
    samples = Samples("diag", cases=lambda make: [((make((3, 4)),), {}), ((make((3, 4)), 1), {}),
                                                  ((make((4, 3)), -2), {}), ((make((2, 3)), 5), {})])

    def forward(ctx, x, offset):
        r, c = x.shape
        n = max(0, min(r, c - offset) if offset >= 0 else min(r + offset, c))
        steps = np.arange(n)
        keys = ((steps + max(0, -offset), steps + max(0, offset)),)
        ctx.shape, ctx.keys = x.shape, keys
        return x[keys[0]]

    def backward(ctx, xp, grad):
        return (xp.index_put_zeros(grad, ctx.shape, ctx.keys),)


def _rot(xp, x, k, d0, d1):
    """``x`` rotated by 90 degrees ``k`` times (0 <= k < 4) from ``d0`` toward ``d1``, in flips and a swap."""
    swap = list(range(x.ndim))
    swap[d0], swap[d1] = d1, d0
    if k == 1:
        return xp.permute(xp.flip(x, (d1,)), swap)
    if k == 2:
        return xp.flip(x, (d0, d1))
    if k == 3:
        return xp.flip(xp.permute(x, swap), (d1,))
    return x


class Rot90(Op):
    """A rotation by 90 degrees ``k`` times in the plane of two dims (a copy); backward rotates back."""
    node_name = "Rot90Backward0"
    samples = Samples("rot90", cases=lambda make: [((make((3, 4)),), {}), ((make((3, 4)), 2), {}),
                                                   ((make((2, 3, 4)), 3, (2, 0)), {}), ((make((3, 4)), 0), {})])

    def forward(ctx, x, k, d0, d1):
        ctx.args = (k, d0, d1)
        return np.ascontiguousarray(np.rot90(x, k, (d0, d1)))

    def backward(ctx, xp, grad):
        k, d0, d1 = ctx.args
        return (_rot(xp, grad, (4 - k) % 4, d0, d1),)


class IndexCopy(Op):
    """``x`` with the slices of ``source`` written at the indexed positions of a dimension."""
    node_name = "IndexCopyBackward0"
    samples = Samples("index_copy", cases=lambda make: [
        ((make((3, 4)), 0, np.array([2, 0]), make((2, 4))), {}),
        ((make((3, 4)), 1, np.array([3]), make((3, 1))), {})])

    def forward(ctx, x, s, keys):
        ctx.keys, ctx.src_shape = keys, s.shape
        out = x.copy()
        out[keys[0]] = s
        return out

    def backward(ctx, xp, grad):
        picked = xp.index(grad, ctx.keys)
        if tuple(picked.shape) != ctx.src_shape:  # a 0-d input or source: one element either way
            picked = xp.reshape(picked, ctx.src_shape)
        return xp.zero_at(grad, ctx.keys), picked


OPS = (DiagEmbed, Deg2Rad, Rad2Deg, Logcumsumexp, DiagCopy, Rot90, IndexCopy)


# ---------------------------------------------------------------- composites (their nodes are the parts')
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """Return the ``n``-th forward difference along ``dim`` (``prepend``/``append`` joined first)."""
    from .joining import cat
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    dim = input._wrap_dim(dim)
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        size = x.shape[dim]
        if size == 0:
            break
        hi, lo = _shape.narrow(x, dim, 1, size - 1), _shape.narrow(x, dim, 0, size - 1)
        x = _ew.logical_xor(hi, lo) if x._data.dtype.kind == "b" else _ew.sub(hi, lo)
    return x


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Return ``input`` with each element (or slice of ``dim``) repeated ``repeats`` times."""
    from .indexing import index_select
    if repeats is None:  # repeat_interleave(repeats): the indices 0.. each repeated
        counts = input._data
        return _wrap(np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts))
    if dim is None:
        input, dim = _shape.flatten(input), 0
    dim = input._wrap_dim(dim)
    if isinstance(repeats, (int, np.integer)):
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        # PyTorch: unsqueeze, expand, a contiguous clone, then flatten (ViewBackward0)
        x = _shape.unsqueeze(input, dim + 1)
        shape = list(x.shape)
        shape[dim + 1] = int(repeats)
        x = _shape.clone(_shape.expand(x, *shape))
        return _shape.view(x, tuple(shape[:dim]) + (shape[dim] * shape[dim + 1],) + tuple(shape[dim + 2:]))
    counts = repeats._data if isinstance(repeats, Tensor) else np.asarray(repeats)
    if counts.ndim and counts.shape[0] not in (1, input.shape[dim]):
        raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{counts.shape[0]} and input.size({dim}) = {input.shape[dim]}")
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    index = np.repeat(np.arange(input.shape[dim], dtype=np.int64), counts.reshape(-1) if counts.ndim else counts)
    return index_select(input, dim, _wrap(index))


def rot90(input, k=1, dims=(0, 1)):
    """Return ``input`` rotated by 90 degrees ``k`` times in the plane of ``dims`` (from the first toward the second)."""
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = input._wrap_dim(dims[0]), input._wrap_dim(dims[1])
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return apply_unary(Rot90, input, k % 4, d0, d1)


def kron(input, other, *, out=None):
    """Return the Kronecker product of ``input`` and ``other``."""
    nd = max(input.ndim, other.ndim)
    a = _shape.reshape(input, (1,) * (nd - input.ndim) + tuple(input.shape))
    b = _shape.reshape(other, (1,) * (nd - other.ndim) + tuple(other.shape))
    # interleave: a over dims (i0, 1, i1, 1, ...), b over (1, j0, 1, j1, ...)
    a_shape = [s for n in a.shape for s in (n, 1)]
    b_shape = [s for n in b.shape for s in (1, n)]
    prod = _ew.mul(_shape.reshape(a, a_shape), _shape.reshape(b, b_shape))
    from ._out import store as _store_out
    # PyTorch's kron ends in _unsafe_view (UnsafeViewBackward0)
    return _store_out(apply_unary(_shape.UnsafeView, prod, tuple(x * y for x, y in zip(a.shape, b.shape))), out,
                      "kron")


def tensor_split(input, indices_or_sections, dim=0):
    """Return views of ``input`` split along ``dim`` into ``sections`` near-equal parts, or at ``indices``."""
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    dim = input._wrap_dim(dim)
    size = input.shape[dim]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = ios.tolist()
    if isinstance(ios, int):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(size, ios)
        bounds = np.cumsum([0] + [q + 1] * r + [q] * (ios - r)).tolist()
    else:
        bounds = [0] + [min(max(i if i >= 0 else i + size, 0), size) for i in ios] + [size]
    return tuple(_shape.narrow(input, dim, lo, max(hi - lo, 0)) for lo, hi in
                 ((bounds[i], max(bounds[i], bounds[i + 1])) for i in range(len(bounds) - 1)))


def hsplit(input, indices_or_sections):
    """Split ``input`` horizontally (dim 1, or 0 for a 1-D tensor)."""
    if input.ndim == 0:
        raise RuntimeError("torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 "
                           "dimensions!")
    return _split_even(input, indices_or_sections, 1 if input.ndim > 1 else 0, "hsplit")


def vsplit(input, indices_or_sections):
    """Split ``input`` vertically (dim 0)."""
    if input.ndim < 2:
        raise RuntimeError(f"torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with "
                           f"{input.ndim} dimensions!")
    return _split_even(input, indices_or_sections, 0, "vsplit")


def _split_even(input, ios, dim, name):
    if isinstance(ios, int) and input.shape[dim] % ios:
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                           f"{input.shape[dim]} is not divisible by the split_size {ios}!")
    return tensor_split(input, ios, dim)


def ravel(input):
    """Return ``input`` flattened to 1-D (a view when possible)."""
    # PyTorch: contiguous().view(-1), so a strided input records CloneBackward0 under ViewBackward0
    return _shape.view(_shape.contiguous(input), -1)


def select(input, dim, index):
    """Return the slice of ``input`` at ``index`` along ``dim`` (that dim removed)."""
    if not input._data.ndim:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = input._wrap_dim(dim)
    return input[(slice(None),) * dim + (index,)]


def index_copy(input, dim, index, source):
    """Return ``input`` with the slices of ``source`` copied to the positions ``index`` along ``dim``."""
    dim = input._wrap_dim(dim)
    a = index._data
    if a.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {a.ndim})")
    if source.ndim == 0 and a.size != 1:
        raise IndexError(f"index_copy_(): When source is scalar, index should have one element (got {a.size})")
    if input.ndim and source.ndim and input.ndim != source.ndim:
        raise IndexError("index_copy_(): When source and destination are not scalars, their dimensionality must "
                         "match. Source dimensionality (" + f"{source.ndim}), destination dimensionality "
                         f"({input.ndim})")
    if a.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {SCALAR_NAMES[a.dtype.char]}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got "
                           f"(self) {SCALAR_NAMES[input._data.dtype.char]} and (source) "
                           f"{SCALAR_NAMES[source._data.dtype.char]}")
    _check_index_copy_sizes(input, dim, a, source)
    a = a.reshape(-1)
    keys = (((slice(None),) * dim + (a,)) if input.ndim else (Ellipsis,),)
    return apply(IndexCopy, (input, source), keys)


def _check_index_copy_sizes(input, dim, a, source):
    dest, src = list(input.shape), list(source.shape)
    for sizes in (dest, src):
        if sizes:
            del sizes[dim]
    if dest != src:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination slice "
                           f"shape: {' '.join(map(str, dest))} at dimension {dim} and source slice shape: "
                           f"{' '.join(map(str, src))} at dimension 0.")
    if source.ndim and a.size != source.shape[dim]:
        raise IndexError(f"index_copy_(): Number of indices ({a.size}) should be equal to source.size(dim) "
                         f"({source.shape[dim]})")
    n = input.shape[dim] if input.ndim else 1
    bad = a[(a < 0) | (a >= n)]
    if bad.size:
        raise IndexError(f"index_copy_(): index {bad.flat[0]} is out of bounds for dimension {dim} with size {n}")


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Return the ``p``-norm distances between each row of ``x1`` and each row of ``x2`` (batched)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if x1.ndim < 2 else 2} got: "
                           f"{min(x1.ndim, x2.ndim)}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: "
                           f"{x2.shape[-1]}")
    delta = _ew.sub(_shape.unsqueeze(x1, -2), _shape.unsqueeze(x2, -3))
    return _red.norm(delta, p, -1)


# ---------------------------------------------------------------- counting and searching (no gradient)
def _index_dtype(out_int32):
    return np.int32 if out_int32 else np.int64


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """Return the index of the bucket of ``boundaries`` (1-D, sorted) each element of ``input`` falls in."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    values = input._data if isinstance(input, Tensor) else np.asarray(input)
    side = "right" if right else "left"
    return _wrap(np.asarray(np.searchsorted(boundaries._data, values, side=side), _index_dtype(out_int32)))


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Return where each value of ``input`` would be inserted into the innermost dim of ``sorted_sequence``."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    values = input._data if isinstance(input, Tensor) else np.asarray(input)
    kind = "right" if right else "left"
    if seq.ndim == 1:
        return _wrap(np.asarray(np.searchsorted(seq, values, side=kind), _index_dtype(out_int32)))
    if seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           "dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(seq.shape)} and input value tensor {list(values.shape)}")
    flat_s, flat_v = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
    found = [np.searchsorted(s, v, side=kind) for s, v in zip(flat_s, flat_v)]
    return _wrap(np.asarray(found, _index_dtype(out_int32)).reshape(values.shape))


def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002 - PyTorch's keywords
    """Return the histogram of ``input`` in ``bins`` equal bins over ``[min, max]`` (the data's range when equal)."""
    x = input._data
    if x.dtype.kind != "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{_TYPE.get(x.dtype.name, x.dtype.name)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc(): max must be larger than min")
    counts, _ = np.histogram(x[(x >= lo) & (x <= hi)], bins=bins, range=(lo, hi))
    return _wrap(counts.astype(x.dtype))


_TYPE = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
         "float32": "Float", "float64": "Double"}


def bincount(input, weights=None, minlength=0):
    """Return the count of each value of the non-negative integer 1-D ``input`` (weighted when given)."""
    x = input._data
    if x.dtype.kind not in "iu":  # the kernel's dtype dispatch comes before its checks
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{SCALAR_NAMES[x.dtype.char]}\'')
    if x.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if x.size and x.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _wrap(np.bincount(x, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.shape != x.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out_dtype = w.dtype if w.dtype.kind == "f" else np.float64
    return _wrap(np.bincount(x, weights=w, minlength=minlength).astype(out_dtype))


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Return a bool tensor: whether each of ``elements`` is in ``test_elements``."""
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _wrap(np.asarray(np.isin(a, b, invert=invert)))


def _tri_indices(fn, row, col, offset, dtype):
    from .._dtype import int64
    dtype = int64 if dtype is None else dtype
    if dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"\"{fn.__name__}_indices\" not implemented for '{_TYPE.get(dtype.name, dtype.name)}'")
    if row < 0 or col < 0:
        raise RuntimeError(f"row must be non-negative, got{row}" if row < 0 else f"col must be non-negative, got{col}")
    rows, cols = fn(np.ones((row, col), bool), offset).nonzero()
    return _wrap(np.stack([rows, cols]).astype(dtype.numpy_dtype))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """Return the 2 x N coordinates of the lower triangle of a ``row`` x ``col`` matrix."""
    return _tri_indices(np.tril, row, col, offset, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """Return the 2 x N coordinates of the upper triangle of a ``row`` x ``col`` matrix."""
    return _tri_indices(np.triu, row, col, offset, dtype)


# ---------------------------------------------------------------- order statistics (differentiable through gather)
def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, name):
    from .indexing import gather
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    qs = q._data if isinstance(q, Tensor) else np.asarray(q, np.float64)
    if ((qs < 0) | (qs > 1)).any():
        if np.ndim(qs) == 0:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {float(qs)}")
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                           f"Got {interpolation}")
    if dim is not None:
        input._wrap_dim(dim)
    x = _shape.flatten(input) if dim is None or not input.ndim else _shape.movedim(input, input._wrap_dim(dim), -1)
    ordered = _red.sort(x, -1).values                      # NaN sort last, as in PyTorch
    nan = np.isnan(x._data)
    n = (~nan).sum(-1, keepdims=True) if ignore_nan else np.full(x.shape[:-1] + (1,), x.shape[-1])
    pos = qs.reshape(-1).astype(np.float64) * np.maximum(n - 1, 0)   # (..., len(q))
    if interpolation == "nearest":
        pos = np.round(pos)  # half to even, as PyTorch's round
    lo = np.floor(pos).astype(np.int64)
    hi = np.ceil(pos).astype(np.int64)
    pick = {"lower": (lo, lo), "higher": (hi, hi), "nearest": (lo, lo)}.get(interpolation, (lo, hi))
    a = gather(ordered, -1, _wrap(np.minimum(pick[0], max(x.shape[-1] - 1, 0))))
    b = gather(ordered, -1, _wrap(np.minimum(pick[1], max(x.shape[-1] - 1, 0))))
    w = np.full(pos.shape, 0.5) if interpolation == "midpoint" else pos - lo
    out = _ew.lerp(a, b, _wrap(w.astype(x._data.dtype))) if interpolation in ("linear", "midpoint") else a
    bad = (n == 0) if ignore_nan else nan.any(-1, keepdims=True)
    if bad.any():
        out = _ew.where(_wrap(np.broadcast_to(bad, out.shape)), float("nan"), out)
    if keepdim and input.ndim:
        out = _shape.unsqueeze(out, input._wrap_dim(dim)) if dim is not None else \
            _shape.reshape(out, (1,) * input.ndim + (out.shape[-1],))
    # q's dim is dropped or moved first in place, as PyTorch's kernel ends (SqueezeBackward4)
    if np.ndim(qs) == 0:
        return _shape.squeeze_(out, -1)
    return _shape.squeeze_(_shape.transpose_(_shape.unsqueeze_(out, 0), 0, -1), -1)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """Return the ``q``-quantiles of ``input`` (over all elements, or along ``dim``); NaN where a NaN is present."""
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """Return the ``q``-quantiles of ``input`` ignoring NaN values."""
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


_NANMEDIAN = _red._return_type("nanmedian", ("values", "indices"))


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """Return the lower median ignoring NaN (with its indices along ``dim`` when given)."""
    if dim is None:
        return apply_unary(_red.NanmedianAll, input)
    d = _red.int_dim(input, dim, "nanmedian")
    x = input._data
    if not x.ndim:  # a 0-d input is its own median, at index 0
        return _red._select(_red.NanmedianDim, input, _red._ZERO_INDEX, d, keepdim, _NANMEDIAN)
    if x.shape[d] == 0:  # PyTorch's shared kernel names median
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(x, d, kind="stable")           # NaN sort last
    n = (~np.isnan(x)).sum(d, keepdims=True) if x.dtype.kind == "f" else np.full_like(order.take([0], d), x.shape[d])
    idx = np.take_along_axis(order, np.maximum((n - 1) // 2, 0), d)
    if (n == 0).any():  # all NaN: where libstdc++'s nth_element leaves the first index among equals
        idx = np.where(n == 0, _all_nan_index(x.shape[d]), idx)
    return _red._select(_red.NanmedianDim, input, idx, d, keepdim, _NANMEDIAN)


def _all_nan_index(size):
    from ._select_order import _nth_element
    q = [(0, i) for i in range(size)]
    _nth_element(q, 0, 0, size, lambda a, b: False)  # NaN compares as nothing: all equivalent
    return q[0][1]


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Return ``input`` with ``src`` reduced into it at ``index`` along ``dim`` ('sum', 'prod', 'mean', 'amax', 'amin')."""
    from ._out import store as _store_out
    from .index_ops import ScatterReduceTwo, _check_gather, _dim_key, _src_key
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if reduce == "sum" and include_self:  # the differentiable case: scatter_add
        from .index_ops import ScatterReduceSum, _scatter_add
        return _scatter_add(input, dim, index, src, ScatterReduceSum)
    dim = input._wrap_dim(dim)
    _check_gather(input, dim, index, src, "scatter_reduce")
    keys = (_dim_key(input._data.shape, dim, index._data),)
    return _store_out(apply(ScatterReduceTwo, (input, src), keys, _src_key(index), reduce, include_self), out,
                      "scatter_reduce")


# ---------------------------------------------------------------- in-place twins (Tensor methods)
def _inplace(fn, t, *args, **kwargs):
    from .inplace import _inplace as run
    return run(fn, t, *args, **kwargs)


def sign_(t): return _inplace(_ew.sign, t)                                        # noqa: E704
def trunc_(t): return _inplace(_ew.trunc, t)                                      # noqa: E704
def rsqrt_(t): return _inplace(_ew.rsqrt, t)                                      # noqa: E704
def erf_(t): return _inplace(_ew.erf, t)                                          # noqa: E704
def fmod_(t, other): return _inplace(_ew.fmod, t, other)                          # noqa: E704
def tril_(t, diagonal=0): return _inplace(_shape.tril, t, diagonal)               # noqa: E704
def triu_(t, diagonal=0): return _inplace(_shape.triu, t, diagonal)               # noqa: E704
def index_copy_(t, dim, index, source): return _inplace(index_copy, t, dim, index, source)  # noqa: E704


def nan_to_num_(t, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities of ``t`` in place."""
    return _inplace(_ew.nan_to_num, t, nan, posinf, neginf)


def fill_diagonal_(t, fill_value, wrap=False):
    """Fill the main diagonal of ``t`` (all dims of equal length when more than 2) with ``fill_value``, in place."""
    if t.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if t.ndim > 2 and len(set(t.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(t.shape, bool)
    if t.ndim == 2:
        np.fill_diagonal(mask, True, wrap=wrap)
    else:
        mask[(np.arange(t.shape[0]),) * t.ndim] = True
    return _inplace(_ew.masked_fill, t, _wrap(mask), fill_value)


def put_(t, index, source, accumulate=False):
    """Write ``source`` into ``t`` (read as 1-D) at ``index``, in place (summing when ``accumulate``)."""
    from ._extra_index import put  # PutBackward0, as PyTorch records put_
    return _inplace(put, t, index, source, accumulate)


def apply_(t, callable):  # noqa: A002 - PyTorch's keyword
    """Apply the Python function ``callable`` to each element of ``t``, in place (no autograd)."""
    if t._requires_grad:
        raise RuntimeError("apply_ is only implemented on CPU tensors not requiring grad")
    flat = t._data.reshape(-1)
    for i in range(flat.size):
        flat[i] = callable(flat[i].item())
    return t  # PyTorch's apply_ leaves the version counter alone


def map_(t, other, callable):  # noqa: A002
    """Replace each element of ``t`` by ``callable(t_elem, other_elem)``, ``other`` broadcast (no autograd)."""
    if t._requires_grad or other._requires_grad:
        raise RuntimeError("map_ is only implemented on CPU tensors not requiring grad")
    b = np.broadcast_to(other._data, t._data.shape).reshape(-1)
    flat = t._data.reshape(-1)
    for i in range(flat.size):
        flat[i] = callable(flat[i].item(), b[i].item())
    return t  # as apply_: no version bump, as in PyTorch


def resize_(t, *sizes, memory_format=None):
    """Resize ``t`` in place to ``sizes``, keeping its first elements (new ones uninitialised: zeros here)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if t._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: {list(sizes)}")
    n = int(np.prod(sizes))
    flat = t._data.reshape(-1)
    if n <= flat.size and t._data.flags.c_contiguous:
        t._data = flat[:n].reshape(sizes)
    else:
        data = np.zeros(n, t._data.dtype)
        data[:min(n, flat.size)] = flat[:n]
        t._data = data.reshape(sizes)
    t._bump_version()
    return t


def as_strided(input, size, stride, storage_offset=None):
    """Return a view of ``input``'s storage with the given ``size``, ``stride`` (in elements) and offset."""
    from numpy.lib.stride_tricks import as_strided as np_as_strided
    if input._requires_grad:
        raise NotImplementedError("ember: as_strided is not differentiable; call it under no_grad or on detach()")
    base = input if input._base is None else input._base
    item = input._data.itemsize
    start = input.storage_offset() if storage_offset is None else storage_offset
    flat = base._data.reshape(-1) if base._data.flags.c_contiguous else base._data.ravel()
    span = start + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if span > flat.size:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {start}, and "
                           f"itemsize {item} requiring a storage size of {span * item} are out of bounds for storage "
                           f"of size {flat.size * item}")
    view = np_as_strided(flat[start:], tuple(size), tuple(s * item for s in stride), writeable=True)
    out = _wrap(view)
    out._vc, out._base = input._version_box(), base
    return out
