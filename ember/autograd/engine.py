"""The backward engine: an iterative pass over the graph in dependency order.

One loop, no recursion: nodes are counted by how many of their consumers are still to run, and a
node runs once all of them have. Ready nodes run newest first (by sequence number), as in PyTorch,
so gradients sum in PyTorch's order. Gradients are summed to each input's shape and cast to its
dtype here, in one place; saved values are freed after the pass unless ``retain_graph``.

Without ``create_graph`` the pass runs on NumPy arrays (``_numpy_api``); with it, on Tensors
(``_ember_api``), recording a graph of the backward itself.
"""
import heapq
import re
from sys import getrefcount as _getrefcount

from numpy import errstate as _errstate, ndarray as _ndarray

from .grad_mode import _state
from .graph import ANOMALY_HINT, FREED, FREED_MESSAGE, MODIFIED_MESSAGE, AccumulateGrad, _Packed, recording
# the hook registrations live with the graph; Tensor methods import them from here
from .graph import register_post_accumulate_grad_hook, register_tensor_hook, retain_grad  # noqa: F401

__all__ = ["backward", "grad", "retain_grad", "register_tensor_hook", "register_post_accumulate_grad_hook"]

_api = None
# bound on the first backward (ember._tensor imports this package, so not at import time)
Tensor = _wrap = None


def _namespaces():
    global _api, Tensor, _wrap
    if _api is None:
        from .._tensor import Tensor, _wrap
        from ..ops import _ember_api, _numpy_api
        _api = (_numpy_api, _ember_api)
    return _api


def _as_tensor_grads(tensors, grads):
    """Check or create the root gradients, as PyTorch's ``_make_grads``."""
    import numpy as np
    out = []
    for i, t in enumerate(tensors):
        g = None if grads is None else grads[i]
        if not t._requires_grad:  # the engine reports it: "element i of tensors does not require grad"
            out.append(None)
            continue
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if t._data.dtype.kind != "f":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{t.dtype}")
            g = _wrap(np.ones(t._data.shape, dtype=t._data.dtype))
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        elif g._data.shape != t._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {_size(g)} and output[{i}] "
                               f"has a shape of {_size(t)}.")
        elif g._data.dtype != t._data.dtype:  # PyTorch casts the root gradient to the output's dtype
            g = g.to(t.dtype)
        out.append(g)
    return out


def _size(t):
    return "torch.Size(" + str(list(t._data.shape)) + ")"


def _root_edges(tensors):
    from ..ops._op import edge_of
    edges = []
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        edges.append(edge_of(t))
    return edges


def _dependencies(roots):
    """Count, for every node reachable from ``roots``, how many edges lead into it."""
    deps = dict.fromkeys(roots, 0)  # a node is in deps once seen: no separate visited set
    stack = list(deps)
    push, get = stack.append, deps.get
    while stack:
        for nxt in stack.pop()._next:
            if nxt is None:
                continue
            count = get(nxt)
            if count is None:
                deps[nxt] = 1
                push(nxt)
            else:
                deps[nxt] = count + 1
    return deps


def _unpack(node, raw):
    """Return the node's saved values for backward, checking they were neither freed nor modified."""
    saved = node._saved
    if saved is None:
        return ()
    if saved is FREED:
        raise RuntimeError(FREED_MESSAGE)
    out = []
    for value, version in zip(saved, node._versions):
        if isinstance(value, Tensor):
            box = value._vc
            if (box[0] if box is not None else 0) != version:
                raise RuntimeError(_modified(_describe_array(value._data), _origin(value), box[0], version))
            out.append(value._data if raw else value)
        elif version is not None and type(version) is list:  # the node's own output
            if version[0]:
                raise RuntimeError(_modified(_describe_array(value), f", which is output 0 of "
                                             f"{_short(node.node_name)},", version[0], 0))
            if raw:
                out.append(value)
            else:
                t = _wrap(value)
                t._node = node
                t._requires_grad = True
                out.append(t)
        elif type(value) is _Packed:  # replaced by a saved_tensors_hooks pack hook
            out.append(value.restore(raw))
        else:
            out.append(value)
    return out


def _unpack_arrays(node, saved):
    """``_unpack(node, True)`` for the plain pass: the saved arrays, or the full check's error."""
    out = []
    for value, version in zip(saved, node._versions):
        if isinstance(value, Tensor):
            box = value._vc
            if box is not None and box[0] != version:  # no box: never modified, still at version 0
                return _unpack(node, True)
            out.append(value._data)
        elif type(version) is list:  # the node's own output, checked by the box it shares
            if version[0]:
                return _unpack(node, True)
            out.append(value)
        elif type(value) is _Packed:
            return _unpack(node, True)
        else:
            out.append(value)
    return out


