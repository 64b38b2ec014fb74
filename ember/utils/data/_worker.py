"""What runs inside a DataLoader worker process, and the messages it exchanges with the parent."""
import os
import queue
import random
import sys
import traceback

import numpy as np

import ember

from ._fetch import _DatasetKind

__all__ = ["WorkerInfo", "get_worker_info"]

# How often (seconds) a worker waiting for work checks that its parent is still alive.
MP_STATUS_CHECK_INTERVAL = 5.0

_worker_info = None


class WorkerInfo:
    """Information about the current DataLoader worker: ``id``, ``num_workers``, ``seed`` and
    ``dataset`` (this process's copy)."""

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())

    def __repr__(self):
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{self.__class__.__name__}({', '.join(items)})"


def get_worker_info():
    """Return the WorkerInfo of the current DataLoader worker, or None in the main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception and its formatted traceback, to re-raise in the parent process."""

    def __init__(self, exc_info=None, where="in background"):
        exc_info = exc_info or sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the wrapped exception's type with PyTorch's 'Caught ... Original Traceback' text."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class _IterableDatasetStopIteration:
    """A worker's notice that its copy of an IterableDataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class _ResumeIteration:
    """The parent's request that a persistent worker start a new epoch."""


def _generate_state(base_seed, worker_id):
    """Return the four 32-bit words PyTorch seeds NumPy with in worker ``worker_id``
    (a SeedSequence-style hash of the base seed and worker id)."""
    mask32 = 0xFFFFFFFF
    hash_const = [0x43B0D7E5]

    def mix_hash(value):
        value = (value ^ hash_const[0]) & mask32
        hash_const[0] = (hash_const[0] * 0x931E8875) & mask32
        value = (value * hash_const[0]) & mask32
        return (value ^ (value >> 16)) & mask32

    def mix(x, y):
        result = ((0xCA01F9DD * x) & mask32) - ((0x4973F715 * y) & mask32)
        result &= mask32
        return (result ^ (result >> 16)) & mask32

    pool = [mix_hash(v) for v in (worker_id, base_seed & mask32, base_seed >> 32, 0)]
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], mix_hash(pool[i_src]))
    state, const_b = [], 0x8B51F9DD
    for value in pool:
        value = (value ^ const_b) & mask32
        const_b = (const_b * 0x58F38DED) & mask32
        value = (value * const_b) & mask32
        state.append((value ^ (value >> 16)) & mask32)
    return state


def _seed_worker(base_seed, worker_id):
    """Seed Python's, ember's and NumPy's global generators as PyTorch seeds a worker's."""
    seed = base_seed + worker_id
    random.seed(seed)
    ember.manual_seed(seed)
    np.random.seed(_generate_state(base_seed, worker_id))
    return seed


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers):
    """Serve ``(idx, index)`` requests from ``index_queue`` until told to stop (``None``)."""
    global _worker_info
    where = f"in DataLoader worker process {worker_id}"
    parent = os.getppid()
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_exception = fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation,
                                                  collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=where)
        iteration_end = False
        while os.getppid() == parent:  # a worker whose parent died has nobody to serve
            try:
                r = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                if init_exception is None:
                    fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation,
                                                          collate_fn, drop_last)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if dataset_kind != _DatasetKind.Iterable:
                        data = ExceptionWrapper(where=where)
                    else:
                        data, iteration_end = _IterableDatasetStopIteration(worker_id), True
                except Exception:
                    data = ExceptionWrapper(where=where)
            data_queue.put((idx, data))
            del data, idx, index, r  # free the batch before blocking on the next request
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        # Results nobody will read must not keep this process alive at exit.
        data_queue.cancel_join_thread()
        data_queue.close()
