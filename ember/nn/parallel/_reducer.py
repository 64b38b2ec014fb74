"""DDP's reducer: gradient buckets, all-reduced asynchronously as they fill during backward.

PyTorch's layout: parameters are assigned to buckets by size in ``parameters()`` order, one open
bucket per dtype, the first capped at 1 MiB and the rest at ``bucket_cap_mb`` (25 MiB); the
buckets are then reduced in reverse, the order in which backward produces their gradients.
Each gradient is scaled by 1/world_size while it is copied into its bucket (one pass instead of
a separate division), buckets are launched strictly in order as they become ready, and the last
gradient to arrive waits for every bucket and copies the averages back into ``.grad``.
"""
import numpy as np

from ...distributed import _mpi

MB = 1024 * 1024
DEFAULT_FIRST_BUCKET_BYTES = 1 * MB
DEFAULT_BUCKET_CAP_MB = 25


def compute_bucket_assignment_by_size(params, size_limits):
    """Return (bucket index lists, their byte limits), as ``torch.distributed._compute_bucket_assignment_by_size``."""
    open_buckets, limit_pos, result = {}, {}, []
    for i, p in enumerate(params):
        key = p._data.dtype.str
        bucket = open_buckets.setdefault(key, [[], 0])
        pos = limit_pos.setdefault(key, 0)
        bucket[0].append(i)
        bucket[1] += p._data.nbytes
        if bucket[1] >= size_limits[pos]:
            result.append((bucket[0], size_limits[pos]))
            open_buckets[key] = [[], 0]
            limit_pos[key] = min(pos + 1, len(size_limits) - 1)
    for key, (indices, _) in open_buckets.items():
        if indices:
            result.append((indices, size_limits[limit_pos[key]]))
    result.sort(key=lambda item: min(item[0]))
    return [r[0] for r in result], [r[1] for r in result]


class _Bucket:
    """One flat gradient buffer of a single dtype and the parameters it serves."""

    def __init__(self, params):
        self.params = params
        sizes = [p._data.size for p in params]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.flat = np.zeros(int(self.offsets[-1]), params[0]._data.dtype)
        self.pending = len(params)
        self.request = None

    def view(self, k):
        p = self.params[k]
        return self.flat[self.offsets[k]:self.offsets[k + 1]].reshape(p._data.shape)


class Reducer:
    """Averages the gradients of ``params`` across the ranks of ``pg`` during each synchronised backward."""

    def __init__(self, params, pg, bucket_cap_mb=None, find_unused_parameters=False):
        self.params = list(params)
        self.pg = pg
        self.find_unused = find_unused_parameters
        cap = int((DEFAULT_BUCKET_CAP_MB if bucket_cap_mb is None else bucket_cap_mb) * MB)
        first = DEFAULT_FIRST_BUCKET_BYTES if bucket_cap_mb is None else cap
        indices, self.bucket_limits = compute_bucket_assignment_by_size(self.params, [first, cap])
        self.bucket_indices = list(reversed(indices))
        self.buckets = [_Bucket([self.params[i] for i in idx]) for idx in self.bucket_indices]
        self.where = {}                                  # id(param) -> (bucket number, slot)
        for b, idx in enumerate(self.bucket_indices):
            for k, i in enumerate(idx):
                self.where[id(self.params[i])] = (b, k)
        self.used = np.zeros(len(self.params), np.int32)
        self.index = {id(p): i for i, p in enumerate(self.params)}
        self.active = False
        self.handles = [p.register_post_accumulate_grad_hook(self._ready) for p in self.params]

    # ------------------------------------------------------------------ per iteration
    def prepare_for_backward(self, unused=()):
        """Arm the reducer for the next backward; ``unused`` parameters count as ready with zero gradient."""
        self.active = True
        self.next_bucket = 0
        self.used[:] = 1
        for b in self.buckets:
            b.pending = len(b.params)
            b.request = None
        for p in unused:
            self.used[self.index[id(p)]] = 0
            b, k = self.where[id(p)]
            self.buckets[b].view(k)[...] = 0
            self.buckets[b].pending -= 1
        if unused and all(b.pending == 0 for b in self.buckets):
            self._launch_ready()
            self._finish()

    def in_progress(self):
        """Return True if a synchronised backward started but some parameter never got its gradient."""
        return self.active and any(b.pending < len(b.params) for b in self.buckets)

    def _ready(self, param):
        """post-accumulate-grad hook: copy ``param.grad / world_size`` into its bucket; launch full buckets."""
        if not self.active:
            return
        b, k = self.where[id(param)]
        bucket = self.buckets[b]
        np.multiply(param.grad._data, 1.0 / self.pg.size(), out=bucket.view(k), casting="unsafe")
        bucket.pending -= 1
        if bucket.pending == 0:
            self._launch_ready()
        else:
            self._poke()
        if self.next_bucket == len(self.buckets):
            self._finish()

    def _launch_ready(self):
        MPI = _mpi.load()
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            bucket = self.buckets[self.next_bucket]
            bucket.request = self.pg._comm.Iallreduce(MPI.IN_PLACE, bucket.flat, MPI.SUM)
            self.next_bucket += 1

    def _poke(self):
        """Let MPI progress the buckets in flight (MPICH moves non-blocking collectives only inside MPI calls)."""
        live = [b.request for b in self.buckets[:self.next_bucket] if b.request is not None]
        if live:
            _mpi.load().Request.Testall(live)

    def _finish(self):
        """Wait for every bucket, then write the averaged gradients back into ``.grad``."""
        MPI = _mpi.load()
        requests = [b.request for b in self.buckets]
        if self.find_unused:
            # a parameter unused on every rank keeps its gradient untouched, as in PyTorch
            requests.append(self.pg._comm.Iallreduce(MPI.IN_PLACE, self.used, MPI.MAX))
        self.pg._wait(requests, "DistributedDataParallel gradient all_reduce")
        self.active = False
        for bucket in self.buckets:
            for k, p in enumerate(bucket.params):
                if self.used[self.index[id(p)]]:
                    self._store_grad(p, bucket.view(k))

    @staticmethod
    def _store_grad(p, averaged):
        from ..._tensor import _wrap
        if p.grad is None:
            p.grad = _wrap(averaged.copy())
        else:
            p.grad._data[...] = averaged
            p.grad._bump_version()

    def remove(self):
        """Remove the gradient hooks from the parameters."""
        for h in self.handles:
            h.remove()
