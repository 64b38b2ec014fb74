"""A protocol-2 pickle writer for ``ember.save`` (the allow-list reader is ``_weights_unpickler``).

Python's own pickler cannot write ``torch._utils._rebuild_tensor_v2`` as a GLOBAL without
importing torch, and ``torch.load(weights_only=True)`` refuses protocol-3+ opcodes, so ``Pickler``
writes protocol 2 by hand.
"""
import copyreg
import importlib
import struct
from pickle import PicklingError

__all__ = ["Global", "Pickler", "PicklingError"]

_BATCH = 1000  # items per APPENDS/SETITEMS, as pickle.py batches them


class Global:
    """A ``module.name`` reference written as a GLOBAL opcode without importing the module."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name


def _encode_long(x):
    # two's complement, little-endian, shortest form: the encoding LONG1 and LONG4 carry
    if x == 0:
        return b""
    out = x.to_bytes((x.bit_length() >> 3) + 1, "little", signed=True)
    if x < 0 and len(out) > 1 and out[-1] == 0xFF and out[-2] & 0x80:
        out = out[:-1]
    return out


class Pickler:
    """Write one object as a protocol-2 pickle, with ``persistent_id`` and ``reducer_override`` hooks."""

    def __init__(self, write, persistent_id=None, reducer_override=None):
        self.write = write
        self.persistent_id = persistent_id or (lambda obj: None)
        self.reducer_override = reducer_override or (lambda obj: NotImplemented)
        self.memo = {}          # id(obj) -> (index, obj): the obj is kept alive so ids stay unique
        self.global_memo = {}   # (module, name) -> index

    def dump(self, obj):
        self.write(b"\x80\x02")
        self.save(obj)
        self.write(b".")

    def _put(self, obj):
        i = len(self.memo) + len(self.global_memo)
        self.memo[id(obj)] = (i, obj)
        self._write_put(i)

    def _write_put(self, i):
        self.write(b"q" + bytes([i]) if i < 256 else b"r" + struct.pack("<I", i))

    def _write_get(self, i):
        self.write(b"h" + bytes([i]) if i < 256 else b"j" + struct.pack("<I", i))

    def save(self, obj):
        pid = self.persistent_id(obj)
        if pid is not None:
            self.save(pid)
            self.write(b"Q")
            return
        hit = self.memo.get(id(obj))
        if hit is not None:
            self._write_get(hit[0])
            return
        t = type(obj)
        if obj is None or t is bool:
            self.write(b"N" if obj is None else (b"\x88" if obj else b"\x89"))
        elif t is int:
            self._save_int(obj)
        elif t is float:
            self.write(b"G" + struct.pack(">d", obj))
        elif t is str:
            data = obj.encode("utf-8", "surrogatepass")
            self.write(b"X" + struct.pack("<I", len(data)) + data)
            self._put(obj)
        elif t is Global:
            self._save_global_name(obj.module, obj.name)
        else:
            self._save_object(obj, t)

    def _save_object(self, obj, t):
        rv = self.reducer_override(obj)
        if type(rv) is Global:  # an object pickled by name, as torch pickles a dtype
            self._save_global_name(rv.module, rv.name)
        elif rv is not NotImplemented:
            self._save_reduce(obj, *rv)
        elif t is tuple:
            self._save_tuple(obj)
        elif t is list:
            self.write(b"]")
            self._put(obj)
            self._batch(iter(obj), b"a", b"e", lambda x: self.save(x))
        elif t is dict:
            self.write(b"}")
            self._put(obj)
            self._batch(iter(obj.items()), b"s", b"u", lambda kv: (self.save(kv[0]), self.save(kv[1])))
        elif t is bytes:
            # protocol 2 has no bytes opcode: torch writes _codecs.encode(latin1 text); b"" too,
            # because torch's weights_only reader refuses the builtins.bytes that pickle.py uses
            self._save_reduce(obj, Global("_codecs", "encode"), (obj.decode("latin1"), "latin1"))
        elif isinstance(obj, type) or t.__name__ in ("function", "builtin_function_or_method"):
            self._save_global(obj)
        else:
            reduce = copyreg.dispatch_table.get(t)
            rv = reduce(obj) if reduce is not None else obj.__reduce_ex__(2)
            if isinstance(rv, str):
                self._save_global(obj, rv)
            else:
                self._save_reduce(obj, *rv)

    def _save_int(self, x):
        if 0 <= x < 256:
            self.write(b"K" + bytes([x]))
        elif 0 <= x < 65536:
            self.write(b"M" + struct.pack("<H", x))
        elif -(2 ** 31) <= x < 2 ** 31:
            self.write(b"J" + struct.pack("<i", x))
        else:
            data = _encode_long(x)
            n = len(data)
            self.write((b"\x8a" + bytes([n]) if n < 256 else b"\x8b" + struct.pack("<i", n)) + data)

    def _save_tuple(self, obj):
        n = len(obj)
        if n == 0:
            self.write(b")")
            return
        if n > 3:
            self.write(b"(")
        for item in obj:
            self.save(item)
        hit = self.memo.get(id(obj))
        if hit is not None:  # the tuple reached itself through a list or dict inside it
            self.write(b"1" if n > 3 else b"0" * n)
            self._write_get(hit[0])
            return
        self.write(b"t" if n > 3 else b"\x85\x86\x87"[n - 1:n])
        self._put(obj)

    def _batch(self, items, one, many, save_item):
        while True:
            chunk = [x for _, x in zip(range(_BATCH), items)]
            if len(chunk) > 1:
                self.write(b"(")
            for x in chunk:
                save_item(x)
            if chunk:
                self.write(one if len(chunk) == 1 else many)
            if len(chunk) < _BATCH:
                return

    def _save_global_name(self, module, name):
        i = self.global_memo.get((module, name))
        if i is not None:
            self._write_get(i)
            return
        self.write(b"c" + module.encode("utf-8") + b"\n" + name.encode("utf-8") + b"\n")
        i = len(self.memo) + len(self.global_memo)
        self.global_memo[(module, name)] = i
        self._write_put(i)

    def _save_global(self, obj, name=None):
        name = name or getattr(obj, "__qualname__", None) or obj.__name__
        module = getattr(obj, "__module__", None) or "__main__"
        # protocol 2 cannot name nested objects; pickle.py refuses them too
        try:
            found = getattr(importlib.import_module(module), name) if "." not in name else None
        except (ImportError, AttributeError):
            found = None
        if found is not obj:
            raise PicklingError(f"Can't pickle {obj!r}: it's not found as {module}.{name}")
        self._save_global_name(module, name)

    def _save_reduce(self, obj, func, args, state=None, listitems=None, dictitems=None, setter=None):
        if setter is not None or not isinstance(args, tuple):
            raise PicklingError(f"Can't pickle {type(obj).__name__} objects with protocol 2")
        if getattr(func, "__name__", "") == "__newobj__":
            self.save(args[0])
            self.save(args[1:])
            self.write(b"\x81")
        else:
            self.save(func)
            self.save(args)
            self.write(b"R")
        if obj is not None:
            self._put(obj)
        if listitems is not None:
            self._batch(listitems, b"a", b"e", lambda x: self.save(x))
        if dictitems is not None:
            self._batch(dictitems, b"s", b"u", lambda kv: (self.save(kv[0]), self.save(kv[1])))
        if state is not None:
            self.save(state)
            self.write(b"b")
