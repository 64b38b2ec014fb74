"""The NumPy update rules against torch.optim (foreach=False) over 100 steps of a fixed problem."""

import numpy as np
import pytest

from ember.optim import _functional as F
from tests.optim import _problem

torch = pytest.importorskip("torch")


def _sgd(p, g, s, t, o):
    s["buf"] = F.sgd_update(p, g, s.get("buf"), lr=o.get("lr", 1e-3), momentum=o.get("momentum", 0),
                            dampening=o.get("dampening", 0), weight_decay=o.get("weight_decay", 0),
                            nesterov=o.get("nesterov", False), maximize=o.get("maximize", False))


def _adam(p, g, s, t, o, decoupled=False, wd=0.0):
    s.setdefault("m", np.zeros_like(p)), s.setdefault("v", np.zeros_like(p))
    s.setdefault("vmax", np.zeros_like(p))
    b1, b2 = o.get("betas", (0.9, 0.999))
    F.adam_update(p, g, s["m"], s["v"], s["vmax"], t, lr=o.get("lr", 1e-3), beta1=b1, beta2=b2,
                  eps=o.get("eps", 1e-8), weight_decay=o.get("weight_decay", wd),
                  amsgrad=o.get("amsgrad", False), maximize=o.get("maximize", False),
                  decoupled_weight_decay=o.get("decoupled_weight_decay", decoupled))


def _adamw(p, g, s, t, o):
    _adam(p, g, s, t, o, decoupled=True, wd=1e-2)


def _rmsprop(p, g, s, t, o):
    for k in ("sq", "ga", "buf"):
        s.setdefault(k, np.zeros_like(p))
    F.rmsprop_update(p, g, s["sq"], s["ga"], s["buf"], lr=o.get("lr", 1e-2),
                     alpha=o.get("alpha", 0.99), eps=o.get("eps", 1e-8),
                     weight_decay=o.get("weight_decay", 0), momentum=o.get("momentum", 0),
                     centered=o.get("centered", False), maximize=o.get("maximize", False))


def _adagrad(p, g, s, t, o):
    s.setdefault("sum", np.full_like(p, o.get("initial_accumulator_value", 0)))
    F.adagrad_update(p, g, s["sum"], t, lr=o.get("lr", 1e-2), lr_decay=o.get("lr_decay", 0),
                     weight_decay=o.get("weight_decay", 0), eps=o.get("eps", 1e-10),
                     maximize=o.get("maximize", False))


def _adadelta(p, g, s, t, o):
    s.setdefault("sq", np.zeros_like(p)), s.setdefault("acc", np.zeros_like(p))
    F.adadelta_update(p, g, s["sq"], s["acc"], lr=o.get("lr", 1.0), rho=o.get("rho", 0.9),
                      eps=o.get("eps", 1e-6), weight_decay=o.get("weight_decay", 0),
                      maximize=o.get("maximize", False))


def _adamax(p, g, s, t, o):
    s.setdefault("m", np.zeros_like(p)), s.setdefault("u", np.zeros_like(p))
    b1, b2 = o.get("betas", (0.9, 0.999))
    F.adamax_update(p, g, s["m"], s["u"], t, lr=o.get("lr", 2e-3), beta1=b1, beta2=b2,
                    eps=o.get("eps", 1e-8), weight_decay=o.get("weight_decay", 0),
                    maximize=o.get("maximize", False))


def _nadam(p, g, s, t, o):
    s.setdefault("m", np.zeros_like(p)), s.setdefault("v", np.zeros_like(p))
    # PyTorch keeps mu_product as a float32 scalar tensor whatever the parameters' dtype.
    s.setdefault("mu", np.array(1.0, dtype=np.float32))
    b1, b2 = o.get("betas", (0.9, 0.999))
    F.nadam_update(p, g, s["m"], s["v"], s["mu"], t, lr=o.get("lr", 2e-3), beta1=b1, beta2=b2,
                   eps=o.get("eps", 1e-8), weight_decay=o.get("weight_decay", 0),
                   momentum_decay=o.get("momentum_decay", 4e-3),
                   decoupled_weight_decay=o.get("decoupled_weight_decay", False),
                   maximize=o.get("maximize", False))


def _radam(p, g, s, t, o):
    s.setdefault("m", np.zeros_like(p)), s.setdefault("v", np.zeros_like(p))
    b1, b2 = o.get("betas", (0.9, 0.999))
    F.radam_update(p, g, s["m"], s["v"], t, lr=o.get("lr", 1e-3), beta1=b1, beta2=b2,
                   eps=o.get("eps", 1e-8), weight_decay=o.get("weight_decay", 0),
                   decoupled_weight_decay=o.get("decoupled_weight_decay", False),
                   maximize=o.get("maximize", False))


DRIVERS = {"SGD": _sgd, "Adam": _adam, "AdamW": _adamw, "RMSprop": _rmsprop,
           "Adagrad": _adagrad, "Adadelta": _adadelta, "Adamax": _adamax, "NAdam": _nadam,
           "RAdam": _radam}

CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), maximize=True, decoupled_weight_decay=True,
                  weight_decay=0.1)),
    ("Adam", dict(lr=0.05, betas=(0.3, 0.9))),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, amsgrad=True, weight_decay=0.3, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.5, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, maximize=True, eps=1e-6)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05, decoupled_weight_decay=True, weight_decay=0.1, maximize=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, betas=(0.8, 0.9))),
    ("RAdam", dict(lr=0.05, decoupled_weight_decay=True, weight_decay=0.1, maximize=True)),
]


def _torch_trajectory(name, opts, dtype):
    p = torch.nn.Parameter(torch.from_numpy(_problem.start(dtype)))
    opt = getattr(torch.optim, name)([p], foreach=False, **opts)
    out = []
    for t in range(_problem.STEPS):
        g = _problem.gradient(p.detach().numpy(), t, opts.get("maximize", False))
        p.grad = torch.from_numpy(g)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.stack(out)


def _numpy_trajectory(name, opts, dtype):
    p, state, out = _problem.start(dtype), {}, []
    for t in range(_problem.STEPS):
        g = _problem.gradient(p, t, opts.get("maximize", False))
        DRIVERS[name](p, g, state, float(t + 1), opts)
        out.append(p.copy())
    return np.stack(out)


PARAMS = [(n, o, d) for n, o in CASES for d in (np.float32, np.float64)] + [
    # alpha < 0.5 takes lerp's second formula; square_avg - grad_avg**2 then cancels so badly
    # that torch's own float32 run strays 7e-6 from its float64 one: compared in float64 only.
    ("RMSprop", dict(lr=0.01, centered=True, alpha=0.3), np.float64),
]


@pytest.mark.parametrize("name,opts,dtype", PARAMS,
                         ids=[f"{n}-{i}-{np.dtype(d).name}" for i, (n, _, d) in enumerate(PARAMS)])
def test_update_rule_matches_torch(name, opts, dtype):
    expected = _torch_trajectory(name, opts, dtype)
    actual = _numpy_trajectory(name, opts, dtype)
    assert actual.dtype == expected.dtype
    # The trajectory must move: a no-op update would otherwise pass against a stalled reference.
    assert np.abs(expected[-1] - expected[0]).max() > 1e-2
    np.testing.assert_allclose(actual, expected, **_problem.tolerance(dtype))
