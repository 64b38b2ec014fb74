"""End to end through autograd: loss.backward(), optimizer.step(), scheduler.step(), as in torch."""

import numpy as np
import pytest

import ember
import ember.optim

torch = pytest.importorskip("torch")

X = np.random.default_rng(3).standard_normal((4, 3)).astype(np.float32)
Y = np.array([0.5, -1.0, 2.0, 0.0], np.float32)


def _train(lib, make_opt, steps=50, with_closure=False):
    w = lib.tensor([0.1, -0.2, 0.3], requires_grad=True)
    b = lib.tensor(0.0, requires_grad=True)
    opt = make_opt(lib, [w, b])
    sched = lib.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    x, y = lib.tensor(X), lib.tensor(Y)
    losses = []

    def closure():
        opt.zero_grad()
        loss = (((x * w).sum(1) + b - y) ** 2).sum()
        loss.backward()
        return loss

    for _ in range(steps):
        loss = opt.step(closure) if with_closure else (closure(), opt.step())[0]
        sched.step()
        losses.append(float(loss.detach()))
    return np.concatenate([w.detach().numpy(), b.detach().numpy().reshape(1)]), losses


@pytest.mark.parametrize("make_opt", [
    lambda lib, ps: lib.optim.SGD(ps, lr=0.02, momentum=0.9, nesterov=True),
    lambda lib, ps: lib.optim.Adam(ps, lr=0.05, weight_decay=0.01),
    lambda lib, ps: lib.optim.AdamW([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.01}], lr=0.05),
    lambda lib, ps: lib.optim.RMSprop(ps, lr=0.01, centered=True),
], ids=["SGD", "Adam", "AdamW-groups", "RMSprop"])
@pytest.mark.parametrize("with_closure", [False, True], ids=["plain", "closure"])
def test_training_loop_matches_torch(make_opt, with_closure):
    ours, our_losses = _train(ember, make_opt, with_closure=with_closure)
    theirs, their_losses = _train(torch, make_opt, with_closure=with_closure)
    assert their_losses[-1] < 0.9 * their_losses[0]  # it trains
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-5, atol=1e-6)
