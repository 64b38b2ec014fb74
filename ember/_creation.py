"""Tensor creation: ``tensor``, ``zeros``, ``arange`` ... with PyTorch's dtype inference."""
import itertools
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
        if array.dtype.kind != "f":  # factories word this error their own way (capital O, "and complex")
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
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


def _size_args(size, name="empty"):
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(ember.Size)`` as PyTorch does; ``name``
    is the factory named in PyTorch's argument errors."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    elif len(size) == 1 and not _is_int(size[0]) and not _int_tensor(size[0]):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {_type_name(size[0])}")
    out = []
    for s in size:
        if _int_tensor(s):
            s = s.item()
        if not _is_int(s):
            # PyTorch's parser words a bad first element and a bad later one differently
            if not out:
                raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but found element "
                                f"of type {_type_name(s)} at pos 0")
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {len(out) + 1} with "
                            f"error \"type must be tuple of ints,but got {_type_name(s)}\"")
        if s < 0:
            if name == "zeros":  # zeros checks sizes in its own kernel first
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {[int(v) for v in size]}")
        out.append(int(s))
    return tuple(out)


def _int_tensor(s):
    return isinstance(s, Tensor) and s._data.dtype.kind in "iu" and s._data.size == 1


def _is_int(s):
    return isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_))


def _type_name(value):
    cls = type(value)
    return cls.__name__ if cls.__module__ in ("builtins", "ember") or cls is Tensor else \
        f"{cls.__module__}.{cls.__name__}"


def _sized(name, size, kwsize):
    """The size a factory was given, positionally (``*size``) or as ``size=``."""
    if kwsize is None:
        if not size:
            raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
        return _size_args(size, name)
    if size:
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    return _size_args((kwsize,) if not isinstance(kwsize, (tuple, list)) else tuple(kwsize), name)


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
    except ValueError as exc:
        _raise_ragged(data, np_dtype)
        raise ValueError(f"expected sequence of equal length lists; {exc}") from None
    except OverflowError as exc:
        raise ValueError(f"expected sequence of equal length lists; {exc}") from None
    if arr.dtype == object:
        _raise_ragged(data, np_dtype)
        _raise_uninferable(data)
    if np_dtype is None and _may_hold_numpy_scalars(data, arr.dtype):
        leaf = _numpy_leaf_dtype(data)
        if leaf is not None:
            return arr.astype(leaf.numpy_dtype)
    if np_dtype is not None and np_dtype.kind in "iu" and arr.dtype.kind in "fiu" and arr.size:
        _check_integer_range(arr, np_dtype)
    if arr.dtype.kind == "f":
        arr = arr.astype(np_dtype if np_dtype is not None else get_default_dtype().numpy_dtype)
    elif arr.dtype.kind in "iu":
        arr = arr.astype(np.int64 if np_dtype is None or arr.dtype != np.uint64 else np_dtype)
    elif arr.dtype.kind not in "b":
        _raise_uninferable(data)
    return arr


_PY_LEAVES = {bool, int, float}


def _check_integer_range(arr, np_dtype):
    """Python numbers into an integer dtype: PyTorch's checked conversion raises for a value out of range
    (floats must lie within the type, NaN and inf never; integers may wrap into unsigned types down to -max)."""
    info = np.iinfo(np_dtype)
    if arr.dtype.kind == "f":
        low = 0 if np_dtype.kind == "u" else info.min
        bad = not np.all(np.isfinite(arr)) or arr.min() < low or arr.max() > info.max
    else:
        low = -info.max if np_dtype.kind == "u" else info.min
        bad = int(arr.min()) < low or int(arr.max()) > info.max
    if bad:  # (tensor() names the dtype, full() the C type)
        raise RuntimeError(f"value cannot be converted to type {np_dtype.name} without overflow")


def _may_hold_numpy_scalars(data, np_result):
    """Whether a sequence may hold NumPy scalars that change PyTorch's inferred dtype. NumPy's own
    result tells for most dtypes; a float64 result is also what Python floats give, so there the first
    leaf decides (scanning every leaf would double the cost of ``tensor(list)``)."""
    if not isinstance(data, (list, tuple)) or np_result == np.int64 or np_result == np.bool_:
        return False
    return np_result != np.float64 or type(_first_leaf(data)) not in _PY_LEAVES


def _numpy_leaf_dtype(data):
    """The dtype PyTorch infers for a nested sequence holding NumPy scalars (every leaf's dtype
    promoted together, a Python float counting as the default dtype), or None when it holds only
    Python numbers (the common case, which the caller infers from NumPy's result)."""
    types = set()
    _collect_leaf_types(data, types)
    if types <= _PY_LEAVES or any(not issubclass(t, (np.generic, bool, int, float)) for t in types):
        return None
    result = None
    for t in types:
        d = _dtype.bool if t is bool else _dtype.int64 if t is int else get_default_dtype() if t is float \
            else _dtype.from_numpy(np.dtype(t))
        result = d if result is None else _dtype.promote_types(result, d)
    return result


