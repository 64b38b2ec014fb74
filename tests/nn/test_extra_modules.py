"""The added torch.nn layers and losses against PyTorch: reprs, default initialisation after manual_seed,
forward values and input/parameter gradients (weights copied from the torch layer; float32 and float64),
running statistics, and PyTorch's error messages for bad input."""
import warnings

import numpy as np
import pytest

from ._helpers import assert_same_error, ember_state, np_of, torch

import ember
from ember import nn

TOL = {"float32": dict(rtol=2e-4, atol=2e-5), "float64": dict(rtol=1e-9, atol=1e-11)}


def _ints(high, low=0):
    return lambda rng, shape: rng.integers(low, high, shape)


def _signs(rng, shape):
    return rng.choice([-1.0, 1.0], shape)


def _positive(rng, shape):
    return rng.uniform(0.2, 2.0, shape)


def _counts(rng, shape):
    return rng.integers(0, 5, shape).astype(float)


def _labels(rng, shape):
    """Multilabel-margin targets: a few distinct classes per row, then -1."""
    out = np.full(shape, -1)
    for row in out.reshape(-1, shape[-1]):
        k = rng.integers(1, shape[-1])
        row[:k] = rng.permutation(shape[-1])[:k]
    return out


def _multi_hot(rng, shape):
    return rng.integers(0, 2, shape).astype(float)


