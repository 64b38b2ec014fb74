"""Hand-written tests of the engine, grad modes, leaves and errors, against PyTorch's behaviour."""
import threading
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def both(fn):
    """Run ``fn(lib)`` with ember and torch; return both results."""
    return fn(ember), fn(torch)


def test_deep_chain_of_100000_ops_backpropagates_iteratively():
    x = ember.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]


def test_gradient_accumulates_and_zero_resets():
    w = ember.ones(3, requires_grad=True)
    for expected in (3.0, 6.0, 9.0):
        (w * 3).sum().backward()
        assert w.grad.tolist() == [expected] * 3
    w.grad.zero_()
    assert w.grad.tolist() == [0.0] * 3


def test_second_backward_through_freed_graph_raises_pytorchs_error():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        with pytest.raises(RuntimeError) as err:
            y.backward()
        return str(err.value)
    mine, theirs = both(run)
    assert mine == theirs.replace("torch.", "ember.")  # type names print with ember's module name


def test_retain_graph_allows_second_backward():
    x = ember.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 4.0]


def test_graph_that_saved_nothing_can_backward_twice_like_pytorch():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x + 2).sum()
        y.backward()
        y.backward()
        return x.grad.tolist()
    mine, theirs = both(run)
    assert mine == theirs == [2.0, 2.0]


def test_non_scalar_backward_needs_gradient():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    assert x.grad is None


def test_backward_gradient_shape_mismatch_error_matches_torch():
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError) as err:
            (x * 2).backward(lib.ones(4))
        return str(err.value).replace("torch.", "").replace("ember.", "")
    mine, theirs = both(run)
    assert mine == theirs


def test_vector_jacobian_product():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(ember.tensor([0.1, 1.0, 0.0001]))
    np.testing.assert_allclose(x.grad.numpy(), [0.2, 4.0, 0.0006], rtol=1e-6)


def test_nonleaf_grad_is_none_with_pytorchs_warning():
    x = ember.ones(2, requires_grad=True)
    z = x * 2
    z.sum().backward()
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert z.grad is None


def test_retain_grad_keeps_nonleaf_gradient():
    x = ember.ones(2, requires_grad=True)
    z = x * 2
    z.retain_grad()
    (z * z).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert z.grad.tolist() == [4.0, 4.0]


def test_next_functions_show_accumulate_grad_for_leaves():
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    (node, nr), (none, zero) = y.grad_fn.next_functions
    assert type(node).__name__ == "AccumulateGrad" and node.variable is x and nr == 0
    assert none is None and zero == 0
    assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")


def test_no_grad_enable_grad_and_set_grad_enabled():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
    ember.set_grad_enabled(False)
    try:
        assert not ember.is_grad_enabled()
        assert (x * 2).grad_fn is None
    finally:
        ember.set_grad_enabled(True)
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()

    @ember.no_grad()
    def doubled(t):
        return t * 2
    assert not doubled(x).requires_grad

    @ember.no_grad
    def tripled(t):
        return t * 3
    assert not tripled(x).requires_grad
    with ember.inference_mode():
        assert not (x * 2).requires_grad and ember.is_inference_mode_enabled()


def test_grad_mode_is_thread_local():
    seen = []

    def worker():
        seen.append(ember.is_grad_enabled())
    with ember.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen == [True]


def test_detach_and_data_share_memory_and_do_not_track():
    x = ember.ones(3, requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 5.0
    assert x.tolist()[0] == 5.0
    x.data.mul_(2)
    assert x.tolist() == [10.0, 2.0, 2.0]


def test_only_floating_point_tensors_require_grad():
    def run(lib):
        with pytest.raises(RuntimeError) as err:
            lib.tensor([1, 2]).requires_grad_()
        return str(err.value)
    mine, theirs = both(run)
    assert mine == theirs.replace("torch.", "ember.")  # type names print with ember's module name


def test_requires_grad_flag_of_nonleaf_cannot_be_cleared():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError) as err:
            (x * 2).requires_grad_(False)
        return str(err.value)
    mine, theirs = both(run)
    assert mine == theirs.replace("torch.", "ember.")  # type names print with ember's module name


