"""ember.utils.data datasets and random_split against torch.utils.data."""
import warnings

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


def test_tensor_dataset_items_and_len():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = np.arange(6)
    ds = edata.TensorDataset(ember.tensor(x), ember.tensor(y))
    ref = tdata.TensorDataset(torch.tensor(x), torch.tensor(y))
    assert len(ds) == len(ref) == 6
    for i in range(6):
        (a, b), (ta, tb) = ds[i], ref[i]
        np.testing.assert_array_equal(a.numpy(), ta.numpy())
        assert b.item() == tb.item()


def test_tensor_dataset_size_mismatch_matches_torch():
    mine = raised(lambda: edata.TensorDataset(ember.zeros(3), ember.zeros(4)))
    theirs = raised(lambda: tdata.TensorDataset(torch.zeros(3), torch.zeros(4)))
    assert mine == theirs == ("AssertionError", "Size mismatch between tensors")


def test_concat_dataset_indexing_like_torch():
    parts = [list(range(3)), list(range(10, 15)), list(range(20, 22))]
    ds, ref = edata.ConcatDataset(parts), tdata.ConcatDataset(parts)
    assert len(ds) == len(ref) == 10
    assert ds.cumulative_sizes == ref.cumulative_sizes
    assert [ds[i] for i in range(-10, 10)] == [ref[i] for i in range(-10, 10)]
    assert raised(lambda: ds[-11]) == raised(lambda: ref[-11])
    assert raised(lambda: edata.ConcatDataset([])) == raised(lambda: tdata.ConcatDataset([]))


def test_dataset_add_gives_concat():
    class Squares(edata.Dataset):
        def __getitem__(self, i):
            return i * i

        def __len__(self):
            return 4

    both = Squares() + Squares()
    assert isinstance(both, edata.ConcatDataset)
    assert [both[i] for i in range(8)] == [0, 1, 4, 9, 0, 1, 4, 9]


def test_dataset_base_getitem_message():
    assert raised(lambda: edata.Dataset()[0]) == raised(lambda: tdata.Dataset()[0])


def test_subset_and_getitems():
    base = list(range(100, 110))
    ds, ref = edata.Subset(base, [3, 1, 7]), tdata.Subset(base, [3, 1, 7])
    assert [ds[i] for i in range(3)] == [ref[i] for i in range(3)] == [103, 101, 107]
    assert ds.__getitems__([2, 0]) == ref.__getitems__([2, 0])
    assert len(ds) == 3


def test_subset_override_getitem_without_getitems_is_refused():
    class Bad(edata.Subset):
        def __getitem__(self, idx):
            return 0

    class TBad(tdata.Subset):
        def __getitem__(self, idx):
            return 0

    kind, message = raised(lambda: TBad([1, 2], [0]))
    assert raised(lambda: Bad([1, 2], [0])) == (kind, message.replace("TBad", "Bad"))
    assert kind == "NotImplementedError"


def test_stack_and_chain_datasets():
    a, b = list(range(3)), list("xyz")
    assert [edata.StackDataset(a, b)[i] for i in range(3)] == [tdata.StackDataset(a, b)[i] for i in range(3)]
    assert edata.StackDataset(p=a, q=b)[1] == tdata.StackDataset(p=a, q=b)[1]
    assert raised(lambda: edata.StackDataset(a, [1])) == raised(lambda: tdata.StackDataset(a, [1]))
    assert raised(lambda: edata.StackDataset()) == raised(lambda: tdata.StackDataset())

    class Count(edata.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    chained = Count(2) + Count(3)
    assert isinstance(chained, edata.ChainDataset)
    assert list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5


@pytest.mark.parametrize("lengths", [[3, 7], [5, 0, 5], [0.3, 0.7], [0.25, 0.25, 0.5],
                                     [0.33, 0.33, 0.34], [1.0]])
def test_random_split_matches_torch_with_generator(lengths):
    n = 10
    mine = edata.random_split(list(range(n)), lengths, generator=ember.Generator().manual_seed(7))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = tdata.random_split(list(range(n)), lengths,
                                    generator=torch.Generator().manual_seed(7))
    assert [len(s) for s in mine] == [len(s) for s in theirs]
    assert [s.indices for s in mine] == [s.indices for s in theirs]


def test_random_split_default_generator_matches_torch():
    ember.manual_seed(123)
    torch.manual_seed(123)
    mine = edata.random_split(range(50), [0.8, 0.2])
    theirs = tdata.random_split(range(50), [0.8, 0.2])
    assert [s.indices for s in mine] == [s.indices for s in theirs]
    # and the global stream moved the same way
    np.testing.assert_array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


def test_random_split_errors_match_torch():
    cases = [([3, 3], 10), ([0.5, 1.2, -0.7], 10), ([0.4, 0.4], 10)]
    for lengths, n in cases:
        assert raised(lambda: edata.random_split(range(n), lengths)) == \
            raised(lambda: tdata.random_split(range(n), lengths))


def test_random_split_zero_length_warns_like_torch():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        edata.random_split(range(2), [1.0, 0.0])
