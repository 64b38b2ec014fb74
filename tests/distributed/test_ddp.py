"""DistributedDataParallel: 2 MPI ranks against single-process training; bucket layout against PyTorch's."""
import pytest

import ember
from ember.nn.parallel._reducer import compute_bucket_assignment_by_size

from ._launch import mpirun, require_mpi, results

CHECKS = ["ddp_equals_full_batch_sgd_one_bucket", "ddp_equals_full_batch_sgd_many_async_buckets",
          "module_and_state_dict_prefix", "no_sync_accumulates_then_averages",
          "buffers_broadcast_at_construction_and_forward", "find_unused_parameters",
          "unused_parameter_without_find_unused_is_reported", "different_models_across_ranks_is_a_clear_error"]

SIZES = [(300_000, "float32"), (10, "float32"), (300_000, "float32"), (10, "float32"), (3_000_000, "float32"),
         (10, "float32"), (400_000, "float64"), (7_000_000, "float32"), (5, "int64"), (262_144, "float32")]


@pytest.mark.parametrize("limits_mb", [(1, 25), (1, 2), (0.5, 0.5), (100,)])
def test_bucket_assignment_matches_pytorch(limits_mb):
    torch = pytest.importorskip("torch")
    limits = [int(mb * 1024 * 1024) for mb in limits_mb]
    ours = [ember.zeros(n, dtype=getattr(ember, dt)) for n, dt in SIZES]
    theirs = [torch.zeros(n, dtype=getattr(torch, dt)) for n, dt in SIZES]
    want = torch.distributed._compute_bucket_assignment_by_size(theirs, limits, [False] * len(theirs))
    assert compute_bucket_assignment_by_size(ours, limits) == (want[0], want[1])


@pytest.fixture(scope="module")
def job():
    require_mpi()
    proc = mpirun("ddp.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return results(proc)


@pytest.mark.parametrize("name", CHECKS)
def test_ddp(job, name):
    assert name in job, f"check {name} did not report"
    passed, detail = job[name]
    assert passed, detail


def test_every_check_is_listed(job):
    assert sorted(job) == sorted(CHECKS)
