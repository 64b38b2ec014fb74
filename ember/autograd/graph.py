"""The autograd graph: nodes (what users see as ``grad_fn``), edges and saved values.

A node is created by an op when some input requires grad. Its ``next_functions`` are the edges
``(node, output_nr)`` to the nodes that produced its inputs (``AccumulateGrad`` for leaves,
``None`` for inputs that need no gradient), exactly as PyTorch shows them.
"""
import itertools
import threading
import weakref

__all__ = ["Node", "AccumulateGrad", "RemovableHandle", "FREED_MESSAGE", "SavedTensor", "saved_tensors_hooks",
           "save_on_cpu", "disable_saved_tensors_hooks"]

# every node gets a sequence number; the engine runs ready nodes newest first, as PyTorch does
_sequence = itertools.count()

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")

MODIFIED_MESSAGE = (
    "one of the variables needed for gradient computation has been modified by an inplace operation: "
    "[{what}]{origin} is at version {now}; expected version {then} instead. Hint: enable anomaly detection "
    "to find the operation that failed to compute its gradient, with "
    "ember.autograd.set_detect_anomaly(True, check_nan=False).")
# the hint PyTorch gives instead while anomaly detection is on (the forward traceback is then printed)
ANOMALY_HINT = ("Hint: the backtrace further above shows the operation that failed to compute its gradient. "
                "The variable in question was changed in there or anywhere later. Good luck!")


class _Freed:
    """Marks saved values released after backward (the graph was not retained)."""
    __slots__ = ()


FREED = _Freed()


class RemovableHandle:
    """A handle returned by ``register_*hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "id")
    _next_id = itertools.count()

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = next(self._next_id)

    def remove(self):
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class Node:
    """A backward function in the graph (``grad_fn``); subclasses define ``backward``.

    Slots hold what every node needs; rarely used state (hooks, retained tensors, op parameters)
    lives in the instance ``__dict__`` with class-level defaults, so creating a node stays cheap.
    """

    # the edges are kept as two tuples, the next nodes and their output numbers (shared constants in the
    # common case): no pair tuple per edge, so a deep graph holds fewer objects for Python's collector
    __slots__ = ("_next", "_nrs", "_saved", "_versions", "_shape", "_dtype", "_seq",
                 "__dict__", "__weakref__")
    node_name = "Node"
    n_outputs = 1
    # rarely used state; instance attributes shadow these defaults when set
    _pre_hooks = None        # {id: hook(grad_outputs) -> grad_outputs | None}
    _post_hooks = None       # {id: hook(grad_inputs, grad_outputs) -> grad_inputs | None}
    _tensor_hooks = None     # {output_nr: {id: hook(grad) -> grad | None}} (Tensor.register_hook)
    _retained = None         # {output_nr: weakref to a non-leaf tensor that called retain_grad()}
    _anomaly_trace = None    # forward traceback, recorded under detect_anomaly
    _hooked = False          # set by any of the above: the engine's fast path skips unhooked nodes' checks

    def name(self):
        """Return the node's name, as PyTorch prints it (``MulBackward0``)."""
        return self.node_name

    @property
    def next_functions(self):
        """The edges to the nodes that produced this node's inputs: ``((node, output_nr), ...)``, with
        ``(None, 0)`` for an input that needs no gradient."""
        return tuple(zip(self._next, self._nrs))

    @next_functions.setter
    def next_functions(self, edges):
        self._next = tuple([node for node, _ in edges])
        self._nrs = tuple([nr for _, nr in edges])

    @property
    def metadata(self):
        """A dict for user metadata attached to this node."""
        meta = self.__dict__.get("_metadata")
        if meta is None:
            meta = self.__dict__["_metadata"] = {}
        return meta

    def register_hook(self, fn):
        """Register ``fn(grad_inputs, grad_outputs)`` to run after this node's backward."""
        if self.__dict__.get("_post_hooks") is None:
            self._post_hooks = {}
            self._hooked = True
        handle = RemovableHandle(self._post_hooks)
        self._post_hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn):
        """Register ``fn(grad_outputs)`` to run before this node's backward."""
        if self.__dict__.get("_pre_hooks") is None:
            self._pre_hooks = {}
            self._hooked = True
        handle = RemovableHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = fn
        return handle

    def _register_tensor_hook(self, output_nr, fn):
        hooks = self.__dict__.get("_tensor_hooks")
        if hooks is None:
            hooks = self._tensor_hooks = {}
            self._hooked = True
        per_output = hooks.setdefault(output_nr, {})
        handle = RemovableHandle(per_output)
        per_output[handle.id] = fn
        return handle

    def _release(self):
        """Free saved values after backward; a second backward through them then fails."""
        if self._saved is not None:
            self._saved = FREED

    def __dir__(self):
        names = [n for n in super().__dir__() if not n.startswith(("_saved_", "_raw_saved_"))]
        for name, entry in _saved_table(type(self)).items():
            names.append("_saved_" + name)
            if _is_tensor_entry(self, entry):
                names.append("_raw_saved_" + name)
        return sorted(set(names))


