"""``ember.save`` / ``ember.load`` in PyTorch's file format (``torch.save``'s zip archive).

A file written here loads with ``torch.load(f, weights_only=True)``, and files from ``torch.save``
(zip or legacy format) load here without torch. The format: an uncompressed zip whose ``data.pkl``
is a protocol-2 pickle in which each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset,
size, stride, requires_grad, hooks)`` and each storage is a persistent id naming a ``data/<key>``
record of raw little-endian bytes, 64-byte aligned so that ``mmap=True`` can map it.
"""
import contextlib
import io
import os
import pickle
import secrets
import struct
import sys
import zipfile
import zlib
from collections import Counter, OrderedDict

import numpy as np

from . import _dtype
from ._pickle import Global, Pickler, WeightsUnpickler
from ._size import Size
from .device import device
from ._tensor import Tensor, _wrap

__all__ = ["save", "load"]

# numpy dtype -> torch's legacy storage class, for the dtypes ember tensors hold
_STORAGE_CLASS = {np.dtype(k): v for k, v in (
    ("float64", "DoubleStorage"), ("float32", "FloatStorage"), ("float16", "HalfStorage"),
    ("int64", "LongStorage"), ("int32", "IntStorage"), ("int16", "ShortStorage"),
    ("int8", "CharStorage"), ("uint8", "ByteStorage"), ("bool", "BoolStorage"))}
_ZIP64_LIMIT = 0xFFFFFFFF  # sizes and offsets at or past this need ZIP64 fields
_ALIGN = 64                # torch aligns every record's data to 64 bytes (mmap needs it)


# --------------------------------------------------------------------------- torch dtypes
def _bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def _f8_table(exp_bits, bias, fn):
    # value of every float8 bit pattern; "fn" formats (e4m3fn) have no inf and one NaN per sign
    b = np.arange(256, dtype=np.int64)
    man_bits = 7 - exp_bits
    e, m = (b >> man_bits) & ((1 << exp_bits) - 1), (b & ((1 << man_bits) - 1)).astype(np.float64)
    frac = m / (1 << man_bits)
    val = np.where(e == 0, frac * 2.0 ** (1 - bias), (1 + frac) * 2.0 ** (e - bias))
    top = e == (1 << exp_bits) - 1
    if fn:
        val[top & (m == (1 << man_bits) - 1)] = np.nan
    else:
        val[top] = np.where(m[top] == 0, np.inf, np.nan)
    return np.where(b >> 7, -val, val).astype(np.float32)


def _f8(exp_bits, bias, fn):
    table = []
    def convert(bits):
        if not table:
            table.append(_f8_table(exp_bits, bias, fn))
        return table[0][bits]
    return convert


# torch dtype name -> (little-endian numpy dtype of the stored bits, conversion to an ember dtype
# or None). ember has no bfloat16/float8/unsigned-wide dtypes: they widen exactly (bf16 and f8
# values are all float32 values, uint16/uint32 fit int32/int64), at the storage level, so views
# that shared a storage still share the widened one.
_TORCH_DTYPES = {
    "float64": ("<f8", None), "float32": ("<f4", None), "float16": ("<f2", None),
    "int64": ("<i8", None), "int32": ("<i4", None), "int16": ("<i2", None),
    "int8": ("i1", None), "uint8": ("u1", None), "bool": ("?", None),
    "bfloat16": ("<u2", _bf16_to_f32),
    "float8_e4m3fn": ("u1", _f8(4, 7, True)), "float8_e5m2": ("u1", _f8(5, 15, False)),
    "uint16": ("<u2", lambda a: a.astype(np.int32)), "uint32": ("<u4", lambda a: a.astype(np.int64)),
}
_STORAGE_DTYPE = {v: k for k, v in (
    ("float64", "DoubleStorage"), ("float32", "FloatStorage"), ("float16", "HalfStorage"),
    ("bfloat16", "BFloat16Storage"), ("int64", "LongStorage"), ("int32", "IntStorage"),
    ("int16", "ShortStorage"), ("int8", "CharStorage"), ("uint8", "ByteStorage"),
    ("bool", "BoolStorage"), ("complex128", "ComplexDoubleStorage"),
    ("complex64", "ComplexFloatStorage"), ("qint8", "QInt8Storage"), ("qint32", "QInt32Storage"),
    ("quint8", "QUInt8Storage"), ("quint4x2", "QUInt4x2Storage"), ("quint2x4", "QUInt2x4Storage"))}
