"""``ember.save`` / ``ember.load`` in PyTorch's file format (``torch.save``'s zip archive).

A file written here loads with ``torch.load(f, weights_only=True)``, and files from ``torch.save``
(zip or legacy format) load here without torch. The format: an uncompressed zip whose ``data.pkl``
is a protocol-2 pickle in which each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset,
size, stride, requires_grad, hooks)`` and each storage is a persistent id naming a ``data/<key>``
record of raw little-endian bytes, 64-byte aligned so that ``mmap=True`` can map it.
``add_safe_globals``/``safe_globals`` extend the ``weights_only`` allow-list as torch's do.
"""
import contextlib
import io
import os
import pickle
import secrets
import struct
import zlib
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._load import load_from
from ._pickle import Global, Pickler
from ._size import Size
from ._tensor import Tensor, _wrap
from ._torch_types import STORAGE_CLASS, parameter_class
from .device import device

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals"]

_ZIP64_LIMIT = 0xFFFFFFFF  # sizes and offsets at or past this need ZIP64 fields
_ALIGN = 64                # torch aligns every record's data to 64 bytes (mmap needs it)


# --------------------------------------------------------------------------- save
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
        self.parameter = parameter_class() or ()

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
        cls = STORAGE_CLASS.get(arr.dtype.newbyteorder("="))
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
        return load_from(fh, path if mmap else None, map_location, weights_only, _user_globals(),
                         pickle_load_args)


# --------------------------------------------------------------------------- the user's allow-list
_marked_safe_globals = set()  # what add_safe_globals marked, as torch keeps it: a set of globals


def add_safe_globals(safe_globals):
    """Marks the given globals (classes or functions, or ``(global, "module.name")`` pairs) as safe
    for ``weights_only`` load: they may then be named, called and have state set by a checkpoint."""
    global _marked_safe_globals
    _marked_safe_globals = _marked_safe_globals | set(safe_globals)


def get_safe_globals():
    """Returns the list of user-added globals that are safe for ``weights_only`` load."""
    return list(_marked_safe_globals)


def clear_safe_globals():
    """Clears the list of globals that are safe for ``weights_only`` load."""
    global _marked_safe_globals
    _marked_safe_globals = set()


class safe_globals:
    """Context-manager that adds certain globals as safe for ``weights_only`` load."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        global _marked_safe_globals
        self.initial_safe_globals = _marked_safe_globals
        _marked_safe_globals = _marked_safe_globals | set(self.safe_globals)

    def __exit__(self, type, value, tb):
        global _marked_safe_globals
        _marked_safe_globals = self.initial_safe_globals


def _user_globals():
    """``"module.qualname" -> global`` for every marked global, checked as torch checks them."""
    out = {}
    for item in _marked_safe_globals:
        if isinstance(item, tuple):
            if len(item) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple "
                                 f"of length: {len(item)}")
            if type(item[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                                f"{type(item[1])}")
            out[item[1]] = item[0]
        else:
            out[f"{item.__module__}.{item.__qualname__}"] = item
    return out
