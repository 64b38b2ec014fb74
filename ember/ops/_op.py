"""The Op base: one differentiable primitive, its forward and backward read together.

An op subclass is also the graph node class: each call that records creates one instance, which
is the output's ``grad_fn``. ``forward`` runs on NumPy arrays. ``backward(ctx, xp, grad, *saved)``
is written once against the namespace ``xp``: the engine passes NumPy arrays and ``_numpy_api``
for a plain backward (fast), or Tensors and ``_ember_api`` under ``create_graph=True``, so the same
formula builds a differentiable graph and higher-order gradients come free.

Rules for ops: ``forward`` may set attributes on ``ctx`` but never reads them back (when nothing
is recorded it receives a throwaway ctx); ``backward`` returns one gradient per tensor input (a
tuple), in the output's broadcast shape: the engine sums it to the input's shape.
"""
import inspect
import types
from weakref import ref as _weakref

from numpy import asarray as _asarray, ndarray as _ndarray

import numpy as np

from .._dtype import get_default_dtype, result_type
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import INFERENCE_VERSION, _state, inference_use
from ..autograd.graph import AccumulateGrad, Node, _sequence, on_record, recording
from ..autograd.saved import saved_attributes

__all__ = ["Op", "Samples", "apply_unary", "apply_binary", "apply", "apply_multi", "apply_view", "edge_of",
           "broadcast_error", "quiet_forward", "rounded_forward"]

_next_seq = _sequence.__next__
_new = object.__new__


class Samples:
    """Test metadata, read only by the generated tests (tests/ops/test_generated.py).

    ``call`` names the public function both in ember and in torch (``"mul"``), or a method
    (``"Tensor.view"``). Default cases come from ``arity`` (tensor inputs of standard shapes,
    0-d, empty, and broadcast pairs when ``broadcast``), crossed with ``kwargs`` (a dict or a list
    of dicts of non-tensor arguments). ``cases(make)`` replaces them: it returns a list of
    ``(args, kwargs)`` where ``make(shape, low=None, high=None, dtype=None)`` builds a NumPy input.
    """

    def __init__(self, call, arity=1, broadcast=False, domain=(-2.0, 2.0), dtypes=("float32", "float64"),
                 kwargs=None, cases=None, grad=True, gradgrad=True, empty=True, zero_dim=True, torch_call=None,
                 rtol=None, atol=None, numeric=True):
        self.call = call
        self.torch_call = torch_call or call
        self.arity = arity
        self.broadcast = broadcast
        self.domain = domain
        self.dtypes = dtypes
        self.kwargs = kwargs
        self.cases = cases
        self.grad = grad            # compare input gradients with torch and numerically
        self.gradgrad = gradgrad    # also compare second derivatives with torch
        self.empty = empty
        self.zero_dim = zero_dim
        self.rtol, self.atol = rtol, atol  # widen only with a comment saying why
        self.numeric = numeric


class _Discard:
    """A ctx that forgets what forward stores on it, used when nothing is recorded."""
    __slots__ = ()

    def __setattr__(self, name, value):
        pass


_DISCARD = _Discard()


try:  # NumPy 2 keeps the errstate in a context variable: setting it directly costs a fraction of
    # ``with np.errstate(...)`` (0.3 us against 2 us), which is most of a small elementwise op
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
except ImportError:  # pragma: no cover - NumPy 1.x
    _extobj_contextvar = None


_QUIET = {}  # the caller's error state -> the same with divide/invalid/over ignored (a handful at most)


def quiet_forward(ufunc, rounded=False):
    """Return ``forward(ctx, x)`` computing ``ufunc(x)`` without NumPy's floating-point warnings
    (PyTorch gives none at poles and overflows); the caller's ``under`` and ``call`` settings hold.

    With ``rounded``, a float32 ``x`` is computed in float64 and rounded once: PyTorch's float32
    transcendentals (Sleef) are within an ulp and nearly always correctly rounded; NumPy's own float32
    routines are not, and differ from PyTorch's in the last bit on 10-40% of elements (more where
    NumPy takes its AVX-512 paths). Both jobs sit in one function: this is most of a small op's cost."""
    f64, f32 = np.float64, np.float32
    if _extobj_contextvar is None:  # pragma: no cover - NumPy 1.x
        def forward(ctx, x):
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                if rounded and x.dtype.char == "f":
                    return ufunc(x.astype(f64)).astype(f32)
                return ufunc(x)
        return forward
    get_state, set_state, reset_state = _extobj_contextvar.get, _extobj_contextvar.set, _extobj_contextvar.reset

    def quiet_state():
        current = get_state()
        quiet = _QUIET.get(current)
        if quiet is None:
            if len(_QUIET) > 16:  # each ``with np.errstate`` makes a new state: keep the cache small
                _QUIET.clear()
            quiet = _QUIET[current] = _make_extobj(divide="ignore", invalid="ignore", over="ignore")
        return quiet

    if rounded:
        def forward(ctx, x):
            quiet = _QUIET.get(get_state())
            token = set_state(quiet if quiet is not None else quiet_state())
            try:
                if x.dtype.char == "f":
                    return ufunc(x.astype(f64)).astype(f32)
                return ufunc(x)
            finally:
                reset_state(token)
    else:
        def forward(ctx, x):
            quiet = _QUIET.get(get_state())
            token = set_state(quiet if quiet is not None else quiet_state())
            try:
                return ufunc(x)
            finally:
                reset_state(token)
    return forward


