"""``torch.autograd.Variable``: the pre-0.4 wrapper, now a tensor with ``requires_grad`` set.

``Variable(t, requires_grad=True)`` returns a new tensor sharing ``t``'s data, detached from any graph,
with ``requires_grad`` as asked; ``isinstance(x, Variable)`` is True for every tensor. As in PyTorch.
"""
import warnings

__all__ = ["Variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        from .._tensor import Tensor
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """Return ``data`` as a leaf tensor (sharing its memory) that requires grad when ``requires_grad``."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        from .._tensor import Tensor
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        return data.detach().requires_grad_(requires_grad)
