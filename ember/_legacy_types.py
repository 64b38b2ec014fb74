"""PyTorch's legacy tensor types: ``torch.FloatTensor``, ``torch.LongTensor``, ...

Older tutorials build tensors with them (``torch.LongTensor([1, 2])``, ``torch.FloatTensor(2, 3)``) and
test types with them (``isinstance(t, torch.LongTensor)``, ``t.type(torch.DoubleTensor)``). Each is a class
whose call builds an ember Tensor of its dtype (data copied, sizes giving zeros) and whose ``isinstance``
checks the dtype, as PyTorch's ``tensortype`` metaclass does.
"""
from . import _dtype
from ._tensor import Tensor

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
           "ByteTensor", "BoolTensor"]


class tensortype(type):  # noqa: N801 - PyTorch's name for the metaclass
    """The metaclass of the legacy tensor types."""
    __module__ = "ember"  # type(ember.LongTensor) prints <class 'ember.tensortype'>, as PyTorch's

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._data.dtype == cls.dtype.numpy_dtype

    def __call__(cls, *args, **kwargs):
        """Build a tensor of this type: from data (copied, converted), a tensor of the same dtype (shared),
        or sizes (an uninitialised tensor; ember's are zeros)."""
        from ._creation import _legacy_tensor_new
        if kwargs.get("device") not in (None, "cpu"):
            from .device import _check_cpu
            _check_cpu(kwargs["device"])
        return _legacy_tensor_new(Tensor, args, {}, dtype=cls.dtype)


def _legacy(name, dtype):
    return tensortype(name, (), {"dtype": dtype, "__module__": "ember", "__qualname__": name,
                                 "__doc__": f"``{dtype!r}`` tensors (PyTorch's legacy ``torch.{name}``)."})


FloatTensor = _legacy("FloatTensor", _dtype.float32)
DoubleTensor = _legacy("DoubleTensor", _dtype.float64)
HalfTensor = _legacy("HalfTensor", _dtype.float16)
LongTensor = _legacy("LongTensor", _dtype.int64)
IntTensor = _legacy("IntTensor", _dtype.int32)
ShortTensor = _legacy("ShortTensor", _dtype.int16)
CharTensor = _legacy("CharTensor", _dtype.int8)
ByteTensor = _legacy("ByteTensor", _dtype.uint8)
BoolTensor = _legacy("BoolTensor", _dtype.bool)