# name: (build(lib), input specs: a shape (standard normal, differentiable) or (shape, maker, dtype))
CASES = {
    "Conv3d": (lambda lib: lib.nn.Conv3d(2, 3, 3, stride=2, padding=1), [(2, 2, 5, 6, 5)]),
    "Conv3d-groups-nobias": (lambda lib: lib.nn.Conv3d(4, 2, (2, 3, 1), groups=2, bias=False), [(1, 4, 4, 4, 3)]),
    "Conv3d-circular": (lambda lib: lib.nn.Conv3d(2, 2, 3, padding=1, padding_mode="circular"), [(1, 2, 4, 4, 4)]),
    "ConvTranspose3d": (lambda lib: lib.nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1, output_padding=1),
                        [(2, 2, 3, 3, 2)]),
    "InstanceNorm1d": (lambda lib: lib.nn.InstanceNorm1d(3), [(2, 3, 6)]),
    "InstanceNorm1d-unbatched": (lambda lib: lib.nn.InstanceNorm1d(3, affine=True), [(3, 6)]),
    "InstanceNorm2d-tracked": (lambda lib: lib.nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
                               [(2, 3, 4, 5)]),
    "InstanceNorm2d-tracked-eval": (lambda lib: lib.nn.InstanceNorm2d(3, track_running_stats=True).eval(),
                                    [(2, 3, 4, 5)]),
    "InstanceNorm3d": (lambda lib: lib.nn.InstanceNorm3d(2, affine=True), [(2, 2, 3, 3, 3)]),
    "Upsample-nearest": (lambda lib: lib.nn.Upsample(scale_factor=2), [(2, 3, 3, 4)]),
    "Upsample-nearest-size": (lambda lib: lib.nn.Upsample(size=(5, 7)), [(1, 2, 3, 4)]),
    "Upsample-nearest-1.5": (lambda lib: lib.nn.Upsample(scale_factor=1.5), [(1, 2, 5)]),
    "Upsample-nearest-3d": (lambda lib: lib.nn.Upsample(scale_factor=(2, 1, 3)), [(1, 2, 2, 3, 2)]),
    "Upsample-bilinear": (lambda lib: lib.nn.Upsample(scale_factor=2, mode="bilinear"), [(2, 2, 3, 4)]),
    "Upsample-bilinear-ac": (lambda lib: lib.nn.Upsample(size=(5, 3), mode="bilinear", align_corners=True),
                             [(1, 2, 4, 4)]),
    "Upsample-linear": (lambda lib: lib.nn.Upsample(scale_factor=2.5, mode="linear"), [(2, 2, 5)]),
    "Upsample-trilinear": (lambda lib: lib.nn.Upsample(size=(3, 4, 2), mode="trilinear"), [(1, 1, 2, 3, 4)]),
    "UpsamplingNearest2d": (lambda lib: lib.nn.UpsamplingNearest2d(scale_factor=3), [(1, 2, 2, 3)]),
    "UpsamplingBilinear2d": (lambda lib: lib.nn.UpsamplingBilinear2d(size=(4, 6)), [(1, 2, 3, 3)]),
    "ZeroPad1d": (lambda lib: lib.nn.ZeroPad1d((1, 2)), [(2, 3, 4)]),
    "ZeroPad2d": (lambda lib: lib.nn.ZeroPad2d((1, 0, 2, 1)), [(2, 3, 4)]),
    "ZeroPad3d": (lambda lib: lib.nn.ZeroPad3d(1), [(1, 2, 2, 3, 2)]),
    "ConstantPad1d": (lambda lib: lib.nn.ConstantPad1d(2, 3.5), [(2, 4)]),
    "ConstantPad2d": (lambda lib: lib.nn.ConstantPad2d((1, 2, 0, 1), -1.0), [(1, 2, 3, 3)]),
    "ConstantPad3d": (lambda lib: lib.nn.ConstantPad3d((1, 0, 0, 1, 2, 0), 0.5), [(1, 2, 2, 2)]),
    "ReflectionPad1d": (lambda lib: lib.nn.ReflectionPad1d((2, 1)), [(2, 3, 4)]),
    "ReflectionPad2d": (lambda lib: lib.nn.ReflectionPad2d((1, 2, 2, 0)), [(1, 2, 4, 4)]),
    "ReplicationPad1d": (lambda lib: lib.nn.ReplicationPad1d(3), [(2, 3, 4)]),
    "ReplicationPad2d": (lambda lib: lib.nn.ReplicationPad2d((1, 0, 2, 3)), [(1, 2, 3, 3)]),
    "CircularPad1d": (lambda lib: lib.nn.CircularPad1d((1, 2)), [(2, 3, 4)]),
    "CircularPad2d": (lambda lib: lib.nn.CircularPad2d(1), [(1, 2, 3, 4)]),
    "PixelShuffle": (lambda lib: lib.nn.PixelShuffle(2), [(2, 8, 3, 2)]),
    "PixelUnshuffle": (lambda lib: lib.nn.PixelUnshuffle(2), [(3, 2, 4, 6)]),
    "ChannelShuffle": (lambda lib: lib.nn.ChannelShuffle(3), [(2, 6, 2, 2)]),
    "CosineSimilarity": (lambda lib: lib.nn.CosineSimilarity(dim=1), [(4, 5), (4, 5)]),
    "PairwiseDistance": (lambda lib: lib.nn.PairwiseDistance(p=3.0, keepdim=True), [(4, 5), (4, 5)]),
    "PairwiseDistance-2": (lambda lib: lib.nn.PairwiseDistance(), [(4, 5), (4, 5)]),
    "Unfold": (lambda lib: lib.nn.Unfold(2, dilation=(1, 2), padding=1, stride=2), [(2, 3, 5, 6)]),
    "Unfold-unbatched": (lambda lib: lib.nn.Unfold((2, 3)), [(2, 4, 5)]),
    "Fold": (lambda lib: lib.nn.Fold((4, 5), 2), [(2, 12, 12)]),
    "Fold-stride-pad": (lambda lib: lib.nn.Fold((5, 6), (2, 3), dilation=(2, 1), padding=1, stride=2),
                        [(1, 12, 9)]),
    "LPPool1d": (lambda lib: lib.nn.LPPool1d(2, 3, stride=2), [(2, 3, 9)]),
    "LPPool2d": (lambda lib: lib.nn.LPPool2d(1.5, 2, ceil_mode=True), [((2, 2, 5, 5), _positive, "f")]),
    "AvgPool3d": (lambda lib: lib.nn.AvgPool3d(2), [(2, 2, 4, 4, 5)]),
    "AvgPool3d-pad": (lambda lib: lib.nn.AvgPool3d((2, 1, 3), stride=1, padding=(1, 0, 1), count_include_pad=False),
                      [(1, 2, 3, 3, 4)]),
    "MaxPool3d": (lambda lib: lib.nn.MaxPool3d(2, stride=1, padding=1), [(1, 2, 3, 4, 3)]),
    "AdaptiveAvgPool3d": (lambda lib: lib.nn.AdaptiveAvgPool3d((2, None, 3)), [(2, 2, 5, 4, 7)]),
    "AdaptiveMaxPool3d": (lambda lib: lib.nn.AdaptiveMaxPool3d((2, 3, 2), return_indices=True), [(2, 2, 5, 4, 3)]),
    "EmbeddingBag-2d": (lambda lib: lib.nn.EmbeddingBag(10, 3), [((4, 5), _ints(10), "i")]),
    "EmbeddingBag-sum-offsets": (lambda lib: lib.nn.EmbeddingBag(10, 3, mode="sum", padding_idx=2),
                                 [((9,), _ints(10), "i"), ((4,), lambda rng, s: np.array([0, 2, 2, 6]), "i")]),
    "EmbeddingBag-max": (lambda lib: lib.nn.EmbeddingBag(10, 4, mode="max", include_last_offset=True),
                         [((8,), _ints(10), "i"), ((4,), lambda rng, s: np.array([0, 3, 3, 7]), "i")]),
    "EmbeddingBag-psw": (lambda lib: lib.nn.EmbeddingBag(6, 2, mode="sum"),
                         [((5,), _ints(6), "i"), ((2,), lambda rng, s: np.array([0, 3]), "i"), (5,)]),
}