class AccumulateGrad(Node):
    """The node that accumulates a leaf tensor's gradient into its ``.grad``."""

    __slots__ = ("variable",)
    __module__ = "builtins"  # repr as PyTorch's: <AccumulateGrad object at 0x...>
    node_name = "AccumulateGrad"

    def __init__(self, variable):
        self.variable = variable
        self._next = self._nrs = ()
        self._saved = None
        self._versions = None
        data = variable._data
        self._shape = data.shape
        self._dtype = data.dtype
        self._seq = -1  # leaves accumulate as soon as their gradient is complete


# ---------------------------------------------------------------- saved values, as PyTorch exposes them
# An op names what it saves by its forward's parameters (``saves = ("x", "y")``, "out" for its result);
# PyTorch names them by its own signatures (``_saved_self``, ``_saved_other``, ``_saved_result``). An op
# whose names differ beyond x/y/out sets ``saved_names``: ember's name -> PyTorch's, or a pair
# (PyTorch's name, the parameter whose gradient needs it) where PyTorch saves the value only when that
# input needs a gradient (``mul`` keeps ``self`` for ``other``'s gradient), or None to hide it.

_PYTORCH_NAMES = {"x": "self", "y": "other", "out": "result"}
# names PyTorch types as Tensor, which show a Python scalar operand as a 0-d tensor (``x * 2``)
_WRAPS_SCALARS = frozenset(["other"])
_TABLES = {}  # node class -> {PyTorch name: (position in _saved, input that must need a gradient or None, name)}


def _saved_table(cls):
    """The ``_saved_<name>`` attributes of a node class, built on first use."""
    table = _TABLES.get(cls)
    if table is None:
        table = {}
        saves = getattr(cls, "saves", ())
        renames = getattr(cls, "saved_names", None) or {}
        params = _forward_params(cls) if saves else ()
        for k, own in enumerate(saves):
            spec = renames.get(own, _PYTORCH_NAMES.get(own, own))
            needed_by = None
            if isinstance(spec, tuple):
                spec, for_param = spec
                needed_by = params.index(for_param)  # tensor inputs come first: the same index in _next
            if spec is not None:
                table[spec] = (k, needed_by, spec)
        _TABLES[cls] = table
    return table


def saved_attributes(cls):
    """``{attribute: property}`` for the ``_saved_<name>`` and ``_raw_saved_<name>`` attributes of the
    op class ``cls``, named from its ``saves`` and ``saved_names`` alone (the table is built on first read).
    The Op base installs them on each op class: properties cost nothing until read, where a
    ``__getattr__`` on Node would slow every attribute read of every node in the engine's loop."""
    renames = getattr(cls, "saved_names", None) or {}
    props = {}
    for own in getattr(cls, "saves", ()):
        spec = renames.get(own, _PYTORCH_NAMES.get(own, own))
        name = spec[0] if isinstance(spec, tuple) else spec
        if name is None:
            continue
        props["_saved_" + name] = property(lambda self, n=name: _saved_value(self, _entry(self, "_saved_", n)),
                                           doc=f"The value this node saved as PyTorch's ``{name}``.")
        props["_raw_saved_" + name] = property(lambda self, n=name: _raw_saved(self, n),
                                               doc=f"The SavedTensor behind ``_saved_{name}``.")
    return props


def _entry(node, prefix, name):
    """The table entry behind ``prefix + name`` (an op subclass may inherit a property it does not have)."""
    entry = _saved_table(type(node)).get(name)
    if entry is None:
        raise AttributeError(f"'{type(node).__name__}' object has no attribute '{prefix}{name}'")
    return entry


