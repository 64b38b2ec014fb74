"""nn.Module bookkeeping against PyTorch: registration, iteration, state dicts, modes, conversion, repr."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

from ._helpers import assert_same_error, ember_state, error_of, np_of, to_ember, torch

import ember
from ember import nn


def _pair(build):
    """The same module built in both libraries (``build(lib)``) with torch's values copied into ember's."""
    t = build(torch)
    e = build(ember)
    e.load_state_dict(ember_state(t))
    return e, t


class _Net:
    """A small model with a buffer, a non-persistent buffer, a shared submodule and a None parameter."""

    @staticmethod
    def build(lib):
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = lib.nn.Linear(3, 4)
                self.seq = lib.nn.Sequential(lib.nn.Linear(4, 2), lib.nn.ReLU())
                self.shared = self.fc
                self.register_buffer("steps", lib.zeros(2))
                self.register_buffer("scratch", lib.ones(1), persistent=False)
                self.register_parameter("unused", None)
                self.scale = lib.nn.Parameter(lib.ones(1))

            def forward(self, x):
                return self.seq(self.fc(x)) * self.scale

        return Net()


def test_named_members_match_torch():
    e, t = _pair(_Net.build)
    for method in ("named_parameters", "named_buffers", "named_children", "named_modules"):
        assert [n for n, _ in getattr(e, method)()] == [n for n, _ in getattr(t, method)()], method
    for kwargs in ({"remove_duplicate": False}, {"prefix": "m"}, {"recurse": False}):
        assert [n for n, _ in e.named_parameters(**kwargs)] == [n for n, _ in t.named_parameters(**kwargs)]
    assert [n for n, _ in e.named_modules(remove_duplicate=False)] == \
        [n for n, _ in t.named_modules(remove_duplicate=False)]
    assert len(list(e.parameters())) == len(list(t.parameters()))
    assert len(list(e.buffers())) == len(list(t.buffers()))
    assert len(list(e.children())) == len(list(t.children()))


def test_state_dict_keys_order_values_and_metadata():
    e, t = _pair(_Net.build)
    se, st = e.state_dict(), t.state_dict()
    assert isinstance(se, OrderedDict)
    assert list(se) == list(st)
    assert se._metadata == st._metadata
    for k in st:
        np.testing.assert_array_equal(np_of(se[k]), np_of(st[k]))
        assert not se[k].requires_grad
    kept = e.state_dict(keep_vars=True)
    assert kept["fc.weight"] is e.fc.weight
    assert list(e.state_dict(prefix="p.")) == list(t.state_dict(prefix="p."))


def test_batchnorm_state_dict_metadata_version():
    e, t = nn.Sequential(nn.BatchNorm1d(3)), torch.nn.Sequential(torch.nn.BatchNorm1d(3))
    assert e.state_dict()._metadata == t.state_dict()._metadata
    assert list(e.state_dict()) == list(t.state_dict())


def test_load_state_dict_missing_unexpected_and_non_strict():
    e, t = _pair(_Net.build)
    for mutate in (lambda d: d.pop("fc.bias"), lambda d: d.__setitem__("extra.w", d["steps"]),
                   lambda d: (d.pop("scale"), d.__setitem__("seq.5.weight", d["steps"]))):
        de, dt = e.state_dict(), t.state_dict()
        mutate(de)
        mutate(dt)
        assert_same_error(lambda: e.load_state_dict(de), lambda: t.load_state_dict(dt))
        re_, rt = e.load_state_dict(de, strict=False), t.load_state_dict(dt, strict=False)
        assert re_ == rt
        assert repr(re_) == repr(rt)
    assert repr(e.load_state_dict(e.state_dict())) == "<All keys matched successfully>"


def test_failed_load_leaves_model_untouched():
    e, t = _pair(_Net.build)
    before = {k: np_of(v).copy() for k, v in e.state_dict().items()}
    bad_e, bad_t = e.state_dict(), t.state_dict()
    for d, lib in ((bad_e, ember), (bad_t, torch)):
        for k in list(d):
            d[k] = d[k] + 1
        d["seq.0.weight"] = lib.zeros(5, 5)
    assert_same_error(lambda: e.load_state_dict(bad_e), lambda: t.load_state_dict(bad_t))
    for k, v in e.state_dict().items():
        np.testing.assert_array_equal(np_of(v), before[k])
    assert_same_error(lambda: e.load_state_dict({"fc.weight": 3}, strict=False),
                      lambda: t.load_state_dict({"fc.weight": 3}, strict=False))
    assert_same_error(lambda: e.load_state_dict([1]), lambda: t.load_state_dict([1]))


def test_load_state_dict_copies_in_place_and_assign_replaces():
    e, t = _pair(_Net.build)
    w = e.fc.weight
    new = OrderedDict((k, v * 0 + 2) for k, v in e.state_dict().items())
    e.load_state_dict(new)
    assert e.fc.weight is w and float(w.sum()) == 2 * w.numel()
    new["fc.weight"] = ember.ones(4, 3)
    e.load_state_dict(new, assign=True)
    assert e.fc.weight is not w and isinstance(e.fc.weight, nn.Parameter) and e.fc.weight.requires_grad
    # a 0-d buffer takes a 1-element tensor, as in PyTorch
    m = nn.Module()
    m.register_buffer("n", ember.tensor(1.0))
    m.load_state_dict({"n": ember.tensor([5.0])})
    assert float(m.n) == 5.0


@pytest.mark.parametrize("case", ["param_before_init", "module_before_init", "buffer_before_init"])
def test_assignment_before_init(case):
    def run(lib):
        class Bad(lib.nn.Module):
            def __init__(self):
                if case == "param_before_init":
                    self.w = lib.nn.Parameter(lib.zeros(1))
                elif case == "module_before_init":
                    self.m = lib.nn.ReLU()
                else:
                    self.register_buffer("b", lib.zeros(1))
        Bad()
    assert_same_error(lambda: run(ember), lambda: run(torch))


def test_registration_errors():
    def cases(lib):
        m = lib.nn.Linear(2, 2)
        return [lambda: setattr(m, "weight", lib.zeros(2, 2)), lambda: m.register_parameter("a.b", None),
                lambda: m.register_parameter("", None), lambda: m.register_parameter("training", None),
                lambda: m.register_parameter("x", lib.zeros(1)), lambda: m.register_buffer("a.b", None),
                lambda: m.register_buffer("x", 3), lambda: m.add_module("x", 3),
                lambda: m.add_module("a.b", lib.nn.ReLU()), lambda: m.register_parameter(1, None),
                lambda: m.nothing, lambda: m.get_submodule("a.b"), lambda: m.get_parameter("bias.x"),
                lambda: m.train("yes"), lambda: m.to(lib.int64), lambda: m.register_parameter(
                    "y", lib.nn.Parameter(lib.zeros(1)) * 2)]
    for fe, ft in zip(cases(ember), cases(torch)):
        assert_same_error(fe, ft)
    m = nn.Linear(2, 2)
    m.register_buffer("b", ember.zeros(1))
    m.b = None
    m.weight = None
    m.child = nn.ReLU()
    assert "b" in m._buffers and m.weight is None and "child" in m._modules
    del m.child, m.b
    assert "child" not in m._modules and "b" not in m._buffers
    m.child = nn.ReLU()
    m.child = nn.Parameter(ember.zeros(1))  # reassigning as a parameter moves it out of _modules
    assert "child" in m._parameters and "child" not in m._modules


def test_submodule_and_parameter_lookup():
    e, _ = _pair(_Net.build)
    assert e.get_submodule("seq.0") is e.seq[0]
    assert e.get_parameter("seq.0.weight") is e.seq[0].weight
    assert e.get_buffer("steps") is e.steps
    e.set_submodule("seq.1", nn.Tanh())
    assert isinstance(e.seq[1], nn.Tanh)
    assert "fc" in dir(e) and "steps" in dir(e) and "scale" in dir(e)


def test_train_eval_requires_grad_zero_grad_apply():
    e, t = _pair(_Net.build)
    assert e.eval() is e and not any(m.training for m in e.modules())
    e.train()
    assert all(m.training for m in e.modules())
    e.requires_grad_(False)
    assert not any(p.requires_grad for p in e.parameters())
    e.requires_grad_()
    out = e(ember.ones(2, 3)).sum()
    out.backward()
    assert e.fc.weight.grad is not None
    e.zero_grad(set_to_none=False)
    assert float(e.fc.weight.grad.abs().sum()) == 0.0 and not e.fc.weight.grad.requires_grad
    e.zero_grad()
    assert all(p.grad is None for p in e.parameters())
    seen = []
    assert e.apply(lambda m: seen.append(type(m).__name__)) is e
    t_seen = []
    t.apply(lambda m: t_seen.append(type(m).__name__))
    assert seen == t_seen


def test_to_double_float_keep_parameter_identity_and_int_buffers():
    e = nn.BatchNorm1d(3)
    w = e.weight
    e.weight.grad = ember.ones(3)
    assert e.double() is e and e.weight is w and e.weight.dtype == ember.float64
    assert e.weight.grad.dtype == ember.float64
    assert e.running_mean.dtype == ember.float64 and e.num_batches_tracked.dtype == ember.int64
    e.to(ember.float32)
    assert e.weight.dtype == ember.float32 and e.weight is w
    e.to("cpu")
    e.half()
    assert e.weight.dtype == ember.float16
    assert e.cpu() is e and e.float().weight.dtype == ember.float32


@pytest.mark.parametrize("build", [
    lambda lib: lib.nn.Sequential(lib.nn.Linear(784, 128), lib.nn.ReLU(), lib.nn.Linear(128, 64), lib.nn.ReLU(),
                                  lib.nn.Linear(64, 10)),
    _Net.build,
    lambda lib: lib.nn.ModuleDict({"a": lib.nn.Linear(1, 2, bias=False), "b": lib.nn.ModuleList(
        [lib.nn.Tanh(), lib.nn.Tanh(), lib.nn.Sequential()])}),
    lambda lib: lib.nn.Module(),
])
def test_repr_matches_torch(build):
    assert repr(build(ember)) == repr(build(torch))


def test_parameter_class_repr_copy_pickle():
    data = ember.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    tp = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(tp) and str(p) == str(tp)
    assert repr(nn.Parameter(ember.tensor([1, 2]), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False))
    assert repr(nn.Parameter()) == repr(torch.nn.Parameter())
    assert_same_error(lambda: nn.Parameter(ember.tensor([1])), lambda: torch.nn.Parameter(torch.tensor([1])))
    with ember.no_grad():
        p.mul_(2)
    assert data.tolist() == [2.0, 4.0] and data._version == p._version  # storage and version shared
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and q.requires_grad and q.tolist() == p.tolist()
    assert np_of(q) is not np_of(p)
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is nn.Parameter and r.requires_grad and r.tolist() == [2.0, 4.0]
    assert type(p * 1) is ember.Tensor


def test_module_deepcopy_and_pickle():
    e, _ = _pair(_Net.build)
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, nn.BatchNorm1d(2), shared)
    for original, clone in ((e, copy.deepcopy(e)), (seq, pickle.loads(pickle.dumps(seq)))):
        assert repr(clone) == repr(original)
        for (k, a), (_, b) in zip(clone.state_dict().items(), original.state_dict().items()):
            np.testing.assert_array_equal(np_of(a), np_of(b))
        first = next(clone.parameters())
        assert first is not next(original.parameters()) and isinstance(first, nn.Parameter)
    assert copy.deepcopy(e).shared is not e.fc and copy.deepcopy(e).shared.weight.shape == (4, 3)
    clone = pickle.loads(pickle.dumps(seq))
    assert clone[0] is clone[2]  # sharing survives


def test_buffer_marker():
    m, tm = nn.Module(), torch.nn.Module()
    m.b = nn.Buffer(ember.zeros(2), persistent=False)
    tm.b = torch.nn.Buffer(torch.zeros(2), persistent=False)
    assert list(m.state_dict()) == list(tm.state_dict()) == []
    assert [n for n, _ in m.named_buffers()] == ["b"]


def test_forward_not_implemented_and_init_arguments():
    assert_same_error(lambda: nn.Module()(1), lambda: torch.nn.Module()(1))
    assert_same_error(lambda: nn.Module(3), lambda: torch.nn.Module(3))
    assert_same_error(lambda: nn.Module(a=3), lambda: torch.nn.Module(a=3))


def test_to_ember_helper_sanity():
    # guards the helper the layer tests rely on
    t = torch.randn(2, 3, dtype=torch.float64)
    e = to_ember(t)
    assert e.dtype == ember.float64 and np.array_equal(np_of(e), np_of(t))
    assert error_of(lambda: None) is None
