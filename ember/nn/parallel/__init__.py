"""Data parallelism across processes: DistributedDataParallel (on ember.distributed's MPI backend)."""
from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