_ITEMSIZE = {"complex128": 16, "complex64": 8, "qint8": 1, "qint32": 4, "quint8": 1,
             "quint4x2": 1, "quint2x4": 1, "uint64": 8, "float8_e4m3fnuz": 1, "float8_e5m2fnuz": 1}
_ALL_DTYPE_NAMES = set(_TORCH_DTYPES) | set(_ITEMSIZE) | {"complex32", "float8_e8m0fnu", "float4_e2m1fn_x2"}


def _itemsize(name):
    spec = _TORCH_DTYPES.get(name)
    return np.dtype(spec[0]).itemsize if spec else _ITEMSIZE.get(name, 1)


def _unsupported_dtype(name):
    return TypeError(f"ember.load: tensors of dtype torch.{name} are not supported (ember has no such dtype)")


# --------------------------------------------------------------------------- zip container
class _ZipWriter:
    """Write records as torch's PyTorchStreamWriter does: STORED, 64-byte aligned data, data
    descriptors (flag 0x0808), and a ZIP64 end of central directory."""

    def __init__(self, f, prefix):
        self.f, self.prefix, self.pos, self.entries = f, prefix, 0, []

    def _write(self, data):
        self.f.write(data)
        self.pos += memoryview(data).nbytes

    def write_record(self, name, data):
        name_b = f"{self.prefix}/{name}".encode("utf-8")
        data = memoryview(data).cast("B")
        size, offset, crc = data.nbytes, self.pos, zlib.crc32(data)
        big = size >= _ZIP64_LIMIT
        z64 = struct.pack("<HHQQ", 1, 16, 0, 0) if big else b""  # sizes live in the descriptor
        start = offset + 30 + len(name_b) + len(z64) + 4
        fb = b"FB" + struct.pack("<H", -start % _ALIGN) + b"Z" * (-start % _ALIGN)
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 0, 0x0808, 0, 0, 0, 0, 0, 0,
                                len(name_b), len(z64) + len(fb)) + name_b + z64 + fb)
        self._write(data)
        sizes = struct.pack("<QQ" if big else "<II", size, size)
        self._write(struct.pack("<II", 0x08074B50, crc) + sizes)
        self.entries.append((name_b, offset, size, crc))

    def _central_entry(self, name_b, offset, size, crc):
        extra = b""
        if size >= _ZIP64_LIMIT:
            extra += struct.pack("<QQ", size, size)
        if offset >= _ZIP64_LIMIT:
            extra += struct.pack("<Q", offset)
        if extra:
            extra = struct.pack("<HH", 1, len(extra)) + extra
        s32 = 0xFFFFFFFF if size >= _ZIP64_LIMIT else size  # 0xFFFFFFFF: "see the ZIP64 extra"
        o32 = 0xFFFFFFFF if offset >= _ZIP64_LIMIT else offset
        return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 45 if extra else 0, 0x0808, 0, 0, 0, crc,
                           s32, s32, len(name_b), len(extra), 0, 0, 0, 0, o32) + name_b + extra

    def finish(self):
        cd_start = self.pos
        for entry in self.entries:
            self._write(self._central_entry(*entry))
        n, cd_size, eocd64 = len(self.entries), self.pos - cd_start, self.pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 45, 0, 0, n, n, cd_size, cd_start))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, 0xFFFFFFFF), min(cd_start, 0xFFFFFFFF), 0))


