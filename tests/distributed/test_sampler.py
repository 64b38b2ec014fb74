"""DistributedSampler against torch's: the same index lists for every length, replica count, rank and epoch."""
import pytest

from ember.utils.data.distributed import DistributedSampler

torch = pytest.importorskip("torch")
from torch.utils.data.distributed import DistributedSampler as TorchSampler  # noqa: E402


@pytest.mark.parametrize("n", [1, 5, 10, 11, 37, 100])
@pytest.mark.parametrize("replicas", [1, 2, 3, 7])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("drop_last", [True, False])
def test_same_shards_as_torch(n, replicas, shuffle, drop_last):
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle=shuffle, seed=5, drop_last=drop_last)
        theirs = TorchSampler(range(n), replicas, rank, shuffle=shuffle, seed=5, drop_last=drop_last)
        for epoch in (0, 3):
            ours.set_epoch(epoch)
            theirs.set_epoch(epoch)
            assert list(ours) == list(theirs), (rank, epoch)
            assert len(ours) == len(theirs)


def test_shards_cover_the_dataset_with_padding():
    shards = [list(DistributedSampler(range(10), 3, r, shuffle=False)) for r in range(3)]
    assert shards == [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]


def test_invalid_rank_in_pytorch_words():
    with pytest.raises(ValueError) as theirs:
        TorchSampler(range(4), 2, 2)
    with pytest.raises(ValueError) as ours:
        DistributedSampler(range(4), 2, 2)
    assert str(ours.value) == str(theirs.value)


def test_defaults_need_a_process_group():
    import ember.distributed as dist
    if dist.is_available():
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            DistributedSampler(range(4))
    else:
        with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
            DistributedSampler(range(4))