def _make(spec, dtype, rng):
    if isinstance(spec[0], tuple):
        shape, maker, kind = spec
        return maker(rng, shape).astype(np.int64 if kind == "i" else dtype)
    return rng.standard_normal(spec).astype(dtype)


def _flat(out):
    return [x for o in out for x in _flat(o)] if isinstance(out, (tuple, list)) else [out]


def _check_module(build, specs, dtype, seed=1):
    torch.manual_seed(0)
    t = build(torch).to(getattr(torch, dtype))
    e = build(ember).to(getattr(ember, dtype))
    e.train(t.training)
    assert repr(e) == repr(t)
    e.load_state_dict(ember_state(t))
    rng = np.random.default_rng(seed)
    arrays = [_make(s, dtype, rng) for s in specs]
    xt = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    xe = [ember.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    out_t, out_e = _flat(t(*xt)), _flat(e(*xe))
    assert len(out_t) == len(out_e)
    for oe, ot in zip(out_e, out_t):
        assert tuple(oe.shape) == tuple(ot.shape) and str(oe.dtype)[6:] == str(ot.dtype)[6:]
        np.testing.assert_allclose(np_of(oe), np_of(ot), **TOL[dtype])
    live = [i for i, o in enumerate(out_t) if o.requires_grad]
    grads = [rng.standard_normal(tuple(out_t[i].shape)).astype(dtype) for i in live]
    torch.autograd.backward([out_t[i] for i in live], [torch.tensor(g) for g in grads])
    ember.autograd.backward([out_e[i] for i in live], [ember.tensor(g) for g in grads])
    for a, b in zip(xe, xt):
        if b.grad is not None:
            np.testing.assert_allclose(np_of(a.grad), np_of(b.grad), **TOL[dtype])
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert (pe.grad is None) == (pt.grad is None), n
        if pt.grad is not None:
            np.testing.assert_allclose(np_of(pe.grad), np_of(pt.grad), err_msg=n, **TOL[dtype])
    for (n, be), (_, bt) in zip(e.named_buffers(), t.named_buffers()):
        np.testing.assert_allclose(np_of(be), np_of(bt), err_msg=n, **TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_module_forward_and_gradients_match_torch(name, dtype):
    build, specs = CASES[name]
    _check_module(build, specs, dtype)


def _unpool_case(nd, kernel, stride, padding, shape, output_size=None):
    """MaxUnpool fed with the maxima and indices of the matching max pool (same data for both libraries)."""
    def run(lib, dtype):
        x = lib.tensor(np.random.default_rng(3).standard_normal(shape).astype(dtype))
        pool = getattr(lib.nn.functional, f"max_pool{nd}d")
        y, idx = pool(x, kernel, stride, padding, return_indices=True)
        y = y.detach().requires_grad_(True)
        unpool = getattr(lib.nn, f"MaxUnpool{nd}d")(kernel, stride, padding)
        return unpool, y, idx, unpool(y, idx, output_size)
    return run


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", [(1, 2, None, 0, (2, 3, 8)), (2, 3, 2, 1, (1, 2, 7, 7)),
                                  (2, 2, None, 0, (1, 2, 5, 5), (5, 5)), (3, 2, None, 0, (1, 1, 4, 4, 2))])
