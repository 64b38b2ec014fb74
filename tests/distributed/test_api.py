"""ember.distributed without a job: availability, errors before init, the missing extra, backend names."""
import subprocess
import sys

import pytest

import ember.distributed as dist

from ._launch import ROOT, env


def _python(code):
    return subprocess.run([sys.executable, "-c", code], env=env(), cwd=ROOT, capture_output=True, text=True,
                          timeout=30)


def test_names_match_torch_distributed():
    torch = pytest.importorskip("torch")
    for name in ["is_available", "init_process_group", "is_initialized", "get_rank", "get_world_size",
                 "destroy_process_group", "new_group", "barrier", "all_reduce", "broadcast", "reduce", "all_gather",
                 "all_gather_into_tensor", "reduce_scatter", "reduce_scatter_tensor", "all_gather_object",
                 "broadcast_object_list", "get_backend", "get_process_group_ranks", "get_global_rank"]:
        import inspect
        ours = list(inspect.signature(getattr(dist, name)).parameters)
        theirs = [p for p in inspect.signature(getattr(torch.distributed, name)).parameters if not p.startswith("_")]
        assert ours == theirs, name
    assert {op: int(getattr(dist.ReduceOp, op)) for op in torch.distributed.ReduceOp.RedOpType.__members__} == \
        {op: int(v) for op, v in torch.distributed.ReduceOp.RedOpType.__members__.items()}
    assert repr(dist.ReduceOp.SUM) == repr(torch.distributed.ReduceOp.SUM)


def test_errors_before_init_in_pytorch_words():
    torch = pytest.importorskip("torch")
    assert dist.is_initialized() is False
    with pytest.raises(ValueError) as theirs:
        torch.distributed.get_rank()
    with pytest.raises(ValueError) as ours:
        dist.get_rank()
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(RuntimeError, match="Distributed package doesn't have NCCL built in"):
        dist.init_process_group("nccl")
    with pytest.raises(ValueError, match="Unknown backend type bogus"):
        dist.init_process_group("bogus")
    assert dist.is_initialized() is False


def test_without_the_extra_is_available_is_false_and_init_names_the_extra():
    proc = _python("import sys; sys.modules['mpi4py'] = None\n"
                   "import ember.distributed as dist\n"
                   "print(dist.is_available())\n"
                   "dist.init_process_group('mpi')")
    assert proc.stdout.strip() == "False"
    assert "RuntimeError" in proc.stderr and "pip install 'ember[distributed]'" in proc.stderr


def test_world_size_that_mpi_did_not_start_is_refused_with_the_launch_command():
    if not dist.is_available():
        pytest.skip("the distributed extra is not installed (pip install 'ember[distributed]')")
    proc = _python("import ember.distributed as dist\n"
                   "dist.init_process_group('gloo', world_size=2, rank=0)")
    assert "ValueError" in proc.stderr and "WORLD_SIZE=2 from the argument disagrees with MPI" in proc.stderr
    assert "python -m ember.distributed.run --nproc-per-node N" in proc.stderr
    proc = _python("import ember, ember.distributed as dist\n"
                   "dist.init_process_group()\n"
                   "t = ember.ones(2); dist.all_reduce(t, op=dist.ReduceOp.AVG)\n"
                   "print(dist.get_rank(), dist.get_world_size(), t.tolist())")
    assert proc.stdout.strip() == "0 1 [1.0, 1.0]", proc.stderr