def _modified(what, origin, now, then):
    message = MODIFIED_MESSAGE.format(what=what, origin=origin, now=now, then=then)
    if recording.anomaly:
        message = message[:message.index("Hint:")] + ANOMALY_HINT
    return message


def _describe_array(array):
    names = {"f": "Float", "d": "Double", "e": "Half", "l": "Long", "q": "Long", "i": "Int", "h": "Short",
             "b": "Char", "B": "Byte", "?": "Bool"}
    # PyTorch's legacy type name, with ember's module name as every printed type has it
    return f"ember.{names.get(array.dtype.char, 'Float')}Tensor {list(array.shape)}"


def _short(node_name):
    # PyTorch names the op, not the node, in this message: "output 0 of Exp"
    return re.sub(r"Backward\d*$", "", node_name)


def _origin(t):
    return "" if t._node is None else f", which is output {t._out_nr} of {_short(t._node.node_name)},"


def _sum_to(xp, g, shape, dtype):
    if g.shape != shape:
        g = xp.sum_to(g, shape)
    if g.dtype != dtype:
        g = xp.cast(g, dtype)
    return g


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Compute the sum of gradients of ``tensors`` w.r.t. graph leaves, accumulated into ``.grad``."""
    _namespaces()
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    if grad_variables is not None:  # the deprecated name PyTorch still accepts
        grad_tensors = grad_variables
    if grad_tensors is not None:
        grad_tensors = (grad_tensors,) if isinstance(grad_tensors, Tensor) else tuple(grad_tensors)
        if len(grad_tensors) != len(tensors):
            raise RuntimeError(f"got {len(tensors)} tensors and {len(grad_tensors)} gradients")
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        if not all(t._requires_grad for t in inputs):  # PyTorch retains grad on each input first
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    grads = _as_tensor_grads(tensors, grad_tensors)
    retain = create_graph if retain_graph is None else retain_graph
    _run(tensors, grads, retain, create_graph, inputs, capture=None)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return the gradients of ``outputs`` w.r.t. ``inputs`` without touching ``.grad``."""
    import numpy as np
    _namespaces()
    if not only_inputs:
        import warnings
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.", FutureWarning,
                      stacklevel=2)
    if is_grads_batched:
        raise NotImplementedError("ember.autograd.grad: is_grads_batched=True needs vmap, which ember does not "
                                  "implement; loop over the batch of grad_outputs instead")
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if grad_outputs is not None:
        grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
        if len(grad_outputs) != len(outputs):
            raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _as_tensor_grads(outputs, grad_outputs)
    retain = create_graph if retain_graph is None else retain_graph
    captured = _run(outputs, grads, retain, create_graph, inputs, capture=True)
    result = []
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if materialize_grads:
                g = _wrap(np.zeros_like(t._data))
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   f"graph. Set allow_unused=True if this is the desired behavior.")
        result.append(g)
    return tuple(result)


