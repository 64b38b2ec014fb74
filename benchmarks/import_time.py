"""``import ember`` time (in a fresh interpreter), next to ``import torch``.

Each import runs in a new process with a warm bytecode cache, as in any installed package: the
environment's ``PYTHONDONTWRITEBYTECODE`` is lifted and the ``.pyc`` files go to a temporary
``PYTHONPYCACHEPREFIX`` (filled by one untimed import), so the time is not spent compiling sources.
The note gives ember's own part (after ``import numpy``).
"""
import os
import statistics
import subprocess
import sys
import tempfile

from ._harness import Row, have_torch

_CODE = ("import time; t0 = time.perf_counter(); import numpy; t1 = time.perf_counter(); import {m}; "
         "t2 = time.perf_counter(); print(t2 - t0, t2 - t1)")


def _import_time(module, repeat, env):
    """Median (total, after numpy) seconds of ``import module`` in fresh interpreters."""
    run = (lambda: subprocess.run([sys.executable, "-c", _CODE.format(m=module)], capture_output=True, text=True,
                                  check=True, env=env).stdout.split())
    run()  # fills the bytecode cache
    times = [tuple(map(float, run())) for _ in range(repeat)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def run(quick=False):
    """Return the rows of this benchmark."""
    reps = 3 if quick else 7
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        e, e_own = _import_time("ember", reps, env)
        t, t_own = _import_time("torch", reps, env) if have_torch() else (None, None)
    note = f"ember's own part (after numpy) {e_own * 1e3:.0f} ms" + (f"; torch's {t_own * 1e3:.0f} ms" if t else "")
    return [Row("import time", e * 1e3, t and t * 1e3, "ms", "< 200 ms", note)]