class _ZipReader:
    """Read a torch zip archive: the record prefix comes from the first entry, every record is
    read at its real data offset (the local header's extra differs from the central one) and
    checked against its CRC-32, which torch itself does not check."""

    def __init__(self, f, path=None):
        try:
            infos = zipfile.ZipFile(f).infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, struct.error) as e:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding "
                               f"central directory (the file is truncated or not a zip file: {e})") from None
        if not infos:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: the archive is empty")
        self.f, self.path = f, path
        self.prefix = infos[0].filename.split("/")[0]
        self.records = {}
        for info in infos:
            if not info.filename.startswith(self.prefix + "/"):
                raise RuntimeError(f"PytorchStreamReader: record {info.filename} is not under {self.prefix}/")
            self.records[info.filename[len(self.prefix) + 1:]] = info

    def has(self, name):
        return name in self.records

    def size(self, name):
        return self._info(name).file_size

    def _info(self, name):
        info = self.records.get(name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 1:
            raise RuntimeError(f"PytorchStreamReader: record {name} is compressed or encrypted")
        return info

    def _data_offset(self, info):
        self.f.seek(info.header_offset)
        head = self.f.read(30)
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise RuntimeError(f"PytorchStreamReader failed reading file {info.filename}: bad local header")
        n, e = struct.unpack("<HH", head[26:30])
        return info.header_offset + 30 + n + e

    def read(self, name, mmap=False):
        """Return the record as a writable uint8 array (copy-on-write mapped if ``mmap``)."""
        info = self._info(name)
        offset, size = self._data_offset(info), info.file_size
        if mmap and self.path is not None and size:
            buf = np.memmap(self.path, np.uint8, "c", offset=offset, shape=(size,))
        else:
            buf = np.empty(size, np.uint8)
            self.f.seek(offset)
            got = _readinto(self.f, buf)
            if got != size:
                raise RuntimeError(f"PytorchStreamReader failed reading file {name}: file read failed "
                                   f"(the file is truncated: {got} of {size} bytes)")
        if zlib.crc32(buf) != info.CRC:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: CRC-32 mismatch "
                               "(the file is corrupted)")
        return buf


def _readinto(f, buf):
    view, got = memoryview(buf).cast("B"), 0
    while got < view.nbytes:
        n = f.readinto(view[got:]) if hasattr(f, "readinto") else None
        if n is None:
            chunk = f.read(view.nbytes - got)
            n = len(chunk)
            view[got:got + n] = chunk
        if not n:
            break
        got += n
    return got


