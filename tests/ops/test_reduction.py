"""Hand-written reduction tests: dtypes, errors in PyTorch's words, named tuples, ties, NaN, zeros,
stability and the options of sort/unique. Forward values and gradients of every op on generated
samples are covered by tests/ops/test_generated.py."""
import warnings

import numpy as np
import pytest

import ember
from ember.ops import reduction

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")


def _dt(x, name):
    """The dtype ``name`` of the library ``x`` belongs to."""
    return getattr(torch if isinstance(x, torch.Tensor) else ember, name)


def _pair(data, dtype=None, requires_grad=False):
    e = ember.tensor(data, dtype=getattr(ember, dtype) if dtype else None, requires_grad=requires_grad)
    t = torch.tensor(data, dtype=getattr(torch, dtype) if dtype else None, requires_grad=requires_grad)
    return e, t


def _same(e, t):
    """Values, shape and dtype of an ember result equal torch's (NaN equal to NaN)."""
    if isinstance(t, tuple):
        assert isinstance(e, tuple) and len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
        return
    assert tuple(e.shape) == tuple(t.shape)
    assert e.dtype.name == str(t.dtype).split(".")[1]
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-6, equal_nan=True)


def _run(fn, data, dtype=None):
    e, t = _pair(data, dtype)
    _same(fn(e), fn(t))


def _grads(fn, data, dtype="float64"):
    """Compare the gradient of ``fn(x)`` w.r.t. x, with a non-uniform output gradient."""
    e, t = _pair(data, dtype, requires_grad=True)
    eo, to = fn(e), fn(t)
    v = np.arange(1, to.numel() + 1, dtype=np.float64).reshape(tuple(to.shape)) * 0.5
    (tg,) = torch.autograd.grad(to, t, torch.tensor(v, dtype=to.dtype))
    (eg,) = ember.autograd.grad(eo, e, ember.tensor(v, dtype=eo.dtype))
    _same(eg, tg)
    assert eo.grad_fn.name() == to.grad_fn.name()


def _same_error(fn, data, dtype=None):
    e, t = _pair(data, dtype)
    with pytest.raises(Exception) as expected:
        fn(t)
    with pytest.raises(type(expected.value)) as got:
        fn(e)
    assert str(got.value) == str(expected.value)


# ---------------------------------------------------------------- dtypes

INTS = [[1, 2, 3], [4, 0, 6]]


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.sum(dtype=_dt(x, 'float32')),
    lambda x: x.prod(), lambda x: x.prod(1), lambda x: x.nansum(), lambda x: x.cumsum(1), lambda x: x.cumprod(0),
    lambda x: x.max(), lambda x: x.amin(1), lambda x: x.max(1)[1], lambda x: x.argmax(), lambda x: x.argmin(0),
    lambda x: x.median(), lambda x: x.sort(descending=True)[0], lambda x: x.logsumexp(1), lambda x: x.all(),
    lambda x: x.any(1), lambda x: x.count_nonzero(), lambda x: x.mean(dtype=_dt(x, 'float64')),
    lambda x: x.cummax(1)[0], lambda x: x.mode(1)[0], lambda x: x.unique(),
], ids=lambda f: str(id(f)))
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int8"])
def test_integer_inputs(fn, dtype):
    _run(fn, INTS, dtype)


@pytest.mark.parametrize("fn", [lambda x: x.sum(), lambda x: x.prod(), lambda x: x.cumsum(0), lambda x: x.all(0),
                                lambda x: x.any(), lambda x: x.max(), lambda x: x.max(0)[1], lambda x: x.sort()[1],
                                lambda x: x.count_nonzero()])
def test_bool_inputs(fn):
    _run(fn, [True, False, True], "bool")


def test_sum_with_dtype_and_mean_of_ints_errors():
    _run(lambda x: x.sum(dtype=_dt(x, "int32")), [1.5, 2.5])
    for fn in (lambda x: x.mean(), lambda x: x.var(), lambda x: x.std(), lambda x: x.norm(),
               lambda x: x.softmax(0), lambda x: x.log_softmax(0), lambda x: x.nanmean(),
               lambda x: x.reshape(2, 1).softmax(0), lambda x: x.mean(0)):
        for dtype in ("int64", "bool", "uint8"):
            _same_error(fn, [1, 0], dtype)
    for fn in (lambda x: x.argmax(), lambda x: x.argmin(0), lambda x: x.topk(1)):
        _same_error(fn, [True, False], "bool")


