"""An allow-list pickle reader for ``ember.load(weights_only=True)``, as torch's ``_weights_only_unpickler``.

``WeightsUnpickler`` is a small stand-alone reader (not a subclass of ``pickle._Unpickler``): safety
comes from an opcode allow-list plus a GLOBAL allow-list supplied by the caller, and from
restricting what REDUCE, NEWOBJ, BUILD, APPEND(S) and SETITEM(S) may touch.
"""
import struct
from collections import Counter, OrderedDict
from pickle import UnpicklingError

__all__ = ["WeightsUnpickler", "UnpicklingError"]


def _set_state(inst, state):
    """BUILD on an instance of a type the user allowed: ``__setstate__``, else pickle's own rule."""
    if hasattr(inst, "__setstate__"):
        inst.__setstate__(state)
        return
    slotstate = None
    if isinstance(state, tuple) and len(state) == 2:
        state, slotstate = state
    if state:
        inst.__dict__.update(state)
    if slotstate:
        for k, v in slotstate.items():
            setattr(inst, k, v)


# opcode -> name, for the error that refuses it; any opcode not in WeightsUnpickler._DISPATCH
# is refused (INST, OBJ, EXT*, NEWOBJ_EX, text-mode opcodes, buffers ...)
_OPNAMES = {op.code.encode("latin1")[0]: op.name for op in __import__("pickletools").opcodes}
_SET_TARGETS = (dict, OrderedDict, Counter)


