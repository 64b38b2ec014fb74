"""Custom ``autograd.Function`` against ``torch.autograd.Function``: values, node names, ctx and errors."""
import re

import numpy as np
import pytest

import ember

from .autograd_helpers import arr, assert_close, both, msg

torch = pytest.importorskip("torch")


def _cube(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x ** 3 * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2 * ctx.k, None
    return Cube


def test_forward_backward_values_and_non_tensor_argument():
    def run(lib):
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = _cube(lib).apply(x, 2.0)
        y.backward(lib.tensor([1.0, 0.5, 2.0]))
        return y, x.grad
    mine, theirs = both(run)
    assert_close(mine, theirs)


def test_grad_fn_prints_like_torch():
    def run(lib):
        y = _cube(lib).apply(lib.ones(2, requires_grad=True), 1.0)
        node = y.grad_fn
        text = re.sub(r"0x[0-9a-f]+", "0x", repr(node)).replace("torch.", "ember.")
        return (text, type(node).__name__, node.name(), repr(y).replace("torch", "ember"),
                [type(n).__name__ for n, _ in node.next_functions])
    mine, theirs = both(run)
    assert mine == theirs
    assert mine[0] == "<ember.autograd.function.CubeBackward object at 0x>"


def test_third_derivative_through_custom_function():
    def run(lib):
        x = lib.tensor([0.7, -1.3], dtype=lib.float64, requires_grad=True)
        y = _cube(lib).apply(x, 1.5).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x, create_graph=True)
        (ggg,) = lib.autograd.grad(gg.sum(), x)
        return g, gg, ggg
    mine, theirs = both(run)
    assert_close(mine, theirs)


def test_setup_context_style_and_saved_output():
    def run(lib):
        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(x):
                return x.exp()

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(output)

            @staticmethod
            def backward(ctx, g):
                (out,) = ctx.saved_tensors
                return g * out
        x = lib.tensor([0.1, 0.2], requires_grad=True)
        y = Exp.apply(x)
        y.sum().backward()
        return y, x.grad, type(y.grad_fn).__name__
    (m, mg, mn), (t, tg, tn) = both(run)
    assert_close((m, mg), (t, tg)) and mn == tn == "ExpBackward"


def test_multiple_outputs_non_tensor_output_and_materialized_grads():
    def run(lib):
        seen = []

        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x * 3, 5

            @staticmethod
            def backward(ctx, g1, g2, g3):
                seen.append((arr(g1), arr(g2), g3))
                return g1 * 2 + g2 * 3
        x = lib.ones(3, requires_grad=True)
        a, b, c = Two.apply(x)
        a.sum().backward()
        return x.grad, a.grad_fn is b.grad_fn, b.output_nr, c, seen
    (mg, ms, mnr, mc, mseen), (tg, ts, tnr, tc, tseen) = both(run)
    assert_close(mg, tg)
    assert (ms, mnr, mc) == (ts, tnr, tc) == (True, 1, 5)
    assert_close(mseen[0][:2], tseen[0][:2]) and mseen[0][2] is tseen[0][2] is None


def test_set_materialize_grads_false_gives_none():
    def run(lib):
        seen = []

        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append(g2 is None)
                return g1
        a, _ = Two.apply(lib.ones(2, requires_grad=True))
        a.sum().backward()
        return seen
    assert both(run) == ([True], [True])


def test_mark_non_differentiable_and_needs_input_grad():
    def run(lib):
        log = []

        class Sort(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y, k):
                log.append(ctx.needs_input_grad)
                v, w = x * y, x * 3
                ctx.mark_non_differentiable(w)
                return v, w

            @staticmethod
            def backward(ctx, gv, gw):
                log.append((ctx.needs_input_grad, arr(gw).tolist()))
                return gv, None, None
        x = lib.ones(2, requires_grad=True)
        v, w = Sort.apply(x, lib.ones(2), 3)
        v.sum().backward()
        return log, v.requires_grad, w.requires_grad, w.grad_fn
    assert both(run)[0] == both(run)[1]
    assert both(run)[0][0] == [(True, False, False), ((True, False, False), [0.0, 0.0])]


