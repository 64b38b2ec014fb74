"""Hand-written elementwise tests against PyTorch: integer/bool/float16 dtypes and promotion,
non-differentiable ops, PyTorch's error messages, and the error function's accuracy.
(Gradients of differentiable ops are covered by tests/ops/test_generated.py.)

Public functions are reached through ``ember.ops.elementwise`` / ``comparison`` so these tests do
not depend on which names ``ember/__init__.py`` re-exports.
"""
import math

import numpy as np
import pytest

import ember
from ember.ops import comparison as C
from ember.ops import elementwise as E

torch = pytest.importorskip("torch")


def _pair(values, dtype):
    return ember.tensor(values, dtype=getattr(ember, dtype)), torch.tensor(values, dtype=getattr(torch, dtype))


def _same(e, t):
    """Assert an ember result equals torch's: dtype, shape and values (NaN where NaN)."""
    if isinstance(t, bool):
        assert e is t
        return
    assert e.dtype.name == str(t.dtype).split(".")[1], (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def _same_error(fe, ft):
    with pytest.raises(Exception) as te:
        ft()
    with pytest.raises(type(te.value)) as ee:
        fe()
    assert str(ee.value) == str(te.value)


INT = [7, -7, 3, 0]
FLOAT = [1.5, -2.5, 0.5, -0.0]


# ---------------------------------------------------------------- promotion
PROMOTION = [
    ("int64", "mul", 2.5), ("int64", "add", 1), ("uint8", "add", 1000), ("uint8", "add", -1),
    ("int8", "add", 200), ("bool", "add", 1), ("bool", "add", 1.5), ("bool", "add", True),
    ("bool", "mul", True), ("float16", "mul", 2.5), ("int32", "div", 2), ("int64", "pow", 2),
    ("int64", "pow", 0.5), ("bool", "pow", 2), ("int64", "remainder", -2), ("int64", "fmod", -2),
    ("int64", "floor_divide", 2), ("int64", "floor_divide", -2), ("float32", "remainder", 0.7),
    ("float32", "remainder", -0.7), ("float32", "fmod", 0.7), ("float32", "floor_divide", 0.7),
]


@pytest.mark.parametrize("dtype,op,scalar", PROMOTION)
def test_tensor_scalar_promotion(dtype, op, scalar):
    vals = [True, False, True, False] if dtype == "bool" else (INT if dtype != "float32" else FLOAT)
    if dtype == "uint8":
        vals = [1, 2, 250, 0]
    e, t = _pair(vals, dtype)
    _same(getattr(E, op)(e, scalar), getattr(torch, op)(t, scalar))


@pytest.mark.parametrize("a,b", [("uint8", "int8"), ("bool", "bool"), ("int32", "int64"), ("float16", "int64"),
                                 ("bool", "float16"), ("int16", "uint8")])
@pytest.mark.parametrize("op", ["add", "mul", "maximum", "eq", "lt"])
def test_tensor_tensor_promotion(a, b, op):
    e1, t1 = _pair([1, 0, 1], a)
    e2, t2 = _pair([1, 1, 0], b)
    module = C if op in ("eq", "lt") else E
    _same(getattr(module, op)(e1, e2), getattr(torch, op)(t1, t2))


@pytest.mark.parametrize("a,b", [("float32", "float64"), ("int32", "int64"), ("int64", "float64"),
                                 ("float16", "float64"), ("int64", "float16")])
def test_zero_dim_tensor_does_not_upcast_its_category(a, b):
    e1, t1 = _pair([1, 2, 3], a)
    e2, t2 = ember.tensor(2, dtype=getattr(ember, b)), torch.tensor(2, dtype=getattr(torch, b))
    _same(e1 * e2, t1 * t2)
    _same(e1 + e2, t1 + t2)


def test_reflected_operators_and_integer_semantics():
    e, t = _pair([7, -7, 3], "int64")
    d_e, d_t = _pair([2, 2, -2], "int64")
    _same(e // d_e, t // d_t)
    _same(e % d_e, t % d_t)
    _same(7 // _pair([2, -2], "int64")[0], 7 // _pair([2, -2], "int64")[1])
    _same(7 % _pair([2, -2], "int64")[0], 7 % _pair([2, -2], "int64")[1])
    _same(7.5 % _pair([2, -2], "int64")[0], 7.5 % _pair([2, -2], "int64")[1])
    _same(2 ** e, 2 ** t)
    _same(2.5 ** e, 2.5 ** t)
    _same(e ** _pair([-1, 1, 1], "int64")[0], t ** _pair([-1, 1, 1], "int64")[1])
    _same(2 - e, 2 - t)
    _same(E.rsub(e, 2), torch.rsub(t, 2))
    _same(E.div(e, -2, rounding_mode="trunc"), torch.div(t, -2, rounding_mode="trunc"))
    _same(E.div(e, 2, rounding_mode="floor"), torch.div(t, 2, rounding_mode="floor"))
    _same(E.true_divide(e, 2), torch.true_divide(t, 2))
    _same(e / 0, t / 0)


def test_float_remainder_and_floor_division_signs():
    e, t = _pair([-1.0, 1.0, -0.5, 0.5, 0.0], "float32")
    for other in (1.0, -1.0, 0.0):
        _same(E.remainder(e, other), torch.remainder(t, other))
        _same(E.fmod(e, other), torch.fmod(t, other))
        _same(e // other, t // other)


@pytest.mark.parametrize("call", [
    lambda m, i: i // 0, lambda m, i: i % 0, lambda m, i: m.fmod(i, 0),
    lambda m, i: m.div(i, 0, rounding_mode="trunc"), lambda m, i: i // m.tensor([0, 1, 1, 1])])
def test_integer_division_by_zero(call):
    e, t = _pair(INT, "int64")
    mod_e = type("M", (), {"fmod": staticmethod(E.fmod), "div": staticmethod(E.div), "tensor": ember.tensor})
    _same_error(lambda: call(mod_e, e), lambda: call(torch, t))


def test_float_power_and_alpha():
    e, t = _pair(INT, "int64")
    _same(E.float_power(e, 2), torch.float_power(t, 2))
    _same(E.float_power(e, -1), torch.float_power(t, -1))
    f_e, f_t = _pair(FLOAT, "float32")
    _same(E.float_power(2, f_e), torch.float_power(2, f_t))
    _same(E.add(e, e, alpha=3), torch.add(t, t, alpha=3))
    _same(E.sub(f_e, f_e, alpha=2.5), torch.sub(f_t, f_t, alpha=2.5))
    _same(E.add(2, f_e), torch.add(2, f_t))


# ---------------------------------------------------------------- unary dtypes
INT_UNARY = ["exp", "exp2", "sqrt", "sigmoid", "reciprocal", "sin", "log1p", "erf", "abs", "sign", "sgn",
             "square", "relu", "floor", "ceil", "trunc", "round", "nan_to_num", "neg"]


@pytest.mark.parametrize("name", INT_UNARY)
@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_unary_on_integers_and_bools(name, dtype):
    vals = [1, 0, 1, 1] if dtype == "bool" else ([1, 2, 250, 0] if dtype == "uint8" else INT)
    e, t = _pair([bool(v) for v in vals] if dtype == "bool" else vals, dtype)
    try:
        expected = getattr(torch, name)(t)
    except Exception:
        _same_error(lambda: getattr(E, name)(e), lambda: getattr(torch, name)(t))
        return
    out = getattr(E, name)(e)
    assert out.dtype.name == str(expected.dtype).split(".")[1]
    np.testing.assert_allclose(out.numpy().astype(float), expected.numpy().astype(float), rtol=1e-6)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "tanh", "sigmoid", "erf", "erfc", "abs", "round",
                                  "floor", "rsqrt", "expm1", "atan"])
def test_unary_float16(name):
    vals = [0.5, 1.25, 2.0, 3.5]
    e, t = _pair(vals, "float16")
    out, expected = getattr(E, name)(e), getattr(torch, name)(t)
    assert out.dtype is ember.float16
    np.testing.assert_allclose(out.numpy().astype(float), expected.numpy().astype(float), rtol=1e-3)


def test_special_values_match_torch():
    vals = [float("nan"), float("inf"), -float("inf"), -0.0, 0.0, 1.0, -1.0]
    e, t = _pair(vals, "float32")
    for name in ["sign", "sgn", "nan_to_num", "round", "trunc", "frac", "relu", "erfinv", "rsqrt", "log",
                 "reciprocal", "sigmoid", "erf", "erfc"]:
        out, expected = getattr(E, name)(e), getattr(torch, name)(t)
        # ulp-level: NumPy's float32 exp/log and torch's vectorised ones may round differently
        np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=2e-7, atol=0, err_msg=name)
        real = ~np.isnan(expected.numpy())  # the sign of a NaN carries no meaning
        np.testing.assert_array_equal(np.signbit(out.numpy()[real]), np.signbit(expected.numpy()[real]), err_msg=name)


def test_round_decimals_and_halves():
    e, t = _pair([0.5, 1.5, 2.5, -0.5, 0.125, 1.555, 125.0, 155.0], "float32")
    for d in (0, 1, 2, -1):
        _same(E.round(e, decimals=d), torch.round(t, decimals=d))


def test_erf_family_is_accurate_over_a_wide_range():
    x = np.concatenate([np.linspace(-30, 30, 20001), np.geomspace(1e-300, 1e-3, 50)])
    for name in ("erf", "erfc"):
        out = getattr(E, name)(ember.tensor(x, dtype=ember.float64)).numpy()
        ref = np.array([getattr(math, name)(v) for v in x])
        np.testing.assert_array_max_ulp(out, ref, maxulp=1)
        # (torch's erfc differs from the C library's by a subnormal ulp far in the tail)
        np.testing.assert_allclose(out, getattr(torch, name)(torch.from_numpy(x)).numpy(), rtol=1e-15, atol=1e-320)
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 20001), 1 - np.geomspace(1e-16, 1e-3, 30)])
    inv = E.erfinv(ember.tensor(y, dtype=ember.float64)).numpy()
    np.testing.assert_allclose(inv, torch.erfinv(torch.from_numpy(y)).numpy(), rtol=1e-13, atol=1e-15)
    back = np.array([math.erf(v) for v in inv])
    np.testing.assert_allclose(back, y, rtol=2e-16, atol=1e-16)


