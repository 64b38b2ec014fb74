"""DistributedDataParallel on 2 ranks against single-process training on the full batch."""
import sys
from pathlib import Path

import numpy as np
from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _checks import check, run_all  # noqa: E402

import ember  # noqa: E402
import ember.distributed as dist  # noqa: E402
from ember import nn  # noqa: E402
from ember.nn.parallel import DistributedDataParallel as DDP  # noqa: E402
from ember.utils.data.distributed import DistributedSampler  # noqa: E402

dist.init_process_group("mpi")
R, N = dist.get_rank(), dist.get_world_size()
RNG = np.random.default_rng(0)                      # the same global data on every rank
X = ember.from_numpy(RNG.standard_normal((16, 5)).astype(np.float32))
Y = ember.from_numpy(RNG.integers(0, 3, 16))
SHARD = list(DistributedSampler(range(16), num_replicas=N, rank=R, shuffle=False))


def mlp():
    return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))


def replica_of(model, make=mlp):
    """A single-process copy of ``model``'s current weights."""
    ref = make()
    ref.load_state_dict(model.state_dict())
    return ref


def arrays(model):
    return [p.detach().numpy().copy() for p in model.parameters()]


def assert_replicas_identical(model):
    for mine in arrays(model):
        for other in MPI.COMM_WORLD.allgather(mine):
            np.testing.assert_array_equal(mine, other)


def train_and_compare(bucket_cap_mb):
    ember.manual_seed(100 + R)                       # different starting weights on each rank
    model = mlp()
    ddp = DDP(model, bucket_cap_mb=bucket_cap_mb)    # broadcasts rank 0's weights
    assert_replicas_identical(model)
    ref = replica_of(model)
    opt, ref_opt = ember.optim.SGD(ddp.parameters(), lr=0.5), ember.optim.SGD(ref.parameters(), lr=0.5)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(6):
        opt.zero_grad()
        loss_fn(ddp(X[SHARD]), Y[SHARD]).backward()
        opt.step()
        ref_opt.zero_grad()
        loss_fn(ref(X), Y).backward()               # the full global batch, one process
        ref_opt.step()
    assert_replicas_identical(model)
    for got, want in zip(arrays(model), arrays(ref)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    return ddp


@check
def ddp_equals_full_batch_sgd_one_bucket():
    ddp = train_and_compare(None)
    assert len(ddp.reducer.buckets) == 1


@check
def ddp_equals_full_batch_sgd_many_async_buckets():
    ddp = train_and_compare(0.0001)                   # 104-byte cap: 160 | 32+96 | 12 bytes
    # reverse parameter order: the last layer's bias is reduced first, the first weight last
    assert ddp.reducer.bucket_indices == [[3], [1, 2], [0]]


@check
def module_and_state_dict_prefix():
    model = mlp()
    ddp = DDP(model)
    assert ddp.module is model
    assert list(ddp.state_dict()) == ["module." + k for k in model.state_dict()]


@check
def no_sync_accumulates_then_averages():
    ember.manual_seed(7)
    model = mlp()
    ddp = DDP(model)
    ref = replica_of(model)
    loss_fn = nn.CrossEntropyLoss()
    first, second = SHARD[:4], SHARD[4:]
    with ddp.no_sync():
        loss_fn(ddp(X[first]), Y[first]).backward()
    local = ddp.module[0].weight.grad.numpy().copy()
    others = MPI.COMM_WORLD.allgather(local)
    assert not np.array_equal(others[0], others[1]), "no_sync must not all-reduce"
    loss_fn(ddp(X[second]), Y[second]).backward()
    for r in range(N):                               # mean over ranks of each rank's two local gradients
        shard = list(DistributedSampler(range(16), num_replicas=N, rank=r, shuffle=False))
        loss_fn(ref(X[shard[:4]]), Y[shard[:4]]).backward()
        loss_fn(ref(X[shard[4:]]), Y[shard[4:]]).backward()
    for p, q in zip(ddp.module.parameters(), ref.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy() / N, rtol=1e-5, atol=1e-6)


@check
def buffers_broadcast_at_construction_and_forward():
    model = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4))
    with ember.no_grad():
        model[1].running_mean.fill_(float(R + 1))
    ddp = DDP(model)
    assert model[1].running_mean.tolist() == [1.0] * 4
    ddp.eval()                                        # eval: forward itself leaves the statistics alone
    with ember.no_grad():
        model[1].running_var.fill_(float(R + 3))
    ddp(X[:2])
    assert model[1].running_var.tolist() == [3.0] * 4


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.c = nn.Linear(5, 3), nn.Linear(5, 3), nn.Linear(5, 3)

    def forward(self, x, use_b):
        out = self.a(x)
        return out + self.b(x) if use_b else out


@check
def find_unused_parameters():
    ember.manual_seed(3)
    model = TwoHeads()
    ddp = DDP(model, find_unused_parameters=True)
    ref = replica_of(model, TwoHeads)
    loss_fn = nn.CrossEntropyLoss()
    loss_fn(ddp(X[SHARD], use_b=(R == 0)), Y[SHARD]).backward()
    shards = [list(DistributedSampler(range(16), num_replicas=N, rank=r, shuffle=False)) for r in range(N)]
    for r in range(N):
        loss_fn(ref(X[shards[r]], use_b=(r == 0)), Y[shards[r]]).backward()
    assert model.c.weight.grad is None, "a parameter unused on every rank keeps no gradient"
    for name in ("a", "b"):                           # b: used on rank 0 only, still averaged over 2
        got, want = getattr(model, name).weight.grad, getattr(ref, name).weight.grad
        np.testing.assert_allclose(got.numpy(), want.numpy() / N, rtol=1e-5, atol=1e-6)


@check
def unused_parameter_without_find_unused_is_reported():
    model = TwoHeads()
    ddp = DDP(model)
    nn.CrossEntropyLoss()(ddp(X[SHARD], use_b=False), Y[SHARD]).backward()
    try:
        ddp(X[SHARD], use_b=False)
    except RuntimeError as exc:
        assert "Expected to have finished reduction in the prior iteration" in str(exc)
        assert "find_unused_parameters=True" in str(exc)
    else:
        raise AssertionError("no RuntimeError")


@check
def different_models_across_ranks_is_a_clear_error():
    model = nn.Linear(5, 8 + R)
    try:
        DDP(model)
    except RuntimeError as exc:
        assert "DDP expects same model across all ranks" in str(exc), str(exc)
        assert "[8, 5]" in str(exc) and "[9, 5]" in str(exc), str(exc)
    else:
        raise AssertionError("no RuntimeError")


run_all()
