"""ember.optim.lr_scheduler against torch's: learning-rate sequences digit for digit, warnings, state."""

import math
import warnings

import pytest

import ember
import ember.optim

torch = pytest.importorskip("torch")
EPOCHS = 60


def _optimizer(lib, name="SGD"):
    params = [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)]
    groups = [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.05}]
    if name == "SGD":
        return getattr(lib.optim, name)(groups, lr=0.1, momentum=0.9)
    return getattr(lib.optim, name)(groups, lr=0.1)


def _lin(lib, opt):
    return lib.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=8)


def _cos(lib, opt):
    return lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)


SCHEDULERS = {
    "StepLR": lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.3),
    "MultiStepLR": lambda lib, opt: lib.optim.lr_scheduler.MultiStepLR(opt, [5, 12, 12, 40], 0.5),
    "ExponentialLR": lambda lib, opt: lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.93),
    "CosineAnnealingLR": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingLR(opt, 17, 1e-3),
    "CosineAnnealingLR-restart": _cos,
    "LambdaLR": lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.97**e + 0.01 * e),
    "LambdaLR-list": lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(
        opt, [lambda e: 1 / (e + 1), lambda e: math.sqrt(e + 1)]),
    "MultiplicativeLR": lambda lib, opt: lib.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.95),
    "LinearLR": _lin,
    "LinearLR-decay": lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt, 1.0, 0.1, total_iters=30),
    "ConstantLR": lambda lib, opt: lib.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=9),
    "PolynomialLR": lambda lib, opt: lib.optim.lr_scheduler.PolynomialLR(opt, total_iters=40, power=2.0),
    "OneCycleLR": lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=EPOCHS),
    "OneCycleLR-3phase-linear": lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[1.0, 0.5], epochs=6, steps_per_epoch=10, anneal_strategy="linear",
        three_phase=True, pct_start=0.25),
    "SequentialLR": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [_lin(lib, opt), _cos(lib, opt)], milestones=[8]),
    "SequentialLR-3": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.ConstantLR(opt, 0.1, 5),
              lib.optim.lr_scheduler.ExponentialLR(opt, 0.9),
              lib.optim.lr_scheduler.StepLR(opt, 4)], milestones=[5, 20]),
}


def _sequence(lib, make, opt_name="SGD", epochs=EPOCHS):
    opt = _optimizer(lib, opt_name)
    sched = make(lib, opt)
    seq = [(list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups],
            [g.get("momentum") for g in opt.param_groups])]
    for _ in range(epochs):
        opt.step()
        sched.step()
        seq.append((list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups],
                    [g.get("momentum") for g in opt.param_groups]))
    return seq


@pytest.mark.parametrize("key", list(SCHEDULERS))
def test_lr_sequence_matches_torch_exactly(key):
    ours, theirs = _sequence(ember, SCHEDULERS[key]), _sequence(torch, SCHEDULERS[key])
    assert len({tuple(s[0]) for s in theirs}) > 1  # the schedule changes the lr
    assert ours == theirs


def test_one_cycle_cycles_adam_betas():
    make = SCHEDULERS["OneCycleLR"]
    ours, theirs = _optimizer(ember, "Adam"), _optimizer(torch, "Adam")
    se, st = make(ember, ours), make(torch, theirs)
    for _ in range(EPOCHS):
        ours.step(), theirs.step(), se.step(), st.step()
        assert [g["betas"] for g in ours.param_groups] == [g["betas"] for g in theirs.param_groups]
        assert se.get_last_lr() == st.get_last_lr()


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95] * 5
    for kwargs in [dict(patience=2), dict(mode="max", factor=0.5, patience=1, cooldown=2),
                   dict(threshold_mode="abs", threshold=0.05, patience=0, min_lr=[0.01, 0.02]),
                   dict(patience=1, min_lr=0.004, eps=1e-3)]:
        seqs = []
        for lib in (torch, ember):
            opt = _optimizer(lib)
            sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
            seq = []
            for m in metrics:
                opt.step()
                sched.step(m)
                seq.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter))
            seqs.append(seq)
        assert seqs[0] == seqs[1]
        assert len({tuple(s[0]) for s in seqs[0]}) > 1


def test_step_with_epoch_uses_closed_form_and_warns():
    for key in ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR"]:
        results = []
        for lib in (torch, ember):
            opt = _optimizer(lib)
            sched = SCHEDULERS[key](lib, opt)
            opt.step()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                sched.step(13)
            results.append((sched.get_last_lr(), sched.last_epoch, [str(w.message) for w in caught]))
        assert results[0] == results[1], key


