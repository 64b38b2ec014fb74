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

# How long (seconds) the parent waits for a result before checking that its workers are alive.
MP_STATUS_CHECK_INTERVAL = 5.0
# How often (seconds) an idle worker checks that it should still run. Short, because a parent
# shutting down from a garbage-collection pass may have lost the feeder thread that would carry
# its stop message: the worker must notice the done event by itself.
WORKER_POLL_INTERVAL = 0.1

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


class _Server:
    """One worker's fetching: its fetcher, a failure from worker_init_fn, and whether its
    iterable dataset is exhausted for this epoch."""

    def __init__(self, dataset_kind, dataset, auto_collation, collate_fn, drop_last, worker_id):
        self.fetcher_args = (dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        self.iterable = dataset_kind == _DatasetKind.Iterable
        self.where = f"in DataLoader worker process {worker_id}"
        self.worker_id = worker_id
        self.fetcher = self.init_exception = None
        self.iteration_end = False

    def start(self, init_fn):
        """Run ``worker_init_fn`` and make the fetcher; a failure is reported with the first task."""
        try:
            if init_fn is not None:
                init_fn(self.worker_id)
            self.fetcher = _DatasetKind.create_fetcher(*self.fetcher_args)
        except Exception:
            self.init_exception = ExceptionWrapper(where=self.where)

    def resume(self):
        """Start a new epoch (persistent workers): a fresh iterator over the dataset."""
        self.iteration_end = False
        if self.init_exception is None:
            self.fetcher = _DatasetKind.create_fetcher(*self.fetcher_args)

    def fetch(self, index):
        """Return the batch at ``index``, an ExceptionWrapper, or the end-of-data notice."""
        if self.init_exception is not None:
            data, self.init_exception = self.init_exception, None
            return data
        try:
            return self.fetcher.fetch(index)
        except StopIteration:
            if not self.iterable:
                return ExceptionWrapper(where=self.where)
            self.iteration_end = True
            return _IterableDatasetStopIteration(self.worker_id)
        except Exception:
            return ExceptionWrapper(where=self.where)


def _serve(server, index_queue, data_queue, done_event):
    """Answer requests until a stop message, the done event, or the parent's death."""
    parent = os.getppid()
    while os.getppid() == parent:  # a worker whose parent died has nobody to serve
        try:
            r = index_queue.get(timeout=WORKER_POLL_INTERVAL)
        except queue.Empty:
            if done_event.is_set():
                return
            continue
        if isinstance(r, _ResumeIteration):
            data_queue.put((r, None))
            server.resume()
        elif r is None:
            return
        elif not (done_event.is_set() or server.iteration_end):
            idx, index = r
            data = server.fetch(index)
            data_queue.put((idx, data))
            del data, r  # free the batch before blocking on the next request


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers):
    """A worker process's main: seed, run ``worker_init_fn``, then serve ``(idx, index)``
    requests from ``index_queue`` with ``(idx, data)`` on ``data_queue``."""
    global _worker_info
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        server = _Server(dataset_kind, dataset, auto_collation, collate_fn, drop_last, worker_id)
        server.start(init_fn)
        _serve(server, index_queue, data_queue, done_event)
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        # Results nobody will read must not keep this process alive at exit.
        data_queue.cancel_join_thread()
        data_queue.close()