def _run(tensors, grads, retain, create_graph, inputs, capture):
    """The backward pass. With ``capture``, return the gradients reaching ``inputs`` instead of
    accumulating them; with ``inputs`` and no capture, accumulate only into those."""
    raw_api, graph_api = _namespaces()
    raw = not create_graph
    xp = raw_api if raw else graph_api
    roots = _root_edges(tensors)
    root_nodes = [n for n, _ in roots]
    deps = _dependencies(root_nodes)
    buffers = {}
    for (node, nr), g in zip(roots, grads):
        _accumulate(buffers, node, nr, g._data if raw else g)

    targets = needed = captured = None
    if inputs is not None:
        from ..ops._op import edge_of
        targets = {}
        for i, t in enumerate(inputs):
            node, nr = edge_of(t)
            targets.setdefault(node, []).append((i, nr))
        needed = _nodes_leading_to(root_nodes, targets, deps)
        captured = [None] * len(inputs)

    call = _call_node
    if recording.anomaly:  # chosen once per pass: the per-node loop stays free of the check
        from .anomaly_mode import checked_call as call
    ready = [(-n._seq, id(n), n) for n in set(root_nodes) if deps.get(n, 0) == 0]
    heapq.heapify(ready)
    prev_enabled = _state.enabled
    _state.enabled = create_graph
    # backward formulas meet poles and overflows (log's gradient at 0...) where PyTorch stays silent:
    # NumPy's warnings are off for the whole pass, set once rather than per node
    quiet = _errstate(divide="ignore", invalid="ignore", over="ignore")
    quiet.__enter__()
    try:
        if raw and targets is None and call is _call_node:
            _plain_pass(ready, buffers, deps, xp, retain)
        while ready:
            node = heapq.heappop(ready)[2]
            buf = buffers.pop(node, None)
            if targets is not None and node in targets:
                for i, nr in targets[node]:
                    g = buf if node.n_outputs == 1 else (buf[nr] if buf is not None else None)
                    if capture:
                        captured[i] = g if (g is None or not raw) else _wrap(g)
                    elif type(node) is not AccumulateGrad:
                        _retain_into(inputs[i], g, raw)
            if type(node) is AccumulateGrad:
                if buf is not None and not capture and (targets is None or node in targets):
                    _accumulate_leaf(node.variable, buf, raw)
                continue
            if needed is not None and node not in needed:
                grads_in = (None,) * len(node._next)
            else:
                grads_in = call(node, buf, xp, raw, retain)
            for nxt, nr, g in zip(node._next, node._nrs, grads_in):
                if nxt is None:
                    continue
                if g is not None:
                    if nxt.n_outputs == 1:
                        g = _sum_to(xp, g, nxt._shape, nxt._dtype)
                    else:
                        g = _sum_to(xp, g, nxt._shape[nr], nxt._dtype[nr])
                    _accumulate(buffers, nxt, nr, g)
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    heapq.heappush(ready, (-nxt._seq, id(nxt), nxt))
    finally:
        quiet.__exit__(None, None, None)
        _state.enabled = prev_enabled
    return captured


def _plain_pass(ready, buffers, deps, xp, retain):
    """The loop of ``_run`` for the common pass (arrays, no ``inputs``, no anomaly mode), with the
    per-node work of ``_call_node``, ``_sum_to`` and ``_accumulate`` inlined for unhooked nodes.

    A node made ready by the node just run goes next without a trip through the heap when it is
    the newest ready node (a chain's every step): the order is the heap's, the cost less."""
    heappop, heappush, heappushpop, pop, get = heapq.heappop, heapq.heappush, heapq.heappushpop, buffers.pop, buffers.get
    node = heappop(ready)[2] if ready else None
    while node is not None:
        buf = pop(node, None)
        if type(node) is AccumulateGrad:
            # an array no one else refers to (the engine made it) becomes .grad without a copy
            if buf is not None:
                owned = _getrefcount(buf) == 2 and _owned(buf)  # 2: ``buf`` and the call's argument
                _accumulate_leaf(node.variable, buf, True, owned)
            node = heappop(ready)[2] if ready else None
            continue
        if buf is None or node._hooked or node.n_outputs != 1:
            grads_in = _call_node(node, buf, xp, True, retain)
        elif node._saved is None:  # nothing saved by the op; a custom Function keeps its own
            grads_in = node.backward(xp, buf)
            if not retain:
                node._release()
        else:
            saved = node._saved
            grads_in = node.backward(xp, buf, *(_unpack(node, True) if saved is FREED else _unpack_arrays(node, saved)))
            if not retain:
                node._saved = FREED
        buf = None
        follow = None  # the first node this one makes ready
        for nxt, nr, g in zip(node._next, node._nrs, grads_in):
            if nxt is None:
                continue
            if g is not None:
                if nxt.n_outputs != 1:
                    _accumulate(buffers, nxt, nr, _sum_to(xp, g, nxt._shape[nr], nxt._dtype[nr]))
                else:
                    if g.shape != nxt._shape or g.dtype != nxt._dtype:
                        g = _sum_to(xp, g, nxt._shape, nxt._dtype)
                    old = get(nxt)
                    buffers[nxt] = g if old is None else old + g
            left = deps[nxt] - 1
            deps[nxt] = left
            if left == 0:
                if follow is None:
                    follow = nxt
                else:
                    heappush(ready, (-nxt._seq, id(nxt), nxt))
        grads_in = g = old = None  # drop references, so that the refcount test above is exact
        if follow is None:
            node = heappop(ready)[2] if ready else None
        elif not ready or (-follow._seq, id(follow)) < ready[0][:2]:
            node = follow
        else:
            node = heappushpop(ready, (-follow._seq, id(follow), follow))[2]