def test_max_unpool_matches_torch(case, dtype):
    run = _unpool_case(*case)
    mt, yt, _, ot = run(torch, dtype)
    me, ye, _, oe = run(ember, dtype)
    assert repr(me) == repr(mt)
    np.testing.assert_array_equal(np_of(oe), np_of(ot))
    g = np.random.default_rng(4).standard_normal(tuple(ot.shape)).astype(dtype)
    ot.backward(torch.tensor(g))
    oe.backward(ember.tensor(g))
    np.testing.assert_array_equal(np_of(ye.grad), np_of(yt.grad))


# name: (build(lib), input specs); the first input is differentiable, the others are targets
LOSSES = {
    "GaussianNLLLoss": (lambda lib: lib.nn.GaussianNLLLoss(), [(4, 3), (4, 3), ((4, 3), _positive, "f")]),
    "GaussianNLLLoss-full-homo": (lambda lib: lib.nn.GaussianNLLLoss(full=True, eps=0.5, reduction="sum"),
                                  [(4, 3), (4, 3), ((4,), _positive, "f")]),
    "GaussianNLLLoss-none-bcast": (lambda lib: lib.nn.GaussianNLLLoss(reduction="none"),
                                   [(4, 3), (4, 3), ((4, 1), _positive, "f")]),
    "HingeEmbeddingLoss": (lambda lib: lib.nn.HingeEmbeddingLoss(margin=0.5), [(4, 5), ((4, 5), _signs, "f")]),
    "HingeEmbeddingLoss-none": (lambda lib: lib.nn.HingeEmbeddingLoss(reduction="none"),
                                [(6,), ((6,), _signs, "f")]),
    "MultiLabelMarginLoss": (lambda lib: lib.nn.MultiLabelMarginLoss(), [(3, 5), ((3, 5), _labels, "i")]),
    "MultiLabelMarginLoss-1d-none": (lambda lib: lib.nn.MultiLabelMarginLoss(reduction="none"),
                                     [(5,), ((5,), _labels, "i")]),
    "MultiLabelMarginLoss-none": (lambda lib: lib.nn.MultiLabelMarginLoss(reduction="none"),
                                  [(3, 4), ((3, 4), _labels, "i")]),
    "MultiLabelSoftMarginLoss": (lambda lib: lib.nn.MultiLabelSoftMarginLoss(), [(3, 5), ((3, 5), _multi_hot, "f")]),
    "MultiLabelSoftMarginLoss-w": (lambda lib: lib.nn.MultiLabelSoftMarginLoss(
        weight=lib.tensor([1.0, 2.0, 0.5, 1.0, 3.0]), reduction="none"), [(3, 5), ((3, 5), _multi_hot, "f")]),
    "MultiMarginLoss": (lambda lib: lib.nn.MultiMarginLoss(), [(4, 5), ((4,), _ints(5), "i")]),
    "MultiMarginLoss-p2-w": (lambda lib: lib.nn.MultiMarginLoss(p=2, margin=0.7, weight=lib.tensor(
        [1.0, 2.0, 0.5, 1.0, 3.0]), reduction="sum"), [(4, 5), ((4,), _ints(5), "i")]),
    "MultiMarginLoss-none": (lambda lib: lib.nn.MultiMarginLoss(reduction="none"), [(4, 3), ((4,), _ints(3), "i")]),
    "PoissonNLLLoss": (lambda lib: lib.nn.PoissonNLLLoss(), [(4, 3), ((4, 3), _counts, "f")]),
    "PoissonNLLLoss-full-rate": (lambda lib: lib.nn.PoissonNLLLoss(log_input=False, full=True, reduction="none"),
                                 [((4, 3), _positive, "f"), ((4, 3), _counts, "f")]),
    "SoftMarginLoss": (lambda lib: lib.nn.SoftMarginLoss(), [(4, 3), ((4, 3), _signs, "f")]),
    "TripletMarginLoss": (lambda lib: lib.nn.TripletMarginLoss(), [(4, 5), (4, 5), (4, 5)]),
    "TripletMarginLoss-p1-swap": (lambda lib: lib.nn.TripletMarginLoss(margin=2.0, p=1, swap=True,
                                                                       reduction="none"), [(4, 5), (4, 5), (4, 5)]),
    "TripletMarginWithDistanceLoss": (lambda lib: lib.nn.TripletMarginWithDistanceLoss(), [(4, 5), (4, 5), (4, 5)]),
    "TripletMarginWithDistanceLoss-cos": (lambda lib: lib.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda a, b: 1.0 - lib.nn.functional.cosine_similarity(a, b), margin=0.5, swap=True),
        [(4, 5), (4, 5), (4, 5)]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_modules_match_torch(name, dtype):
    build, specs = LOSSES[name]
    t, e = build(torch).to(getattr(torch, dtype)), build(ember).to(getattr(ember, dtype))
    assert repr(e) == repr(t)
    arrays = [_make(s, dtype, np.random.default_rng(2)) for s in specs]
    grad_inputs = {0, 1, 2} if name.startswith("Triplet") else {0}
    xt = [torch.tensor(a, requires_grad=i in grad_inputs) for i, a in enumerate(arrays)]
    xe = [ember.tensor(a, requires_grad=i in grad_inputs) for i, a in enumerate(arrays)]
    lt, le = t(*xt), e(*xe)
    assert tuple(le.shape) == tuple(lt.shape)
    np.testing.assert_allclose(np_of(le), np_of(lt), **TOL[dtype])
    g = np.random.default_rng(5).standard_normal(tuple(lt.shape)).astype(dtype)
    lt.backward(torch.tensor(g))
    le.backward(ember.tensor(g))
    for i in sorted(grad_inputs):
        np.testing.assert_allclose(np_of(xe[i].grad), np_of(xt[i].grad), **TOL[dtype])


def test_loss_signatures_and_reprs_match_torch():
    for name in ("GaussianNLLLoss", "HingeEmbeddingLoss", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss",
                 "MultiMarginLoss", "PoissonNLLLoss", "SoftMarginLoss", "TripletMarginLoss",
                 "TripletMarginWithDistanceLoss"):
        e, t = getattr(nn, name)(), getattr(torch.nn, name)()
        assert repr(e) == repr(t)
        assert {k: v for k, v in vars(e).items() if not k.startswith("_")} == \
            {k: v for k, v in vars(t).items() if not k.startswith("_")}


def test_gaussian_nll_clamps_the_variance_but_passes_its_gradient():
    def run(lib):
        var = lib.tensor([0.01, 0.5, 2.0], requires_grad=True)
        loss = lib.nn.functional.gaussian_nll_loss(lib.tensor([0.1, 0.2, 0.3]), lib.zeros(3), var, eps=0.1)
        loss.backward()
        return loss, var.grad
    (le, ge), (lt, gt) = run(ember), run(torch)
    np.testing.assert_allclose(np_of(le), np_of(lt), rtol=1e-6)
    np.testing.assert_allclose(np_of(ge), np_of(gt), rtol=1e-6)


def _transformer_run(lib, build, inputs, dtype, grad_out):
    """Build after manual_seed(0), run on the inputs, backpropagate ``grad_out``; return what to compare."""
    lib.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = build(lib).to(getattr(lib, dtype))
    xs = [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    out = m(*xs)
    out.backward(lib.tensor(grad_out))
    return m, out, xs


TRANSFORMERS = {
    "EncoderLayer": (lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), [(5, 2, 8)]),
    "EncoderLayer-gelu-normfirst-bf": (lambda lib: lib.nn.TransformerEncoderLayer(
        8, 2, 12, dropout=0.0, activation="gelu", norm_first=True, batch_first=True), [(2, 5, 8)]),
    "DecoderLayer": (lambda lib: lib.nn.TransformerDecoderLayer(8, 4, 16, dropout=0.0), [(4, 2, 8), (5, 2, 8)]),
    "DecoderLayer-normfirst-nobias": (lambda lib: lib.nn.TransformerDecoderLayer(
        8, 2, 16, dropout=0.0, norm_first=True, bias=False, batch_first=True), [(2, 4, 8), (2, 5, 8)]),
    "Encoder": (lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2,
                                                      lib.nn.LayerNorm(8)), [(5, 2, 8)]),
    "Transformer": (lambda lib: lib.nn.Transformer(8, 2, 2, 1, 16, dropout=0.0), [(5, 2, 8), (4, 2, 8)]),
    "Transformer-bf-unbatched": (lambda lib: lib.nn.Transformer(8, 2, 1, 2, 16, dropout=0.0, batch_first=True,
                                                                activation="gelu"), [(5, 8), (3, 8)]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(TRANSFORMERS))
def test_transformers_initialise_run_and_backpropagate_as_torch(name, dtype):
    build, shapes = TRANSFORMERS[name]
    rng = np.random.default_rng(6)
    inputs = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grad = rng.standard_normal(shapes[-1] if name.startswith("Transformer") else shapes[0]).astype(dtype)
    mt, ot, xt = _transformer_run(torch, build, inputs, dtype, grad)
    me, oe, xe = _transformer_run(ember, build, inputs, dtype, grad)
    assert repr(me) == repr(mt)
    # default initialisation: manual_seed(0) gives PyTorch's exact parameters
    for (n, pe), (_, pt) in zip(me.named_parameters(), mt.named_parameters()):
        np.testing.assert_allclose(np_of(pe), np_of(pt), rtol=0, atol=0 if dtype == "float64" else 1e-7, err_msg=n)
    np.testing.assert_allclose(np_of(oe), np_of(ot), **TOL[dtype])
    for a, b in zip(xe, xt):
        np.testing.assert_allclose(np_of(a.grad), np_of(b.grad), **TOL[dtype])
    for (n, pe), (_, pt) in zip(me.named_parameters(), mt.named_parameters()):
        np.testing.assert_allclose(np_of(pe.grad), np_of(pt.grad), err_msg=n, **TOL[dtype])


def test_transformer_masks_match_torch():
    def run(lib):
        lib.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = lib.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0)
        rng = np.random.default_rng(7)
        src, tgt = (lib.tensor(rng.standard_normal(s).astype("float32")) for s in ((5, 2, 8), (4, 2, 8)))
        tgt_mask = lib.nn.Transformer.generate_square_subsequent_mask(4)
        pad = lib.tensor([[False, False, False, True, True], [False] * 5])
        return tgt_mask, m(src, tgt, tgt_mask=tgt_mask, src_key_padding_mask=pad, memory_key_padding_mask=pad)
    (me, oe), (mt, ot) = run(ember), run(torch)
    np.testing.assert_array_equal(np_of(me), np_of(mt))
    assert me.dtype == ember.float32
    np.testing.assert_allclose(np_of(oe), np_of(ot), **TOL["float32"])