def rounded_forward(ufunc):
    """Return ``forward(ctx, x)`` computing ``ufunc(x)``, in float64 rounded once for a float32 ``x``
    (see ``quiet_forward``), for a ufunc that never warns (tanh, arctan)."""
    f64, f32 = np.float64, np.float32

    def forward(ctx, x):
        if x.dtype.char == "f":
            return ufunc(x.astype(f64)).astype(f32)
        return ufunc(x)
    return forward


class Op(Node):
    """Base class of differentiable primitives; subclasses define forward and backward."""

    __slots__ = ()
    saves = ()            # names of forward's parameters (or "out") that backward reads
    float_only = False    # integer inputs are cast to the default float dtype first (exp, sin...)
    samples = None
    public = None         # the public functions that reach this op, for the binding check
    _kernel = None        # forward as a bare ufunc of the arrays, when an op defines it so
    saved_names = None    # PyTorch's names for ``saves`` where they differ (grad_fn._saved_<name>; graph.py)

    def __init_subclass__(cls, node_type=False, **kwargs):
        super().__init_subclass__(**kwargs)
        if node_type:
            return
        forward = cls.__dict__.get("forward")
        if isinstance(forward, staticmethod):
            # a bare ufunc (np.add): it takes the arrays alone, and the no-grad path calls it directly
            cls._kernel = forward.__func__
            params = ["x", "y"][:forward.__func__.nin]
        else:
            params = list(inspect.signature(cls.forward).parameters)[1:]
        index = tuple(-1 if name == "out" else params.index(name) for name in cls.saves)
        cls._save_index = {_OUT_ONLY: _OUT_ONLY, _FIRST: _FIRST, _BOTH: _BOTH}.get(index, index)
        # grad_fn._saved_self & co.: properties on the class (a __getattr__ would slow the engine's reads)
        for attribute, prop in saved_attributes(cls).items():
            setattr(cls, attribute, prop)
        # The graph holds instances of a subclass named as PyTorch names the node, so that
        # print(y.grad_fn) and IPython's echo show exactly what they show for torch
        # (<MulBackward0 object at 0x...>, <MulBackward0 at 0x...>).
        cls._node_type = types.new_class(cls.node_name, (cls,), {"node_type": True},
                                         lambda ns: ns.update(__slots__=(), __module__="builtins",
                                                              __qualname__=cls.node_name))

    def forward(ctx, *arrays):
        raise NotImplementedError

    def backward(ctx, xp, grad, *saved):
        raise NotImplementedError


def edge_of(t):
    """Return the graph edge ``(node, output_nr)`` through which ``t`` receives its gradient."""
    node = t._node
    if node is not None:
        return (node, t._out_nr)
    return _leaf_edge(t)


def _record(ctx, inputs, args, out):
    """Make ``out`` (an array) the output of node ``ctx`` over ``inputs``; save what backward reads."""
    edges = [edge_of(t) if isinstance(t, Tensor) else _NO_EDGE for t in inputs]
    nrs = tuple([nr for _, nr in edges])
    return _recorded(ctx, tuple([node for node, _ in edges]), _ZERO_NRS.get(nrs, nrs), args, out)


_NO_EDGE = (None, 0)
# output numbers of a node's edges when all are 0 (nearly always), shared
_NR0, _NR00 = (0,), (0, 0)
_ZERO_NRS = {(0,) * n: (0,) * n for n in range(3, 9)}
_ZERO_NRS.update({_NR0: _NR0, _NR00: _NR00})
# the commonest save patterns, as shared tuples, so that _recorded tells them by identity
_OUT_ONLY = (-1,)
_FIRST = (0,)
_BOTH = (0, 1)
# the versions of saved tensors never modified in place, shared: a deep graph holds fewer objects for
# Python's collector to traverse (its collections, not our code, dominate a 100,000-op forward)
_V0, _V00, _V0N = (0,), (0, 0), (0, None)


def _leaf_edge(t):
    """The edge of a leaf ``t``: its AccumulateGrad node (made on first use), or none."""
    acc = _leaf_node(t)
    return _NO_EDGE if acc is None else (acc, 0)


