"""Checkpoints of real models between torch and ember, both ways, as a user moves them.

A model trained in one library and saved with its ``save`` loads into the same architecture in the
other and computes the same outputs; optimizer state continues the same trajectory; whole ember
modules pickle as themselves; nested containers keep their Parameters; a damaged file never gives
a wrong tensor. Outputs across the libraries agree to a few ulps only (their matrix products sum
in different orders, measured 1-2 ulps in float64), so the strict checks are: every loaded tensor
bit for bit, and outputs bit for bit within each library after a round trip through the other.
"""
import io
import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def np_of(t):
    return t.detach().numpy()


def to_ember(t):
    return ember.from_numpy(t.detach().numpy().copy())


def to_torch(t):
    return torch.from_numpy(t.detach().numpy().copy())


def assert_same(e, t):
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(np_of(e), np_of(t))


def assert_same_state(e_sd, t_sd):
    assert list(e_sd) == list(t_sd)
    for k in t_sd:
        assert_same(e_sd[k], t_sd[k])


# --------------------------------------------------------------------------- models
def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def cnn(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Dropout(0.2), nn.Linear(36, 10))


def tagger(lib):
    class Tagger(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = lib.nn.Embedding(20, 6, padding_idx=0)
            self.rnn = lib.nn.LSTM(6, 8, batch_first=True)
            self.norm = lib.nn.LayerNorm(8)
            self.out = lib.nn.Linear(8, 5)

        def forward(self, x):
            return self.out(self.norm(self.rnn(self.emb(x))[0])).flatten(0, 1)
    return Tagger()


MODELS = {"mlp": (mlp, (16, 784)), "cnn": (cnn, (16, 1, 8, 8)), "tagger": (tagger, (4, 4))}


def batch(lib, name, dtype, seed):
    lib.manual_seed(seed)
    build, shape = MODELS[name]
    x = lib.randint(0, 20, shape) if name == "tagger" else lib.randn(*shape, dtype=dtype)
    return x, lib.randint(0, 5 if name == "tagger" else 10, (shape[0] * (4 if name == "tagger" else 1),))


def make(lib, name, dtype):
    model = MODELS[name][0](lib)
    return model.to(dtype)


def train(lib, model, optimizer, name, dtype, steps, seed=0):
    model.train()
    for step in range(steps):
        x, y = batch(lib, name, dtype, seed + step)
        optimizer.zero_grad()
        lib.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()


def outputs(lib, model, name, dtype):
    model.eval()
    with lib.no_grad():
        return model(batch(lib, name, dtype, 1234)[0])


def close(dtype):
    return {"rtol": 1e-12, "atol": 1e-14} if "64" in str(dtype) else {"rtol": 2e-5, "atol": 2e-6}


# --------------------------------------------------------------------------- state dicts both ways
@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_torch_trained_checkpoint_runs_in_ember(name, dtype, tmp_path):
    t_dt, e_dt = getattr(torch, dtype), getattr(ember, dtype)
    torch.manual_seed(0)
    t_model = make(torch, name, t_dt)
    train(torch, t_model, torch.optim.SGD(t_model.parameters(), lr=0.05, momentum=0.9), name, t_dt, 3)
    path = tmp_path / "model.pt"
    torch.save(t_model.state_dict(), path)

    e_model = make(ember, name, e_dt)
    result = e_model.load_state_dict(ember.load(path))
    assert result.missing_keys == result.unexpected_keys == []
    assert_same_state(e_model.state_dict(), t_model.state_dict())
    t_out, e_out = outputs(torch, t_model, name, t_dt), outputs(ember, e_model, name, e_dt)
    np.testing.assert_allclose(np_of(e_out), np_of(t_out), **close(dtype))

    # back through ember.save: torch computes exactly what it computed before
    ember.save(e_model.state_dict(), tmp_path / "back.pt")
    again = make(torch, name, t_dt)
    again.load_state_dict(torch.load(tmp_path / "back.pt", weights_only=True))
    assert_same(outputs(torch, again, name, t_dt), t_out)


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_ember_trained_checkpoint_runs_in_torch(name, dtype, tmp_path):
    t_dt, e_dt = getattr(torch, dtype), getattr(ember, dtype)
    ember.manual_seed(0)
    e_model = make(ember, name, e_dt)
    train(ember, e_model, ember.optim.Adam(e_model.parameters(), lr=1e-2), name, e_dt, 3)
    ember.save(e_model.state_dict(), tmp_path / "model.pt")

    t_model = make(torch, name, t_dt)
    t_model.load_state_dict(torch.load(tmp_path / "model.pt", weights_only=True))
    assert_same_state(e_model.state_dict(), t_model.state_dict())
    e_out, t_out = outputs(ember, e_model, name, e_dt), outputs(torch, t_model, name, t_dt)
    np.testing.assert_allclose(np_of(t_out), np_of(e_out), **close(dtype))

    torch.save(t_model.state_dict(), tmp_path / "back.pt")
    again = make(ember, name, e_dt)
    again.load_state_dict(ember.load(tmp_path / "back.pt"))
    assert_same(outputs(ember, again, name, e_dt), e_out)


# --------------------------------------------------------------------------- optimizers continue
OPTIMIZERS = {"sgd-momentum": lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
              "adam": lambda lib, p: lib.optim.Adam(p, lr=1e-2, weight_decay=1e-3),
              "adamw-amsgrad": lambda lib, p: lib.optim.AdamW(p, lr=1e-2, amsgrad=True)}


def _checkpointed_run(first, second, opt_name, tmp_path, fresh_optimizer=False):
    """Train 3 steps in ``first``, checkpoint model + optimizer, continue 3 steps in ``second``."""
    first.manual_seed(0)
    model = make(first, "mlp", first.float64)
    opt = OPTIMIZERS[opt_name](first, model.parameters())
    train(first, model, opt, "mlp", first.float64, 3)
    first.save({"epoch": 3, "model": model.state_dict(), "optimizer": opt.state_dict()}, tmp_path / "ckpt.pt")

    ckpt = second.load(tmp_path / "ckpt.pt", weights_only=True)
    resumed = make(second, "mlp", second.float64)
    resumed.load_state_dict(ckpt["model"])
    opt2 = OPTIMIZERS[opt_name](second, resumed.parameters())
    if not fresh_optimizer:
        opt2.load_state_dict(ckpt["optimizer"])
    train(second, resumed, opt2, "mlp", second.float64, 3, seed=ckpt["epoch"])
    return resumed, opt2


def _straight_run(lib, opt_name):
    lib.manual_seed(0)
    model = make(lib, "mlp", lib.float64)
    opt = OPTIMIZERS[opt_name](lib, model.parameters())
    train(lib, model, opt, "mlp", lib.float64, 6)
    return model, opt


@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
@pytest.mark.parametrize("first_name", ["torch", "ember"])
def test_optimizer_state_continues_the_same_trajectory(opt_name, first_name, tmp_path):
    first, second = (torch, ember) if first_name == "torch" else (ember, torch)
    resumed, opt = _checkpointed_run(first, second, opt_name, tmp_path)
    straight, straight_opt = _straight_run(first, opt_name)
    for (k, a), b in zip(resumed.state_dict().items(), straight.state_dict().values()):
        np.testing.assert_allclose(np_of(a), np_of(b), rtol=1e-10, atol=1e-13, err_msg=k)
    sd, straight_sd = opt.state_dict(), straight_opt.state_dict()
    assert sd["param_groups"] == straight_sd["param_groups"]
    for i, state in straight_sd["state"].items():
        assert sorted(sd["state"][i]) == sorted(state)
        for key, value in state.items():
            np.testing.assert_allclose(np_of(sd["state"][i][key]), np_of(value), rtol=1e-10, atol=1e-13)
    # without the optimizer's state the run goes elsewhere: the check above is not vacuous
    fresh, _ = _checkpointed_run(first, second, opt_name, tmp_path, fresh_optimizer=True)
    assert not np.allclose(np_of(fresh[0].weight), np_of(straight[0].weight), rtol=1e-6, atol=1e-8)
