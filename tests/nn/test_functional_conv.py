"""ember.nn.functional convolution and pooling against torch.nn.functional: options, gradients, errors."""
import numpy as np
import pytest

from tests.nn._fcheck import check, same_error, torch

import ember  # noqa: E402
import ember.nn.functional as F  # noqa: E402

TF = torch.nn.functional
rng = np.random.default_rng(1)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("xs,ws,kw", [
    ((2, 3, 8, 7), (4, 3, 3, 3), {}),
    ((2, 4, 9, 9), (6, 2, 3, 3), {"stride": 2, "padding": 1, "groups": 2}),
    ((1, 2, 9, 8), (3, 2, 2, 3), {"stride": (2, 1), "padding": (1, 2), "dilation": (2, 1)}),
    ((1, 2, 6, 6), (2, 2, 2, 3), {"padding": "same", "dilation": 2}),
    ((1, 2, 6, 6), (2, 2, 3, 3), {"padding": "valid"}),
    ((2, 6, 5, 5), (6, 1, 3, 3), {"groups": 6, "padding": 1}),
    ((3, 6, 6), (4, 3, 3, 3), {})])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d(dtype, xs, ws, kw, bias):
    arrays = [rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype)]
    if bias:
        arrays.append(rng.standard_normal(ws[0]).astype(dtype))
    check(lambda *a: F.conv2d(*a, **kw), lambda *a: TF.conv2d(*a, **kw), arrays)


@pytest.mark.parametrize("kw", [{}, {"stride": 2, "padding": 2, "dilation": 2}, {"padding": "same"}])
def test_conv1d(kw):
    check(lambda *a: F.conv1d(*a, **kw), lambda *a: TF.conv1d(*a, **kw),
          [rng.standard_normal((2, 3, 11)), rng.standard_normal((4, 3, 3)), rng.standard_normal(4)])


@pytest.mark.parametrize("kw", [{}, {"stride": 2, "padding": 1, "output_padding": 1},
                                {"stride": (2, 3), "dilation": 2, "groups": 2}, {"stride": 3, "output_padding": 2}])
def test_conv_transpose2d(kw):
    check(lambda *a: F.conv_transpose2d(*a, **kw), lambda *a: TF.conv_transpose2d(*a, **kw),
          [rng.standard_normal((2, 4, 4, 5)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(3 * kw.get("groups", 1))])


def test_conv_transpose1d_and_conv3d():
    check(lambda *a: F.conv_transpose1d(*a, stride=2), lambda *a: TF.conv_transpose1d(*a, stride=2),
          [rng.standard_normal((2, 3, 5)), rng.standard_normal((3, 2, 3))])
    check(lambda *a: F.conv3d(*a, padding=1), lambda *a: TF.conv3d(*a, padding=1),
          [rng.standard_normal((1, 2, 4, 4, 3)), rng.standard_normal((3, 2, 2, 3, 2))])


def test_conv_double_backward_matches_torch():
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))
    ex, ew = (ember.tensor(a, requires_grad=True) for a in (x, w))
    tx, tw = (torch.tensor(a, requires_grad=True) for a in (x, w))
    eg = ember.autograd.grad((F.conv2d(ex, ew, stride=2, padding=1) ** 2).sum(), [ex, ew], create_graph=True)
    tg = torch.autograd.grad((TF.conv2d(tx, tw, stride=2, padding=1) ** 2).sum(), [tx, tw], create_graph=True)
    e2 = ember.autograd.grad(sum((g * g).sum() for g in eg), [ex, ew])
    t2 = torch.autograd.grad(sum((g * g).sum() for g in tg), [tx, tw])
    for a, b in zip(e2, t2):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-9)


