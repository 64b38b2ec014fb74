"""The safetensors format, as ``safetensors.torch`` reads and writes it, in NumPy alone.

A file is an 8-byte little-endian header length N, N bytes of JSON (padded with spaces to a
multiple of 8) mapping each name to ``{"dtype", "shape", "data_offsets": [begin, end]}`` plus an
optional ``"__metadata__"`` of str to str, then the data buffer: C-contiguous little-endian
tensors that tile the buffer exactly, never shared.
"""
import json
import os
import struct

import numpy as np

from ._tensor import Tensor, _wrap
from ._torch_types import TORCH_DTYPES
from ._zip import readinto

__all__ = ["save", "save_file", "load", "load_file"]

_CODE = {np.dtype(k): v for k, v in (
    ("float64", "F64"), ("float32", "F32"), ("float16", "F16"), ("int64", "I64"), ("int32", "I32"),
    ("int16", "I16"), ("int8", "I8"), ("uint8", "U8"), ("bool", "BOOL"))}
# code -> torch dtype name; BF16/F8/U16/U32 widen exactly as ember.load widens them
_NAME = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64",
         "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8", "BOOL": "bool", "U16": "uint16",
         "U32": "uint32", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2"}
# position in the reference implementation's Dtype enum (BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, ...)
_RANK = {"BOOL": 0, "U8": 4, "I8": 5, "I16": 9, "F16": 11, "I32": 13, "F32": 15, "F64": 17, "I64": 18}
_MAX_HEADER = 100_000_000  # the reference implementation's limit


def save(tensors, metadata=None):
    """Return the safetensors bytes of a dict of tensors (``safetensors.torch.save``)."""
    header, arrays = _layout(tensors, metadata)
    return b"".join([header, *(a.tobytes() for a in arrays)])


def save_file(tensors, filename, metadata=None):
    """Saves a dict of tensors to ``filename`` in the safetensors format (``safetensors.torch.save_file``)."""
    header, arrays = _layout(tensors, metadata)
    tmp = f"{os.fspath(filename)}.{os.getpid()}.tmp"
    try:  # atomic, as ember.save: a failed write leaves any previous file intact
        with open(tmp, "wb") as f:
            f.write(header)
            for a in arrays:
                f.write(memoryview(a).cast("B"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filename)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _layout(tensors, metadata):
    if not isinstance(tensors, dict) or not all(isinstance(k, str) and isinstance(v, Tensor)
                                                for k, v in tensors.items()):
        raise ValueError("Expected a dict of [str, ember.Tensor]")
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError("metadata must be a dict of str to str")
    _check_not_shared(tensors)
    # the reference writer orders by its Dtype enum, descending, then by name
    names = sorted(tensors, key=lambda k: (-_RANK[_CODE[tensors[k]._data.dtype.newbyteorder("=")]], k))
    head, arrays, offset = {}, [], 0
    for name in names:
        arr = np.asarray(tensors[name]._data, tensors[name]._data.dtype.newbyteorder("<"), order="C")
        head[name] = {"dtype": _CODE[arr.dtype.newbyteorder("=")], "shape": list(arr.shape),
                      "data_offsets": [offset, offset + arr.nbytes]}
        arrays.append(arr.reshape(-1))
        offset += arr.nbytes
    if metadata is not None:
        head = {"__metadata__": dict(metadata), **head}
    text = json.dumps(head, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, arrays


def _check_not_shared(tensors):
    seen = []
    for name, t in tensors.items():
        for other, arr in seen:
            if t._data.size and arr.size and np.shares_memory(t._data, arr):
                raise RuntimeError(
                    f"Some tensors share memory, this will lead to duplicate memory on disk and potential "
                    f"differences when loading them again: [{{'{other}', '{name}'}}].\nA potential way to "
                    "correctly save your model is to use `save_model`.")
        seen.append((name, t._data))


def load(data):
    """Return the dict of tensors held in safetensors bytes (``safetensors.torch.load``)."""
    data = bytes(data)
    head, start = _header(data[:8], lambda n: data[8:8 + n], len(data))
    # a copy per tensor: each owns its memory, as safetensors.torch gives separate tensors
    return _tensors(head, len(data) - start, lambda b, e: np.frombuffer(data, np.uint8, e - b, start + b).copy())


def load_file(filename, device="cpu"):
    """Return the dict of tensors in a safetensors file (``safetensors.torch.load_file``)."""
    if str(device) != "cpu":
        raise RuntimeError(f"ember keeps every tensor on the cpu, got device={device!r}")
    with open(filename, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        head, start = _header(f.read(8), f.read, size)

        def read(begin, end):
            buf = np.empty(end - begin, np.uint8)
            f.seek(start + begin)
            if readinto(f, buf) != buf.size:
                raise RuntimeError("Error while deserializing header: MetadataIncompleteBuffer")
            return buf
        return _tensors(head, size - start, read)


def _header(first8, read, total):
    if len(first8) < 8:
        raise RuntimeError("Error while deserializing header: HeaderTooSmall")
    n = struct.unpack("<Q", first8)[0]
    if n > _MAX_HEADER or 8 + n > total:
        raise RuntimeError("Error while deserializing header: InvalidHeaderLength")
    try:
        head = json.loads(read(n))
    except (UnicodeDecodeError, ValueError) as e:
        raise RuntimeError(f"Error while deserializing header: InvalidHeaderDeserialization ({e})") from None
    if not isinstance(head, dict):
        raise RuntimeError("Error while deserializing header: InvalidHeaderDeserialization")
    head.pop("__metadata__", None)
    return head, 8 + n


def _tensors(head, data_size, read):
    specs = {name: _spec(name, info) for name, info in head.items()}
    # the regions must tile the buffer exactly: no holes, no overlaps (as the reference loader)
    pos = 0
    for _, _, begin, end in sorted(specs.values(), key=lambda s: s[2:]):
        if begin != pos:
            raise RuntimeError("Error while deserializing header: InvalidOffset")
        pos = end
    if pos != data_size:
        raise RuntimeError("Error while deserializing header: MetadataIncompleteBuffer")
    out = {}
    for name, (code, shape, begin, end) in specs.items():
        bits, convert = TORCH_DTYPES[_NAME[code]]
        arr = read(begin, end).view(bits).reshape(shape).astype(np.dtype(bits).newbyteorder("="), copy=False)
        out[name] = _wrap(arr if convert is None else convert(arr))
    return out


def _spec(name, info):
    try:
        code, shape, (begin, end) = info["dtype"], list(info["shape"]), info["data_offsets"]
    except (TypeError, KeyError, ValueError):
        raise RuntimeError(f"Error while deserializing header: malformed entry for {name!r}") from None
    if code not in _NAME:
        raise TypeError(f"safetensors dtype {code} of {name!r} is not supported by ember")
    if not (all(type(d) is int and d >= 0 for d in (*shape, begin, end)) and begin <= end):
        raise RuntimeError(f"Error while deserializing header: InvalidOffset for {name!r}")
    if int(np.prod(shape)) * np.dtype(TORCH_DTYPES[_NAME[code]][0]).itemsize != end - begin:
        raise RuntimeError(f"Error while deserializing header: TensorInvalidInfo for {name!r}")
    return code, shape, begin, end
