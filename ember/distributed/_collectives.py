"""Collectives with torch.distributed's signatures, as non-blocking MPI calls on the tensors' own arrays.

Every collective is started as an MPI ``I*`` call on the tensor's NumPy array (contiguous arrays
are used in place: no pickling, no copy) and completed by polling with the group's timeout, since
MPI's blocking calls cannot time out. ``async_op=True`` returns the Work instead of waiting.
Before sending, the ranks compare a checksum of (collective, dtype, shape): MPI would otherwise
truncate, corrupt or hang on mismatched buffers.
"""
import pickle

import numpy as np

from . import _mpi
from .distributed_c10d import ReduceOp, _resolve

__all__ = ["Work", "all_gather", "all_gather_into_tensor", "all_gather_object", "all_reduce", "barrier",
           "broadcast", "broadcast_object_list", "reduce", "reduce_scatter", "reduce_scatter_tensor"]


class Work:
    """A started collective: ``wait()`` completes it, ``is_completed()`` polls it."""

    def __init__(self, pg, requests, finish, what, result=()):
        self._pg, self._requests, self._finish, self._what = pg, requests, finish, what
        self._result = list(result)
        self._done = False
        self._exception = None

    def _complete(self):
        self._done = True
        if self._finish is not None:
            self._finish()

    def wait(self, timeout=None):
        """Block until the collective has finished (or raise if it timed out); return True."""
        if self._exception is not None:
            raise self._exception
        if not self._done:
            try:
                self._pg._wait(self._requests, self._what, timeout)
            except _mpi.DistBackendError as exc:
                self._exception = exc
                raise
            self._complete()
        return True

    def is_completed(self):
        """Return True if the collective has finished (without blocking)."""
        if not self._done and self._exception is None and _mpi.load().Request.Testall(self._requests):
            self._complete()
        return self._done

    def is_success(self):
        """Return True if the collective finished without error."""
        return self.is_completed() and self._exception is None

    def exception(self):
        """Return the error the collective failed with, or None."""
        return self._exception

    def result(self):
        """Return the output tensors of the collective."""
        return self._result


# ---------------------------------------------------------------------------- helpers
def _tensor(t, name="tensor"):
    from .._tensor import Tensor
    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type ember.Tensor\n"
                        f"             but got {type(t)} instead.")
    if not t._data.flags.writeable:
        raise RuntimeError(f"{name} is read-only: collectives write their result into it")
    return t


def _buffer(t):
    """Return a C-contiguous array to run MPI on: ``t``'s own, or a copy written back by ``_store``."""
    a = t._data
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _store(t, buf):
    if buf is not t._data:
        t._data[...] = buf.reshape(t._data.shape)
    t._bump_version()


def _signature(name, *tensors, extra=""):
    shapes = ", ".join(f"{t._data.dtype.name} tensor of shape {list(t._data.shape)}" for t in tensors)
    return f"{name} of a {shapes} {extra}".rstrip()


def _op_name(op):
    if not isinstance(op, ReduceOp.RedOpType):
        raise TypeError(f"op must be a ReduceOp, got {op!r}")
    return op.name


def _run(pg, requests, finish, what, async_op, result=()):
    work = Work(pg, requests, finish, what, result)
    if async_op:
        return work
    work.wait()
    return None


def _root(pg, rank, group_rank, name):
    """Translate a global ``src``/``dst`` (or a group-local one) into the group's rank."""
    if group_rank is not None:
        if rank is not None:
            raise ValueError(f"Can not specify both {name} and group_{name}")
        return group_rank
    rank = 0 if rank is None else rank
    if rank not in pg._ranks:
        raise ValueError(f"Invalid root rank: {rank} (not a member of the group: {pg._ranks})")
    return pg._ranks.index(rank)


def _average(buf, pg, op_name):
    if op_name == "AVG":
        np.divide(buf, pg.size(), out=buf)


