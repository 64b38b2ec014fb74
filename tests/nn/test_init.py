"""nn.init against PyTorch: exact values after manual_seed (same draws), gains, fans and errors."""
import math

import numpy as np
import pytest

from ._helpers import assert_same_error, np_of, torch

import ember
from ember import nn
from ember.nn import init


def _both(shape, fn_name, *args, dtype="float32", **kwargs):
    ember.manual_seed(7)
    torch.manual_seed(7)
    e = ember.zeros(*shape, dtype=getattr(ember, dtype))
    t = torch.zeros(*shape, dtype=getattr(torch, dtype))
    re_ = getattr(init, fn_name)(e, *args, **kwargs)
    rt = getattr(torch.nn.init, fn_name)(t, *args, **kwargs)
    assert re_ is e and rt is t
    return np_of(e), np_of(t)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn_name,args,kwargs", [
    ("uniform_", (-0.5, 2.0), {}), ("normal_", (1.0, 0.3), {}), ("constant_", (0.25,), {}), ("ones_", (), {}),
    ("zeros_", (), {}), ("eye_", (), {}), ("xavier_uniform_", (), {"gain": 2.0}), ("xavier_normal_", (), {}),
    ("kaiming_uniform_", (), {"a": math.sqrt(5)}), ("kaiming_uniform_", (), {"mode": "fan_out",
                                                                            "nonlinearity": "relu"}),
    ("kaiming_normal_", (), {}), ("trunc_normal_", (), {}), ("trunc_normal_", (), {"a": 1.5, "b": 3.0}),
])
def test_exact_values_after_seed(fn_name, args, kwargs, dtype):
    e, t = _both((13, 17), fn_name, *args, dtype=dtype, **kwargs)
    np.testing.assert_array_equal(e, t)


@pytest.mark.parametrize("shape", [(5, 7), (7, 5), (4, 2, 3)])
def test_orthogonal_matches_torch(shape):
    e, t = _both(shape, "orthogonal_", gain=1.5)
    # the same normal draws; the QR factorisation itself differs only in rounding (both LAPACK Householder)
    np.testing.assert_allclose(e, t, atol=1e-5)
    flat = e.reshape(shape[0], -1) / 1.5
    gram = flat @ flat.T if shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(gram, np.eye(gram.shape[0]), atol=1e-5)


@pytest.mark.parametrize("shape,groups", [((4, 2, 3), 1), ((6, 2, 3, 3), 2), ((2, 2, 1, 3, 3), 1)])
def test_dirac(shape, groups):
    e, t = _both(shape, "dirac_", groups=groups)
    np.testing.assert_array_equal(e, t)


def test_gain_and_fans_match_torch():
    for args in (("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                 ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu",)):
        assert init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)
    for shape in ((3, 4), (5, 2, 3, 3), (2, 2, 7)):
        assert init._calculate_fan_in_and_fan_out(ember.zeros(*shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))


def test_errors_match_torch():
    cases = [("calculate_gain", ("swish",)), ("calculate_gain", ("leaky_relu", True)),
             ("_calculate_fan_in_and_fan_out", ("T1",)), ("eye_", ("T3",)), ("dirac_", ("T2",)),
             ("orthogonal_", ("T1",)), ("kaiming_uniform_", ("T2",), {"mode": "fan_avg"})]
    for fn_name, args, *kw in cases:
        kwargs = kw[0] if kw else {}

        def run(lib, mod):
            real = [lib.zeros(*(3,) * int(a[1])) if isinstance(a, str) and a.startswith("T") else a for a in args]
            return getattr(mod, fn_name)(*real, **kwargs)
        assert_same_error(lambda: run(ember, init), lambda: run(torch, torch.nn.init))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        init.dirac_(ember.zeros(3, 2, 3), groups=2)


def test_zero_element_warning_and_no_grad_recording():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(ember.zeros(0, 3))
    p = nn.Parameter(ember.zeros(3, 3))
    init.normal_(p)
    assert p.grad_fn is None and p.requires_grad and p._version > 0


@pytest.mark.parametrize("build", [
    lambda lib: lib.nn.Linear(784, 128), lambda lib: lib.nn.Conv2d(3, 8, 3), lambda lib: lib.nn.Conv1d(2, 4, 5),
    lambda lib: lib.nn.ConvTranspose2d(3, 4, 2), lambda lib: lib.nn.Bilinear(3, 4, 5),
    lambda lib: lib.nn.Embedding(10, 4, padding_idx=2), lambda lib: lib.nn.LSTM(3, 5, 2, bidirectional=True),
    lambda lib: lib.nn.GRU(3, 4), lambda lib: lib.nn.RNN(2, 3), lambda lib: lib.nn.LSTMCell(3, 4),
    lambda lib: lib.nn.MultiheadAttention(8, 2, add_bias_kv=True), lambda lib: lib.nn.MultiheadAttention(8, 2, kdim=3),
    lambda lib: lib.nn.PReLU(3), lambda lib: lib.nn.BatchNorm2d(3), lambda lib: lib.nn.LayerNorm(4),
])
def test_default_initialisation_is_torch_bit_for_bit(build):
    ember.manual_seed(0)
    torch.manual_seed(0)
    e, t = build(ember), build(torch)
    se, st = e.state_dict(), t.state_dict()
    assert list(se) == list(st)
    for k in st:
        np.testing.assert_array_equal(np_of(se[k]), np_of(st[k]), err_msg=k)


def test_deprecated_aliases_warn():
    with pytest.warns(FutureWarning, match="nn.init.normal` is now deprecated"):
        init.normal(ember.zeros(2))
