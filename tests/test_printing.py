"""ember's tensor repr against PyTorch's, character for character."""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from torch import _tensor_str as torch_str  # noqa: E402

from ember import _dtype  # noqa: E402
from ember._printing import (  # noqa: E402
    format_tensor, get_printoptions, printoptions, set_printoptions)

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
FLOATS = ["float32", "float64", "float16"]
SHAPES = [(), (1,), (5,), (3, 4), (2, 3, 4), (2, 1, 3, 2), (0,), (0, 3), (2, 0, 4), (1, 1)]


@pytest.fixture(autouse=True)
def default_options():
    """Every test starts and ends on PyTorch's defaults, in torch and in ember alike."""
    torch.set_printoptions(profile="default")
    set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")
    set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    _dtype.set_default_dtype(_dtype.float32)


def torch_repr(arr):
    """What PyTorch prints for the same values and dtype, spelled with ember's namespace."""
    return repr(torch.from_numpy(np.array(arr, copy=True))).replace("torch.", "ember.")


def assert_same(arr):
    assert format_tensor(arr) == torch_repr(arr)


def random_array(rng, dtype, shape, kind):
    """Seeded test data: kind picks the features that steer PyTorch's formatter."""
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype not in FLOATS:
        info = np.iinfo(dtype)
        span = {"small": 10, "wide": info.max}.get(kind, 1000)
        low = max(info.min, -span)
        return rng.integers(low, min(info.max, span), size=shape, endpoint=True).astype(dtype)
    values = rng.standard_normal(shape)
    if kind == "wide":  # magnitudes spanning 1e-10 .. 1e10 in one tensor
        values = values * 10.0 ** rng.integers(-10, 11, size=shape)
    elif kind == "small":
        values = np.round(values * 20)  # integer-valued floats, with zeros and -0.0
    elif kind == "special":
        pool = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -3.0])
        values = np.where(rng.random(shape) < 0.4, rng.choice(pool, size=shape), values)
    else:
        values = values * 10.0 ** rng.integers(-6, 9)
    with np.errstate(over="ignore"):
        return np.asarray(values).astype(dtype)


# --- the examples that the users of the library will see first --------------------------------

def test_literal_examples():
    assert format_tensor(np.array([51.2, 512.0, 0.0512], np.float32)) == (
        "tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])")
    assert format_tensor(np.array([-1037.7939, -193.1925, -91.6601], np.float32),
                         ["grad_fn=<MulBackward0>"]) == (
        "tensor([-1037.7939,  -193.1925,   -91.6601], grad_fn=<MulBackward0>)")
    assert format_tensor(np.array([[1.0606, -0.1873], [1.7177, -1.3912]], np.float32),
                         ["requires_grad=True"]) == (
        "tensor([[ 1.0606, -0.1873],\n        [ 1.7177, -1.3912]], requires_grad=True)")


@pytest.mark.parametrize("values, dtype, text", [
    (27.0, np.float32, "tensor(27.)"),
    ([1.0, 2.0], np.float64, "tensor([1., 2.], dtype=ember.float64)"),
    (np.zeros((0, 3)), np.float32, "tensor([], size=(0, 3))"),
    ([], np.int64, "tensor([], dtype=ember.int64)"),
    ([True, False], np.bool_, "tensor([ True, False])"),
    ([1, 2], np.float16, "tensor([1., 2.], dtype=ember.float16)"),
])
def test_small_literals(values, dtype, text):
    arr = np.array(values, dtype)
    assert torch_repr(arr) == text  # the literal is PyTorch's own output
    assert format_tensor(arr) == text


