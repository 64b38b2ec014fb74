"""Inference under ``no_grad``: seed 000's MLP on a batch of 1000 images, forward only."""
import numpy as np

from ._harness import Row, have_torch, median_times
from .mlp import _copy_weights, _model


def run(quick=False):
    """Return the rows of this benchmark."""
    import ember
    torch = have_torch()
    x = np.random.default_rng(0).standard_normal((1000, 784)).astype(np.float32)
    reps = 3 if quick else 15
    e_model = _model(ember, (784, 128, 64, 10))
    ex = ember.from_numpy(x)

    def e_step():
        with ember.no_grad():
            e_model(ex)
    t_step = None
    if torch is not None:
        t_model = _model(torch, (784, 128, 64, 10))
        _copy_weights(e_model, torch, t_model)
        tx = torch.from_numpy(x)

        def t_step():
            with torch.no_grad():
                t_model(tx)
    res = median_times({"ember": e_step, "torch": t_step}, reps, 5)  # timed in turn within each repeat
    e, t = res["ember"], res["torch"]
    return [Row("MLP inference under no_grad (batch 1000)", e * 1e3, t and t * 1e3, "ms")]
