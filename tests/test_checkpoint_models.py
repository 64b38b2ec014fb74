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
import zipfile
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


# --------------------------------------------------------------------------- whole modules and optimizers
class Net(ember.nn.Module):
    """A user's own module class: parameters, a buffer, a submodule and a plain attribute."""

    def __init__(self):
        super().__init__()
        self.body = cnn(ember)
        self.register_buffer("scale", ember.tensor(0.5))
        self.label = "digits"

    def forward(self, x):
        return self.body(x) * self.scale


def _step(model, opt, seed):
    x, y = batch(ember, "cnn", ember.float32, seed)
    opt.zero_grad()
    ember.nn.functional.cross_entropy(model(x), y).backward()
    opt.step()


def test_whole_module_and_optimizer_pickle_as_themselves(tmp_path):
    ember.manual_seed(0)
    model = Net()
    opt = ember.optim.Adam(model.parameters(), lr=1e-2)
    _step(model, opt, 0)
    path = tmp_path / "whole.pt"
    ember.save({"model": model, "optimizer": opt, "epoch": 1}, path)

    for load in (ember.load, lambda p: torch.load(p, weights_only=True)):  # the default refuses, naming the class
        with pytest.raises(pickle.UnpicklingError, match=rf"GLOBAL {__name__}\.Net was not an allowed global"):
            load(path)
    ckpt = ember.load(path, weights_only=False)
    loaded, loaded_opt = ckpt["model"], ckpt["optimizer"]
    assert type(loaded) is Net and type(loaded_opt) is ember.optim.Adam and ckpt["epoch"] == 1
    assert loaded.label == "digits" and [n for n, _ in loaded.named_buffers()] == [n for n, _ in model.named_buffers()]
    params = list(loaded.parameters())
    assert all(type(p) is ember.nn.Parameter and p.requires_grad for p in params)
    assert all(a is b for a, b in zip(loaded_opt.param_groups[0]["params"], params))  # one object, as pickled
    for a, b in zip(loaded.state_dict().values(), model.state_dict().values()):
        assert_same(a, b)
    for m in (model, loaded):  # both continue identically: the optimizer state came along
        _step(m, opt if m is model else loaded_opt, 1)
        m.eval()
    assert_same(loaded(batch(ember, "cnn", ember.float32, 9)[0]), model(batch(ember, "cnn", ember.float32, 9)[0]))


# --------------------------------------------------------------------------- nested containers
def nested(lib):
    w = lib.nn.Parameter(lib.arange(6.0).reshape(2, 3))
    frozen = lib.nn.Parameter(lib.ones(2, dtype=lib.float64), requires_grad=False)
    t = lib.arange(10, dtype=lib.int64)
    return {"params": [w, (frozen, w)], "od": OrderedDict(a=t, b=t[::2], c=t[7:]),
            "meta": {"lr": 0.1, "name": "run-1", "shape": (2, 3), "none": None, "flags": [True, False]},
            "empty": lib.zeros(0, 3), "scalar": lib.tensor(3.5, dtype=lib.float64), "grad": lib.ones(2, requires_grad=True)}


def _check_nested(out, lib, ref):
    parameter = lib.nn.Parameter
    w, (frozen, w2) = out["params"][0], out["params"][1]
    assert type(w) is parameter and type(frozen) is parameter and w2 is w
    assert w.requires_grad and not frozen.requires_grad and out["grad"].requires_grad
    assert out["meta"] == ref["meta"] and list(out["od"]) == ["a", "b", "c"]
    for got, want in ((w, ref["params"][0]), (frozen, ref["params"][1][0]), (out["empty"], ref["empty"]),
                      (out["scalar"], ref["scalar"]), *((out["od"][k], ref["od"][k]) for k in "abc")):
        np.testing.assert_array_equal(np_of(got), np_of(want))
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1] and got.shape == want.shape
    with lib.no_grad():
        out["od"]["a"][8] = 100  # the views still share one storage
    assert out["od"]["b"][4].item() == 100 and out["od"]["c"][1].item() == 100


