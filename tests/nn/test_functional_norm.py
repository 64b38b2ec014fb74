"""Normalization, dropout, embedding, linear, attention and padding against torch.nn.functional."""
import numpy as np
import pytest

from tests.nn._fcheck import check, same_error, torch

import ember  # noqa: E402
import ember.nn.functional as F  # noqa: E402

TF = torch.nn.functional
rng = np.random.default_rng(2)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 5), (2, 3, 4, 2)])
@pytest.mark.parametrize("momentum", [0.1, 0.3])
def test_batch_norm_training_updates_running_stats(shape, momentum):
    x = rng.standard_normal(shape).astype(np.float32)
    w, b = rng.standard_normal(3).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    erm, erv = ember.zeros(3), ember.ones(3)
    trm, trv = torch.zeros(3), torch.ones(3)
    check(lambda a, c, d: F.batch_norm(a, erm, erv, c, d, training=True, momentum=momentum),
          lambda a, c, d: TF.batch_norm(a, trm, trv, c, d, training=True, momentum=momentum), [x, w, b])
    np.testing.assert_allclose(erm.numpy(), trm.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(erv.numpy(), trv.numpy(), rtol=1e-5, atol=1e-6)
    assert erm._version == 1


def test_batch_norm_eval_and_no_affine():
    x = rng.standard_normal((4, 3, 5))
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    check(lambda a, c, d: F.batch_norm(a, ember.tensor(rm), ember.tensor(rv), c, d, eps=1e-3),
          lambda a, c, d: TF.batch_norm(a, torch.tensor(rm), torch.tensor(rv), c, d, eps=1e-3),
          [x, rng.standard_normal(3), rng.standard_normal(3)])
    check(lambda a: F.batch_norm(a, None, None, training=True), lambda a: TF.batch_norm(a, None, None, training=True),
          [x])


def test_batch_norm_double_backward():
    x, w = rng.standard_normal((4, 3, 2)), rng.standard_normal(3)
    ex, ew = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    eg = ember.autograd.grad((F.batch_norm(ex, None, None, ew, None, True) ** 3).sum(), [ex, ew], create_graph=True)
    tg = torch.autograd.grad((TF.batch_norm(tx, None, None, tw, None, True) ** 3).sum(), [tx, tw], create_graph=True)
    e2 = ember.autograd.grad(sum((g * g).sum() for g in eg), [ex, ew])
    t2 = torch.autograd.grad(sum((g * g).sum() for g in tg), [tx, tw])
    for a, b in zip(e2, t2):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-7, atol=1e-9)


def test_batch_norm_errors():
    same_error(lambda: F.batch_norm(ember.zeros(1, 3), None, None, training=True),
               lambda: TF.batch_norm(torch.zeros(1, 3), None, None, training=True))


@pytest.mark.parametrize("shape,ns", [((3, 4), (4,)), ((2, 3, 4), (3, 4))])
def test_layer_norm(shape, ns):
    check(lambda a, w, b: F.layer_norm(a, ns, w, b), lambda a, w, b: TF.layer_norm(a, ns, w, b),
          [rng.standard_normal(shape), rng.standard_normal(ns), rng.standard_normal(ns)])
    check(lambda a: F.layer_norm(a, ns, eps=1e-2), lambda a: TF.layer_norm(a, ns, eps=1e-2), [rng.standard_normal(shape)])
    same_error(lambda: F.layer_norm(ember.zeros(shape), (5,)), lambda: TF.layer_norm(torch.zeros(shape), (5,)))


def test_group_and_instance_norm():
    x = rng.standard_normal((2, 6, 3, 2))
    check(lambda a, w, b: F.group_norm(a, 3, w, b), lambda a, w, b: TF.group_norm(a, 3, w, b),
          [x, rng.standard_normal(6), rng.standard_normal(6)])
    check(lambda a: F.instance_norm(a), lambda a: TF.instance_norm(a), [x], names=False)
    same_error(lambda: F.group_norm(ember.zeros(2, 6, 3), 4), lambda: TF.group_norm(torch.zeros(2, 6, 3), 4))


@pytest.mark.parametrize("fn,shape", [("dropout", (4, 5)), ("dropout2d", (2, 3, 4, 4)), ("dropout1d", (2, 3, 4)),
                                      ("alpha_dropout", (4, 5))])
def test_dropout_consumes_torchs_stream(fn, shape):
    x = rng.standard_normal(shape).astype(np.float32)
    ember.manual_seed(7)
    torch.manual_seed(7)
    e = getattr(F, fn)(ember.tensor(x), 0.3, training=True)
    t = getattr(TF, fn)(torch.tensor(x), 0.3, training=True)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-7)
    # and the generators stay in step
    np.testing.assert_array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


def test_dropout_eval_identity_inplace_and_errors():
    x = ember.randn(3, 4)
    assert F.dropout(x, 0.5, training=False) is x
    ember.manual_seed(0)
    torch.manual_seed(0)
    y = ember.tensor(np.ones((3, 4), dtype=np.float32))
    out = F.dropout(y, 0.5, inplace=True)
    assert out is y
    np.testing.assert_array_equal(y.numpy(), TF.dropout(torch.ones(3, 4), 0.5).numpy())
    assert not F.dropout(ember.ones(3), 1.0).numpy().any()
    same_error(lambda: F.dropout(ember.ones(3), 1.5), lambda: TF.dropout(torch.ones(3), 1.5))


