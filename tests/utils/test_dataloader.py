"""DataLoader against torch.utils.data.DataLoader: batches, shuffling, lengths, errors, workers."""
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


def to_numpy(batch):
    """Turn a collated batch (ember or torch) into nested lists of NumPy arrays."""
    if isinstance(batch, (list, tuple)):
        return [to_numpy(b) for b in batch]
    return np.asarray(batch.numpy())


def assert_batches_equal(mine, theirs):
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        for x, y in zip(to_numpy(a), to_numpy(b)):
            assert x.dtype == y.dtype and x.shape == y.shape
            np.testing.assert_array_equal(x, y)


def pairs(n=10):
    """The same (features, label) dataset as an ember and a torch TensorDataset."""
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % 4
    return (edata.TensorDataset(ember.tensor(x), ember.tensor(y)),
            tdata.TensorDataset(torch.tensor(x), torch.tensor(y)))


class Squares(edata.Dataset):
    """Map-style dataset of (i, i*i as float, a NumPy row); module level so workers can pickle it."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return i, float(i * i), np.full(2, i, dtype=np.int16)

    def __len__(self):
        return self.n


class Failing(edata.Dataset):
    def __getitem__(self, i):
        if i == 3:
            raise ValueError("bad sample 3")
        return i

    def __len__(self):
        return 6


class Stream(edata.IterableDataset):
    """0 .. n-1, split between workers by worker id."""
    get_worker_info = staticmethod(edata.get_worker_info)

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = self.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))

    def __len__(self):
        return self.n


class TStream(tdata.IterableDataset):
    """Stream for torch's DataLoader."""
    get_worker_info = staticmethod(tdata.get_worker_info)
    __init__, __iter__, __len__ = Stream.__init__, Stream.__iter__, Stream.__len__


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (10, True),
                                                  (4, True)])
def test_sequential_batches_match_torch(batch_size, drop_last):
    ds, ref = pairs()
    mine = list(edata.DataLoader(ds, batch_size=batch_size, drop_last=drop_last))
    theirs = list(tdata.DataLoader(ref, batch_size=batch_size, drop_last=drop_last))
    assert_batches_equal(mine, theirs)
    assert len(edata.DataLoader(ds, batch_size=batch_size, drop_last=drop_last)) == len(theirs)


def test_python_values_collate_like_torch():
    mine = list(edata.DataLoader(Squares(5), batch_size=2))
    theirs = list(tdata.DataLoader(Squares(5), batch_size=2))
    assert_batches_equal(mine, theirs)
    assert mine[0][0].dtype == ember.int64 and mine[0][1].dtype == ember.float64
    assert mine[0][2].dtype == ember.int16


def test_shuffle_order_matches_torch_for_same_seed():
    ds, ref = pairs(50)
    ember.manual_seed(0)
    torch.manual_seed(0)
    for _ in range(2):  # two epochs: the global stream advances identically
        mine = list(edata.DataLoader(ds, batch_size=8, shuffle=True))
        theirs = list(tdata.DataLoader(ref, batch_size=8, shuffle=True))
        assert_batches_equal(mine, theirs)
    np.testing.assert_array_equal(ember.rand(2).numpy(), torch.rand(2).numpy())


def test_shuffle_with_generator_matches_torch():
    ds, ref = pairs(30)
    mine = edata.DataLoader(ds, batch_size=7, shuffle=True, generator=ember.Generator().manual_seed(4))
    theirs = tdata.DataLoader(ref, batch_size=7, shuffle=True,
                              generator=torch.Generator().manual_seed(4))
    assert_batches_equal(list(mine), list(theirs))
    assert_batches_equal(list(mine), list(theirs))


def test_no_auto_batching_uses_default_convert():
    mine = list(edata.DataLoader(Squares(3), batch_size=None))
    theirs = list(tdata.DataLoader(Squares(3), batch_size=None))
    for a, b in zip(mine, theirs):
        assert a[0] == b[0] and a[1] == b[1]
        np.testing.assert_array_equal(a[2].numpy(), b[2].numpy())


def test_custom_batch_sampler_and_collate_fn():
    sampler = [[4, 0], [1, 2, 3]]
    mine = list(edata.DataLoader(Squares(5), batch_sampler=sampler, collate_fn=lambda b: b))
    theirs = list(tdata.DataLoader(Squares(5), batch_sampler=sampler, collate_fn=lambda b: b))
    assert [[s[:2] for s in b] for b in mine] == [[s[:2] for s in b] for b in theirs]


BAD_OPTIONS = [
    {"num_workers": -1}, {"timeout": -1}, {"prefetch_factor": 2},
    {"num_workers": 1, "prefetch_factor": -1}, {"persistent_workers": True},
    {"shuffle": True, "sampler": [0, 1]}, {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "drop_last": True}, {"batch_size": None, "drop_last": True},
    {"batch_size": 0}, {"multiprocessing_context": "fork"},
    {"num_workers": 1, "multiprocessing_context": "nope"},
    {"num_workers": 1, "multiprocessing_context": 3},
]


