"""Leftover parity cases against PyTorch: reflected ops with a tensor operand, amax/amin at a NaN
extreme, all/any over an empty dim list, addmm-family dtype checks, scatter_reduce gradients,
QR of wide matrices and pairwise_distance's grad_fn.
"""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

NAN = float("nan")


def _both(values, dtype="float32", requires_grad=False):
    e = ember.tensor(values, dtype=getattr(ember, dtype), requires_grad=requires_grad)
    t = torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=requires_grad)
    return e, t


def _same(e, t, rtol=1e-6, atol=1e-6):
    """Assert an ember tensor equals torch's: dtype, shape, values (NaN where NaN)."""
    assert e.dtype.name == str(t.dtype).split(".")[1], (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, equal_nan=True)


def _same_error(fe, ft):
    with pytest.raises(Exception) as te:
        ft()
    with pytest.raises(type(te.value)) as ee:
        fe()
    assert str(ee.value) == str(te.value)


# ---------------------------------------------------------------- reflected ops with a tensor operand

@pytest.mark.parametrize("name", ["__rmod__", "__rpow__"])
def test_reflected_with_tensor_other(name):
    (ea, ta), (eb, tb) = _both([1.5, 2.5, -3.0], requires_grad=True), _both([2.0, 3.0, 0.5], requires_grad=True)
    er, tr = getattr(ea, name)(eb), getattr(ta, name)(tb)
    _same(er, tr)
    assert er.grad_fn.name() == tr.grad_fn.name()
    eg, tg = _both([0.3, -1.2, 0.7])
    for e, t in zip(ember.autograd.grad(er, [ea, eb], eg), torch.autograd.grad(tr, [ta, tb], tg)):
        _same(e, t, rtol=1e-5)


# ---------------------------------------------------------------- amax/amin at a NaN extreme

@pytest.mark.parametrize("fn", ["amax", "amin"])
@pytest.mark.parametrize("values,kwargs", [
    ([1.0, NAN, 3.0, 3.0], {}),
    ([[1.0, NAN], [2.0, 2.0]], {"dim": 1}),
    ([[1.0, NAN], [NAN, 2.0]], {"dim": 0, "keepdim": True}),
    ([[1.0, 5.0], [2.0, 2.0]], {"dim": 1}),
])
def test_amax_amin_nan_gradient(fn, values, kwargs):
    ea, ta = _both(values, requires_grad=True)
    er, tr = getattr(ember, fn)(ea, **kwargs), getattr(torch, fn)(ta, **kwargs)
    _same(er, tr)
    g = np.random.default_rng(0).standard_normal(tuple(tr.shape)).astype(np.float32)
    (eg,), (tg,) = ember.autograd.grad(er, [ea], ember.tensor(g)), torch.autograd.grad(tr, [ta], torch.tensor(g))
    _same(eg, tg)


@pytest.mark.parametrize("grad", [NAN, float("inf")])
def test_amax_nonfinite_incoming_gradient(grad):
    ea, ta = _both([1.0, 3.0, 3.0], requires_grad=True)
    (eg,) = ember.autograd.grad(ember.amax(ea), [ea], ember.tensor(grad))
    (tg,) = torch.autograd.grad(torch.amax(ta), [ta], torch.tensor(grad))
    _same(eg, tg)


def test_aminmax_nan_gradient():
    ea, ta = _both([[1.0, NAN], [2.0, 2.0]], requires_grad=True)
    (emn, emx), (tmn, tmx) = ember.aminmax(ea, dim=1), torch.aminmax(ta, dim=1)
    (eg,) = ember.autograd.grad((emn * 2 + emx).sum(), [ea])
    (tg,) = torch.autograd.grad((tmn * 2 + tmx).sum(), [ta])
    _same(eg, tg)


# ---------------------------------------------------------------- all/any over no dims

@pytest.mark.parametrize("fn", ["all", "any"])
@pytest.mark.parametrize("dim", [[], ()])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("values,dtype", [
    ([[1.0, 0.0], [NAN, 3.0]], "float32"), ([0, 3, 1], "uint8"), (2.0, "float32"), ([], "float32"),
])
def test_all_any_empty_dim_list_keeps_shape(fn, dim, keepdim, values, dtype):
    ea, ta = _both(values, dtype)
    _same(getattr(ember, fn)(ea, dim=dim, keepdim=keepdim), getattr(torch, fn)(ta, dim=dim, keepdim=keepdim))
    _same(getattr(ea, fn)(dim=dim, keepdim=keepdim), getattr(ta, fn)(dim=dim, keepdim=keepdim))