def _leaf_node(t):
    """The AccumulateGrad node of a leaf ``t`` (made on first use), or None if it needs no gradient."""
    if not t._requires_grad:
        return None
    ref = t._accumulator
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._accumulator = _weakref(acc)
    return acc


def _recorded(ctx, nexts, nrs, args, out):
    """``_record`` with the input edges already built (the hot path of the apply functions): the nodes
    that produced the inputs, and their output numbers."""
    ctx._next = nexts
    ctx._nrs = nrs
    if out.__class__ is not _ndarray:  # NumPy returns a scalar for 0-d operands: keep an array, writable
        out = _asarray(out)
    ctx._shape = out.shape
    ctx._dtype = out.dtype
    ctx._seq = _next_seq()
    result = _new(Tensor)
    result._data = out
    result._node = ctx
    result._requires_grad = True
    index = ctx._save_index
    if not index:
        ctx._saved = None
        ctx._versions = None
    elif index is _OUT_ONLY:  # exp, tanh, sigmoid, relu...: the output alone, checked by its box
        box = result._vc = [0]
        ctx._saved = (out,)
        ctx._versions = (box,)
    elif index is _FIRST:  # sin, cos, log...: the (tensor) input alone
        v = args[0]
        box = v._vc
        ctx._saved = args if len(args) == 1 else (v,)
        ctx._versions = _V0 if box is None else (box[0],)
    elif index is _BOTH:  # mul, div...: both operands (the first a tensor, the second maybe a scalar)
        v = args[0]
        u = args[1]
        ctx._saved = args if len(args) == 2 else (v, u)
        box = v._vc
        if isinstance(u, Tensor):
            ubox = u._vc
            if box is None and ubox is None:
                ctx._versions = _V00
            else:
                ctx._versions = (0 if box is None else box[0], 0 if ubox is None else ubox[0])
        else:
            ctx._versions = _V0N if box is None else (box[0], None)
    else:
        saved = []
        versions = []
        for i in index:
            if i < 0:
                box = result._vc = [0]
                saved.append(out)
                versions.append(box)
                continue
            v = args[i]
            saved.append(v)
            if isinstance(v, Tensor):
                box = v._vc
                versions.append(0 if box is None else box[0])
            else:
                versions.append(None)
        ctx._saved = tuple(saved)
        ctx._versions = tuple(versions)
    if recording.active:  # anomaly mode or saved_tensors_hooks in use
        on_record(ctx, result)
    return result


def broadcast_error(*shapes):
    """Return PyTorch's RuntimeError for shapes that do not broadcast (or None if they do)."""
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    for d in range(ndim - 1, -1, -1):
        sizes = [p[d] for p in padded]
        for j in range(1, len(sizes)):
            a, b = sizes[0], sizes[j]
            if a != b and a != 1 and b != 1:
                return RuntimeError(
                    f"The size of tensor a ({a}) must match the size of tensor b ({b}) "
                    f"at non-singleton dimension {d}")
    return None


def _float_array(x):
    return x.astype(get_default_dtype().numpy_dtype)


def apply_unary(cls, t, *params):
    """Run a one-input op on tensor ``t``, recording it when ``t`` requires grad."""
    x = t._data
    if cls.float_only and x.dtype.kind != "f":
        x = _float_array(x)
        t = _wrap(x) if not t._requires_grad else t
    if t._requires_grad and _state.enabled:
        ctx = _new(cls._node_type)
        node = t._node
        if node is None:
            nexts, nrs = (_leaf_node(t),), _NR0
        else:
            nr = t._out_nr
            nexts, nrs = (node,), (_NR0 if nr == 0 else (nr,))
        return _recorded(ctx, nexts, nrs, (t,) + params, ctx.forward(x, *params) if params else ctx.forward(x))
    result = _new(Tensor)  # _wrap, inlined: this is the whole cost of an op under no_grad besides NumPy's
    out = cls.forward(_DISCARD, x, *params) if params else cls.forward(_DISCARD, x)
    result._data = out if out.__class__ is _ndarray else _asarray(out)  # a 0-d result stays an array
    result._node = None
    result._requires_grad = False
    if inference_use.active and _state.inference:  # made in inference mode: an inference tensor
        result._vc = INFERENCE_VERSION
    return result


def _promoted(a, b):
    """Arrays of ``a`` and ``b`` (tensor or scalar) cast to PyTorch's result dtype."""
    target = result_type(a, b).numpy_dtype
    x = a._data if a._data.dtype == target else a._data.astype(target)
    if isinstance(b, Tensor):
        y = b._data if b._data.dtype == target else b._data.astype(target)
    elif target.kind == "f" or isinstance(b, (bool, np.bool_)):
        y = b
    else:  # an integer scalar wraps into the tensor's integer type, as in PyTorch
        y = np.array(b).astype(target) if not isinstance(b, float) else b
    return x, y