def _warnings_of(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [(w.category, str(w.message)) for w in caught]


def test_scheduler_before_optimizer_warns_like_torch():
    found = []
    for lib in (torch, ember):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        found.append(_warnings_of(sched.step))
    assert found[0] == found[1] and len(found[0]) == 1
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, 3)
    opt.step()
    assert _warnings_of(sched.step) == []


def test_overridden_step_and_get_lr_outside_step_warn_like_torch():
    found = []
    for lib in (torch, ember):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        opt.step = lambda: None
        found.append(_warnings_of(sched.step) + _warnings_of(sched.get_lr))
    assert found[0] == found[1] and len(found[0]) == 2


@pytest.mark.parametrize("key", ["StepLR", "CosineAnnealingLR", "LambdaLR", "OneCycleLR",
                                 "SequentialLR", "MultiStepLR"])
def test_state_dict_round_trip(key):
    make = SCHEDULERS[key]
    opt, topt = _optimizer(ember), _optimizer(torch)
    sched, tsched = make(ember, opt), make(torch, topt)
    for _ in range(20):
        opt.step(), topt.step(), sched.step(), tsched.step()
    state, tstate = sched.state_dict(), tsched.state_dict()
    assert sorted(state) == sorted(tstate)
    # PyTorch's documented order: build the scheduler, then load the optimizer, then the scheduler.
    opt2 = _optimizer(ember)
    sched2 = make(ember, opt2)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(state)
    for _ in range(20):
        for o, s in ((opt, sched), (opt2, sched2), (topt, tsched)):
            o.step(), s.step()
        assert sched.get_last_lr() == sched2.get_last_lr() == tsched.get_last_lr()


def test_plateau_state_dict_round_trip():
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1)
    for m in [1.0, 1.0, 1.0, 0.5]:
        sched.step(m)
    sched2 = ember.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(ember), patience=1)
    sched2.load_state_dict(sched.state_dict())
    assert (sched2.best, sched2.num_bad_epochs, sched2.last_epoch) == (0.5, 0, 4)


def test_resume_with_last_epoch_needs_initial_lr():
    def call(lib):
        lib.optim.lr_scheduler.StepLR(_optimizer(lib), 3, last_epoch=4)
    with pytest.raises(KeyError) as theirs:
        call(torch)
    with pytest.raises(KeyError) as ours:
        call(ember)
    assert str(ours.value) == str(theirs.value)


SCHED_ERRORS = [
    lambda lib: lib.optim.lr_scheduler.StepLR("not an optimizer", 3),
    lambda lib: lib.optim.lr_scheduler.LinearLR(_optimizer(lib), start_factor=0),
    lambda lib: lib.optim.lr_scheduler.LinearLR(_optimizer(lib), end_factor=2.0),
    lambda lib: lib.optim.lr_scheduler.ConstantLR(_optimizer(lib), factor=2.0),
    lambda lib: lib.optim.lr_scheduler.LambdaLR(_optimizer(lib), [lambda e: 1.0]),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), factor=1.0),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), mode="middle"),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), threshold_mode="x"),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), min_lr=[0.1]),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(_optimizer(lib), 1.0),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(_optimizer(lib), 1.0, total_steps=0),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(_optimizer(lib), 1.0, epochs=2, steps_per_epoch=0),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(_optimizer(lib), 1.0, 10, pct_start=1),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(_optimizer(lib), 1.0, 10, anneal_strategy="exp"),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(_optimizer(lib), [1.0], 10),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(_optimizer(lib, "Adagrad"), 1.0, 10),
    lambda lib: lib.optim.lr_scheduler.SequentialLR(_optimizer(lib), [], []),
    lambda lib: lib.optim.lr_scheduler.SequentialLR(
        _optimizer(lib), [lib.optim.lr_scheduler.StepLR(_optimizer(lib), 2)], []),
]


@pytest.mark.parametrize("call", SCHED_ERRORS, ids=range(len(SCHED_ERRORS)))
def test_scheduler_errors_match_torch(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(ember)
    # SequentialLR's message embeds the optimizer's repr, which names the library's tensor types.
    assert str(ours.value).split("\n")[0].split(" has ")[0] == str(theirs.value).split("\n")[0].split(" has ")[0]


def test_one_cycle_past_total_steps():
    for lib in (torch, ember):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, 1.0, total_steps=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(3):
                sched.step()
            with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of "
                               "total steps is 3"):
                sched.step()
