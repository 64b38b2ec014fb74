"""Creation functions vs PyTorch: dtype inference, fill conversions, range factories, size forms, errors."""
import numpy as np
import pytest
import torch

import ember


def _result(lib, fn):
    try:
        return fn(lib), None
    except Exception as exc:  # noqa: BLE001 - the exception itself is compared
        return None, exc


def check(fn):
    """fn(lib) gives the same tensor (dtype, shape, strides, values) or the same error in both."""
    t, te = _result(torch, fn)
    e, ee = _result(ember, fn)
    if te is not None or ee is not None:
        assert type(ee) is type(te) and str(ee).replace("ember", "torch") == str(te), (ee, te)
        return
    assert str(e.dtype).replace("ember", "torch") == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape) and e.stride() == t.stride()
    assert e.requires_grad == t.requires_grad
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


# a NumPy float64 after a Python number in a list is not looked for (ember reads the first leaf only
# there, to keep tensor(list of floats) fast), so [1, np.float64(2)] gives float32, not float64
DATA = [[np.float64(1.0), 2], [np.float64(2), [1, 2]][1:], [[np.float64(2), 3], [1, 2]], [np.int16(1), np.int16(2)],
        [np.int32(1), 2], [np.int32(1), np.int8(2)], [np.float16(1), 2], [np.float32(1), 2.0], [np.uint8(1), -1],
        [np.uint8(1), True], np.float64(2), [True, 1.5], [[1, 2], [3, 4, 5]], [[1, 2], 3], [[1, 2], [[3], 4]],
        [1.5, [2]], [1, [2]], [[1], [2], []], [[1, 2], (3,)], [1, None], [1, object()], "abc"]


@pytest.mark.parametrize("data", DATA, ids=range(len(DATA)))
def test_tensor_inference(data):
    check(lambda lib: lib.tensor(data))


@pytest.mark.parametrize("data", [[[1, 2], [3, 4, 5]], [[1, 2], 3], [[1, 2], [[3], 4]], [1.5, [2]], [1, [2]],
                                  [[1], [2], []], [[1, 2], (3,)], [True, 1.5]], ids=range(8))
@pytest.mark.parametrize("dtype", ["float32", "int64", "float16", "bool", "float64"])
def test_tensor_with_dtype(data, dtype):
    check(lambda lib: lib.tensor(data, dtype=getattr(lib, dtype)))


@pytest.mark.parametrize("fn", ["tensor", "zeros", "ones", "full", "arange", "linspace", "eye", "zeros_like"])
def test_integer_requires_grad_error(fn):
    calls = {"tensor": lambda lib: lib.tensor([1], requires_grad=True),
             "zeros": lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True),
             "ones": lambda lib: lib.ones((2,), dtype=lib.bool, requires_grad=True),
             "full": lambda lib: lib.full((2,), 3, requires_grad=True),
             "arange": lambda lib: lib.arange(5, requires_grad=True),
             "linspace": lambda lib: lib.linspace(0, 4, 5, dtype=lib.int32, requires_grad=True),
             "eye": lambda lib: lib.eye(2, dtype=lib.int64, requires_grad=True),
             "zeros_like": lambda lib: lib.zeros_like(lib.ones(2), dtype=lib.int64, requires_grad=True)}
    check(calls[fn])


SIZES = [(2, 3), ((2, 3),), ([2, 3],), ((),), (-1,), ((2, -1),), (2.0,), ((2, 3.0),), (2, 3.0), ((2.5, 3),),
         (True,), ((True,),), (None,), (("a",),), ((2, None),)]


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty", "rand", "randn"])
@pytest.mark.parametrize("size", SIZES, ids=range(len(SIZES)))
def test_size_forms(fn, size):
    def shape(lib):
        t = getattr(lib, fn)(*size)
        return lib.zeros(t.shape)   # the values of empty/rand are not compared
    check(shape)


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_keyword(fn):
    check(lambda lib: lib.zeros(getattr(lib, fn)(size=(2, 3), dtype=lib.float64).shape))
    check(lambda lib: lib.zeros(getattr(lib, fn)(size=(2, 3), dtype=lib.float64).shape, dtype=lib.float64))


