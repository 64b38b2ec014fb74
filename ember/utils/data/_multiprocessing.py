"""Loading in worker processes, with batches returned in the sampler's order.

The parent hands out ``(idx, indices)`` tasks round-robin, keeping ``prefetch_factor`` tasks per
worker in flight, and buffers results that arrive early until their turn (``in_order=True``).
"""
import atexit
import itertools
import multiprocessing
import queue

from . import _worker
from ._iter import _BaseDataLoaderIter

_python_exiting = False


def _set_python_exiting():
    global _python_exiting
    _python_exiting = True


# At interpreter exit the queues' feeder threads are gone, so a stop message would never reach
# the workers and joining them would only wait out the timeout; multiprocessing's own exit
# handler terminates daemonic workers instead. (PyTorch keeps the same flag.)
atexit.register(_set_python_exiting)


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._shutdown = True  # until the workers exist, there is nothing to shut down
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        self._worker_result_queue = ctx.Queue()
        self._workers_done_event = ctx.Event()
        self._index_queues, self._workers = [], []
        self._shutdown = False
        for i in range(self._num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()  # unread requests must not block our exit
            w = ctx.Process(target=_worker._worker_loop, daemon=True, args=(
                self._dataset_kind, self._dataset, index_queue, self._worker_result_queue,
                self._workers_done_event, self._auto_collation, self._collate_fn,
                self._drop_last, self._base_seed, loader.worker_init_fn, i, self._num_workers))
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0  # next task to hand out
        self._rcvd_idx = 0  # next task to return
        # idx -> (worker_id,) while in flight, (worker_id, data) once it came back early
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            self._resume_workers()
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _resume_workers(self):
        """Start persistent workers on a new epoch, dropping results of the one abandoned."""
        for index_queue in self._index_queues:
            index_queue.put(_worker._ResumeIteration())
        resumed = 0
        while resumed < self._num_workers:
            if isinstance(self._get_data()[0], _worker._ResumeIteration):
                resumed += 1

    def _try_put_index(self):
        if self._tasks_outstanding >= self._prefetch_factor * self._num_workers:
            return
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx]:
                break
        else:
            return  # every worker's iterable dataset is exhausted
        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get_data(self):
        """Return the next ``(idx, data)`` from any worker, watching for dead workers."""
        if self._timeout > 0:
            try:
                return self._worker_result_queue.get(timeout=self._timeout)
            except queue.Empty:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
        while True:
            try:
                return self._worker_result_queue.get(timeout=_worker.MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                failed = [w for i, w in enumerate(self._workers)
                          if self._workers_status[i] and not w.is_alive()]
                if failed:
                    self._shutdown_workers()
                    pids = ", ".join(str(w.pid) for w in failed)
                    raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")

    def _next_ready(self):
        """Advance past tasks dropped by exhausted workers; return False when none is left."""
        while self._rcvd_idx < self._send_idx:
            info = self._task_info.get(self._rcvd_idx)
            if info is not None and (len(info) == 2 or self._workers_status[info[0]]):
                return True
            self._task_info.pop(self._rcvd_idx, None)
            self._rcvd_idx += 1
        return False

    def _next_data(self):
        while True:
            if not self._next_ready():
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                data = self._task_info.pop(self._rcvd_idx)[1]
                self._rcvd_idx += 1
                return self._process_data(data)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if isinstance(data, _worker._IterableDatasetStopIteration):
                self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
            elif idx == self._rcvd_idx or not self._in_order:
                del self._task_info[idx]
                if idx == self._rcvd_idx:
                    self._rcvd_idx += 1
                return self._process_data(data)
            else:
                self._task_info[idx] += (data,)

    def _process_data(self, data):
        self._try_put_index()
        if isinstance(data, _worker.ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        # A persistent worker stays alive for the next epoch; it only stops taking tasks.
        if not self._persistent_workers or shutdown:
            try:
                self._index_queues[worker_id].put(None)
            except (ValueError, OSError):  # queue already closed: the done event stops it
                pass
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        if getattr(self, "_shutdown", True) or _python_exiting:
            return
        self._shutdown = True
        self._workers_done_event.set()
        for worker_id in range(len(self._workers)):
            if self._persistent_workers or self._workers_status[worker_id]:
                self._mark_worker_as_unavailable(worker_id, shutdown=True)
        for w in self._workers:
            w.join(timeout=_worker.MP_STATUS_CHECK_INTERVAL)
        for index_queue in self._index_queues:
            index_queue.close()
        for w in self._workers:
            if w.is_alive():
                w.terminate()
        self._worker_result_queue.cancel_join_thread()
        self._worker_result_queue.close()

    def __del__(self):
        self._shutdown_workers()