def _collect_leaf_types(seq, types):
    if seq and isinstance(seq[0], (list, tuple)):
        for row in seq:
            if isinstance(row, (list, tuple)):
                _collect_leaf_types(row, types)
            else:
                types.add(type(row))
    else:
        types.update(map(type, seq))


def _raise_ragged(data, np_dtype):
    """Raise PyTorch's error for a ragged nested sequence: the shape comes from the first element at
    each depth, and the first sequence whose length differs (or a sequence where a number belongs,
    or a number where a sequence belongs) is named."""
    shape, probe = [], data
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        probe = probe[0] if probe else None

    def walk(seq, dim):
        if dim == len(shape):
            if isinstance(seq, (list, tuple)):
                if np_dtype is not None and np_dtype.kind in "fc":
                    raise TypeError(f"must be real number, not {type(seq).__name__}")
                if np_dtype is None and isinstance(_first_leaf(data), float):
                    raise TypeError(f"must be real number, not {type(seq).__name__}")
                raise TypeError(f"'{type(seq).__name__}' object cannot be interpreted as an integer")
            return
        if not isinstance(seq, (list, tuple)):
            raise TypeError("not a sequence")
        if len(seq) != shape[dim]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(seq)})")
        for item in seq:
            walk(item, dim + 1)
    walk(data, 0)


def _raise_uninferable(data):
    """PyTorch's error for the first leaf that is not a number."""
    leaves = [data]
    while leaves:
        leaf = leaves.pop(0)
        if isinstance(leaf, (list, tuple)):
            leaves[:0] = leaf
        elif isinstance(leaf, str):
            raise TypeError("new(): invalid data type 'str'")
        elif not isinstance(leaf, (bool, int, float, np.generic)):
            raise RuntimeError(f"Could not infer dtype of {type(leaf).__name__}")
    raise TypeError(f"Could not infer dtype of {type(_first_leaf(data)).__name__}")


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


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=None):
    """Return ``obj`` as a tensor, sharing memory unless ``copy`` (or a dtype change) requires one.

    For a tensor ``obj``, ``requires_grad=False`` detaches the result from ``obj``'s graph, while
    leaving it unspecified keeps ``obj``'s history, as PyTorch does."""
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy:
        t = t.clone() if t is obj else _wrap(t._data.copy())
    if requires_grad is False and t.requires_grad:
        t = t.detach()
    if requires_grad:
        t.requires_grad_(True)
    return t


def _filled(shape, value, dtype, requires_grad, device, default=None):
    return _finish(np.full(shape, value, dtype=_np_dtype(dtype, default)), requires_grad, device)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, **kwargs):
    """Return a tensor filled with zeros (``size`` given as ints, a sequence, or ``size=``)."""
    shape = _sized("zeros", size, _size_kw("zeros", kwargs))
    return _into(_filled(shape, 0, _out_dtype(dtype, out), requires_grad, device), out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, **kwargs):
    """Return a tensor filled with ones (``size`` given as ints, a sequence, or ``size=``)."""
    shape = _sized("ones", size, _size_kw("ones", kwargs))
    return _into(_filled(shape, 1, _out_dtype(dtype, out), requires_grad, device), out)


def _size_kw(name, kwargs):
    """``size=`` among a ``*size`` factory's keywords (Python cannot name both); nothing else is allowed."""
    size = kwargs.pop("size", None)
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return size


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None, **kwargs):
    """Return a tensor of the given size (ember fills it with zeros, so it is never garbage)."""
    shape = _sized("empty", size, _size_kw("empty", kwargs))
    if out is not None:  # as out.resize_(size): the old values stay in place, new room is zeros
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
    return _filled(shape, 0, dtype, requires_grad, device)


def _fill_dtype(fill_value):
    if isinstance(fill_value, bool):  # not NumPy's bool, which PyTorch reads as a float
        return _dtype.bool
    if isinstance(fill_value, numbers.Integral):
        return _dtype.int64
    return get_default_dtype()


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Return a tensor of ``size`` filled with ``fill_value`` (dtype inferred from the value)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {_type_name(size)}")
    dtype = _out_dtype(dtype, out) or _fill_dtype(fill_value)
    value = _fill_scalar(fill_value, _np_dtype(dtype))
    return _into(_filled(_size_args((size,), "full"), value, dtype, requires_grad, device), out)


