"""ember.optim optimizers against torch.optim: trajectories, state_dict layout and round trips."""

import numpy as np
import pytest

import ember
import ember.optim
from tests.optim import _problem
from tests.optim._convert import to_ember, to_torch
from tests.optim.test_functional import CASES

torch = pytest.importorskip("torch")


def _make(lib, name, opts, dtype, seed=0):
    """Two parameters in two groups (the second with half the lr) and the optimizer over them."""
    from_numpy = ember.from_numpy if lib is ember else torch.from_numpy
    params = [from_numpy(_problem.start(dtype, seed + i)).requires_grad_() for i in range(2)]
    opts = dict(opts, foreach=False)  # torch's single-tensor path; ember stores the flag alike
    groups = [{"params": [params[0]]}, {"params": [params[1]], "lr": opts.get("lr", 1e-3) * 0.5}]
    if name == "Adadelta" and "lr" not in opts:
        groups[1]["lr"] = 0.5
    return params, getattr(lib.optim, name)(groups, **opts)


def _run(lib, params, opt, steps, first=0, maximize=False):
    """Step ``opt`` with the fixed problem's gradients; returns the stacked parameter values."""
    from_numpy = ember.from_numpy if lib is ember else torch.from_numpy
    out = []
    for t in range(first, first + steps):
        for i, p in enumerate(params):
            p.grad = from_numpy(_problem.gradient(p.detach().numpy(), t + 7 * i, maximize))
        opt.step()
        out.append(np.stack([p.detach().numpy().copy() for p in params]))
    return np.stack(out)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,opts", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_matches_torch(name, opts, dtype):
    tp, topt = _make(torch, name, opts, dtype)
    ep, eopt = _make(ember, name, opts, dtype)
    maximize = opts.get("maximize", False)
    expected = _run(torch, tp, topt, _problem.STEPS, maximize=maximize)
    actual = _run(ember, ep, eopt, _problem.STEPS, maximize=maximize)
    assert np.abs(expected[-1] - expected[0]).max() > 1e-2
    np.testing.assert_allclose(actual, expected, **_problem.tolerance(dtype))
    _assert_same_state_dict(eopt.state_dict(), topt.state_dict(), dtype)


def _assert_same_state_dict(ours, theirs, dtype):
    """Same keys, param groups, state entries, tensor dtypes and shapes; values to tolerance."""
    assert ours["param_groups"] == [{k: v for k, v in g.items()} for g in theirs["param_groups"]]
    assert list(ours["state"]) == list(theirs["state"])
    for idx, state in theirs["state"].items():
        assert list(ours["state"][idx]) == list(state)
        for key, value in state.items():
            mine = ours["state"][idx][key]
            assert isinstance(mine, ember.Tensor)
            assert mine.dtype.name == str(value.dtype).replace("torch.", "")
            assert tuple(mine.shape) == tuple(value.shape)
            np.testing.assert_allclose(mine.numpy(), value.numpy(), **_problem.tolerance(dtype))


