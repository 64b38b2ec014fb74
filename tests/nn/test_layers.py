"""Every layer against PyTorch: weights copied from the torch layer, forward outputs, input and parameter
gradients (float32 and float64), buffers after the step, repr, and bad input leaving parameters untouched."""
import numpy as np
import pytest

from ._helpers import assert_same_error, ember_state, error_of, np_of, torch

import ember
from ember import nn

TOL = {"float32": dict(rtol=2e-4, atol=2e-5), "float64": dict(rtol=1e-9, atol=1e-11)}


def _ints(high):
    return lambda rng, shape: rng.integers(0, high, shape)


# name: (build(lib), input shapes (or (shape, maker)), forward kwargs, train-mode flag)
CASES = {
    "Linear": (lambda lib: lib.nn.Linear(5, 3), [(4, 5)]),
    "Linear-nobias-3d": (lambda lib: lib.nn.Linear(5, 3, bias=False), [(2, 4, 5)]),
    "Bilinear": (lambda lib: lib.nn.Bilinear(3, 4, 2), [(5, 3), (5, 4)]),
    "Identity": (lambda lib: lib.nn.Identity(7), [(2, 3)]),
    "Flatten": (lambda lib: lib.nn.Flatten(), [(2, 3, 4)]),
    "Unflatten": (lambda lib: lib.nn.Unflatten(1, (2, 3)), [(4, 6)]),
    "Conv1d": (lambda lib: lib.nn.Conv1d(2, 4, 3, stride=2, padding=1), [(2, 2, 9)]),
    "Conv2d": (lambda lib: lib.nn.Conv2d(3, 4, 3), [(2, 3, 6, 6)]),
    "Conv2d-same-dil-groups": (lambda lib: lib.nn.Conv2d(4, 6, 3, padding="same", dilation=2, groups=2,
                                                          bias=False), [(1, 4, 7, 7)]),
    "Conv2d-stride-pad": (lambda lib: lib.nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 0)), [(2, 2, 7, 5)]),
    "ConvTranspose2d": (lambda lib: lib.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1),
                        [(2, 3, 4, 4)]),
    "MaxPool1d": (lambda lib: lib.nn.MaxPool1d(2), [(2, 3, 8)]),
    "MaxPool2d": (lambda lib: lib.nn.MaxPool2d(3, stride=2, padding=1), [(2, 2, 7, 7)]),
    "AvgPool2d": (lambda lib: lib.nn.AvgPool2d(2), [(2, 3, 6, 6)]),
    "AdaptiveAvgPool2d": (lambda lib: lib.nn.AdaptiveAvgPool2d((2, 3)), [(2, 3, 7, 8)]),
    "BatchNorm1d": (lambda lib: lib.nn.BatchNorm1d(4), [(6, 4)]),
    "BatchNorm1d-3d-cma": (lambda lib: lib.nn.BatchNorm1d(3, momentum=None), [(4, 3, 5)]),
    "BatchNorm2d": (lambda lib: lib.nn.BatchNorm2d(3, affine=False), [(2, 3, 4, 4)]),
    "BatchNorm2d-eval": (lambda lib: lib.nn.BatchNorm2d(3).eval(), [(2, 3, 4, 4)]),
    "BatchNorm2d-untracked": (lambda lib: lib.nn.BatchNorm2d(3, track_running_stats=False), [(2, 3, 4, 4)]),
    "LayerNorm": (lambda lib: lib.nn.LayerNorm([3, 4]), [(2, 3, 4)]),
    "GroupNorm": (lambda lib: lib.nn.GroupNorm(2, 4), [(3, 4, 5)]),
    "Embedding": (lambda lib: lib.nn.Embedding(10, 3, padding_idx=1), [((4, 5), _ints(10))]),
    "Dropout-eval": (lambda lib: lib.nn.Dropout(0.5).eval(), [(3, 4)]),
    "Dropout2d-eval": (lambda lib: lib.nn.Dropout2d(0.5).eval(), [(2, 3, 4, 4)]),
    "RNN": (lambda lib: lib.nn.RNN(3, 4), [(5, 2, 3)]),
    "RNN-relu-2layer-bi": (lambda lib: lib.nn.RNN(3, 4, 2, nonlinearity="relu", bidirectional=True), [(4, 2, 3)]),
    "LSTM": (lambda lib: lib.nn.LSTM(3, 4, batch_first=True), [(2, 5, 3)]),
    "LSTM-2layer-bi-proj": (lambda lib: lib.nn.LSTM(3, 5, 2, bidirectional=True, proj_size=2), [(4, 2, 3)]),
    "LSTM-unbatched": (lambda lib: lib.nn.LSTM(3, 4), [(5, 3)]),
    "GRU": (lambda lib: lib.nn.GRU(3, 4, 2, batch_first=True, bidirectional=True), [(2, 4, 3)]),
    "GRU-initial-state": (lambda lib: lib.nn.GRU(3, 4), [(5, 2, 3), (1, 2, 4)]),
    "RNNCell": (lambda lib: lib.nn.RNNCell(3, 4), [(2, 3), (2, 4)]),
    "LSTMCell": (lambda lib: lib.nn.LSTMCell(3, 4), [(2, 3)]),
    "GRUCell": (lambda lib: lib.nn.GRUCell(3, 4, bias=False), [(2, 3)]),
    "MultiheadAttention": (lambda lib: lib.nn.MultiheadAttention(8, 2), [(4, 2, 8), (5, 2, 8), (5, 2, 8)]),
    "MultiheadAttention-bf-kv": (lambda lib: lib.nn.MultiheadAttention(8, 2, batch_first=True, kdim=3, vdim=5,
                                                                        add_bias_kv=True), [(2, 4, 8), (2, 5, 3),
                                                                                            (2, 5, 5)]),
}
ACTIVATIONS = ["ReLU", "LeakyReLU", "ELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Softplus", "Hardtanh",
               "ReLU6", "SELU", "CELU", "Softsign", "Tanhshrink", "LogSigmoid", "Hardswish", "Hardsigmoid",
               "Softshrink", "Hardshrink", "PReLU"]
