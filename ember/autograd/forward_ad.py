"""Forward-mode AD (``ember.autograd.forward_ad``): dual tensors and their tangents.

Design: no op carries a forward (jvp) rule. ``make_dual`` returns a tensor that records the
usual reverse graph; ``unpack_dual(y)`` computes y's tangent as a Jacobian-vector product by the
double-vjp trick: with ``u`` a free vector, ``g(u) = J^T u`` (one backward with ``create_graph``)
is linear in ``u``, and differentiating ``<g(u), t>`` w.r.t. ``u`` gives ``J t``. So forward mode
works for every op that has a differentiable backward (the generated op tests check all of them),
and custom Functions too, at the price of two backward passes per ``unpack_dual``.

Differences from PyTorch that follow from this design: a dual tensor requires grad and its
results carry a ``grad_fn``; ops run under ``no_grad`` inside a dual level lose the tangent;
tangents are computed when unpacked, not during the forward.
"""
import collections
import threading

import numpy as np

from .graph import Node, _sequence

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "dual_level"]


class _Level(threading.local):
    # the dual level in effect, as a generation number unique to this entry, or -1. PyTorch allows one level
    # at a time and hands out index 0 each time; the generation keeps the duals of an exited level stale.
    current = -1
    counter = 0


_level = _Level()

UnpackedDualTensor = collections.namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__doc__ = "The primal and tangent of a dual tensor, returned by ``unpack_dual``."


def enter_dual_level():
    """Open a new forward-AD level and return its index."""
    if _level.current >= 0:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _level.current = _level.counter
    _level.counter += 1
    return 0


def exit_dual_level(*, level=None):
    """Close the forward-AD level; the tangents of its dual tensors are dropped."""
    if level is None and _level.current < 0:
        raise RuntimeError("Dual level must be a positive number.")
    if _level.current < 0 or (level is not None and level != 0):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. This is "
                           "not supported.")
    _level.current = -1


class dual_level:
    """Context manager for forward AD: dual tensors made inside it carry tangents until it exits."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()


class MakeDual(Node):
    """The node that makes a primal into a dual tensor: an identity, marked with its tangent."""

    node_name = "ViewBackward0"   # PyTorch's make_dual is a view

    def __init__(self, primal, tangent, level):
        from ..ops._op import edge_of
        self.next_functions = (edge_of(primal),) if primal._requires_grad else ((None, 0),)
        self._saved = self._versions = None
        self._shape, self._dtype = primal._data.shape, primal._data.dtype
        self._seq = next(_sequence)
        self.tangent, self.level = tangent, level

    def backward(self, xp, grad, *saved):
        return (grad,)


def make_dual(tensor, tangent, *, level=None):
    """Return a dual tensor with primal ``tensor`` and tangent ``tangent`` at the current level."""
    from .._tensor import Tensor
    if _level.current < 0 or (level is not None and level != 0):
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    if not isinstance(tensor, Tensor) or not isinstance(tangent, Tensor):
        raise TypeError("make_dual expects Tensors for the primal and the tangent")
    if tensor._data.dtype.kind != "f":
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{str(tensor.dtype).replace('ember.', 'torch.')}")
    if tangent._data.dtype.kind != "f":
        raise ValueError(f"Expected tangent to be floating point or complex, but got: "
                         f"{str(tangent.dtype).replace('ember.', 'torch.')}")
    if tangent._data.shape != tensor._data.shape:
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {list(tensor._data.shape)} while the "
                           f"given forward gradient is of size {list(tangent._data.shape)}.")
    node = MakeDual(tensor, _tangent_like(tensor, tangent) if tangent._node is None else
                    _tangent_like(tensor, tangent.detach()), _level.current)
    dual = _view(tensor)
    dual._node, dual._requires_grad = node, True
    return dual


def _tangent_like(primal, tangent):
    """The tangent to store: ``tangent`` itself when its layout is the primal's (PyTorch keeps that
    object, so ``unpack_dual(dual).tangent is tangent``), else a copy laid out like the primal."""
    from .._tensor import _wrap
    if tangent.stride() == primal.stride():
        return tangent
    data = tangent._data
    copy = np.empty_like(primal._data, dtype=data.dtype)
    copy[...] = data
    return _wrap(copy)


def _view(t):
    from .._tensor import _wrap
    v = _wrap(t._data)
    v._vc = t._version_box()
    v._base = t if t._base is None else t._base
    return v


def _duals_and_leaves(tensor):
    """Walk ``tensor``'s graph: the live MakeDual nodes of this level, and whether real leaves feed it."""
    duals, seen, stack, has_leaf = [], set(), [tensor._node], False
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node) is MakeDual:
            if node.level == _level.current:
                duals.append(node)
            has_leaf = has_leaf or node._next[0] is not None
            continue
        if node.node_name == "AccumulateGrad":
            has_leaf = True
        stack.extend(node._next)
    return duals, has_leaf


def unpack_dual(tensor, *, level=None):
    """Return ``(primal, tangent)`` of ``tensor``; the tangent is None for a tensor with no dual input."""
    from .._tensor import Tensor
    if not isinstance(tensor, Tensor) or tensor._node is None:
        return UnpackedDualTensor(tensor, None)
    if _level.current < 0:
        # after its level a dual is a plain tensor: without a real leaf below, it has no grad_fn in PyTorch
        return UnpackedDualTensor(tensor if _duals_and_leaves(tensor)[1] else tensor.detach(), None)
    if level is not None and level != 0:
        return UnpackedDualTensor(tensor, None)
    node = tensor._node
    if type(node) is MakeDual and node.level == _level.current:
        # a dual made by make_dual (or by a custom Function's jvp): its tangent is stored as given
        has_leaf = node._next[0] is not None
        return UnpackedDualTensor(tensor if has_leaf else tensor.detach(), node.tangent)
    duals, has_leaf = _duals_and_leaves(tensor)
    # the primal keeps the reverse graph only where a real leaf (not just a dual) feeds it
    primal = tensor if has_leaf else tensor.detach()
    return UnpackedDualTensor(primal, _tangent(tensor, duals) if duals else None)


def _tangent(y, duals):
    """``J t`` by the double-vjp trick, summed over the dual inputs that reach ``y``."""
    from .._creation import zeros_like
    from .._tensor import _wrap
    from .engine import grad
    from .grad_mode import enable_grad
    handles = []
    for node in duals:  # stand-ins for the dual tensors: the same graph position
        h = _wrap(node.tangent._data)
        h._node, h._requires_grad = node, True
        handles.append(h)
    with enable_grad():
        u = zeros_like(y, requires_grad=True)
        gs = grad(y, handles, u, create_graph=True, retain_graph=True, allow_unused=True)
        pairs = [(g, node.tangent) for g, node in zip(gs, duals) if g is not None and g.requires_grad]
        if not pairs:
            return zeros_like(y).detach()
        (jt,) = grad([g for g, _ in pairs], u, [t.to(g.dtype) for g, t in pairs], allow_unused=True,
                     retain_graph=True)
    return zeros_like(y).detach() if jt is None else jt.detach()

