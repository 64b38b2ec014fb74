"""ember.nn.functional losses against torch.nn.functional: every option, gradients, errors."""
import numpy as np
import pytest

from tests.nn._fcheck import check, same_error, torch

import ember  # noqa: E402
import ember.nn.functional as F  # noqa: E402

TF = torch.nn.functional
rng = np.random.default_rng(0)
LOGITS = rng.standard_normal((6, 5))
TARGET = np.array([1, 0, 4, 3, 4, 2])


def _t(a):
    return ember.tensor(a), torch.tensor(a)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", [{}, {"reduction": "sum"}, {"reduction": "none"}, {"ignore_index": 4},
                                {"label_smoothing": 0.2}, {"label_smoothing": 0.1, "reduction": "sum"},
                                {"label_smoothing": 0.1, "reduction": "none", "ignore_index": 0}])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_class_indices(dtype, kw, weighted):
    et, tt = _t(TARGET)
    w = rng.uniform(0.5, 2, 5).astype(dtype)
    ew, tw = (ember.tensor(w), torch.tensor(w)) if weighted else (None, None)
    check(lambda x: F.cross_entropy(x, et, weight=ew, **kw), lambda x: TF.cross_entropy(x, tt, weight=tw, **kw),
          [LOGITS.astype(dtype)])


def test_cross_entropy_grad_fn_chain_is_nll_over_log_softmax():
    x = ember.tensor(LOGITS, requires_grad=True)
    loss = F.cross_entropy(x, ember.tensor(TARGET))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"


@pytest.mark.parametrize("kw", [{}, {"reduction": "none"}, {"label_smoothing": 0.3}, {"reduction": "sum"}])
def test_cross_entropy_extra_dims(kw):
    x = rng.standard_normal((2, 4, 3, 2))
    t = rng.integers(0, 4, (2, 3, 2))
    et, tt = _t(t)
    check(lambda a: F.cross_entropy(a, et, **kw), lambda a: TF.cross_entropy(a, tt, **kw), [x])


@pytest.mark.parametrize("kw", [{}, {"reduction": "none"}, {"label_smoothing": 0.2}])
def test_cross_entropy_probability_targets(kw):
    p = rng.uniform(size=(6, 5))
    p /= p.sum(1, keepdims=True)
    check(lambda x, t: F.cross_entropy(x, t, **kw), lambda x, t: TF.cross_entropy(x, t, **kw), [LOGITS, p],
          names=False)


def test_cross_entropy_unbatched_and_large_logits_stay_finite():
    check(lambda x: F.cross_entropy(x, ember.tensor(2)), lambda x: TF.cross_entropy(x, torch.tensor(2)),
          [rng.standard_normal(5)])
    big = np.array([[1000.0, -1000.0, 0.0], [-5e4, 5e4, 1.0]], dtype=np.float32)
    e, t = check(lambda x: F.cross_entropy(x, ember.tensor([0, 1])), lambda x: TF.cross_entropy(x, torch.tensor([0, 1])),
                 [big])
    assert np.isfinite(e.item())


def test_cross_entropy_all_ignored_is_nan_like_torch():
    e = F.cross_entropy(ember.tensor(LOGITS), ember.tensor([-100] * 6))
    assert np.isnan(e.item()) and np.isnan(TF.cross_entropy(torch.tensor(LOGITS), torch.tensor([-100] * 6)).item())


@pytest.mark.parametrize("case", [
    (LOGITS, np.array([1, 2, 3, 4, 0, 10])), (LOGITS, np.array([1, 2, -1, 4, 0, 1])), (LOGITS, np.array([1, 2, 3])),
    (LOGITS, np.array([1.0, 2, 3, 4, 0, 1])), (LOGITS, np.array([1, 2, 3, 4, 0, 1], dtype=np.int32)),
    (rng.standard_normal((2, 4, 3)), np.zeros((2, 2), dtype=np.int64))])
def test_cross_entropy_errors(case):
    x, t = case
    same_error(lambda: F.cross_entropy(ember.tensor(x), ember.tensor(t)),
               lambda: TF.cross_entropy(torch.tensor(x), torch.tensor(t)))


def test_loss_option_errors():
    x, t = LOGITS, TARGET
    same_error(lambda: F.cross_entropy(ember.tensor(x), ember.tensor(t), reduction="foo"),
               lambda: TF.cross_entropy(torch.tensor(x), torch.tensor(t), reduction="foo"))
    same_error(lambda: F.cross_entropy(ember.tensor(x), ember.tensor(t), label_smoothing=1.5),
               lambda: TF.cross_entropy(torch.tensor(x), torch.tensor(t), label_smoothing=1.5))
    same_error(lambda: F.nll_loss(ember.tensor(x), ember.tensor(t), weight=ember.ones(4)),
               lambda: TF.nll_loss(torch.tensor(x), torch.tensor(t), weight=torch.ones(4)))
    same_error(lambda: F.binary_cross_entropy(ember.tensor([0.5, 2.0]), ember.tensor([0.0, 1.0])),
               lambda: TF.binary_cross_entropy(torch.tensor([0.5, 2.0]), torch.tensor([0.0, 1.0])))
    same_error(lambda: F.binary_cross_entropy_with_logits(ember.zeros(3), ember.zeros(4)),
               lambda: TF.binary_cross_entropy_with_logits(torch.zeros(3), torch.zeros(4)))
    same_error(lambda: F.mse_loss(ember.zeros(4, 5), ember.zeros(3, 5)),
               lambda: TF.mse_loss(torch.zeros(4, 5), torch.zeros(3, 5)))


