"""Faults end the whole job within the timeout; the launcher runs scripts with torchrun's variables."""
import subprocess
import sys
import time

import pytest

from ._launch import ROOT, WORKERS, env, mpirun, require_mpi

require_mpi()


def _timed(fn):
    start = time.monotonic()
    proc = fn()
    return proc, time.monotonic() - start


def test_a_raising_rank_ends_the_job_with_its_traceback():
    proc, took = _timed(lambda: mpirun("faults.py", "raise"))
    assert proc.returncode != 0
    assert "ValueError: rank 1 failed on purpose" in proc.stderr
    assert "Traceback (most recent call last)" in proc.stderr
    assert took < 20, f"took {took:.1f} s"


def test_a_hanging_peer_makes_the_collective_time_out():
    proc, took = _timed(lambda: mpirun("faults.py", "hang"))
    assert proc.returncode != 0
    assert "DistBackendError" in proc.stderr and "all_reduce timed out" in proc.stderr, proc.stderr
    assert took < 20, f"took {took:.1f} s (the process group's timeout is 2 s)"


@pytest.mark.parametrize("mode", ["kill", "exit"])
def test_a_dead_process_leaves_no_stuck_peer(mode):
    proc, took = _timed(lambda: mpirun("faults.py", mode))
    assert proc.returncode != 0
    assert "all_reduce gave" not in proc.stdout
    assert took < 20, f"took {took:.1f} s"


def test_launcher_sets_torchrun_variables_and_runs_the_job():
    cmd = [sys.executable, "-m", "ember.distributed.run", "--nproc-per-node", "2", str(WORKERS / "faults.py"),
           "ok", "--flag"]
    proc = subprocess.run(cmd, env=env(), cwd=ROOT, capture_output=True, text=True, timeout=45)
    assert proc.returncode == 0, proc.stderr
    for r in (0, 1):
        assert f"rank {r} env RANK={r} LOCAL_RANK={r} WORLD_SIZE=2 args=['ok', '--flag']" in proc.stdout
        assert f"rank {r} all_reduce gave [2.0, 2.0, 2.0]" in proc.stdout


def test_launcher_command_line_for_several_machines():
    from ember.distributed.run import command, parse_args
    cmd = command(parse_args(["--nnodes", "3", "--nproc-per-node", "4", "--hostfile", "hosts", "-m", "pkg.train",
                              "--lr", "0.1"]))
    assert cmd[1:] == ["-n", "12", "-f", "hosts", "-ppn", "4", sys.executable, "-m", "ember.distributed.run",
                       "--as-rank", "-m", "pkg.train", "--lr", "0.1"]


def test_rank_environment_from_mpich_and_open_mpi():
    from ember.distributed.run import rank_environment
    mpich = rank_environment({"PMI_RANK": "5", "PMI_SIZE": "8", "MPI_LOCALRANKID": "1", "MPI_LOCALNRANKS": "4"})
    ompi = rank_environment({"OMPI_COMM_WORLD_RANK": "5", "OMPI_COMM_WORLD_SIZE": "8",
                             "OMPI_COMM_WORLD_LOCAL_RANK": "1", "OMPI_COMM_WORLD_LOCAL_SIZE": "4"})
    for got in (mpich, ompi):
        assert {k: got[k] for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK")} == \
            {"RANK": "5", "WORLD_SIZE": "8", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "4", "GROUP_RANK": "1"}
    assert rank_environment({}) == {}
