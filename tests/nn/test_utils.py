"""nn.utils against PyTorch: gradient clipping and parameter/vector conversion."""
import numpy as np
import pytest

from ._helpers import assert_same_error, np_of, to_ember, torch

import ember
from ember import nn


def _params_with_grads(dtype="float32"):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in ((3, 4), (4,), (2, 2))]
    grads = [rng.standard_normal(a.shape).astype(dtype) * 3 for a in arrays]
    e = [nn.Parameter(ember.tensor(a)) for a in arrays]
    t = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    for pe, pt, g in zip(e, t, grads):
        pe.grad = ember.tensor(g.copy())
        pt.grad = torch.tensor(g.copy())
    return e, t


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("norm_type", [2.0, 1, float("inf"), 3.5])
@pytest.mark.parametrize("max_norm", [0.5, 1e4])
def test_clip_grad_norm(norm_type, max_norm, dtype):
    e, t = _params_with_grads(dtype)
    total_e = nn.utils.clip_grad_norm_(e, max_norm, norm_type=norm_type)
    total_t = torch.nn.utils.clip_grad_norm_(t, max_norm, norm_type=norm_type)
    assert isinstance(total_e, ember.Tensor) and total_e.dim() == 0
    np.testing.assert_allclose(np_of(total_e), np_of(total_t), rtol=1e-6)
    for pe, pt in zip(e, t):
        np.testing.assert_allclose(np_of(pe.grad), np_of(pt.grad), rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_nonfinite_and_empty():
    e, t = _params_with_grads()
    e[0].grad[0, 0] = float("nan")
    t[0].grad[0, 0] = float("nan")
    before = np_of(e[1].grad).copy()
    assert_same_error(lambda: nn.utils.clip_grad_norm_(e, 1.0, error_if_nonfinite=True),
                      lambda: torch.nn.utils.clip_grad_norm_(t, 1.0, error_if_nonfinite=True))
    np.testing.assert_array_equal(np_of(e[1].grad), before)
    assert float(nn.utils.clip_grad_norm_([nn.Parameter(ember.zeros(2))], 1.0)) == 0.0
    single = nn.Parameter(ember.ones(2))
    single.grad = ember.tensor([3.0, 4.0])
    assert float(nn.utils.clip_grad_norm_(single, 1.0, foreach=True)) == 5.0


def test_clip_grad_value():
    e, t = _params_with_grads()
    nn.utils.clip_grad_value_(e, 0.7)
    torch.nn.utils.clip_grad_value_(t, 0.7)
    for pe, pt in zip(e, t):
        np.testing.assert_array_equal(np_of(pe.grad), np_of(pt.grad))


def test_parameters_to_vector_and_back():
    e, t = _params_with_grads()
    ve, vt = nn.utils.parameters_to_vector(e), torch.nn.utils.parameters_to_vector(t)
    np.testing.assert_array_equal(np_of(ve), np_of(vt))
    new = ember.arange(20, dtype=ember.float32)
    nn.utils.vector_to_parameters(new, e)
    torch.nn.utils.vector_to_parameters(torch.arange(20, dtype=torch.float32), t)
    for pe, pt in zip(e, t):
        np.testing.assert_array_equal(np_of(pe), np_of(pt))
    before = [np_of(p).copy() for p in e]
    with pytest.raises(RuntimeError):
        nn.utils.vector_to_parameters(ember.zeros(5), e)
    for p, b in zip(e, before):
        np.testing.assert_array_equal(np_of(p), b)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got"):
        nn.utils.vector_to_parameters(np.zeros(20), e)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence(batch_first, padding_side):
    seqs = [torch.randn(n, 2) for n in (3, 1, 4)]
    t = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=batch_first, padding_value=-1.0,
                                        padding_side=padding_side)
    e = nn.utils.rnn.pad_sequence([to_ember(s) for s in seqs], batch_first=batch_first, padding_value=-1.0,
                                  padding_side=padding_side)
    np.testing.assert_array_equal(np_of(e), np_of(t))
