"""The autograd graph: nodes (what users see as ``grad_fn``), edges and saved values.

A node is created by an op when some input requires grad. Its ``next_functions`` are the edges
``(node, output_nr)`` to the nodes that produced its inputs (``AccumulateGrad`` for leaves,
``None`` for inputs that need no gradient), exactly as PyTorch shows them. How a node's saved
values appear as ``_saved_<name>`` attributes is in ``saved.py``.
"""
import itertools
import threading
import weakref

__all__ = ["Node", "AccumulateGrad", "RemovableHandle", "FREED_MESSAGE", "saved_tensors_hooks", "save_on_cpu",
           "disable_saved_tensors_hooks"]

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
        from .saved import _is_tensor_entry, _saved_table  # saved.py imports this module
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