class WeightsUnpickler:
    """Read a pickle, resolving GLOBALs only through ``find_global`` and calling only ``callables``.

    ``find_global(module, name)`` returns the object to push or raises ``UnpicklingError``;
    ``callables`` is the collection of objects that REDUCE and NEWOBJ may call;
    ``persistent_load(pid)`` resolves BINPERSID, which accepts only tuples starting with ``"storage"``;
    ``buildable`` are the types (allowed by the user) whose instances BUILD may set state on.
    """

    def __init__(self, file, find_global, callables, persistent_load, encoding="utf-8", buildable=()):
        self.read, self.readline = file.read, file.readline
        self.find_global = find_global
        self.callables = {id(c): c for c in callables}
        self.persistent_load = persistent_load
        self.encoding = encoding
        self.buildable = tuple(buildable)
        self.memo = {}

    def load(self):
        """Return the object the pickle describes."""
        self.stack, self.metastack = [], []
        dispatch = self._DISPATCH
        while True:
            key = self.read(1)
            if not key:
                raise UnpicklingError("pickle data was truncated")
            op = dispatch.get(key[0])
            if op is None:
                raise UnpicklingError(f"Unsupported operand {key[0]} ({_OPNAMES.get(key[0], 'unknown')})")
            if op is WeightsUnpickler._stop:
                return self._pop()
            try:
                op(self)
            except (IndexError, KeyError) as e:
                raise UnpicklingError(f"malformed pickle ({_OPNAMES[key[0]]}: {type(e).__name__} {e})") from None

    def _take(self, n):
        data = self.read(n)
        if len(data) != n:
            raise UnpicklingError("pickle data was truncated")
        return data

    def _unpack(self, fmt):
        return struct.unpack(fmt, self._take(struct.calcsize(fmt)))[0]

    def _pop(self):
        if not self.stack:
            raise UnpicklingError("unpickling stack underflow")
        return self.stack.pop()

    def _pop_mark(self):
        if not self.metastack:
            raise UnpicklingError("could not find MARK")
        items, self.stack = self.stack, self.metastack.pop()
        return items

    def _stop(self):
        pass

    def _mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def _proto(self):
        if self._take(1)[0] > 5:
            raise UnpicklingError("unsupported pickle protocol")

    def _frame(self):
        self._take(8)  # protocol-4 framing is advisory: opcodes are read one by one anyway

    def _push(value):
        return lambda self: self.stack.append(value() if callable(value) else value)

    def _int(fmt):
        return lambda self: self.stack.append(self._unpack(fmt))

    def _long(fmt):
        return lambda self: self.stack.append(
            int.from_bytes(self._take(self._unpack(fmt)), "little", signed=True))

    def _text(fmt):
        return lambda self: self.stack.append(
            str(self._take(self._unpack(fmt)), "utf-8", "surrogatepass"))

    def _bytes(fmt):
        return lambda self: self.stack.append(self._take(self._unpack(fmt)))

    def _binstring(self):
        data = self._take(self._unpack("<B"))
        self.stack.append(data if self.encoding == "bytes" else data.decode(self.encoding))

    def _tuple_n(n):
        def op(self):
            if len(self.stack) < n:
                raise UnpicklingError("unpickling stack underflow")
            items = tuple(self.stack[len(self.stack) - n:])
            del self.stack[len(self.stack) - n:]
            self.stack.append(items)
        return op

    def _tuple(self):
        items = tuple(self._pop_mark())  # before self.stack is read: popping the mark replaces it
        self.stack.append(items)

    def _frozenset(self):
        items = frozenset(self._pop_mark())
        self.stack.append(items)

    def _append(self):
        item = self._pop()
        self._target(list, "append to lists").append(item)

    def _appends(self):
        items = self._pop_mark()
        self._target(list, "extend lists").extend(items)

    def _setitem(self):
        value, key = self._pop(), self._pop()
        self._target(_SET_TARGETS, "SETITEM for dict, collections.OrderedDict, collections.Counter")[key] = value

    def _setitems(self):
        items = self._pop_mark()
        target = self._target(_SET_TARGETS, "SETITEMS for dict, collections.OrderedDict, collections.Counter")
        if len(items) % 2:
            raise UnpicklingError("odd number of items for SETITEMS")
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def _additems(self):
        items = self._pop_mark()
        self._target(set, "add items to sets").update(items)

    def _target(self, types, what):
        if not self.stack:
            raise UnpicklingError("unpickling stack underflow")
        target = self.stack[-1]
        if type(target) not in (types if isinstance(types, tuple) else (types,)):
            raise UnpicklingError(f"Can only {what}, but got {type(target)}")
        return target

    def _global(self):
        module = self.readline()[:-1].decode("utf-8")
        name = self.readline()[:-1].decode("utf-8")
        self.stack.append(self.find_global(module, name))

    def _stack_global(self):
        name, module = self._pop(), self._pop()
        if type(module) is not str or type(name) is not str:
            raise UnpicklingError("STACK_GLOBAL requires str")
        self.stack.append(self.find_global(module, name))

    def _callable(self, func, opname):
        if self.callables.get(id(func)) is not func:
            raise UnpicklingError(f"Trying to call {opname} for unrecognized function {func!r}")
        return func

    def _reduce(self):
        args = self._pop()
        func = self._callable(self._pop(), "reduce")
        if type(args) is not tuple:
            raise UnpicklingError("REDUCE arguments must be a tuple")
        self.stack.append(func(*args))

    def _newobj(self):
        args = self._pop()
        cls = self._callable(self._pop(), "NEWOBJ")
        if not isinstance(cls, type) or type(args) is not tuple:
            raise UnpicklingError(f"NEWOBJ needs a class and a tuple, got {cls!r}")
        self.stack.append(cls.__new__(cls, *args))

    def _build(self):
        state = self._pop()
        if not self.stack:
            raise UnpicklingError("unpickling stack underflow")
        inst = self.stack[-1]
        if type(inst) in self.buildable:
            _set_state(inst, state)
            return
        inst = self._target(OrderedDict, "build OrderedDict or types allowlisted via `add_safe_globals`")
        if type(state) is not dict or not all(type(k) is str for k in state):
            raise UnpicklingError("BUILD state for an OrderedDict must be a dict with str keys")
        inst.__dict__.update(state)

    def _binpersid(self):
        pid = self._pop()
        if type(pid) is not tuple or not pid or pid[0] not in ("storage", b"storage"):
            raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {pid!r:.80}")
        self.stack.append(self.persistent_load(pid))

    def _get(fmt):
        return lambda self: self.stack.append(self.memo[self._unpack(fmt)])

    def _put(fmt):
        def op(self):
            if not self.stack:
                raise UnpicklingError("unpickling stack underflow")
            self.memo[self._unpack(fmt) if fmt else len(self.memo)] = self.stack[-1]
        return op

    _DISPATCH = {
        0x80: _proto, 0x95: _frame, 0x2E: _stop, 0x28: _mark,
        0x4E: _push(None), 0x88: _push(True), 0x89: _push(False),
        0x29: _push(()), 0x5D: _push(list), 0x7D: _push(dict), 0x8F: _push(set),
        0x4A: _int("<i"), 0x4B: _int("<B"), 0x4D: _int("<H"), 0x47: _int(">d"),
        0x8A: _long("<B"), 0x8B: _long("<i"),
        0x58: _text("<I"), 0x8C: _text("<B"), 0x8D: _text("<Q"),
        0x43: _bytes("<B"), 0x42: _bytes("<I"), 0x8E: _bytes("<Q"), 0x55: _binstring,
        0x74: _tuple, 0x85: _tuple_n(1), 0x86: _tuple_n(2), 0x87: _tuple_n(3), 0x91: _frozenset,
        0x61: _append, 0x65: _appends, 0x73: _setitem, 0x75: _setitems, 0x90: _additems,
        0x63: _global, 0x93: _stack_global, 0x52: _reduce, 0x81: _newobj, 0x62: _build,
        0x51: _binpersid, 0x68: _get("<B"), 0x6A: _get("<I"),
        0x71: _put("<B"), 0x72: _put("<I"), 0x94: _put(None),
    }
    del _push, _int, _long, _text, _bytes, _tuple_n, _get, _put
