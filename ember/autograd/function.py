"""Custom differentiable functions: ``ember.autograd.Function``, as ``torch.autograd.Function``.

A subclass gives static ``forward`` and ``backward``. ``apply`` runs forward under no_grad and,
when some input requires grad, records one graph node whose class is ``<Name>Backward``; that
node is also the ``ctx`` both methods receive (as in PyTorch). The engine calls the node like any
op node; the node converts between the engine's arrays and the Tensors user code expects, and
checks what ``backward`` returns with PyTorch's errors. Under ``create_graph=True`` backward runs
with grad mode on and receives Tensors, so a backward written in ember ops is differentiable.
"""
import functools
import warnings

import numpy as np

from .forward_ad import _level as _fw_level
from .grad_mode import _state, no_grad
from .graph import FREED, FREED_MESSAGE, Node, _forward_trace, _hook_stack, _Packed, _sequence, pack_saved, recording

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable", "InplaceFunction"]


class FunctionCtx:
    """What ``forward``/``setup_context`` may call on ``ctx`` to prepare backward."""

    def save_for_backward(self, *tensors):
        """Save tensors (or None) for backward; read them back with ``ctx.saved_tensors``."""
        from .._tensor import Tensor
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        self.to_save = tensors

    def mark_dirty(self, *args):
        """Mark input tensors as modified in place by forward (they must be returned as outputs)."""
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        """Mark outputs as not differentiable: they do not require grad, their gradient is zeros."""
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        """Whether undefined output gradients reach backward as zeros (True, default) or None."""
        self.materialize_grads = bool(value)