# --- generated arrays against PyTorch -----------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["normal", "wide", "small", "special"])
def test_seeded_arrays(dtype, kind):
    rng = np.random.default_rng(DTYPES.index(dtype) * 10 + len(kind))
    for shape in SHAPES:
        for _ in range(3):
            assert_same(random_array(rng, dtype, shape, kind))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("values", [
    [0.0], [-0.0], [0.0, -0.0], [np.nan], [np.inf, -np.inf], [np.nan, 0.0, -0.0, np.inf],
    [1e-10, 1e10], [1e8, 1.0], [1.5e8], [9.99995e-5, 1.0], [1e-4], [1e-5], [999.0, 1.0],
    [1001.0, 1.0], [-1.0, 1000.0], [0.1, 100.0], [0.1, 100.01], [123456789.0], [-2.5, np.nan],
    [65504.0, -65504.0], [6e-8, 1.0], [1e38, -1e-38], [1e300, 1e-300], [-5e-324, 0.5],
    [1.0, 2.0, 3.0], [-1.0, 10.0, -100.0], [0.5, -0.5], [9.99996, 99.99996], [-0.00005, 3.0],
])
def test_notation_edges(dtype, values):
    with np.errstate(over="ignore", under="ignore"):
        arr = np.array(values, dtype=dtype)
    assert_same(arr)
    assert_same(arr.reshape(1, -1))
    assert_same(arr[:1].reshape(()))


@pytest.mark.parametrize("dtype", DTYPES[3:8])
def test_integer_extremes(dtype):
    info = np.iinfo(dtype)
    assert_same(np.array([info.min, 0, info.max], dtype))
    assert_same(np.array([[info.max], [1]], dtype))
    assert_same(np.array(info.min, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1001,), (2000,), (40, 30), (11, 10, 10), (2, 3, 200),
                                   (1, 1001), (1001, 1), (7, 7, 7, 7), (1000,)])
def test_summarization(dtype, shape):
    rng = np.random.default_rng(len(shape) + 7 * DTYPES.index(dtype))
    assert_same(random_array(rng, dtype, shape, "wide" if dtype == "float64" else "normal"))


def test_summarized_formatter_sees_only_shown_values():
    # The 1e10 in the middle is not printed, so it must not force scientific notation.
    arr = 1 + np.arange(2000, dtype=np.float32) / 2000
    arr[1000] = 1e10
    assert_same(arr)
    assert "e+" not in format_tensor(arr)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(30,), (80,), (3, 40), (2, 2, 25), (500,)])
def test_line_wrapping(dtype, shape):
    rng = np.random.default_rng(shape[-1] + DTYPES.index(dtype))
    assert_same(random_array(rng, dtype, shape, "normal"))


def _float_elements(dtype):
    width = np.dtype(dtype).itemsize * 8
    return st.floats(width=width, allow_nan=True, allow_infinity=True, allow_subnormal=True)


def _elements(dtype):
    if dtype in FLOATS:
        return _float_elements(dtype)
    return hnp.from_dtype(np.dtype(dtype))


array_strategy = st.sampled_from(DTYPES).flatmap(lambda dtype: hnp.arrays(
    dtype, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6),
    elements=_elements(dtype)))


@settings(max_examples=250, deadline=None)
@given(array_strategy)
def test_hypothesis_arrays(arr):
    assert_same(arr)


@settings(max_examples=60, deadline=None)
@given(array_strategy, st.sampled_from([0, 1, 2, 6]), st.sampled_from([None, True, False]),
       st.sampled_from([0, 5, 30, 1000]), st.sampled_from([1, 2, 3]),
       st.sampled_from([10, 40, 80, 150]))
def test_hypothesis_with_options(arr, precision, sci_mode, threshold, edgeitems, linewidth):
    options = dict(precision=precision, sci_mode=sci_mode, threshold=threshold,
                   edgeitems=edgeitems, linewidth=linewidth)
    torch.set_printoptions(**options)
    set_printoptions(**options)
    assert_same(arr)


# --- print options ------------------------------------------------------------------------------

