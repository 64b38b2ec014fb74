"""Saved tensors as PyTorch exposes them on a node: ``grad_fn._saved_<name>`` and ``_raw_saved_<name>``.

The Op base installs the properties ``saved_attributes`` builds on each op class; reading one finds
the value in the node's ``_saved`` through a per-class table, checks it as backward would (freed,
modified in place), and for ``_raw_saved_`` returns a ``SavedTensor`` that can take pack/unpack hooks.
"""
from .graph import FREED, FREED_MESSAGE, _Packed

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
