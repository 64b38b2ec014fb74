"""Per-op overhead: a 100-op elementwise chain on 16-element float32 tensors, forward + backward.

The chain repeats ``*``, ``+``, ``tanh``, ``*``, ``sin``; the time is per op (forward and
backward together). Also reported: the same forward under ``no_grad`` (the cost of recording),
and hand-written NumPy doing the same forward and backward maths (the floor).
"""
import numpy as np

from ._harness import Row, have_torch, median_time

N_OPS = 100


def _chain(lib, x, w, b):
    y = x
    for _ in range(N_OPS // 5):
        y = (y * w + b).tanh()
        y = (y * w).sin()
    return y


def _fwd_bwd(lib, quick):
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
    reps = 3 if quick else 25
    return (median_time(step, repeat=reps, number=5) / N_OPS,
            median_time(forward_with_grad, repeat=reps, number=5) / N_OPS,
            median_time(forward_no_grad, repeat=reps, number=5) / N_OPS)


def _numpy_floor(quick):
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
    return median_time(step, repeat=3 if quick else 25, number=5) / N_OPS


def run(quick=False):
    """Return the rows of this benchmark."""
    import ember
    torch = have_torch()
    e_step, e_fwd, e_nograd = _fwd_bwd(ember, quick)
    t_step = t_fwd = t_nograd = None
    if torch is not None:
        t_step, t_fwd, t_nograd = _fwd_bwd(torch, quick)
    floor = _numpy_floor(quick)
    us = 1e6
    return [
        Row("op overhead: 100-op chain, fwd+bwd, per op", e_step * us, t_step and t_step * us, "µs", "≤ 1.0×",
            f"NumPy floor {floor * us:.2f} µs"),
        Row("forward with grad, per op", e_fwd * us, t_fwd and t_fwd * us, "µs"),
        Row("forward under no_grad, per op", e_nograd * us, t_nograd and t_nograd * us, "µs",
            "≤ 0.5× of with-grad", f"ember no_grad/with-grad = {e_nograd / e_fwd:.2f}"),
    ]
