"""Shape ops: views (view, reshape, permute, expand ...) and copies that rearrange elements.

View ops return tensors sharing memory and the version counter with their input, as PyTorch's do.
"""
import numpy as np

from ._op import Op, Samples, apply_unary, apply_view
from .inplace import _check_leaf


_TYPE_NAMES = {"f": "Float", "d": "Double", "e": "Half", "l": "Long", "q": "Long", "i": "Int", "h": "Short",
               "b": "Char", "B": "Byte", "?": "Bool"}


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer_shape(shape, numel):
    """Resolve one ``-1`` in ``shape`` and check the element count, with PyTorch's errors."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _view_cases(make):
    return [((make((3, 4)), (12,)), {}), ((make((3, 4)), (2, -1)), {}), ((make(()), (1,)), {}),
            ((make((0, 3)), (3, 0)), {})]


def _permute_cases(make):
    return [((make((2, 3, 4)), (2, 0, 1)), {}), ((make(()), ()), {}), ((make((0, 3)), (1, 0)), {})]


class View(Op):
    """The same elements seen with another shape (``view``, and ``reshape`` when no copy is needed)."""
    node_name = "ViewBackward0"
    samples = Samples("Tensor.view", cases=_view_cases)

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    def backward(ctx, xp, grad):
        return (xp.reshape(grad, ctx.in_shape),)


class UnsafeView(View):
    """``reshape`` of a tensor whose strides forbid a view: a copy, then a view."""
    node_name = "UnsafeViewBackward0"


def view(input, *shape):
    """Return a tensor with the same data and a new shape; fails if the strides do not allow it."""
    if not shape:
        raise TypeError("view() received an invalid combination of arguments - got (), but expected one of:\n"
                        " * (torch.dtype dtype)\n * (tuple of ints size)\n")
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer)):
        return _view_dtype(input, shape[0])
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    try:
        np.reshape(input._data, shape, copy=False)
    except ValueError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None
    return apply_view(View, input, shape)


def _view_dtype(input, dtype):
    """``view(dtype)``: the same bytes read as ``dtype``, sharing memory; not differentiable, as in PyTorch."""
    from .._tensor import _wrap
    a, new = input._data, dtype.numpy_dtype
    if a.itemsize != new.itemsize:
        if a.ndim == 0:
            raise RuntimeError("self.dim() cannot be 0 to view " + f"{_scalar(input.dtype)} as {_scalar(dtype)} "
                               "(different element sizes)")
        if a.shape[-1] * a.itemsize % new.itemsize:
            raise RuntimeError(f"self.size(-1) must be divisible by {new.itemsize // a.itemsize} to view "
                               f"{_scalar(input.dtype)} as {_scalar(dtype)} (different element sizes), but got "
                               f"{a.shape[-1]}")
        if a.strides[-1] != a.itemsize and a.shape[-1] != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 to view {_scalar(input.dtype)} as {_scalar(dtype)} "
                               f"(different element sizes), but got {a.strides[-1] // a.itemsize}")
    return _wrap(a.view(new))


def _scalar(dtype):
    from ._ew_base import SCALAR_NAMES
    return SCALAR_NAMES[dtype.numpy_dtype.char]


def reshape(input, *shape):
    """Return a tensor with a new shape: a view when possible, otherwise a copy."""
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    try:
        np.reshape(input._data, shape, copy=False)
    except ValueError:
        return apply_unary(UnsafeView, input, shape)
    return apply_view(View, input, shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Return ``input`` with dimensions ``start_dim..end_dim`` flattened into one."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    start = input._wrap_dim(start_dim)
    end = input._wrap_dim(end_dim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    new = shape[:start] + (int(np.prod(shape[start:end + 1])),) + shape[end + 1:]
    return reshape(input, new)


def unflatten(input, dim, sizes):
    """Return ``input`` with dimension ``dim`` expanded into ``sizes``."""
    dim = input._wrap_dim(dim)
    shape = input._data.shape
    sizes = tuple(sizes)
    if -1 in sizes:
        sizes = _infer_shape(sizes, shape[dim])
    elif int(np.prod(sizes)) != shape[dim]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                           f"{dim} ({shape[dim]}) in the input tensor")
    return view(input, shape[:dim] + sizes + shape[dim + 1:])


class Squeeze(Op):
    """Size-one dimensions removed (all of them: ``squeeze()``)."""
    node_name = "SqueezeBackward0"

    def forward(ctx, x, axes):
        ctx.in_shape = x.shape
        return x.squeeze(axes)

    def backward(ctx, xp, grad):
        return (xp.reshape(grad, ctx.in_shape),)


class SqueezeDim(Squeeze):
    """Size-one dimensions removed (``squeeze(dim)``)."""
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    """Size-one dimensions removed (``squeeze((d0, d1))``)."""
    node_name = "SqueezeBackward2"


def squeeze(input, dim=None):
    """Return ``input`` with size-one dimensions removed (only ``dim`` when given)."""
    shape = input._data.shape
    if dim is None:
        return apply_view(Squeeze, input, tuple(i for i, s in enumerate(shape) if s == 1))
    if isinstance(dim, (tuple, list)):
        dims = tuple(input._wrap_dim(d) for d in dim)
        return apply_view(SqueezeDims, input, tuple(d for d in dims if shape and shape[d] == 1))
    d = input._wrap_dim(dim)
    return apply_view(SqueezeDim, input, (d,) if shape and shape[d] == 1 else ())


class Unsqueeze(Op):
    """A size-one dimension inserted."""
    node_name = "UnsqueezeBackward0"
    samples = Samples("unsqueeze", kwargs=[{"dim": 0}, {"dim": -1}])

    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.expand_dims(x, dim)

    def backward(ctx, xp, grad):
        return (xp.reshape(grad, grad.shape[:ctx.dim] + grad.shape[ctx.dim + 1:]),)


def unsqueeze(input, dim):
    """Return ``input`` with a size-one dimension inserted at ``dim``."""
    try:
        d = input._wrap_dim(dim, input._data.ndim + 1)
    except TypeError:  # PyTorch's argument parser refuses a dim that is no int
        raise TypeError(f"unsqueeze(): argument 'dim' must be int, not {type(dim).__name__}") from None
    return apply_view(Unsqueeze, input, d)


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


class Permute(Op):
    """Dimensions reordered."""
    node_name = "PermuteBackward0"
    samples = Samples("permute", cases=_permute_cases)

    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    def backward(ctx, xp, grad):
        return (xp.permute(grad, _inverse(ctx.dims)),)


class Transpose(Permute):
    """Two dimensions swapped (``transpose``, ``mT``)."""
    node_name = "TransposeBackward0"


class T(Permute):
    """A matrix transposed (``t()``)."""
    node_name = "TBackward0"


def permute(input, *args, dims=None):
    """Return a view of ``input`` with its dimensions permuted."""
    dims = _shape_arg(args if dims is None else (dims,))
    if len(dims) != input._data.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {input._data.ndim} "
                           f"is not equal to len(dims) = {len(dims)}")
    dims = tuple(input._wrap_dim(d) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply_view(Permute, input, dims)


def transpose(input, dim0, dim1):
    """Return a view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped."""
    ndim = input._data.ndim
    if ndim == 0:
        input._wrap_dim(dim0)
        input._wrap_dim(dim1)
        return apply_view(Transpose, input, ())
    d0, d1 = input._wrap_dim(dim0), input._wrap_dim(dim1)
    dims = list(range(ndim))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return apply_view(Transpose, input, tuple(dims))


swapaxes = swapdims = transpose


def t(input):
    """Return the transpose of a matrix (a vector or scalar is returned as is)."""
    ndim = input._data.ndim
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return apply_view(T, input, tuple(range(ndim - 1, -1, -1)))


class Expand(Op):
    """Size-one dimensions repeated without copying (a broadcast view)."""
    node_name = "ExpandBackward0"

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return np.broadcast_to(x, shape)

    def backward(ctx, xp, grad):
        return (xp.sum_to(grad, ctx.in_shape),)


def expand(input, *sizes):
    """Return a broadcast view of ``input`` with the given sizes (-1 keeps a dimension)."""
    sizes = _shape_arg(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.{_TYPE_NAMES[input._data.dtype.char]}Tensor{{{list(shape)}}}, "
                           f"size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    out = list(sizes)
    for i in range(len(sizes) - 1, -1, -1):  # PyTorch's infer_size checks from the last dimension
        s = sizes[i]
        if i < lead:
            if s == -1:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            continue
        cur = shape[i - lead]
        if s == -1:
            out[i] = cur
        elif cur != 1 and cur != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shape)}")
    return apply_view(Expand, input, tuple(out))


def broadcast_to(input, size):
    """Return ``input`` broadcast to ``size``."""
    return expand(input, size)


class Clone(Op):
    """A copy of the data."""
    node_name = "CloneBackward0"
    samples = Samples("clone")

    def forward(ctx, x):
        return x.copy()

    def backward(ctx, xp, grad):
        return (grad,)


def clone(input, *, memory_format=None):
    """Return a copy of ``input`` (differentiable)."""
    return apply_unary(Clone, input)


def contiguous(input, memory_format=None):
    """Return ``input`` if it is contiguous, otherwise a contiguous copy (recorded as CloneBackward0)."""
    if input._data.flags.c_contiguous:
        return input
    return apply_unary(Clone, input)


# ---------------------------------------------------------------- views picking a range

def narrow(input, dim, start, length):
    """Return a view of ``input`` restricted to ``length`` positions of ``dim`` from ``start``."""
    from .indexing import Slice
    if not input._data.ndim:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = input._wrap_dim(dim)
    n = input._data.shape[dim]
    start = int(start)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start %= n if n else 1
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    key = (slice(None),) * dim + (slice(start, start + length), Ellipsis)
    return apply_view(Slice, input, key)


def movedim(input, source, destination):
    """Return a view of ``input`` with dimensions ``source`` moved to positions ``destination``."""
    src = list(source) if isinstance(source, (tuple, list)) else [source]
    dst = list(destination) if isinstance(destination, (tuple, list)) else [destination]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the same "
                           f"number of dims as destination ({dst} dims)")
    src = [input._wrap_dim(d) for d in src]
    dst = [input._wrap_dim(d) for d in dst]
    for name, dims, given in (("source", src, source), ("destination", dst, destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    if not input._data.ndim:  # dimension 0 (or -1) of a 0-d tensor moves nowhere: PyTorch's alias
        from .indexing import getitem
        return getitem(input, Ellipsis)
    order = [None] * input._data.ndim
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(input._data.ndim) if i not in src)
    return permute(input, tuple(o if o is not None else next(rest) for o in order))


moveaxis = movedim


# ---------------------------------------------------------------- in-place views (metadata only)

class UnsqueezeInPlace(Unsqueeze):
    """``unsqueeze_``."""
    node_name = "UnsqueezeBackward1"
    samples = None


class SqueezeInPlace(Squeeze):
    """``squeeze_()``."""
    node_name = "SqueezeBackward3"
    samples = None


class SqueezeDimInPlace(Squeeze):
    """``squeeze_(dim)``."""
    node_name = "SqueezeBackward4"
    samples = None


class SqueezeDimsInPlace(Squeeze):
    """``squeeze_((dims))``."""
    node_name = "SqueezeBackward5"
    samples = None


class TInPlace(Permute):
    """``t_``."""
    node_name = "TBackward1"
    samples = None


class TransposeInPlace(Permute):
    """``transpose_``."""
    node_name = "TransposeBackward1"
    samples = None


def _restride(input, cls, *params):
    """Give ``input`` the new shape of a view op, in place; a recorded op makes it the node's output."""
    _check_leaf(input)
    result = apply_unary(cls, input, *params)
    input._data = result._data
    if result._node is not None:
        input._node = result._node
        input.__dict__.pop("_out_nr", None)
    input._bump_version()
    return input


