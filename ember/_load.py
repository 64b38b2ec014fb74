"""Reading ``torch.save`` files: GLOBAL resolution (the ``weights_only`` allow-list), the zip and
legacy layouts, and ``map_location``."""
import bisect
import io
import pickle
import re
import struct

import numpy as np

from ._weights_unpickler import WeightsUnpickler
from ._tensor import Tensor, _wrap
from ._torch_types import StorageType, Storage, TORCH_DTYPES, allowed_globals, itemsize, parameter_class, unsupported_dtype
from ._zip import ZipReader, readinto

__all__ = ["load_from", "make_find_global", "weights_only_message"]

_BLOCKED_MODULES = ("os", "posix", "nt", "sys")  # refused by weights_only even if allowed, as torch does
_UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `ember.load` from `False` to "
    "`True`. Re-running `ember.load` with `weights_only` set to `False` will likely succeed, but it can result in "
    "arbitrary code execution. Do it only if you got the file from a trusted source.")
_DOCS_MESSAGE = ("\n\nCheck the documentation of ember.load to learn more about types accepted by default with "
                 "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def weights_only_message(message):
    """torch.load's text around a weights-only unpickling error, chosen by the error's kind, as torch's."""
    if "was not an allowed global by default." in message:
        return ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {_UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check "
                "the recommended steps in the following error message.\n\tWeightsUnpickler error: "
                + message + _DOCS_MESSAGE)
    if re.search(r"(\S+) must be (\S+) to load", message):
        return f"Weights only load failed. {message}\n {_UNSAFE_MESSAGE}\n" + _DOCS_MESSAGE
    updated = f"Weights only load failed. {_UNSAFE_MESSAGE}\n"
    if not re.search(r"whose module (\S+) is blocked", message):
        updated += ("Please file an issue with the following so that we can make `weights_only=True` compatible "
                    "with your use case: WeightsUnpickler error: ")
    return updated + "\n\n" + message + _DOCS_MESSAGE


def make_find_global(weights_only, user_globals):
    """Return ``(find_global, callables, buildable)``: GLOBAL resolution through the allow-list and
    ``user_globals`` (``add_safe_globals``) when ``weights_only``, else torch's names still map to
    ember's and any other name is imported as a normal pickle does; the objects REDUCE and NEWOBJ
    may call; the types BUILD may set state on."""
    import _compat_pickle  # Python 2 names (__builtin__ ...), mapped as torch and pickle map them
    allowed = allowed_globals()

    def find_global(module, name):
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full = f"{module}.{name}"
        if allowed.get(full) is not None:
            return allowed[full]
        if not weights_only and module.split(".")[0] != "torch":
            return None  # the caller imports it
        if module.split(".")[0] in _BLOCKED_MODULES:  # even when a user allowed it, as torch does
            raise pickle.UnpicklingError(f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
        if weights_only and full in user_globals:
            return user_globals[full]
        if weights_only:
            shown = name if module == "builtins" else full  # torch drops the "builtins." prefix
            raise pickle.UnpicklingError(
                f"Unsupported global: GLOBAL {shown} was not an allowed global by default. Please use "
                f"`ember.serialization.add_safe_globals([{shown}])` or the "
                f"`ember.serialization.safe_globals([{shown}])` context manager to allowlist this global if you "
                "trust this class/function.")
        raise pickle.UnpicklingError(f"ember.load cannot rebuild the torch object {full}; "
                                     "save a state_dict() with torch.save and load that instead")
    callables = [v for v in allowed.values() if callable(v) and v not in (Tensor, parameter_class())]
    callables += [v for v in user_globals.values() if callable(v)]
    return find_global, callables, tuple(v for v in user_globals.values() if isinstance(v, type))


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


_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def _target_location(map_location, storage, location):
    if map_location is None:
        target = location
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
    elif callable(map_location):
        result = map_location(storage, location)
        if isinstance(result, Storage):
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
        raise RuntimeError("Attempting to deserialize object on a CUDA device but ember.cuda.is_available() is "
                           "False. If you are running on a CPU-only machine, please use ember.load with "
                           "map_location=ember.device('cpu') to map your storages to the CPU.")
    raise RuntimeError(f"don't know how to restore data location of {storage.dtype} storage (tagged with {target}); "
                       "ember keeps every tensor on the cpu: pass map_location='cpu'")


def _check_pid(pid, length):
    if (len(pid) != length or not isinstance(pid[1], StorageType) or type(pid[2]) is not str
            or type(pid[3]) is not str or type(pid[4]) is not int or pid[4] < 0):
        raise pickle.UnpicklingError(f"malformed storage persistent id {pid!r:.200}")
    dtype = pid[1].dtype
    if dtype is not None and dtype not in TORCH_DTYPES:
        raise unsupported_dtype(dtype)
    return dtype, pid[2], pid[3], pid[4] * (1 if dtype is None else itemsize(dtype))


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
            storage = Storage(zr.read(f"data/{key}", mmap), dtype, order == "big")
            loaded[key] = _target_location(map_location, storage, location)
        return loaded[key]
    result = unpickler(io.BytesIO(bytes(zr.read("data.pkl"))), persistent_load).load()
    _link_storages(result, loaded.values())
    return result


def _link_storages(obj, storages):
    """Give each loaded tensor that shows part of a storage that storage as its memory owner.

    PyTorch rebuilds every tensor on its saved storage: ``storage_offset()`` and ``storage().size()``
    are the saved ones, and tensors saved together still share memory (they are not views: no
    ``_base``). The arrays already alias the storage; this records the owner for the tensor API."""
    typed = []   # [its first address, its end, array, the owner tensor made on first use], by address
    for storage in storages:
        for arr in getattr(storage, "_typed", {}).values():
            start = arr.__array_interface__["data"][0]
            typed.append([start, start + arr.nbytes, arr, None])
    if not typed:
        return
    typed.sort(key=lambda entry: entry[0])
    starts = [entry[0] for entry in typed]
    seen, stack = set(), [obj]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Tensor):
            data = item._data
            addr = data.__array_interface__["data"][0]
            # distinct storages are disjoint buffers; only the dtype views of one buffer share a start:
            # the candidates are those starting at the last start at or before this tensor's address
            i = bisect.bisect_right(starts, addr) - 1
            first = starts[i] if i >= 0 else None
            while i >= 0 and starts[i] == first:
                start, end, arr, owner = typed[i]
                if addr < end and data.dtype == arr.dtype:
                    if item._storage_base is None and not (addr == start and data.size == arr.size):
                        if owner is None:
                            owner = typed[i][3] = _wrap(arr)
                        item._storage_base = owner
                    break
                i -= 1
            continue
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif not isinstance(item, (type, str, bytes, int, float, complex, bool)) and hasattr(item, "__dict__"):
            stack.append(vars(item))


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
            roots[key] = _target_location(map_location, Storage(np.zeros(nbytes, np.uint8), dtype), location)
        root, meta = roots[key], pid[5]
        if meta is None:
            return root
        view_key, offset, numel = meta  # a storage view (torch < 0.4): a slice of its root
        item = itemsize(dtype)
        if not (type(offset) is int and type(numel) is int and 0 <= offset and (offset + numel) * item <= nbytes):
            raise RuntimeError(f"storage view {view_key!r} runs past its storage")
        return views.setdefault(view_key, Storage(root.raw[offset * item:(offset + numel) * item], dtype))
    result = unpickler(f, persistent_load).load()
    for key in unpickler(f, refuse).load():
        storage = roots.get(key) if type(key) is str else None
        if storage is None:
            raise RuntimeError(f"legacy file lists storage {key!r} that its pickle never used")
        head = f.read(8)
        numel = struct.unpack("<q", head)[0] if len(head) == 8 else -1
        item = itemsize(storage.dtype)
        if numel * item != storage.raw.nbytes or readinto(f, storage.raw) != storage.raw.nbytes:
            raise RuntimeError(f"legacy file is truncated or corrupt at storage {key}")
        storage.refill()
    for view in views.values():
        view.refill()
    return result


def load_from(fh, mmap_path, map_location, weights_only, user_globals, pickle_load_args):
    """Return the object in the open, seekable file ``fh`` (zip or legacy format)."""
    find_global, callables, buildable = make_find_global(weights_only, user_globals)
    encoding = pickle_load_args.get("encoding", "utf-8")

    def unpickler(file, persistent_load):
        if weights_only:
            return WeightsUnpickler(file, find_global, callables, persistent_load, encoding, buildable)
        return _FullUnpickler(file, find_global, persistent_load, **{"encoding": encoding, **pickle_load_args})
    start = fh.tell()
    magic = fh.read(4)
    fh.seek(start)
    try:
        if magic == b"PK\x03\x04":
            return _load_zip(ZipReader(fh, mmap_path), unpickler, map_location, mmap_path is not None)
        if fh.read(262)[257:262] == b"ustar":
            raise RuntimeError("ember.load cannot read the tar format of torch < 0.4")
        if mmap_path is not None:
            raise RuntimeError("mmap can only be used with files saved with "
                               "`torch.save(_use_new_zipfile_serialization=True)`")
        fh.seek(start)
        return _load_legacy(fh, unpickler, map_location)
    except pickle.UnpicklingError as e:
        raise pickle.UnpicklingError(weights_only_message(str(e)) if weights_only else str(e)) from None
