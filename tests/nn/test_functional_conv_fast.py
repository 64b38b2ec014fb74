"""Convolution's stride-1 fast paths (flat-shift input gradient) against torch: padding, dilation,
groups, 1d/2d/3d, conv_transpose, the small-channel CNN shapes, and non-finite weights (the general route)."""
import numpy as np
import pytest

from tests.nn._fcheck import check, torch

import ember  # noqa: E402
import ember.nn.functional as F  # noqa: E402

TF = torch.nn.functional
rng = np.random.default_rng(11)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("xs,ws,kw", [
    ((4, 1, 28, 28), (8, 1, 3, 3), {}),                       # the CNN benchmark's first layer
    ((4, 8, 13, 13), (16, 8, 3, 3), {}),                      # ... and its second
    ((2, 3, 7, 9), (4, 3, 2, 4), {"padding": (1, 2)}),
    ((2, 4, 8, 8), (6, 2, 3, 3), {"groups": 2, "dilation": (2, 1)}),
    ((2, 2, 6, 7), (3, 2, 2, 2), {"padding": "same"}),         # asymmetric padding
    ((2, 2, 6, 7), (3, 2, 4, 3), {"padding": "same", "dilation": 2}),
    ((1, 3, 5, 5), (2, 3, 5, 5), {}),                         # kernel as large as the input
    ((3, 2, 4, 6), (5, 2, 1, 1), {})])
def test_conv2d_stride1(dtype, xs, ws, kw):
    # weights scaled as nn.Conv2d initialises them: float32 gradients of unit-scale sums of 144 products
    # would lose more than the float32 tolerance to cancellation, in torch's order and ours alike
    scale = 1 / np.sqrt(np.prod(ws[1:]))
    arrays = [rng.standard_normal(xs).astype(dtype), (scale * rng.standard_normal(ws)).astype(dtype),
              rng.standard_normal(ws[0]).astype(dtype)]
    # the weight gradient sums up to 484 unit-scale products (values near 20): float32 rounding, in
    # torch's order or ours, reaches 1e-5 there; a wrong gradient is off by O(1)
    tol = (2e-5, 5e-5) if dtype == "float32" else None
    check(lambda *a: F.conv2d(*a, **kw), lambda *a: TF.conv2d(*a, **kw), arrays, tol=tol)


def test_conv1d_conv3d_stride1():
    check(lambda *a: F.conv1d(*a, padding=2, dilation=3), lambda *a: TF.conv1d(*a, padding=2, dilation=3),
          [rng.standard_normal((3, 2, 17)), rng.standard_normal((4, 2, 3))])
    check(lambda *a: F.conv3d(*a, padding=(0, 1, 2)), lambda *a: TF.conv3d(*a, padding=(0, 1, 2)),
          [rng.standard_normal((2, 3, 4, 5, 6)), rng.standard_normal((2, 3, 2, 3, 3))])


def test_conv_transpose2d_stride1():
    check(lambda *a: F.conv_transpose2d(*a, padding=1, dilation=2),
          lambda *a: TF.conv_transpose2d(*a, padding=1, dilation=2),
          [rng.standard_normal((2, 4, 5, 6)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(3)])


def test_conv2d_input_grad_with_nonfinite_weight():
    x = rng.standard_normal((2, 2, 6, 6))
    w = rng.standard_normal((3, 2, 3, 3))
    w[1, 0, 1, 2] = np.inf
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    g = rng.standard_normal((2, 3, 4, 4))
    g[0, 1] = 0.0  # zero gradients meet the infinite weight: NaN exactly where torch has NaN
    (eg,) = ember.autograd.grad(F.conv2d(ex, ember.tensor(w)), [ex], ember.tensor(g))
    (tg,) = torch.autograd.grad(TF.conv2d(tx, torch.tensor(w)), [tx], torch.tensor(g))
    np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=1e-9, atol=1e-9)


def test_conv2d_stride1_double_backward():
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2))
    ex, ew = (ember.tensor(a, requires_grad=True) for a in (x, w))
    tx, tw = (torch.tensor(a, requires_grad=True) for a in (x, w))
    eg = ember.autograd.grad((F.conv2d(ex, ew, padding=1) ** 2).sum(), [ex, ew], create_graph=True)
    tg = torch.autograd.grad((TF.conv2d(tx, tw, padding=1) ** 2).sum(), [tx, tw], create_graph=True)
    e2 = ember.autograd.grad(sum((g * g).sum() for g in eg), [ex, ew])
    t2 = torch.autograd.grad(sum((g * g).sum() for g in tg), [tx, tw])
    for a, b in zip(e2, t2):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-9)