# --------------------------------------------------------------------------- save
def _storage_view(arr):
    """Return (root bytes, element offset, element strides) placing ``arr`` inside the array that
    owns its memory, or None when it cannot (negative strides, a non-contiguous or big-endian
    root, a misaligned offset): the caller then saves a contiguous copy."""
    if arr.size == 0 or arr.dtype != arr.dtype.newbyteorder("<"):
        return None
    root, item = arr, arr.itemsize
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.c_contiguous or root.dtype != root.dtype.newbyteorder("<") or root.nbytes % item:
        return None
    delta = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    if delta < 0 or delta % item or any(s < 0 or s % item for s in arr.strides):
        return None
    strides = tuple(s // item for s in arr.strides)
    last = delta // item + sum((n - 1) * s for n, s in zip(arr.shape, strides))
    if last >= root.nbytes // item:
        return None
    return root, delta // item, strides


class _Saver:
    """Pickle hooks that write tensors as torch does and collect their storages."""

    def __init__(self):
        self.storages = {}   # (id(root), dtype) -> (key, root, its bytes): keys in order of first use
        self.parameter = _parameter_class() or ()

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            return ("storage", Global("torch", obj.cls), obj.key, "cpu", obj.numel)
        return None

    def reducer_override(self, obj):
        t = type(obj)
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if t is _dtype.dtype:
            return Global("torch", obj.name)
        if t is Size:
            return Global("torch", "Size"), (tuple(obj),)
        if t is device:
            return Global("torch", "device"), (str(obj),)
        return NotImplemented

    def _reduce_tensor(self, t):
        if isinstance(t, self.parameter):
            # torch pickles a Parameter as its data (requires_grad False) plus the flag
            return (Global("torch._utils", "_rebuild_parameter"),
                    (_wrap(t._data), t.requires_grad, OrderedDict()))
        arr = t._data
        cls = _STORAGE_CLASS.get(arr.dtype.newbyteorder("="))
        if cls is None:
            raise TypeError(f"ember.save: cannot save a tensor of NumPy dtype {arr.dtype}")
        found = _storage_view(arr)
        if found is None:
            root = np.ascontiguousarray(arr, arr.dtype.newbyteorder("<"))
            offset, strides = 0, tuple(int(np.prod(arr.shape[i + 1:])) for i in range(arr.ndim))
        else:
            root, offset, strides = found
        key, _, data = self.storages.setdefault(
            (id(root), arr.dtype.str), (str(len(self.storages)), root, root.reshape(-1).view(np.uint8)))
        ref = _StorageRef(key, cls, data.nbytes // arr.itemsize)
        return (Global("torch._utils", "_rebuild_tensor_v2"),
                (ref, offset, tuple(arr.shape), strides, t.requires_grad, OrderedDict()))


class _StorageRef:
    __slots__ = ("key", "cls", "numel")

    def __init__(self, key, cls, numel):
        self.key, self.cls, self.numel = key, cls, numel


def _write_archive(obj, f, prefix):
    saver = _Saver()
    pkl = io.BytesIO()
    Pickler(pkl.write, saver.persistent_id, saver.reducer_override).dump(obj)
    zw = _ZipWriter(f, prefix)
    zw.write_record("data.pkl", pkl.getbuffer())
    zw.write_record(".format_version", b"1")
    zw.write_record(".storage_alignment", b"64")
    zw.write_record("byteorder", b"little")
    for key, _, data in saver.storages.values():
        zw.write_record(f"data/{key}", data)
    zw.write_record("version", b"3\n")
    # torch derives this id from the record names and CRCs; its reader only logs it
    names = zlib.crc32(b"".join(e[0] for e in zw.entries))
    crcs = zlib.crc32(struct.pack(f"<{len(zw.entries)}I", *(e[3] for e in zw.entries)))
    zw.write_record(".data/serialization_id", f"{names:020d}{crcs:020d}".encode())
    zw.finish()


def save(obj, f, pickle_module=None, pickle_protocol=2):
    """Saves an object to a disk file in ``torch.save``'s format (``torch.load`` reads it back).

    ``f`` is a path or a writable binary file object. A path is written atomically: the archive
    goes to a temporary file in the same directory, is flushed to disk, then replaces ``f``, so a
    failed save leaves any previous file intact. Only ``pickle_protocol=2`` is written, the
    protocol ``torch.load(weights_only=True)`` accepts.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("ember.save supports only the standard pickle module")
    if pickle_protocol != 2:
        raise ValueError(f"ember.save writes pickle protocol 2 only (got pickle_protocol={pickle_protocol}): "
                         "torch.load(weights_only=True) refuses the opcodes of later protocols")
    if not isinstance(f, (str, bytes, os.PathLike)):
        if not hasattr(f, "write"):
            raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a 'write' "
                                 f"attribute, got {type(f).__name__}")
        _write_archive(obj, f, "archive")
        return
    path = os.fsdecode(f)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    prefix = os.path.splitext(os.path.basename(path))[0] or "archive"
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never clobber; mode 0o666 goes through the umask like a plain open(path, "wb")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            _write_archive(obj, out, prefix)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _parameter_class():
    try:
        from .nn.parameter import Parameter
    except ImportError:  # nn lands separately; until then no object can be a Parameter
        return None
    return Parameter


# --------------------------------------------------------------------------- load: tensors
class _StorageType:
    """What a ``torch.FloatStorage``-style GLOBAL resolves to: its dtype name (None: untyped)."""

    def __init__(self, dtype):
        self.dtype = dtype


class _TorchDtype:
    """A torch dtype ember has no equivalent for (``torch.bfloat16`` ...), named by a file."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


class _Storage:
    """A storage read from a file: raw little-endian (or big-endian) bytes and the torch dtype
    they were saved as; ``typed`` gives them as an array ember can wrap, cached per dtype so
    that views of one storage share memory."""

    def __init__(self, raw, dtype, big=False):
        self.raw, self.dtype, self.big, self._typed = raw, dtype, big, {}

    def typed(self, name):
        arr = self._typed.get(name)
        if arr is None:
            arr = self._typed[name] = self._convert(name)
        return arr

    def _convert(self, name):
        spec = _TORCH_DTYPES.get(name)
        if spec is None:
            raise _unsupported_dtype(name)
        bits, convert = np.dtype(spec[0]), spec[1]
        if self.raw.nbytes % bits.itemsize:
            raise RuntimeError(f"storage of {self.raw.nbytes} bytes does not hold whole {name} elements")
        arr = self.raw.view(bits.newbyteorder(">")).astype(bits) if self.big else self.raw.view(bits)
        return arr if convert is None else convert(arr)

    def refill(self):
        """Recompute widened copies after ``raw`` was filled in place (legacy files)."""
        for name, arr in self._typed.items():
            if not np.shares_memory(arr, self.raw):
                arr[...] = self._convert(name)


def _view(storage, dtype, offset, size, stride):
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError(f"expected a storage, got {type(storage).__name__}")
    ints = (offset, *size, *stride)
    if not (type(size) in (tuple, Size) and type(stride) in (tuple, Size) and len(size) == len(stride)
            and all(type(v) is int and v >= 0 for v in ints)):
        raise RuntimeError(f"invalid tensor geometry: offset {offset!r}, size {size!r}, stride {stride!r}")
    typed = storage.typed(dtype)
    item, n = typed.itemsize, typed.shape[0]
    if 0 in size:  # no element to alias; keep the file's strides (NumPy would zero them)
        return np.ndarray(size, typed.dtype, buffer=typed[:0], strides=[s * item for s in stride])
    needed = offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1
    if needed > n:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
                           f"and itemsize {_itemsize(dtype)} requiring a storage size of {needed * _itemsize(dtype)} "
                           f"are out of bounds for storage of size {n * _itemsize(dtype)}")
    return np.ndarray(size, typed.dtype, buffer=typed, offset=offset * item, strides=[s * item for s in stride])


def _tensor(arr, requires_grad, metadata=None):
    if metadata and metadata.get("neg"):
        arr = -arr  # the neg bit of a view such as x.conj().imag: stored values are negated
    t = _wrap(arr)
    if requires_grad is True:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    if storage is not None and storage.dtype is None:
        raise pickle.UnpicklingError("_rebuild_tensor_v2 needs a typed storage")
    return _tensor(_view(storage, getattr(storage, "dtype", None), storage_offset, size, stride),
                   requires_grad, metadata)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype,
                       metadata=None):
    if not isinstance(dtype, (_dtype.dtype, _TorchDtype)):
        raise pickle.UnpicklingError(f"_rebuild_tensor_v3 needs a dtype, got {dtype!r}")
    return _tensor(_view(storage, dtype.name, storage_offset, size, stride), requires_grad, metadata)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, False, None)


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    # state (Python attributes set on a torch Parameter) is dropped: ember Parameters carry none
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"_rebuild_parameter needs a tensor, got {type(data).__name__}")
    return _parameter_class()(data, requires_grad is True)


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"expected a tensor, got {type(data).__name__}")
    return _tensor(data._data, requires_grad)