def unsqueeze_(input, dim):
    """In-place ``unsqueeze``; returns ``input``."""
    return _restride(input, UnsqueezeInPlace, input._wrap_dim(dim, input._data.ndim + 1))


def squeeze_(input, dim=None):
    """In-place ``squeeze``; returns ``input``."""
    shape = input._data.shape
    if dim is None:
        return _restride(input, SqueezeInPlace, tuple(i for i, s in enumerate(shape) if s == 1))
    if isinstance(dim, (tuple, list)):
        dims = tuple(input._wrap_dim(d) for d in dim)
        return _restride(input, SqueezeDimsInPlace, tuple(d for d in dims if shape[d] == 1))
    d = input._wrap_dim(dim)
    return _restride(input, SqueezeDimInPlace, (d,) if shape and shape[d] == 1 else ())


def t_(input):
    """In-place ``t``; returns ``input``."""
    t(input)  # PyTorch's checks
    return _restride(input, TInPlace, tuple(range(input._data.ndim - 1, -1, -1)))


def transpose_(input, dim0, dim1):
    """In-place ``transpose``; returns ``input``."""
    dims = list(range(input._data.ndim))
    if dims:
        d0, d1 = input._wrap_dim(dim0), input._wrap_dim(dim1)
        dims[d0], dims[d1] = dims[d1], dims[d0]
    return _restride(input, TransposeInPlace, tuple(dims))


# ---------------------------------------------------------------- rearranging (rearrange.py), joining (joining.py)
from .rearrange import (Diagonal, Flip, Repeat, Roll, Tril, Triu, Unfold, diagonal, flip, fliplr,  # noqa: E402
                        flipud, repeat, roll, tile, tril, triu, unfold)
from .joining import (Cat, Split, SplitWithSizes, Stack, Unbind, atleast_1d, atleast_2d, atleast_3d,  # noqa: E402
                      cat, chunk, concat, concatenate, dstack, hstack, meshgrid, row_stack, split, stack, unbind,
                      vstack)

OPS = (View, UnsafeView, Squeeze, SqueezeDim, SqueezeDims, Unsqueeze, Permute, Transpose, T, Expand, Clone, Repeat,
       Flip, Roll, Diagonal, Tril, Triu, Unfold, UnsqueezeInPlace, SqueezeInPlace, SqueezeDimInPlace,
       SqueezeDimsInPlace, TInPlace, TransposeInPlace, Cat, Stack, Split, SplitWithSizes, Unbind)