# ---------------------------------------------------------------- addmm-family dtype checks

_F, _D, _L, _I = "float32", "float64", "int64", "int32"


@pytest.mark.parametrize("dtypes", [(_L, _F, _F), (_F, _D, _F), (_D, _F, _F), (_F, _F, _L), (_I, _L, _L)])
def test_addmm_dtype_errors(dtypes):
    def call(lib):
        s, a, b = (lib.ones(*shape, dtype=getattr(lib, d)) for shape, d in zip([(2, 4), (2, 3), (3, 4)], dtypes))
        return lib.addmm(s, a, b)
    _same_error(lambda: call(ember), lambda: call(torch))


def test_addmm_int64_self_method_and_out():
    for lib_call in [lambda lib: lib.ones(2, 4, dtype=lib.int64).addmm(lib.ones(2, 3), lib.ones(3, 4)),
                     lambda lib: lib.ones(2, 4, dtype=lib.int64).addmm_(lib.ones(2, 3), lib.ones(3, 4)),
                     lambda lib: lib.addmm(lib.ones(4, dtype=lib.int64), lib.ones(2, 3), lib.ones(3, 4))]:
        _same_error(lambda: lib_call(ember), lambda: lib_call(torch))


@pytest.mark.parametrize("fn", ["addbmm", "baddbmm"])
@pytest.mark.parametrize("dtypes", [(_F, _D, _F), (_F, _F, _D), (_D, _F, _F), (_F, _L, _L), (_L, _F, _L), (_I, _L, _L)])
def test_addbmm_baddbmm_dtype_errors(fn, dtypes):
    def call(lib):
        shape = (1, 2, 2) if fn == "baddbmm" else (2, 2)
        s = lib.ones(*shape, dtype=getattr(lib, dtypes[0]))
        return getattr(lib, fn)(s, *(lib.ones(1, 2, 2, dtype=getattr(lib, d)) for d in dtypes[1:]))
    _same_error(lambda: call(ember), lambda: call(torch))


@pytest.mark.parametrize("fn", ["addbmm", "baddbmm"])
def test_addbmm_baddbmm_integer_values(fn):
    shape = (1, 2, 2) if fn == "baddbmm" else (2, 2)
    es, ts = _both(np.arange(4).reshape(shape).tolist(), "int64")
    eb, tb = _both(np.arange(8).reshape(2, 2, 2).tolist() if fn == "addbmm" else
                   np.arange(4).reshape(1, 2, 2).tolist(), "int64")
    _same(getattr(ember, fn)(es, eb, eb), getattr(torch, fn)(ts, tb, tb))


# ---------------------------------------------------------------- scatter_reduce gradients

