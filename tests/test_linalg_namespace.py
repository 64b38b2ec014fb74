"""ember.linalg and the top-level linalg twins against PyTorch: values, node names, gradients of
multi-output decompositions, and error texts. (The ops' generated tests cover inv, det, solve...)"""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _pair(a, requires_grad=False):
    return (ember.tensor(a.copy(), requires_grad=requires_grad), torch.tensor(a.copy(), requires_grad=requires_grad))


def _spd(n, seed=0):
    a = np.random.default_rng(seed).standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def _close(e, t, rtol=1e-7, atol=1e-9):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def _grads(fe, ft, a):
    e, t = _pair(a, True)
    ye, yt = fe(e), ft(t)
    w = np.random.default_rng(5).standard_normal(tuple(yt.shape))
    (ge,) = ember.autograd.grad(ye, [e], ember.tensor(w))
    (gt,) = torch.autograd.grad(yt, [t], torch.tensor(w))
    _close(ge, gt)
    return ye, yt


def test_slogdet_logabsdet_gradient_and_node():
    a = np.random.default_rng(1).standard_normal((3, 3))
    ye, yt = _grads(lambda x: ember.linalg.slogdet(x).logabsdet, lambda x: torch.linalg.slogdet(x).logabsdet, a)
    assert ye.grad_fn.name() == yt.grad_fn.name() == "LinalgSlogdetBackward0"
    e, t = _pair(a)
    _close(ember.linalg.slogdet(e).sign, torch.linalg.slogdet(t).sign)


def test_eigh_vectors_gradient_sign_invariant():
    # eigenvectors are defined up to sign: a loss even in each vector's sign compares fairly
    fe = lambda x: (ember.linalg.eigh(x).eigenvectors ** 2) * ember.linalg.eigh(x).eigenvalues
    ft = lambda x: (torch.linalg.eigh(x).eigenvectors ** 2) * torch.linalg.eigh(x).eigenvalues
    _grads(fe, ft, _spd(4))


def test_qr_gradient_through_q_and_r():
    a = np.random.default_rng(2).standard_normal((5, 3))
    ye, yt = _grads(lambda x: ember.linalg.qr(x).Q @ ember.linalg.qr(x).R.exp(),
                    lambda x: torch.linalg.qr(x).Q @ torch.linalg.qr(x).R.exp(), a)
    e, t = _pair(a)
    for mode in ("reduced", "complete"):
        _close(ember.linalg.qr(e, mode).Q, torch.linalg.qr(t, mode).Q)
        _close(ember.linalg.qr(e, mode).R, torch.linalg.qr(t, mode).R)


def test_svd_values_and_legacy_svd():
    a = np.random.default_rng(3).standard_normal((4, 3))
    e, t = _pair(a)
    ue, se, vhe = ember.linalg.svd(e, full_matrices=False)
    _close(ue @ ember.diag_embed(se) @ vhe, t)
    U, S, V = ember.svd(e)
    Ut, St, Vt = torch.svd(t)
    assert U.shape == Ut.shape and V.shape == Vt.shape
    _close(S, St)
    _close(U @ ember.diag_embed(S) @ V.mT, t)


@pytest.mark.parametrize("ord", [None, "fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf")])
def test_matrix_norms(ord):
    a = np.random.default_rng(4).standard_normal((2, 3, 4))
    ye, yt = _grads(lambda x: ember.linalg.matrix_norm(x, "fro" if ord is None else ord),
                    lambda x: torch.linalg.matrix_norm(x, "fro" if ord is None else ord), a)
    _close(ye, yt)
    assert ye.grad_fn.name() == yt.grad_fn.name()
    e, t = _pair(a[0])
    _close(ember.linalg.norm(e, ord), torch.linalg.norm(t, ord))
    _close(ember.linalg.matrix_norm(e, "fro" if ord is None else ord, dim=(1, 0), keepdim=True),
           torch.linalg.matrix_norm(t, "fro" if ord is None else ord, dim=(1, 0), keepdim=True))


def test_vector_norm_and_norm_dims():
    a = np.random.default_rng(6).standard_normal((2, 3, 4))
    e, t = _pair(a)
    _close(ember.linalg.vector_norm(e, 3, dim=(0, 2)), torch.linalg.vector_norm(t, 3, dim=(0, 2)))
    _close(ember.linalg.norm(e), torch.linalg.norm(t))
    _close(ember.linalg.norm(e, dim=1), torch.linalg.norm(t, dim=1))


