"""ember/ops/misc.py against PyTorch: the composites and non-differentiable functions (the ops with
samples are covered by test_generated.py), the new Tensor methods, and the stride/scatter fixes."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)).astype(np.float32)
I = RNG.integers(0, 5, size=(7,))


def _both(fn, *arrays):
    e = fn(ember, *[ember.tensor(a.copy()) for a in arrays])
    t = fn(torch, *[torch.tensor(a.copy()) for a in arrays])
    return e, t


def _same(e, t):
    if isinstance(t, (tuple, list)):
        assert len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
        return
    assert tuple(e.shape) == tuple(t.shape)
    assert e.dtype.name == str(t.dtype).split(".")[1]
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1.3e-6, atol=1e-5)


CASES = [
    (lambda m, x: m.diff(x), X), (lambda m, x: m.diff(x, n=2, dim=0, prepend=x[:1]), X),
    (lambda m, x: m.diff(x > 0), X),
    (lambda m, x: m.repeat_interleave(x, 2), X), (lambda m, x: m.repeat_interleave(x, 3, dim=1), X),
    (lambda m, x: x.repeat_interleave(m.tensor([1, 0, 2]), dim=0), X),
    (lambda m, i: m.repeat_interleave(i), np.array([2, 0, 3])),
    (lambda m, x: m.diag(x), X), (lambda m, x: m.diag(x, 1), X), (lambda m, x: m.diag(x[0], -2), X),
    (lambda m, x: m.diagflat(x), X), (lambda m, x: m.diag_embed(x, 1, 0, 2), X),
    (lambda m, x: m.rot90(x), X), (lambda m, x: m.rot90(x, 2), X), (lambda m, x: m.rot90(x, -1, [1, 0]), X),
    (lambda m, x: m.kron(x, x[:2, :3]), X), (lambda m, x: m.kron(x[0], x), X),
    (lambda m, x: m.tensor_split(x, 3, dim=1), X), (lambda m, x: m.tensor_split(x, [1, 3], dim=1), X),
    (lambda m, x: m.hsplit(x, 2), X), (lambda m, x: m.vsplit(x, [1]), X),
    (lambda m, x: m.tril_indices(3, 4, 1), X), (lambda m, x: m.triu_indices(4, 3, -1), X),
    (lambda m, i: m.isin(i, m.tensor([1, 3])), I), (lambda m, i: m.isin(i, m.tensor([1, 3]), invert=True), I),
    (lambda m, x: m.deg2rad(x), X), (lambda m, i: m.rad2deg(i), I),
    (lambda m, x: m.logcumsumexp(x * 30, 1), X),
    (lambda m, x: m.quantile(x, 0.3), X), (lambda m, x: m.quantile(x, m.tensor([0.1, 0.9]), dim=1), X),
    (lambda m, x: m.quantile(x, 0.4, dim=0, keepdim=True, interpolation="nearest"), X),
    (lambda m, x: m.quantile(x, 0.4, dim=1, interpolation="midpoint"), X),
    (lambda m, x: m.nanquantile(m.where(x > 1, float("nan"), x), 0.5, dim=1), X),
    (lambda m, x: m.nanmedian(m.where(x > 1, float("nan"), x)), X),
    (lambda m, x: m.nanmedian(m.where(x > 1, float("nan"), x), 1, keepdim=True), X),
    (lambda m, x: m.ravel(x.t()), X), (lambda m, x: m.select(x, 1, -1), X),
    (lambda m, x: m.index_copy(x, 1, m.tensor([3, 0]), x[:, :2] * 2), X),
    (lambda m, x: m.cdist(x, x[:2] + 1), X), (lambda m, x: m.cdist(x, x[:2], p=1), X),
    (lambda m, i: m.bincount(i), I), (lambda m, i: m.bincount(i, m.ones(7), minlength=8), I),
    (lambda m, x: m.histc(x, bins=5), X), (lambda m, x: m.histc(x, bins=4, min=-1, max=1), X),
    (lambda m, x: m.bucketize(x, m.tensor([-1.0, 0.0, 1.0])), X),
    (lambda m, x: m.bucketize(x, m.tensor([-1.0, 0.0, 1.0]), right=True, out_int32=True), X),
    (lambda m, x: m.searchsorted(m.sort(x, 1).values, x[:, :2]), X),
    (lambda m, x: m.searchsorted(m.tensor([0.0, 1.0]), x, side="right"), X),
    (lambda m, x: m.zeros(3, 4).scatter_reduce(1, m.tensor([[0, 0], [1, 3], [2, 2]]), x[:, :2], "amax",
                                              include_self=False), X),
    (lambda m, x: x.scatter_reduce(0, m.tensor([[0, 0, 1, 2]]), x[:1], "mean"), X),
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_matches_torch(i):
    fn, a = CASES[i]
    _same(*_both(fn, a))


GRAD_CASES = [
    lambda m, x: m.diff(x, dim=0), lambda m, x: m.repeat_interleave(x, 2, dim=0), lambda m, x: m.diag(x),
    lambda m, x: m.rot90(x, 3), lambda m, x: m.kron(x, x[:2]), lambda m, x: m.quantile(x, 0.3, dim=1),
    lambda m, x: m.nanmedian(x, 0).values, lambda m, x: m.cdist(x, x * 2), lambda m, x: m.select(x, 0, 1),
    lambda m, x: m.index_copy(x, 0, m.tensor([2]), x[:1] * 3), lambda m, x: m.tensor_split(x, 3, 1)[1],
]


@pytest.mark.parametrize("i", range(len(GRAD_CASES)))
def test_gradients_match_torch(i):
    e = ember.tensor(X.astype(np.float64), requires_grad=True)
    t = torch.tensor(X.astype(np.float64), requires_grad=True)
    ye, yt = GRAD_CASES[i](ember, e), GRAD_CASES[i](torch, t)
    w = RNG.standard_normal(tuple(yt.shape))
    (ge,) = ember.autograd.grad(ye, [e], ember.tensor(w))
    (gt,) = torch.autograd.grad(yt, [t], torch.tensor(w))
    np.testing.assert_allclose(ge.numpy(), gt.numpy(), rtol=1e-7, atol=1e-9)


INPLACE = [("sign_", ()), ("trunc_", ()), ("rsqrt_", ()), ("erf_", ()), ("fmod_", (0.3,)), ("tril_", ()),
           ("triu_", (1,)), ("nan_to_num_", ()), ("fill_diagonal_", (5.0,)), ("apply_", (lambda v: v * 2,))]


@pytest.mark.parametrize("name,args", INPLACE)
def test_inplace_methods(name, args):
    a = np.where(X > 1.5, np.inf, X)
    e, t = ember.tensor(a), torch.tensor(a)
    assert getattr(e, name)(*args) is e
    getattr(t, name)(*args)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
    assert e._version == t._version


def test_tensor_methods_misc():
    e, t = ember.tensor(X), torch.tensor(X)
    assert (e.nbytes, e.itemsize) == (t.nbytes, t.itemsize)
    _same(e.as_strided((2, 2), (1, 4), 1), t.as_strided((2, 2), (1, 4), 1))
    ee, tt = ember.zeros(6), torch.zeros(6)
    ee.put_(ember.tensor([1, -1]), ember.tensor([3.0, 4.0]))
    tt.put_(torch.tensor([1, -1]), torch.tensor([3.0, 4.0]))
    _same(ee, tt)
    ee.map_(ember.ones(6), lambda a, b: a + b)
    tt.map_(torch.ones(6), lambda a, b: a + b)
    _same(ee, tt)
    ee.index_copy_(0, ember.tensor([0]), ember.tensor([9.0]))
    tt.index_copy_(0, torch.tensor([0]), torch.tensor([9.0]))
    _same(ee, tt)
    ee.resize_(2, 2)
    tt.resize_(2, 2)
    _same(ee, tt)


def test_resize_refuses_grad():
    with pytest.raises(RuntimeError) as t_info:
        torch.ones(3, requires_grad=True).resize_(2)
    with pytest.raises(RuntimeError) as e_info:
        ember.ones(3, requires_grad=True).resize_(2)
    assert str(e_info.value) == str(t_info.value)


def test_grad_fn_names():
    e, t = ember.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    for fn in (lambda m, x: m.diag_embed(x), lambda m, x: m.deg2rad(x), lambda m, x: m.logcumsumexp(x, 0),
               lambda m, x: m.diff(x), lambda m, x: m.select(x, 0, 1)):
        assert fn(ember, e).grad_fn.name() == fn(torch, t).grad_fn.name()


@pytest.mark.parametrize("call", [
    lambda m: m.diff(m.tensor(1.0)), lambda m: m.rot90(m.ones(2, 2), 1, [0, 0]),
    lambda m: m.bincount(m.tensor([-1, 2])), lambda m: m.histc(m.ones(3), bins=0),
    lambda m: m.vsplit(m.ones(3, 2), 2), lambda m: m.hsplit(m.ones(3, 3), 2),
    lambda m: m.quantile(m.ones(3), 1.5), lambda m: m.repeat_interleave(m.ones(3), m.tensor([1, 2])),
    lambda m: m.cdist(m.ones(3, 2), m.ones(3, 3)), lambda m: m.tensor_split(m.ones(3), 0),
])
def test_errors_match_torch(call):
    with pytest.raises(Exception) as t_info:
        call(torch)
    with pytest.raises(type(t_info.value)) as e_info:
        call(ember)
    assert str(e_info.value) == str(t_info.value)


def test_stride_of_inserted_dims():
    for fn in (lambda x: x[None], lambda x: x[:, None], lambda x: x[..., None], lambda x: x.t()[None],
               lambda x: x[None, None], lambda x: x.t()[:, None], lambda x: x.unsqueeze(1).unsqueeze(1)):
        assert fn(ember.zeros(3, 4)).stride() == fn(torch.zeros(3, 4)).stride()


def test_scatter_with_0d_index():
    y = 3
    _same(ember.zeros(10).scatter_(0, ember.tensor(y), value=1), torch.zeros(10).scatter_(0, torch.tensor(y), value=1))
    _same(ember.zeros(3).scatter_add(0, ember.tensor(1), ember.ones(3)),
          torch.zeros(3).scatter_add(0, torch.tensor(1), torch.ones(3)))
    with pytest.raises(RuntimeError, match="as self tensor"):
        ember.zeros(2, 3).scatter(0, ember.tensor(1), value=1)
