"""A fixed, well-conditioned problem shared by the optimizer tests: deterministic gradients."""

import numpy as np

SHAPE = (3, 5)
STEPS = 100


def start(dtype, seed=0):
    """The starting parameter values, in ``dtype``."""
    return np.random.default_rng(seed).standard_normal(SHAPE).astype(dtype)


def _matrix():
    rng = np.random.default_rng(1)
    q = rng.standard_normal((15, 15))
    return q @ q.T / 15 + 0.5 * np.eye(15)


_A = _matrix()
_C = np.linspace(-1.0, 1.0, 15)


def gradient(x, t, maximize=False):
    """Gradient at step ``t`` of a quadratic plus a fixed wobble, computed in ``x``'s dtype."""
    flat = x.reshape(-1)
    a, c = _A.astype(x.dtype), _C.astype(x.dtype)
    g = a @ (flat - c) + x.dtype.type(0.1) * np.sin(np.arange(15, dtype=x.dtype) + x.dtype.type(t))
    # When maximizing, hand over the ascent-direction gradient so the trajectory stays bounded.
    return (-g if maximize else g).reshape(x.shape).astype(x.dtype)


def tolerance(dtype):
    """rtol/atol for 100-step trajectories: float32 rounding differs (PyTorch fuses multiply-adds)."""
    return dict(rtol=2e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-13)