def test_transformer_warnings_and_errors_match_torch():
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match=r"enable_nested_tensor is True, but self.use_nested_tensor is False "
                                             r"because encoder_layer.self_attn.batch_first was not True\(use "
                                             r"batch_first for better inference performance\)"):
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16), 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        te, tt = nn.Transformer(8, 2, 1, 1, 16), torch.nn.Transformer(8, 2, 1, 1, 16)
    assert_same_error(lambda: te(ember.zeros(3, 2, 8), ember.zeros(4, 3, 8)),
                      lambda: tt(torch.zeros(3, 2, 8), torch.zeros(4, 3, 8)))
    assert_same_error(lambda: te(ember.zeros(3, 2, 6), ember.zeros(4, 2, 6)),
                      lambda: tt(torch.zeros(3, 2, 6), torch.zeros(4, 2, 6)))
    assert_same_error(lambda: nn.TransformerEncoderLayer(8, 2, activation="tanh"),
                      lambda: torch.nn.TransformerEncoderLayer(8, 2, activation="tanh"))


@pytest.mark.parametrize("build", [lambda lib: lib.nn.Conv3d(2, 3, (2, 3, 2)),
                                   lambda lib: lib.nn.ConvTranspose3d(3, 2, 2, groups=1, bias=True),
                                   lambda lib: lib.nn.EmbeddingBag(7, 3, padding_idx=-2),
                                   lambda lib: lib.nn.InstanceNorm2d(4, affine=True, track_running_stats=True)])
