"""The Tensor: a NumPy array, its dtype, and its place in the autograd graph.

The class is thin: each math method forwards to the one function that implements it in
``ember.ops`` (bound at the bottom of this file, after the class exists, because the ops build
Tensors). Hot state lives in slots; rarely used state (``.grad``, hooks, the version counter,
a view's base) lives in the instance dict behind class-level defaults, so creating a tensor
only sets three slots.
"""
import warnings

import numpy as np
from numpy import ndarray as _ndarray

from . import _dtype
from ._dtype import _BY_CHAR
from ._size import Size

__all__ = ["Tensor"]

_new = object.__new__

_NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
    "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
    "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
    "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
    "for more informations.")


def _wrap(array):
    """Wrap an ndarray as a Tensor that does not require grad, without copying."""
    t = _new(Tensor)
    # NumPy returns scalars for 0-d results: a tensor keeps a (writable) 0-d array
    t._data = array if array.__class__ is _ndarray else np.asarray(array)
    t._node = None
    t._requires_grad = False
    if _inference_use.active and _grad_state.inference:  # made in inference mode: an inference tensor
        t._vc = _INFERENCE_VERSION
    return t


class Tensor:
    """A multi-dimensional array that can record the operations applied to it, as ``torch.Tensor``."""

    __slots__ = ("_data", "_node", "_requires_grad", "__dict__", "__weakref__")
    # type(t) prints <class 'ember.Tensor'>, as PyTorch's prints <class 'torch.Tensor'>
    __module__ = "ember"
    # NumPy defers to our reflected operators (ndarray * Tensor gives a Tensor, as with torch)
    __array_priority__ = 1000
    # defaults of rarely set state (instance attributes shadow them)
    _grad = None
    _vc = None              # version counter: a one-item list shared with views, made on demand
    _base = None
    _storage_base = None    # for a detached tensor: the tensor whose memory it shares (not a view: no _base)
    _views = None           # weakrefs to this base's recorded views, rebuilt after in-place ops on it
    _views_limit = 8        # prune dead weakrefs from _views when it reaches this length
    _out_nr = 0
    _accumulator = None     # weakref to this leaf's AccumulateGrad node
    _retains_grad = False
    _post_acc_hooks = None
    _leaf_hooks = None      # {id: hook} registered on a leaf with register_hook

    def __new__(cls, *args, **kwargs):
        from ._creation import _legacy_tensor_new
        return _legacy_tensor_new(cls, args, kwargs)

    # ----------------------------------------------------------------- metadata
    @property
    def dtype(self):
        return _BY_CHAR[self._data.dtype.char]

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        """Return the shape as ``ember.Size``, or the size of dimension ``dim``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._wrap_dim(dim)]

    def dim(self):
        """Return the number of dimensions."""
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        """Return the number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self):
        """Return the size in bytes of one element."""
        return self._data.itemsize

    def stride(self, dim=None):
        """Return the strides in elements (PyTorch's convention), or one dimension's stride."""
        data = self._data
        if data.size == 0:  # NumPy gives empty arrays zero strides; PyTorch reports contiguous ones
            data = np.empty(data.shape if 0 not in data.shape else tuple(max(s, 1) for s in data.shape), data.dtype)
        item = data.itemsize
        strides = [s // item for s in data.strides]
        shape = data.shape
        for d in range(len(strides) - 1, -1, -1):
            # NumPy gives an inserted size-1 dim (x[None]) stride 0; PyTorch's unsqueeze gives it
            # the size times the stride of the next dim (1 when last)
            if strides[d] == 0 and shape[d] == 1:
                strides[d] = shape[d + 1] * strides[d + 1] if d + 1 < len(shape) else 1
        strides = tuple(strides)
        return strides if dim is None else strides[self._wrap_dim(dim)]

    def _storage_root(self):
        """The tensor that owns the memory this one shows (itself, its view base, or what it was detached
        from)."""
        root = self if self._base is None else self._base
        return root if root._storage_base is None else root._storage_base

    def storage_offset(self):
        """Return the offset of the first element within the base tensor's storage, in elements."""
        base = self._storage_root()
        if base is self:
            return 0
        return (self._data.__array_interface__["data"][0]
                - base._data.__array_interface__["data"][0]) // self._data.itemsize

    def is_contiguous(self, memory_format=None):
        """Return True if the elements are laid out in row-major order without gaps."""
        return self._data.flags.c_contiguous

    def data_ptr(self):
        """Return the address of the first element."""
        return self._data.__array_interface__["data"][0]

    def storage(self):
        """Return the storage (the flat memory shared with views) under this tensor."""
        from ._storage import TypedStorage
        return TypedStorage._of(self)

    @property
    def device(self):
        from .device import device
        return device("cpu")

    @property
    def is_cuda(self):
        return False

    is_sparse = False
    is_quantized = False
    is_meta = False
    is_nested = False
    layout = "torch.strided"

    def is_floating_point(self):
        """Return True if the dtype is a floating point type."""
        return self._data.dtype.kind == "f"

    def is_complex(self):
        """Return False: ember has no complex dtypes."""
        return False

    # a real tensor is its own conjugate: these return it as is (PyTorch returns the same object)
    def conj(self): return self
    def conj_physical(self): return self
    def resolve_conj(self): return self
    def resolve_neg(self): return self
    def is_conj(self): return False
    def is_neg(self): return False

    @property
    def real(self):
        return self

    @property
    def imag(self):
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    def is_signed(self):
        """Return True if the dtype is signed (floating point or a signed integer)."""
        return self._data.dtype.kind in "fi"

    def is_nonzero(self):
        """Return whether the single value of a one-element tensor is nonzero."""
        n = self._data.size
        if n != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if n == 0 else 'more than one value'} "
                               f"is ambiguous")
        return bool(self._data.reshape(()))

    def is_same_size(self, other):
        """Return True if ``other`` has the same shape."""
        if not isinstance(other, Tensor):
            raise TypeError(f"is_same_size(): argument 'other' (position 1) must be Tensor, not "
                            f"{type(other).__name__}")
        return self._data.shape == other._data.shape

    def is_set_to(self, tensor):
        """Return True if ``tensor`` views the same memory with the same size and strides."""
        if not isinstance(tensor, Tensor):
            raise TypeError(f"is_set_to(): argument 'tensor' (position 1) must be Tensor, not "
                            f"{type(tensor).__name__}")
        a, b = self._data, tensor._data
        return (a.__array_interface__["data"][0] == b.__array_interface__["data"][0] and a.shape == b.shape
                and self.stride() == tensor.stride() and a.dtype == b.dtype)

    is_cpu = True

    def get_device(self):
        """Return the device index: -1 for a CPU tensor."""
        return -1

    def dim_order(self):
        """Return the dimensions ordered from outermost to innermost in memory (by decreasing stride)."""
        strides = self.stride()
        return tuple(sorted(range(len(strides)), key=lambda d: -strides[d]))

    def const_data_ptr(self):
        """Return the address of the first element (read-only access)."""
        return self._data.__array_interface__["data"][0]

    def is_shared(self):
        """Return False: ember tensors live in process memory, never in shared memory."""
        return False

    def is_pinned(self):
        """Return False: a CPU-only build has no pinned memory."""
        return False

    def is_distributed(self):
        """Return False: a tensor is never spread over several processes."""
        return False

    def pin_memory(self, device=None):
        """Raise PyTorch's error: pinning needs an accelerator, and ember has none."""
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def _wrap_dim(self, dim, ndim=None):
        ndim = self._data.ndim if ndim is None else ndim
        bound = max(ndim, 1)
        if not -bound <= dim < bound:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], "
                             f"but got {dim})")
        return dim % bound

    # ----------------------------------------------------------------- autograd state
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if flag and self._node is None and self._data.dtype.kind != "f":  # the setter's own wording
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        """Set whether autograd records operations on this tensor, in place; returns self."""
        if self._node is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and self._vc is _INFERENCE_VERSION and not _grad_state.inference:
            raise RuntimeError(_INFERENCE_REQUIRES_GRAD_MESSAGE)
        self._requires_grad = bool(requires_grad)
        return self

    def is_inference(self):
        """Return True if this tensor was created in inference mode (an inference tensor)."""
        return self._vc is _INFERENCE_VERSION

    @property
    def grad_fn(self):
        return self._node

    @property
    def is_leaf(self):
        return self._node is None

    @property
    def grad(self):
        if self._node is not None and not self._retains_grad:
            warnings.warn(_NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def retains_grad(self):
        return self._retains_grad

    @property
    def output_nr(self):
        return self._out_nr

    @property
    def _version(self):
        box = self._vc
        if box is None:
            return 0
        return box[0] if box.__class__ is list else box.version()  # an inference tensor has none

    def _version_box(self):
        box = self._vc
        if box is None:
            box = self._vc = [0]
        return box

    def _bump_version(self):
        """Mark the data as modified in place (saved copies of it become invalid for backward)."""
        box = self._vc
        if box is None:
            self._vc = [1]
        elif box.__class__ is list:
            box[0] += 1
        else:  # an inference tensor's: raises outside inference mode
            box.bump()

    def retain_grad(self):
        """Make this non-leaf tensor keep its ``.grad`` after backward."""
        from .autograd.engine import retain_grad
        retain_grad(self)

    def register_hook(self, hook):
        """Register ``hook(grad)`` to run when this tensor's gradient is computed; returns a handle."""
        from .autograd.engine import register_tensor_hook
        return register_tensor_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Register ``hook(tensor)`` to run after a leaf's ``.grad`` is accumulated."""
        from .autograd.engine import register_post_accumulate_grad_hook
        return register_post_accumulate_grad_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor w.r.t. graph leaves and accumulate it into ``.grad``."""
        from .autograd.engine import backward
        backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph,
                 inputs=inputs)

    def detach(self):
        """Return a new tensor sharing this data, detached from the graph."""
        t = _wrap(self._data)
        t._vc = self._version_box()
        # not a view (PyTorch's detach() has no _base: an in-place op on it leaves this tensor's graph
        # alone), but it shares this tensor's memory and version counter
        t._storage_base = self._storage_root()
        return t

    def detach_(self):
        """Detach this tensor from the graph, in place, making it a leaf."""
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._node = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        # unlike detach(), .data shares no version counter: changes through it are invisible to
        # autograd, exactly PyTorch's documented difference
        t = _wrap(self._data)
        if self._vc is _INFERENCE_VERSION:
            t._vc = _INFERENCE_VERSION
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data

    # ----------------------------------------------------------------- conversion
    def item(self):
        """Return the value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        """Return the data as a (nested) Python list, or a number for a 0-d tensor."""
        return self._data.tolist()

    def numpy(self, *, force=False):
        """Return the data as an ndarray sharing memory with this tensor."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        if self._requires_grad:
            raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
        kwargs = {} if max_version is None else {"max_version": max_version}
        if copy is not None:
            kwargs["copy"] = copy
        return self._data.__dlpack__(stream=stream, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents=None):
        from ._printing import format_tensor
        suffixes = []
        if self._node is not None:
            suffixes.append(f"grad_fn=<{self._node.node_name}>")
        elif self._requires_grad:
            suffixes.append("requires_grad=True")
        return format_tensor(self._data, suffixes)

    __str__ = __repr__

    def __hash__(self):
        return id(self)

    def __deepcopy__(self, memo):
        if self._node is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                               "module, this may be because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        new = _wrap(self._data.copy())
        new.__class__ = type(self)
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._requires_grad))

    @property
    def T(self):
        return _shape.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        return _shape.transpose(self, -2, -1)

    @property
    def H(self):
        return self.T

    @property
    def mH(self):
        return self.mT

    # ----------------------------------------------------------------- operators
    # the hottest operators go straight to the op (what add/mul do for alpha=1 and no out=)
    def __add__(self, other): return _apply_binary(_Add, self, other)
    def __radd__(self, other): return _apply_binary(_Add, self, other)
    def __sub__(self, other): return _ew.sub(self, other)
    def __rsub__(self, other): return _ew.rsub(self, other)
    def __mul__(self, other): return _apply_binary(_Mul, self, other)
    def __rmul__(self, other): return _apply_binary(_Mul, self, other)
    def __truediv__(self, other): return _ew.div(self, other)
    def __rtruediv__(self, other): return _ew.rdiv(self, other)
    def __floordiv__(self, other): return _ew.floor_divide(self, other)
    def __rfloordiv__(self, other): return _ew.rfloordiv(self, other)
    def __mod__(self, other): return _ew.remainder(self, other)
    def __rmod__(self, other): return _ew.rremainder(self, other)
    def __pow__(self, other): return _ew.pow(self, other)
    def __rpow__(self, other): return _ew.rpow(self, other)
    def __matmul__(self, other): return _la.matmul(self, other)
    def __rmatmul__(self, other): return _la.rmatmul(self, other)
    def __neg__(self): return _ew.neg(self)
    def __pos__(self): return self
    def __abs__(self): return _ew.abs(self)
    def __invert__(self): return _ew.invert(self)
    def __and__(self, other): return _ew.bitwise_and(self, other)
    def __rand__(self, other): return _ew.bitwise_and(self, other)
    def __or__(self, other): return _ew.bitwise_or(self, other)
    def __ror__(self, other): return _ew.bitwise_or(self, other)
    def __xor__(self, other): return _ew.bitwise_xor(self, other)
    def __rxor__(self, other): return _ew.bitwise_xor(self, other)
    def __lshift__(self, other): return _ew.bitwise_left_shift(self, other)
    def __rshift__(self, other): return _ew.bitwise_right_shift(self, other)
    def __rlshift__(self, other): return _ew.bitwise_left_shift(_creation.tensor(other, dtype=self.dtype), self)
    def __rrshift__(self, other): return _ew.bitwise_right_shift(_creation.tensor(other, dtype=self.dtype), self)
    def __eq__(self, other): return _cmp.eq(self, other)
    def __ne__(self, other): return _cmp.ne(self, other)
    def __lt__(self, other): return _cmp.lt(self, other)
    def __le__(self, other): return _cmp.le(self, other)
    def __gt__(self, other): return _cmp.gt(self, other)
    def __ge__(self, other): return _cmp.ge(self, other)
    def __iadd__(self, other): return _inplace.add_(self, other)
    def __isub__(self, other): return _inplace.sub_(self, other)
    def __imul__(self, other): return _inplace.mul_(self, other)
    def __itruediv__(self, other): return _inplace.div_(self, other)
    def __ipow__(self, other): return _inplace.pow_(self, other)
    def __ifloordiv__(self, other): return _inplace.floor_divide_(self, other)
    def __imod__(self, other): return _inplace.remainder_(self, other)
    def __iand__(self, other): return _inplace.bitwise_and_(self, other)
    def __ior__(self, other): return _inplace.bitwise_or_(self, other)
    def __ixor__(self, other): return _inplace.bitwise_xor_(self, other)
    def __getitem__(self, index): return _idx.getitem(self, index)
    def __setitem__(self, index, value): _idx.setitem(self, index, value)


    # ----------------------------------------------------------------- math methods (one line each)
    # the common float maths go straight to their op, as the operators above do (no out= to handle)
    def add(self, other, *, alpha=1): return _ew.add(self, other, alpha=alpha)
    def sub(self, other, *, alpha=1): return _ew.sub(self, other, alpha=alpha)
    subtract = sub
    def rsub(self, other, *, alpha=1): return _ew.rsub(self, other, alpha=alpha)
    def mul(self, other): return _ew.mul(self, other)
    multiply = mul
    def div(self, other, *, rounding_mode=None): return _ew.div(self, other, rounding_mode=rounding_mode)
    divide = true_divide = div
    def floor_divide(self, other): return _ew.floor_divide(self, other)
    def remainder(self, other): return _ew.remainder(self, other)
    def fmod(self, other): return _ew.fmod(self, other)
    def pow(self, exponent): return _ew.pow(self, exponent)
    def float_power(self, exponent): return _ew.float_power(self, exponent)
    def neg(self): return _ew.neg(self)
    negative = neg
    def exp(self): return _apply_unary(_uops.Exp, self)
    def exp2(self): return _apply_unary(_uops.Exp2, self)
    def expm1(self): return _apply_unary(_uops.Expm1, self)
    def log(self): return _apply_unary(_uops.Log, self)
    def log2(self): return _apply_unary(_uops.Log2, self)
    def log10(self): return _apply_unary(_uops.Log10, self)
    def log1p(self): return _apply_unary(_uops.Log1p, self)
    def sqrt(self): return _apply_unary(_uops.Sqrt, self)
    def rsqrt(self): return _apply_unary(_uops.Rsqrt, self)
    def abs(self): return _ew.abs(self)
    absolute = abs
    def sign(self): return _ew.sign(self)
    def sgn(self): return _ew.sgn(self)
    def reciprocal(self): return _apply_unary(_uops.Reciprocal, self)
    def square(self): return _ew.square(self)
    def sin(self): return _apply_unary(_uops.Sin, self)
    def cos(self): return _apply_unary(_uops.Cos, self)
    def tan(self): return _apply_unary(_uops.Tan, self)
    def asin(self): return _ew.asin(self)
    arcsin = asin
    def acos(self): return _ew.acos(self)
    arccos = acos
    def atan(self): return _ew.atan(self)
    arctan = atan
    def atan2(self, other): return _ew.atan2(self, other)
    arctan2 = atan2
    def sinh(self): return _apply_unary(_uops.Sinh, self)
    def cosh(self): return _apply_unary(_uops.Cosh, self)
    def tanh(self): return _apply_unary(_uops.Tanh, self)
    def asinh(self): return _ew.asinh(self)
    def acosh(self): return _ew.acosh(self)
    def atanh(self): return _ew.atanh(self)
    def arcsinh(self): return _ew.asinh(self)
    def arccosh(self): return _ew.acosh(self)
    def arctanh(self): return _ew.atanh(self)
    def sigmoid(self): return _apply_unary(_uops.Sigmoid, self)
    def relu(self): return _ew.relu(self)
    def erf(self): return _ew.erf(self)
    def erfc(self): return _ew.erfc(self)
    def erfinv(self): return _ew.erfinv(self)
    def floor(self): return _ew.floor(self)
    def ceil(self): return _ew.ceil(self)
    def round(self, *, decimals=0): return _ew.round(self, decimals=decimals)
    def trunc(self): return _ew.trunc(self)
    fix = trunc
    def frac(self): return _ew.frac(self)
    def clamp(self, min=None, max=None): return _ew.clamp(self, min, max)
    clip = clamp
    def clamp_min(self, min): return _ew.clamp_min(self, min)
    def clamp_max(self, max): return _ew.clamp_max(self, max)
    def maximum(self, other): return _ew.maximum(self, other)
    def minimum(self, other): return _ew.minimum(self, other)
    def fmax(self, other): return _ew.fmax(self, other)
    def fmin(self, other): return _ew.fmin(self, other)
    def where(self, condition, other): return _ew.where(condition, self, other)
    def masked_fill(self, mask, value): return _ew.masked_fill(self, mask, value)
    def lerp(self, end, weight): return _ew.lerp(self, end, weight)
    def addcmul(self, tensor1, tensor2, *, value=1): return _ew.addcmul(self, tensor1, tensor2, value=value)
    def addcdiv(self, tensor1, tensor2, *, value=1): return _ew.addcdiv(self, tensor1, tensor2, value=value)
    def hypot(self, other): return _ew.hypot(self, other)
    def logaddexp(self, other): return _ew.logaddexp(self, other)
    def xlogy(self, other): return _ew.xlogy(self, other)
    def nan_to_num(self, nan=0.0, posinf=None, neginf=None): return _ew.nan_to_num(self, nan, posinf, neginf)
    def logical_not(self): return _ew.logical_not(self)
    def logical_and(self, other): return _ew.logical_and(self, other)
    def logical_or(self, other): return _ew.logical_or(self, other)
    def logical_xor(self, other): return _ew.logical_xor(self, other)
    def bitwise_not(self): return _ew.bitwise_not(self)
    def bitwise_and(self, other): return _ew.bitwise_and(self, other)
    def bitwise_or(self, other): return _ew.bitwise_or(self, other)
    def bitwise_xor(self, other): return _ew.bitwise_xor(self, other)
    def bitwise_left_shift(self, other): return _ew.bitwise_left_shift(self, other)
    def bitwise_right_shift(self, other): return _ew.bitwise_right_shift(self, other)
    def hardshrink(self, lambd=0.5): return _act.hardshrink(self, lambd)
    def prelu(self, weight): return _act.prelu(self, weight)
    def positive(self):
        """Return this tensor (unary ``+``); refused for bool, as PyTorch does."""
        if self._data.dtype.kind == "b":
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    # casts
    def to(self, *args, **kwargs): return _ew.to(self, *args, **kwargs)
    def type(self, dtype=None, non_blocking=False): return _ew.type_(self, dtype)
    def type_as(self, other): return _ew.to(self, other.dtype)
    def float(self): return _ew.to(self, _dtype.float32)
    def double(self): return _ew.to(self, _dtype.float64)
    def half(self): return _ew.to(self, _dtype.float16)
    def long(self): return _ew.to(self, _dtype.int64)
    def int(self): return _ew.to(self, _dtype.int32)
    def short(self): return _ew.to(self, _dtype.int16)
    def char(self): return _ew.to(self, _dtype.int8)
    def byte(self): return _ew.to(self, _dtype.uint8)
    def bool(self): return _ew.to(self, _dtype.bool)
    def cpu(self, memory_format=None): return self
    def cuda(self, device=None, non_blocking=False): return _ew.to(self, "cuda")
    def clone(self, *, memory_format=None): return _shape.clone(self)
    def contiguous(self, memory_format=None): return _shape.contiguous(self)

    # comparisons and tests (no gradient)
    def eq(self, other): return _cmp.eq(self, other)
    def ne(self, other): return _cmp.ne(self, other)
    not_equal = ne
    def lt(self, other): return _cmp.lt(self, other)
    less = lt
    def le(self, other): return _cmp.le(self, other)
    less_equal = le
    def gt(self, other): return _cmp.gt(self, other)
    greater = gt
    def ge(self, other): return _cmp.ge(self, other)
    greater_equal = ge
    def equal(self, other): return _cmp.equal(self, other)
    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _cmp.isclose(self, other, rtol, atol, equal_nan)
    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _cmp.allclose(self, other, rtol, atol, equal_nan)
    def isnan(self): return _cmp.isnan(self)
    def isinf(self): return _cmp.isinf(self)
    def isfinite(self): return _cmp.isfinite(self)
    def isposinf(self): return _cmp.isposinf(self)
    def isneginf(self): return _cmp.isneginf(self)
    def signbit(self): return _cmp.signbit(self)

    # reductions
    def sum(self, *args, **kwargs): return _red.sum(self, *args, **kwargs)
    def nansum(self, *args, **kwargs): return _red.nansum(self, *args, **kwargs)
    def mean(self, *args, **kwargs): return _red.mean(self, *args, **kwargs)
    def nanmean(self, *args, **kwargs): return _red.nanmean(self, *args, **kwargs)
    def prod(self, *args, **kwargs): return _red.prod(self, *args, **kwargs)
    def max(self, *args, **kwargs): return _red.max(self, *args, **kwargs)
    def min(self, *args, **kwargs): return _red.min(self, *args, **kwargs)
    def amax(self, *args, **kwargs): return _red.amax(self, *args, **kwargs)
    def amin(self, *args, **kwargs): return _red.amin(self, *args, **kwargs)
    def aminmax(self, *args, **kwargs): return _red.aminmax(self, *args, **kwargs)
    def argmax(self, *args, **kwargs): return _red.argmax(self, *args, **kwargs)
    def argmin(self, *args, **kwargs): return _red.argmin(self, *args, **kwargs)
    def var(self, *args, **kwargs): return _red.var(self, *args, **kwargs)
    def std(self, *args, **kwargs): return _red.std(self, *args, **kwargs)
    def norm(self, *args, **kwargs): return _red.norm(self, *args, **kwargs)
    def logsumexp(self, *args, **kwargs): return _red.logsumexp(self, *args, **kwargs)
    def cumsum(self, *args, **kwargs): return _red.cumsum(self, *args, **kwargs)
    def cumprod(self, *args, **kwargs): return _red.cumprod(self, *args, **kwargs)
    def cummax(self, *args, **kwargs): return _red.cummax(self, *args, **kwargs)
    def cummin(self, *args, **kwargs): return _red.cummin(self, *args, **kwargs)
    def softmax(self, *args, **kwargs): return _red.softmax(self, *args, **kwargs)
    def log_softmax(self, *args, **kwargs): return _red.log_softmax(self, *args, **kwargs)
    def all(self, *args, **kwargs): return _red.all(self, *args, **kwargs)
    def any(self, *args, **kwargs): return _red.any(self, *args, **kwargs)
    def sort(self, *args, **kwargs): return _red.sort(self, *args, **kwargs)
    def argsort(self, *args, **kwargs): return _red.argsort(self, *args, **kwargs)
    def topk(self, *args, **kwargs): return _red.topk(self, *args, **kwargs)
    def kthvalue(self, *args, **kwargs): return _red.kthvalue(self, *args, **kwargs)
    def median(self, *args, **kwargs): return _red.median(self, *args, **kwargs)
    def mode(self, *args, **kwargs): return _red.mode(self, *args, **kwargs)
    def unique(self, *args, **kwargs): return _red.unique(self, *args, **kwargs)
    def count_nonzero(self, *args, **kwargs): return _red.count_nonzero(self, *args, **kwargs)
    def sum_to_size(self, *size): return _red.sum_to_size(self, *size)

    # shape
    def view(self, *shape): return _shape.view(self, *shape)
    def view_as(self, other): return _shape.view(self, other.shape)
    def reshape(self, *shape): return _shape.reshape(self, *shape)
    def reshape_as(self, other): return _shape.reshape(self, other.shape)
    def flatten(self, start_dim=0, end_dim=-1): return _shape.flatten(self, start_dim, end_dim)
    def unflatten(self, dim, sizes): return _shape.unflatten(self, dim, sizes)
    def ravel(self): return _misc.ravel(self)
    def squeeze(self, dim=None): return _shape.squeeze(self, dim)
    def unsqueeze(self, dim): return _shape.unsqueeze(self, dim)
    def permute(self, *dims, **kwargs): return _shape.permute(self, *dims, **kwargs)
    def transpose(self, dim0, dim1): return _shape.transpose(self, dim0, dim1)
    swapaxes = swapdims = transpose
    def t(self): return _shape.t(self)
    def movedim(self, source, destination): return _shape.movedim(self, source, destination)
    moveaxis = movedim
    def expand(self, *sizes): return _shape.expand(self, *sizes)
    def expand_as(self, other): return _shape.expand(self, other.shape)
    def broadcast_to(self, size): return _shape.broadcast_to(self, size)
    def repeat(self, *sizes): return _shape.repeat(self, *sizes)
    def tile(self, dims): return _shape.tile(self, dims)
    def flip(self, *dims, **kwargs): return _shape.flip(self, *dims, **kwargs)
    def fliplr(self): return _shape.fliplr(self)
    def flipud(self): return _shape.flipud(self)
    def roll(self, shifts, dims=None): return _shape.roll(self, shifts, dims)
    def split(self, split_size, dim=0): return _shape.split(self, split_size, dim)
    def chunk(self, chunks, dim=0): return _shape.chunk(self, chunks, dim)
    def unbind(self, dim=0): return _shape.unbind(self, dim)
    def narrow(self, dim, start, length): return _shape.narrow(self, dim, start, length)
    def diagonal(self, offset=0, dim1=0, dim2=1): return _shape.diagonal(self, offset, dim1, dim2)
    def tril(self, diagonal=0): return _shape.tril(self, diagonal)
    def triu(self, diagonal=0): return _shape.triu(self, diagonal)
    def unfold(self, dimension, size, step): return _shape.unfold(self, dimension, size, step)
    def split_with_sizes(self, split_sizes, dim=0): return _shape.split(self, list(split_sizes), dim)
    def dsplit(self, *sections):
        """Split a tensor of three or more dimensions depthwise (dim 2), as ``torch.dsplit``."""
        if self._data.ndim < 3:
            raise RuntimeError(f"torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with "
                               f"{self._data.ndim} dimensions!")
        return _misc._split_even(self, sections[0] if len(sections) == 1 else list(sections), 2, "dsplit")

    # indexing
    def gather(self, dim, index): return _idx.gather(self, dim, index)
    def scatter(self, dim, index, src=None, value=None, *, reduce=None):
        return _idx.scatter(self, dim, index, src, value, reduce=reduce)
    def scatter_add(self, dim, index, src): return _idx.scatter_add(self, dim, index, src)
    def index_select(self, dim, index): return _idx.index_select(self, dim, index)
    def masked_select(self, mask): return _idx.masked_select(self, mask)
    def take_along_dim(self, indices, dim=None): return _idx.take_along_dim(self, indices, dim)
    def index_add(self, dim, index, source, *, alpha=1): return _idx.index_add(self, dim, index, source, alpha=alpha)
    def index_fill(self, dim, index, value): return _idx.index_fill(self, dim, index, value)
    def index_put(self, indices, values, accumulate=False): return _idx.index_put(self, indices, values, accumulate)
    def nonzero(self, *, as_tuple=False): return _idx.nonzero(self, as_tuple=as_tuple)
    def take(self, index): return _idx.take(self, index)
    def nonzero_static(self, *, size, fill_value=-1):
        """Return ``nonzero()``'s indices cut or padded with ``fill_value`` to exactly ``size`` rows."""
        if size < 0:
            raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
        found = np.argwhere(self._data)[:size]
        out = np.full((size, self._data.ndim), fill_value, np.int64)
        out[:len(found)] = found
        return _wrap(out)
    def masked_scatter(self, mask, source): return _idx.masked_scatter(self, mask, source)
    def masked_scatter_(self, mask, source): return _idx.masked_scatter_(self, mask, source)

    # linear algebra
    def matmul(self, other): return _la.matmul(self, other)
    def mm(self, mat2): return _la.mm(self, mat2)
    def bmm(self, mat2): return _la.bmm(self, mat2)
    def mv(self, vec): return _la.mv(self, vec)
    def dot(self, other): return _la.dot(self, other)
    def inner(self, other): return _la.inner(self, other)
    def outer(self, vec2): return _la.outer(self, vec2)
    ger = outer
    def addmm(self, mat1, mat2, *, beta=1, alpha=1): return _la.addmm(self, mat1, mat2, beta=beta, alpha=alpha)
    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _la.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)
    def addmv(self, mat, vec, *, beta=1, alpha=1): return _la.addmv(self, mat, vec, beta=beta, alpha=alpha)
    def trace(self): return _la.trace(self)
    def vdot(self, other): return _la.vdot(self, other)
    def adjoint(self):
        """Return the conjugate transpose of the last two dimensions (a view; the transpose for real tensors)."""
        if self._data.ndim == 0:
            warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
            return self
        if self._data.ndim == 1:
            raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.")
        return _shape.transpose(self, -2, -1)
    def svd(self, some=True, compute_uv=True):
        from . import linalg
        return linalg._svd_legacy(self, some, compute_uv)
    def qr(self, some=True):
        from . import linalg
        return linalg._qr_legacy(self, some)

    # in place (recorded in the graph; they bump the version counter)
    def add_(self, other, *, alpha=1): return _inplace.add_(self, other, alpha=alpha)
    def sub_(self, other, *, alpha=1): return _inplace.sub_(self, other, alpha=alpha)
    subtract_ = sub_
    def mul_(self, other): return _inplace.mul_(self, other)
    multiply_ = mul_
    def div_(self, other, *, rounding_mode=None): return _inplace.div_(self, other, rounding_mode=rounding_mode)
    divide_ = true_divide_ = div_
    def pow_(self, exponent): return _inplace.pow_(self, exponent)
    def neg_(self): return _inplace.neg_(self)
    negative_ = neg_
    def exp_(self): return _inplace.exp_(self)
    def log_(self): return _inplace.log_(self)
    def sqrt_(self): return _inplace.sqrt_(self)
    def abs_(self): return _inplace.abs_(self)
    absolute_ = abs_
    def sin_(self): return _inplace.sin_(self)
    def cos_(self): return _inplace.cos_(self)
    def tanh_(self): return _inplace.tanh_(self)
    def sigmoid_(self): return _inplace.sigmoid_(self)
    def relu_(self): return _inplace.relu_(self)
    def reciprocal_(self): return _inplace.reciprocal_(self)
    def square_(self): return _inplace.square_(self)
    def floor_(self): return _inplace.floor_(self)
    def ceil_(self): return _inplace.ceil_(self)
    def round_(self, *, decimals=0): return _inplace.round_(self, decimals=decimals)
    def floor_divide_(self, other): return _inplace.floor_divide_(self, other)
    def remainder_(self, other): return _inplace.remainder_(self, other)
    def bitwise_and_(self, other): return _inplace.bitwise_and_(self, other)
    def bitwise_or_(self, other): return _inplace.bitwise_or_(self, other)
    def bitwise_xor_(self, other): return _inplace.bitwise_xor_(self, other)
    def clamp_(self, min=None, max=None): return _inplace.clamp_(self, min, max)
    clip_ = clamp_
    def clamp_min_(self, min): return _inplace.clamp_(self, min, None)
    def clamp_max_(self, max): return _inplace.clamp_(self, None, max)
    def masked_fill_(self, mask, value): return _inplace.masked_fill_(self, mask, value)
    def lerp_(self, end, weight): return _inplace.lerp_(self, end, weight)
    def addcmul_(self, tensor1, tensor2, *, value=1): return _inplace.addcmul_(self, tensor1, tensor2, value=value)
    def addcdiv_(self, tensor1, tensor2, *, value=1): return _inplace.addcdiv_(self, tensor1, tensor2, value=value)
    def zero_(self): return _inplace.zero_(self)
    def fill_(self, value): return _inplace.fill_(self, value)
    def copy_(self, src, non_blocking=False): return _inplace.copy_(self, src)
    def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
        return _idx.scatter_(self, dim, index, src, value, reduce=reduce)
    def scatter_add_(self, dim, index, src): return _idx.scatter_add_(self, dim, index, src)
    def index_add_(self, dim, index, source, *, alpha=1): return _idx.index_add_(self, dim, index, source, alpha=alpha)
    def index_fill_(self, dim, index, value): return _idx.index_fill_(self, dim, index, value)
    def index_put_(self, indices, values, accumulate=False): return _idx.index_put_(self, indices, values, accumulate)
    def unsqueeze_(self, dim): return _shape.unsqueeze_(self, dim)
    def squeeze_(self, dim=None): return _shape.squeeze_(self, dim)
    def t_(self): return _shape.t_(self)
    def transpose_(self, dim0, dim1): return _shape.transpose_(self, dim0, dim1)
    swapaxes_ = swapdims_ = transpose_
    def conj_physical_(self): return _inplace.conj_physical_(self)
    def acos_(self): return _inplace.acos_(self)
    arccos_ = acos_
    def asin_(self): return _inplace.asin_(self)
    arcsin_ = asin_
    def atan_(self): return _inplace.atan_(self)
    arctan_ = atan_
    def atan2_(self, other): return _inplace.atan2_(self, other)
    arctan2_ = atan2_
    def tan_(self): return _inplace.tan_(self)
    def sinh_(self): return _inplace.sinh_(self)
    def cosh_(self): return _inplace.cosh_(self)
    def asinh_(self): return _inplace.asinh_(self)
    arcsinh_ = asinh_
    def acosh_(self): return _inplace.acosh_(self)
    arccosh_ = acosh_
    def atanh_(self): return _inplace.atanh_(self)
    arctanh_ = atanh_
    def log2_(self): return _inplace.log2_(self)
    def log10_(self): return _inplace.log10_(self)
    def log1p_(self): return _inplace.log1p_(self)
    def exp2_(self): return _inplace.exp2_(self)
    def expm1_(self): return _inplace.expm1_(self)
    def erfc_(self): return _inplace.erfc_(self)
    def erfinv_(self): return _inplace.erfinv_(self)
    def frac_(self): return _inplace.frac_(self)
    def sgn_(self): return _inplace.sgn_(self)
    def deg2rad_(self): return _inplace.deg2rad_(self)
    def rad2deg_(self): return _inplace.rad2deg_(self)
    def hypot_(self, other): return _inplace.hypot_(self, other)
    def xlogy_(self, other): return _inplace.xlogy_(self, other)
    def float_power_(self, exponent): return _inplace.float_power_(self, exponent)
    def eq_(self, other): return _inplace.eq_(self, other)
    def ne_(self, other): return _inplace.ne_(self, other)
    not_equal_ = ne_
    def lt_(self, other): return _inplace.lt_(self, other)
    less_ = lt_
    def le_(self, other): return _inplace.le_(self, other)
    less_equal_ = le_
    def gt_(self, other): return _inplace.gt_(self, other)
    greater_ = gt_
    def ge_(self, other): return _inplace.ge_(self, other)
    greater_equal_ = ge_
    def logical_not_(self): return _inplace.logical_not_(self)
    def logical_and_(self, other): return _inplace.logical_and_(self, other)
    def logical_or_(self, other): return _inplace.logical_or_(self, other)
    def logical_xor_(self, other): return _inplace.logical_xor_(self, other)
    def bitwise_not_(self): return _inplace.bitwise_not_(self)
    def bitwise_left_shift_(self, other): return _inplace.bitwise_left_shift_(self, other)
    def bitwise_right_shift_(self, other): return _inplace.bitwise_right_shift_(self, other)
    def cumsum_(self, dim, *, dtype=None): return _inplace.cumsum_(self, dim, dtype=dtype)
    def cumprod_(self, dim, *, dtype=None): return _inplace.cumprod_(self, dim, dtype=dtype)
    def addmm_(self, mat1, mat2, *, beta=1, alpha=1): return _inplace.addmm_(self, mat1, mat2, beta=beta, alpha=alpha)
    def addmv_(self, mat, vec, *, beta=1, alpha=1): return _inplace.addmv_(self, mat, vec, beta=beta, alpha=alpha)
    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return _inplace.baddbmm_(self, batch1, batch2, beta=beta, alpha=alpha)
    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return _inplace.scatter_reduce_(self, dim, index, src, reduce, include_self=include_self)

    # misc functions (ember/ops/misc.py) and linear algebra (ember/ops/linalg_decomp.py)
    def diff(self, n=1, dim=-1, prepend=None, append=None): return _misc.diff(self, n, dim, prepend, append)
    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return _misc.repeat_interleave(self, repeats, dim, output_size=output_size)
    def diag(self, diagonal=0): return _misc.diag(self, diagonal)
    def diag_embed(self, offset=0, dim1=-2, dim2=-1): return _misc.diag_embed(self, offset, dim1, dim2)
    def diagflat(self, offset=0): return _misc.diagflat(self, offset)
    def rot90(self, k=1, dims=(0, 1)): return _misc.rot90(self, k, dims)
    def kron(self, other): return _misc.kron(self, other)
    def tensor_split(self, indices_or_sections, dim=0): return _misc.tensor_split(self, indices_or_sections, dim)
    def hsplit(self, sections): return _misc.hsplit(self, sections)
    def vsplit(self, sections): return _misc.vsplit(self, sections)
    def isin(self, test_elements, *, assume_unique=False, invert=False):
        return _misc.isin(self, test_elements, invert=invert)
    def deg2rad(self): return _misc.deg2rad(self)
    def rad2deg(self): return _misc.rad2deg(self)
    def logcumsumexp(self, dim): return _misc.logcumsumexp(self, dim)
    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _misc.quantile(self, q, dim, keepdim, interpolation=interpolation)
    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _misc.nanquantile(self, q, dim, keepdim, interpolation=interpolation)
    def nanmedian(self, dim=None, keepdim=False): return _misc.nanmedian(self, dim, keepdim)
    def histc(self, bins=100, min=0, max=0): return _misc.histc(self, bins, min, max)
    def bincount(self, weights=None, minlength=0): return _misc.bincount(self, weights, minlength)
    def select(self, dim, index): return _misc.select(self, dim, index)
    def index_copy(self, dim, index, source): return _misc.index_copy(self, dim, index, source)
    def index_copy_(self, dim, index, source): return _misc.index_copy_(self, dim, index, source)
    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return _misc.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)
    def put_(self, index, source, accumulate=False): return _misc.put_(self, index, source, accumulate)
    def apply_(self, callable): return _misc.apply_(self, callable)
    def map_(self, tensor, callable): return _misc.map_(self, tensor, callable)
    def as_strided(self, size, stride, storage_offset=None): return _misc.as_strided(self, size, stride, storage_offset)
    def resize_(self, *sizes, memory_format=None): return _misc.resize_(self, *sizes)
    def resize_as_(self, the_template, memory_format=None):
        """Resize this tensor to the shape of ``the_template``, in place."""
        if not isinstance(the_template, Tensor):
            raise TypeError(f"resize_as_(): argument 'the_template' (position 1) must be Tensor, not "
                            f"{type(the_template).__name__}")
        return _misc.resize_(self, *the_template._data.shape)
    def fill_diagonal_(self, fill_value, wrap=False): return _misc.fill_diagonal_(self, fill_value, wrap)
    def sign_(self): return _misc.sign_(self)
    def trunc_(self): return _misc.trunc_(self)
    fix_ = trunc_
    def rsqrt_(self): return _misc.rsqrt_(self)
    def erf_(self): return _misc.erf_(self)
    def fmod_(self, other): return _misc.fmod_(self, other)
    def tril_(self, diagonal=0): return _misc.tril_(self, diagonal)
    def triu_(self, diagonal=0): return _misc.triu_(self, diagonal)
    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None): return _misc.nan_to_num_(self, nan, posinf, neginf)
    def det(self): return _lad.det(self)
    def logdet(self): return _lad.logdet(self)
    def slogdet(self):
        from . import linalg
        return linalg._slogdet_legacy(self)
    def inverse(self): return _lad.inverse(self)
    def pinverse(self, rcond=1e-15): return _lad.pinv(self, rtol=rcond)
    def cholesky(self, upper=False):
        from . import linalg
        return linalg._cholesky_legacy(self, upper)
    def cross(self, other, dim=None):
        from . import linalg
        return linalg._cross_legacy(self, other, dim)
    def matrix_power(self, n):
        from . import linalg
        return linalg.matrix_power(self, n)

    # special functions (ember/ops/special.py)
    def copysign(self, other): return _special.copysign(self, other)
    def copysign_(self, other): return _special.copysign_(self, other)
    def ldexp(self, other): return _special.ldexp(self, other)
    def ldexp_(self, other): return _special.ldexp_(self, other)
    def nextafter(self, other): return _special.nextafter(self, other)
    def nextafter_(self, other): return _special.nextafter_(self, other)
    def frexp(self): return _special.frexp(self)
    def logaddexp2(self, other): return _special.logaddexp2(self, other)
    def heaviside(self, values): return _special.heaviside(self, values)
    def heaviside_(self, values): return _special.heaviside_(self, values)
    def gcd(self, other): return _special.gcd(self, other)
    def gcd_(self, other): return _special.gcd_(self, other)
    def lcm(self, other): return _special.lcm(self, other)
    def lcm_(self, other): return _special.lcm_(self, other)
    def sinc(self): return _special.sinc(self)
    def sinc_(self): return _special.sinc_(self)
    def logit(self, eps=None): return _special.logit(self, eps)
    def logit_(self, eps=None): return _special.logit_(self, eps)
    def lgamma(self): return _special.lgamma(self)
    def lgamma_(self): return _special.lgamma_(self)
    def digamma(self): return _special.digamma(self)
    def digamma_(self): return _special.digamma_(self)
    def polygamma(self, n): return _special.polygamma(n, self)
    def polygamma_(self, n): return _special.polygamma_(self, n)
    def mvlgamma(self, p): return _special.mvlgamma(self, p)
    def mvlgamma_(self, p): return _special.mvlgamma_(self, p)
    def i0(self): return _special.i0(self)
    def i0_(self): return _special.i0_(self)
    def isreal(self): return _special.isreal(self)

    # more functions (ember/ops/extra.py)
    def put(self, index, source, accumulate=False): return _extra.put(self, index, source, accumulate)
    def addr(self, vec1, vec2, *, beta=1, alpha=1): return _extra.addr(self, vec1, vec2, beta=beta, alpha=alpha)
    def addr_(self, vec1, vec2, *, beta=1, alpha=1): return _extra.addr_(self, vec1, vec2, beta=beta, alpha=alpha)
    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _extra.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)
    def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return _extra.addbmm_(self, batch1, batch2, beta=beta, alpha=alpha)
    def dist(self, other, p=2): return _extra.dist(self, other, p)
    def renorm(self, p, dim, maxnorm): return _extra.renorm(self, p, dim, maxnorm)
    def renorm_(self, p, dim, maxnorm): return _extra.renorm_(self, p, dim, maxnorm)
    def histogram(self, bins=100, *, range=None, weight=None, density=False):
        return _extra.histogram(self, bins, range=range, weight=weight, density=density)
    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1): return _extra.diagonal_scatter(self, src, offset, dim1, dim2)
    def select_scatter(self, src, dim, index): return _extra.select_scatter(self, src, dim, index)
    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        return _extra.slice_scatter(self, src, dim, start, end, step)
    def narrow_copy(self, dim, start, length): return _extra.narrow_copy(self, dim, start, length)
    def msort(self): return _extra.msort(self)
    def argwhere(self): return _extra.argwhere(self)
    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return _extra.unique_consecutive(self, return_inverse, return_counts, dim)
    def cov(self, *, correction=1, fweights=None, aweights=None):
        return _extra.cov(self, correction=correction, fweights=fweights, aweights=aweights)
    def corrcoef(self): return _extra.corrcoef(self)
    def cholesky_solve(self, input2, upper=False): return _extra.cholesky_solve(self, input2, upper)
    def cholesky_inverse(self, upper=False): return _extra.cholesky_inverse(self, upper)
    def matrix_exp(self): return _extra.matrix_exp(self)

    @property
    def nbytes(self):
        return self._data.nbytes

    @property
    def itemsize(self):
        return self._data.itemsize

    # random fills (PyTorch's streams; ember/ops/sampling.py, imported on first use: not a hot path)
    def uniform_(self, from_=0.0, to=1.0, *, generator=None):
        from .ops import sampling
        return sampling.uniform_(self, from_, to, generator=generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        from .ops import sampling
        return sampling.normal_(self, mean, std, generator=generator)

    def random_(self, from_=None, to=None, *, generator=None):
        from .ops import sampling
        return sampling.random_(self, from_, to, generator=generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        from .ops import sampling
        return sampling.bernoulli_(self, p, generator=generator)

    def exponential_(self, lambd=1.0, *, generator=None):
        from .ops import sampling
        return sampling.exponential_(self, lambd, generator=generator)

    def bernoulli(self, p=None, *, generator=None):
        from .ops import sampling
        return sampling.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        from .ops import sampling
        return sampling.multinomial(self, num_samples, replacement, generator=generator)

    # creation from an existing tensor (dtype defaults to this tensor's)
    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        return _creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)
    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)
    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        return _creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)
    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new(self, *args, **kwargs):
        """Legacy constructor: a tensor of this dtype from sizes (zero-filled), a sequence, or a tensor."""
        if set(kwargs) - {"device"}:
            raise TypeError(f"new() received an invalid combination of arguments - got "
                            f"({', '.join(f'{k}={type(v).__name__}' for k, v in kwargs.items())}, )")
        np_dtype = self._data.dtype
        if not args:
            return _wrap(np.zeros((0,), np_dtype))
        first = args[0]
        if isinstance(first, Size) or all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            shape = tuple(first) if isinstance(first, Size) else tuple(args)
            if any(d < 0 for d in shape):
                raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
            return _wrap(np.zeros(shape, np_dtype))
        if isinstance(first, Tensor):
            if first._data.dtype != np_dtype:
                raise TypeError(f"expected {_tensor_options(np_dtype)} (got {_tensor_options(first._data.dtype)})")
            return _idx.getitem(first, Ellipsis)  # an alias of the tensor (AliasBackward0)
        if isinstance(first, (float, bool, complex)):
            raise TypeError(f"new(): data must be a sequence (got {type(first).__name__})")
        return _creation.tensor(first, dtype=self.dtype)