OPTIONS = [
    dict(precision=0), dict(precision=1), dict(precision=2), dict(precision=8),
    dict(sci_mode=True), dict(sci_mode=False), dict(sci_mode=True, precision=2),
    dict(linewidth=20), dict(linewidth=40), dict(linewidth=120), dict(linewidth=200),
    dict(threshold=0), dict(threshold=5), dict(threshold=10), dict(threshold=math.inf),
    dict(edgeitems=0), dict(edgeitems=1), dict(edgeitems=2), dict(edgeitems=5),
    dict(threshold=5, edgeitems=0), dict(threshold=5, edgeitems=1, linewidth=30),
    dict(profile="short"), dict(profile="full"), dict(profile="default"),
    dict(profile="short", precision=6), dict(profile="full", linewidth=60, sci_mode=False),
]


def _option_arrays():
    rng = np.random.default_rng(5)
    arrays = [random_array(rng, dtype, shape, kind) for dtype, shape, kind in [
        ("float32", (), "normal"), ("float32", (12,), "normal"), ("float64", (4, 5), "wide"),
        ("float16", (3, 2, 4), "special"), ("int64", (30,), "wide"), ("int8", (2, 7), "normal"),
        ("bool", (3, 9), "normal"), ("float32", (1200,), "normal"), ("uint8", (20, 60), "small"),
        ("float64", (0, 2), "normal"), ("float32", (6, 3), "small"), ("float32", (50,), "wide"),
        ("float64", (3,), "special")]]
    return arrays + [np.array([0.0, np.nan], np.float32), np.array([1e-5, 3.25], np.float32)]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_printoptions(options):
    torch.set_printoptions(**options)
    set_printoptions(**options)
    assert get_printoptions() == torch_str.get_printoptions()
    for arr in _option_arrays():
        assert_same(arr)


def test_get_printoptions_defaults_and_roundtrip():
    assert get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3,
                                  "linewidth": 80, "sci_mode": None}
    assert get_printoptions() == torch_str.get_printoptions()
    set_printoptions(precision=2, sci_mode=True)
    saved = get_printoptions()
    set_printoptions(profile="full")
    assert get_printoptions()["threshold"] == math.inf
    assert get_printoptions()["sci_mode"] is None  # sci_mode resets unless passed, as PyTorch
    set_printoptions(**saved)
    assert get_printoptions() == saved


def test_unknown_profile_is_ignored_like_pytorch():
    torch.set_printoptions(profile="nonsense", precision=3)
    set_printoptions(profile="nonsense", precision=3)
    assert get_printoptions() == torch_str.get_printoptions()


def test_printoptions_context_manager():
    arr = np.array([1.123456, 2.0], np.float32)
    with printoptions(precision=1), torch_str.printoptions(precision=1):
        assert get_printoptions()["precision"] == 1
        assert_same(arr)
    assert get_printoptions() == torch_str.get_printoptions()
    assert_same(arr)


# --- suffixes: dtype, requires_grad, grad_fn ----------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES + [(1200,), (30,), (4, 12)])
def test_requires_grad_suffix(dtype, shape):
    rng = np.random.default_rng(len(shape))
    arr = random_array(rng, dtype, shape, "normal")
    leaf = torch.tensor(arr, requires_grad=True)
    text = repr(leaf).replace("torch.", "ember.")
    assert format_tensor(arr, ["requires_grad=True"]) == text
    out = leaf + 1
    expected = repr(out).replace("torch.", "ember.")
    assert format_tensor(out.detach().numpy(), ["grad_fn=<AddBackward0>"]) == expected