def test_embedding():
    idx = np.array([[1, 2, 2], [4, 0, 1]])
    check(lambda w: F.embedding(ember.tensor(idx), w), lambda w: TF.embedding(torch.tensor(idx), w),
          [rng.standard_normal((5, 3))])
    check(lambda w: F.embedding(ember.tensor(idx), w, padding_idx=2),
          lambda w: TF.embedding(torch.tensor(idx), w, padding_idx=2), [rng.standard_normal((5, 3))])
    w = rng.standard_normal((5, 3)) * 3
    ew, tw = ember.tensor(w.copy()), torch.tensor(w.copy())
    np.testing.assert_allclose(F.embedding(ember.tensor(idx), ew, max_norm=1.0).numpy(),
                               TF.embedding(torch.tensor(idx), tw, max_norm=1.0).numpy(), rtol=1e-6)
    np.testing.assert_allclose(ew.numpy(), tw.numpy(), rtol=1e-6)  # rows renormalized in place, as torch
    same_error(lambda: F.embedding(ember.tensor([1, 7]), ember.zeros(5, 3)),
               lambda: TF.embedding(torch.tensor([1, 7]), torch.zeros(5, 3)))


def test_one_hot():
    t = np.array([[0, 3], [2, 1]])
    assert F.one_hot(ember.tensor(t)).tolist() == TF.one_hot(torch.tensor(t)).tolist()
    assert F.one_hot(ember.tensor(t), 5).dtype.name == "int64"
    same_error(lambda: F.one_hot(ember.tensor([1, 5]), 4), lambda: TF.one_hot(torch.tensor([1, 5]), 4))
    same_error(lambda: F.one_hot(ember.tensor([1, -1])), lambda: TF.one_hot(torch.tensor([1, -1])))


@pytest.mark.parametrize("xs", [(4, 3), (2, 4, 3), (3,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear(xs, bias):
    arrays = [rng.standard_normal(xs).astype(np.float32), rng.standard_normal((5, 3)).astype(np.float32)]
    if bias:
        arrays.append(rng.standard_normal(5).astype(np.float32))
    check(F.linear, TF.linear, arrays, names=len(xs) > 1)
    same_error(lambda: F.linear(ember.zeros(4, 2), ember.zeros(5, 3)), lambda: TF.linear(torch.zeros(4, 2), torch.zeros(5, 3)))


def test_bilinear_attention_normalize():
    check(F.bilinear, TF.bilinear, [rng.standard_normal((4, 3)), rng.standard_normal((4, 2)),
                                    rng.standard_normal((5, 3, 2)), rng.standard_normal(5)], names=False)
    q, k, v = (rng.standard_normal((2, 3, 4, 5)) for _ in range(3))
    # PyTorch records its fused kernel's node (ScaledDotProductFlashAttentionForCpuBackward0): values only
    check(F.scaled_dot_product_attention, TF.scaled_dot_product_attention, [q, k, v], names=False)
    check(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, is_causal=True, scale=0.3),
          lambda a, b, c: TF.scaled_dot_product_attention(a, b, c, is_causal=True, scale=0.3), [q, k, v],
          names=False)
    mask = rng.random((4, 4)) > 0.3
    mask[:, 0] = True
    check(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, attn_mask=ember.tensor(mask)),
          lambda a, b, c: TF.scaled_dot_product_attention(a, b, c, attn_mask=torch.tensor(mask)), [q, k, v],
          names=False)
    check(lambda a: F.normalize(a, dim=-1), lambda a: TF.normalize(a, dim=-1), [q], names=False)
    check(lambda a: F.normalize(a, p=1.0), lambda a: TF.normalize(a, p=1.0), [q], names=False)


@pytest.mark.parametrize("padding,mode", [((1, 2), "constant"), ((1, 0, 2, 1), "constant"), ((-1, 2), "constant"),
                                          ((2, 1, 1, 2), "reflect"), ((2, 1, 1, 3), "replicate"),
                                          ((1, 2, 2, 0), "circular")])
def test_pad(padding, mode):
    check(lambda a: F.pad(a, padding, mode=mode), lambda a: TF.pad(a, padding, mode=mode),
          [rng.standard_normal((2, 2, 4, 5))], names=mode == "constant")
    if mode == "constant":
        check(lambda a: F.pad(a, padding, value=2.5), lambda a: TF.pad(a, padding, value=2.5),
              [rng.standard_normal((2, 2, 4, 5))])


def test_rms_and_local_response_norm():
    x = rng.standard_normal((2, 4, 3, 3))
    check(lambda a, w: F.rms_norm(a, (3,), w), lambda a, w: TF.rms_norm(a, (3,), w), [x, rng.standard_normal(3)],
          names=False)
    check(lambda a: F.local_response_norm(a, 3), lambda a: TF.local_response_norm(a, 3), [x], names=False)
