"""Forward-mode AD (dual numbers) against torch.autograd.forward_ad and torch.func.jvp."""
import numpy as np
import pytest

from .autograd_helpers import assert_close, both, msg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
A, TA, W = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))

FUNCTIONS = {
    "elementwise": lambda lib, x: (x.sin() * x.exp() + x ** 2 / (1 + x * x)).tanh(),
    "reduction": lambda lib, x: x.sum(1) * x.mean() + (x * x).sum(),
    "shape": lambda lib, x: x.t().reshape(2, 6).permute(1, 0).unsqueeze(0) * 3,
    "matmul": lambda lib, x: (x @ lib.tensor(W)).sigmoid() @ lib.tensor(W).t(),
    "mixed": lambda lib, x: ((x @ lib.tensor(W)).relu().sum(0) * x.mean(1).sum()).sqrt(),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_tangents_match_torch_forward_ad_and_func_jvp(name):
    f = FUNCTIONS[name]

    def run(lib):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            dual = fwAD.make_dual(lib.tensor(A), lib.tensor(TA))
            primal, tangent = fwAD.unpack_dual(f(lib, dual))
        return primal, tangent
    mine, theirs = both(run)
    assert_close(mine, theirs, rtol=1e-10, atol=1e-12)
    _, jvp = torch.func.jvp(lambda x: f(torch, x), (torch.tensor(A),), (torch.tensor(TA),))
    assert_close(mine[1], jvp, rtol=1e-10, atol=1e-12)


def test_unpacked_dual_is_a_named_tuple_and_non_duals_have_no_tangent():
    def run(lib):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            d = fwAD.make_dual(lib.tensor([1.0, 2.0]), lib.tensor([0.5, 0.25]))
            u = fwAD.unpack_dual(d * 2)
            plain = fwAD.unpack_dual(lib.ones(2))
        after = fwAD.unpack_dual(d * 2)
        return (type(u).__name__, u._fields, u.primal.requires_grad, plain.tangent, after.tangent,
                u.tangent.tolist())
    assert both(run)[0] == both(run)[1]


def test_two_duals_add_their_contributions():
    def run(lib):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            a = fwAD.make_dual(lib.tensor(A), lib.tensor(TA))
            b = fwAD.make_dual(lib.tensor(W), lib.ones(4, 2, dtype=lib.float64))
            return fwAD.unpack_dual((a @ b).cos()).tangent
    mine, theirs = both(run)
    assert_close(mine, theirs, rtol=1e-10, atol=1e-12)


def test_dual_of_a_tensor_requiring_grad_still_backpropagates():
    def run(lib):
        fwAD = lib.autograd.forward_ad
        x = lib.tensor([0.3, 0.6], dtype=lib.float64, requires_grad=True)
        with fwAD.dual_level():
            d = fwAD.make_dual(x, lib.ones(2, dtype=lib.float64))
            y = (d.exp() * d).sum()
            tangent = fwAD.unpack_dual(y).tangent
        y.backward()
        return tangent, x.grad
    mine, theirs = both(run)
    assert_close(mine, theirs)


@pytest.mark.parametrize("call", [
    lambda lib, F: F.make_dual(lib.ones(2), lib.ones(2)),
    lambda lib, F: _in_level(F, lambda: F.make_dual(lib.ones(2), lib.ones(3))),
    lambda lib, F: _in_level(F, lambda: F.make_dual(lib.ones(2, dtype=lib.int64), lib.ones(2))),
    lambda lib, F: _in_level(F, lambda: _in_level(F, lambda: None)),
])
def test_errors_match_torch(call):
    def run(lib):
        with pytest.raises(Exception) as err:
            call(lib, lib.autograd.forward_ad)
        return type(err.value).__name__, msg(err.value)
    mine, theirs = both(run)
    assert mine == theirs


def _in_level(F, fn):
    with F.dual_level():
        return fn()


def test_custom_function_gets_tangents_through_its_backward():
    import ember

    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * g
    fwAD = ember.autograd.forward_ad
    with fwAD.dual_level():
        d = fwAD.make_dual(ember.tensor(np.array([1.0, 2.0])), ember.tensor(np.array([1.0, 0.5])))
        tangent = fwAD.unpack_dual(Cube.apply(d)).tangent
    assert tangent.tolist() == [3.0, 6.0]  # 3 x^2 t