class BackwardCFunction(Node, FunctionCtx):
    """The graph node (and ctx) of one ``Function.apply`` call."""

    _forward_cls = None
    to_save = None
    dirty_tensors = ()
    non_differentiable = ()
    materialize_grads = True
    needs_input_grad = ()
    _fn_saved = None

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``, checked to be unmodified since."""
        saved = self._fn_saved
        if saved is FREED:
            raise RuntimeError(FREED_MESSAGE)
        if saved is None:
            return tuple(self.to_save or ())
        from .engine import _describe_array, _modified, _origin
        out = []
        for value, version in zip(saved, self._fn_versions):
            if type(value) is _Packed:
                value = value.restore(False)
            elif value is not None and value._version != version:
                raise RuntimeError(_modified(_describe_array(value._data), _origin(value), value._version, version))
            out.append(value)
        return tuple(out)

    saved_variables = saved_tensors

    def _release(self):
        if self._fn_saved is not None:
            self._fn_saved = FREED

    def backward(self, xp, grad, *unused):
        """The engine's entry point: run the user's backward on Tensors and check its result."""
        from .._tensor import _wrap
        raw = not _state.enabled  # the engine turns grad mode on exactly under create_graph
        slots = grad if self.n_outputs > 1 else [grad]
        grads = [None] * self._n_all
        for nr, pos in enumerate(self._out_positions):
            g = slots[nr]
            if g is None:
                if self.materialize_grads:
                    shape, dtype = self._out_meta[nr]
                    grads[pos] = _wrap(np.zeros(shape, dtype))
            else:
                grads[pos] = _wrap(g) if raw else g
        cls = self._forward_cls
        result = cls.backward(self, *grads) if cls.vjp is Function.vjp else cls.vjp(self, *grads)
        return self._check_grads(result if isinstance(result, tuple) else (result,), raw)

    def _check_grads(self, result, raw):
        from .._tensor import Tensor
        name, is_tensor = self.node_name, self._arg_is_tensor
        if len(result) > len(is_tensor) and all(g is None for g in result[len(is_tensor):]):
            result = result[:len(is_tensor)]
        if len(result) != len(is_tensor):
            raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected "
                               f"{len(is_tensor)}, got {len(result)})")
        out = []
        for i, (g, tensor_input) in enumerate(zip(result, is_tensor)):
            if not tensor_input:
                if g is not None:
                    raise RuntimeError(f"function {name} returned a gradient different than None at position "
                                       f"{i + 1}, but the corresponding forward input was not a Variable")
                continue
            if g is not None:
                if not isinstance(g, Tensor):
                    raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
                shape = self._in_shapes[len(out)]
                if not _expandable(shape, g._data.shape):
                    raise RuntimeError(f"Function {name} returned an invalid gradient at index {len(out)} - got "
                                       f"{list(g._data.shape)} but expected shape compatible with {list(shape)}")
                g = g._data if raw else g
            out.append(g)
        return tuple(out)


def _expandable(shape, target):
    """True if a tensor of ``shape`` broadcasts to ``target`` (the gradient can be summed back)."""
    if len(shape) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


class FunctionMeta(type):
    """Gives each Function subclass its node class, named ``<Name>Backward`` as in PyTorch."""

    def __init__(cls, name, bases, attrs):
        node_name = name + "Backward"
        cls._backward_cls = type(node_name, (BackwardCFunction,), {
            "_forward_cls": cls, "node_name": node_name, "__module__": __name__, "__qualname__": node_name})
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Base class for custom differentiable operations; call them with ``Foo.apply(*args)``."""

    def __init__(self, *args, **kwargs):
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, "
                      f"so you should invoke them on the class itself. Instantiating an autograd function will "
                      f"raise an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        """Compute the outputs from the inputs (Tensors and other values); runs under no_grad."""
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save what backward needs, when ``forward`` does not take ``ctx``."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Return one gradient per forward input (None for non-Tensors or unneeded ones)."""
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        """Return the output tangents from the input tangents (one per forward input), for forward-mode AD."""
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and, when an input requires grad, record a ``<Name>Backward`` node."""
        from .._tensor import Tensor
        ctx = object.__new__(cls._backward_cls)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with no_grad():
            if cls.setup_context is Function.setup_context:
                output = cls.forward(ctx, *args, **kwargs)
            else:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
        if not (_state.enabled and any(ctx.needs_input_grad)):
            _bump_dirty(ctx, output)
        else:
            output = _record_function(ctx, args, output)
        if _fw_level.current >= 0 and cls.jvp is not Function.jvp:
            output = _forward_grad(cls, ctx, args, output)
        return output


def _forward_grad(cls, ctx, args, output):
    """Give ``output`` the tangents of the user's ``jvp`` when a Tensor input is a dual tensor.

    A Function without ``jvp`` keeps ember's default instead: its tangents come from its backward by the
    double-vjp of ``forward_ad.unpack_dual``."""
    from .._tensor import Tensor
    from . import forward_ad as fwAD
    tangents = [fwAD.unpack_dual(a).tangent if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return output
    if ctx.materialize_grads:
        from .._creation import zeros_like
        tangents = [zeros_like(a) if t is None and isinstance(a, Tensor) else t for a, t in zip(args, tangents)]
    # as in PyTorch, jvp runs in the caller's grad mode after the outputs got their grad_fn, so a tangent
    # computed from a saved output is itself differentiable
    result = cls.jvp(ctx, *tangents)
    is_tuple = isinstance(output, tuple)
    outs = list(output) if is_tuple else [output]
    results = result if isinstance(result, tuple) else (result,)
    if len(results) != len(outs):
        raise RuntimeError(f"Function's jvp returned an invalid number of forward gradients (expected {len(outs)} "
                           f"but got {len(results)})")
    non_diff = {id(t) for t in ctx.non_differentiable}
    for i, (o, t) in enumerate(zip(outs, results)):
        if not isinstance(o, Tensor) or t is None or id(o) in non_diff or o._data.dtype.kind != "f":
            continue
        if not isinstance(t, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type(t).__name__})")
        if t._data.shape != o._data.shape:
            raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the "
                               f"original Tensor, this is not supported. Tensor is of size {list(o._data.shape)} "
                               f"while the given forward gradient is of size {list(t._data.shape)}.")
        # the output itself becomes the dual (PyTorch sets the tangent on it); the reverse graph goes on below
        node = fwAD.MakeDual(o, fwAD._tangent_like(o, t), _fw_level.current)
        node.node_name = o._node.node_name if o._node is not None else "ViewBackward0"
        o._node, o._requires_grad = node, True
        o._out_nr = 0
    return tuple(outs) if is_tuple else outs[0]


def _bump_dirty(ctx, output):
    for t in ctx.dirty_tensors:
        t._bump_version()


def _record_function(ctx, args, output):
    """Make ``ctx`` the grad_fn of ``output``'s differentiable tensors; return the outputs."""
    from .._tensor import Tensor
    from ..ops._op import edge_of
    is_tuple = isinstance(output, tuple)
    outs = list(output) if is_tuple else [output]
    tensors = [a for a in args if isinstance(a, Tensor)]
    ctx.next_functions = tuple(edge_of(t) for t in tensors)  # before dirty inputs change place
    ctx._arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
    ctx._in_shapes = tuple(t._data.shape for t in tensors)
    positions = [i for i, o in enumerate(outs) if isinstance(o, Tensor)]
    ctx._out_positions, ctx._n_all = positions, len(outs)
    ctx.n_outputs = len(positions) or 1
    ctx._out_meta = [(outs[i]._data.shape, outs[i]._data.dtype) for i in positions]
    ctx._shape = ctx._out_meta[0][0] if len(positions) == 1 else tuple(m[0] for m in ctx._out_meta)
    ctx._dtype = ctx._out_meta[0][1] if len(positions) == 1 else tuple(m[1] for m in ctx._out_meta)
    ctx._saved = ctx._versions = None
    ctx._seq = next(_sequence)
    dirty = {id(t) for t in ctx.dirty_tensors}
    non_diff = {id(t) for t in ctx.non_differentiable}
    inputs = {id(t) for t in tensors}
    for nr, i in enumerate(positions):
        o = outs[i]
        if id(o) in dirty:
            if o._node is None and o._requires_grad:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
            o._bump_version()
        elif id(o) in inputs:  # an input returned as is becomes a new view of it, as in PyTorch
            o = outs[i] = _view_of(o)
        if id(o) in non_diff or o._data.dtype.kind != "f":
            continue
        o._node, o._requires_grad = ctx, True
        if nr:
            o._out_nr = nr
    _save(ctx)
    return tuple(outs) if is_tuple else outs[0]