# ---------------------------------------------------------------- selection and fused ops
def test_clamp_variants_dtypes_and_names():
    e, t = _pair(INT, "int64")
    _same(E.clamp(e, 0.5, 2.5), torch.clamp(t, 0.5, 2.5))
    _same(E.clamp(e, 0, 2), torch.clamp(t, 0, 2))
    _same(E.clip(e, max=1), torch.clip(t, max=1))
    f_e, f_t = _pair(FLOAT, "float32")
    lo_e, lo_t = _pair([0.0, 0.0, 0.0, 0.0], "float64")
    _same(E.clamp(f_e, lo_e), torch.clamp(f_t, lo_t))
    _same(E.clamp(f_e, 1.0, 0.0), torch.clamp(f_t, 1.0, 0.0))
    x_e = ember.tensor(FLOAT, requires_grad=True)
    x_t = torch.tensor(FLOAT, requires_grad=True)
    for fe, ft in [(lambda x: E.clamp(x, 0.1), lambda x: torch.clamp(x, 0.1)),
                   (lambda x: E.clamp_min(x, 0.1), lambda x: torch.clamp_min(x, 0.1)),
                   (lambda x: E.clamp_max(x, 0.1), lambda x: torch.clamp_max(x, 0.1)),
                   (lambda x: E.clamp(x, x * 0), lambda x: torch.clamp(x, x * 0)),
                   (lambda x: E.clamp_min(x, x * 0), lambda x: torch.clamp_min(x, x * 0))]:
        assert fe(x_e).grad_fn.name() == ft(x_t).grad_fn.name()
    _same_error(lambda: E.clamp(f_e), lambda: torch.clamp(f_t))
    b_e, b_t = _pair([True, False], "bool")
    _same(E.clamp(b_e, 0, 1), torch.clamp(b_t, 0, 1))
    _same_error(lambda: E.clamp(b_e, min=False), lambda: torch.clamp(b_t, min=False))


