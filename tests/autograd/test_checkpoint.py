"""utils.checkpoint: fewer saved tensors in forward, identical gradients, dropout replayed; vs torch."""
import warnings

import numpy as np
import pytest

from .autograd_helpers import assert_close, both, msg

torch = pytest.importorskip("torch")


def _block(lib):
    def block(x, w):
        h = (x @ w).tanh()
        h = h * (lib.rand(h.shape, dtype=lib.float64) > 0.3)  # a random mask: recomputation must draw the same one
        return (h.exp() * h).sum(1)
    return block


def _saved_bytes(out):
    """Bytes of the arrays held for backward by the graph behind ``out``."""
    seen, stack, total = set(), [out.grad_fn], 0
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        saved = node._saved if type(node._saved) is tuple else ()
        total += sum(getattr(v, "_data", v).nbytes for v in saved if hasattr(getattr(v, "_data", v), "nbytes"))
        stack.extend(n for n, _ in node.next_functions)
    return total


def _run(lib, mode):
    from importlib import import_module
    checkpoint = import_module(lib.__name__ + ".utils.checkpoint").checkpoint
    lib.manual_seed(0)
    x = lib.randn(8, 16, dtype=lib.float64, requires_grad=True)
    w = lib.randn(16, 32, dtype=lib.float64, requires_grad=True)
    lib.manual_seed(1)
    out = _block(lib)(x, w) if mode is None else checkpoint(_block(lib), x, w, use_reentrant=mode)
    saved = _saved_bytes(out) if lib.__name__ == "ember" else None
    out.sum().backward()
    return out, x.grad, w.grad, saved


@pytest.mark.parametrize("mode", [False, True])
def test_checkpoint_drops_saved_tensors_and_keeps_gradients(mode):
    import ember
    plain = _run(ember, None)
    ckpt = _run(ember, mode)
    assert plain[3] > 8 * 32 * 8 and ckpt[3] == 0  # intermediate activations are no longer held
    for a, b in zip(plain[:3], ckpt[:3]):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    assert_close(ckpt[:3], _run(torch, mode)[:3], rtol=1e-10, atol=1e-12)


def test_rng_state_after_checkpoint_is_as_without():
    def run(lib, mode):
        _run(lib, mode)
        return lib.rand(3)
    import ember
    assert np.array_equal(run(ember, None).numpy(), run(ember, False).numpy())
    assert np.array_equal(run(ember, True).numpy(), run(ember, None).numpy())


def test_warnings_and_errors_match_torch():
    def run(lib):
        from importlib import import_module
        checkpoint = import_module(lib.__name__ + ".utils.checkpoint").checkpoint
        x = lib.ones(2, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = checkpoint(lambda a: a.sin() * 2, x)
            z = checkpoint(lambda a: a.sin() * 2, lib.ones(2), use_reentrant=False)
        with pytest.raises(ValueError) as err:
            checkpoint(lambda a: a * 2, x, use_reentrant=True, foo=1)
        kw = checkpoint(lambda a, scale: a * scale, x, use_reentrant=False, scale=3.0)
        return ([str(w.message) for w in caught if w.category is UserWarning], type(y.grad_fn).__name__,
                z.requires_grad, msg(err.value), kw.tolist())
    mine, theirs = both(run)
    assert mine == theirs