_C_TYPE_NAMES = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t",
                 "float32": "float", "float64": "double"}


def _fill_scalar(value, np_dtype):
    """``value`` converted to ``np_dtype`` as PyTorch's checked scalar conversion does: integers wrap
    into unsigned types down to -max, floats truncate toward zero, and a value out of range (NaN or
    inf into integers, a finite double beyond float32) raises."""
    if np_dtype.kind == "b" or isinstance(value, (bool, np.bool_)) or np_dtype == np.float16:
        return value
    if np_dtype.kind in "iu":
        info = np.iinfo(np_dtype)
        if isinstance(value, (int, np.integer)):
            low = -info.max if np_dtype.kind == "u" else info.min
            if low <= value <= info.max:
                return np.array(int(value)).astype(np_dtype)
        elif isinstance(value, (float, np.floating)) and math.isfinite(value) and info.min <= value <= info.max:
            return np.array(int(value)).astype(np_dtype)
        elif not isinstance(value, (float, np.floating)):
            return value
    elif not isinstance(value, (float, np.floating)) or not math.isfinite(value) or \
            np_dtype != np.float32 or abs(value) <= np.finfo(np.float32).max:
        return value
    raise RuntimeError(f"value cannot be converted to type {_C_TYPE_NAMES[np_dtype.name]} without overflow")


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Return a 2-D tensor with ones on the diagonal and zeros elsewhere."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    array = np.eye(n, n if m is None else m, dtype=_np_dtype(_out_dtype(dtype, out)))
    return _into(_finish(array, requires_grad, device), out)


