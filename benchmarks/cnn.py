"""A small CNN's training step: conv(1→8, 3x3)+ReLU+maxpool2, conv(8→16, 3x3)+ReLU+maxpool2,
Linear(400→10), batch 64 of 28x28, cross-entropy, backward, SGD step."""
import numpy as np

from ._harness import Row, have_torch, median_times
from .mlp import _copy_weights, _step_fn


def _model(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(400, 10))


def run(quick=False):
    """Return the rows of this benchmark."""
    import ember
    torch = have_torch()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    reps, number = (3, 1) if quick else (9, 3)
    e_model = _model(ember)
    fns = {"ember": _step_fn(ember, e_model, ember.from_numpy(x), ember.from_numpy(y)), "torch": None}
    if torch is not None:
        t_model = _model(torch)
        _copy_weights(e_model, torch, t_model)
        fns["torch"] = _step_fn(torch, t_model, torch.from_numpy(x), torch.from_numpy(y))
    res = median_times(fns, reps, number)  # timed in turn within each repeat
    e, t = res["ember"], res["torch"]
    return [Row("CNN step (2 conv + pool, batch 64)", e * 1e3, t and t * 1e3, "ms", "≤ 1.5×")]
