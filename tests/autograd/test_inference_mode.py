"""``inference_mode`` and inference tensors, against torch (the "Inference Mode" part of the Autograd
mechanics note and the ``torch.inference_mode`` docs): the mode's state, nesting and decorators,
which tensors are inference tensors, and the errors raised when one is used outside the mode."""
import threading

import numpy as np
import pytest

from .autograd_helpers import both, msg

torch = pytest.importorskip("torch")


def _errors(lib, uses):
    """Run each ``use()``; the exception's type and text (library prefix removed), or None."""
    out = []
    for use in uses:
        try:
            use()
            out.append(None)
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            out.append((type(e).__name__, msg(e)))
    return out


def test_mode_state_nesting_and_false():
    def run(lib):
        seen = [(lib.is_inference_mode_enabled(), lib.is_grad_enabled())]
        with lib.inference_mode():
            seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
            with lib.inference_mode(False):
                seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
            with lib.no_grad():
                seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
            with lib.enable_grad():
                seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
            with lib.inference_mode():
                lib.set_grad_enabled(True)
            seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
        with lib.no_grad():
            with lib.inference_mode(False):  # inference_mode(False) turns grad mode on
                seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
        try:
            with lib.inference_mode():
                raise ValueError
        except ValueError:
            pass
        seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
        return seen
    mine, theirs = both(run)
    assert mine == theirs


def test_decorators_bare_called_false_and_generator():
    def run(lib):
        x = lib.ones(2, requires_grad=True)

        @lib.inference_mode()
        def called(a):
            return (a * 2).requires_grad, lib.is_inference_mode_enabled()

        @lib.inference_mode
        def bare(a):
            return (a * 2).requires_grad, lib.is_inference_mode_enabled()

        @lib.inference_mode(False)
        def off(a):
            return (a * 2).requires_grad, lib.is_inference_mode_enabled()

        @lib.inference_mode()
        def gen():
            yield lib.is_inference_mode_enabled()
            yield lib.ones(1).is_inference()
        with lib.inference_mode():
            off_inside = off(x)
        return called(x), bare(x), off(x), off_inside, list(gen()), lib.is_inference_mode_enabled()
    mine, theirs = both(run)
    assert mine == theirs


def test_mode_is_thread_local():
    def run(lib):
        seen = []
        with lib.inference_mode():
            t = threading.Thread(target=lambda: seen.append((lib.is_inference_mode_enabled(),
                                                             lib.ones(1).is_inference())))
            t.start()
            t.join()
        return seen
    mine, theirs = both(run)
    assert mine == theirs == [(False, False)]


def test_which_tensors_are_inference_tensors():
    def run(lib):
        n = lib.ones(2)
        with lib.inference_mode():
            made = [lib.ones(2), lib.tensor([1.0, 2.0]), lib.zeros(3), lib.ones(2, requires_grad=True)]
            view_of_normal = n.view(2)
            n.add_(1)  # a normal tensor updated in place inside: allowed, and counted
        inf = made[0]
        return ([t.is_inference() for t in made], view_of_normal.is_inference(), n.is_inference(), n._version,
                inf.detach().is_inference(), inf.view(1, 2).is_inference(), inf.data.is_inference(),
                inf.clone().is_inference(), (inf * 2).is_inference(), lib.zeros(2).copy_(inf).is_inference(),
                made[3].requires_grad, made[3].is_leaf)
    mine, theirs = both(run)
    assert mine == theirs


def test_inference_tensor_cannot_be_saved_for_backward_outside():
    def run(lib):
        x = lib.ones(2, 2, requires_grad=True)
        with lib.inference_mode():
            inf = lib.ones(2, 2)
        errors = _errors(lib, [lambda: x * inf, lambda: inf * x, lambda: x.mm(inf), lambda: x.mm(inf.clone())])
        s = x + inf  # add saves nothing: allowed
        s.sum().backward()
        return errors, x.grad.tolist()
    mine, theirs = both(run)
    assert mine == theirs
    assert mine[0][0][1].startswith("Inference tensors cannot be saved for backward.") and mine[0][3] is None


def test_in_place_update_of_inference_tensor_outside_raises_after_writing():
    def run(lib):
        with lib.inference_mode():
            inf = lib.ones(2)
            inf.add_(1)  # inside: allowed
        errors = _errors(lib, [lambda: inf.add_(1), lambda: inf.mul_(2), lambda: inf.copy_(lib.zeros(2)),
                               lambda: inf.__setitem__(0, 7.0)])
        with lib.no_grad():
            errors += _errors(lib, [lambda: inf.add_(1)])
        # PyTorch checks when it bumps the version counter, after the kernel has written
        return errors, inf.tolist()
    mine, theirs = both(run)
    assert mine == theirs
    assert mine[0][0][1].startswith("Inplace update to inference tensor outside InferenceMode is not allowed.")


def test_version_counter_and_requires_grad_of_inference_tensor():
    def run(lib):
        with lib.inference_mode():
            inf = lib.ones(2)
            inside = _errors(lib, [lambda: inf._version])
            inf2 = lib.ones(2)
            inf2.requires_grad_()  # inside: allowed
        outside = _errors(lib, [lambda: inf._version, lambda: inf.requires_grad_(),
                                lambda: setattr(inf, "requires_grad", True), lambda: inf.requires_grad_(False)])
        return inside, outside, inf.requires_grad, inf2.requires_grad
    mine, theirs = both(run)
    assert mine == theirs
    assert mine[1][0] == ("RuntimeError", "Inference tensors do not track version counter.")


def test_model_output_made_in_inference_mode_cannot_be_trained_on():
    def run(lib):
        lib.manual_seed(0)
        lin = lib.nn.Linear(2, 2)
        with lib.inference_mode():
            out = lin(lib.ones(1, 2))
        return out.requires_grad, _errors(lib, [lambda: lin(out).sum().backward()]), \
            lin(out.clone()).sum().item() == lin(out.clone()).sum().item()
    mine, theirs = both(run)
    assert mine == theirs
    assert mine[1][0] is not None


def test_op_results_in_inference_mode_are_inference_tensors():
    def run(lib):
        x = lib.ones(2, 2, requires_grad=True)
        with lib.inference_mode():
            inf = x * 2
            ex = x.exp()
            with lib.enable_grad():  # grad mode on, but nothing recorded in inference mode
                enabled = (lib.is_grad_enabled(), (x * 2).requires_grad, (x * 2).is_inference())
        return (inf.requires_grad, inf.is_inference(), ex.is_inference(), x.is_inference(), enabled,
                _errors(lib, [lambda: (x * inf).sum().backward(), lambda: inf.add_(1)]))
    mine, theirs = both(run)
    assert mine == theirs


def test_no_grad_tensors_are_not_inference_tensors():
    def run(lib):
        x = lib.tensor(np.ones(2, dtype=np.float32), requires_grad=True)
        with lib.no_grad():
            y = lib.ones(2)
        (x * y).sum().backward()
        y.add_(1)
        return y.is_inference(), y._version, x.grad.tolist()
    mine, theirs = both(run)
    assert mine == theirs
