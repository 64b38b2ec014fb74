"""ember.distributed's collectives on 2 MPI ranks (one mpiexec job), each checked against NumPy."""
import pytest

from ._launch import mpirun, require_mpi, results

require_mpi()

CHECKS = ["world", "all_reduce_every_op_and_dtype", "all_reduce_shapes_and_views", "all_reduce_async",
          "broadcast_from_each_rank", "reduce_to_dst", "all_gather_list_and_tensor",
          "reduce_scatter_list_and_tensor", "objects", "barrier_and_groups", "local_errors_in_pytorch_words",
          "shape_mismatch_across_ranks_is_a_clear_error"]


@pytest.fixture(scope="module")
def job():
    proc = mpirun("collectives.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return results(proc)


@pytest.mark.parametrize("name", CHECKS)
def test_collective(job, name):
    assert name in job, f"check {name} did not report"
    passed, detail = job[name]
    assert passed, detail


def test_every_check_is_listed(job):
    assert sorted(job) == sorted(CHECKS)