def _rebuild_from_type_v2(func, new_type, args, state):
    # a tensor subclass, or a tensor with Python attributes: rebuild the tensor, drop the state
    if func not in _TENSOR_REBUILDERS or type(args) is not tuple:
        raise pickle.UnpicklingError(f"_rebuild_from_type_v2 cannot call {func!r}")
    out = func(*args)
    if new_type is not Tensor and new_type is _parameter_class() and not isinstance(out, new_type):
        out = new_type(out, out.requires_grad)
    return out


def _refuse(what):
    def rebuild(*args):
        raise RuntimeError(f"ember.load: {what} are not supported by ember")
    return rebuild


_TENSOR_REBUILDERS = (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_tensor, _rebuild_parameter,
                      _rebuild_device_tensor_from_cpu_tensor)


# --------------------------------------------------------------------------- load: allow-list
def _safe_bytes(*args):
    if args:
        raise pickle.UnpicklingError("builtins.bytes is allowed only with no arguments (b'')")
    return b""


def _safe_encode(obj, encoding="utf-8", errors="strict"):
    # the only use torch makes of _codecs.encode: protocol 2's spelling of a bytes object
    if type(obj) is not str or encoding not in ("latin1", "latin-1", "utf-8", "ascii"):
        raise pickle.UnpicklingError(f"_codecs.encode is allowed only on text with a text codec, got {encoding!r}")
    return obj.encode(encoding, errors)


