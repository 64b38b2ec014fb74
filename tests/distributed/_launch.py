"""Run a worker script under ``mpiexec -n 2`` on loopback, with a job timeout and a subprocess timeout."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKERS = Path(__file__).resolve().parent / "workers"


def _mpiexec():
    here = Path(sys.executable).parent / "mpiexec"
    return str(here) if here.exists() else shutil.which("mpiexec")


def require_mpi():
    """Skip the calling test module unless the distributed extra (mpi4py + an MPI with mpiexec) is installed."""
    import ember.distributed as dist
    if not dist.is_available():
        pytest.skip("the distributed extra is not installed (pip install 'ember[distributed]')",
                    allow_module_level=True)
    if _mpiexec() is None:
        pytest.skip("no mpiexec next to this Python or on PATH (pip install mpich)", allow_module_level=True)


def env(job_timeout=30):
    """Return the environment for a 2-rank job: MPICH kept on loopback, one thread per rank, a job timeout."""
    e = dict(os.environ)
    e.update(UCX_NET_DEVICES="lo", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
             MPIEXEC_TIMEOUT=str(job_timeout), PYTHONPATH=os.pathsep.join([str(ROOT), e.get("PYTHONPATH", "")]))
    return e


def mpirun(worker, *args, n=2, job_timeout=30, timeout=45):
    """Run ``workers/<worker>`` on ``n`` ranks; return the CompletedProcess (text output)."""
    cmd = [_mpiexec(), "-n", str(n), sys.executable, str(WORKERS / worker), *map(str, args)]
    return subprocess.run(cmd, env=env(job_timeout), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def results(proc):
    """Return {check name: (passed, detail)} from the ``RESULT name ok|FAIL detail`` lines of rank 0."""
    out = {}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            _, name, status, *detail = line.split(" ", 3)
            out[name] = (status == "ok", detail[0] if detail else "")
    return out