@pytest.mark.parametrize("kwargs", BAD_OPTIONS, ids=[str(k) for k in BAD_OPTIONS])
def test_option_errors_match_torch(kwargs):
    assert raised(lambda: edata.DataLoader(Squares(3), **kwargs)) == \
        raised(lambda: tdata.DataLoader(Squares(3), **kwargs))


@pytest.mark.parametrize("kwargs", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}])
def test_iterable_dataset_option_errors_match_torch(kwargs):
    mine = raised(lambda: edata.DataLoader(Stream(3), **kwargs))
    theirs = raised(lambda: tdata.DataLoader(TStream(3), **kwargs))
    assert mine == theirs


def test_attribute_lock_after_init_matches_torch():
    mine, theirs = edata.DataLoader(Squares(3)), tdata.DataLoader(Squares(3))

    def set_on(loader):
        loader.batch_size = 5
    assert raised(lambda: set_on(mine)) == raised(lambda: set_on(theirs))


def test_iterable_dataset_batches_and_len():
    mine = list(edata.DataLoader(Stream(7), batch_size=3))
    theirs = list(tdata.DataLoader(TStream(7), batch_size=3))
    assert [b.tolist() for b in mine] == [b.tolist() for b in theirs]
    assert len(edata.DataLoader(Stream(7), batch_size=3)) == 3
    assert len(edata.DataLoader(Stream(7), batch_size=3, drop_last=True)) == 2
    assert [b.tolist() for b in edata.DataLoader(Stream(7), batch_size=3, drop_last=True)] == \
        [b.tolist() for b in tdata.DataLoader(TStream(7), batch_size=3, drop_last=True)]


def test_single_process_timeout_is_refused_like_torch():
    mine = raised(lambda: iter(edata.DataLoader(Squares(3), timeout=1)))
    theirs = raised(lambda: iter(tdata.DataLoader(Squares(3), timeout=1)))
    assert mine == theirs


def test_pin_memory_warns_without_accelerator():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        next(iter(edata.DataLoader(Squares(3), pin_memory=True)))


# ---------------------------------------------------------------- worker processes
def test_two_workers_give_the_same_batches_as_none():
    ds, _ = pairs(37)
    ember.manual_seed(1)
    single = list(edata.DataLoader(ds, batch_size=4, shuffle=True))
    ember.manual_seed(1)
    multi = list(edata.DataLoader(ds, batch_size=4, shuffle=True, num_workers=2))
    assert_batches_equal(multi, single)


def test_workers_out_of_order_still_yield_every_batch():
    loader = edata.DataLoader(Squares(20), batch_size=3, num_workers=2, in_order=False)
    got = sorted(int(i) for batch in loader for i in batch[0].tolist())
    assert got == list(range(20))


def test_worker_exception_is_reraised_with_its_traceback():
    loader = edata.DataLoader(Failing(), batch_size=2, num_workers=2)
    with pytest.raises(ValueError) as info:
        list(loader)
    assert "Caught ValueError in DataLoader worker process 1." in str(info.value)
    assert "bad sample 3" in str(info.value)


def test_iterable_dataset_sharded_across_workers():
    loader = edata.DataLoader(Stream(9), batch_size=2, num_workers=2)
    got = sorted(v for batch in loader for v in batch.tolist())
    assert got == list(range(9))


def _record_worker(worker_id):
    info = edata.get_worker_info()
    assert info.id == worker_id and info.num_workers == 2


class SeedReport(edata.Dataset):
    def __getitem__(self, i):
        info = edata.get_worker_info()
        return info.id, info.seed, float(ember.rand(1).item())

    def __len__(self):
        return 4


def test_worker_seeds_follow_base_seed_like_torch():
    ember.manual_seed(5)
    torch.manual_seed(5)
    mine = list(edata.DataLoader(SeedReport(), batch_size=1, num_workers=2,
                                 worker_init_fn=_record_worker))
    base = int(torch.empty((), dtype=torch.int64).random_().item())
    # Batches go round-robin: worker 0 serves batches 0 and 2, worker 1 batches 1 and 3, each
    # drawing from its global generator seeded with base_seed + worker_id.
    generators = [torch.Generator().manual_seed(base + w) for w in range(2)]
    for k, batch in enumerate(mine):
        worker_id, seed, draw = int(batch[0]), int(batch[1]), float(batch[2])
        assert worker_id == k % 2 and seed == base + worker_id
        assert draw == torch.rand(1, generator=generators[worker_id]).item()


def test_numpy_worker_state_matches_torch():
    from torch.utils.data._utils.worker import _generate_state as torch_state
    from ember.utils.data._worker import _generate_state
    for base_seed, worker_id in [(0, 0), (123456789012345, 3), (2 ** 63 - 1, 7)]:
        assert _generate_state(base_seed, worker_id) == torch_state(base_seed, worker_id)


def test_persistent_workers_run_two_epochs():
    ds, ref = pairs(12)
    loader = edata.DataLoader(ds, batch_size=5, num_workers=2, persistent_workers=True)
    first = list(loader)
    iterator = loader._iterator
    second = list(loader)
    assert loader._iterator is iterator
    assert_batches_equal(first, list(tdata.DataLoader(ref, batch_size=5)))
    assert_batches_equal(second, first)
    iterator._shutdown_workers()