def _raw_saved(node, name):
    """``grad_fn._raw_saved_<name>``: one SavedTensor per node and name, made on first read."""
    entry = _entry(node, "_raw_saved_", name)
    if not _is_tensor_entry(node, entry):
        raise AttributeError(f"'{type(node).__name__}' object has no attribute '_raw_saved_{name}'")
    key = "_raw_saved_" + name
    raw = node.__dict__.get(key)
    if raw is None:
        raw = node.__dict__[key] = _new_saved_tensor(node, entry)  # the same object each time
    return raw


def _forward_params(cls):
    """The parameter names of an op's forward (after ``ctx``), as the Op base reads them."""
    import inspect
    for klass in cls.__mro__:
        forward = klass.__dict__.get("forward")
        if forward is None:
            continue
        if isinstance(forward, staticmethod):  # a bare ufunc: its operands are x and y
            return ("x", "y")[:forward.__func__.nin]
        return tuple(inspect.signature(forward).parameters)[1:]
    return ()


def _is_tensor_entry(node, entry):
    """Whether PyTorch keeps this value as a SavedVariable (it then has a ``_raw_saved_`` twin)."""
    from .._tensor import Tensor
    saved = node._saved
    if saved is FREED or saved is None:
        return True
    value = saved[entry[0]]
    return (isinstance(value, (Tensor, _Packed)) or type(node._versions[entry[0]]) is list
            or entry[1] is not None or entry[2] in _WRAPS_SCALARS or _is_array(value))


def _is_array(value):
    import numpy as np
    return isinstance(value, np.ndarray)


def _saved_value(node, entry):
    """``grad_fn._saved_<name>``: the saved value, checked as backward checks it."""
    from .._tensor import Tensor, _wrap
    k, needed_by, name = entry
    saved = node._saved
    if saved is FREED:
        raise RuntimeError(FREED_MESSAGE)
    if needed_by is not None and node._next[needed_by] is None:
        return None  # PyTorch did not save it: the input whose gradient needs it needs none
    value, version = saved[k], node._versions[k]
    if isinstance(value, Tensor):
        box = value._vc
        if box is not None and box[0] != version:
            _raise_modified(value._data, _origin_of(value), box[0], version)
        return value
    if type(version) is list:  # the node's own output, kept as an array: a new tensor on its storage
        if version[0]:
            _raise_modified(value, f", which is output 0 of {_op_name(node)},", version[0], 0)
        t = _wrap(value)
        t._node = node
        t._requires_grad = True
        t._vc = version
        return t
    if type(value) is _Packed:  # replaced by a pack hook: unpacked on each access, as in PyTorch
        return value.restore(False)
    if _is_array(value):
        return _wrap(value)
    if name in _WRAPS_SCALARS and isinstance(value, (bool, int, float, complex)):
        import numpy as np
        return _wrap(np.array(value))  # PyTorch's wrapped number: int64, float64 or bool
    return value.item() if hasattr(value, "item") and not hasattr(value, "shape") else value


def _op_name(node):
    import re
    return re.sub(r"Backward\d*$", "", node.node_name)


def _origin_of(t):
    return "" if t._node is None else f", which is output {t._out_nr} of {_op_name(t._node)},"


def _raise_modified(array, origin, now, then):
    from .engine import _describe_array, _modified
    raise RuntimeError(_modified(_describe_array(array), origin, now, then))