def _safe_bytearray(*args):
    if args and type(args[0]) not in (str, bytes):  # bytearray(n) would allocate n bytes
        raise pickle.UnpicklingError("builtins.bytearray is allowed only on str or bytes")
    return bytearray(*args)


def _allowed_globals():
    """The GLOBALs ``weights_only`` loading resolves, as torch's ``_get_allowed_globals``."""
    torch_utils = {f.__name__: f for f in _TENSOR_REBUILDERS}
    torch_utils["_rebuild_parameter_with_state"] = _rebuild_parameter
    for name, what in (("sparse_tensor", "sparse tensors"), ("qtensor", "quantized tensors"),
                       ("nested_tensor", "nested tensors"), ("wrapper_subclass", "wrapper-subclass tensors"),
                       ("meta_tensor_no_storage", "meta tensors"),
                       ("device_tensor_from_numpy", "tensors pickled through NumPy")):
        torch_utils["_rebuild_" + name] = _refuse(f"{what} (torch._utils._rebuild_{name})")
    out = {f"torch._utils.{k}": v for k, v in torch_utils.items()}
    out.update({
        "collections.OrderedDict": OrderedDict, "collections.Counter": Counter,
        "torch.nn.parameter.Parameter": _parameter_class(), "torch.Tensor": Tensor, "torch.Size": Size,
        "torch.device": device, "torch.serialization._get_layout": str,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "_codecs.encode": _safe_encode, "builtins.bytes": _safe_bytes, "builtins.bytearray": _safe_bytearray,
        "builtins.set": set, "builtins.frozenset": frozenset, "builtins.complex": complex,
        "torch.storage.UntypedStorage": _StorageType(None),
    })
    for cls, dtype_name in _STORAGE_DTYPE.items():
        out[f"torch.{cls}"] = out[f"torch.cuda.{cls}"] = _StorageType(dtype_name)
    for name in _ALL_DTYPE_NAMES:
        out[f"torch.{name}"] = _dtype._BY_NAME.get(name) or _TorchDtype(name)
    return out


_BLOCKED_MODULES = ("os", "posix", "nt", "sys")  # refused by weights_only even if allowed, as torch does
_WEIGHTS_ONLY_HELP = (
    "Weights only load failed. This file can still be loaded, to do so you have two options, do those steps "
    "only if you trust the source of the checkpoint. Re-running `ember.load` with `weights_only` set to "
    "`False` will likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source.\n\nWeightsUnpickler error: ")


