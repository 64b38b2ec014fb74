"""Training steps of MLPs: seed 000's MNIST MLP (batch 64) and a wide MLP (batch 512).

A step is forward, cross-entropy, backward and an SGD step, on the same data and starting
weights in both libraries. The wide MLP is also compared with hand-written NumPy (the floor:
the same matrix products with no autograd).
"""
import numpy as np

from ._harness import Row, have_torch, median_times


def _model(lib, sizes):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(lib.nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(lib.nn.ReLU())
    return lib.nn.Sequential(*layers)


def _copy_weights(src, dst_lib, dst):
    with dst_lib.no_grad():
        for p_src, p_dst in zip(src.parameters(), dst.parameters()):
            p_dst.copy_(dst_lib.from_numpy(p_src.detach().numpy().copy()))


def _step_fn(lib, model, x, y):
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return step


def _numpy_floor(weights, x, y):
    """Forward, softmax cross-entropy, backward and SGD by hand, in NumPy."""
    def step():
        acts = [x]
        for i, (w, b) in enumerate(weights):
            z = acts[-1] @ w.T + b
            acts.append(np.maximum(z, 0) if i < len(weights) - 1 else z)
        logits = acts[-1]
        e = np.exp(logits - logits.max(1, keepdims=True))
        g = e / e.sum(1, keepdims=True)
        g[np.arange(len(y)), y] -= 1
        g /= len(y)
        for i in range(len(weights) - 1, -1, -1):
            w, b = weights[i]
            gw, gb = g.T @ acts[i], g.sum(0)
            if i:
                g = (g @ w) * (acts[i] > 0)
            w -= 0.01 * gw
            b -= 0.01 * gb
    return step


def _bench(name, sizes, batch, quick, floor=False, target=None):
    import ember
    torch = have_torch()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch)
    reps, number = (3, 2) if quick else (9, 5 if sizes[1] < 1000 else 1)
    e_model = _model(ember, sizes)
    fns = {"ember": _step_fn(ember, e_model, ember.from_numpy(x), ember.from_numpy(y)), "torch": None}
    if torch is not None:
        t_model = _model(torch, sizes)
        _copy_weights(e_model, torch, t_model)
        fns["torch"] = _step_fn(torch, t_model, torch.from_numpy(x), torch.from_numpy(y))
    if floor:
        weights = [(l.weight.detach().numpy().copy(), l.bias.detach().numpy().copy())
                   for l in e_model if hasattr(l, "weight")]
        fns["floor"] = _numpy_floor(weights, x, y)
    res = median_times(fns, reps, number)  # the three timed in turn within each repeat
    e, t, note = res["ember"], res["torch"], ""
    if floor:
        note = f"NumPy floor {res['floor'] * 1e3:.3g} ms; ember/floor = {e / res['floor']:.2f}×"
    return Row(name, e * 1e3, t and t * 1e3, "ms", target, note)


def run(quick=False):
    """Return the rows of this benchmark."""
    rows = [_bench("MNIST MLP step (784-128-64-10, batch 64)", (784, 128, 64, 10), 64, quick, floor=True,
                   target="≤ 1.0×")]
    wide = (1024, 256, 256, 10) if quick else (1024, 2048, 2048, 10)
    rows.append(_bench(f"wide MLP step ({'-'.join(map(str, wide))}, batch 512)", wide, 512, quick, floor=True,
                       target="≤ 1.05× NumPy floor"))
    return rows