@pytest.mark.parametrize("name,opts", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_state_dict_round_trips(name, opts):
    dtype, maximize = np.float64, opts.get("maximize", False)
    ep, eopt = _make(ember, name, opts, dtype)
    tp, topt = _make(torch, name, opts, dtype)
    _run(ember, ep, eopt, 30, maximize=maximize)
    _run(torch, tp, topt, 30, maximize=maximize)
    # ember -> dict -> a fresh ember optimizer over copies of the parameters: identical continuation.
    ep2, eopt2 = _make(ember, name, opts, dtype)
    for a, b in zip(ep2, ep):
        a.detach().numpy()[...] = b.detach().numpy()
    eopt2.load_state_dict(eopt.state_dict())
    ours = _run(ember, ep, eopt, 20, first=30, maximize=maximize)
    np.testing.assert_array_equal(_run(ember, ep2, eopt2, 20, first=30, maximize=maximize), ours)
    # torch's state_dict loaded into ember continues as torch does, and ember's into torch.
    ep3, eopt3 = _make(ember, name, opts, dtype)
    for a, b in zip(ep3, tp):
        a.detach().numpy()[...] = b.detach().numpy()
    eopt3.load_state_dict(to_ember(topt.state_dict(), torch))
    tp4, topt4 = _make(torch, name, opts, dtype)
    for a, b in zip(tp4, ep3):
        a.detach().numpy()[...] = b.detach().numpy()
    topt4.load_state_dict(to_torch(eopt3.state_dict(), torch))
    theirs = _run(torch, tp, topt, 20, first=30, maximize=maximize)
    np.testing.assert_allclose(_run(ember, ep3, eopt3, 20, first=30, maximize=maximize), theirs,
                               **_problem.tolerance(dtype))
    np.testing.assert_allclose(_run(torch, tp4, topt4, 20, first=30, maximize=maximize), theirs,
                               **_problem.tolerance(dtype))


def test_adam_state_layout_matches_torch():
    ep, eopt = _make(ember, "Adam", dict(lr=0.1, amsgrad=True), np.float32)
    tp, topt = _make(torch, "Adam", dict(lr=0.1, amsgrad=True), np.float32)
    _run(ember, ep, eopt, 3)
    _run(torch, tp, topt, 3)
    ours, theirs = eopt.state_dict(), topt.state_dict()
    step = ours["state"][1]["step"]
    assert step.dtype == ember.float32 and step.shape == () and float(step) == 3.0
    assert float(theirs["state"][1]["step"]) == 3.0
    assert ours["param_groups"][1]["params"] == theirs["param_groups"][1]["params"] == [1]
    assert sorted(ours["param_groups"][0]) == sorted(theirs["param_groups"][0])


def test_load_leaves_optimizer_unchanged_on_error():
    ep, eopt = _make(ember, "SGD", dict(lr=0.1, momentum=0.9), np.float32)
    _run(ember, ep, eopt, 2)
    before = eopt.state_dict()
    bad = {"state": {}, "param_groups": before["param_groups"][:1]}
    tp, topt = _make(torch, "SGD", dict(lr=0.1, momentum=0.9), np.float32)
    with pytest.raises(ValueError) as theirs:
        topt.load_state_dict({"state": {}, "param_groups": topt.state_dict()["param_groups"][:1]})
    with pytest.raises(ValueError, match=str(theirs.value)):
        eopt.load_state_dict(bad)
    assert eopt.state_dict()["state"].keys() == before["state"].keys()
    assert len(eopt.param_groups) == 2
    bad = {"state": {}, "param_groups": [dict(g, params=[]) for g in before["param_groups"]]}
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        eopt.load_state_dict(bad)


def test_loaded_state_is_a_copy_cast_to_param_dtype():
    ep, eopt = _make(ember, "Adam", dict(lr=0.1), np.float32)
    _run(ember, ep, eopt, 2)
    sd = eopt.state_dict()
    ep2, eopt2 = _make(ember, "Adam", dict(lr=0.1), np.float32)
    sd64 = {"state": {k: {n: (ember.from_numpy(v.numpy().astype(np.float64)) if n != "step" else v)
                          for n, v in s.items()} for k, s in sd["state"].items()},
            "param_groups": sd["param_groups"]}
    eopt2.load_state_dict(sd64)
    loaded = eopt2.state[ep2[0]]
    assert loaded["exp_avg"].dtype == ember.float32
    assert loaded["step"].dtype == ember.float32
    assert loaded["exp_avg"] is not sd["state"][0]["exp_avg"]


def test_old_checkpoint_python_step_becomes_tensor():
    ep, eopt = _make(ember, "NAdam", dict(lr=0.1), np.float32)
    _run(ember, ep, eopt, 2)
    sd = eopt.state_dict()
    for s in sd["state"].values():
        s["step"], s["mu_product"] = float(s["step"]), float(s["mu_product"])
    ep2, eopt2 = _make(ember, "NAdam", dict(lr=0.1), np.float32)
    eopt2.load_state_dict(sd)
    state = eopt2.state[ep2[1]]
    assert isinstance(state["step"], ember.Tensor) and state["step"].dtype == ember.float32
    assert isinstance(state["mu_product"], ember.Tensor)


def test_adagrad_creates_state_at_construction():
    ep, eopt = _make(ember, "Adagrad", dict(lr=0.1, initial_accumulator_value=0.25), np.float32)
    tp, topt = _make(torch, "Adagrad", dict(lr=0.1, initial_accumulator_value=0.25), np.float32)
    _assert_same_state_dict(eopt.state_dict(), topt.state_dict(), np.float32)
    assert float(eopt.state[ep[0]]["sum"].numpy()[0, 0]) == 0.25


def test_sgd_without_momentum_keeps_no_state():
    ep, eopt = _make(ember, "SGD", dict(lr=0.1), np.float32)
    tp, topt = _make(torch, "SGD", dict(lr=0.1), np.float32)
    _run(ember, ep, eopt, 2)
    _run(torch, tp, topt, 2)
    assert eopt.state_dict()["state"] == topt.state_dict()["state"] == {}


def test_params_without_grad_are_skipped():
    ep, eopt = _make(ember, "Adam", dict(lr=0.1), np.float32)
    before = ep[1].detach().numpy().copy()
    ep[0].grad = ember.from_numpy(np.ones(_problem.SHAPE, np.float32))
    eopt.step()
    np.testing.assert_array_equal(ep[1].detach().numpy(), before)
    assert ep[1] not in eopt.state and ep[0] in eopt.state


def test_step_bumps_versions_and_runs_closure():
    ep, eopt = _make(ember, "SGD", dict(lr=0.1, momentum=0.9), np.float32)
    versions = [p._version for p in ep]
    calls = []

    def closure():
        calls.append(ember.is_grad_enabled())
        for p in ep:
            p.grad = ember.from_numpy(np.ones(_problem.SHAPE, np.float32))
        return 3.5

    with ember.no_grad():
        assert eopt.step(closure) == 3.5
    assert calls == [True]
    assert all(p._version > v for p, v in zip(ep, versions))


def test_zero_grad_matches_torch():
    for set_to_none in (True, False):
        ep, eopt = _make(ember, "SGD", dict(lr=0.1), np.float32)
        tp, topt = _make(torch, "SGD", dict(lr=0.1), np.float32)
        for p in ep:
            p.grad = ember.from_numpy(np.ones(_problem.SHAPE, np.float32))
        for p in tp:
            p.grad = torch.ones(_problem.SHAPE)
        grad = ep[0].grad
        eopt.zero_grad(set_to_none=set_to_none)
        topt.zero_grad(set_to_none=set_to_none)
        for e, t in zip(ep, tp):
            assert (e.grad is None) == (t.grad is None)
            if t.grad is not None:
                np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())
        if not set_to_none:
            assert ep[0].grad is grad  # zeroed in place, as torch does


