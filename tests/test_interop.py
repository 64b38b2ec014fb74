"""NumPy and DLPack interoperability, against torch's behaviour."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def test_dlpack_round_trips_share_memory_with_torch_and_numpy():
    e = ember.arange(6.0).reshape(2, 3)
    t = torch.from_dlpack(e)
    t[0, 0] = 100.0
    assert e.tolist()[0][0] == 100.0
    back = ember.from_dlpack(torch.ones(3, dtype=torch.float64))
    assert back.dtype == ember.float64 and back.tolist() == [1.0, 1.0, 1.0]
    a = np.from_dlpack(e)
    a[1, 1] = -1.0
    assert e.tolist()[1][1] == -1.0
    assert e.__dlpack_device__() == torch.ones(1).__dlpack_device__()


def test_dlpack_refuses_tensors_that_require_grad():
    with pytest.raises(RuntimeError, match="require gradient"):
        ember.ones(2, requires_grad=True).__dlpack__()


def test_numpy_functions_accept_tensors_like_torch():
    e, t = ember.ones(2, 2), torch.ones(2, 2)
    np.testing.assert_array_equal(np.asarray(e), np.asarray(t))
    assert np.asarray(e).dtype == np.asarray(t).dtype
    with pytest.raises(RuntimeError, match="Use tensor.detach"):
        np.asarray(ember.ones(2, requires_grad=True))


def test_from_numpy_shares_memory_and_rejects_unsupported_dtypes():
    a = np.zeros(3, dtype=np.float32)
    t = ember.from_numpy(a)
    a[0] = 7
    assert t.tolist() == [7.0, 0.0, 0.0]
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.complex128"):
        ember.from_numpy(np.zeros(2, dtype=np.complex128))