def _rebuild(data, requires_grad):
    t = _wrap(data)
    t._requires_grad = requires_grad
    return t


def _tensor_options(np_dtype):
    """PyTorch's printed TensorOptions for a CPU tensor of ``np_dtype`` (in the legacy constructor's errors)."""
    from .ops._ew_base import CPP_NAMES
    return (f"TensorOptions(dtype={CPP_NAMES[np_dtype.char]}, device=cpu, layout=Strided, requires_grad=false "
            f"(default), pinned_memory=false (default), memory_format=(nullopt))")


# bound after the class exists: the op modules import Tensor
from .autograd.grad_mode import (INFERENCE_REQUIRES_GRAD_MESSAGE as _INFERENCE_REQUIRES_GRAD_MESSAGE,  # noqa: E402
                                 INFERENCE_VERSION as _INFERENCE_VERSION, _state as _grad_state,
                                 inference_use as _inference_use)
from .ops import elementwise as _ew  # noqa: E402
from .ops._op import apply_binary as _apply_binary, apply_unary as _apply_unary  # noqa: E402
from .ops import _ew_unary as _uops  # noqa: E402
from .ops.elementwise import Add as _Add, Mul as _Mul  # noqa: E402
from .ops import comparison as _cmp  # noqa: E402
from .ops import inplace as _inplace  # noqa: E402
from .ops import indexing as _idx  # noqa: E402
from .ops import linalg as _la  # noqa: E402
from .ops import reduction as _red  # noqa: E402
from .ops import shape as _shape  # noqa: E402
from .ops import misc as _misc  # noqa: E402
from .ops import linalg_decomp as _lad  # noqa: E402
from .ops import activation as _act  # noqa: E402
from .ops import special as _special  # noqa: E402
from .ops import extra as _extra  # noqa: E402
from . import _creation  # noqa: E402
