"""The special functions and extra torch functions against PyTorch: what the generated op tests do not
reach (composites, integer and bool inputs, poles, errors, warnings, in-place forms, return types)."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _pair(values, dtype=None, requires_grad=False):
    a = np.array(values, dtype=dtype)
    return (ember.tensor(a.copy(), requires_grad=requires_grad), torch.tensor(a.copy(), requires_grad=requires_grad))


def _same(e, t, rtol=1.3e-6, atol=1e-5):
    """Values, shape and dtype of an ember result equal to torch's (NaN where torch has NaN)."""
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype).replace("ember.", "") == str(t.dtype).replace("torch.", "")
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, equal_nan=True)


def _raises_same(e_fn, t_fn):
    with pytest.raises(Exception) as t_err:
        t_fn()
    with pytest.raises(type(t_err.value)) as e_err:
        e_fn()
    # ember names its own tensor types and autograd module where PyTorch names torch's
    expected = str(t_err.value).replace("[torch.", "[ember.").replace("torch.autograd", "ember.autograd")
    assert str(e_err.value) == expected


POLES = [0.0, -0.0, -1.0, -2.0, -2.5, 1.0, 2.0, 10.0, 1e-8, 170.5, float("inf"), -float("inf"), float("nan")]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["lgamma", "digamma", "i0", "sinc", "special.i0e", "special.i1", "special.i1e",
                                  "special.erfcx", "special.log_ndtr", "special.ndtr", "special.entr",
                                  "special.gammaln", "special.psi", "special.expit", "special.sinc"])
def test_unary_at_poles_and_infinities(name, dtype):
    e, t = _pair(POLES, dtype)
    fe, ft = ember, torch
    for part in name.split("."):
        fe, ft = getattr(fe, part), getattr(ft, part)
    _same(fe(e), ft(t))