def _scatter_reduce_data():
    """Values with zeros (one and two per target, for prod) and ties (for amax/amin), self among them."""
    rng = np.random.default_rng(0)
    x, s = rng.standard_normal((3, 4)).round(1), rng.standard_normal((3, 5)).round(1)
    x[0, 0], s[1, 1], s[1, 2], s[2, 0] = 0, 0, 0, 0
    x[2, 3] = s[2, 0] = s[2, 1] = 5.0
    s[0, 1] = s[0, 4]
    return x, s, [[0, 2, 0, 3, 2], [1, 1, 1, 0, 3], [3, 3, 2, 2, 0]], rng.standard_normal((3, 4))


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_gradients(reduce, include_self):
    x, s, index, g = _scatter_reduce_data()
    results = []
    for lib in (ember, torch):
        xt, st = lib.tensor(x, requires_grad=True), lib.tensor(s, requires_grad=True)
        out = lib.scatter_reduce(xt, 1, lib.tensor(index), st, reduce, include_self=include_self)
        results.append((out, out.grad_fn.name(), *lib.autograd.grad(out, [xt, st], lib.tensor(g))))
    (eo, en, egx, egs), (to, tn, tgx, tgs) = results
    assert en == tn
    for e, t in [(eo, to), (egx, tgx), (egs, tgs)]:
        _same(e, t, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_scatter_reduce_double_backward(reduce):
    rng = np.random.default_rng(1)
    x, s, g = rng.standard_normal((3, 4)), rng.standard_normal((3, 5)), rng.standard_normal((3, 4))
    s[1, 2], x[0, 0] = 0, 0
    index = [[0, 2, 0, 3, 2], [1, 1, 1, 0, 3], [3, 3, 2, 2, 0]]
    results = []
    for lib in (ember, torch):
        xt, st, gt = (lib.tensor(a, requires_grad=True) for a in (x, s, g))
        out = lib.scatter_reduce(xt, 1, lib.tensor(index), st, reduce, include_self=False)
        gx, gs = lib.autograd.grad(out, [xt, st], gt, create_graph=True)
        results.append(lib.autograd.grad((gx ** 2).sum() + (gs ** 3).sum(), [xt, st, gt], allow_unused=True))
    for e, t in zip(*results):
        assert (e is None) == (t is None)
        if t is not None:
            _same(e, t, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- QR of wide matrices

def _qr_grads(lib, a, gq, gr, mode, outputs, create_graph=False):
    at = lib.tensor(a, requires_grad=True)
    q, r = lib.linalg.qr(at, mode=mode)
    pairs = [(q, lib.tensor(gq)), (r, lib.tensor(gr))]
    pairs = [pairs[i] for i in outputs]
    (g,) = lib.autograd.grad([o for o, _ in pairs], [at], [w for _, w in pairs], create_graph=create_graph)
    return at, g


@pytest.mark.parametrize("shape,mode", [(s, m) for s in [(2, 3), (2, 5), (3, 3), (4, 2), (2, 2, 4)]
                                        for m in ("reduced", "complete") if m == "reduced" or s[-2] <= s[-1]])
@pytest.mark.parametrize("outputs", [(0, 1), (0,), (1,)])
def test_qr_backward_wide_and_tall(shape, mode, outputs):
    # (complete mode of a tall matrix is not differentiable: test_qr_backward_errors)
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape)
    k = min(shape[-2:])
    gq = rng.standard_normal(shape[:-1] + (shape[-2] if mode == "complete" else k,))
    gr = rng.standard_normal(shape[:-2] + (shape[-2] if mode == "complete" else k, shape[-1]))
    _, eg = _qr_grads(ember, a, gq, gr, mode, outputs)
    _, tg = _qr_grads(torch, a, gq, gr, mode, outputs)
    _same(eg, tg, rtol=1e-9, atol=1e-10)


def test_qr_double_backward_wide():
    rng = np.random.default_rng(2)
    a, gq, gr = rng.standard_normal((2, 4)), rng.standard_normal((2, 2)), rng.standard_normal((2, 4))
    results = []
    for lib in (ember, torch):
        at, g = _qr_grads(lib, a, gq, gr, "reduced", (0, 1), create_graph=True)
        results.append(lib.autograd.grad((g ** 2).sum(), [at]))
    _same(results[0][0], results[1][0], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("shape,mode", [((2, 3), "r"), ((3, 3), "r"), ((4, 2), "complete")])
def test_qr_backward_errors(shape, mode):
    a = np.random.default_rng(0).standard_normal(shape)

    def run(lib):
        at = lib.tensor(a, requires_grad=True)
        out = lib.linalg.qr(at, mode=mode)
        out.R.sum().backward()
    _same_error(lambda: run(ember), lambda: run(torch))


# ---------------------------------------------------------------- pairwise_distance's graph

@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.0, float("inf"), 1.5, 0.5, -1.0])
@pytest.mark.parametrize("keepdim", [False, True])
def test_pairwise_distance_records_norm_backward1(p, keepdim):
    rng = np.random.default_rng(0)
    a, b, g = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((3, 1))
    b[0] = a[0]  # a zero difference: the norm's subgradient
    results = []
    for lib in (ember, torch):
        at, bt = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        d = lib.nn.functional.pairwise_distance(at, bt, p=p, keepdim=keepdim)
        w = lib.tensor(g if keepdim else g[:, 0])
        names = (d.grad_fn.name(), d.grad_fn.next_functions[0][0].name())
        results.append((d, names, lib.autograd.grad(d, [at, bt], w, allow_unused=True)))
    (ed, en, eg), (td, tn, tg) = results
    assert en == tn
    _same(ed, td, rtol=1e-12)
    for e, t in zip(eg, tg):
        assert (e is None) == (t is None)
        if t is not None:
            _same(e, t, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shapes", [((4,), (4,)), ((2, 4), (4,)), ((), ())])
def test_pairwise_distance_shapes(shapes):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(shapes[0]).astype(np.float32), rng.standard_normal(shapes[1]).astype(np.float32)
    e = ember.nn.functional.pairwise_distance(ember.tensor(a), ember.tensor(b))
    t = torch.nn.functional.pairwise_distance(torch.tensor(a), torch.tensor(b))
    _same(e, t)


def test_pairwise_distance_integer_inputs():
    e = ember.nn.functional.pairwise_distance(ember.tensor([1, 2]), ember.tensor([3, 5]))
    t = torch.nn.functional.pairwise_distance(torch.tensor([1, 2]), torch.tensor([3, 5]))
    _same(e, t)