def _make_find_global(weights_only):
    """GLOBAL resolution: the allow-list when ``weights_only``; otherwise torch's names still map
    to ember's and any other name is imported as a normal pickle does."""
    import _compat_pickle  # Python 2 names (__builtin__ ...), mapped as torch and pickle map them
    allowed = _allowed_globals()

    def find_global(module, name):
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full = f"{module}.{name}"
        if allowed.get(full) is not None:
            return allowed[full]
        if not weights_only and module.split(".")[0] != "torch":
            return None  # the caller imports it
        if module.split(".")[0] in _BLOCKED_MODULES:
            raise pickle.UnpicklingError(f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
        if weights_only:
            raise pickle.UnpicklingError(f"Unsupported global: GLOBAL {full} was not an allowed global by default.")
        raise pickle.UnpicklingError(f"ember.load cannot rebuild the torch object {full}; "
                                     "save a state_dict() with torch.save and load that instead")
    return find_global, [v for v in allowed.values() if callable(v) and v not in (Tensor, _parameter_class())]


class _FullUnpickler(pickle.Unpickler):
    """The standard unpickler, for ``weights_only=False`` (trusted files): torch's names map to ember's."""

    def __init__(self, file, find_global, persistent_load, **kwargs):
        super().__init__(file, **kwargs)
        self._find_global, self._persistent_load = find_global, persistent_load

    def find_class(self, module, name):
        found = self._find_global(module, name)
        return super().find_class(module, name) if found is None else found

    def persistent_load(self, pid):
        return self._persistent_load(pid)


# --------------------------------------------------------------------------- load
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def _target_location(map_location, storage, location):
    if map_location is None:
        target = location
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
    elif callable(map_location):
        result = map_location(storage, location)
        if isinstance(result, _Storage):
            return result
        target = location
        if result is not None:
            raise TypeError(f"map_location returned {type(result).__name__}; ember can only keep storages on the cpu")
    else:
        target = map_location
    target = str(target)
    if target == "cpu" or target.startswith("cpu:"):
        return storage
    if target.startswith("cuda"):
        raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                           "False. If you are running on a CPU-only machine, please use torch.load with "
                           "map_location=torch.device('cpu') to map your storages to the CPU.")
    raise RuntimeError(f"don't know how to restore data location of {storage.dtype} storage (tagged with {target}); "
                       "ember keeps every tensor on the cpu: pass map_location='cpu'")


def _check_pid(pid, length):
    if (len(pid) != length or not isinstance(pid[1], _StorageType) or type(pid[2]) is not str
            or type(pid[3]) is not str or type(pid[4]) is not int or pid[4] < 0):
        raise pickle.UnpicklingError(f"malformed storage persistent id {pid!r:.200}")
    dtype = pid[1].dtype
    if dtype is not None and dtype not in _TORCH_DTYPES:
        raise _unsupported_dtype(dtype)
    return dtype, pid[2], pid[3], pid[4] * (1 if dtype is None else _itemsize(dtype))


def _load_zip(zr, unpickler, map_location, mmap):
    if zr.has("constants.pkl"):
        raise RuntimeError("ember.load cannot read TorchScript archives (torch.jit.save)")
    order = bytes(zr.read("byteorder")).decode() if zr.has("byteorder") else "little"
    if order not in ("little", "big"):
        raise RuntimeError(f"unknown byteorder record {order!r}")
    loaded = {}

    def persistent_load(pid):
        dtype, key, location, nbytes = _check_pid(pid, 5)
        if key not in loaded:
            if zr.size(f"data/{key}") != nbytes:
                raise RuntimeError(f"PytorchStreamReader: record data/{key} holds {zr.size(f'data/{key}')} bytes, "
                                   f"its storage needs {nbytes}")
            storage = _Storage(zr.read(f"data/{key}", mmap), dtype, order == "big")
            loaded[key] = _target_location(map_location, storage, location)
        return loaded[key]
    return unpickler(io.BytesIO(bytes(zr.read("data.pkl"))), persistent_load).load()


