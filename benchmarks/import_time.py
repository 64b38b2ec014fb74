"""``import ember`` time (in a fresh interpreter), next to ``import torch``."""
import statistics
import subprocess
import sys

from ._harness import Row, have_torch


def _import_time(module, repeat):
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
             for _ in range(repeat)]
    return statistics.median(times)


def run(quick=False):
    """Return the rows of this benchmark."""
    reps = 3 if quick else 7
    e = _import_time("ember", reps)
    t = _import_time("torch", reps) if have_torch() else None
    return [Row("import time", e * 1e3, t and t * 1e3, "ms", "< 200 ms")]
