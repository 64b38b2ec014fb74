"""Tensor creation: ``tensor``, ``zeros``, ``arange`` ... with PyTorch's dtype inference."""
import math
import numbers

import numpy as np

from . import _dtype
from ._dtype import get_default_dtype
from ._tensor import Tensor, _wrap

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "from_dlpack", "zeros", "ones", "full", "empty", "eye", "arange",
           "linspace", "logspace", "zeros_like", "ones_like", "full_like", "empty_like", "scalar_tensor"]


def _check_device(device):
    if device is not None:
        from .device import _check_cpu
        _check_cpu(device)


def _finish(array, requires_grad, device=None):
    _check_device(device)
    t = _wrap(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _out_dtype(dtype, out):
    """The dtype a factory writes into ``out``: ``out``'s own, which a given ``dtype`` must match."""
    if out is None:
        return dtype
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is not None and dtype is not out.dtype:
        from .ops._ew_base import SCALAR_NAMES
        raise RuntimeError(f"dtype {SCALAR_NAMES[dtype.numpy_dtype.char]} does not match dtype of out parameter "
                           f"({SCALAR_NAMES[out._data.dtype.char]})")
    return out.dtype


def _into(result, out, keep_shape=False):
    """Return ``result``, or write it into ``out`` and return ``out``.

    ``out`` is resized to the result's shape, except that the range factories (``keep_shape``) write
    into an ``out`` of any shape holding as many elements, in its memory order."""
    if out is None:
        return result
    data, values = out._data, result._data
    if keep_shape and data.size == values.size:
        data[...] = values.reshape(data.shape)
    elif data.shape == values.shape:
        np.copyto(data, values)
    elif data.size >= values.size and data.flags.c_contiguous:
        # resize_ within the storage: views of out and NumPy arrays sharing it see the values
        out._data = data.reshape(-1)[:values.size].reshape(values.shape)
        np.copyto(out._data, values)
    else:
        out._data = values
    out._bump_version()
    return out


def _size_args(size):
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(ember.Size)`` as PyTorch does."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"empty(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__} at pos {len(out)}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def _np_dtype(dtype, default=None):
    if dtype is None:
        return (default or get_default_dtype()).numpy_dtype
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"dtype must be ember.dtype, not {type(dtype).__name__}")
    return dtype.numpy_dtype


def _contains_tensor(data):
    if isinstance(data, Tensor):
        return True
    if isinstance(data, (list, tuple)) and data:
        return _contains_tensor(data[0])
    return False


def _infer_array(data, np_dtype=None):
    """Convert Python data to an ndarray with PyTorch's inferred dtype (or straight to ``np_dtype``,
    so that Python floats reach a float64 tensor without a detour through float32)."""
    if isinstance(data, Tensor):
        return data._data.copy()
    if isinstance(data, np.ndarray):
        _dtype.from_numpy(data.dtype)  # raises for unsupported dtypes
        return np.array(data, copy=True)
    if isinstance(data, (np.generic,)):
        return np.array(data)
    if _contains_tensor(data):
        return np.array([_infer_array(d) for d in data])
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    try:
        arr = np.array(data)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"expected sequence of equal length lists; {exc}") from None
    if arr.dtype == object:
        raise TypeError("Could not infer dtype of " + type(_first_leaf(data)).__name__)
    if arr.dtype.kind == "f":
        arr = arr.astype(np_dtype if np_dtype is not None else get_default_dtype().numpy_dtype)
    elif arr.dtype.kind in "iu":
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "b":
        raise TypeError(f"Could not infer dtype of {type(_first_leaf(data)).__name__}")
    return arr


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Return a new tensor holding a copy of ``data``, inferring the dtype as PyTorch does."""
    arr = _infer_array(data, None if dtype is None else _np_dtype(dtype))
    if dtype is not None:
        arr = arr.astype(_np_dtype(dtype), copy=False)
    return _finish(np.ascontiguousarray(arr) if arr.ndim else arr, requires_grad, device)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    """Return a 0-d tensor holding ``s`` (default dtype)."""
    return _finish(np.array(s, dtype=_np_dtype(dtype)), requires_grad, device)


def from_numpy(ndarray):
    """Return a tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy(ndarray.dtype)  # raises for unsupported dtypes
    if not ndarray.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. "
                         "Conversion between byte orders is currently not supported.")
    return _wrap(ndarray)