for _name in ACTIVATIONS:
    CASES[_name] = (lambda lib, n=_name: getattr(lib.nn, n)(), [(3, 5)])
CASES["GELU-tanh"] = (lambda lib: lib.nn.GELU(approximate="tanh"), [(3, 5)])
CASES["Softmax"] = (lambda lib: lib.nn.Softmax(dim=1), [(3, 5)])
CASES["LogSoftmax"] = (lambda lib: lib.nn.LogSoftmax(dim=0), [(3, 5)])
CASES["GLU"] = (lambda lib: lib.nn.GLU(), [(3, 6)])


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return [] if out is None else [out]


def _inputs(specs, dtype, rng):
    arrays = []
    for spec in specs:
        if isinstance(spec[0], tuple):
            shape, maker = spec
            arrays.append(maker(rng, shape).astype(np.int64))
        else:
            arrays.append(rng.standard_normal(spec).astype(dtype))
    return arrays


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_forward_and_gradients_match_torch(name, dtype):
    build, specs = CASES[name]
    torch.manual_seed(0)
    t = build(torch).to(getattr(torch, dtype))
    e = build(ember).to(getattr(ember, dtype))
    e.train(t.training)
    assert repr(e) == repr(t)
    e.load_state_dict(ember_state(t))
    rng = np.random.default_rng(1)
    arrays = _inputs(specs, dtype, rng)
    xt = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    xe = [ember.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    out_t, out_e = _flat(t(*xt)), _flat(e(*xe))
    assert len(out_t) == len(out_e)
    for oe, ot in zip(out_e, out_t):
        assert tuple(oe.shape) == tuple(ot.shape)
        np.testing.assert_allclose(np_of(oe), np_of(ot), **TOL[dtype])
    grads = [rng.standard_normal(tuple(o.shape)).astype(dtype) for o in out_t]
    live = [i for i, o in enumerate(out_t) if o.requires_grad]
    if not live:
        return
    torch.autograd.backward([out_t[i] for i in live], [torch.tensor(grads[i]) for i in live])
    ember.autograd.backward([out_e[i] for i in live], [ember.tensor(grads[i]) for i in live])
    for a, b in zip(xe, xt):
        if b.grad is not None:
            np.testing.assert_allclose(np_of(a.grad), np_of(b.grad), **TOL[dtype])
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        if pt.grad is None:
            assert pe.grad is None, n
        else:
            np.testing.assert_allclose(np_of(pe.grad), np_of(pt.grad), err_msg=n, **TOL[dtype])
    for (n, be), (_, bt) in zip(e.named_buffers(), t.named_buffers()):
        np.testing.assert_allclose(np_of(be), np_of(bt), err_msg=n, **TOL[dtype])


LOSSES = {
    "CrossEntropyLoss": (lambda lib: lib.nn.CrossEntropyLoss(), [(6, 4), ((6,), _ints(4))]),
    "CrossEntropyLoss-options": (lambda lib: lib.nn.CrossEntropyLoss(
        weight=lib.tensor([1.0, 2.0, 0.5, 1.0]), ignore_index=2, label_smoothing=0.1), [(6, 4), ((6,), _ints(4))]),
    "CrossEntropyLoss-sum-kdim": (lambda lib: lib.nn.CrossEntropyLoss(reduction="sum"), [(2, 3, 4), ((2, 4), _ints(3))]),
    "NLLLoss": (lambda lib: lib.nn.NLLLoss(reduction="none"), [(5, 3), ((5,), _ints(3))]),
    "MSELoss": (lambda lib: lib.nn.MSELoss(), [(3, 4), (3, 4)]),
    "L1Loss": (lambda lib: lib.nn.L1Loss(reduction="sum"), [(3, 4), (3, 4)]),
    "SmoothL1Loss": (lambda lib: lib.nn.SmoothL1Loss(beta=0.5), [(3, 4), (3, 4)]),
    "HuberLoss": (lambda lib: lib.nn.HuberLoss(delta=0.7), [(3, 4), (3, 4)]),
    "BCEWithLogitsLoss": (lambda lib: lib.nn.BCEWithLogitsLoss(pos_weight=lib.tensor([1.0, 2.0, 3.0])),
                          [(4, 3), ((4, 3), _ints(2))]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_modules_match_torch(name, dtype):
    build, specs = LOSSES[name]
    t, e = build(torch).to(getattr(torch, dtype)), build(ember).to(getattr(ember, dtype))
    assert repr(e) == repr(t)
    arrays = _inputs(specs, dtype, np.random.default_rng(2))
    if name.startswith("BCE"):
        arrays[1] = arrays[1].astype(dtype)
    xt = [torch.tensor(a, requires_grad=i == 0) for i, a in enumerate(arrays)]
    xe = [ember.tensor(a, requires_grad=i == 0) for i, a in enumerate(arrays)]
    lt, le = t(*xt), e(*xe)
    np.testing.assert_allclose(np_of(le), np_of(lt), **TOL[dtype])
    lt.sum().backward()
    le.sum().backward()
    np.testing.assert_allclose(np_of(xe[0].grad), np_of(xt[0].grad), **TOL[dtype])


def test_loss_module_signatures_and_reprs():
    for name in ("CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss",
                 "BCEWithLogitsLoss", "KLDivLoss", "CosineEmbeddingLoss", "MarginRankingLoss"):
        e, t = getattr(nn, name)(), getattr(torch.nn, name)()
        assert repr(e) == repr(t)
        assert {k: v for k, v in vars(e).items() if not k.startswith("_")} == \
            {k: v for k, v in vars(t).items() if not k.startswith("_")}
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.MSELoss(size_average=False).reduction == "sum"


def test_bad_input_to_linear_leaves_parameters_untouched():
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU())
    e = nn.Sequential(nn.Linear(784, 128), nn.ReLU())
    e.load_state_dict(ember_state(t))
    before = [np_of(p).copy() for p in e.parameters()]
    assert_same_error(lambda: e(ember.zeros(64, 100)), lambda: t(torch.zeros(64, 100)))
    for p, b in zip(e.parameters(), before):
        np.testing.assert_array_equal(np_of(p), b)
        assert p.grad is None


def test_batchnorm_bad_input_counts_no_batch():
    e = nn.BatchNorm1d(3)
    assert_same_error(lambda: e(ember.zeros(2, 3, 4, 5)), lambda: torch.nn.BatchNorm1d(3)(torch.zeros(2, 3, 4, 5)))
    assert int(e.num_batches_tracked) == 0


@pytest.mark.parametrize("build,x_shape", [
    (lambda lib: lib.nn.LSTM(3, 4), (5, 2, 2)), (lambda lib: lib.nn.LSTM(3, 4), (5, 2, 2, 2)),
    (lambda lib: lib.nn.GRU(3, 4), (2, 3, 3, 3)), (lambda lib: lib.nn.RNN(3, 4), (3,)),
    (lambda lib: lib.nn.RNN(3, 4, batch_first=True), (2, 5, 3)),
])
def test_rnn_shape_errors_match_torch(build, x_shape):
    def run(lib, hx_shape=None):
        m = build(lib)
        hx = None if hx_shape is None else lib.zeros(*hx_shape)
        return m(lib.zeros(*x_shape), hx)
    for hx_shape in (None, (2, 2, 4), (2, 4)):
        assert error_of(lambda: run(ember, hx_shape)) == error_of(lambda: run(torch, hx_shape))


def test_dropout_train_mode_scales_and_zeroes():
    ember.manual_seed(0)
    x = ember.ones(1000)
    y = nn.Dropout(0.25)(x)
    kept = np_of(y)[np_of(y) != 0]
    np.testing.assert_allclose(kept, 1 / 0.75, rtol=1e-6)
    assert 0.6 < kept.size / 1000 < 0.9
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)


def test_embedding_from_pretrained_and_padding_gradient():
    weights = ember.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    emb = nn.Embedding.from_pretrained(weights, padding_idx=0)
    temb = torch.nn.Embedding.from_pretrained(torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), padding_idx=0)
    assert repr(emb) == repr(temb) and not emb.weight.requires_grad
    np.testing.assert_array_equal(np_of(emb(ember.tensor([2, 0]))), [[5.0, 6.0], [1.0, 2.0]])
    emb = nn.Embedding(4, 2, padding_idx=-1)
    emb(ember.tensor([3, 1, 3])).sum().backward()
    assert emb.padding_idx == 3 and np_of(emb.weight.grad)[3].tolist() == [0.0, 0.0]
