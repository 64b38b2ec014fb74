"""default_collate and default_convert: how a DataLoader turns a list of samples into a batch."""
import collections
import copy
import re

import numpy as np

import ember

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map"]

# NumPy dtypes with no tensor counterpart: bytes, str, unicode and object arrays.
np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, "
    "dicts or lists; found {}")


def _is_numpy_value(data):
    """Whether ``data`` is a NumPy array or NumPy scalar (but not a NumPy string)."""
    elem_type = type(data)
    return (elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"))


def _convert_mapping(data, convert):
    """Return ``data`` with ``convert`` applied to each value, keeping the mapping's type."""
    try:
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update({key: convert(data[key]) for key in data})
            return clone
        return type(data)({key: convert(data[key]) for key in data})
    except TypeError:  # the mapping's type cannot be built from a dict
        return {key: convert(data[key]) for key in data}


def _convert_sequence(data, items):
    """Return ``items`` as a sequence of ``data``'s type, falling back to a list."""
    try:
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(data)(list(items))
    except TypeError:
        return list(items)


def default_convert(data):
    """Convert each NumPy array in ``data`` into a Tensor, recursing into mappings and sequences;
    anything else is returned unchanged (the DataLoader's collate_fn when batching is off)."""
    if isinstance(data, ember.Tensor):
        return data
    if _is_numpy_value(data):
        if (type(data).__name__ == "ndarray"
                and np_str_obj_array_pattern.search(data.dtype.str) is not None):
            return data
        return ember.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _convert_mapping(data, default_convert)
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a list, as PyTorch returns
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _convert_sequence(data, [default_convert(d) for d in data])
    return data


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Stack tensors along a new first dimension."""
    return ember.stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """Convert NumPy arrays to tensors and collate those."""
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([ember.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """Return NumPy scalars as one tensor of their dtype."""
    return ember.as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    """Return Python floats as a float64 tensor."""
    return ember.tensor(batch, dtype=ember.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Return Python ints (and bools) as an int64 (bool) tensor."""
    return ember.tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    """Return strings and bytes unchanged, as a list."""
    return batch


def _collate_sequence(batch, collate_fn_map):
    """Collate a batch of equal-length sequences position by position."""
    elem = batch[0]
    it = iter(batch)
    elem_size = len(next(it))
    if not all(len(e) == elem_size for e in it):
        raise RuntimeError("each element in list of batch should be of equal size")
    transposed = list(zip(*batch))
    collated = [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
    if isinstance(elem, tuple):
        return collated  # a list, as PyTorch returns
    return _convert_sequence(elem, collated)


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` by the type of its first element: an exact type match in
    ``collate_fn_map`` first, then the first key it is an instance of, then containers."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _collate_mapping(batch, collate_fn_map)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        return _collate_sequence(batch, collate_fn_map)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def _collate_mapping(batch, collate_fn_map):
    """Collate a batch of mappings key by key, keeping the first mapping's type."""
    elem = batch[0]
    collated = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                for key in elem}
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        return type(elem)(collated)
    except TypeError:
        return collated


# Insertion order matters: collate() tries isinstance against the keys in this order.
default_collate_fn_map = {
    ember.Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Put each data field of ``batch`` into a tensor with an outer dimension of batch size:
    tensors are stacked, NumPy arrays and numbers become tensors (ints int64, floats float64),
    strings stay, and mappings, namedtuples and sequences are collated field by field."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
