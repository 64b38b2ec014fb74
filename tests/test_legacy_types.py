"""PyTorch's legacy tensor types (torch.LongTensor ...) and autograd.Variable, against torch itself."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
         "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("args", [([1, 0, 3],), ([[1.7, 2.5]],), ([[-1.5, 2.0]],), (2, 3), (4,), ()], ids=str)
def test_legacy_constructors(name, args):
    try:
        t = getattr(torch, name)(*args)
    except RuntimeError as err:  # -2.5 into uint8: the same overflow error
        with pytest.raises(RuntimeError) as info:
            getattr(ember, name)(*args)
        assert str(info.value) == str(err)
        return
    e = getattr(ember, name)(*args)
    assert e.dtype.name == str(t.dtype).split(".")[1] and tuple(e.shape) == tuple(t.shape)
    if args and isinstance(args[0], list):  # data (sizes give uninitialised memory in torch)
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert repr(getattr(ember, name)) == repr(getattr(torch, name)).replace("torch.", "ember.")


@pytest.mark.parametrize("name", NAMES)
def test_isinstance_and_type(name):
    for lib in (ember, torch):
        cls = getattr(lib, name)
        for dt in ("float32", "int64", "bool", "uint8"):
            x = lib.zeros(2, dtype=getattr(lib, dt))
            assert isinstance(x, cls) == isinstance(torch.zeros(2, dtype=getattr(torch, dt)), getattr(torch, name))
        assert lib.ones(2).type(cls).dtype == getattr(lib, str(getattr(torch, name).dtype).split(".")[1])
    assert repr(type(ember.LongTensor)) == repr(type(torch.LongTensor)).replace("torch.", "ember.")


def test_a_tensor_of_another_dtype_is_refused_as_in_pytorch():
    errors = []
    for lib in (ember, torch):
        with pytest.raises(TypeError) as info:
            lib.LongTensor(lib.tensor([1.0, 2.0]))
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    shared = ember.tensor([1, 2])
    assert ember.LongTensor(shared).data_ptr() == shared.data_ptr()


def test_variable():
    for lib in (ember, torch):
        Variable = lib.autograd.Variable
        t = lib.ones(2)
        v = Variable(t, requires_grad=True)
        assert v is not t and not t.requires_grad and v.requires_grad and v.is_leaf
        assert isinstance(v, Variable) and isinstance(t, Variable) and type(v) is lib.Tensor
        w = lib.ones(2, requires_grad=True) * 2
        assert Variable(w).grad_fn is None and not Variable(w).requires_grad
        with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
            Variable([1, 2])
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            Variable(lib.ones(1), volatile=True)
        assert any("volatile was removed" in str(m.message) for m in seen)
        (v * 3).sum().backward()
        assert v.grad.tolist() == [3.0, 3.0]