def test_where_scalars_and_conditions():
    c_e, c_t = _pair([True, False, True], "bool")
    i_e, i_t = _pair([7, -7, 3], "int64")
    f_e, f_t = _pair([1.5, -2.5, 0.5], "float32")
    _same(E.where(c_e, i_e, f_e), torch.where(c_t, i_t, f_t))
    _same(E.where(c_e, 1, 0), torch.where(c_t, 1, 0))
    _same(E.where(c_e, 1.0, 0), torch.where(c_t, 1.0, 0))
    _same(E.where(c_e, i_e, 2.5), torch.where(c_t, i_t, 2.5))
    _same_error(lambda: E.where(i_e, i_e, i_e), lambda: torch.where(i_t, i_t, i_t))
    _same_error(lambda: E.where(ember.ones(2, 3, dtype=ember.bool), ember.ones(4), ember.ones(3)),
                lambda: torch.where(torch.ones(2, 3, dtype=torch.bool), torch.ones(4), torch.ones(3)))


def test_masked_fill_values_and_errors():
    i_e, i_t = _pair([7, -7, 3], "int64")
    m_e, m_t = _pair([True, False, True], "bool")
    _same(E.masked_fill(i_e, m_e, 2.5), i_t.masked_fill(m_t, 2.5))
    _same(E.masked_fill(i_e, m_e, ember.tensor(1.5)), i_t.masked_fill(m_t, torch.tensor(1.5)))
    _same(E.masked_fill(ember.zeros(2, 3), m_e, 1.0), torch.zeros(2, 3).masked_fill(m_t, 1.0))
    for dt in ("int64", "uint8", "float32"):
        bad_e, bad_t = _pair([1, 0, 1], dt)
        _same_error(lambda: E.masked_fill(i_e, bad_e, 1), lambda: i_t.masked_fill(bad_t, 1))
    _same_error(lambda: E.masked_fill(i_e, m_e, ember.tensor([1])), lambda: i_t.masked_fill(m_t, torch.tensor([1])))


