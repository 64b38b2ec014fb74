"""Samplers against torch.utils.data: orders, lengths, RNG use and error messages."""
import numpy as np
import pytest

import ember
from ember.utils import data as edata

torch = pytest.importorskip("torch")
tdata = torch.utils.data


def raised(fn):
    """Return (exception type name, message) of what ``fn()`` raises."""
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value).__name__, str(info.value)


def both_seeded(seed):
    ember.manual_seed(seed)
    torch.manual_seed(seed)


def test_sequential_sampler():
    assert list(edata.SequentialSampler(range(5))) == list(tdata.SequentialSampler(range(5)))
    assert len(edata.SequentialSampler(range(5))) == 5


@pytest.mark.parametrize("n", [1, 7, 100])
def test_random_sampler_with_generator_matches_torch(n):
    mine = edata.RandomSampler(range(n), generator=ember.Generator().manual_seed(3))
    theirs = tdata.RandomSampler(range(n), generator=torch.Generator().manual_seed(3))
    assert list(mine) == list(theirs)
    assert list(mine) == list(theirs)  # a second epoch continues the same stream


def test_random_sampler_without_generator_matches_torch_and_consumes_one_draw():
    both_seeded(0)
    for _ in range(3):  # each epoch seeds a fresh generator from one global int64 draw
        assert list(edata.RandomSampler(range(20))) == list(tdata.RandomSampler(range(20)))
    np.testing.assert_array_equal(ember.rand(4).numpy(), torch.rand(4).numpy())


@pytest.mark.parametrize("num_samples", [5, 32, 70])
def test_random_sampler_replacement_matches_torch(num_samples):
    mine = edata.RandomSampler(range(9), replacement=True, num_samples=num_samples,
                               generator=ember.Generator().manual_seed(11))
    theirs = tdata.RandomSampler(range(9), replacement=True, num_samples=num_samples,
                                 generator=torch.Generator().manual_seed(11))
    assert list(mine) == list(theirs)
    assert len(mine) == num_samples


def test_random_sampler_num_samples_beyond_length_matches_torch():
    mine = edata.RandomSampler(range(4), num_samples=10, generator=ember.Generator().manual_seed(1))
    theirs = tdata.RandomSampler(range(4), num_samples=10, generator=torch.Generator().manual_seed(1))
    assert list(mine) == list(theirs)


def test_random_sampler_errors_match_torch():
    for kwargs in ({"replacement": 1}, {"num_samples": 0}, {"num_samples": 2.5}):
        assert raised(lambda: edata.RandomSampler(range(3), **kwargs)) == \
            raised(lambda: tdata.RandomSampler(range(3), **kwargs))


def test_subset_random_sampler_matches_torch():
    indices = [10, 20, 30, 40, 50]
    mine = edata.SubsetRandomSampler(indices, generator=ember.Generator().manual_seed(5))
    theirs = tdata.SubsetRandomSampler(indices, generator=torch.Generator().manual_seed(5))
    assert list(mine) == list(theirs) and len(mine) == 5
    both_seeded(9)
    assert list(edata.SubsetRandomSampler(indices)) == list(tdata.SubsetRandomSampler(indices))


@pytest.mark.parametrize("replacement", [True, False])
def test_weighted_random_sampler_matches_torch(replacement):
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    mine = edata.WeightedRandomSampler(weights, 5, replacement=replacement,
                                       generator=ember.Generator().manual_seed(2))
    theirs = tdata.WeightedRandomSampler(weights, 5, replacement=replacement,
                                         generator=torch.Generator().manual_seed(2))
    assert list(mine) == list(theirs) and len(mine) == 5
    assert mine.weights.dtype == ember.float64


def test_weighted_random_sampler_errors_match_torch():
    for args, kwargs in (([[1.0, 2.0], 0], {}), ([[1.0, 2.0], True], {}),
                         ([[1.0, 2.0], 2], {"replacement": 0}), ([[[1.0, 2.0]], 2], {})):
        assert raised(lambda: edata.WeightedRandomSampler(*args, **kwargs)) == \
            raised(lambda: tdata.WeightedRandomSampler(*args, **kwargs))


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("batch_size", [1, 3, 10, 11])
def test_batch_sampler_matches_torch(batch_size, drop_last):
    mine = edata.BatchSampler(edata.SequentialSampler(range(10)), batch_size, drop_last)
    theirs = tdata.BatchSampler(tdata.SequentialSampler(range(10)), batch_size, drop_last)
    assert list(mine) == list(theirs)
    assert len(mine) == len(theirs)


def test_batch_sampler_errors_match_torch():
    for args in ((range(3), 0, False), (range(3), True, False), (range(3), 2, 1)):
        assert raised(lambda: edata.BatchSampler(*args)) == raised(lambda: tdata.BatchSampler(*args))
