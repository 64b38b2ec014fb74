"""Process groups on MPI: the default group, new_group, ranks and world sizes, as torch.distributed.

Ranks and world size come from the MPI communicator that ``mpiexec`` set up; the rendezvous
arguments PyTorch takes (``init_method``, ``MASTER_ADDR``...) are not needed for that, so they are
only checked for consistency with what MPI says.
"""
import datetime
import os
import zlib

import numpy as np

from . import _mpi

__all__ = ["Backend", "GroupMember", "ProcessGroup", "ReduceOp", "destroy_process_group", "get_backend",
           "get_global_rank", "get_group_rank", "get_process_group_ranks", "get_rank", "get_world_size",
           "group", "init_process_group", "is_initialized", "new_group"]

default_pg_timeout = datetime.timedelta(minutes=30)

_NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to call "
                    "init_process_group.")
_MAPPED_TO_MPI = {None, "mpi", "gloo", "cpu:gloo", "cpu:mpi", "undefined"}


class ReduceOp:
    """Reduction operations for ``all_reduce``, ``reduce`` and ``reduce_scatter``."""

    class RedOpType(int):
        """One reduction, printed as PyTorch prints it (``<RedOpType.SUM: 0>``)."""

        def __new__(cls, name, value):
            self = super().__new__(cls, value)
            self.name = name
            return self

        def __repr__(self):
            return f"<RedOpType.{self.name}: {int(self)}>"

        __str__ = __repr__

    SUM = RedOpType("SUM", 0)
    AVG = RedOpType("AVG", 1)
    PRODUCT = RedOpType("PRODUCT", 2)
    MIN = RedOpType("MIN", 3)
    MAX = RedOpType("MAX", 4)
    BAND = RedOpType("BAND", 5)
    BOR = RedOpType("BOR", 6)
    BXOR = RedOpType("BXOR", 7)
    PREMUL_SUM = RedOpType("PREMUL_SUM", 8)


class Backend(str):
    """Backend names: ember runs every CPU backend name on MPI."""

    MPI = "mpi"
    GLOO = "gloo"
    NCCL = "nccl"
    UNDEFINED = "undefined"

    def __new__(cls, name):
        return super().__new__(cls, name.lower())


class ProcessGroup:
    """A set of ranks that run collectives together, backed by one MPI communicator."""

    def __init__(self, comm, ranks, timeout):
        self._comm = comm
        self._ranks = list(ranks)        # global rank of each group rank
        self._timeout = timeout

    def rank(self):
        """Return this process's rank in the group."""
        return self._comm.Get_rank()

    def size(self):
        """Return the number of ranks in the group."""
        return self._comm.Get_size()

    def name(self):
        """Return the backend's name."""
        return "mpi"

    def __repr__(self):
        return f"<ember.distributed.ProcessGroup mpi ranks={self._ranks}>"

    def _deadline(self, timeout=None):
        import time
        t = self._timeout if timeout is None else timeout
        seconds = t.total_seconds() if isinstance(t, datetime.timedelta) else float(t)
        return time.monotonic() + seconds

    def _wait(self, requests, what, timeout=None):
        _mpi.wait_all(requests, self._deadline(timeout), f"[Rank {_world.rank}] {what}")

    def _agree(self, what, signature):
        """Raise the same clear RuntimeError on every rank unless all ranks pass the same ``signature``.

        MPI trusts the caller on sizes: mismatched buffers truncate, corrupt or hang. One int64
        allgather of a checksum catches it first; only on a mismatch do the ranks swap the text.
        """
        n = self.size()
        mine = np.array([zlib.crc32(signature.encode())], np.int64)
        every = np.empty(n, np.int64)
        self._wait([self._comm.Iallgather(mine, every)], what)
        if (every == mine[0]).all():
            return
        from ._collectives import _allgather_bytes
        texts = [b.decode() for b in _allgather_bytes(self, signature.encode(), what)]
        listing = "; ".join(f"rank {self._ranks[r]}: {t}" for r, t in enumerate(texts))
        raise RuntimeError(f"{what}: the ranks called it with different tensors ({listing}); every rank "
                           f"must pass tensors of the same shape and dtype")


class GroupMember:
    """Sentinels for group membership, as in torch.distributed."""

    WORLD = None
    NON_GROUP_MEMBER = -100


class group:  # noqa: N801 (PyTorch's name)
    """Holds ``group.WORLD``, the default process group once initialised."""

    WORLD = None


class _World:
    """The default group and every group made from it (the only module state)."""

    def __init__(self):
        self.default = None
        self.groups = []
        self.rank = -1


_world = _World()


def _set_default(pg):
    _world.default = pg
    group.WORLD = pg
    GroupMember.WORLD = pg


def is_initialized():
    """Return True if the default process group has been initialized."""
    return _world.default is not None


def _default():
    if _world.default is None:
        raise ValueError(_NOT_INITIALIZED)
    return _world.default


def _resolve(group):
    """Return the ProcessGroup to run on, or None when this rank is not in ``group``."""
    pg = _default()
    if group is None or group is GroupMember.WORLD:
        return pg
    if group == GroupMember.NON_GROUP_MEMBER:
        return None
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup, got {type(group).__name__}")
    return group


