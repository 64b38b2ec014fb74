"""Max pooling's non-overlapping fast path (stride = kernel, no padding or dilation) against torch:
ties (PyTorch routes a window's gradient to its first maximum), odd sizes, NaN and infinite gradients,
double backward, and the general route it must agree with."""
import numpy as np
import pytest

from tests.nn._fcheck import torch

import ember  # noqa: E402
import ember.nn.functional as F  # noqa: E402

TF = torch.nn.functional
rng = np.random.default_rng(7)


def _grads(x, fn_e, fn_t, g=None):
    ex, tx = ember.tensor(x.copy(), requires_grad=True), torch.tensor(x.copy(), requires_grad=True)
    eo, to = fn_e(ex), fn_t(tx)
    np.testing.assert_array_equal(eo.detach().numpy(), to.detach().numpy())
    if g is None:
        g = rng.standard_normal(tuple(to.shape)).astype(x.dtype)
    (eg,) = ember.autograd.grad(eo, [ex], ember.from_numpy(g.copy()))
    (tg,) = torch.autograd.grad(to, [tx], torch.from_numpy(g.copy()))
    return eg.numpy(), tg.numpy()


def _same(e, t):
    """Equal values and equal signs of zero (printing shows -0.)."""
    np.testing.assert_array_equal(e, t)
    np.testing.assert_array_equal(np.signbit(e), np.signbit(t))


def _tied(shape, dtype="float32"):
    """Few distinct values and a ReLU: many windows hold equal maxima, many are all zero."""
    return np.maximum(rng.integers(-3, 3, shape), 0).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,k", [((4, 3, 8, 8), 2), ((4, 3, 11, 11), 2), ((2, 2, 9, 7), 3),
                                     ((2, 2, 8, 9), (2, 3)), ((3, 5, 6), 2), ((2, 3, 12, 12), 4)])
def test_max_pool2d_ties_route_to_first_maximum(dtype, shape, k):
    x = _tied(shape, dtype)
    eg, tg = _grads(x, lambda a: F.max_pool2d(a, k), lambda a: TF.max_pool2d(a, k))
    _same(eg, tg)


def test_max_pool2d_all_equal_windows():
    x = np.zeros((2, 2, 6, 6), dtype=np.float32)
    x[0, 0, 0, 1] = x[0, 0, 1, 0] = 5.0   # a tie between the second and third taps
    x[1, 1, 2:4, 2:4] = -1.0              # a window of equal negatives
    eg, tg = _grads(x, lambda a: F.max_pool2d(a, 2), lambda a: TF.max_pool2d(a, 2))
    _same(eg, tg)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_max_pool2d_random_matches_torch(dtype):
    x = rng.standard_normal((8, 4, 13, 10)).astype(dtype)
    eg, tg = _grads(x, lambda a: F.max_pool2d(a, 2), lambda a: TF.max_pool2d(a, 2))
    _same(eg, tg)


def test_max_pool2d_nan_takes_general_route():
    x = _tied((2, 2, 6, 6))
    x[0, 0, 0, 1] = x[0, 0, 1, 1] = np.nan   # PyTorch picks the last NaN of a window
    x[1, 1, 4, 4] = np.nan
    ex, tx = ember.tensor(x.copy(), requires_grad=True), torch.tensor(x.copy(), requires_grad=True)
    eo, to = F.max_pool2d(ex, 2), TF.max_pool2d(tx, 2)
    np.testing.assert_array_equal(eo.detach().numpy(), to.detach().numpy())
    g = rng.standard_normal(tuple(to.shape)).astype(np.float32)
    (eg,) = ember.autograd.grad(eo, [ex], ember.from_numpy(g))
    (tg,) = torch.autograd.grad(to, [tx], torch.from_numpy(g))
    _same(eg.numpy(), tg.numpy())


def test_max_pool2d_infinite_gradient_stays_at_argmax():
    x = _tied((2, 3, 6, 6))
    g = rng.standard_normal((2, 3, 3, 3)).astype(np.float32)
    g[0, 0, 0, 0], g[1, 2, 1, 1], g[0, 1, 2, 0] = np.inf, -np.inf, np.nan
    eg, tg = _grads(x, lambda a: F.max_pool2d(a, 2), lambda a: TF.max_pool2d(a, 2), g)
    _same(eg, tg)


def test_max_pool2d_negative_zero_gradients():
    x = _tied((2, 3, 6, 8))
    g = -np.abs(rng.standard_normal((2, 3, 3, 4))).astype(np.float32)
    g[0, 0] = -0.0
    eg, tg = _grads(x, lambda a: F.max_pool2d(a, 2), lambda a: TF.max_pool2d(a, 2), g)
    _same(eg, tg)


def test_max_pool_fast_path_1d_3d_and_indices():
    x1 = _tied((3, 4, 11), "float64")
    eg, tg = _grads(x1, lambda a: F.max_pool1d(a, 2), lambda a: TF.max_pool1d(a, 2))
    _same(eg, tg)
    x3 = _tied((2, 2, 4, 5, 6), "float64")
    eg, tg = _grads(x3, lambda a: F.max_pool3d(a, 2), lambda a: TF.max_pool3d(a, 2))
    _same(eg, tg)
    x = _tied((2, 3, 7, 8))
    (eo, ei), (to, ti) = F.max_pool2d(ember.tensor(x), 2, return_indices=True), \
        TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(eo.numpy(), to.numpy())
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())


@pytest.mark.parametrize("shape", [(2, 3, 6, 6), (2, 2, 7, 5)])
def test_max_pool2d_double_backward_with_ties(shape):
    x = _tied(shape, "float64")
    ex, tx = ember.tensor(x.copy(), requires_grad=True), torch.tensor(x.copy(), requires_grad=True)
    ey, ty = F.max_pool2d(ex, 2), TF.max_pool2d(tx, 2)
    v = rng.standard_normal(tuple(ty.shape))
    ev, tv = ember.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
    (eg,) = ember.autograd.grad((ey * ev).sum(), [ex], create_graph=True)
    (tg,) = torch.autograd.grad((ty * tv).sum(), [tx], create_graph=True)
    np.testing.assert_array_equal(eg.detach().numpy(), tg.detach().numpy())
    w = rng.standard_normal(shape)
    (egv,) = ember.autograd.grad((eg * ember.tensor(w)).sum(), [ev])
    (tgv,) = torch.autograd.grad((tg * torch.tensor(w)).sum(), [tv])
    np.testing.assert_array_equal(egv.numpy(), tgv.numpy())


def test_max_pool2d_integer_input():
    x = rng.integers(-5, 5, (2, 3, 6, 7))
    np.testing.assert_array_equal(F.max_pool2d(ember.tensor(x), 2).numpy(), TF.max_pool2d(torch.tensor(x), 2).numpy())