def test_legacy_size_average_and_reduce():
    et, tt = _t(TARGET)
    for sa, rd in [(False, None), (None, False), (True, True)]:
        check(lambda x: F.nll_loss(x, et, size_average=sa, reduce=rd),
              lambda x: TF.nll_loss(x, tt, size_average=sa, reduce=rd), [LOGITS])


@pytest.mark.parametrize("name,kw", [("mse_loss", {}), ("l1_loss", {}), ("smooth_l1_loss", {"beta": 0.5}),
                                     ("smooth_l1_loss", {"beta": 0.0}), ("huber_loss", {"delta": 0.7})])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_both_inputs_get_gradients(name, kw, reduction):
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    check(lambda x, y: getattr(F, name)(x, y, reduction=reduction, **kw),
          lambda x, y: getattr(TF, name)(x, y, reduction=reduction, **kw), [a, b])


def test_mse_broadcast_warns_like_torch():
    with pytest.warns(UserWarning, match="Using a target size"):
        F.mse_loss(ember.zeros(4, 5), ember.zeros(4, 1))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy(reduction):
    p, t, w = rng.uniform(0.05, 0.95, (4, 3)), rng.uniform(size=(4, 3)), rng.uniform(size=(3,))
    check(lambda x, y: F.binary_cross_entropy(x, y, weight=ember.tensor(w), reduction=reduction),
          lambda x, y: TF.binary_cross_entropy(x, y, weight=torch.tensor(w), reduction=reduction), [p, t])
    edge = np.array([0.0, 1.0, 0.5])
    et, tt = _t(np.array([1.0, 0.0, 1.0]))
    check(lambda x: F.binary_cross_entropy(x, et), lambda x: TF.binary_cross_entropy(x, tt), [edge], grad=False)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_with_logits(reduction):
    x, t = rng.standard_normal((4, 3)) * 30, rng.uniform(size=(4, 3))
    w, pw = rng.uniform(size=(4, 3)), rng.uniform(0.5, 3, size=(3,))
    check(lambda a, b: F.binary_cross_entropy_with_logits(a, b, ember.tensor(w), reduction=reduction,
                                                          pos_weight=ember.tensor(pw)),
          lambda a, b: TF.binary_cross_entropy_with_logits(a, b, torch.tensor(w), reduction=reduction,
                                                           pos_weight=torch.tensor(pw)), [x, t])
    check(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction),
          lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction=reduction), [x, t])


@pytest.mark.parametrize("kw", [{"reduction": "batchmean"}, {"reduction": "sum", "log_target": True},
                                {"reduction": "none"}])
def test_kl_div(kw):
    x = np.log(rng.uniform(0.1, 1, (4, 3)))
    t = rng.uniform(0.0, 1, (4, 3))
    t[0, 0] = 0.0
    if kw.get("log_target"):
        t = np.log(t + 0.1)
    check(lambda a: F.kl_div(a, ember.tensor(t), **kw), lambda a: TF.kl_div(a, torch.tensor(t), **kw), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_embedding_ranking_and_distances(reduction):
    a, b = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    y = np.array([1, -1, 1, -1, -1])
    check(lambda p, q: F.cosine_embedding_loss(p, q, ember.tensor(y), margin=0.1, reduction=reduction),
          lambda p, q: TF.cosine_embedding_loss(p, q, torch.tensor(y), margin=0.1, reduction=reduction), [a, b], names=False)
    yf = y.astype(np.float64)
    check(lambda p, q: F.margin_ranking_loss(p[:, 0], q[:, 0], ember.tensor(yf), margin=0.2, reduction=reduction),
          lambda p, q: TF.margin_ranking_loss(p[:, 0], q[:, 0], torch.tensor(yf), margin=0.2, reduction=reduction),
          [a, b], names=False)
    check(lambda p, q: F.cosine_similarity(p, q), lambda p, q: TF.cosine_similarity(p, q), [a, b], names=False)
    check(lambda p, q: F.pairwise_distance(p, q), lambda p, q: TF.pairwise_distance(p, q), [a, b], names=False)
    check(lambda p, q: F.pairwise_distance(p, q, p=1.0, keepdim=True),
          lambda p, q: TF.pairwise_distance(p, q, p=1.0, keepdim=True), [a, b], names=False)
