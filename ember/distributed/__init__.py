"""Distributed communication with torch.distributed's API, on MPI (mpi4py and the mpich wheel).

Launch a job with ``mpiexec -n N python script.py`` or ``python -m ember.distributed.run
--nproc-per-node N script.py``; each process calls ``init_process_group()`` and gets its rank and
the world size from MPI. The backend names "mpi" and "gloo" both run on MPI.
"""
from . import _mpi
from ._collectives import (Work, all_gather, all_gather_into_tensor, all_gather_object, all_reduce, barrier,
                           broadcast, broadcast_object_list, reduce, reduce_scatter, reduce_scatter_tensor)
from ._mpi import DistBackendError
from .distributed_c10d import (Backend, GroupMember, ProcessGroup, ReduceOp, default_pg_timeout,
                               destroy_process_group, get_backend, get_global_rank, get_group_rank,
                               get_process_group_ranks, get_rank, get_world_size, group, init_process_group,
                               is_initialized, new_group)

__all__ = [
    "Backend", "DistBackendError", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather",
    "all_gather_into_tensor", "all_gather_object", "all_reduce", "barrier", "broadcast",
    "broadcast_object_list", "default_pg_timeout", "destroy_process_group", "get_backend", "get_global_rank",
    "get_group_rank", "get_process_group_ranks", "get_rank", "get_world_size", "group", "init_process_group",
    "is_available", "is_gloo_available", "is_initialized", "is_mpi_available", "is_nccl_available",
    "new_group", "reduce", "reduce_scatter", "reduce_scatter_tensor",
]


def is_available():
    """Return True if the distributed package can be used: mpi4py and an MPI library are installed."""
    return _mpi.available()


def is_mpi_available():
    """Return True if the MPI backend is available."""
    return _mpi.available()


def is_gloo_available():
    """Return False: ember has no gloo; the name "gloo" runs on MPI."""
    return False


def is_nccl_available():
    """Return False: ember runs on CPUs only."""
    return False