def test_rank_power_multi_dot_pinv():
    rng = np.random.default_rng(7)
    low = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 5))
    e, t = _pair(low)
    assert ember.linalg.matrix_rank(e).item() == torch.linalg.matrix_rank(t).item() == 2
    assert ember.linalg.matrix_rank(e).dtype == ember.int64
    _close(ember.linalg.pinv(e), torch.linalg.pinv(t), atol=1e-8)
    m = rng.standard_normal((3, 3))
    e, t = _pair(m)
    for n in (0, 1, 2, 5, -3):
        _close(ember.linalg.matrix_power(e, n), torch.linalg.matrix_power(t, n))
    ye, yt = _grads(lambda x: ember.linalg.matrix_power(x, 3), lambda x: torch.linalg.matrix_power(x, 3), m)
    assert ye.grad_fn.name() == yt.grad_fn.name()
    v = rng.standard_normal(3)
    _close(ember.linalg.multi_dot([ember.tensor(v), e, e, ember.tensor(v)]),
           torch.linalg.multi_dot([torch.tensor(v), t, t, torch.tensor(v)]))


def test_top_level_twins():
    a = _spd(3)
    e, t = _pair(a, True)
    assert ember.det(e).grad_fn.name() == torch.det(t).grad_fn.name()
    _close(ember.inverse(e), torch.inverse(t))
    _close(ember.logdet(e), torch.logdet(t))
    with warnings.catch_warnings(record=True) as w_e:
        warnings.simplefilter("always")
        ce = ember.cholesky(e)
    with warnings.catch_warnings(record=True) as w_t:
        warnings.simplefilter("always")
        ct = torch.cholesky(t)
    _close(ce, ct)
    assert ce.grad_fn.name() == ct.grad_fn.name() == "CholeskyBackward0"
    assert str(w_e[0].message) == str(w_t[0].message).split(" (Triggered internally")[0]
    with warnings.catch_warnings(record=True) as w_e:
        warnings.simplefilter("always")
        _close(ember.qr(e).R, torch.qr(t).R)
    assert str(w_e[0].message) == str(w_e[1].message).split(" (Triggered internally")[0]
    u = np.random.default_rng(8).standard_normal((3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _close(ember.cross(ember.tensor(u), ember.tensor(u[::-1].copy())),
               torch.cross(torch.tensor(u), torch.tensor(u[::-1].copy())))
    _close(ember.linalg.cholesky(e, upper=True),
           torch.linalg.cholesky(t, upper=True))


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.inv(m.zeros(3, 3)), lambda m: m.linalg.inv(m.zeros(2, 3)),
    lambda m: m.linalg.inv(m.ones(3)), lambda m: m.linalg.inv(m.zeros(3, 3, dtype=m.long)),
    lambda m: m.linalg.cholesky(-m.eye(3)), lambda m: m.linalg.det(m.zeros(2, 3)),
    lambda m: m.linalg.solve(m.eye(3), m.ones(2)), lambda m: m.linalg.solve(m.zeros(3, 3), m.ones(3)),
    lambda m: m.linalg.vector_norm(m.arange(3)), lambda m: m.linalg.cross(m.ones(3, 2), m.ones(3, 2)),
    lambda m: m.linalg.matrix_power(m.ones(2, 3), 2), lambda m: m.linalg.eigh(m.ones(2, 3)),
    lambda m: m.linalg.matrix_norm(m.ones(2, 2), 3), lambda m: m.linalg.norm(m.ones(2, 2, 2), 2),
    lambda m: m.linalg.multi_dot([m.ones(2, 2)]), lambda m: m.linalg.multi_dot([m.ones(2, 2, 2), m.ones(2, 2)]),
    lambda m: m.linalg.matrix_rank(m.ones(3)), lambda m: m.linalg.svd(m.ones(3)),
    lambda m: m.linalg.solve(m.eye(3, dtype=m.float64), m.ones(3)),
])
def test_errors_match_torch(call):
    with pytest.raises(Exception) as t_info:
        call(torch)
    with pytest.raises(type(t_info.value).__mro__[0] if type(t_info.value).__name__ != "_LinAlgError"
                       else ember.linalg.LinAlgError) as e_info:
        call(ember)
    assert str(e_info.value) == str(t_info.value)
    assert isinstance(e_info.value, RuntimeError) == isinstance(t_info.value, RuntimeError)