def test_float64_keeps_dtype_and_dtype_keywords():
    _run(lambda x: x.softmax(0, dtype=_dt(x, "float64")), [1., 2.])
    _run(lambda x: x.norm(dim=0, dtype=_dt(x, "float64")), [1., 2.])
    _run(lambda x: x.mean(dtype=_dt(x, "float64")), [1., 2.])
    _grads(lambda x: x.mean(dtype=_dt(x, "float64")), [1., 2.],
           "float32")


# ---------------------------------------------------------------- errors in PyTorch's words

EMPTY = np.zeros((0, 3)).tolist()


@pytest.mark.parametrize("fn", [
    lambda x: x.max(), lambda x: x.min(), lambda x: x.max(0), lambda x: x.amax(), lambda x: x.amin(0),
    lambda x: x.argmax(), lambda x: x.argmin(0), lambda x: x.aminmax(), lambda x: x.aminmax(dim=0),
    lambda x: x.median(0), lambda x: x.mode(0), lambda x: x.kthvalue(1, 0), lambda x: x.norm(INF),
    lambda x: x.norm(-1),
])
def test_empty_errors(fn):
    e, t = _pair(EMPTY)
    e, t = e.reshape(0, 3), t.reshape(0, 3)
    with pytest.raises(Exception) as expected:
        fn(t)
    with pytest.raises(type(expected.value)) as got:
        fn(e)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("fn", [
    lambda x: x.sum((0, -2)), lambda x: x.sum(2), lambda x: x.mean(-3), lambda x: x.max(5), lambda x: x.kthvalue(0),
    lambda x: x.kthvalue(4, 1), lambda x: x.topk(4), lambda x: x.topk(-1), lambda x: x.softmax(2),
    lambda x: x.norm("abc"), lambda x: x.cumsum(2), lambda x: x.amax((1, 1)),
])
def test_argument_errors(fn):
    _same_error(fn, [[1., 2., 3.], [4., 5., 6.]])


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.mean(), lambda x: x.prod(1), lambda x: x.amax(1),
    lambda x: x.max(1)[0], lambda x: x.logsumexp(0), lambda x: x.logsumexp(1), lambda x: x.norm(),
    lambda x: x.norm(0), lambda x: x.sort(0)[0], lambda x: x.topk(0, 0)[1], lambda x: x.cummax(0)[1],
    lambda x: x.cumprod(0), lambda x: x.softmax(0), lambda x: x.median(), lambda x: x.median(1)[0],
    lambda x: x.all(), lambda x: x.any(1), lambda x: x.count_nonzero(0), lambda x: x.unique(),
])
def test_empty_inputs(fn):
    e, t = _pair(EMPTY)
    _same(fn(e.reshape(0, 3)), fn(t.reshape(0, 3)))


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(0), lambda x: x.mean(-1), lambda x: x.max(0), lambda x: x.sort(), lambda x: x.topk(1),
    lambda x: x.kthvalue(1), lambda x: x.median(0), lambda x: x.mode(), lambda x: x.cumsum(0), lambda x: x.cummin(0),
    lambda x: x.softmax(0), lambda x: x.log_softmax(-1), lambda x: x.amax(0), lambda x: x.argmax(0),
    lambda x: x.logsumexp(0), lambda x: x.norm(dim=0), lambda x: x.prod(0), lambda x: x.var(0),
])
def test_zero_dim_inputs(fn):
    e, t = _pair(2.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(tuple(fn(e)) if isinstance(fn(t), tuple) else fn(e), tuple(fn(t)) if isinstance(fn(t), tuple) else fn(t))


# ---------------------------------------------------------------- named tuples

def test_named_tuples_print_and_unpack_like_torch():
    e, t = _pair([[1., 3., 3.], [2., 2., 0.]])
    for name, fn in [("max", lambda x: x.max(1)), ("min", lambda x: x.min(0, keepdim=True)),
                     ("sort", lambda x: x.sort(descending=True)), ("topk", lambda x: x.topk(2)),
                     ("kthvalue", lambda x: x.kthvalue(1)), ("median", lambda x: x.median(1)),
                     ("mode", lambda x: x.mode(1)), ("cummax", lambda x: x.cummax(1)),
                     ("cummin", lambda x: x.cummin(0)), ("aminmax", lambda x: x.aminmax(dim=1))]:
        er, tr = fn(e), fn(t)
        assert repr(er) == repr(tr).replace("torch.", "ember.") and str(er) == str(tr).replace("torch.", "ember.")
        assert type(er).__name__ == name and isinstance(er, tuple)
        fields = ("min", "max") if name == "aminmax" else ("values", "indices")
        a, b = er
        assert a is getattr(er, fields[0]) and b is er[1] is getattr(er, fields[1])
    assert reduction.return_types.max is type(e.max(0))


def test_max_with_other_is_maximum():
    e, t = _pair([1., 5., 2.], requires_grad=True)
    _grads(lambda x: x.max(x.detach() * 0 + 2) if isinstance(x, torch.Tensor) else x.max(x.detach() * 0 + 2),
           [1., 5., 2.])


# ---------------------------------------------------------------- ties, NaN, zeros

TIES = [[1., 3., 3., 1., 2.], [2., 2., 0., 5., 5.]]


@pytest.mark.parametrize("fn", [
    lambda x: x.max(), lambda x: x.min(), lambda x: x.amax(1), lambda x: x.amin(0), lambda x: x.amax(),
    lambda x: x.max(1)[0], lambda x: x.min(1, keepdim=True)[0], lambda x: x.median(), lambda x: x.cummax(1)[0],
    lambda x: x.cummin(1)[0], lambda x: x.sort(dim=1, stable=True)[0], lambda x: x.norm(INF, 1),
    lambda x: x.aminmax()[0] * 2 + x.aminmax()[1], lambda x: x.mode(1)[0], lambda x: x.kthvalue(2, 0)[0],
])
def test_tie_gradients(fn):
    _grads(fn, TIES)


@pytest.mark.parametrize("fn", [
    lambda x: x.max(1), lambda x: x.min(1), lambda x: x.argmax(1), lambda x: x.argmin(), lambda x: x.cummax(1),
    lambda x: x.cummin(1), lambda x: x.mode(1), lambda x: x.sort(dim=1, stable=True),
    lambda x: x.sort(dim=1, descending=True, stable=True), lambda x: x.argsort(dim=1, stable=True),
    lambda x: x.argsort(dim=0, descending=True, stable=True),
])
def test_tie_indices(fn):
    _run(lambda x: tuple(fn(x)) if isinstance(fn(x), tuple) else fn(x), TIES)


def test_sort_is_stable_on_long_runs():
    data = np.random.default_rng(0).integers(0, 4, size=(3, 200)).astype(np.float32)
    for descending in (False, True):
        _run(lambda x: tuple(x.sort(dim=1, descending=descending, stable=True)), data)


NANS = [[1., NAN, 3., NAN], [4., 2., 5., 0.]]


@pytest.mark.parametrize("fn", [
    lambda x: x.max(), lambda x: tuple(x.max(1)), lambda x: tuple(x.min(1)), lambda x: x.argmax(1),
    lambda x: x.amax(1), lambda x: x.median(), lambda x: tuple(x.median(1)), lambda x: tuple(x.cummax(1)),
    lambda x: tuple(x.cummin(1)), lambda x: tuple(x.sort(1)), lambda x: tuple(x.sort(1, descending=True)),
    lambda x: tuple(x.topk(2)), lambda x: tuple(x.kthvalue(4)), lambda x: x.nansum(1), lambda x: x.nanmean(1),
    lambda x: x.nansum(), lambda x: x.logsumexp(1), lambda x: x.all(1), lambda x: x.count_nonzero(1),
])
def test_nan(fn):
    _run(fn, NANS)


@pytest.mark.parametrize("fn", [lambda x: x.nansum(), lambda x: x.nansum(1), lambda x: x.nanmean(),
                                lambda x: x.nanmean(0, keepdim=True), lambda x: x.max()])
def test_nan_gradients(fn):
    _grads(fn, NANS)


@pytest.mark.parametrize("data", [[2., 0., 3., 4.], [0., 2., 0., 3.], [[2., 0.], [0., 3.], [1., 5.]]])
@pytest.mark.parametrize("fn", [lambda x: x.prod(), lambda x: x.prod(0), lambda x: x.prod(-1, keepdim=True),
                                lambda x: x.cumprod(0), lambda x: x.cumprod(-1)])
def test_zeros_in_products(fn, data):
    _grads(fn, data)


# ---------------------------------------------------------------- statistics, norms, log-sum-exp

@pytest.mark.parametrize("fn,data", [
    (lambda x: x.var(), [5.]), (lambda x: x.var(0), [[1., 2.]]), (lambda x: x.var(correction=3), [1., 2., 4.]),
    (lambda x: x.var(correction=3), [2., 2., 2.]), (lambda x: x.var(1, correction=5), [[1., 2., 4.], [1., 5., 4.]]),
    (lambda x: x.std(), [3.]), (lambda x: x.std(1, correction=3), [[1., 2., 4.], [1., 5., 4.]]),
    (lambda x: x.var(0, keepdim=True), [[1., 2.]]), (lambda x: x.std(0), [[1., 2.]]),
])
def test_too_few_elements_warn_and_give_nan_or_inf(fn, data):
    e, t = _pair(data)
    with pytest.warns(UserWarning) as expected:
        to = fn(t)
    with pytest.warns(UserWarning) as got:
        eo = fn(e)
    assert [str(w.message) for w in got] == [str(w.message).split(" (Triggered")[0] for w in expected]
    _same(eo, to)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _grads(fn, data)


@pytest.mark.parametrize("fn", [
    lambda x: x.var(True), lambda x: x.var(False), lambda x: x.var(0, False), lambda x: x.var(1, True, True),
    lambda x: x.std(dim=1, unbiased=False, keepdim=True), lambda x: x.std(dim=(0, 1), correction=0),
    lambda x: x.std(), lambda x: x.var(-1),
])
def test_var_overloads(fn):
    _run(fn, [[1., 2., 4.], [1., 5., 4.]])
    _grads(fn, [[1., 2., 4.], [1., 5., 4.]])


@pytest.mark.parametrize("kw", [{}, {"dim": 0}, {"dim": 1, "keepdim": True, "correction": 0}, {"unbiased": False}])
def test_var_mean_and_std_mean(kw):
    e, t = _pair([[1., 2., 4.], [1., 5., 4.]], "float64", requires_grad=True)
    for ef, tf in ((reduction.var_mean, torch.var_mean), (reduction.std_mean, torch.std_mean)):
        eo, to = ef(e, **kw), tf(t, **kw)
        _same(eo, to)
        assert type(eo) is tuple and eo[0].grad_fn.name() == to[0].grad_fn.name() and eo[0].grad_fn is eo[1].grad_fn
        for weights in ((3., 2.), (1., 0.), (0., 1.)):  # both outputs, and each alone
            te = torch.autograd.grad((to[0] * weights[0] + to[1] * weights[1]).sum(), t, retain_graph=True)[0]
            ee = ember.autograd.grad((eo[0] * weights[0] + eo[1] * weights[1]).sum(), e, retain_graph=True)[0]
            _same(ee, te)
        (te,) = torch.autograd.grad(to[1].sum(), t)
        (ee,) = ember.autograd.grad(eo[1].sum(), e)  # the mean alone: no gradient arrives for the variance
        _same(ee, te)


def test_std_of_constant_has_zero_gradient():
    _grads(lambda x: x.std(), [3., 3., 3.])
    _grads(lambda x: x.std(0), [[1., 1.], [1., 2.]])


@pytest.mark.parametrize("p", [2, 1, 0, 3, 1.5, 0.5, -1, INF, -INF, "fro"])
@pytest.mark.parametrize("data", [[0., 0., 0.], [1., -2., 0.], [[1., -1.], [0.5, -2.]]])
def test_norm_at_zero_and_all_orders(p, data):
    _run(lambda x: x.norm(p), data)
    if p == 0:  # torch gives no gradient at all for the count of nonzeros
        e, t = _pair(data, requires_grad=True)
        assert torch.autograd.grad(t.norm(0), t, allow_unused=True) == (None,)
        assert ember.autograd.grad(e.norm(0), e, allow_unused=True) == (None,)
        return
    _grads(lambda x: x.norm(p), data)
    _grads(lambda x: x.norm(p, dim=-1, keepdim=True), data)


def test_logsumexp_infinities():
    for data in ([-INF, -INF], [INF, 1.], [[-INF, -INF], [0., 1.]], [1e4, 1e4 + 1.]):
        _run(lambda x: x.logsumexp(-1), data)
    _grads(lambda x: x.logsumexp(0), [1e4, 1e4 + 1, -1e4])


# ---------------------------------------------------------------- softmax

LOGITS = [[1e4, 0., -1e4], [1e4, 1e4 + 1., 1e4 - 2.], [-1e4, -1e4, -1e4]]


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_stable_for_large_logits(name, dtype):
    for dim in (0, 1, -1):
        _run(lambda x: getattr(x, name)(dim), LOGITS, dtype)
        _grads(lambda x: getattr(x, name)(dim), LOGITS, dtype)
    e = getattr(ember.tensor(LOGITS, dtype=getattr(ember, dtype)), name)(1).numpy()
    assert np.isfinite(e).all()


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_infinite_rows_is_nan_as_torch(name):
    _run(lambda x: getattr(x, name)(1), [[-INF, -INF], [INF, 1.], [0., -INF]])


def test_softmax_backward_and_double_backward():
    e, t = _pair(np.random.default_rng(1).normal(size=(4, 5)).tolist(), "float64", requires_grad=True)
    w = np.random.default_rng(2).normal(size=(4, 5))
    for ef, tf in ((lambda x: x.softmax(1), lambda x: x.softmax(1)),
                   (lambda x: x.log_softmax(0), lambda x: x.log_softmax(0))):
        (tg,) = torch.autograd.grad((tf(t) * torch.tensor(w)).sum(), t, create_graph=True)
        (eg,) = ember.autograd.grad((ef(e) * ember.tensor(w)).sum(), e, create_graph=True)
        _same(eg, tg)
        _same(ember.autograd.grad((eg * eg).sum(), e)[0], torch.autograd.grad((tg * tg).sum(), t)[0])


# ---------------------------------------------------------------- sorting, unique, counting

@pytest.mark.parametrize("kw", [{}, {"sorted": True}, {"return_inverse": True}, {"return_counts": True},
                                {"return_inverse": True, "return_counts": True}, {"dim": 0, "return_inverse": True},
                                {"dim": 1, "return_counts": True, "return_inverse": True}, {"dim": -1}])
def test_unique_options(kw):
    _run(lambda x: x.unique(**kw), [[3, 1, 2], [3, 1, 2], [0, 5, 0]])
    _run(lambda x: x.unique(**kw), [[3., 1., 2.], [3., 1., 2.], [0., 5., 0.]])


def test_unique_keeps_nan_apart_and_has_no_derivative():
    _run(lambda x: x.unique(return_counts=True), [NAN, 1., NAN, 1.])
    for dim, name in ((None, "Unique2Backward0"), (0, "UniqueDimBackward0")):
        e, t = _pair([[1., 2.], [1., 2.]], requires_grad=True)
        eo, to = e.unique(dim=dim), t.unique(dim=dim)
        assert eo.grad_fn.name() == to.grad_fn.name() == name
        with pytest.raises(NotImplementedError) as expected:
            to.sum().backward()
        with pytest.raises(NotImplementedError) as got:
            eo.sum().backward()
        assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("fn", [
    lambda x: x.topk(2, 0), lambda x: x.topk(1, largest=False), lambda x: x.topk(3, 1, True, True),
    lambda x: x.kthvalue(2, 0, True), lambda x: x.median(0, keepdim=True), lambda x: x.mode(0),
])
def test_selection_options(fn):
    data = [[0.5, 3., -1.], [2., -4., 7.], [1.5, 0., 9.]]
    _run(lambda x: tuple(fn(x)), data)
    _grads(lambda x: fn(x)[0], data)


@pytest.mark.parametrize("fn", [
    lambda x: x.all(), lambda x: x.all(1), lambda x: x.any((0, 1)), lambda x: x.any(0, keepdim=True),
    lambda x: x.all(dim=(-1,)), lambda x: x.count_nonzero(), lambda x: x.count_nonzero(0),
    lambda x: x.count_nonzero((0, 1)), lambda x: x.count_nonzero(-1),
])
def test_logical_reductions_and_counts(fn):
    _run(fn, [[1., 0., 2.], [0., 0., 3.]])
    _run(fn, [[1, 0, 2], [0, 0, 3]], "uint8")


# ---------------------------------------------------------------- dims

@pytest.mark.parametrize("fn", [
    lambda x: x.sum(dim=[]), lambda x: x.sum((-1, 0)), lambda x: x.mean((2, 0), keepdim=True),
    lambda x: x.amax(dim=()), lambda x: x.amin((0, -1)), lambda x: x.logsumexp((1, 2)),
    lambda x: x.norm(dim=(0, 2)), lambda x: x.var((0, 1)), lambda x: x.nansum((0, -1)),
])
def test_dims(fn):
    data = np.random.default_rng(3).normal(size=(2, 3, 4)).tolist()
    _run(fn, data)
    _grads(fn, data)


def test_sum_to_size():
    _run(lambda x: x.sum_to_size(1, 3), [[1., 2., 3.], [4., 5., 6.]])
    _run(lambda x: x.sum_to_size((2, 1)), [[1., 2., 3.], [4., 5., 6.]])
    _same_error(lambda x: x.sum_to_size(3, 2), [[1., 2., 3.], [4., 5., 6.]])