def _view_of(t):
    from .._tensor import _wrap
    v = _wrap(t._data)
    v._vc = t._version_box()
    v._base = t if t._base is None else t._base
    return v


def _save(ctx):
    """Keep what ``save_for_backward`` was given, with versions (or packed by saved-tensor hooks)."""
    saved = ctx.to_save
    if saved is None:
        return
    ctx._fn_saved = tuple(saved)
    ctx._fn_versions = tuple(None if t is None else t._version for t in saved)
    if recording.active:
        if recording.anomaly:
            ctx._anomaly_trace = _forward_trace()
        stack = _hook_stack.stack
        if stack:
            ctx._fn_saved = tuple(None if t is None else pack_saved(t, 0, None, stack[-1]) for t in saved)
    ctx.to_save = None


class DelayedError(Node):
    """The grad_fn of gradients computed by a once_differentiable backward: differentiating it raises."""

    node_name = "DelayedError"

    def __init__(self, message):
        self.message = message
        self.next_functions = ()
        self._saved = self._versions = None
        self._seq = next(_sequence)

    def backward(self, xp, grad, *saved):
        raise RuntimeError(self.message)


def once_differentiable(fn):
    """Decorate a Function's backward that is not itself differentiable (it runs under no_grad)."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        from .._tensor import Tensor
        with no_grad():
            outputs = fn(ctx, *args)
        if not (_state.enabled and any(isinstance(a, Tensor) and a._requires_grad for a in args)):
            return outputs
        is_tuple = isinstance(outputs, tuple)
        outs = outputs if is_tuple else (outputs,)
        wrapped = []
        for o in outs:
            if isinstance(o, Tensor):
                err = DelayedError("trying to differentiate twice a function that was marked with "
                                   "@once_differentiable")
                o = _view_of(o)
                o._node, o._requires_grad = err, True
                err._shape, err._dtype = o._data.shape, o._data.dtype
            wrapped.append(o)
        return tuple(wrapped) if is_tuple else wrapped[0]
    return wrapper


class InplaceFunction(Function):
    """A Function that may work in place when constructed with ``inplace=True`` (legacy API)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