def test_default_initialisation_after_manual_seed_is_torchs(build):
    torch.manual_seed(3)
    t = build(torch)
    ember.manual_seed(3)
    e = build(ember)
    assert repr(e) == repr(t)
    for (n, pe), (_, pt) in zip(list(e.named_parameters()) + list(e.named_buffers()),
                                list(t.named_parameters()) + list(t.named_buffers())):
        np.testing.assert_array_equal(np_of(pe), np_of(pt), err_msg=n)


@pytest.mark.parametrize("kwargs", [dict(scale_factor=1.7), dict(scale_factor=0.6, mode="nearest-exact"),
                                    dict(size=(3, 5), mode="area"), dict(scale_factor=1.7, mode="bilinear"),
                                    dict(scale_factor=1.7, mode="bilinear", recompute_scale_factor=True),
                                    dict(scale_factor=(0.5, 2.3), mode="bilinear", align_corners=True),
                                    dict(size=7, mode="nearest")])
def test_interpolate_matches_torch(kwargs):
    x = np.random.default_rng(8).standard_normal((2, 3, 6, 7)).astype("float32")
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ot, oe = torch.nn.functional.interpolate(xt, **kwargs), nn.functional.interpolate(xe, **kwargs)
    assert tuple(oe.shape) == tuple(ot.shape)
    np.testing.assert_allclose(np_of(oe), np_of(ot), **TOL["float32"])
    g = np.random.default_rng(9).standard_normal(tuple(ot.shape)).astype("float32")
    ot.backward(torch.tensor(g))
    oe.backward(ember.tensor(g))
    np.testing.assert_allclose(np_of(xe.grad), np_of(xt.grad), **TOL["float32"])


