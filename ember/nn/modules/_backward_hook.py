"""The identity node that module backward hooks hang on (PyTorch's ``BackwardHookFunctionBackward``).

It is bookkeeping, not maths: each output shares its input's data, and backward passes every
gradient through unchanged. One node spans all the tensors, so a hook on it sees all their
gradients at once, as PyTorch's multi-input ``BackwardHookFunction`` does.
"""
from ..._tensor import Tensor
from ...autograd.graph import Node, _sequence
from ...ops._op import edge_of

__all__ = ["backward_hook_identity"]

_new = object.__new__


class BackwardHookFunctionBackward(Node):
    """Passes gradients through unchanged; exists so hooks can see them together."""

    __slots__ = ()
    node_name = "BackwardHookFunctionBackward"

    def backward(self, xp, grad, *saved):
        return tuple(grad) if isinstance(grad, list) else (grad,)


def backward_hook_identity(tensors):
    """Return ``(outputs, node)``: aliases of ``tensors`` whose gradients flow through one identity node.

    Tensors that do not require grad come back unchanged (their gradient slot stays empty).
    """
    node = _new(BackwardHookFunctionBackward)
    node.next_functions = tuple(edge_of(t) for t in tensors)
    node.n_outputs = len(tensors)
    if len(tensors) == 1:
        node._shape, node._dtype = tensors[0]._data.shape, tensors[0]._data.dtype
    else:
        node._shape = tuple(t._data.shape for t in tensors)
        node._dtype = tuple(t._data.dtype for t in tensors)
    node._seq = next(_sequence)
    node._saved = None
    node._versions = None
    outs = []
    for nr, t in enumerate(tensors):
        if not t._requires_grad:
            outs.append(t)
            continue
        r = _new(Tensor)
        r._data = t._data
        r._node = node
        r._requires_grad = True
        r._vc = t._version_box()
        if nr:
            r._out_nr = nr
        outs.append(r)
    return outs, node