class _LongNamedFunctionForTestingHowSuffixesWrap(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * 2


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("linewidth", [30, 60, 80, 100])
def test_suffix_wrapping(dtype, linewidth):
    torch.set_printoptions(linewidth=linewidth)
    set_printoptions(linewidth=linewidth)
    name = "grad_fn=<_LongNamedFunctionForTestingHowSuffixesWrapBackward>"
    for n in range(1, 25):
        arr = (np.arange(n) * 1.5 - 4).astype(dtype)
        leaf = torch.tensor(arr, requires_grad=True)
        assert format_tensor(arr, ["requires_grad=True"]) == repr(leaf).replace("torch.", "ember.")
        out = _LongNamedFunctionForTestingHowSuffixesWrap.apply(leaf)
        expected = repr(out).replace("torch.", "ember.")
        assert format_tensor(out.detach().numpy(), [name]) == expected


def test_empty_and_zero_dim_with_grad():
    for tensor in [torch.zeros(0, 3, requires_grad=True), torch.zeros(0, requires_grad=True),
                   torch.tensor(2.5, requires_grad=True),
                   torch.zeros(2, 0, dtype=torch.float64, requires_grad=True)]:
        expected = repr(tensor).replace("torch.", "ember.")
        assert format_tensor(tensor.detach().numpy(), ["requires_grad=True"]) == expected


# --- the default dtype decides which dtype= suffix is implied ----------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_default_dtype_float64(dtype):
    torch.set_default_dtype(torch.float64)
    _dtype.set_default_dtype(_dtype.float64)
    rng = np.random.default_rng(3)
    for shape in [(), (4,), (0,), (0, 2)]:
        assert_same(random_array(rng, dtype, shape, "normal"))


def test_unsupported_dtype_raises():
    with pytest.raises(TypeError, match="complex128"):
        format_tensor(np.array([1j]))


def test_non_contiguous_views():
    base = np.random.default_rng(9).standard_normal((6, 8, 4)).astype(np.float32)
    for view in [base.T, base[::2, 1::3], base[:, :, 0], base[..., ::-1], np.asfortranarray(base)]:
        assert_same(view)


# --- through the public API: repr(ember.tensor(...)) ---------------------------------------------

def _both(build):
    """Build the same tensor with ember and with torch; return both reprs, torch's respelled."""
    import ember
    return repr(build(ember)), repr(build(torch)).replace("torch.", "ember.")


@pytest.mark.parametrize("build", [
    lambda m: m.tensor([51.2, 512.0, 0.0512]),
    lambda m: m.tensor(27.0),
    lambda m: m.tensor([[1.0606, -0.1873], [1.7177, -1.3912]], requires_grad=True),
    lambda m: m.tensor([-1037.7939, -193.1925, -91.6601], requires_grad=True) * m.tensor(1.0),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True) + 1,
    lambda m: m.tensor([1, 2, 3]),
    lambda m: m.tensor([True, False]),
    lambda m: m.tensor([1.5, -2.0], dtype=m.float16, requires_grad=True),
    lambda m: m.tensor([[1, -2], [100, 4]], dtype=m.int8),
    lambda m: m.tensor([1.0, 2.0], dtype=m.float64),
    lambda m: m.zeros(0, 3),
    lambda m: m.zeros(0, dtype=m.int64),
    lambda m: m.arange(2000.0).reshape(40, 50),
    lambda m: m.arange(30),
    lambda m: m.ones(2, 3, 4, dtype=m.uint8),
])
def test_repr_through_ember(build):
    ours, theirs = _both(build)
    assert ours == theirs


def test_str_and_format_through_ember():
    import ember
    t = ember.tensor([[0.5, 1e-7], [3.0, -4.0]])
    expected = str(torch.tensor([[0.5, 1e-7], [3.0, -4.0]]))
    assert str(t) == expected
    assert f"{t}" == expected


def test_default_dtype_through_ember():
    import ember
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    for build in [lambda m: m.tensor([1.5, 2.0]), lambda m: m.tensor([1.5], dtype=m.float32),
                  lambda m: m.zeros(0, 2, dtype=m.float32), lambda m: m.zeros(0, 2)]:
        ours, theirs = _both(build)
        assert ours == theirs


@pytest.mark.skipif(not hasattr(__import__("ember"), "set_printoptions"),
                    reason="ember/__init__.py does not re-export set_printoptions yet")
def test_set_printoptions_through_ember():
    import ember
    ember.set_printoptions(precision=2, threshold=5, edgeitems=1)
    torch.set_printoptions(precision=2, threshold=5, edgeitems=1)
    ours, theirs = _both(lambda m: m.arange(10.0) / 3)
    assert ours == theirs