def _c_num(x):
    """A number as C++'s ostream prints it in PyTorch's messages (``-1``, ``0.5``, ``inf``)."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def _arange_values(start, end, step, dtype):
    """arange's values as an ndarray of ``dtype``, with PyTorch's size rule for each dtype."""
    if dtype.is_floating_point:
        size = math.ceil((float(end) - float(start)) / float(step))
        return _arange_float(float(start), float(step), size, dtype.numpy_dtype)
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
    dtype = _out_dtype(dtype, out)
    if dtype is None:
        dtype = get_default_dtype() if any(isinstance(v, float) for v in vals) else _dtype.int64
    if dtype is _dtype.bool:
        raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
    if not (step > 0 or step < 0):  # NaN too
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {_c_num(start)} -> {_c_num(end)}")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if abs((end - start) / step) > 2 ** 63:
        raise RuntimeError("invalid size, possible overflow?")
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
    if steps <= 1:  # no kernel runs: nothing, or start filled in (a checked conversion)
        values = np.full(steps, _fill_scalar(start, np_dtype) if steps else 0, dtype=np_dtype)
        return _into(_finish(values, requires_grad, device), out, keep_shape=True)
    if np_dtype == np.bool_:
        raise NotImplementedError('"linspace_cpu" not implemented for \'Bool\'')
    if np_dtype.kind == "f":
        # as PyTorch: the ends rounded to the dtype, the step divided in the dtype, each value in double
        start, end = float(np_dtype.type(start)), float(np_dtype.type(end))
        step = float((np_dtype.type(end) - np_dtype.type(start)) / np_dtype.type(max(steps - 1, 1)))
    else:
        # integer ends are converted to the dtype first (truncated, wrapped into unsigned), the step is a double
        start, end = (int(_fill_scalar(v, np_dtype)) for v in (start, end))
        step = (end - start) / max(steps - 1, 1)
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    # PyTorch fills the first half forward from start and the second half backward from end, each
    # value one fused multiply-add (exact in double for a float32 result; emulated for float64)
    n_back = steps - 1 - i
    if np_dtype == np.float64:
        values = np.where(i < half, _fma(i, step, start), _fma(n_back, -step, end))
    elif np_dtype == np.float16:  # PyTorch's half kernel rounds every product and sum to half
        h, hs = np.float16(step), np.float16
        values = np.where(i < half, hs(start) + i.astype(hs) * h, hs(end) - n_back.astype(hs) * h)
    else:
        values = np.where(i < half, start + i * step, end - n_back * step)
    return _into(_finish(values.astype(np_dtype), requires_grad, device), out, keep_shape=True)


_ARANGE_LANES = {np.dtype(np.float64): 4, np.dtype(np.float32): 8, np.dtype(np.float16): 16}


def _arange_float(start, step, size, np_dtype):
    """Floating arange values exactly as PyTorch's CPU kernel computes them: in vectors of ``lanes``
    (AVX2), each vector's base ``start + step * i0`` rounded to the dtype and its lanes ``base + j * step``
    in double; a tail shorter than two vectors takes ``start + step * i`` in double (all fused)."""
    lanes = _ARANGE_LANES.get(np_dtype, 1)
    i = np.arange(size, dtype=np.float64)
    j = i % lanes
    base = _fma(i - j, step, start).astype(np_dtype).astype(np.float64)
    values = _fma(j, step, base)
    tail = size - size % (2 * lanes)
    values[tail:] = _fma(i[tail:], step, start)
    return values.astype(np_dtype)


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
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    np_dtype = _np_dtype(_out_dtype(dtype, out))
    if np_dtype == np.bool_ and steps > 1:
        raise NotImplementedError('"logspace_cpu" not implemented for \'Bool\'')
    # as PyTorch's kernel: the ends converted to the dtype (integers truncate), their difference taken
    # in the dtype and divided in double, the first half counted up from start, the rest down from end
    if steps <= 1:  # nothing converted: no values, or the one value base ** start
        first = last = float(start)
        step = 0.0
    elif np_dtype.kind in "iu":
        first, last = (int(_fill_scalar(v, np_dtype)) for v in (start, end))
        step = (last - first) / max(steps - 1, 1)
    else:
        first, last = np_dtype.type(start), np_dtype.type(end)
        step = float(last - first) / max(steps - 1, 1)
    i = np.arange(steps, dtype=np.float64)
    with np.errstate(over="ignore"):
        exps = np.where(i < steps // 2, float(first) + step * i, float(last) - step * (steps - 1 - i))
        if steps == 1:  # a single value is base ** start, unconverted
            exps = np.array([float(start)])
        # libm's pow, as PyTorch's std::pow (NumPy's vectorised power differs in the last bit)
        values = np.fromiter(map(math.pow, itertools.repeat(float(base)), exps.tolist()), np.float64,
                             steps).astype(np_dtype)
    return _into(_finish(values, requires_grad, device), out, keep_shape=True)


def _like_np_dtype(input, dtype):
    return input._data.dtype if dtype is None else _np_dtype(dtype)


def _like(input, value, dtype, requires_grad, device):
    """A tensor of ``input``'s shape filled with ``value``; like PyTorch's preserve_format, a dense
    permuted input (a transpose) gives a result with the same strides."""
    data = input._data
    array = np.full_like(data, value, dtype=_like_np_dtype(input, dtype), order="K", subok=False) \
        if _dense_permuted(data) else np.full(data.shape, value, dtype=_like_np_dtype(input, dtype))
    return _finish(array, requires_grad, device)


def _dense_permuted(data):
    """Whether a ``*_like`` result takes a layout other than C order: PyTorch's preserve_format keeps
    the dim order of any non-overlapping input (a transpose, a strided slice of one), made dense."""
    if data.flags.c_contiguous or data.ndim < 2:
        return False
    strides = [st for st, n in zip(data.strides, data.shape) if n > 1]
    return min(strides, default=1) > 0 and strides != sorted(strides, reverse=True)


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
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _like(input, _fill_scalar(fill_value, _like_np_dtype(input, dtype)), dtype, requires_grad, device)


# the C++ type names PyTorch's TensorOptions print
_OPTION_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
                 "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _options_name(dtype):
    return _OPTION_NAMES.get(dtype.name, dtype.name)


def _legacy_tensor_new(cls, args, kwargs, dtype=None):
    """``ember.Tensor(...)`` (or a legacy type such as ``ember.LongTensor(...)`` with its ``dtype``):
    sizes give an uninitialised (zero) tensor, data is copied."""
    explicit = dtype is not None
    dtype = dtype or get_default_dtype()
    if not args:
        t = _wrap(np.zeros((0,), dtype=dtype.numpy_dtype))
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        t = _wrap(np.zeros(_size_args(args), dtype=dtype.numpy_dtype))
    elif len(args) == 1 and isinstance(args[0], Tensor):
        if args[0]._data.dtype != dtype.numpy_dtype:  # PyTorch refuses to convert here
            raise TypeError(f"expected TensorOptions(dtype={_options_name(dtype)}, device=cpu, layout=Strided, "
                            f"requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)) "
                            f"(got TensorOptions(dtype={_options_name(args[0].dtype)}, device=cpu, layout=Strided, "
                            f"requires_grad=false (default), pinned_memory=false (default), "
                            f"memory_format=(nullopt)))")
        t = _wrap(args[0]._data)
    elif explicit:  # ember.LongTensor(data): the data converted as tensor(data, dtype=...) converts it
        t = tensor(args[0], dtype=dtype)
    else:
        t = _wrap(_infer_array(args[0]).astype(dtype.numpy_dtype))
    if cls is not Tensor:
        t.__class__ = cls
    return t