def test_functional_twins_match_torch():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 8, 3, 4)).astype("float32")
    for name, args in (("pixel_shuffle", (2,)), ("pixel_unshuffle", (1,)), ("channel_shuffle", (4,)),
                       ("lp_pool2d", (2.0, 2)), ("adaptive_avg_pool3d", ((2, 2, 3),)),
                       ("unfold", ((2, 2),))):
        out_t = getattr(torch.nn.functional, name)(torch.tensor(x), *args)
        out_e = getattr(nn.functional, name)(ember.tensor(x), *args)
        np.testing.assert_allclose(np_of(out_e), np_of(out_t), **TOL["float32"], err_msg=name)
    idx = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
    w = rng.standard_normal((10, 3)).astype("float32")
    for mode in ("sum", "mean", "max"):
        out_t = torch.nn.functional.embedding_bag(idx, torch.tensor(w), torch.tensor([0, 4]), mode=mode)
        out_e = nn.functional.embedding_bag(ember.tensor(idx.numpy()), ember.tensor(w), ember.tensor([0, 4]),
                                            mode=mode)
        np.testing.assert_allclose(np_of(out_e), np_of(out_t), **TOL["float32"], err_msg=mode)


def test_instance_norm_running_stats_match_torch():
    x = np.random.default_rng(11).standard_normal((3, 2, 5)).astype("float32")
    t, e = torch.nn.InstanceNorm1d(2, track_running_stats=True, momentum=0.3), \
        nn.InstanceNorm1d(2, track_running_stats=True, momentum=0.3)
    for _ in range(2):
        t(torch.tensor(x)), e(ember.tensor(x))
    np.testing.assert_allclose(np_of(e.running_mean), np_of(t.running_mean), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np_of(e.running_var), np_of(t.running_var), rtol=1e-5, atol=1e-7)
    t.eval(), e.eval()
    np.testing.assert_allclose(np_of(e(ember.tensor(x))), np_of(t(torch.tensor(x))), rtol=1e-5, atol=1e-6)