def from_dlpack(ext_tensor):
    """Return a tensor sharing memory with any object that implements the DLPack protocol."""
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    array = np.from_dlpack(ext_tensor)
    _dtype.from_numpy(array.dtype)  # raises for dtypes ember does not have
    return _wrap(array)


def as_tensor(data, dtype=None, device=None):
    """Return ``data`` as a tensor, sharing memory with a tensor or ndarray when possible."""
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        return t if dtype is None or dtype is t.dtype else _wrap(data.astype(dtype.numpy_dtype))
    return tensor(data, dtype=dtype)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """Return ``obj`` as a tensor, sharing memory unless ``copy`` (or a dtype change) requires one."""
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy:
        t = _wrap(t._data.copy())
    if requires_grad:
        t.requires_grad_(True)
    return t


def _filled(size, value, dtype, requires_grad, device, default=None):
    return _finish(np.full(_size_args(size), value, dtype=_np_dtype(dtype, default)), requires_grad, device)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Return a tensor filled with zeros."""
    return _into(_filled(size, 0, _out_dtype(dtype, out), requires_grad, device), out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Return a tensor filled with ones."""
    return _into(_filled(size, 1, _out_dtype(dtype, out), requires_grad, device), out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None):
    """Return a tensor of the given size (ember fills it with zeros, so it is never garbage)."""
    if out is not None:  # as out.resize_(size): the old values stay in place, new room is zeros
        shape = _size_args(size)
        data, size = out._data, math.prod(shape)
        if data.shape != shape:
            if data.size >= size and data.flags.c_contiguous:
                out._data = data.reshape(-1)[:size].reshape(shape)
            else:
                flat = np.zeros(size, dtype=data.dtype)
                flat[:data.size] = data.reshape(-1)
                out._data = flat.reshape(shape)
            out._bump_version()
        return out
    return _filled(size, 0, dtype, requires_grad, device)


def _fill_dtype(fill_value):
    if isinstance(fill_value, (bool, np.bool_)):
        return _dtype.bool
    if isinstance(fill_value, numbers.Integral):
        return _dtype.int64
    return get_default_dtype()


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Return a tensor of ``size`` filled with ``fill_value`` (dtype inferred from the value)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dtype = _out_dtype(dtype, out)
    return _into(_filled((size,) if isinstance(size, (tuple, list)) else (size,), fill_value,
                         dtype or _fill_dtype(fill_value), requires_grad, device), out)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Return a 2-D tensor with ones on the diagonal and zeros elsewhere."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    array = np.eye(n, n if m is None else m, dtype=_np_dtype(_out_dtype(dtype, out)))
    return _into(_finish(array, requires_grad, device), out)