class SavedTensor:
    """A tensor saved by a graph node for its backward, as ``grad_fn._raw_saved_<name>`` shows it.

    ``register_hooks(pack_hook, unpack_hook)`` packs it now and unpacks it whenever it is used.
    """

    __slots__ = ("_node", "_entry")

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Trying to create a SavedTensor object from Python is forbidden.")

    def unpack(self):
        """Return the saved tensor (None where nothing was saved), as backward would read it."""
        return _saved_value(self._node, self._entry)

    @property
    def data(self):
        """The saved tensor, or what its pack hook returned; None once freed."""
        node, (k, needed_by, _) = self._node, self._entry
        saved = node._saved
        if saved is FREED or (needed_by is not None and node._next[needed_by] is None):
            return None
        value = saved[k]
        if type(value) is _Packed:
            from .._tensor import Tensor
            return value.packed if isinstance(value.packed, Tensor) else None
        if type(node._versions[k]) is list:
            from .._tensor import _wrap
            return _wrap(value)
        return value

    @property
    def unpack_hook(self):
        """The unpack hook registered on this saved tensor, or None."""
        saved = self._node._saved
        if saved is FREED:
            return None
        value = saved[self._entry[0]]
        return value.unpack if type(value) is _Packed else None

    def register_hooks(self, pack_hook, unpack_hook):
        """Pack the saved tensor now with ``pack_hook``; ``unpack_hook`` restores it on each use."""
        if not (callable(pack_hook) and callable(unpack_hook)):
            raise TypeError(
                "register_hooks(): incompatible function arguments. The following argument types are supported:\n"
                "    1. (self: torch._C._autograd.SavedTensor, arg0: collections.abc.Callable, "
                "arg1: collections.abc.Callable) -> None\n\n"
                f"Invoked with: {self!r}, {pack_hook!r}, {unpack_hook!r}")
        node, (k, needed_by, _) = self._node, self._entry
        saved = node._saved
        if saved is FREED:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values of "
                "the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
                "you need to backward through the graph a second time or if you need to access saved variables "
                "after calling backward.")
        if needed_by is not None and node._next[needed_by] is None:
            raise RuntimeError("Calling register_hooks on a saved tensor with value None is forbidden")
        if type(saved[k]) is _Packed:
            raise RuntimeError("Calling register_hooks on a saved tensor whose hooks have already been set. "
                               "Hint: only one pair of hooks is allowed at a time.")
        tensor = _saved_value(node, self._entry)
        from .._tensor import _wrap
        from ..ops._op import edge_of
        edge = edge_of(tensor) if tensor._requires_grad else None
        # the pack hook gets the saved data without its autograd metadata, as PyTorch's does
        packed = _Packed(pack_hook(_wrap(tensor._data)), unpack_hook, edge)
        node._saved = saved[:k] + (packed,) + saved[k + 1:]
        node._versions = node._versions[:k] + (None,) + node._versions[k + 1:]


def _new_saved_tensor(node, entry):
    raw = object.__new__(SavedTensor)
    raw._node = node
    raw._entry = entry
    return raw


# ---------------------------------------------------------------- tensor hooks

def retain_grad(t):
    """Make the non-leaf tensor ``t`` keep its gradient in ``.grad`` after backward."""
    if t._node is None:
        if not t._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        return
    if t._retains_grad:
        return
    node = t._node
    if node.__dict__.get("_retained") is None:
        node._retained = {}
        node._hooked = True
    node._retained[t._out_nr] = weakref.ref(t)
    t._retains_grad = True


def register_tensor_hook(t, hook):
    """Register ``hook(grad)`` on tensor ``t``; it may return a replacement gradient."""
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t._node is not None:
        return t._node._register_tensor_hook(t._out_nr, hook)
    if t.__dict__.get("_leaf_hooks") is None:
        t._leaf_hooks = {}
    handle = RemovableHandle(t._leaf_hooks)
    t._leaf_hooks[handle.id] = hook
    return handle


def register_post_accumulate_grad_hook(t, hook):
    """Register ``hook(tensor)`` to run after the leaf ``t`` has accumulated its gradient."""
    if t._node is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t.__dict__.get("_post_acc_hooks") is None:
        t._post_acc_hooks = {}
    handle = RemovableHandle(t._post_acc_hooks)
    t._post_acc_hooks[handle.id] = hook
    return handle


# ---------------------------------------------------------------- recording extras
# Ops call ``on_record(node, result)`` only while ``recording.active`` is True: anomaly mode is on
# or some thread has saved-tensor hooks. When neither is used, recording pays one attribute check.

class _Recording:
    """Process-wide switches read when a node is recorded."""

    __slots__ = ("active", "anomaly", "check_nan", "hook_users")

    def __init__(self):
        self.active = self.anomaly = False
        self.check_nan = True
        self.hook_users = 0

    def refresh(self):
        self.active = self.anomaly or self.hook_users > 0


recording = _Recording()


class _HookStack(threading.local):
    stack = ()   # (pack, unpack) pairs, innermost last; thread-local as in PyTorch


_hook_stack = _HookStack()