@pytest.mark.parametrize("name", ["lgamma", "digamma", "i0", "sinc", "logit", "special.entr", "special.erfcx",
                                  "special.ndtr", "special.i1"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_integer_inputs_compute_in_the_default_float(name, dtype):
    e, t = _pair([0, 1, 2, 1, 0], dtype)
    fe, ft = ember, torch
    for part in name.split("."):
        fe, ft = getattr(fe, part), getattr(ft, part)
    _same(fe(e), ft(t))


@pytest.mark.parametrize("n", [0, 1, 2, 4])
def test_polygamma_orders_and_negative_arguments(n):
    e, t = _pair([-2.5, -0.5, 0.25, 1.0, 3.0, 30.0, -3.0], "float64")
    _same(ember.polygamma(n, e), torch.polygamma(n, t), rtol=1e-9)
    _same(e.polygamma(n), t.polygamma(n), rtol=1e-9)
    _same(ember.special.polygamma(n, e), torch.special.polygamma(n, t), rtol=1e-9)


def test_gamma_family_errors():
    e, t = _pair([1.5, 2.5])
    _raises_same(lambda: ember.polygamma(-1, e), lambda: torch.polygamma(-1, t))
    _raises_same(lambda: ember.mvlgamma(e, 0), lambda: torch.mvlgamma(t, 0))
    eb, tb = _pair([True, False])
    _raises_same(lambda: ember.mvlgamma(eb, 1), lambda: torch.mvlgamma(tb, 1))
    _same(ember.special.multigammaln(e, 2), torch.special.multigammaln(t, 2))


@pytest.mark.parametrize("eps", [None, 0.1])
def test_logit_outside_the_unit_interval(eps):
    e, t = _pair([-1.0, 0.0, 0.05, 0.5, 1.0, 2.0], "float64", requires_grad=True)
    out_e, out_t = ember.logit(e, eps), torch.logit(t, eps)
    _same(out_e, out_t)
    (ge,), (gt,) = ember.autograd.grad(out_e.sum(), [e]), torch.autograd.grad(out_t.sum(), [t])
    _same(ge, gt)
    _same(ember.special.logit(e, eps), torch.special.logit(t, eps))


def test_binary_dtype_promotion():
    for a, b in [("int64", "int64"), ("float32", "int64"), ("int32", "float64"), ("bool", "bool"),
                 ("float32", "float64")]:
        e1, t1 = _pair([1, -2, 0], a)
        e2, t2 = _pair([-1, 3, 2], b)
        for name in ("copysign", "ldexp"):
            _same(getattr(ember, name)(e1, e2), getattr(torch, name)(t1, t2))
        for name in ("nextafter", "logaddexp2"):
            fe, ft = getattr(ember, name), getattr(torch, name)
            if a in ("int64", "bool") and b in ("int64", "bool"):
                _raises_same(lambda: fe(e1, e2), lambda: ft(t1, t2))
            else:
                _same(fe(e1, e2), ft(t1, t2))
    e, t = _pair([1.0, -2.0, 0.0])
    _same(ember.copysign(e, -1), torch.copysign(t, -1))
    ei, ti = _pair([1, -2, 0])
    _same(ember.copysign(ei, 2.5), torch.copysign(ti, 2.5))
    for name in ("ldexp", "nextafter", "logaddexp2", "gcd", "lcm"):
        _raises_same(lambda: getattr(ember, name)(e, 2.0), lambda: getattr(torch, name)(t, 2.0))


def test_heaviside_gcd_lcm():
    e, t = _pair([-1.5, 0.0, 2.0, float("nan")])
    ev, tv = _pair([0.5, 0.5, 0.5, 0.5])
    _same(ember.heaviside(e, ev), torch.heaviside(t, tv))
    ei, ti = _pair([-1, 0, 3], "int64")
    _same(ember.heaviside(ei, ei), torch.heaviside(ti, ti))
    _raises_same(lambda: ember.heaviside(e, ei), lambda: torch.heaviside(t, ti))
    a, ta = _pair([-4, 0, 6, 7], "int64")
    b, tb = _pair([6, 0, -9, 0], "int32")
    _same(ember.gcd(a, b), torch.gcd(ta, tb))
    _same(ember.lcm(a, b), torch.lcm(ta, tb))
    _raises_same(lambda: ember.gcd(e, e), lambda: torch.gcd(t, t))
    _raises_same(lambda: ember.lcm(a, e), lambda: torch.lcm(ta, t))
    ebool, tbool = _pair([True, False])
    _raises_same(lambda: ember.gcd(ebool, ebool), lambda: torch.gcd(tbool, tbool))
    c, tc = a.clone(), ta.clone()
    c.gcd_(b), tc.gcd_(tb)
    _same(c, tc)


def test_heaviside_records_a_node_without_derivative():
    e, t = _pair([1.0, 0.0], requires_grad=True)
    out_e, out_t = ember.heaviside(e, e), torch.heaviside(t, t)
    assert out_e.grad_fn.name() == out_t.grad_fn.name()
    _raises_same(lambda: out_e.sum().backward(), lambda: out_t.sum().backward())


def test_frexp():
    for dtype in ("float32", "float64"):
        e, t = _pair([0.0, 8.0, -3.0, 1e-40, float("inf"), float("nan")], dtype)
        me, ee = ember.frexp(e)
        mt, et = torch.frexp(t)
        _same(me, mt)
        _same(ee, et)
        assert ember.frexp(e).mantissa is not None and e.frexp().exponent.dtype == ember.int32
    ei, ti = _pair([1, 2])
    _raises_same(lambda: ember.frexp(ei), lambda: torch.frexp(ti))


def test_zeta_and_xlog1py():
    x, tx = _pair([2.0, 3.5, 1.0, 0.5], "float64")
    q, tq = _pair([1.0, 0.5, 2.0, -1.5], "float64")
    _same(ember.special.zeta(x, q), torch.special.zeta(tx, tq), rtol=1e-10)
    _same(ember.special.zeta(x, 2.0), torch.special.zeta(tx, 2.0), rtol=1e-10)
    e, t = _pair([0.0, 1.0, 2.0], "float64", requires_grad=True)
    out_e, out_t = ember.special.zeta(e, e), torch.special.zeta(t, t)
    assert out_e.grad_fn.name() == out_t.grad_fn.name()
    _raises_same(lambda: out_e.sum().backward(), lambda: out_t.sum().backward())
    y, ty = _pair([0.0, -1.0, 2.0, float("nan")])
    z, tz = _pair([0.0, 0.0, 1.5, 0.0])
    _same(ember.special.xlog1py(z, y), torch.special.xlog1py(tz, ty))
    _same(ember.special.xlog1py(2.0, y), torch.special.xlog1py(2.0, ty))


def test_special_namespace_shared_names():
    e, t = _pair([[0.5, -1.5, 2.25], [3.0, 0.125, -0.5]], "float64", requires_grad=True)
    for name, args in [("erf", ()), ("erfc", ()), ("expm1", ()), ("log1p", ()), ("exp2", ()), ("round", ()),
                       ("logsumexp", (1,)), ("softmax", (1,)), ("log_softmax", (0,)), ("xlogy", (2.0,)),
                       ("ndtri", ())]:
        out_e = getattr(ember.special, name)(e.sigmoid() if name == "ndtri" else e, *args)
        out_t = getattr(torch.special, name)(t.sigmoid() if name == "ndtri" else t, *args)
        _same(out_e, out_t)
        assert out_e.grad_fn.name() == out_t.grad_fn.name(), name
    _same(ember.special.round(e, decimals=1), torch.special.round(t, decimals=1))


def test_in_place_forms():
    for name, args in [("lgamma_", ()), ("digamma_", ()), ("polygamma_", (2,)), ("mvlgamma_", (2,)), ("i0_", ()),
                       ("sinc_", ()), ("logit_", (0.1,)), ("copysign_", (-1.0,)), ("nextafter_", (None,))]:
        e, t = _pair([[1.5, 2.5, 3.25]], "float64", requires_grad=True)
        ye, yt = e * 1, t * 1
        if args == (None,):
            args_e, args_t = (ye.detach() * 0,), (yt.detach() * 0,)
        else:
            args_e = args_t = args
        getattr(ye, name)(*args_e)
        getattr(yt, name)(*args_t)
        _same(ye, yt)
        assert ye.grad_fn.name() == yt.grad_fn.name(), name
        (ge,), (gt,) = ember.autograd.grad(ye.sum(), [e]), torch.autograd.grad(yt.sum(), [t])
        _same(ge, gt)
    e, t = _pair([1.0, 2.0], requires_grad=True)
    _raises_same(lambda: e.lgamma_(), lambda: t.lgamma_())


def test_isreal():
    for dtype in ("float32", "int64", "bool"):
        e, t = _pair([[1, 0]], dtype)
        _same(ember.isreal(e), torch.isreal(t))
        _same(e.isreal(), t.isreal())


# ---------------------------------------------------------------- extra


def _grads_match(out_e, out_t, leaves_e, leaves_t, seed=0):
    v = np.random.default_rng(seed).standard_normal(tuple(out_t.shape))
    ge = ember.autograd.grad(out_e, leaves_e, ember.tensor(v.astype(str(out_t.dtype).split(".")[1])),
                             allow_unused=True)
    gt = torch.autograd.grad(out_t, leaves_t, torch.tensor(v, dtype=out_t.dtype), allow_unused=True)
    for a, b in zip(ge, gt):
        if a is None or b is None:
            assert a is None and b is None
            continue
        _same(a, b, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("kwargs", [{}, {"correction": 0}, {"fweights": [1, 2, 0, 3]},
                                    {"aweights": [0.5, 1.0, 2.0, 0.25]},
                                    {"fweights": [1, 2, 1, 3], "aweights": [0.5, 1.0, 2.0, 0.25], "correction": 2}])
def test_cov_and_corrcoef(kwargs):
    rng = np.random.default_rng(0)
    data = rng.standard_normal((3, 4))
    e, t = _pair(data, "float64", requires_grad=True)
    ke = {k: ember.tensor(v) for k, v in kwargs.items() if k != "correction"}
    kt = {k: torch.tensor(v) for k, v in kwargs.items() if k != "correction"}
    if "correction" in kwargs:
        ke["correction"] = kt["correction"] = kwargs["correction"]
    out_e, out_t = ember.cov(e, **ke), torch.cov(t, **kt)
    _same(out_e, out_t, rtol=1e-10)
    assert out_e.grad_fn.name() == out_t.grad_fn.name()
    _grads_match(out_e, out_t, [e], [t])
    out_e, out_t = ember.corrcoef(e), torch.corrcoef(t)
    _same(out_e, out_t, rtol=1e-10)
    assert out_e.grad_fn.name() == out_t.grad_fn.name()
    _grads_match(out_e, out_t, [e], [t])


def test_cov_edge_cases():
    e, t = _pair([1, 2, 4], "int64")
    _same(ember.cov(e), torch.cov(t))
    _same(ember.corrcoef(e.double()), torch.corrcoef(t.double()))
    one, tone = _pair([[1.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = ember.cov(one)
    with warnings.catch_warnings(record=True) as caught_t:
        warnings.simplefilter("always")
        expected = torch.cov(tone)
    _same(out, expected)
    # PyTorch appends where in its C++ sources the warning was raised
    assert [str(w.message) for w in caught] == [str(w.message).split(" (Triggered internally")[0] for w in caught_t]
    e3, t3 = _pair(np.zeros((2, 2, 2)))
    _raises_same(lambda: ember.cov(e3), lambda: torch.cov(t3))
    eb, tb = _pair([True, False])
    _raises_same(lambda: ember.cov(eb), lambda: torch.cov(tb))
    e2, t2 = _pair(np.ones((2, 3)))
    _raises_same(lambda: ember.cov(e2, fweights=ember.tensor([1.0, 2.0, 3.0])),
                 lambda: torch.cov(t2, fweights=torch.tensor([1.0, 2.0, 3.0])))
    _raises_same(lambda: ember.cov(e2, aweights=ember.tensor([1.0, -2.0, 3.0])),
                 lambda: torch.cov(t2, aweights=torch.tensor([1.0, -2.0, 3.0])))


@pytest.mark.parametrize("dim", [-1, 0])
def test_trapezoid_family(dim):
    rng = np.random.default_rng(1)
    e, t = _pair(rng.standard_normal((3, 4)), "float64", requires_grad=True)
    xe, xt = _pair(np.sort(rng.standard_normal(e.shape[dim])), "float64")
    for fe, ft in [(ember.trapezoid, torch.trapezoid), (ember.trapz, torch.trapz),
                   (ember.cumulative_trapezoid, torch.cumulative_trapezoid)]:
        for args, kwargs in [((), {}), ((), {"dx": 0.5}), ((xe,), {})]:
            targs = (xt,) if args else ()
            out_e, out_t = fe(e, *args, dim=dim, **kwargs), ft(t, *targs, dim=dim, **kwargs)
            _same(out_e, out_t, rtol=1e-10)
            assert out_e.grad_fn.name() == out_t.grad_fn.name()
            _grads_match(out_e, out_t, [e], [t])
    empty, tempty = _pair(np.zeros((2, 0)))
    _same(ember.trapezoid(empty), torch.trapezoid(tempty))
    ei, ti = _pair([1, 2, 4], "int64")
    _same(ember.trapezoid(ei), torch.trapezoid(ti))


@pytest.mark.parametrize("N,increasing", [(None, False), (4, True), (1, False), (0, False)])
def test_vander(N, increasing):
    e, t = _pair([1.5, -2.0, 0.5], "float64", requires_grad=True)
    out_e, out_t = ember.vander(e, N, increasing), torch.vander(t, N, increasing)
    _same(out_e, out_t)
    if out_t.grad_fn is not None:
        assert out_e.grad_fn.name() == out_t.grad_fn.name()
        if out_t.shape[1] > 1:  # PyTorch overwrites a slice cumprod saved: its backward raises
            _raises_same(lambda: out_e.sum().backward(), lambda: out_t.sum().backward())
        else:
            _grads_match(out_e, out_t, [e], [t])
    ei, ti = _pair([1, 2, 3], "int32")
    _same(ember.vander(ei, N), torch.vander(ti, N))


def test_cartesian_prod_combinations_column_stack_block_diag():
    a, ta = _pair([1.0, 2.0, 3.0], "float64", requires_grad=True)
    b, tb = _pair([4.0, 5.0], "float64", requires_grad=True)
    for out_e, out_t in [(ember.cartesian_prod(a, b), torch.cartesian_prod(ta, tb)),
                         (ember.combinations(a), torch.combinations(ta)),
                         (ember.combinations(a, 3, with_replacement=True), torch.combinations(ta, 3, True)),
                         (ember.column_stack([a, a * 2]), torch.column_stack([ta, ta * 2])),
                         (ember.block_diag(a, b[None], a.sum()), torch.block_diag(ta, tb[None], ta.sum()))]:
        _same(out_e, out_t)
        assert out_e.grad_fn.name() == out_t.grad_fn.name()
        _grads_match(out_e, out_t, [a, b], [ta, tb])
    _same(ember.combinations(a, 0), torch.combinations(ta, 0))
    ei, ti = _pair([[1, 2]], "int64")
    _same(ember.block_diag(ei, a), torch.block_diag(ti, ta))


def test_msort_argwhere_unique_consecutive():
    e, t = _pair([[3.0, 1.0], [1.0, 1.0], [1.0, 2.0]], requires_grad=True)
    out_e, out_t = ember.msort(e), torch.msort(t)
    _same(out_e, out_t)
    assert out_e.grad_fn.name() == out_t.grad_fn.name()
    _same(ember.argwhere(e), torch.argwhere(t))
    _same(e.argwhere(), t.argwhere())
    ei, ti = _pair([1, 1, 2, 2, 3, 1, 1, 2])
    for kwargs in [{}, {"return_inverse": True}, {"return_counts": True},
                   {"return_inverse": True, "return_counts": True}]:
        re, rt = ember.unique_consecutive(ei, **kwargs), torch.unique_consecutive(ti, **kwargs)
        for x, y in zip(re if isinstance(re, tuple) else (re,), rt if isinstance(rt, tuple) else (rt,)):
            _same(x, y)
    re, rt = ember.unique_consecutive(e, return_counts=True, dim=0), torch.unique_consecutive(t, return_counts=True,
                                                                                            dim=0)
    _same(re[0], rt[0])
    _same(re[1], rt[1])


def test_range_warns_and_counts_inclusively():
    for args, kwargs in [((1, 4), {}), ((0, 1, 0.3), {}), ((3, 1, -1), {}), ((1, 4), {"dtype": ember.int64})]:
        tkwargs = {"dtype": torch.int64} if kwargs else {}
        with pytest.warns(UserWarning) as caught:
            out = ember.range(*args, **kwargs)
        with pytest.warns(UserWarning) as caught_t:
            expected = torch.range(*args, **tkwargs)
        _same(out, expected)
        assert str(caught[0].message) == str(caught_t[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _raises_same(lambda: ember.range(1, 0), lambda: torch.range(1, 0))


@pytest.mark.parametrize("kwargs", [{}, {"range": (-1.0, 1.0)}, {"density": True}, {"weight": True}])
def test_histogram(kwargs):
    rng = np.random.default_rng(2)
    e, t = _pair(rng.standard_normal(50))
    ke, kt = dict(kwargs), dict(kwargs)
    if "weight" in kwargs:
        w = rng.random(50)
        ke["weight"], kt["weight"] = ember.tensor(w), torch.tensor(w)
    he, be = ember.histogram(e, 7, **ke)
    ht, bt = torch.histogram(t, 7, **kt)
    _same(he, ht)
    _same(be, bt)
    for values in ([1.0, 1.0], []):
        e, t = _pair(values, "float32")
        for a, b in zip(ember.histogram(e, 2), torch.histogram(t, 2)):
            _same(a, b)
    ei, ti = _pair([1, 2])
    _raises_same(lambda: ember.histogram(ei, 2), lambda: torch.histogram(ti, 2))


def test_dist_renorm_put_scatter_errors_and_edges():
    e, t = _pair(np.zeros((0, 3)))
    _same(ember.dist(e, e), torch.dist(t, t))
    _raises_same(lambda: ember.dist(e, e, float("inf")), lambda: torch.dist(t, t, float("inf")))
    x, tx = _pair(np.arange(12.0).reshape(3, 4), requires_grad=True)
    v, tv = _pair([1.0, 2.0, 3.0, 4.0])
    _same(ember.dist(x, v, float("inf")), torch.dist(tx, tv, float("inf")))
    _raises_same(lambda: ember.renorm(x, 0, 0, 1.0), lambda: torch.renorm(tx, 0, 0, 1.0))
    _raises_same(lambda: ember.renorm(x, 2, 0, -1.0), lambda: torch.renorm(tx, 2, 0, -1.0))
    _raises_same(lambda: ember.select_scatter(x, v[:3], 0, 1), lambda: torch.select_scatter(tx, tv[:3], 0, 1))
    _raises_same(lambda: ember.narrow_copy(x, 0, 2, 2), lambda: torch.narrow_copy(tx, 0, 2, 2))
    idx, tidx = _pair([0, 13])
    _raises_same(lambda: ember.put(x, idx, v[:2]), lambda: torch.put(tx, tidx, tv[:2]))
    ye, yt = x.detach().clone(), tx.detach().clone()
    ye.renorm_(1, 1, 5.0), yt.renorm_(1, 1, 5.0)
    _same(ye, yt)
    m, tm = _pair(np.ones((3, 4)))
    m.addr_(v[:3], v), tm.addr_(tv[:3], tv)
    _same(m, tm)
    _same(x.put(idx[:1], v[:1]), tx.put(tidx[:1], tv[:1]))


def test_addr_addbmm_integer_and_errors():
    m, tm = _pair(np.ones((2, 3), np.int64))
    a, ta = _pair([1, 2], "int64")
    b, tb = _pair([3, 4, 5], "int64")
    _same(ember.addr(m, a, b, beta=2, alpha=3), torch.addr(tm, ta, tb, beta=2, alpha=3))
    _raises_same(lambda: ember.addr(m, m, b), lambda: torch.addr(tm, tm, tb))
    bm, tbm = _pair(np.ones((2, 2, 3)))
    _raises_same(lambda: ember.addbmm(m.float(), bm, bm), lambda: torch.addbmm(tm.float(), tbm, tbm))


def test_cholesky_solve_inverse_matrix_exp():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 3))
    spd = a @ a.T + 3 * np.eye(3)
    low = np.linalg.cholesky(spd)
    b = rng.standard_normal((3, 2))
    for upper, factor in ((False, low), (True, low.T.copy())):
        L, tL = _pair(factor, requires_grad=True)
        B, tB = _pair(b, requires_grad=True)
        out_e, out_t = ember.cholesky_solve(B, L, upper), torch.cholesky_solve(tB, tL, upper)
        _same(out_e, out_t, rtol=1e-10)
        _grads_match(out_e, out_t, [B, L], [tB, tL])
        _same(B.cholesky_solve(L, upper), tB.cholesky_solve(tL, upper), rtol=1e-10)
        out_e, out_t = ember.cholesky_inverse(L, upper), torch.cholesky_inverse(tL, upper)
        _same(out_e, out_t, rtol=1e-10)
        _grads_match(out_e, out_t, [L], [tL])
    v, tv = _pair([1.0, 2.0, 3.0])
    m, tm = _pair(np.eye(3, dtype=np.float32))
    _raises_same(lambda: ember.cholesky_solve(v, m), lambda: torch.cholesky_solve(tv, tm))
    _raises_same(lambda: ember.cholesky_solve(m.double(), m), lambda: torch.cholesky_solve(tm.double(), tm))
    x, tx = _pair(rng.standard_normal((2, 3, 3)) * 2, requires_grad=True)
    out_e, out_t = ember.matrix_exp(x), torch.matrix_exp(tx)
    _same(out_e, out_t, rtol=1e-10)
    assert out_e.grad_fn.name() == out_t.grad_fn.name()
    _grads_match(out_e, out_t, [x], [tx])
    _same(x.matrix_exp(), tx.matrix_exp(), rtol=1e-10)
    r, tr = _pair(np.ones((2, 3)))
    _raises_same(lambda: ember.matrix_exp(r), lambda: torch.matrix_exp(tr))
    _raises_same(lambda: ember.matrix_exp(v), lambda: torch.matrix_exp(tv))


@pytest.mark.parametrize("name,args", [("copysign", ("other",)), ("ldexp", ("other",)), ("logaddexp2", ("other",)),
                                       ("lgamma", ()), ("digamma", ()), ("i0", ()), ("sinc", ()), ("logit", ()),
                                       ("dist", ("other",)), ("msort", ()), ("cov", ()), ("corrcoef", ()),
                                       ("narrow_copy", (0, 1, 1)), ("renorm", (2, 0, 1.0))])
def test_tensor_methods_match_functions(name, args):
    rng = np.random.default_rng(4)
    e, t = _pair(rng.uniform(0.1, 0.9, (2, 3)), "float64", requires_grad=True)
    o, to = _pair(rng.uniform(-1, 1, (2, 3)), "float64")
    args_e = tuple(o if a == "other" else a for a in args)
    args_t = tuple(to if a == "other" else a for a in args)
    out_e, out_t = getattr(e, name)(*args_e), getattr(t, name)(*args_t)
    _same(out_e, out_t, rtol=1e-10)
    assert out_e.grad_fn.name() == out_t.grad_fn.name()


_INPLACE_TWINS = ["acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "asin_",
                  "asinh_", "atan_", "atanh_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp2_", "expm1_", "fix_",
                  "frac_", "log10_", "log1p_", "log2_", "nan_to_num_", "negative_", "rad2deg_", "rsqrt_", "sinh_",
                  "tan_", "trunc_", "i0_", "logit_", "sinc_", "conj_physical_", "detach_"]


@pytest.mark.parametrize("name", _INPLACE_TWINS + ["clamp_max_", "clamp_min_", "clip_", "xlogy_", "ldexp_",
                                                   "resize_as_", "addmv_"])
def test_top_level_in_place_twins(name):
    extra = {"clamp_max_": (0.5,), "clamp_min_": (0.5,), "clip_": (0.2, 0.6)}
    e, t = _pair([[0.25, 0.5], [0.75, 1.5]], "float64")
    o, to = _pair([[2.0, 3.0], [0.5, 1.0]], "float64")
    if name in ("xlogy_", "ldexp_", "resize_as_"):
        args_e, args_t = (o,), (to,)
    elif name == "addmv_":
        e, t = _pair([0.25, 0.5], "float64")
        args_e, args_t = (o, e.clone()), (to, t.clone())
    else:
        args_e = args_t = extra.get(name, ())
    r_e, r_t = getattr(ember, name)(e, *args_e), getattr(torch, name)(t, *args_t)
    assert r_e is e and r_t is t
    _same(e, t)


def test_top_level_method_and_functional_twins():
    rng = np.random.default_rng(5)
    a, ta = _pair(rng.standard_normal((3, 3)), "float64", requires_grad=True)
    for name, args in [("matrix_power", (3,)), ("pinverse", ()), ("positive", ()), ("adjoint", ()), ("conj", ()),
                       ("conj_physical", ()), ("resolve_conj", ()), ("resolve_neg", ()), ("real", ()),
                       ("detach", ()), ("split_with_sizes", ([1, 2],))]:
        out_e, out_t = getattr(ember, name)(a, *args), getattr(torch, name)(ta, *args)
        for x, y in zip(out_e if isinstance(out_e, tuple) else (out_e,), out_t if isinstance(out_t, tuple) else (out_t,)):
            _same(x, y, rtol=1e-10)
            assert (x.grad_fn is None) == (y.grad_fn is None)
            if y.grad_fn is not None:
                assert x.grad_fn.name() == y.grad_fn.name(), name
    for name in ("is_complex", "is_conj", "is_neg", "is_signed", "is_inference", "get_device"):
        assert getattr(ember, name)(a) == getattr(torch, name)(ta)
    assert ember.is_same_size(a, a) and ember.is_nonzero(ember.tensor([2.0])) == torch.is_nonzero(torch.tensor([2.0]))
    _raises_same(lambda: ember.imag(a), lambda: torch.imag(ta))
    x, tx = _pair(rng.standard_normal((2, 4)), "float64", requires_grad=True)
    y, ty = _pair(rng.standard_normal((2, 4)), "float64")
    for name, args in [("cosine_similarity", (y,)), ("pairwise_distance", (y,))]:
        targs = tuple(ty if v is y else v for v in args)
        out_e, out_t = getattr(ember, name)(x, *args), getattr(torch, name)(tx, *targs)
        _same(out_e, out_t, rtol=1e-10)
        if name != "pairwise_distance":  # nn.functional's ends in SqrtBackward0 where PyTorch's in NormBackward1
            assert out_e.grad_fn.name() == out_t.grad_fn.name(), name
    img, timg = _pair(rng.standard_normal((1, 4, 2, 2)), "float64")
    _same(ember.pixel_shuffle(img, 2), torch.pixel_shuffle(timg, 2))
    _same(ember.pixel_unshuffle(img, 2), torch.pixel_unshuffle(timg, 2))
    _same(ember.channel_shuffle(img, 2), torch.channel_shuffle(timg, 2))
    _same(ember.adaptive_avg_pool1d(img[0], 1), torch.adaptive_avg_pool1d(timg[0], 1))
