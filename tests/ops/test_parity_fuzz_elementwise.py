"""Parity with torch found by fuzzing elementwise ops: gradients at NaN (relu, abs, maximum,
minimum), xlogy's and pow's gradients at zero and with integer operands, bool operands of //, %,
fmod and pow, and error messages of bool subtraction and boolean alpha."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SPECIAL = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.5, -2.5, 0.5, 2.5, -1.0], np.float32)


def _grads(fn, *arrays, upstream_seed=0):
    """Gradients of ``fn`` (given a namespace and tensors) w.r.t. the float arrays, ember then torch."""
    out = []
    for lib in (ember, torch):
        ts = [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
        y = fn(lib, *ts)
        g = np.random.default_rng(upstream_seed).standard_normal(tuple(y.shape)).astype(str(y.dtype).split(".")[1])
        leaves = [t for t in ts if t.requires_grad]
        out.append([r.numpy() for r in lib.autograd.grad(y, leaves, lib.tensor(g))])
    return out


def _assert_same(e, t, rtol=1.3e-6, atol=1e-5):
    for a, b in zip(e, t):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("name", ["relu", "abs"])
def test_unary_gradient_at_nan_and_zero(name):
    _assert_same(*_grads(lambda lib, x: getattr(lib, name)(x), SPECIAL))


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_gradient_at_nan_and_ties(name):
    other = np.array([1.0, np.nan, 0.0, 0.0, 1.0, 1.5, -3.0, 0.5, np.inf, -1.0], np.float32)
    _assert_same(*_grads(lambda lib, x, y: getattr(lib, name)(x, y), SPECIAL, other))


def test_xlogy_gradient_at_zero_input():
    x = np.array([0.0, 0.0, 0.0, 1.0, 2.0, np.nan, -0.0], np.float32)
    y = np.array([2.0, 0.0, np.nan, 0.0, 3.0, 2.0, -1.0], np.float32)
    _assert_same(*_grads(lambda lib, a, b: lib.xlogy(a, b), x, y))
    _assert_same(*_grads(lambda lib, a: lib.xlogy(a, 0.0), x))
    _assert_same(*_grads(lambda lib, a: lib.xlogy(a, 3.0), x))


@pytest.mark.parametrize("dtype", ["uint8", "int64", "int32"])
def test_integer_operand_gradients_use_float_logs(dtype):
    ints = np.array([[0, 1, 2, 4], [3, 5, 6, 7]], dtype)
    x = np.random.default_rng(0).uniform(-2, 2, (2, 4)).astype(np.float32)
    _assert_same(*_grads(lambda lib, a, b: lib.xlogy(a, b), x, ints))
    _assert_same(*_grads(lambda lib, b, e: lib.pow(b, e), ints, x))


def test_pow_exponent_gradient_at_zero_base():
    base = np.array([0.0, 0.0, 0.0, 2.0], np.float32)
    exponent = np.array([-1.0, 0.0, 2.0, -1.5], np.float32)
    _assert_same(*_grads(lambda lib, b, e: lib.pow(b, e), base, exponent))
    _assert_same(*_grads(lambda lib, b, e: lib.pow(b, e), np.array([0, 0, 3, -1]), exponent))


def _same_result_or_error(fn):
    results = []
    for lib in (ember, torch):
        try:
            results.append(fn(lib))
        except Exception as err:  # noqa: BLE001 - compared with torch's below
            results.append(err)
    e, t = results
    if isinstance(t, Exception):
        assert type(e) is type(t) and str(e) == str(t)
    else:
        assert not isinstance(e, Exception), e
        assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1]
        np.testing.assert_array_equal(e.numpy(), t.numpy())


BOOL_CASES = {
    "floordiv_int": lambda lib, b: b // 2, "floordiv_float": lambda lib, b: b // 2.5,
    "floordiv_bool": lambda lib, b: b // True, "rfloordiv_bool": lambda lib, b: True // b,
    "floordiv_zero": lambda lib, b: b // 0, "mod_int": lambda lib, b: b % 3, "mod_bool": lambda lib, b: b % True,
    "fmod_int": lambda lib, b: lib.fmod(b, 2), "fmod_bool": lambda lib, b: lib.fmod(b, True),
    "remainder_int": lambda lib, b: lib.remainder(b, -3),
    "div_trunc_bool": lambda lib, b: lib.div(b, True, rounding_mode="trunc"),
    "div_floor_int": lambda lib, b: lib.div(b, 2, rounding_mode="floor"),
    "pow_true": lambda lib, b: lib.pow(b, True), "pow_false": lambda lib, b: b ** False, "pow_int": lambda lib, b: b ** 2,
    "sub_bool_scalar": lambda lib, b: b - True, "rsub_bool_scalar": lambda lib, b: lib.rsub(b, False),
    "sub_bool_int": lambda lib, b: b - 1,
    "add_bool_alpha": lambda lib, b: lib.sub(b.float(), b.float(), alpha=True),
}


@pytest.mark.parametrize("case", list(BOOL_CASES), ids=str)
def test_bool_operands_match_torch(case):
    mask = np.array([[True, False, True], [False, False, True]])
    _same_result_or_error(lambda lib: BOOL_CASES[case](lib, lib.tensor(mask)))
