"""The engine hands its own gradient arrays to ``.grad`` without copying; shared ones must be copied."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _leaves(n, shape=(3,)):
    return [ember.tensor(np.arange(1.0, 4.0, dtype=np.float32).reshape(shape) + i, requires_grad=True)
            for i in range(n)]


def _no_shared_memory(*arrays):
    for i, a in enumerate(arrays):
        for b in arrays[i + 1:]:
            assert not np.shares_memory(a, b)


def test_one_gradient_reaching_two_leaves_gives_each_its_own_array():
    a, b = _leaves(2)
    (a + b).sum().backward()
    _no_shared_memory(a.grad._data, b.grad._data)
    a.grad._data += 1  # writing one gradient leaves the other as it was
    np.testing.assert_array_equal(b.grad.numpy(), np.ones(3, np.float32))


def test_root_gradient_given_by_the_caller_is_copied_into_a_leaf():
    a, = _leaves(1)
    g = ember.ones(3)
    a.backward(g)
    assert not np.shares_memory(a.grad._data, g._data)
    g._data += 1
    np.testing.assert_array_equal(a.grad.numpy(), np.ones(3, np.float32))


def test_broadcast_views_and_saved_inputs_are_not_stolen():
    a, b = _leaves(2)
    w = ember.tensor(np.float32(2.0), requires_grad=True)
    loss = (a * b + w).sum()  # sum backward broadcasts (a view); mul backward reads a and b
    loss.backward()
    _no_shared_memory(a.grad._data, b.grad._data, a._data, b._data, w.grad._data)
    ta, tb = (torch.tensor(t.detach().numpy(), requires_grad=True) for t in (a, b))
    tw = torch.tensor(2.0, requires_grad=True)
    (ta * tb + tw).sum().backward()
    for e, t in ((a, ta), (b, tb), (w, tw)):
        np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())


def test_stolen_gradient_accumulates_in_place_over_two_backwards():
    a, b = _leaves(2)
    for _ in range(2):
        (a * b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), 2 * b.detach().numpy())
    np.testing.assert_array_equal(b.grad.numpy(), 2 * a.detach().numpy())
    _no_shared_memory(a.grad._data, b.grad._data, a._data, b._data)


def test_retained_graph_keeps_saved_values_out_of_grad():
    a, = _leaves(1)
    y = a.exp()  # exp backward multiplies by its saved output
    y.sum().backward(retain_graph=True)
    first = a.grad._data.copy()
    y.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * first)
    assert not np.shares_memory(a.grad._data, y._data)