def test_conv_errors():
    x = rng.standard_normal((2, 5, 8, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    same_error(lambda: F.conv2d(ember.tensor(x), ember.tensor(w)), lambda: TF.conv2d(torch.tensor(x), torch.tensor(w)))
    small = x[:, :3, :2, :2]
    same_error(lambda: F.conv2d(ember.tensor(small), ember.tensor(w)),
               lambda: TF.conv2d(torch.tensor(small), torch.tensor(w)))
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        F.conv2d(ember.tensor(x[:, :3]), ember.tensor(w), stride=2, padding="same")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("args,kw", [
    ((2,), {}), ((3,), {"stride": 2, "padding": 1}), (((2, 3),), {"stride": (2, 1), "dilation": (2, 1)}),
    ((3,), {"stride": 2, "ceil_mode": True}), ((2,), {"stride": 1}), ((3,), {"stride": 2, "padding": 1, "ceil_mode": True})])
def test_max_pool2d(dtype, args, kw):
    x = rng.standard_normal((2, 3, 7, 6)).astype(dtype)
    check(lambda a: F.max_pool2d(a, *args, **kw), lambda a: TF.max_pool2d(a, *args, **kw), [x])
    e_out, e_idx = F.max_pool2d(ember.tensor(x), *args, return_indices=True, **kw)
    t_out, t_idx = TF.max_pool2d(torch.tensor(x), *args, return_indices=True, **kw)
    np.testing.assert_array_equal(e_idx.numpy(), t_idx.numpy())
    assert e_idx.dtype.name == "int64"


def test_max_pool1d_3d_and_unbatched():
    x = rng.standard_normal((2, 3, 9))
    check(lambda a: F.max_pool1d(a, 3, 2, 1), lambda a: TF.max_pool1d(a, 3, 2, 1), [x], names=False)
    e, ei = F.max_pool1d(ember.tensor(x), 2, return_indices=True)
    t, ti = TF.max_pool1d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())
    check(lambda a: F.max_pool3d(a, 2), lambda a: TF.max_pool3d(a, 2), [rng.standard_normal((1, 2, 4, 4, 5))],
          names=False)
    check(lambda a: F.max_pool2d(a, 2), lambda a: TF.max_pool2d(a, 2), [rng.standard_normal((3, 6, 6))], names=False)


@pytest.mark.parametrize("args,kw", [
    ((2,), {}), ((3,), {"stride": 2, "padding": 1}), ((3,), {"stride": 2, "padding": 1, "count_include_pad": False}),
    ((3,), {"stride": 2, "ceil_mode": True}), ((3,), {"stride": 2, "padding": 1, "ceil_mode": True,
                                                       "count_include_pad": False}),
    (((2, 3),), {"divisor_override": 4})])
def test_avg_pool2d(args, kw):
    check(lambda a: F.avg_pool2d(a, *args, **kw), lambda a: TF.avg_pool2d(a, *args, **kw),
          [rng.standard_normal((2, 3, 7, 6))])


def test_avg_pool1d_3d():
    check(lambda a: F.avg_pool1d(a, 3, 2, 1), lambda a: TF.avg_pool1d(a, 3, 2, 1), [rng.standard_normal((2, 3, 9))],
          names=False)
    check(lambda a: F.avg_pool3d(a, 2), lambda a: TF.avg_pool3d(a, 2), [rng.standard_normal((1, 2, 4, 4, 5))],
          names=False)


@pytest.mark.parametrize("size", [1, 3, (2, 5), (7, 6), (4, None)])
def test_adaptive_pools(size):
    x = rng.standard_normal((2, 3, 7, 6))
    check(lambda a: F.adaptive_avg_pool2d(a, size), lambda a: TF.adaptive_avg_pool2d(a, size), [x], names=False)
    check(lambda a: F.adaptive_max_pool2d(a, size), lambda a: TF.adaptive_max_pool2d(a, size), [x], names=False)
    _, ei = F.adaptive_max_pool2d(ember.tensor(x), size, return_indices=True)
    _, ti = TF.adaptive_max_pool2d(torch.tensor(x), size, return_indices=True)
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())


def test_adaptive_1d():
    x = rng.standard_normal((2, 3, 10))
    check(lambda a: F.adaptive_avg_pool1d(a, 4), lambda a: TF.adaptive_avg_pool1d(a, 4), [x], names=False)
    check(lambda a: F.adaptive_max_pool1d(a, 4), lambda a: TF.adaptive_max_pool1d(a, 4), [x], names=False)


def test_pool_errors():
    x = rng.standard_normal((1, 1, 4, 4)).astype(np.float32)
    same_error(lambda: F.max_pool2d(ember.tensor(x), 3, padding=2), lambda: TF.max_pool2d(torch.tensor(x), 3, padding=2))