def test_mark_dirty_moves_input_in_the_graph():
    def run(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2
        x = lib.ones(3, requires_grad=True)
        y = x * 1
        z = Double.apply(y)
        same, version = z is y, y._version
        (y * y).sum().backward()
        with pytest.raises(RuntimeError) as err:
            Double.apply(lib.ones(2, requires_grad=True))
        return same, version, type(y.grad_fn).__name__, x.grad, msg(err.value)
    mine, theirs = both(run)
    assert mine[:3] == theirs[:3] and mine[4] == theirs[4]
    assert_close(mine[3], theirs[3])


def test_input_returned_as_is_becomes_a_view():
    def run(lib):
        class Same(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g
        x = lib.ones(2, requires_grad=True)
        s = Same.apply(x)
        return s is x, s._base is x, type(s.grad_fn).__name__, x.grad_fn
    assert both(run)[0] == both(run)[1]


def test_no_input_requiring_grad_or_no_grad_mode_records_nothing():
    def run(lib):
        f = _cube(lib)
        a = f.apply(lib.ones(2), 1.0)
        with lib.no_grad():
            b = f.apply(lib.ones(2, requires_grad=True), 1.0)
        return a.requires_grad, a.grad_fn, b.requires_grad, b.grad_fn
    assert both(run)[0] == both(run)[1] == (False, None, False, None)


def _bad(lib, result, n_inputs=1):
    class Bad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, *rest):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return result(lib)
    return Bad


@pytest.mark.parametrize("result,extra", [
    (lambda lib: (lib.ones(3), lib.ones(3)), ()),            # too many
    (lambda lib: lib.ones(3), (2.0,)),                      # too few
    (lambda lib: (lib.ones(3), lib.ones(3)), (2.0,)),       # a gradient for a non-tensor
    (lambda lib: lib.ones(4), ()),                          # incompatible shape
    (lambda lib: lib.ones(3, 1), ()),
    (lambda lib: lib.ones(()), ()),
    (lambda lib: 1.0, ()),                                  # not a tensor
])
def test_wrong_gradients_raise_pytorchs_errors(result, extra):
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError) as err:
            _bad(lib, result).apply(x, *extra).sum().backward()
        return msg(err.value)
    mine, theirs = both(run)
    assert mine == theirs


def test_broadcast_gradient_is_summed_and_extra_nones_are_allowed():
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        _bad(lib, lambda lib: (lib.ones(2, 3), None, None)).apply(x).sum().backward()
        return x.grad
    mine, theirs = both(run)
    assert_close(mine, theirs)


def test_saved_tensors_are_version_checked_and_freed():
    def run(lib):
        f = _cube(lib)
        c = lib.ones(3, requires_grad=True) * 1
        out = f.apply(c, 1.0)
        c.add_(1)
        with pytest.raises(RuntimeError) as modified:
            out.sum().backward()
        out = f.apply(lib.ones(3, requires_grad=True), 1.0)
        out.sum().backward()
        with pytest.raises(RuntimeError) as freed:
            out.grad_fn.saved_tensors
        with pytest.raises(RuntimeError) as twice:
            out.sum().backward()
        return msg(modified.value), msg(freed.value), msg(twice.value)
    mine, theirs = both(run)
    assert mine == theirs


def test_save_for_backward_rejects_non_tensors_and_keeps_none():
    def run(lib):
        class S(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, bad):
                ctx.save_for_backward(x, bad)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * ctx.saved_tensors[0], None
        with pytest.raises(TypeError) as err:
            S.apply(lib.ones(2, requires_grad=True), 3)
        x = lib.ones(2, requires_grad=True)
        S.apply(x, None).sum().backward()
        return msg(err.value), arr(x.grad).tolist()
    assert both(run)[0] == both(run)[1]


def test_once_differentiable():
    def run(lib):
        from importlib import import_module
        once = import_module(lib.__name__ + ".autograd.function").once_differentiable
        modes = []

        class Sq(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 2

            @staticmethod
            @once
            def backward(ctx, g):
                modes.append(lib.is_grad_enabled())
                (x,) = ctx.saved_tensors
                return 2 * x * g
        x = lib.tensor([3.0], requires_grad=True)
        (g,) = lib.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
        v = lib.ones(1, requires_grad=True)
        (g2,) = lib.autograd.grad(Sq.apply(x), x, grad_outputs=v, create_graph=True)
        with pytest.raises(RuntimeError) as err:
            g2.sum().backward()
        return arr(g).tolist(), g.grad_fn, modes, g2.requires_grad, msg(err.value)
    mine, theirs = both(run)
    assert mine == theirs


def test_misuse_errors_match_torch():
    def run(lib):
        class NoForward(lib.autograd.Function):
            pass

        class NoBackward(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2
        out = []
        with pytest.raises(NotImplementedError) as err:
            NoForward.apply(lib.ones(1))
        out.append(msg(err.value))
        with pytest.raises(NotImplementedError) as err:
            NoBackward.apply(lib.ones(1, requires_grad=True)).sum().backward()
        out.append(msg(err.value))
        with pytest.warns(DeprecationWarning):
            instance = NoBackward()
        with pytest.raises(RuntimeError) as err:
            instance(lib.ones(1))
        out.append(msg(err.value))
        return out
    mine, theirs = both(run)
    assert mine == theirs


def test_custom_function_in_a_larger_graph_matches_torch():
    def run(lib):
        lib.manual_seed(0)
        w = lib.randn(3, 4, requires_grad=True)
        x = lib.randn(5, 3)
        h = _cube(lib).apply(x @ w, 0.5)
        loss = (h.tanh() * h).mean()
        loss.backward()
        return loss, w.grad
    mine, theirs = both(run)
    assert_close(mine, theirs, rtol=1e-5, atol=1e-6)