def _check_backend(backend):
    name = None if backend is None else str(backend).lower()
    if name in _MAPPED_TO_MPI:
        return
    if name in ("nccl", "cuda:nccl", "ucc", "xccl"):
        raise RuntimeError(f"Distributed package doesn't have {name.split(':')[-1].upper()} built in "
                           f"(ember runs on CPUs only; use backend='mpi', or 'gloo', which ember runs on MPI)")
    raise ValueError(f"Unknown backend type {backend}")


def _check_env(name, arg, actual):
    """Refuse a rank or world size (argument or env:// variable) that contradicts what MPI says."""
    value = arg if arg is not None and arg >= 0 else os.environ.get(name)
    if value is None or int(value) == actual:
        return
    source = "argument" if arg is not None and arg >= 0 else "environment variable"
    hint = (" This process was started alone: launch the job with `mpiexec -n N python script.py` or "
            "`python -m ember.distributed.run --nproc-per-node N script.py`." if name == "WORLD_SIZE" else "")
    raise ValueError(f"init_process_group: {name}={value} from the {source} disagrees with MPI, which started "
                     f"this process as {name}={actual}; ember.distributed takes ranks from mpiexec.{hint}")


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Initialize the default process group on MPI; rank and world size come from ``mpiexec``.

    ``backend`` may be "mpi", or "gloo" (run on MPI too) so that PyTorch CPU code runs unchanged.
    ``world_size``/``rank`` and the env:// variables WORLD_SIZE/RANK, when given, must agree with MPI.
    ``timeout`` (default 30 minutes) bounds every collective of the group.
    """
    if _world.default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    _check_backend(backend)
    if store is not None:
        raise ValueError("ember.distributed does not use a Store: mpiexec does the rendezvous")
    if init_method is not None and not str(init_method).startswith(("env://", "tcp://", "file://", "mpi://")):
        raise ValueError(f"init_method {init_method!r} is not a URL ember.distributed understands")
    MPI = _mpi.start()
    comm = MPI.COMM_WORLD.Dup()  # our own context: user code on COMM_WORLD cannot interleave with ours
    _check_env("WORLD_SIZE", world_size, comm.Get_size())
    _check_env("RANK", rank, comm.Get_rank())
    _world.rank = comm.Get_rank()
    _set_default(ProcessGroup(comm, range(comm.Get_size()), timeout or default_pg_timeout))
    _mpi.install_abort_on_error()


def destroy_process_group(group=None):
    """Destroy ``group``, or the default group and every group made from it when ``group`` is None."""
    if _world.default is None:
        raise AssertionError("Process group cannot be None")
    if group is None or group is _world.default:
        for pg in [*_world.groups, _world.default]:
            pg._comm.Free()
        _world.groups = []
        _set_default(None)
        return
    if isinstance(group, ProcessGroup) and group in _world.groups:
        group._comm.Free()
        _world.groups.remove(group)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None, sort_ranks=True):
    """Return a new process group of the given global ``ranks`` (all ranks when None).

    Every rank of the default group must call it, members or not; non-members get
    ``GroupMember.NON_GROUP_MEMBER``.
    """
    world = _default()
    _check_backend(backend)
    n = world.size()
    members = list(range(n)) if ranks is None else list(ranks)
    if len(members) > n:
        raise ValueError("the new group's world size should be less or equal to the world size set by "
                         "init_process_group")
    for r in members:
        if not 0 <= r < n:
            raise ValueError(f"The new group's rank should be within the world_size set by init_process_group "
                             f"(got rank {r}, world_size {n})")
    if sort_ranks:
        members = sorted(members)
    MPI = _mpi.load()
    me = world.rank()
    color = 0 if me in members else MPI.UNDEFINED
    comm = world._comm.Split(color, members.index(me) if me in members else 0)
    if comm == MPI.COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, members, timeout or world._timeout)
    _world.groups.append(pg)
    return pg


def get_rank(group=None):
    """Return the rank of the current process in ``group`` (the default group when None); -1 if not a member."""
    pg = _resolve(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None):
    """Return the number of processes in ``group`` (the default group when None); -1 if not a member."""
    pg = _resolve(group)
    return -1 if pg is None else pg.size()


def get_backend(group=None):
    """Return the backend of ``group``: always "mpi"."""
    _resolve(group)
    return Backend.MPI


def get_process_group_ranks(group):
    """Return the global ranks of the members of ``group``, in group-rank order."""
    pg = _resolve(group)
    return list(pg._ranks)


def get_global_rank(group, group_rank):
    """Return the global rank of ``group_rank`` in ``group``."""
    ranks = get_process_group_ranks(group)
    if not 0 <= group_rank < len(ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return ranks[group_rank]


def get_group_rank(group, global_rank):
    """Return the rank in ``group`` of the process with global rank ``global_rank``."""
    ranks = get_process_group_ranks(group)
    if global_rank not in ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return ranks.index(global_rank)
