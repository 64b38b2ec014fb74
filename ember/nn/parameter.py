"""``nn.Parameter``: a Tensor that a Module registers as one of its parameters."""
from .._tensor import Tensor

__all__ = ["Parameter", "Buffer"]

_new = object.__new__


class Parameter(Tensor):
    """A kind of Tensor that is to be considered a module parameter.

    Assigning a Parameter as a Module attribute adds it to the module's ``parameters()``.
    ``Parameter(data)`` shares ``data``'s storage and version counter, as PyTorch's does;
    ``requires_grad`` defaults to True even under ``no_grad``.
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        t = _new(cls)
        t._data = data._data
        t._node = None
        t._requires_grad = False
        t._vc = data._version_box()
        if requires_grad:
            if data._data.dtype.kind != "f":
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            t._requires_grad = True
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        # PyTorch copies the data and the flag, not the gradient
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.data, self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    # PyTorch's Buffer instances are plain Tensors flagged ``_is_buffer``; isinstance reads the flag
    def __instancecheck__(cls, instance):
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """A Tensor that is registered as a module buffer when assigned as a Module attribute.

    ``Buffer(data, persistent=True)`` returns a Tensor sharing ``data``'s storage; ``persistent``
    decides whether the buffer enters the module's ``state_dict``.
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Buffer(): argument 'data' must be Tensor, not {type(data).__name__}")
        t = data.detach()
        t._requires_grad = data._requires_grad
        t._is_buffer = True
        t.persistent = persistent
        return t
