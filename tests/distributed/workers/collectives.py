"""Every collective on 2 ranks against NumPy's result over all ranks' inputs (each rank can rebuild them)."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _checks import check, run_all  # noqa: E402

import ember  # noqa: E402
import ember.distributed as dist  # noqa: E402

dist.init_process_group(backend="gloo")  # the PyTorch CPU name runs on MPI
R, N = dist.get_rank(), dist.get_world_size()
NP_REDUCE = {"SUM": np.add, "PRODUCT": np.multiply, "MIN": np.minimum, "MAX": np.maximum,
             "BAND": np.bitwise_and, "BOR": np.bitwise_or, "BXOR": np.bitwise_xor}


def data(seed, shape, dtype, rank):
    """Rank ``rank``'s input for a check: small values so products and sums stay exact."""
    rng = np.random.default_rng([seed, rank])
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind == "f":
        return rng.uniform(-2, 2, shape).astype(dtype)
    return rng.integers(1, 9, shape).astype(dtype)


def every(seed, shape, dtype):
    return [data(seed, shape, dtype, r) for r in range(N)]


def expect(op, arrays):
    if op == "AVG":
        return np.add.reduce(np.stack(arrays)) / N
    if arrays[0].dtype == np.bool_:
        fn = {"SUM": np.logical_or, "MAX": np.logical_or, "BOR": np.logical_or, "PRODUCT": np.logical_and,
              "MIN": np.logical_and, "BAND": np.logical_and, "BXOR": np.logical_xor}[op]
        return fn.reduce(np.stack(arrays))
    return NP_REDUCE[op].reduce(np.stack(arrays))


@check
def world():
    assert (R, N) == (0, 2) or (R, N) == (1, 2)
    assert dist.is_initialized() and dist.get_backend() == "mpi"


@check
def all_reduce_every_op_and_dtype():
    cases = [(op, dt) for op in ("SUM", "PRODUCT", "MIN", "MAX") for dt in
             (np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_)]
    cases += [("AVG", np.float32), ("AVG", np.float64)]
    cases += [(op, dt) for op in ("BAND", "BOR", "BXOR") for dt in (np.int64, np.int32, np.uint8, np.bool_)]
    for seed, (op, dt) in enumerate(cases):
        arrays = every(seed, (3, 4), dt)
        t = ember.from_numpy(arrays[R].copy())
        version = t._version
        dist.all_reduce(t, op=getattr(dist.ReduceOp, op))
        want = expect(op, arrays).astype(dt)
        assert t.dtype == ember.from_numpy(want).dtype, (op, dt, t.dtype)
        np.testing.assert_array_equal(t.numpy(), want, err_msg=f"{op} {np.dtype(dt).name}")
        assert t._version > version, "all_reduce must bump the version counter"


@check
def all_reduce_shapes_and_views():
    for shape in [(), (0,), (5,), (2, 3, 4)]:
        arrays = every(1, shape, np.float64)
        t = ember.from_numpy(arrays[R].copy())
        dist.all_reduce(t)
        np.testing.assert_array_equal(t.numpy(), arrays[0] + arrays[1])
    base = ember.zeros(4, 3)
    column = base[:, 1]                          # a non-contiguous view: the result lands in ``base``
    column += float(R + 1)
    dist.all_reduce(column, op=dist.ReduceOp.MAX)
    np.testing.assert_array_equal(base.numpy(), np.tile([[0.0, 2.0, 0.0]], (4, 1)))


@check
def all_reduce_async():
    arrays = every(7, (1000,), np.float32)
    t = ember.from_numpy(arrays[R].copy())
    work = dist.all_reduce(t, op=dist.ReduceOp.AVG, async_op=True)
    assert isinstance(work, dist.Work)
    assert work.wait() is True
    assert work.is_completed() and work.is_success() and work.exception() is None
    np.testing.assert_array_equal(t.numpy(), (arrays[0] + arrays[1]) / np.float32(2))
    assert work.result()[0] is t


@check
def broadcast_from_each_rank():
    for src in range(N):
        arrays = every(10 + src, (3, 2), np.int64)
        t = ember.from_numpy(arrays[R].copy())
        dist.broadcast(t, src=src)
        np.testing.assert_array_equal(t.numpy(), arrays[src])
    b = ember.tensor([R == 0, True])
    dist.broadcast(b, src=1)
    assert b.tolist() == [False, True]


@check
def reduce_to_dst():
    arrays = every(20, (6,), np.float32)
    t = ember.from_numpy(arrays[R].copy())
    dist.reduce(t, dst=1, op=dist.ReduceOp.MAX)
    np.testing.assert_array_equal(t.numpy(), np.maximum(*arrays) if R == 1 else arrays[R])