@pytest.mark.parametrize("direction", ["torch->ember", "ember->torch"])
def test_nested_containers_with_parameters(direction, tmp_path):
    src, dst = (torch, ember) if direction == "torch->ember" else (ember, torch)
    src.save(nested(src), tmp_path / "nested.pt")
    _check_nested(dst.load(tmp_path / "nested.pt", weights_only=True), dst, nested(src))


# --------------------------------------------------------------------------- damaged files
def test_a_damaged_checkpoint_never_yields_a_wrong_tensor(tmp_path):
    torch.manual_seed(0)
    t_model = make(torch, "cnn", torch.float32)
    buf = io.BytesIO()
    torch.save(t_model.state_dict(), buf)
    good, expected = buf.getvalue(), t_model.state_dict()
    outcomes = {"refused": 0, "intact": 0}

    def try_load(data):
        try:
            out = ember.load(io.BytesIO(data))
        except (RuntimeError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
            outcomes["refused"] += 1
            return False
        assert_same_state(out, expected)  # the byte was one nothing reads (zip padding, a header's time stamp)
        outcomes["intact"] += 1
        return True
    for i in range(0, len(good), 3):
        try_load(good[:i] + bytes([good[i] ^ 0x5A]) + good[i + 1:])
    for n in range(0, len(good), 61):
        assert not try_load(good[:n])
    assert outcomes["refused"] > 1000
    # every byte of the pickle and of the tensor data is covered by a CRC: a change there is refused
    for info in zipfile.ZipFile(io.BytesIO(good)).infolist():
        if info.filename.endswith(("data.pkl", "0", "1", "2", "3", "4")):
            name_len, extra_len = np.frombuffer(good[info.header_offset + 26:info.header_offset + 30], "<u2")
            start = info.header_offset + 30 + int(name_len) + int(extra_len)
            for i in range(start, start + info.file_size, 5):
                assert not try_load(good[:i] + bytes([good[i] ^ 1]) + good[i + 1:])


# --------------------------------------------------------------------------- the allow-list extension
class Config:
    """A user's plain class that a checkpoint carries next to the weights."""

    def __init__(self, lr, layers):
        self.lr, self.layers = lr, layers


def _lib_serialization(lib):
    return lib.serialization


@pytest.mark.parametrize("direction", ["torch->ember", "ember->torch"])
def test_safe_globals_let_a_trusted_class_through_as_in_torch(direction, tmp_path):
    src, dst = (torch, ember) if direction == "torch->ember" else (ember, torch)
    path = tmp_path / "with_config.pt"
    src.save({"config": Config(0.1, [3, 4]), "w": src.ones(2)}, path)
    ser = _lib_serialization(dst)
    before = set(ser.get_safe_globals())  # torch registers a few of its own on import
    with pytest.raises(pickle.UnpicklingError, match=rf"GLOBAL {__name__}\.Config was not an allowed global"):
        dst.load(path)
    with ser.safe_globals([Config]):
        assert set(ser.get_safe_globals()) == before | {Config}
        out = dst.load(path)
    assert set(ser.get_safe_globals()) == before
    assert type(out["config"]) is Config and vars(out["config"]) == {"lr": 0.1, "layers": [3, 4]}
    np.testing.assert_array_equal(np_of(out["w"]), [1.0, 1.0])
    ser.add_safe_globals([(Config, f"{__name__}.Config")])  # the (global, "module.name") form
    try:
        assert type(dst.load(path)["config"]) is Config
    finally:
        ser.clear_safe_globals()
        ser.add_safe_globals(list(before))
    with pytest.raises(pickle.UnpicklingError, match="not an allowed global"):
        dst.load(path)


def test_safe_globals_errors_match_torch(tmp_path):
    path = tmp_path / "c.pt"
    torch.save(Config(1, 2), path)
    for lib in (torch, ember):
        ser = _lib_serialization(lib)
        before = set(ser.get_safe_globals())
        for bad, error in (((Config,), ValueError), ((Config, 3), TypeError)):
            with ser.safe_globals([bad]), pytest.raises(error, match="Expected"):
                lib.load(path)
        with ser.safe_globals([os.system]), pytest.raises(pickle.UnpicklingError, match="is blocked"):
            lib.load(io.BytesIO(b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00trueq\x00\x85R."))
        assert set(ser.get_safe_globals()) == before
    assert ember.serialization.get_safe_globals() == []
