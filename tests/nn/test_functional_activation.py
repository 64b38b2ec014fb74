"""Activations of ember.nn.functional against torch: options, in-place variants, errors, stability."""
import numpy as np
import pytest

from tests.nn._fcheck import check, same_error, torch

import ember  # noqa: E402
import ember.nn.functional as F  # noqa: E402

TF = torch.nn.functional
X = np.linspace(-6, 6, 24).reshape(4, 6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kw", [
    ("relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("elu", {"alpha": 0.7}), ("selu", {}), ("celu", {"alpha": 2.0}),
    ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("mish", {}), ("softplus", {"beta": 2, "threshold": 3}),
    ("hardtanh", {"min_val": -2.0, "max_val": 0.5}), ("relu6", {}), ("hardsigmoid", {}), ("hardswish", {}),
    ("logsigmoid", {}), ("softsign", {}), ("tanhshrink", {}), ("threshold", {"threshold": 0.5, "value": -3.0}),
    ("softshrink", {"lambd": 1.0}), ("hardshrink", {"lambd": 1.0}), ("glu", {"dim": 1}), ("sigmoid", {}), ("tanh", {})])
def test_activation_values_and_gradients(dtype, name, kw):
    x = X.astype(dtype) + 0.01  # keep off the kinks, where subgradient conventions differ
    check(lambda a: getattr(F, name)(a, **kw), lambda a: getattr(TF, name)(a, **kw), [x])


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "selu", "celu", "silu", "mish", "hardtanh", "relu6",
                                  "hardsigmoid", "hardswish", "threshold"])
def test_inplace_variants_write_into_input(name):
    args = (0.5, -1.0) if name == "threshold" else ()
    e, t = ember.tensor(X.copy()), torch.tensor(X.copy())
    out = getattr(F, name)(e, *args, inplace=True)
    getattr(TF, name)(t, *args, inplace=True)
    assert out is e
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)


def test_prelu_weights_and_errors():
    check(F.prelu, TF.prelu, [np.random.default_rng(0).standard_normal((2, 3, 4)), np.array([0.1, 0.3, -0.2])])
    check(F.prelu, TF.prelu, [X, np.array([0.25])])
    same_error(lambda: F.prelu(ember.zeros(2, 3, 4), ember.zeros(2)), lambda: TF.prelu(torch.zeros(2, 3, 4), torch.zeros(2)))


def test_errors_match_torch():
    same_error(lambda: F.gelu(ember.zeros(2), approximate="foo"), lambda: TF.gelu(torch.zeros(2), approximate="foo"))
    same_error(lambda: F.glu(ember.zeros(3, 5)), lambda: TF.glu(torch.zeros(3, 5)))
    same_error(lambda: F.leaky_relu(ember.tensor([1, 2])), lambda: TF.leaky_relu(torch.tensor([1, 2])))


def test_extreme_inputs_stay_finite():
    big = np.array([-1e4, -100.0, 0.0, 100.0, 1e4], dtype=np.float32)
    for name in ["softplus", "logsigmoid", "silu", "mish", "elu", "gelu"]:
        check(lambda a: getattr(F, name)(a), lambda a: getattr(TF, name)(a), [big])


@pytest.mark.parametrize("name", ["gelu", "elu", "silu", "mish", "softplus", "logsigmoid", "leaky_relu", "glu"])
def test_double_backward(name):
    x = X + 0.01
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (eg,) = ember.autograd.grad((getattr(F, name)(ex) ** 2).sum(), [ex], create_graph=True)
    (tg,) = torch.autograd.grad((getattr(TF, name)(tx) ** 2).sum(), [tx], create_graph=True)
    (e2,) = ember.autograd.grad((eg * eg).sum(), [ex])
    (t2,) = torch.autograd.grad((tg * tg).sum(), [tx])
    np.testing.assert_allclose(e2.numpy(), t2.numpy(), rtol=1e-8, atol=1e-10)


def test_softmax_family_and_default_dim_warning():
    check(lambda a: F.softmax(a, dim=1), lambda a: TF.softmax(a, dim=1), [X])
    check(lambda a: F.log_softmax(a, 0), lambda a: TF.log_softmax(a, 0), [X])
    check(lambda a: F.softmin(a, 1), lambda a: TF.softmin(a, 1), [X], names=False)
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        F.softmax(ember.tensor(X))


def test_shrinks_keep_signed_zeros_and_nan_as_pytorch():
    import torch
    values = [-1.0, 0.2, -0.3, 0.7, -0.0, 0.0, float("nan"), 0.5, -0.5]
    for name in ("softshrink", "hardshrink"):
        e = getattr(ember.nn.functional, name)(ember.tensor(values)).numpy()
        t = getattr(torch.nn.functional, name)(torch.tensor(values)).numpy()
        np.testing.assert_array_equal(e, t)
        np.testing.assert_array_equal(np.signbit(e), np.signbit(t))
