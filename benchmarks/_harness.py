"""Timing helpers shared by the benchmarks: medians over repeats, ember and torch in one run."""
import gc
import os
import platform
import statistics
import time

__all__ = ["Row", "median_time", "median_times", "have_torch", "machine_info"]


class Row:
    """One line of the results table: a workload timed in ember and (when installed) torch."""

    def __init__(self, workload, ember, torch=None, unit="ms", target=None, note=""):
        self.workload, self.ember, self.torch = workload, ember, torch
        self.unit, self.target, self.note = unit, target, note

    @property
    def ratio(self):
        return None if not self.torch else self.ember / self.torch

    def cells(self):
        fmt = (lambda v: "–" if v is None else f"{v:.3g}")
        ratio = "–" if self.ratio is None else f"{self.ratio:.2f}×"
        return [self.workload, f"{fmt(self.ember)} {self.unit}", f"{fmt(self.torch)} {self.unit}", ratio,
                self.target or "", self.note]


def median_time(fn, repeat=7, number=1, warmup=1):
    """Return the median wall time of ``fn()`` in seconds, over ``repeat`` runs of ``number`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        gc_was = gc.isenabled()
        gc.disable()
        try:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times.append((time.perf_counter() - start) / number)
        finally:
            if gc_was:
                gc.enable()
    return statistics.median(times)


def median_times(fns, repeat=7, number=1, warmup=1):
    """Return the median wall time in seconds of each of ``fns`` (a dict name -> callable), timed in turn
    within each repeat, so that a busy machine slows every library alike (ratios stay honest)."""
    live = {k: f for k, f in fns.items() if f is not None}
    for f in live.values():
        for _ in range(warmup):
            f()
    times = {k: [] for k in live}
    for _ in range(repeat):
        for k, f in live.items():
            gc.collect()
            gc_was = gc.isenabled()
            gc.disable()
            try:
                start = time.perf_counter()
                for _ in range(number):
                    f()
                times[k].append((time.perf_counter() - start) / number)
            finally:
                if gc_was:
                    gc.enable()
    return {k: statistics.median(times[k]) if k in times else None for k in fns}


def have_torch():
    """Return the torch module, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def machine_info():
    """Describe the machine, the versions and the thread counts, for the results header."""
    import numpy
    torch = have_torch()
    lines = [f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.processor() or 'unknown CPU'}",
             f"- Python {platform.python_version()}, NumPy {numpy.__version__}"]
    try:
        from threadpoolctl import threadpool_info
        blas = [f"{i['internal_api']} {i.get('num_threads')} threads" for i in threadpool_info()]
        lines.append("- NumPy BLAS: " + ", ".join(blas))
    except ImportError:
        pass
    if torch is not None:
        lines.append(f"- torch {torch.__version__}, {torch.get_num_threads()} threads")
    return "\n".join(lines)