def test_lerp_addcmul_addcdiv_dtypes_and_errors():
    i_e, i_t = _pair(INT, "int64")
    f_e, f_t = _pair(FLOAT, "float32")
    _same(E.addcmul(i_e, i_e, i_e), torch.addcmul(i_t, i_t, i_t))
    _same(E.addcmul(f_e, i_e, i_e, value=0.5), torch.addcmul(f_t, i_t, i_t, value=0.5))
    _same_error(lambda: E.addcdiv(i_e, i_e, i_e), lambda: torch.addcdiv(i_t, i_t, i_t))
    _same_error(lambda: E.lerp(i_e, i_e, 0.5), lambda: torch.lerp(i_t, i_t, 0.5))
    _same_error(lambda: E.lerp(f_e, f_e.double(), 0.5), lambda: torch.lerp(f_t, f_t.double(), 0.5))
    _same_error(lambda: E.lerp(f_e, f_e, i_e), lambda: torch.lerp(f_t, f_t, i_t))
    for w in (0.0, 0.3, 1.0):
        _same(E.lerp(f_e, f_e * 3, w), torch.lerp(f_t, f_t * 3, w))


def test_binary_float_ops_dtypes_and_errors():
    i_e, i_t = _pair(INT, "int64")
    f_e, f_t = _pair(FLOAT, "float32")
    for name in ("hypot", "logaddexp"):
        _same_error(lambda: getattr(E, name)(i_e, i_e), lambda: getattr(torch, name)(i_t, i_t))
        np.testing.assert_allclose(getattr(E, name)(f_e, i_e).numpy(), getattr(torch, name)(f_t, i_t).numpy(),
                                   rtol=1e-6)
    _same(E.atan2(i_e, i_e), torch.atan2(i_t, i_t))
    _same_error(lambda: E.atan2(f_e, 2.0), lambda: torch.atan2(f_t, 2.0))
    _same_error(lambda: E.maximum(f_e, 1), lambda: torch.maximum(f_t, 1))
    x_e, x_t = _pair([0.0, 0.0, 1.0, 2.0], "float32")
    y_e, y_t = _pair([float("nan"), 0.0, 0.0, float("inf")], "float32")
    _same(E.xlogy(x_e, y_e), torch.xlogy(x_t, y_t))
    out, expected = E.xlogy(i_e, i_e.abs()), torch.xlogy(i_t, i_t.abs())
    assert out.dtype is ember.float32 and expected.dtype is torch.float32
    # float32 log: NumPy's and torch's vectorised one may differ by an ulp
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=2e-7)
    nan = float("nan")
    a_e, a_t = _pair([nan, 1.0, 2.0], "float32")
    b_e, b_t = _pair([1.0, nan, 2.0], "float32")
    for name in ("maximum", "minimum", "fmax", "fmin"):
        _same(getattr(E, name)(a_e, b_e), getattr(torch, name)(a_t, b_t))