class _Packed:
    """A saved value replaced by what a pack hook returned, with the unpack hook to restore it.

    It remembers the original tensor's graph edge (not its data), so that under ``create_graph``
    the unpacked tensor takes the original's place in the graph, as PyTorch's SavedVariable does.
    """

    __slots__ = ("packed", "unpack", "edge")

    def __init__(self, packed, unpack, edge):
        self.packed, self.unpack, self.edge = packed, unpack, edge

    def restore(self, raw):
        """Return the unpacked value: an array when ``raw``, else a Tensor placed in the graph."""
        from .._tensor import Tensor, _wrap
        t = self.unpack(self.packed)
        if not isinstance(t, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(t).__name__}")
        if raw or self.edge is None:
            return t._data if raw else t
        node, nr = self.edge
        r = _wrap(t._data)
        r._requires_grad = True
        if type(node) is AccumulateGrad:
            r._accumulator = weakref.ref(node)
        else:
            r._node = node
            if nr:
                r._out_nr = nr
        return r


def on_record(node, result):
    """Called by ops for each new node while ``recording.active``: anomaly traces, pack hooks."""
    if recording.anomaly:
        node._anomaly_trace = _forward_trace()
    stack = _hook_stack.stack
    if stack and node._saved is not None:
        node._saved = tuple(pack_saved(v, version, result, stack[-1])
                            for v, version in zip(node._saved, node._versions))
        node._versions = (None,) * len(node._saved)


def pack_saved(value, version, result, hooks):
    """Run the innermost pack hook on one saved value (a Tensor, or the node's own output)."""
    from .._tensor import Tensor
    if type(version) is list:  # the node's own output
        value = result
    elif not isinstance(value, Tensor):
        return value
    from ..ops._op import edge_of
    edge = edge_of(value) if value._requires_grad else None
    pack, unpack = hooks
    before = value._version
    saved_stack = _hook_stack.stack
    _hook_stack.stack = ()  # ops run inside a pack hook are not packed again
    try:
        packed = pack(value)
    finally:
        _hook_stack.stack = saved_stack
    if value._version != before:
        raise RuntimeError("A saved tensor pack hook is modifying its input in place. Tensors provided as input to "
                           "pack hook cannot be modified by in-place operations as this can lead to unexpected "
                           "side-effects. Please open an issue if you need to perform in-place operations on the "
                           "input to a pack hook.")
    return _Packed(packed, unpack, edge)


def _forward_trace():
    """Return the stack of the forward call, without ember's own dispatch frames at its end."""
    import os
    import traceback
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    internal = (os.path.join(root, "ops"), os.path.join(root, "autograd"), os.path.join(root, "_tensor.py"))
    frames = traceback.extract_stack()
    while frames and frames[-1].filename.startswith(internal):
        frames.pop()
    return "".join(traceback.format_list(frames))


class saved_tensors_hooks:
    """Context manager setting a pack/unpack pair of hooks for the tensors that ops save for backward.

    ``pack_hook(tensor)`` runs when an op saves ``tensor`` and may return any object;
    ``unpack_hook(obj)`` runs when backward needs it and must return a Tensor.
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _disabled.message is not None:
            raise RuntimeError(_disabled.message)
        _hook_stack.stack = _hook_stack.stack + ((self.pack_hook, self.unpack_hook),)
        recording.hook_users += 1
        recording.refresh()
        return self

    def __exit__(self, *exc):
        _hook_stack.stack = _hook_stack.stack[:-1]
        recording.hook_users -= 1
        recording.refresh()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are copied to CPU memory in forward and read back in backward.

    Every ember tensor lives in CPU memory, so this keeps an independent copy, as PyTorch does for
    CPU tensors; ``pin_memory`` and ``device_type`` are accepted for compatibility.
    """

    def __init__(self, pin_memory=False, device_type="cuda"):
        from .._tensor import _wrap

        def pack(t):
            return t._data.copy()
        super().__init__(pack, _wrap)


class disable_saved_tensors_hooks:
    """Context manager under which registering saved-tensor hooks raises ``error_message``."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        self.prev = _disabled.message
        _disabled.message = self.error_message

    def __exit__(self, *exc):
        _disabled.message = self.prev


class _Disabled(threading.local):
    message = None


_disabled = _Disabled()
