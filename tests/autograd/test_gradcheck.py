"""gradcheck / gradgradcheck against torch's verdicts, messages and warnings."""
import numpy as np
import pytest

from .autograd_helpers import both, msg

torch = pytest.importorskip("torch")


def _inputs(lib, dtype=None):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    w = lib.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    if dtype is not None:
        x, w = x.detach().to(dtype).requires_grad_(), w.detach().to(dtype).requires_grad_()
    return x, w


def _wrong(lib, factor=2.01, detach=False):
    class Wrong(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * (x.detach() if detach else x) * factor  # detached: right first, wrong second derivative
    return Wrong


@pytest.mark.parametrize("kw", [{}, {"fast_mode": True}, {"check_forward_ad": True}])
def test_correct_gradients_pass(kw):
    def run(lib):
        x, w = _inputs(lib)
        return (lib.autograd.gradcheck(lambda a, b: (a @ b).tanh() * a.sum(), (x, w), **kw),
                lib.autograd.gradgradcheck(lambda a, b: (a @ b).sigmoid(), (x, w)))
    assert both(run) == ((True, True), (True, True))


def test_wrong_gradient_report_matches_torch():
    def run(lib):
        x, _ = _inputs(lib)
        with pytest.raises(RuntimeError) as err:
            lib.autograd.gradcheck(_wrong(lib).apply, (x,))
        return type(err.value).__name__, str(err.value)
    (m_type, m_text), (t_type, t_text) = both(run)
    assert m_type == t_type == "GradcheckError"
    head = "Jacobian mismatch for output 0 with respect to input 0,\nnumerical:"
    assert m_text.startswith(head) and t_text.startswith(head)
    n_m = m_text.split("analytical:")[0]
    n_t = t_text.split("analytical:")[0]
    assert _numbers(n_m) == pytest.approx(_numbers(n_t), abs=1e-4)  # the printed numerical Jacobians agree
    a_m, a_t = m_text.split("analytical:")[1], t_text.split("analytical:")[1]
    assert _numbers(a_m) == pytest.approx(_numbers(a_t), abs=1e-6) and a_m.endswith("\n") and a_t.endswith("\n")


def _numbers(text):
    import re
    return [float(v) for v in re.findall(r"-?\d+\.\d+", text)]


def test_raise_exception_false_returns_false():
    def run(lib):
        x, _ = _inputs(lib)
        return (lib.autograd.gradcheck(_wrong(lib).apply, (x,), raise_exception=False),
                lib.autograd.gradcheck(_wrong(lib).apply, (x,), raise_exception=False, fast_mode=True),
                lib.autograd.gradgradcheck(_wrong(lib, 2.0, detach=True).apply, (x,), raise_exception=False),
                lib.autograd.gradgradcheck(_wrong(lib, 2.0).apply, (x,), raise_exception=False))
    assert both(run) == ((False, False, False, True), (False, False, False, True))


def test_float32_inputs_warn_and_no_grad_input_errors_like_torch():
    def run(lib):
        x, w = _inputs(lib, lib.float32)
        with pytest.warns(UserWarning) as rec:
            lib.autograd.gradcheck(lambda a: a * 2, (x,), atol=1e-2, rtol=1e-2)
        with pytest.raises(ValueError) as err:
            lib.autograd.gradcheck(lambda a: a * 2, (lib.ones(2, dtype=lib.float64),))
        return str(rec[0].message), msg(err.value)
    mine, theirs = both(run)
    assert mine == theirs


def test_backward_not_multiplied_by_grad_output_is_caught():
    def run(lib):
        class Ignores(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.sum()

            @staticmethod
            def backward(ctx, g):
                return lib.ones(3, dtype=lib.float64)  # wrong: ignores g
        x = lib.tensor(np.array([0.1, 0.2, 0.3]), requires_grad=True)
        with pytest.raises(RuntimeError) as err:
            lib.autograd.gradcheck(Ignores.apply, (x,))
        return msg(err.value)
    mine, theirs = both(run)
    assert mine == theirs == "backward not multiplied by grad_output"


def test_nondeterministic_backward_is_reported():
    import ember
    calls = []

    class Noisy(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            calls.append(1)
            return g * (1 + 1e-9 * len(calls))
    x = ember.tensor(np.array([0.5]), requires_grad=True)
    with pytest.raises(RuntimeError, match="Backward is not reentrant"):
        ember.autograd.gradcheck(Noisy.apply, (x,))
    assert ember.autograd.gradcheck(Noisy.apply, (x,), nondet_tol=1e-6)


def test_multi_output_function_with_undefined_gradients_passes_like_torch():
    # ember's engine never calls a backward whose output gradients are all undefined, so only
    # partly undefined ones (None for the output that was not used) reach this backward
    def run(lib):
        class Two(lib.autograd.Function):
            @staticmethod
            def forward(x):
                return x * 2, x.exp()

            @staticmethod
            def backward(ctx, g1, g2):
                out = None if g1 is None and g2 is None else 0
                if g1 is not None:
                    out = out + g1 * 2
                if g2 is not None:
                    out = out + g2 * ctx.saved_tensors[0].exp()
                return out

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.set_materialize_grads(False)
                ctx.save_for_backward(inputs[0])
        x = lib.tensor(np.array([0.5, 1.0]), requires_grad=True)
        return lib.autograd.gradcheck(lambda a: Two.apply(a), (x,))
    assert both(run) == (True, True)