@pytest.mark.parametrize("fill", [1, 1.5, True, -3, -300, 2 ** 40, 1e300, float("nan"), float("inf"), -3.7,
                                  np.float32(2.0), np.int32(4), np.bool_(True)], ids=str)
@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64", "int32", "int8", "uint8", "bool"])
def test_full_fill_conversion(fill, dtype):
    check(lambda lib: lib.full((2,), fill, dtype=None if dtype is None else getattr(lib, dtype)))
    if dtype is not None:
        check(lambda lib: lib.full_like(lib.zeros(3, dtype=getattr(lib, dtype)), fill))


def test_full_size_must_be_a_sequence():
    check(lambda lib: lib.full(2, 1.0))
    check(lambda lib: lib.full((2.0,), 1.0))


RANGES = [(5,), (1, 5, 2), (0, 1, 0.1), (0, 1, 0.3), (5, 1, -0.7), (5, 1), (1, 5, 0), (float("inf"),),
          (0.5, float("inf")), (float("-inf"), 2), (0, 5, float("nan")), (2.7, -4.6, -0.1), (-3.3, 17.9, 0.37),
          (0.3, 1000, 0.7)]


@pytest.mark.parametrize("args", RANGES, ids=str)
@pytest.mark.parametrize("dtype", [None, "int64", "float32", "float64", "uint8", "bool"])
def test_arange(args, dtype):
    check(lambda lib: lib.arange(*args, dtype=None if dtype is None else getattr(lib, dtype)))


@pytest.mark.parametrize("args", [(0, 5, float("inf")), (1e20,)], ids=str)
def test_arange_float_extremes(args):
    check(lambda lib: lib.arange(*args))


@pytest.mark.parametrize("seed", range(20))
def test_float_ranges_bitwise(seed):
    rng = np.random.default_rng(seed)
    a = float(np.round(rng.uniform(-10, 10), 2))
    b, step = a + float(rng.uniform(1, 50)), float(np.round(rng.uniform(0.01, 1), 3))
    steps = int(rng.integers(2, 300))
    for dt in ("float32", "float64"):
        check(lambda lib: lib.arange(a, b, step, dtype=getattr(lib, dt)))
        check(lambda lib: lib.linspace(a, b, steps, dtype=getattr(lib, dt)))
        check(lambda lib: lib.logspace(a / 10, b / 10, steps, base=[10, 2, 2.5][seed % 3], dtype=getattr(lib, dt)))


SPACES = [(0, 1, 5), (-1, 1, 7), (3, -7, 6), (-1.5, 2.7, 5), (0.5, 2.5, 4), (-1, 2, 4), (0, 1, 1), (-4.0, 4.0, 0),
          (-1.045, 3.817, 1)]


@pytest.mark.parametrize("args", SPACES, ids=str)
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "float16", "bool"])
def test_linspace_logspace_dtypes(args, dtype):
    check(lambda lib: lib.linspace(*args, dtype=getattr(lib, dtype)))
    check(lambda lib: lib.logspace(*args, dtype=getattr(lib, dtype)))
    check(lambda lib: lib.logspace(*args, base=2.5, dtype=getattr(lib, dtype)))


LAYOUTS = [lambda lib: lib.zeros(3, 4).t(), lambda lib: lib.zeros(2, 3, 4).permute(2, 0, 1)[::2],
           lambda lib: lib.zeros(3, 8)[:, ::2].t(), lambda lib: lib.zeros(4, 1).expand(4, 3).t(),
           lambda lib: lib.zeros(3, 8)[:, ::2]]


@pytest.mark.parametrize("layout", range(len(LAYOUTS)))
@pytest.mark.parametrize("fn", ["zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like"])
def test_like_preserves_layout(fn, layout):
    def make(lib):
        lib.manual_seed(0)
        x = LAYOUTS[layout](lib)
        out = lib.full_like(x, 2.5) if fn == "full_like" else getattr(lib, fn)(x)
        return out if fn in ("rand_like", "randn_like") else lib.zeros_like(out).add_(1)
    check(make)