def _owned(array):
    """True if ``array`` owns its memory (a new, writable, C-ordered array), or is a C-ordered view
    over all of such an array that nothing else refers to (a weight gradient made as the transpose
    of a transpose, by TBackward0)."""
    if type(array) is not _ndarray:
        return False
    flags = array.flags
    if not (flags.c_contiguous and flags.writeable):
        return False
    base = array.base
    if base is None:
        return flags.owndata
    # 3 references: ``array.base``, the local ``base`` and getrefcount's argument
    return (type(base) is _ndarray and base.base is None and base.flags.owndata and _getrefcount(base) == 3
            and base.size == array.size and base.ctypes.data == array.ctypes.data)


def _nodes_leading_to(roots, targets, deps):
    """Return the set of nodes from which some target node is reachable (the rest is pruned)."""
    remaining = dict(deps)
    order = []
    frontier = [n for n in set(roots) if remaining.get(n, 0) == 0]
    while frontier:  # Kahn's algorithm: consumers before producers
        node = frontier.pop()
        order.append(node)
        for nxt in node._next:
            if nxt is not None:
                remaining[nxt] -= 1
                if remaining[nxt] == 0:
                    frontier.append(nxt)
    needed = set()
    for node in reversed(order):
        if node in targets or any(n in needed for n in node._next if n is not None):
            needed.add(node)
    return needed


def _accumulate(buffers, node, nr, g):
    if node.n_outputs == 1:
        old = buffers.get(node)
        buffers[node] = g if old is None else old + g
        return
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node.n_outputs
    slots[nr] = g if slots[nr] is None else slots[nr] + g


def _call_node(node, buf, xp, raw, retain):
    """Run one node's backward (with its hooks) and return one gradient per next edge."""
    if node.n_outputs == 1:
        if buf is None:
            return (None,) * len(node._next)
        if node._tensor_hooks or node._pre_hooks or node._retained:
            buf = _run_pre_hooks(node, [buf], raw)[0]
    else:
        if buf is None or all(b is None for b in buf):
            return (None,) * len(node._next)
        if node._tensor_hooks or node._pre_hooks or node._retained:
            buf = _run_pre_hooks(node, buf, raw)
    saved = _unpack(node, raw)
    grads_in = node.backward(xp, buf, *saved)
    if not retain:
        node._release()
    if node._post_hooks:
        wrap = (lambda a: a if a is None or not raw else _wrap(a))
        gin = tuple(wrap(g) for g in grads_in)
        gout = tuple(wrap(g) for g in (buf if isinstance(buf, list) else [buf]))
        for hook in list(node._post_hooks.values()):
            res = hook(gin, gout)
            if res is not None:
                gin = tuple(res)
        grads_in = tuple(g._data if raw and isinstance(g, Tensor) else g for g in gin)
    return grads_in


def _run_pre_hooks(node, bufs, raw):
    bufs = list(bufs)
    wrap = (lambda a: a if a is None or not raw else _wrap(a))
    unwrap = (lambda t: t._data if raw and isinstance(t, Tensor) else t)
    if node._tensor_hooks:
        for nr, hooks in node._tensor_hooks.items():
            for hook in list(hooks.values()):
                if bufs[nr] is None:
                    continue
                res = hook(wrap(bufs[nr]))
                if res is not None:
                    bufs[nr] = unwrap(res)
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            if t is not None and bufs[nr] is not None:
                _retain_into(t, bufs[nr], raw)
    if node._pre_hooks:
        gout = tuple(wrap(b) for b in bufs)
        for hook in list(node._pre_hooks.values()):
            res = hook(gout)
            if res is not None:
                gout = tuple(res)
        bufs = [unwrap(g) for g in gout]
    return bufs


def _retain_into(t, g, raw):
    if g is None:
        return
    g = _wrap(g.copy()) if raw else g
    t._grad = g if t._grad is None else t._grad + g


def _accumulate_leaf(var, g, raw, owned=False):
    """AccumulateGrad: run the leaf's hooks, then add ``g`` into ``var.grad``. With ``owned``, ``g``
    is an array only the engine refers to, which becomes ``.grad`` without a copy."""
    if var._leaf_hooks:
        for hook in list(var._leaf_hooks.values()):
            res = hook(_wrap(g) if raw else g)
            if res is not None:
                g = res._data if raw else res
                owned = False
    old = var._grad
    if raw:
        if old is None:
            # an array shared with other gradients (or the caller's) is copied
            var._grad = _wrap(g if owned else g.copy())
        elif old._requires_grad:
            var._grad = _wrap(old._data + g)
        else:
            old._data += g
            old._bump_version()
    else:
        var._grad = g if old is None else old + g
    if var._post_acc_hooks:
        for hook in list(var._post_acc_hooks.values()):
            hook(var)
