"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict against PyTorch."""
from collections import OrderedDict

import pytest

from ._helpers import assert_same_error, error_of, torch

import ember
from ember import nn


def _seq(lib):
    return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1), lib.nn.Tanh())


def test_sequential_indexing_slicing_and_editing():
    e, t = _seq(ember), _seq(torch)
    assert repr(e[1:3]) == repr(t[1:3]) and type(e[1:]) is nn.Sequential
    assert repr(e[-1]) == repr(t[-1]) and len(e) == len(t) == 4
    assert [repr(m) for m in e] == [repr(m) for m in t]
    for lib, s in ((ember, e), (torch, t)):
        s.append(lib.nn.Sigmoid())
        s.insert(1, lib.nn.Identity())
        s.extend([lib.nn.ReLU6()])
        del s[0]
        s[0] = lib.nn.ELU()
        s.pop(-1)
    assert repr(e) == repr(t) and list(e._modules) == list(t._modules)
    assert repr(e + _seq(ember)) == repr(t + _seq(torch))
    assert repr(_seq(ember) * 2) == repr(_seq(torch) * 2)
    for bad in (lambda s: s[9], lambda s: s.insert(9, s[0]), lambda s: s + 1):
        assert_same_error(lambda: bad(e), lambda: bad(t))
    kind, message = error_of(lambda: e * 0)
    assert (kind, message.replace("ember.", "torch.")) == error_of(lambda: t * 0)


def test_sequential_from_ordered_dict_and_dir():
    e = nn.Sequential(OrderedDict([("conv", nn.Identity()), ("act", nn.ReLU())]))
    t = torch.nn.Sequential(OrderedDict([("conv", torch.nn.Identity()), ("act", torch.nn.ReLU())]))
    assert repr(e) == repr(t) and e.act is e[1]
    assert "0" not in dir(_seq(ember))


def test_module_list():
    def build(lib):
        return lib.nn.ModuleList([lib.nn.Linear(1, 1) for _ in range(3)] + [lib.nn.ReLU()])
    e, t = build(ember), build(torch)
    assert repr(e) == repr(t)
    for lib, m in ((ember, e), (torch, t)):
        m.append(lib.nn.ReLU())
        m.insert(0, lib.nn.Tanh())
        m.extend([lib.nn.ReLU()])
        del m[1:3]
        m[-1] = lib.nn.Sigmoid()
    assert repr(e) == repr(t) and len(e) == len(t)
    assert repr(e[1:]) == repr(t[1:])
    assert repr(e + e) == repr(t + t)
    assert_same_error(lambda: e[10], lambda: t[10])
    assert_same_error(lambda: e.extend(1), lambda: t.extend(1))
    assert len(list(e.parameters())) == len(list(t.parameters()))


def test_module_dict():
    def build(lib):
        return lib.nn.ModuleDict({"b": lib.nn.ReLU(), "a": lib.nn.Linear(1, 2)})
    e, t = build(ember), build(torch)
    assert repr(e) == repr(t) and list(e.keys()) == list(t.keys())
    for lib, m in ((ember, e), (torch, t)):
        m["c"] = lib.nn.Tanh()
        m.update([("d", lib.nn.ReLU())])
        m.pop("b")
    assert repr(e) == repr(t) and "c" in e and len(e) == 3 and list(e) == list(t)
    assert_same_error(lambda: e.update(1), lambda: t.update(1))
    assert_same_error(lambda: e.update([(1, 2, 3)]), lambda: t.update([(1, 2, 3)]))


def test_parameter_list_and_dict():
    def build(lib):
        pl = lib.nn.ParameterList([lib.zeros(2, 3), lib.nn.Parameter(lib.ones(1))])
        pl.append(lib.zeros(4))
        pd = lib.nn.ParameterDict({"b": lib.zeros(2), "a": lib.nn.Parameter(lib.ones(3, 1))})
        pd["c"] = lib.ones(1)
        return pl, pd
    (el, ed), (tl, td) = build(ember), build(torch)
    assert repr(el) == repr(tl).replace("torch.", "ember.")
    assert repr(ed) == repr(td).replace("torch.", "ember.")
    assert all(isinstance(p, nn.Parameter) for p in el) and len(el) == 3
    assert [n for n, _ in el.named_parameters()] == [n for n, _ in tl.named_parameters()]
    assert [n for n, _ in ed.named_parameters()] == [n for n, _ in td.named_parameters()]
    assert list(ed.keys()) == list(td.keys())
    assert len(el[1:]) == 2 and ed.get("zz") is None and "a" in ed
    assert_same_error(lambda: el(1), lambda: tl(1))
    assert_same_error(lambda: ed[1], lambda: td[1])
    assert_same_error(lambda: el.extend(ember.zeros(1)), lambda: tl.extend(torch.zeros(1)))


@pytest.mark.parametrize("n", [0, 1])
def test_empty_containers_repr(n):
    assert repr(nn.Sequential(*[nn.ReLU()] * n)) == repr(torch.nn.Sequential(*[torch.nn.ReLU()] * n))
    assert repr(nn.ModuleList([nn.ReLU()] * n)) == repr(torch.nn.ModuleList([torch.nn.ReLU()] * n))
