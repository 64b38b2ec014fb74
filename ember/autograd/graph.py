"""The autograd graph: nodes (what users see as ``grad_fn``), edges and saved values.

A node is created by an op when some input requires grad. Its ``next_functions`` are the edges
``(node, output_nr)`` to the nodes that produced its inputs (``AccumulateGrad`` for leaves,
``None`` for inputs that need no gradient), exactly as PyTorch shows them.
"""
import itertools

__all__ = ["Node", "AccumulateGrad", "RemovableHandle", "FREED_MESSAGE"]

# every node gets a sequence number; the engine runs ready nodes newest first, as PyTorch does
_sequence = itertools.count()

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")

MODIFIED_MESSAGE = (
    "one of the variables needed for gradient computation has been modified by an inplace operation: "
    "[{what}]{origin}, is at version {now}; expected version {then} instead. Hint: enable anomaly detection "
    "to find the operation that failed to compute its gradient, with "
    "torch.autograd.set_detect_anomaly(True, check_nan=False).")


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

    __slots__ = ("next_functions", "_saved", "_versions", "_shape", "_dtype", "_seq",
                 "__dict__", "__weakref__")
    node_name = "Node"
    n_outputs = 1
    # rarely used state; instance attributes shadow these defaults when set
    _pre_hooks = None        # {id: hook(grad_outputs) -> grad_outputs | None}
    _post_hooks = None       # {id: hook(grad_inputs, grad_outputs) -> grad_inputs | None}
    _tensor_hooks = None     # {output_nr: {id: hook(grad) -> grad | None}} (Tensor.register_hook)
    _retained = None         # {output_nr: weakref to a non-leaf tensor that called retain_grad()}
    _anomaly_trace = None    # forward traceback, recorded under detect_anomaly

    def name(self):
        """Return the node's name, as PyTorch prints it (``MulBackward0``)."""
        return self.node_name

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
        handle = RemovableHandle(self._post_hooks)
        self._post_hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn):
        """Register ``fn(grad_outputs)`` to run before this node's backward."""
        if self.__dict__.get("_pre_hooks") is None:
            self._pre_hooks = {}
        handle = RemovableHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = fn
        return handle

    def _register_tensor_hook(self, output_nr, fn):
        hooks = self.__dict__.get("_tensor_hooks")
        if hooks is None:
            hooks = self._tensor_hooks = {}
        per_output = hooks.setdefault(output_nr, {})
        handle = RemovableHandle(per_output)
        per_output[handle.id] = fn
        return handle

    def _release(self):
        """Free saved values after backward; a second backward through them then fails."""
        if self._saved is not None:
            self._saved = FREED


class AccumulateGrad(Node):
    """The node that accumulates a leaf tensor's gradient into its ``.grad``."""

    __slots__ = ("variable",)
    __module__ = "builtins"  # repr as PyTorch's: <AccumulateGrad object at 0x...>
    node_name = "AccumulateGrad"

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self._saved = None
        self._versions = None
        data = variable._data
        self._shape = data.shape
        self._dtype = data.dtype
        self._seq = -1  # leaves accumulate as soon as their gradient is complete
