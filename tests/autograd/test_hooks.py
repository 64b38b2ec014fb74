"""Tensor and Node hooks, retain_grad, and saved-tensor hooks, against torch (values, order, errors)."""
import numpy as np
import pytest

from .autograd_helpers import arr, assert_close, both, msg

torch = pytest.importorskip("torch")


def test_hook_order_on_non_leaf_retain_grad_and_node_prehook():
    def run(lib):
        log = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.register_hook(lambda g: log.append(("t1", arr(g).tolist())) or g * 2)
        y.retain_grad()  # runs after all tensor hooks, whenever registered
        y.register_hook(lambda g: log.append(("t2", arr(g).tolist())) or g + 1)
        y.grad_fn.register_prehook(lambda go: log.append(("pre", arr(go[0]).tolist())))
        y.grad_fn.register_hook(lambda gi, go: log.append(("post", arr(gi[0]).tolist(), arr(go[0]).tolist())))
        x.register_hook(lambda g: log.append(("leaf", arr(g).tolist())))
        x.register_post_accumulate_grad_hook(lambda t: log.append(("acc", arr(t.grad).tolist())))
        (y * y).sum().backward()
        return log, y.grad, x.grad
    (ml, my, mx), (tl, ty, tx) = both(run)
    assert ml == tl
    assert_close((my, mx), (ty, tx))


def test_node_hook_can_replace_grad_inputs_and_prehook_grad_outputs():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.grad_fn.register_hook(lambda gi, go: (gi[0] * 10,))
        z = x * 2
        z.grad_fn.register_prehook(lambda go: (go[0] + 1,))
        (y + z).sum().backward()
        return x.grad
    mine, theirs = both(run)
    assert_close(mine, theirs)


def test_removed_hooks_do_not_run_and_handles_work_as_context_managers():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        h = y.register_hook(lambda g: g * 100)
        h.remove()
        with y.register_hook(lambda g: g * 7):
            pass
        n = y.grad_fn.register_prehook(lambda go: (go[0] * 5,))
        n.remove()
        y.sum().backward()
        return x.grad
    mine, theirs = both(run)
    assert_close(mine, theirs)


def test_hook_errors_match_torch():
    def run(lib):
        out = []
        for call in (lambda: lib.ones(2).register_hook(lambda g: g),
                     lambda: (lib.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(lambda t: None),
                     lambda: lib.ones(2).retain_grad()):
            with pytest.raises(RuntimeError) as err:
                call()
            out.append(msg(err.value))
        return out
    mine, theirs = both(run)
    assert mine == theirs


def test_node_api_names_next_functions_and_metadata():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x * 2).sum()
        node = y.grad_fn
        node.metadata["tag"] = 1
        return (node.name(), [(type(n).__name__, nr) for n, nr in node.next_functions],
                node.next_functions[0][0].name(), node.metadata, isinstance(node, lib.autograd.graph.Node))
    mine, theirs = both(run)
    assert mine == theirs


def test_saved_tensors_hooks_pack_the_saved_tensors_and_unpack_for_backward():
    def run(lib):
        packed = []

        def pack(t):
            packed.append(t)
            return arr(t).copy()

        with lib.autograd.graph.saved_tensors_hooks(pack, lambda a: lib.tensor(a)):
            a = lib.tensor([0.5, 1.5], requires_grad=True)
            b = a.exp()
            c = (a * b).sum()
        c.backward()
        return a.grad, sorted(p is a for p in packed), sorted(p is b for p in packed)
    (mg, ma, mb), (tg, ta, tb) = both(run)
    assert_close(mg, tg)
    assert (ma, mb) == (ta, tb)


def test_saved_tensors_hooks_errors_and_no_version_check():
    def run(lib):
        out = []
        hooks = lib.autograd.graph.saved_tensors_hooks
        with hooks(lambda t: t, lambda t: t):
            a = lib.ones(2, requires_grad=True)
            b = a * 1
            c = b * b
        b.add_(1)  # not detected when hooks are used (PyTorch cannot track versions through them)
        c.sum().backward()
        out.append(arr(a.grad).tolist())
        with hooks(lambda t: t, lambda t: 3):
            d = (lib.ones(2, requires_grad=True) ** 2).sum()
        with pytest.raises(TypeError) as err:
            d.backward()
        out.append(msg(err.value))

        def bad_pack(t):
            t.add_(1)
            return t
        e = lib.ones(2, requires_grad=True) * 1
        with hooks(bad_pack, lambda t: t):
            with pytest.raises(RuntimeError) as err:
                e * e
        out.append(msg(err.value))
        return out
    mine, theirs = both(run)
    assert mine == theirs


def test_save_on_cpu_and_double_backward_through_packed_tensors():
    def run(lib):
        with lib.autograd.graph.save_on_cpu():
            x = lib.tensor(np.array([0.3, 0.8]), requires_grad=True)
            y = (x.sin() * x).sum()
            (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g, gg
    mine, theirs = both(run)
    assert_close(mine, theirs)


def test_custom_function_saved_tensors_go_through_hooks():
    def run(lib):
        seen = []

        class Sq(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 2 * x * g
        with lib.autograd.graph.saved_tensors_hooks(lambda t: seen.append("p") or t, lambda t: seen.append("u") or t):
            x = lib.ones(2, requires_grad=True)
            y = Sq.apply(x).sum()
        y.backward()
        return seen, x.grad
    (ms, mg), (ts, tg) = both(run)
    assert ms == ts
    assert_close(mg, tg)
