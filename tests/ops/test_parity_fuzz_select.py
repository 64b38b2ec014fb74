"""Parity with torch found by fuzzing: indices among ties (topk, kthvalue), keepdim sums over
non-contiguous inputs, and list indices that PyTorch reads as tuples."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _pair(a):
    return ember.tensor(a), torch.tensor(a)


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("sorted_", [True, False])
def test_topk_indices_among_ties_match_torch(seed, largest, sorted_):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 200))
    a = rng.integers(0, 4, (3, n)).astype(np.float32)
    a[rng.random(a.shape) < 0.05] = np.nan
    k = int(rng.integers(1, n + 1))
    e, t = _pair(a)
    er, tr = e.topk(k, largest=largest, sorted=sorted_), t.topk(k, largest=largest, sorted=sorted_)
    np.testing.assert_array_equal(er.indices.numpy(), tr.indices.numpy())
    np.testing.assert_array_equal(er.values.numpy(), tr.values.numpy())


@pytest.mark.parametrize("seed", range(40))
def test_kthvalue_indices_among_ties_match_torch(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 3, (4, int(rng.integers(2, 60))))
    k = int(rng.integers(1, a.shape[1] + 1))
    e, t = _pair(a)
    for dim in (0, 1):
        kk = min(k, a.shape[dim])
        er, tr = e.kthvalue(kk, dim), t.kthvalue(kk, dim)
        np.testing.assert_array_equal(er.indices.numpy(), tr.indices.numpy())
        np.testing.assert_array_equal(er.values.numpy(), tr.values.numpy())


def test_topk_checks_k_before_dtype():
    e, t = _pair(np.array([True, False]))
    with pytest.raises(RuntimeError) as te:
        t.topk(3)
    with pytest.raises(RuntimeError, match=str(te.value)):
        e.topk(3)


@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.parametrize("dim", [(0, -1), (1, 0), (0, 1, 2)])
def test_keepdim_full_reduction_of_a_transposed_tensor(op, dim):
    a = np.random.default_rng(0).standard_normal((4, 3, 2)).astype(np.float32)
    e, t = _pair(a)
    e, t = e.transpose(0, 2), t.transpose(0, 2)
    if len(dim) == 2:
        e, t = e[0], t[0]
    er, tr = getattr(e, op)(dim=dim, keepdim=True), getattr(t, op)(dim=dim, keepdim=True)
    assert tuple(er.shape) == tuple(tr.shape)
    np.testing.assert_allclose(er.numpy(), tr.numpy(), rtol=1.3e-6, atol=1e-5)


INDICES = [[[0, 1], [1, 2]], [[0, 1]], [[True, False, True]], [[0, 1], slice(None)], [0, [1, 2]], [[0, 1], [1]],
           [None, 0], [Ellipsis, 1], [[0, 1], [1, 2], [0, 0]]]


@pytest.mark.parametrize("index", INDICES, ids=str)
def test_list_of_sequences_indexes_as_a_tuple(index):
    e, t = _pair(np.arange(12).reshape(3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = t[index]
        except IndexError as err:
            with pytest.raises(IndexError, match=str(err)):
                e[index]
            return
        np.testing.assert_array_equal(e[index].numpy(), expected.numpy())
        e2, t2 = e.clone(), t.clone()
        e2[index] = -1
        t2[index] = -1
        np.testing.assert_array_equal(e2.numpy(), t2.numpy())


def test_list_of_sequences_index_warns_as_torch():
    e = ember.arange(12).reshape(3, 4)
    with pytest.warns(UserWarning, match="non-tuple sequence for multidimensional indexing"):
        e[[[0, 1], [1, 2]]]