def _load_legacy(f, unpickler, map_location):
    def refuse(pid):
        raise pickle.UnpicklingError("unexpected persistent id in the legacy header")
    if unpickler(f, refuse).load() != _LEGACY_MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = unpickler(f, refuse).load()
    if version != 1001:
        raise RuntimeError(f"Invalid protocol version: {version!r}")
    info = unpickler(f, refuse).load()
    if not isinstance(info, dict) or info.get("little_endian") is not True:
        raise RuntimeError("ember.load reads little-endian legacy files only")
    roots, views = {}, {}

    def persistent_load(pid):
        dtype, key, location, nbytes = _check_pid(pid, 6)
        if key not in roots:
            roots[key] = _target_location(map_location, _Storage(np.zeros(nbytes, np.uint8), dtype), location)
        root, meta = roots[key], pid[5]
        if meta is None:
            return root
        view_key, offset, numel = meta  # a storage view (torch < 0.4): a slice of its root
        item = _itemsize(dtype)
        if not (type(offset) is int and type(numel) is int and 0 <= offset and (offset + numel) * item <= nbytes):
            raise RuntimeError(f"storage view {view_key!r} runs past its storage")
        return views.setdefault(view_key, _Storage(root.raw[offset * item:(offset + numel) * item], dtype))
    result = unpickler(f, persistent_load).load()
    for key in unpickler(f, refuse).load():
        storage = roots.get(key) if type(key) is str else None
        if storage is None:
            raise RuntimeError(f"legacy file lists storage {key!r} that its pickle never used")
        head = f.read(8)
        numel = struct.unpack("<q", head)[0] if len(head) == 8 else -1
        item = _itemsize(storage.dtype)
        if numel * item != storage.raw.nbytes or _readinto(f, storage.raw) != storage.raw.nbytes:
            raise RuntimeError(f"legacy file is truncated or corrupt at storage {key}")
        storage.refill()
    for view in views.values():
        view.refill()
    return result


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Loads an object saved with ``torch.save`` or ``ember.save`` from a file.

    ``weights_only`` (the default unless ``pickle_module`` is given) reads tensors, containers and
    primitive types only, through an allow-list unpickler; pass ``weights_only=False`` only for files
    from a trusted source. ``map_location`` (None, "cpu", a device, a dict or a callable) must map
    every storage to the cpu. ``mmap=True`` maps storages from the file copy-on-write instead of
    reading them. bfloat16, float8_e4m3fn/e5m2, uint16 and uint32 tensors are widened exactly to
    float32, float32, int32 and int64, since ember has no such dtypes.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("ember.load supports only the standard pickle module")
    if weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    path = None
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fsdecode(f)
        if path.endswith(".safetensors"):
            from .safetensors import load_file
            return load_file(path)
    if mmap and path is None:
        raise ValueError("f must be a file path in order to use the mmap argument")
    with (open(path, "rb") if path is not None else contextlib.nullcontext(f)) as fh:
        if not (hasattr(fh, "seekable") and fh.seekable()):
            fh = io.BytesIO(fh.read())
        return _load_from(fh, path if mmap else None, map_location, weights_only, pickle_load_args)


def _load_from(fh, mmap_path, map_location, weights_only, pickle_load_args):
    find_global, callables = _make_find_global(weights_only)
    encoding = pickle_load_args.get("encoding", "utf-8")

    def unpickler(file, persistent_load):
        if weights_only:
            return WeightsUnpickler(file, find_global, callables, persistent_load, encoding)
        return _FullUnpickler(file, find_global, persistent_load, **{"encoding": encoding, **pickle_load_args})
    start = fh.tell()
    magic = fh.read(4)
    fh.seek(start)
    try:
        if magic == b"PK\x03\x04":
            return _load_zip(_ZipReader(fh, mmap_path), unpickler, map_location, mmap_path is not None)
        if fh.read(262)[257:262] == b"ustar":
            raise RuntimeError("ember.load cannot read the tar format of torch < 0.4")
        if mmap_path is not None:
            raise RuntimeError("mmap can only be used with files saved with "
                               "`torch.save(_use_new_zipfile_serialization=True)`")
        fh.seek(start)
        return _load_legacy(fh, unpickler, map_location)
    except pickle.UnpicklingError as e:
        raise pickle.UnpicklingError(_WEIGHTS_ONLY_HELP + str(e) if weights_only else str(e)) from None