def _arange_values(start, end, step, dtype):
    """arange's values as an ndarray of ``dtype``, with PyTorch's size rule for each dtype."""
    if dtype.is_floating_point:
        size = math.ceil((float(end) - float(start)) / float(step))
        # PyTorch computes start + i * step in double, then rounds to the dtype
        return (float(start) + np.arange(size, dtype=np.float64) * float(step)).astype(dtype.numpy_dtype)
    # integer dtypes truncate the ends and step first; int64 counts in integers, the others in double
    xstart, xend, xstep = int(start), int(end), int(step)
    if dtype is _dtype.int64:
        if xstep == 0:
            raise ValueError("step must be nonzero")
        sign = 1 if xstep > 0 else -1
        size = max((xend - xstart + xstep - sign) // xstep, 0)
    else:
        size = math.ceil((float(end) - float(start)) / float(step))
    return (xstart + np.arange(size, dtype=np.int64) * xstep).astype(dtype.numpy_dtype)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False):
    """Return a 1-D tensor of values from ``start`` to ``end`` (exclusive) taken ``step`` apart."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    dtype = _out_dtype(dtype, out)
    if dtype is None:
        dtype = get_default_dtype() if any(isinstance(v, float) for v in vals) else _dtype.int64
    values = _arange_values(start, end, step, dtype)
    if out is not None and out._data.size != values.size:
        import warnings
        warnings.warn(f"The number of elements in the out tensor of shape {list(out._data.shape)} is "
                      f"{out._data.size} which does not match the computed number of elements {values.size}. Note "
                      f"that this may occur as a result of rounding error. The out tensor will be resized to a "
                      f"tensor of shape ({values.size},).", UserWarning, stacklevel=2)
    return _into(_finish(values, requires_grad, device), out, keep_shape=True)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Return ``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    np_dtype = _np_dtype(_out_dtype(dtype, out))
    if steps == 1:
        return _into(_finish(np.array([start], dtype=np_dtype), requires_grad, device), out, keep_shape=True)
    if np_dtype.kind == "f":
        # as PyTorch: the ends rounded to the dtype, the step divided in the dtype, each value in double
        start, end = float(np_dtype.type(start)), float(np_dtype.type(end))
        step = float((np_dtype.type(end) - np_dtype.type(start)) / np_dtype.type(max(steps - 1, 1)))
    else:
        start, end = int(start), int(end)   # integer ends are truncated first, the step is a double
        step = (end - start) / max(steps - 1, 1)
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    # PyTorch fills the first half forward from start and the second half backward from end, each
    # value one fused multiply-add (exact in double for a float32 result; emulated for float64)
    n_back = steps - 1 - i
    if np_dtype == np.float64:
        values = np.where(i < half, _fma(i, step, start), _fma(n_back, -step, end))
    else:
        values = np.where(i < half, start + i * step, end - n_back * step)
    return _into(_finish(values.astype(np_dtype), requires_grad, device), out, keep_shape=True)


def _fma(a, b, c):
    """``a * b + c`` rounded once (float64 arrays), by Dekker's exact product and Knuth's two-sum."""
    p = a * b
    split = 134217729.0   # 2**27 + 1: Veltkamp's split into halves whose products are exact
    ah = a * split
    ah = ah - (ah - a)
    bh = b * split
    bh = bh - (bh - b)
    al, bl = a - ah, b - bh
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)
    return s + (t + err)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """Return ``steps`` values spaced evenly on a log scale from ``base**start`` to ``base**end``."""
    exps = linspace(start, end, steps, dtype=_dtype.float64)._data
    values = (base ** exps).astype(_np_dtype(_out_dtype(dtype, out)))
    return _into(_finish(values, requires_grad, device), out, keep_shape=True)


def _like(input, value, dtype, requires_grad, device):
    np_dtype = input._data.dtype if dtype is None else _np_dtype(dtype)
    return _finish(np.full(input._data.shape, value, dtype=np_dtype), requires_grad, device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Return zeros with the shape (and by default the dtype) of ``input``."""
    return _like(input, 0, dtype, requires_grad, device)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Return ones with the shape (and by default the dtype) of ``input``."""
    return _like(input, 1, dtype, requires_grad, device)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Return a tensor with the shape of ``input`` (filled with zeros)."""
    return _like(input, 0, dtype, requires_grad, device)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """Return a tensor with the shape of ``input`` filled with ``fill_value``."""
    return _like(input, fill_value, dtype, requires_grad, device)


def _legacy_tensor_new(cls, args, kwargs):
    """``ember.Tensor(...)``: sizes give an uninitialised (zero) float tensor, data is copied."""
    dtype = get_default_dtype()
    if not args:
        t = _wrap(np.zeros((0,), dtype=dtype.numpy_dtype))
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        t = _wrap(np.zeros(_size_args(args), dtype=dtype.numpy_dtype))
    elif len(args) == 1 and isinstance(args[0], Tensor):
        t = _wrap(args[0]._data)
    else:
        t = _wrap(_infer_array(args[0]).astype(dtype.numpy_dtype))
    if cls is not Tensor:
        t.__class__ = cls
    return t