def test_repr_matches_torch():
    for name, opts in [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.01, amsgrad=True)),
                       ("AdamW", {}), ("RMSprop", {}), ("Adagrad", {}), ("Adadelta", {}),
                       ("Adamax", {}), ("NAdam", {}), ("RAdam", {})]:
        ep = [ember.zeros(2, requires_grad=True)]
        tp = [torch.zeros(2, requires_grad=True)]
        assert repr(getattr(ember.optim, name)(ep, **opts)) == repr(getattr(torch.optim, name)(tp, **opts))


def test_defaults_and_param_groups_match_torch():
    for name in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"]:
        e = getattr(ember.optim, name)([ember.zeros(2, requires_grad=True)])
        t = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
        assert e.defaults == t.defaults, name
        assert {k: v for k, v in e.param_groups[0].items() if k != "params"} == \
            {k: v for k, v in t.param_groups[0].items() if k != "params"}, name


def test_named_parameters_and_add_param_group():
    a, b = ember.zeros(2, requires_grad=True), ember.zeros(3, requires_grad=True)
    opt = ember.optim.SGD([("a", a)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["a"]
    opt.add_param_group({"params": [("b", b)], "lr": 0.5})
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0
    assert opt.state_dict()["param_groups"][1]["param_names"] == ["b"]