def test_inplace_on_leaf_requiring_grad_is_refused_and_leaves_it_unchanged():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError) as err:
            x.add_(1)
        return str(err.value), x.tolist()
    mine, theirs = both(run)
    assert mine == theirs


def test_modified_saved_tensor_raises_pytorchs_error():
    def run(lib):
        x = lib.ones(2, 2, requires_grad=True)
        y = x.exp()
        y.add_(1)
        with pytest.raises(RuntimeError) as err:
            y.sum().backward()
        return str(err.value)
    mine, theirs = both(run)
    assert mine == theirs.replace("torch.", "ember.")  # type names print with ember's module name


def test_broadcast_gradients_are_summed_to_input_shapes():
    a = ember.ones(3, 1, requires_grad=True)
    b = ember.ones(4, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == (3, 1) and a.grad.tolist() == [[4.0]] * 3
    assert b.grad.tolist() == [3.0] * 4


def test_gradient_dtype_follows_the_input():
    x = ember.ones(2, requires_grad=True)
    y = x.double() * ember.ones(2, dtype=ember.float64)
    y.sum().backward()
    assert x.grad.dtype == ember.float32


def test_autograd_grad_does_not_touch_dot_grad_and_allow_unused():
    x = ember.ones(2, requires_grad=True)
    w = ember.ones(2, requires_grad=True)
    (gx,) = ember.autograd.grad((x * 3).sum(), x)
    assert gx.tolist() == [3.0, 3.0] and x.grad is None
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        ember.autograd.grad((x * 3).sum(), [x, w])
    gx, gw = ember.autograd.grad((x * 3).sum(), [x, w], allow_unused=True)
    assert gw is None


def test_second_derivative_with_create_graph():
    x = ember.tensor([2.0], requires_grad=True)
    y = x ** 3
    (g,) = ember.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = ember.autograd.grad(g.sum(), x)
    assert g.tolist() == [12.0] and gg.tolist() == [12.0]


def test_backward_inputs_accumulates_only_into_given_tensors():
    x = ember.ones(2, requires_grad=True)
    w = ember.ones(2, requires_grad=True)
    (x * w).sum().backward(inputs=[x])
    assert x.grad.tolist() == [1.0, 1.0] and w.grad is None


def test_tensor_hook_can_replace_gradient_and_be_removed():
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    handle = y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert x.grad.tolist() == [20.0, 20.0]
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_leaf_hook_and_post_accumulate_hook():
    x = ember.ones(2, requires_grad=True)
    x.register_hook(lambda g: g + 1)
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (x * 2).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0] and seen == [[3.0, 3.0]]


def test_gradient_of_shared_input_is_not_aliased_between_leaves():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    (a + b).sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]


def test_engine_order_matches_pytorch_for_repeated_uses():
    def run(lib):
        lib.manual_seed(0)
        x = lib.randn(5, requires_grad=True, dtype=lib.float32)
        y = x * 1.1
        z = (y * 0.3 + y.sin() + y * y - y / 3).sum()
        z.backward()
        return x.grad.numpy().tobytes()
    mine, theirs = both(run)
    assert mine == theirs


def test_zero_dim_results_stay_writable_arrays():
    """NumPy returns scalars for 0-d operands; a 0-d result must stay a tensor one can update in place
    (``running_loss += loss`` in the tutorials' loops), with and without grad, as in PyTorch."""
    import torch
    for lib in (ember, torch):
        a = lib.tensor(1.5)
        total = 0.0 + a
        total += a
        total += a * 2
        w = lib.tensor(2.0, requires_grad=True)
        y = (w * 3).sin()
        with lib.no_grad():
            z = y + 1
            z.mul_(2)
        assert float(total) == 6.0
        assert abs(float(z) - 2 * (float(lib.sin(lib.tensor(6.0))) + 1)) < 1e-6
