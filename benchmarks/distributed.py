"""Data parallelism on 2 processes: all_reduce of 1e3..1e7 floats, and DDP's per-step cost on the MNIST MLP.

Both libraries run under the same ``mpiexec -n 2`` on loopback: ember on MPI, torch on gloo
(rendezvous through env:// on 127.0.0.1, ranks read from MPICH's PMI variables). Each timing is
the median over repeats of the slower rank's time per call.
"""
import json
import os
import subprocess
import sys

from ._harness import Row, have_torch

SIZES = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]


def _job(lib, what, quick):
    """Run this file's worker on 2 ranks and return its JSON result (None if it could not run)."""
    from ember.distributed._mpi import mpiexec_path
    env = dict(os.environ, UCX_NET_DEVICES="lo", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MPIEXEC_TIMEOUT="300", MASTER_ADDR="127.0.0.1", MASTER_PORT="29517", GLOO_SOCKET_IFNAME="lo")
    cmd = [mpiexec_path(), "-n", "2", sys.executable, "-m", "benchmarks.distributed", lib, what, str(int(quick))]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=360,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{lib} {what} job failed:\n{proc.stderr[-2000:]}")
    return json.loads(lines[0])


def run(quick=False):
    """Return the rows of this benchmark (empty when the distributed extra is missing)."""
    import ember.distributed as dist
    if not dist.is_available():
        return [Row("distributed (skipped: pip install 'ember[distributed]')", None)]
    torch = have_torch()
    ours = _job("ember", "all_reduce", quick)
    theirs = _job("torch", "all_reduce", quick) if torch else {}
    rows = [Row(f"all_reduce {int(n):.0e} float32, 2 ranks", ours[str(n)] * 1e3,
                theirs.get(str(n)) and theirs[str(n)] * 1e3, "ms", "< 1× (gloo)", "MPI vs torch gloo")
            for n in (SIZES[:4] if quick else SIZES)]
    ours = _job("ember", "ddp", quick)
    theirs = _job("torch", "ddp", quick) if torch else {}
    for key, label in (("single", "1 process"), ("ddp", "DDP, 2 ranks")):
        rows.append(Row(f"MNIST MLP step, batch 64 per process, {label}", ours[key] * 1e3,
                        theirs.get(key) and theirs[key] * 1e3, "ms"))
    overhead = (ours["ddp"] - ours["single"]) * 1e3
    t_over = theirs and (theirs["ddp"] - theirs["single"]) * 1e3
    rows.append(Row("DDP per-step overhead over 1 process (MNIST MLP)", overhead, t_over or None, "ms", "",
                    "includes 2 ranks sharing 2 cores"))
    return rows


# ---------------------------------------------------------------------------- worker (one rank)
def _median_max(lib, fn, reps, number):
    """Median over ``reps`` of the slower rank's time per call of ``fn``."""
    import statistics
    import time
    times = []
    for _ in range(reps):
        lib.barrier()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append(lib.max_over_ranks((time.perf_counter() - start) / number))
    return statistics.median(times)


class _Lib:
    """The few calls the worker needs, for ember (on MPI) or torch (on gloo)."""

    def __init__(self, name):
        rank_env = {"RANK": os.environ["PMI_RANK"], "WORLD_SIZE": os.environ["PMI_SIZE"]}
        os.environ.update(rank_env)
        if name == "torch":
            import torch
            torch.set_num_threads(1)
        else:
            import ember as torch
            import ember.nn.parallel  # noqa: F401 (until ember.nn imports it)
        self.torch = torch
        self.dist = torch.distributed
        self.dist.init_process_group("gloo")

    def barrier(self):
        self.dist.barrier()

    def max_over_ranks(self, seconds):
        t = self.torch.tensor([seconds], dtype=self.torch.float64)
        self.dist.all_reduce(t, op=self.dist.ReduceOp.MAX)
        return t.item()


def _all_reduce_times(lib, quick):
    out = {}
    for n in (SIZES[:4] if quick else SIZES):
        t = lib.torch.ones(n)
        number = max(1, min(200, 2_000_000 // n))
        lib.dist.all_reduce(t)
        out[str(n)] = _median_max(lib, lambda: lib.dist.all_reduce(t), 3 if quick else 7, number)
    return out


def _ddp_times(lib, quick):
    torch = lib.torch
    torch.manual_seed(0)
    sizes = (784, 128, 64, 10)
    x, y = torch.randn(64, 784), torch.randint(0, 10, (64,))

    def step_fn(model):
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = torch.nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        return step

    def mlp():
        return torch.nn.Sequential(torch.nn.Linear(*sizes[:2]), torch.nn.ReLU(), torch.nn.Linear(*sizes[1:3]),
                                   torch.nn.ReLU(), torch.nn.Linear(*sizes[2:]))
    reps, number = (3, 5) if quick else (9, 20)
    single = _median_max(lib, step_fn(mlp()), reps, number)
    ddp = torch.nn.parallel.DistributedDataParallel(mlp())
    return {"single": single, "ddp": _median_max(lib, step_fn(ddp), reps, number)}


def _worker(lib_name, what, quick):
    lib = _Lib(lib_name)
    result = (_all_reduce_times if what == "all_reduce" else _ddp_times)(lib, quick)
    if lib.dist.get_rank() == 0:
        print(json.dumps(result), flush=True)
    lib.dist.destroy_process_group()


if __name__ == "__main__":
    _worker(sys.argv[1], sys.argv[2], sys.argv[3] == "1")