def test_sgn_gradient_is_zero():
    x = ember.tensor([1.5, -2.0], requires_grad=True)
    (g,) = ember.autograd.grad(E.sgn(x).sum(), x)
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0])


# ---------------------------------------------------------------- logic and bits
def test_logical_and_bitwise():
    i_e, i_t = _pair(INT, "int64")
    b_e, b_t = _pair([True, False, True, False], "bool")
    f_e, f_t = _pair(FLOAT, "float32")
    _same(E.logical_not(i_e), torch.logical_not(i_t))
    _same(E.logical_and(f_e, i_e), torch.logical_and(f_t, i_t))
    _same(E.logical_xor(b_e, i_e), torch.logical_xor(b_t, i_t))
    _same_error(lambda: E.logical_and(f_e, 1), lambda: torch.logical_and(f_t, 1))
    _same(~b_e, ~b_t)
    _same(~i_e, ~i_t)
    _same(b_e & i_e, b_t & i_t)
    _same(b_e & True, b_t & True)
    _same(b_e | 3, b_t | 3)
    _same(3 ^ i_e, 3 ^ i_t)
    _same_error(lambda: ~f_e, lambda: ~f_t)
    _same_error(lambda: f_e & f_e, lambda: f_t & f_t)
    _same_error(lambda: E.bitwise_left_shift(f_e, 1), lambda: torch.bitwise_left_shift(f_t, 1))
    for s in (2, -1, 63, 64, 70):
        _same(i_e << s, i_t << s)
        _same(i_e >> s, i_t >> s)
    u_e, u_t = _pair([1, 2], "uint8")
    _same(u_e << 7, u_t << 7)
    _same(b_e << 1, b_t << 1)


# ---------------------------------------------------------------- comparisons
def test_comparisons_with_scalars_and_mixed_dtypes():
    u_e, u_t = _pair([0, 255], "uint8")
    for other in (256, -1, 300, 2.5):
        _same(u_e == other, u_t == other)
        _same(u_e < other, u_t < other)
    i_e, i_t = _pair([2, 3], "int64")
    _same(i_e == 2.5, i_t == 2.5)
    b_e, b_t = _pair([True, False], "bool")
    _same(b_e == 1, b_t == 1)
    _same(b_e < 0.5, b_t < 0.5)
    assert (ember.ones(2) == None) is False  # noqa: E711 - PyTorch's answer
    _same(ember.tensor(1) == i_e, torch.tensor(1) == i_t)
    _same_error(lambda: ember.ones(2, 3) < ember.ones(4), lambda: torch.ones(2, 3) < torch.ones(4))


