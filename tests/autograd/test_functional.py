"""autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) against torch: values, shapes, errors."""
import numpy as np
import pytest

from .autograd_helpers import assert_close, both, msg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(3)
X, Y, V = RNG.standard_normal((2, 3)), RNG.standard_normal(3), RNG.standard_normal((2, 3))


def _xy(lib):
    return lib.tensor(X), lib.tensor(Y)


def _f(lib):
    return lambda x, y: ((x * y).sin() + x ** 2, (x @ y).exp())


def _scalar(lib):
    return lambda x, y: ((x * y).tanh().sum() + (x ** 3).sum() * y.sum())


@pytest.mark.parametrize("create_graph", [False, True])
def test_jacobian_and_hessian_match_torch(create_graph):
    def run(lib):
        F = lib.autograd.functional
        x, y = _xy(lib)
        return (F.jacobian(_f(lib), (x, y), create_graph=create_graph),
                F.jacobian(lambda a: a.exp() * 2, x, vectorize=True),
                F.hessian(_scalar(lib), (x, y), create_graph=create_graph),
                F.hessian(lambda a: (a ** 3).sum(), x))
    mine, theirs = both(run)
    assert_close(mine, theirs, rtol=1e-10, atol=1e-12)


def test_products_match_torch():
    def run(lib):
        F = lib.autograd.functional
        x, y = _xy(lib)
        v = lib.tensor(V)
        return (F.vjp(_f(lib), (x, y), (v, lib.ones(2, dtype=lib.float64))),
                F.jvp(_f(lib), (x, y), (v, lib.tensor(Y))),
                F.vhp(_scalar(lib), (x, y), (v, lib.tensor(Y))),
                F.hvp(_scalar(lib), (x, y), (v, lib.tensor(Y))),
                F.vjp(lambda a: a.sum(), x))
    mine, theirs = both(run)
    assert_close(mine, theirs, rtol=1e-10, atol=1e-12)


def test_create_graph_keeps_results_differentiable():
    def run(lib):
        F = lib.autograd.functional
        x = lib.tensor(X, requires_grad=True)
        _, j = F.jvp(lambda a: (a ** 3).sum(1), x, lib.tensor(V), create_graph=True)
        (g,) = lib.autograd.grad(j.sum(), x)
        detached = F.vjp(lambda a: a * 2, x, lib.tensor(V))[1]
        return j.requires_grad, g, detached.requires_grad
    (mr, mg, md), (tr, tg, td) = both(run)
    assert (mr, md) == (tr, td) == (True, False)
    assert_close(mg, tg)


@pytest.mark.parametrize("call", [
    lambda F, lib, x: F.vjp(lambda a: a * 2, x),
    lambda F, lib, x: F.jvp(lambda a: a * 2, x),
    lambda F, lib, x: F.jvp(lambda a: a * 2, x, lib.ones(3)),
    lambda F, lib, x: F.vjp(lambda a: a * 2, (x,), (lib.ones(2, 3), lib.ones(2))),
    lambda F, lib, x: F.jacobian(lambda a: a * 2, [x]),
    lambda F, lib, x: F.jacobian(lambda a: 3, x),
    lambda F, lib, x: F.hessian(lambda a: a * 2, x),
    lambda F, lib, x: F.hessian(lambda a: (a.sum(), a.sum()), x),
    lambda F, lib, x: F.hvp(lambda a: a, x, lib.ones(2, 3)),
    lambda F, lib, x: F.vjp(lambda a: lib.ones(2, 3), x, lib.ones(2, 3), strict=True),
    lambda F, lib, x: F.jacobian(lambda a, b: a * 2, (x, x.clone()), strict=True),
    lambda F, lib, x: F.jvp(lambda a: lib.ones(2, 3), x, lib.ones(2, 3), strict=True),
    lambda F, lib, x: F.hessian(lambda a: (a * 2).sum(), x, strict=True),
    lambda F, lib, x: F.jacobian(lambda a: a, x, strategy="forward-mode"),
    lambda F, lib, x: F.jacobian(lambda a: a, x, strategy="sideways"),
    lambda F, lib, x: F.jacobian(lambda a: a, x, vectorize=True, strict=True),
])
def test_errors_match_torch(call):
    def run(lib):
        x = lib.tensor(X)
        with pytest.raises(Exception) as err:
            call(lib.autograd.functional, lib, x)
        return type(err.value).__name__, msg(err.value).replace("ember", "torch")
    mine, theirs = both(run)
    assert mine == theirs


def test_strict_off_fills_zeros_for_independent_inputs():
    def run(lib):
        F = lib.autograd.functional
        x, y = _xy(lib)
        return F.jacobian(lambda a, b: a * 2, (x, y)), F.vjp(lambda a, b: a.sum(), (x, y))
    mine, theirs = both(run)
    assert_close(mine, theirs)