def apply_binary(cls, a, b):
    """Run a two-operand op; ``a`` is a Tensor, ``b`` a Tensor or a Python scalar."""
    x = a._data
    b_tensor = isinstance(b, Tensor)
    if b_tensor:
        y = b._data
        if x.dtype is not y.dtype or (cls.float_only and x.dtype.kind != "f"):
            x, y = _promoted(a, b)
            if cls.float_only and x.dtype.kind != "f":
                x, y = _float_array(x), _float_array(y)
        grad = (a._requires_grad or b._requires_grad) and _state.enabled
    else:
        y = b
        kind = x.dtype.kind
        if kind == "b" or (kind != "f" and (cls.float_only or isinstance(b, float))):
            x, y = _promoted(a, b)
            if cls.float_only and x.dtype.kind != "f":
                x, y = _float_array(x), b  # the Python scalar stays weak: float32, never float64
        elif kind != "f" and not (type(b) is int and 0 <= b <= 127):
            x, y = _promoted(a, b)
        grad = a._requires_grad and _state.enabled
    try:
        if grad:
            ctx = _new(cls._node_type)
            node = a._node
            if node is None:
                node, nr = _leaf_node(a), 0
            else:
                nr = a._out_nr
            if b_tensor:
                node_b = b._node
                if node_b is None:
                    node_b, nr_b = _leaf_node(b), 0
                else:
                    nr_b = b._out_nr
            else:
                node_b = nr_b = None
            nrs = _NR00 if not (nr or nr_b) else (nr, nr_b or 0)
            return _recorded(ctx, (node, node_b), nrs, (a, b), ctx.forward(x, y))
        result = _new(Tensor)  # _wrap, inlined
        kernel = cls._kernel
        out = kernel(x, y) if kernel is not None else cls.forward(_DISCARD, x, y)
        result._data = out if out.__class__ is _ndarray else _asarray(out)  # a 0-d result stays an array
        result._node = None
        result._requires_grad = False
        if inference_use.active and _state.inference:  # made in inference mode: an inference tensor
            result._vc = INFERENCE_VERSION
        return result
    except ValueError:
        err = broadcast_error(np.shape(x), np.shape(y))
        if err is None:
            raise
        raise err from None


def apply(cls, tensors, *params):
    """Run an op over a sequence of tensor inputs followed by non-tensor parameters."""
    arrays = [t._data for t in tensors]
    if _state.enabled and any(t._requires_grad for t in tensors):
        ctx = _new(cls._node_type)
        args = tuple(tensors) + params
        return _record(ctx, tensors, args, ctx.forward(*arrays, *params))
    return _wrap(cls.forward(_DISCARD, *arrays, *params))


class MultiOutputOp(Op):
    """An op with several differentiable outputs (split, unbind); backward gets one grad each."""

    __slots__ = ()


def apply_multi(cls, t, *params):
    """Run a one-input, several-output op; returns a tuple of tensors sharing one node."""
    x = t._data
    outs = None
    if t._requires_grad and _state.enabled:
        ctx = _new(cls._node_type)
        outs = ctx.forward(x, *params)
        node, nr = edge_of(t)
        ctx._next, ctx._nrs = (node,), (_NR0 if nr == 0 else (nr,))
        ctx.n_outputs = len(outs)
        if len(outs) == 1:  # the engine reads a one-output node's metadata unwrapped
            ctx._shape, ctx._dtype = outs[0].shape, outs[0].dtype
        else:
            ctx._shape = tuple(o.shape for o in outs)
            ctx._dtype = tuple(o.dtype for o in outs)
        ctx._seq = _next_seq()
        ctx._saved = None
        ctx._versions = None
        results = []
        for nr, o in enumerate(outs):
            r = _new(Tensor)
            r._data = o
            r._node = ctx
            r._requires_grad = True
            if nr:
                r._out_nr = nr
            results.append(r)
        if recording.active:  # anomaly mode or saved_tensors_hooks in use
            on_record(ctx, None)
        return tuple(results)
    return tuple(_wrap(o) for o in cls.forward(_DISCARD, x, *params))


def apply_view(cls, t, *params):
    """Run a view op: the result shares ``t``'s memory, its base and its version counter."""
    result = apply_unary(cls, t, *params)
    result._vc = t._version_box()
    base = t._base
    if base is None:
        base = t
    result._base = base
    if result._node is not None:  # a recorded view: an in-place op on its base later rebuilds its node
        views = base._views
        if views is None:
            views = base._views = []
        elif len(views) >= base._views_limit:
            views[:] = [ref for ref in views if ref() is not None]  # amortised: dead views drop out
            base._views_limit = 2 * len(views) + 8
        views.append(_weakref(result))
    return result