def test_equal_isclose_and_tests():
    f_e, f_t = _pair([1.0, 2.0], "float32")
    d_e, d_t = _pair([1.0, 2.0], "float64")
    i_e, i_t = _pair([1, 2], "int64")
    assert C.equal(f_e, d_e) == torch.equal(f_t, d_t)
    assert C.equal(i_e, f_e) == torch.equal(i_t, f_t)
    assert C.equal(f_e, ember.ones(3)) == torch.equal(f_t, torch.ones(3))
    _same_error(lambda: C.isclose(f_e, d_e), lambda: torch.isclose(f_t, d_t))
    _same_error(lambda: C.allclose(f_e, d_e), lambda: torch.allclose(f_t, d_t))
    _same_error(lambda: C.isclose(f_e, 1.0), lambda: torch.isclose(f_t, 1.0))
    _same(C.isclose(i_e, i_e), torch.isclose(i_t, i_t))
    s_e, s_t = _pair([float("nan"), float("inf"), -float("inf"), -0.0, 1.0], "float32")
    for name in ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit"):
        _same(getattr(C, name)(s_e), getattr(torch, name)(s_t))
        _same(getattr(C, name)(i_e), getattr(torch, name)(i_t))
        _same(getattr(C, name)(ember.tensor([True])), getattr(torch, name)(torch.tensor([True])))
    _same(C.isclose(s_e, s_e, equal_nan=True), torch.isclose(s_t, s_t, equal_nan=True))


# ---------------------------------------------------------------- errors in PyTorch's words
def test_bool_and_integer_errors():
    b_e, b_t = _pair([True, False], "bool")
    i_e, i_t = _pair([1, 2], "int64")
    _same_error(lambda: -b_e, lambda: -b_t)
    _same_error(lambda: b_e - b_e, lambda: b_t - b_t)
    _same_error(lambda: b_e - 1, lambda: b_t - 1)
    _same_error(lambda: 1 - b_e, lambda: 1 - b_t)
    _same_error(lambda: b_e // b_e, lambda: b_t // b_t)
    _same_error(lambda: b_e % b_e, lambda: b_t % b_t)
    _same_error(lambda: i_e ** -1, lambda: i_t ** -1)
    _same_error(lambda: E.add(i_e, i_e, alpha=2.5), lambda: torch.add(i_t, i_t, alpha=2.5))
    _same_error(lambda: E.add(i_e, i_e, alpha=True), lambda: torch.add(i_t, i_t, alpha=True))
    _same_error(lambda: E.div(i_e, 2, rounding_mode="x"), lambda: torch.div(i_t, 2, rounding_mode="x"))
    _same_error(lambda: ember.ones(2, 3) + ember.ones(4), lambda: torch.ones(2, 3) + torch.ones(4))
    _same_error(lambda: E.round(i_e, decimals=1), lambda: torch.round(i_t, decimals=1))
    _same_error(lambda: E.frac(i_e), lambda: torch.frac(i_t))


def test_casts():
    x_e = ember.tensor([1.5, -2.5], requires_grad=True)
    x_t = torch.tensor([1.5, -2.5], requires_grad=True)
    assert E.to(x_e, ember.float32) is x_e
    for args, kwargs in [((ember.float64,), {}), ((ember.float32,), {"copy": True}), ((), {"dtype": ember.float16})]:
        t_args = tuple(getattr(torch, a.name) for a in args)
        t_kwargs = {k: (getattr(torch, v.name) if isinstance(v, ember.dtype) else v) for k, v in kwargs.items()}
        out_e, out_t = E.to(x_e, *args, **kwargs), x_t.to(*t_args, **t_kwargs)
        assert out_e.grad_fn.name() == out_t.grad_fn.name()
        assert out_e.dtype.name == str(out_t.dtype).split(".")[1]
    assert not E.to(x_e, ember.int64).requires_grad
    assert E.to(x_e, "cpu", ember.int32).dtype is ember.int32
    assert E.to(x_e, ember.ones(1, dtype=ember.float64)).dtype is ember.float64
    assert E.type_(x_e) == x_t.type()
    assert E.type_(x_e.detach(), "torch.IntTensor").dtype is ember.int32
    _same_error(lambda: E.type_(x_e, "torch.Foo"), lambda: x_t.type("torch.Foo"))
    (g,) = ember.autograd.grad(E.to(x_e, ember.float64).sum(), x_e)
    assert g.dtype is ember.float32
