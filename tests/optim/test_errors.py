"""Errors and warnings of ember.optim against torch.optim's (type and message)."""

import warnings

import numpy as np
import pytest

import ember
import ember.optim

torch = pytest.importorskip("torch")


def _raises_like_torch(call):
    """Run ``call(lib)`` with torch then ember; both must raise the same type and message."""
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(ember)
    assert str(ours.value) == str(theirs.value).replace("torch.", "ember.")


def _p(lib, n=2):
    return lib.zeros(n, requires_grad=True)


BAD_CALLS = [
    lambda lib: lib.optim.SGD([], lr=0.1),
    lambda lib: lib.optim.SGD(_p(lib), lr=0.1),
    lambda lib: lib.optim.SGD([_p(lib)], lr=-0.1),
    lambda lib: lib.optim.SGD([_p(lib)], lr=0.1, momentum=-0.5),
    lambda lib: lib.optim.SGD([_p(lib)], lr=0.1, weight_decay=-1),
    lambda lib: lib.optim.SGD([_p(lib)], lr=0.1, nesterov=True),
    lambda lib: lib.optim.SGD([_p(lib)], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    lambda lib: lib.optim.SGD([_p(lib)], fused=True, foreach=True),
    lambda lib: lib.optim.SGD([_p(lib), 3], lr=0.1),
    lambda lib: lib.optim.SGD([{"params": {_p(lib)}}], lr=0.1),
    lambda lib: lib.optim.SGD([_p(lib) * 2], lr=0.1),
    lambda lib: lib.optim.SGD(["not a tensor"]),
    lambda lib: lib.optim.Adam([_p(lib)], eps=-1.0),
    lambda lib: lib.optim.Adam([_p(lib)], betas=(1.0, 0.999)),
    lambda lib: lib.optim.Adam([_p(lib)], betas=(0.9, -0.1)),
    lambda lib: lib.optim.Adam([_p(lib)], betas=(0, 0.999)),
    lambda lib: lib.optim.Adam([_p(lib)], weight_decay=-0.1),
    lambda lib: lib.optim.Adam([_p(lib)], fused=True, differentiable=True),
    lambda lib: lib.optim.AdamW([_p(lib)], lr=-1.0),
    lambda lib: lib.optim.RMSprop([_p(lib)], alpha=-0.1),
    lambda lib: lib.optim.RMSprop([_p(lib)], momentum=-0.1),
    lambda lib: lib.optim.Adagrad([_p(lib)], lr_decay=-0.1),
    lambda lib: lib.optim.Adagrad([_p(lib)], initial_accumulator_value=-0.1),
    lambda lib: lib.optim.Adadelta([_p(lib)], rho=1.5),
    lambda lib: lib.optim.Adamax([_p(lib)], betas=(0.9, 1.0)),
    lambda lib: lib.optim.NAdam([_p(lib)], momentum_decay=-1.0),
    lambda lib: lib.optim.RAdam([_p(lib)], eps=-1e-8),
]


@pytest.mark.parametrize("call", BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_constructor_errors_match_torch(call):
    _raises_like_torch(call)


def test_parameter_in_two_groups():
    def call(lib):
        p = _p(lib)
        lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    _raises_like_torch(call)


def test_mixed_named_groups_and_bad_group():
    def named_then_unnamed(lib):
        opt = lib.optim.SGD([("a", _p(lib))], lr=0.1)
        opt.add_param_group({"params": [_p(lib)]})
    _raises_like_torch(named_then_unnamed)
    _raises_like_torch(lambda lib: lib.optim.SGD([_p(lib)], lr=0.1).add_param_group([_p(lib)]))


def test_add_param_group_failure_leaves_groups_unchanged():
    p = _p(ember)
    opt = ember.optim.SGD([p], lr=0.1)
    group = {"params": [p], "lr": 0.2}
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group(group)
    assert len(opt.param_groups) == 1 and group == {"params": [p], "lr": 0.2}


def test_duplicate_parameters_warn_like_torch():
    messages = []
    for lib in (torch, ember):
        p = _p(lib)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.optim.SGD([p, p], lr=0.1)
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_required_lr_in_custom_optimizer():
    from ember.optim.optimizer import required
    from torch.optim.optimizer import required as torch_required

    class Custom(ember.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": required})

    class TorchCustom(torch.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": torch_required})

    with pytest.raises(ValueError) as theirs:
        TorchCustom([_p(torch)])
    with pytest.raises(ValueError, match=str(theirs.value)):
        Custom([_p(ember)])
    assert repr(required) == repr(torch_required)
    with pytest.raises(NotImplementedError):
        Custom([{"params": [_p(ember)], "lr": 0.1}]).step()


def test_step_uses_tensor_lr():
    p = ember.from_numpy(np.ones(2, np.float32)).requires_grad_()
    opt = ember.optim.SGD([p], lr=ember.tensor(0.5))
    p.grad = ember.from_numpy(np.ones(2, np.float32))
    opt.step()
    np.testing.assert_array_equal(p.detach().numpy(), np.array([0.5, 0.5], np.float32))
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        ember.optim.SGD([p], lr=ember.zeros(2))