# ---------------------------------------------------------------------------- tensor collectives
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` across all ranks with ``op`` so that every rank gets the result, in place."""
    _tensor(tensor)
    name = _op_name(op)
    pg = _resolve(group)
    if pg is None:
        return None
    buf = _buffer(tensor)
    mpi_buf, mpi_op = _mpi.mpi_op(name, buf)
    pg._agree("all_reduce", _signature("all_reduce", tensor, extra=f"op={name}"))
    req = pg._comm.Iallreduce(_mpi.load().IN_PLACE, mpi_buf, mpi_op)

    def finish():
        _average(buf, pg, name)
        _store(tensor, buf)
    return _run(pg, [req], finish, "all_reduce", async_op, [tensor])


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy ``tensor`` from rank ``src`` to every rank of the group, in place."""
    _tensor(tensor)
    pg = _resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    buf = _buffer(tensor)
    pg._agree("broadcast", _signature("broadcast", tensor, extra=f"src={root}"))
    req = pg._comm.Ibcast(buf.view(np.uint8) if buf.dtype == np.bool_ else buf, root)
    return _run(pg, [req], lambda: _store(tensor, buf), "broadcast", async_op, [tensor])


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` across all ranks with ``op``; only rank ``dst`` receives the result."""
    _tensor(tensor)
    name = _op_name(op)
    pg = _resolve(group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "dst")
    buf = _buffer(tensor)
    mpi_buf, mpi_op = _mpi.mpi_op(name, buf)
    pg._agree("reduce", _signature("reduce", tensor, extra=f"op={name} dst={root}"))
    MPI = _mpi.load()
    is_root = pg.rank() == root
    send = MPI.IN_PLACE if is_root else mpi_buf
    req = pg._comm.Ireduce(send, mpi_buf if is_root else None, mpi_op, root)

    def finish():
        if is_root:
            _average(buf, pg, name)
            _store(tensor, buf)
    return _run(pg, [req], finish, "reduce", async_op, [tensor])


def _check_list(tensors, like, n, what, kind):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"Invalid function argument: {kind} should be a list of ember.Tensor")
    if len(tensors) != n:
        raise RuntimeError(f"{what}: invalid {kind} at index 0 (expected length {n}, got {len(tensors)})")
    for i, t in enumerate(tensors):
        _tensor(t, kind)
        if t._data.shape != like._data.shape or t._data.dtype != like._data.dtype:
            raise RuntimeError(f"{what}: invalid tensor size at index {i} (expected {tuple(like.shape)} "
                               f"{like.dtype}, got {tuple(t.shape)} {t.dtype})")


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Gather ``tensor`` from every rank into ``tensor_list`` (one tensor per rank), on every rank."""
    _tensor(tensor)
    pg = _resolve(group)
    if pg is None:
        return None
    n = pg.size()
    _check_list(tensor_list, tensor, n, "all_gather", "output tensor list")
    pg._agree("all_gather", _signature("all_gather", tensor))
    out = np.empty((n,) + tensor._data.shape, tensor._data.dtype)
    req = pg._comm.Iallgather(np.ascontiguousarray(tensor._data), out)

    def finish():
        for t, part in zip(tensor_list, out):
            _store(t, part)
    return _run(pg, [req], finish, "all_gather", async_op, tensor_list)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Gather ``input_tensor`` from every rank, concatenated along dim 0 (or stacked) into ``output_tensor``."""
    _tensor(output_tensor, "output_tensor")
    _tensor(input_tensor, "input_tensor")
    pg = _resolve(group)
    if pg is None:
        return None
    n = pg.size()
    if output_tensor._data.size != n * input_tensor._data.size or output_tensor.dtype != input_tensor.dtype:
        raise ValueError("output tensor size must be equal to world_size times input tensor size "
                         "(and of the same dtype)")
    pg._agree("all_gather_into_tensor", _signature("all_gather_into_tensor", input_tensor))
    buf = _buffer(output_tensor)
    req = pg._comm.Iallgather(np.ascontiguousarray(input_tensor._data), buf)
    return _run(pg, [req], lambda: _store(output_tensor, buf), "all_gather_into_tensor", async_op,
                [output_tensor])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input_list`` elementwise across ranks with ``op``; rank i gets entry i in ``output``."""
    _tensor(output, "output")
    name = _op_name(op)
    pg = _resolve(group)
    if pg is None:
        return None
    n = pg.size()
    if not isinstance(input_list, (list, tuple)) or len(input_list) != n:
        raise ValueError("invalid input tensor list size, must be world size")
    _check_list(input_list, output, n, "reduce_scatter", "input tensor list")
    send = np.stack([t._data for t in input_list])
    return _reduce_scatter(pg, output, send, name, async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input`` across ranks with ``op``; rank i gets the i-th of world_size equal chunks in ``output``."""
    _tensor(output, "output")
    _tensor(input, "input")
    name = _op_name(op)
    pg = _resolve(group)
    if pg is None:
        return None
    if input._data.size != pg.size() * output._data.size or input.dtype != output.dtype:
        raise ValueError("input tensor must be the same size as output size times world size "
                         "(and of the same dtype)")
    return _reduce_scatter(pg, output, np.ascontiguousarray(input._data), name, async_op)


def _reduce_scatter(pg, output, send, name, async_op):
    buf = _buffer(output)
    send_buf, mpi_op = _mpi.mpi_op(name, send)
    recv_buf = buf.view(np.uint8) if buf.dtype == np.bool_ else buf
    pg._agree("reduce_scatter",
              f"reduce_scatter of a {send.dtype.name} tensor list of shape {list(send.shape)} op={name}")
    req = pg._comm.Ireduce_scatter_block(send_buf, recv_buf, mpi_op)

    def finish():
        _average(buf, pg, name)
        _store(output, buf)
    return _run(pg, [req], finish, "reduce_scatter", async_op, [output])


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    """Block until every rank of the group has reached the barrier (or ``timeout`` passes)."""
    pg = _resolve(group)
    if pg is None:
        return None
    work = Work(pg, [pg._comm.Ibarrier()], None, "barrier")
    if async_op:
        return work
    try:
        pg._wait(work._requests, "barrier", timeout)
    finally:
        work._done = True
    return None


# ---------------------------------------------------------------------------- picklable objects
def _allgather_bytes(pg, data, what):
    """Return every rank's ``data`` (bytes), in rank order."""
    MPI = _mpi.load()
    n = pg.size()
    sizes = np.empty(n, np.int64)
    pg._wait([pg._comm.Iallgather(np.array([len(data)], np.int64), sizes)], what)
    displs = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = np.empty(int(sizes.sum()), np.uint8)
    mine = np.frombuffer(data, np.uint8).copy()
    pg._wait([pg._comm.Iallgatherv(mine, [out, sizes, displs, MPI.BYTE])], what)
    return [out[d:d + s].tobytes() for d, s in zip(displs, sizes)]


def all_gather_object(object_list, obj, group=None):
    """Gather the picklable ``obj`` from every rank into ``object_list`` (pickle: trusted peers only)."""
    pg = _resolve(group)
    if pg is None:
        return None
    for i, data in enumerate(_allgather_bytes(pg, pickle.dumps(obj), "all_gather_object")):
        object_list[i] = pickle.loads(data)
    return None


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replace ``object_list``'s entries on every rank by those of rank ``src`` (pickled)."""
    pg = _resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    data = pickle.dumps(list(object_list)) if pg.rank() == root else b""
    size = np.array([len(data)], np.int64)
    pg._wait([pg._comm.Ibcast(size, root)], "broadcast_object_list")
    buf = np.frombuffer(data, np.uint8).copy() if data else np.empty(int(size[0]), np.uint8)
    pg._wait([pg._comm.Ibcast(buf, root)], "broadcast_object_list")
    if pg.rank() != root:
        for i, o in enumerate(pickle.loads(buf.tobytes())):
            object_list[i] = o
    return None