ERRORS = [
    lambda lib: lib.nn.functional.pixel_shuffle(lib.zeros(2, 3), 2),
    lambda lib: lib.nn.functional.pixel_shuffle(lib.zeros(1, 5, 2, 2), 2),
    lambda lib: lib.nn.functional.pixel_unshuffle(lib.zeros(1, 1, 3, 4), 2),
    lambda lib: lib.nn.functional.pixel_unshuffle(lib.zeros(1, 1, 4, 3), 2),
    lambda lib: lib.nn.ChannelShuffle(2)(lib.zeros(1, 5, 2)),
    lambda lib: lib.nn.functional.channel_shuffle(lib.zeros(1, 5), 2),
    lambda lib: lib.nn.functional.unfold(lib.zeros(1, 1, 3, 3), 4),
    lambda lib: lib.nn.functional.fold(lib.zeros(1, 5, 4), (3, 3), 2),
    lambda lib: lib.nn.functional.fold(lib.zeros(1, 4, 5), (3, 3), 2),
    lambda lib: lib.nn.functional.interpolate(lib.zeros(1, 1, 4), scale_factor=2, align_corners=True),
    lambda lib: lib.nn.functional.interpolate(lib.zeros(1, 1, 4)),
    lambda lib: lib.nn.functional.interpolate(lib.zeros(1, 1, 4), size=3, scale_factor=2),
    lambda lib: lib.nn.functional.interpolate(lib.zeros(1, 1, 4), size=3, mode="bilinear"),
    lambda lib: lib.nn.functional.interpolate(lib.zeros(1, 1, 4, 4), size=3, mode="linear"),
    lambda lib: lib.nn.functional.interpolate(lib.zeros(1, 1, 4, 4), size=3, mode="foo"),
    lambda lib: lib.nn.functional.interpolate(lib.zeros(1, 1, 4, 4), size=(3, 3, 3)),
    lambda lib: lib.nn.functional.multi_margin_loss(lib.zeros(2, 3), lib.zeros(2, dtype=lib.long), p=3),
    lambda lib: lib.nn.functional.triplet_margin_loss(lib.zeros(2, 3), lib.zeros(3), lib.zeros(2, 3)),
    lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=0),
    lambda lib: lib.nn.TripletMarginLoss(margin=-1.0),
    lambda lib: lib.nn.MultiMarginLoss(p=3),
    lambda lib: lib.nn.functional.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3), lib.zeros(3, 3)),
    lambda lib: lib.nn.functional.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3), -lib.ones(2, 3)),
    lambda lib: lib.nn.functional.gaussian_nll_loss(lib.zeros(2, 3), lib.zeros(2, 3), lib.ones(2, 3), reduction="x"),
    lambda lib: lib.nn.InstanceNorm1d(3)(lib.zeros(3)),
    lambda lib: lib.nn.InstanceNorm2d(3, affine=True)(lib.zeros(2, 4, 3, 3)),
    lambda lib: lib.nn.InstanceNorm2d(3)(lib.zeros(2, 3, 1, 1)),
    lambda lib: lib.nn.EmbeddingBag(5, 2)(lib.tensor([1, 2])),
    lambda lib: lib.nn.EmbeddingBag(5, 2, mode="foo")(lib.tensor([1, 2]), lib.tensor([0])),
    lambda lib: lib.nn.EmbeddingBag(5, 2, mode="max")(lib.tensor([1, 2]), lib.tensor([0]), lib.ones(2)),
    lambda lib: lib.nn.functional.max_unpool2d(lib.zeros(1, 1, 2, 2), lib.zeros(1, 1, 2, 2, dtype=lib.long), 2,
                                               output_size=(7, 7)),
    lambda lib: lib.nn.ReflectionPad2d(2)(lib.zeros(1, 1, 2, 2)),
    lambda lib: lib.nn.Conv3d(2, 3, 2)(lib.zeros(1, 3, 4, 4, 4)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    assert_same_error(lambda: ERRORS[i](ember), lambda: ERRORS[i](torch))


def test_warnings_match_torch():
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
            lib.nn.InstanceNorm2d(3)(lib.ones(2, 4, 3, 3))
        with pytest.warns(UserWarning, match="`nn.functional.upsample` is deprecated"):
            lib.nn.functional.upsample(lib.ones(1, 1, 4), scale_factor=2)
