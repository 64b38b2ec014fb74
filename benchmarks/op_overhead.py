"""Per-op overhead: a 100-op elementwise chain on 16-element float32 tensors, forward + backward.

The chain repeats ``*``, ``+``, ``tanh``, ``*``, ``sin``; the time is per op (forward and
backward together). Also reported: the same forward under ``no_grad`` (the cost of recording),
and hand-written NumPy doing the same forward and backward maths (the floor).
"""
import numpy as np

from ._harness import Row, have_torch, median_time, median_times

N_OPS = 100


def _chain(lib, x, w, b):
    y = x
    for _ in range(N_OPS // 5):
        y = (y * w + b).tanh()
        y = (y * w).sin()
    return y


def _workloads(lib):
    """The step (forward + backward), forward with grad and forward under no_grad, for ``lib``."""
    x = lib.tensor(np.linspace(-1, 1, 16, dtype=np.float32), requires_grad=True)
    w = lib.tensor(np.full(16, 0.9, np.float32), requires_grad=True)
    b = lib.tensor(np.full(16, 0.1, np.float32), requires_grad=True)

    def step():
        _chain(lib, x, w, b).sum().backward()
        x.grad = w.grad = b.grad = None

    def forward_with_grad():
        _chain(lib, x, w, b)

    def forward_no_grad():
        with lib.no_grad():
            _chain(lib, x, w, b)
    return step, forward_with_grad, forward_no_grad


def _numpy_floor():
    x = np.linspace(-1, 1, 16, dtype=np.float32)
    w = np.full(16, 0.9, np.float32)
    b = np.full(16, 0.1, np.float32)

    def step():
        tape = []
        y = x
        for _ in range(N_OPS // 5):
            a = y * w + b
            t = np.tanh(a)
            u = t * w
            y = np.sin(u)
            tape.append((y, t, u))
        g = np.ones_like(x)
        gw = np.zeros_like(w)
        gb = np.zeros_like(b)
        prev = x
        for (out, t, u) in reversed(tape):
            g = g * np.cos(u)
            gw += g * t
            g = g * w
            g = g * (1 - t * t)
            gb += g
            gw += g * prev
            g = g * w
        return g, gw, gb
    return step


def run(quick=False):
    """Return the rows of this benchmark."""
    import ember
    torch = have_torch()
    e = _workloads(ember)
    t = _workloads(torch) if torch is not None else (None, None, None)
    reps = 3 if quick else 25
    # ember and torch timed in turn within each repeat (a busy machine slows both alike)
    res = [median_times({"ember": ef, "torch": tf}, repeat=reps, number=5) for ef, tf in zip(e, t)]
    floor = median_time(_numpy_floor(), repeat=reps, number=5) / N_OPS
    (e_step, t_step), (e_fwd, t_fwd), (e_nograd, t_nograd) = (
        (r["ember"] / N_OPS, r["torch"] and r["torch"] / N_OPS) for r in res)
    us = 1e6
    return [
        Row("op overhead: 100-op chain, fwd+bwd, per op", e_step * us, t_step and t_step * us, "µs", "≤ 1.0×",
            f"NumPy floor {floor * us:.2f} µs"),
        Row("forward with grad, per op", e_fwd * us, t_fwd and t_fwd * us, "µs"),
        Row("forward under no_grad, per op", e_nograd * us, t_nograd and t_nograd * us, "µs",
            "≤ 0.5× of with-grad", f"ember no_grad/with-grad = {e_nograd / e_fwd:.2f}"
            + (f"; torch {t_nograd / t_fwd:.2f}" if t_fwd else "")),
    ]
