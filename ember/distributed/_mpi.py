"""The MPI engine under ember.distributed: lazy mpi4py loading, dtype and op mapping, timed waits.

mpi4py is optional (the ``distributed`` extra). It is imported only here and only when first
needed, with automatic MPI initialisation switched off: importing it must not start MPI in every
process that merely asks ``is_available()`` (a pytest run that later forks DataLoader workers,
say). MPI starts in ``init_process_group`` and is finalised by mpi4py at exit.
"""
import os
import sys
import time

import numpy as np

EXTRA_HINT = ("ember.distributed needs MPI: install the distributed extra with "
              "pip install 'ember[distributed]' (it brings mpi4py and the mpich wheel)")

_cache = {}


class DistBackendError(RuntimeError):
    """A collective failed in the MPI backend (timed out, or a peer went away)."""


def load():
    """Return the ``mpi4py.MPI`` module, or raise RuntimeError naming the extra to install."""
    if "MPI" in _cache:
        return _cache["MPI"]
    try:
        import mpi4py
    except ImportError as exc:
        raise RuntimeError(f"{EXTRA_HINT} (mpi4py is not installed)") from exc
    if "mpi4py.MPI" not in sys.modules:
        saved = (mpi4py.rc.initialize, mpi4py.rc.finalize)
        # rc is read once, when mpi4py.MPI is first imported: restore it for the user's code
        mpi4py.rc.initialize, mpi4py.rc.finalize = False, True
        try:
            from mpi4py import MPI
        except (ImportError, OSError, RuntimeError) as exc:  # mpi4py without an MPI library: "libmpi.so: cannot open ..."
            raise RuntimeError(f"{EXTRA_HINT} ({exc})") from exc
        finally:
            mpi4py.rc.initialize, mpi4py.rc.finalize = saved
    from mpi4py import MPI
    _cache["MPI"] = MPI
    return MPI


def available():
    """Return True when mpi4py and an MPI library can be loaded."""
    try:
        load()
    except RuntimeError:
        return False
    return True


def start():
    """Initialise MPI (thread level "multiple", faster than "single" with MPICH) and return MPI."""
    MPI = load()
    if not MPI.Is_initialized():
        MPI.Init_thread(MPI.THREAD_MULTIPLE)
    return MPI


def mpiexec_path():
    """Return the ``mpiexec`` that came with the mpich wheel next to this Python, or the one on PATH."""
    import shutil
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return here if os.path.exists(here) else shutil.which("mpiexec")


# ---------------------------------------------------------------------------- reduce ops
# PyTorch's dtype names, for its error text
_TORCH_NAMES = {"float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long", "int32": "Int",
                "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def mpi_op(op_name, array):
    """Return ``(buffer, MPI.Op)`` reducing ``array`` with the named ReduceOp, in place on its memory."""
    MPI = load()
    kind = array.dtype.kind
    if op_name in ("BAND", "BOR", "BXOR") and kind not in "iub":
        raise RuntimeError(f"Cannot use ReduceOp.{op_name} with non-integral dtype")
    if op_name == "AVG" and kind not in "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_TORCH_NAMES[array.dtype.name]}")
    if op_name == "PREMUL_SUM":
        raise ValueError("ReduceOp.PREMUL_SUM is only supported by NCCL in PyTorch; the MPI backend has no "
                         "counterpart")
    if kind == "b":
        # MPI has no arithmetic on C bool: as uint8 0/1, any-true is MAX and all-true is MIN
        bool_ops = {"SUM": MPI.MAX, "MAX": MPI.MAX, "BOR": MPI.BOR, "PRODUCT": MPI.MIN, "MIN": MPI.MIN,
                    "BAND": MPI.BAND, "BXOR": MPI.BXOR}
        return array.view(np.uint8), bool_ops[op_name]
    ops = {"SUM": MPI.SUM, "AVG": MPI.SUM, "PRODUCT": MPI.PROD, "MIN": MPI.MIN, "MAX": MPI.MAX,
           "BAND": MPI.BAND, "BOR": MPI.BOR, "BXOR": MPI.BXOR}
    return array, ops[op_name]


# ---------------------------------------------------------------------------- waiting
def wait_all(requests, deadline, what):
    """Complete MPI ``requests`` before ``deadline`` (time.monotonic), else raise DistBackendError.

    MPI's own Wait cannot time out, so this polls Testall. After a short spin it yields the core
    between polls: with as many ranks as cores, a spinning rank would otherwise starve its peer.
    """
    MPI = load()
    spins = 0
    while not MPI.Request.Testall(requests):
        spins += 1
        if spins > 200:
            os.sched_yield()
            if time.monotonic() > deadline:
                raise DistBackendError(f"{what} timed out: the other ranks did not join within the "
                                       f"process group's timeout (a rank may have died, hung, or called a "
                                       f"different collective)")


def install_abort_on_error():
    """Make an uncaught exception in this rank print its traceback, then abort the whole MPI job.

    Without this, a rank that raises leaves its peers waiting in a collective forever (what
    ``python -m mpi4py script.py`` does for plain mpi4py programs).
    """
    if _cache.get("hook"):
        return
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        previous(exc_type, exc, tb)
        MPI = load()
        if MPI.Is_initialized() and not MPI.Is_finalized() and MPI.COMM_WORLD.Get_size() > 1:
            sys.stderr.flush()
            sys.stdout.flush()
            MPI.COMM_WORLD.Abort(1)

    sys.excepthook = hook
    _cache["hook"] = True