@check
def all_gather_list_and_tensor():
    arrays = every(30, (2, 3), np.float64)
    out = [ember.zeros(2, 3, dtype=ember.float64) for _ in range(N)]
    dist.all_gather(out, ember.from_numpy(arrays[R].copy()))
    for r in range(N):
        np.testing.assert_array_equal(out[r].numpy(), arrays[r])
    flat = ember.zeros(N * 2, 3, dtype=ember.float64)
    dist.all_gather_into_tensor(flat, ember.from_numpy(arrays[R].copy()))
    np.testing.assert_array_equal(flat.numpy(), np.concatenate(arrays))
    stacked = ember.zeros(N, 2, 3, dtype=ember.float64)
    work = dist.all_gather_into_tensor(stacked, ember.from_numpy(arrays[R].copy()), async_op=True)
    work.wait()
    np.testing.assert_array_equal(stacked.numpy(), np.stack(arrays))


@check
def reduce_scatter_list_and_tensor():
    chunks = [every(40 + i, (3,), np.float32) for i in range(N)]       # chunks[i][r]: rank r's i-th input
    out = ember.zeros(3)
    dist.reduce_scatter(out, [ember.from_numpy(chunks[i][R].copy()) for i in range(N)])
    np.testing.assert_array_equal(out.numpy(), chunks[R][0] + chunks[R][1])
    arrays = every(50, (N * 2,), np.float64)
    out = ember.zeros(2, dtype=ember.float64)
    dist.reduce_scatter_tensor(out, ember.from_numpy(arrays[R].copy()), op=dist.ReduceOp.AVG)
    np.testing.assert_array_equal(out.numpy(), ((arrays[0] + arrays[1]) / 2)[2 * R:2 * R + 2])


@check
def objects():
    got = [None] * N
    dist.all_gather_object(got, {"rank": R, "payload": list(range(R + 2))})
    assert got == [{"rank": r, "payload": list(range(r + 2))} for r in range(N)]
    objs = [R, "x" * (R + 1), None]
    dist.broadcast_object_list(objs, src=1)
    assert objs == [1, "xx", None]


@check
def barrier_and_groups():
    dist.barrier()
    dist.barrier(async_op=True).wait()
    solo = dist.new_group([1])
    if R == 1:
        assert dist.get_rank(solo) == 0 and dist.get_world_size(solo) == 1
        t = ember.ones(2)
        dist.all_reduce(t, group=solo)
        assert t.tolist() == [1.0, 1.0]
    else:
        assert solo == dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(solo) == -1
        assert dist.all_reduce(ember.ones(2), group=solo) is None
    both = dist.new_group([1, 0])
    assert dist.get_process_group_ranks(both) == [0, 1] and dist.get_rank(both) == R
    t = ember.tensor([float(R)])
    dist.broadcast(t, src=1, group=both)
    assert t.tolist() == [1.0]


def raises(exc_type, text, fn):
    try:
        fn()
    except exc_type as exc:
        assert text in str(exc), f"{text!r} not in {str(exc)!r}"
        return str(exc)
    raise AssertionError(f"no {exc_type.__name__} raised")


@check
def local_errors_in_pytorch_words():
    t = ember.arange(4)
    raises(RuntimeError, "result type Float can't be cast to the desired output type Long",
           lambda: dist.all_reduce(t, op=dist.ReduceOp.AVG))
    assert t.tolist() == [0, 1, 2, 3], "a failed call leaves the tensor unchanged"
    raises(RuntimeError, "Cannot use ReduceOp.BAND with non-integral dtype",
           lambda: dist.all_reduce(ember.ones(2), op=dist.ReduceOp.BAND))
    raises(TypeError, "Expected parameter `tensor`", lambda: dist.all_reduce([1.0, 2.0]))
    raises(RuntimeError, "invalid output tensor list at index 0 (expected length 2, got 1)",
           lambda: dist.all_gather([ember.zeros(2)], ember.zeros(2)))
    raises(ValueError, "invalid input tensor list size, must be world size",
           lambda: dist.reduce_scatter(ember.zeros(2), [ember.zeros(2)]))
    raises(ValueError, "trying to initialize the default process group twice!", dist.init_process_group)
    raises(RuntimeError, "Distributed package doesn't have NCCL built in",
           lambda: dist.new_group([0, 1], backend="nccl"))


@check
def shape_mismatch_across_ranks_is_a_clear_error():
    msg = raises(RuntimeError, "different tensors", lambda: dist.all_reduce(ember.ones(2 + R)))
    assert "rank 0: all_reduce of a float32 tensor of shape [2]" in msg, msg
    assert "rank 1: all_reduce of a float32 tensor of shape [3]" in msg, msg
    t = ember.ones(3, dtype=ember.float64 if R else ember.float32)
    raises(RuntimeError, "different tensors", lambda: dist.broadcast(t, src=0))
    assert t.tolist() == [1.0, 1.0, 1.0]
    dist.all_reduce(ember.ones(2))              # the group still works afterwards


run_all()
dist.destroy_process_group()
assert not dist.is_initialized()
