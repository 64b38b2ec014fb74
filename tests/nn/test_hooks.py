"""Module hooks against PyTorch: forward pre-hooks, forward hooks, full backward (pre-)hooks."""
import numpy as np
import pytest

from ._helpers import np_of, torch

import ember
from ember import nn


def _scale(lib):
    """A module whose forward uses only elementwise ops: y = x * w, z = x + w (two outputs when asked)."""
    class Scale(lib.nn.Module):
        def __init__(self, two=False):
            super().__init__()
            self.w = lib.nn.Parameter(lib.tensor([2.0, -3.0]))
            self.two = two

        def forward(self, x, y=None, *, k=1.0):
            out = x * self.w * k
            if y is not None:
                out = out + y * y
            return (out, x + self.w) if self.two else out
    return Scale


def _log(lib, calls):
    def fmt(v):
        if v is None:
            return None
        if isinstance(v, tuple):
            return tuple(fmt(x) for x in v)
        return np_of(v).tolist()

    def pre(m, args):
        calls.append(("pre", fmt(args)))

    def pre_kw(m, args, kwargs):
        calls.append(("pre_kw", fmt(args), sorted(kwargs)))
        return args, {**kwargs, "k": 2.0}

    def fwd(m, args, out):
        calls.append(("fwd", fmt(out)))
        return out * 10 if not isinstance(out, tuple) else out

    def bw_pre(m, grad_output):
        calls.append(("bw_pre", fmt(grad_output)))

    def bw(m, grad_input, grad_output):
        calls.append(("bw", fmt(grad_input), fmt(grad_output)))
        return tuple(None if g is None else g * 3 for g in grad_input)
    return pre, pre_kw, fwd, bw_pre, bw


def _run(lib, two_inputs):
    calls = []
    m = _scale(lib)()
    pre, pre_kw, fwd, bw_pre, bw = _log(lib, calls)
    handles = [m.register_forward_pre_hook(pre), m.register_forward_pre_hook(pre_kw, with_kwargs=True),
               m.register_forward_hook(fwd), m.register_full_backward_pre_hook(bw_pre),
               m.register_full_backward_hook(bw)]
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([0.5, 1.5], requires_grad=True)
    out = m(x, y) if two_inputs else m(x)
    (out * lib.tensor([1.0, 0.5])).sum().backward()
    grads = (np_of(x.grad).tolist(), None if y.grad is None else np_of(y.grad).tolist(),
             np_of(m.w.grad).tolist())
    for h in handles:
        h.remove()
    m.w.grad = None
    out2 = m(x)
    calls.append(("after_remove", np_of(out2).tolist(), len(m._forward_hooks), len(m._backward_hooks)))
    return calls, grads


@pytest.mark.parametrize("two_inputs", [False, True])
def test_hook_sequence_and_gradients_match_torch(two_inputs):
    assert _run(ember, two_inputs) == _run(torch, two_inputs)


def test_backward_hook_grad_fn_name_and_multiple_outputs():
    def run(lib):
        m = _scale(lib)(two=True)
        seen = []
        m.register_full_backward_hook(lambda mod, gi, go: seen.append(
            (tuple(None if g is None else np_of(g).tolist() for g in gi),
             tuple(None if g is None else np_of(g).tolist() for g in go))))
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a, b = m(x)
        name = a.grad_fn.name()
        (a.sum() + (b * b).sum()).backward()
        return name, seen, np_of(x.grad).tolist()
    assert run(ember) == run(torch)


def test_backward_hook_when_no_input_requires_grad_warns():
    def run(lib):
        m = _scale(lib)()
        seen = []
        m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, np_of(go[0]).tolist())))
        with pytest.warns(UserWarning, match="Full backward hook is firing"):
            m(lib.tensor([1.0, 1.0])).sum().backward()
        return seen
    assert run(ember) == run(torch)


def test_forward_hook_always_call_and_prepend():
    def run(lib):
        calls = []
        m = _scale(lib)()
        m.register_forward_hook(lambda mod, a, o: calls.append("second"))
        m.register_forward_hook(lambda mod, a, o: calls.append("first"), prepend=True)
        m.register_forward_hook(lambda mod, a, o: calls.append("always"), always_call=True)
        m(lib.ones(2))
        with pytest.raises(RuntimeError):
            m(lib.ones(3))
        return calls
    assert run(ember) == run(torch)


def test_pre_hook_replacing_input_and_bad_return():
    def run(lib):
        m = _scale(lib)()
        m.register_forward_pre_hook(lambda mod, args: args[0] * 0 + 1)
        out = np_of(m(lib.tensor([5.0, 5.0]))).tolist()
        m2 = _scale(lib)()
        m2.register_forward_pre_hook(lambda mod, a, k: 3, with_kwargs=True)
        with pytest.raises(RuntimeError) as info:
            m2(lib.ones(2))
        return out, str(info.value)
    assert run(ember) == run(torch)


def test_state_dict_and_load_hooks():
    m = nn.Linear(2, 2)
    seen = []
    m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: seen.append(("pre", prefix)))
    m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: seen.append(("post", list(sd))))
    m.register_load_state_dict_post_hook(lambda mod, keys: seen.append(("load", list(keys.missing_keys))))
    sd = m.state_dict()
    m.load_state_dict(sd)
    assert seen == [("pre", ""), ("post", ["weight", "bias"]), ("load", [])]
    assert np.array_equal(np_of(sd["weight"]), np_of(m.weight))
