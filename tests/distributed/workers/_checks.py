"""A tiny check runner for MPI workers: every rank runs every check; rank 0 prints one RESULT line each.

Results are combined with mpi4py's own gather (not the code under test), so a check passes only if
it passed on every rank.
"""
import traceback

from mpi4py import MPI

CHECKS = []


def check(fn):
    """Register ``fn`` as a check."""
    CHECKS.append(fn)
    return fn


def run_all():
    """Run the registered checks in order and report them from rank 0."""
    comm = MPI.COMM_WORLD
    for fn in CHECKS:
        try:
            fn()
            mine = "ok"
        except Exception as exc:  # noqa: BLE001 (a check reports any failure)
            last = traceback.extract_tb(exc.__traceback__)[-1]
            mine = f"FAIL rank {comm.rank} line {last.lineno}: {type(exc).__name__}: {exc}".replace("\n", " | ")
        every = comm.gather(mine, root=0)
        if comm.rank == 0:
            bad = [s for s in every if s != "ok"]
            print(f"RESULT {fn.__name__} " + (bad[0] if bad else "ok"), flush=True)
