"""Factory functions' ``out=`` (``torch.zeros(2, 2, out=c)``) and the top-level in-place twins, against torch."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import ember  # noqa: E402


def _factories(lib):
    return [
        lambda out: lib.zeros(2, 2, out=out),
        lambda out: lib.ones((2, 2), out=out),
        lambda out: lib.full((2, 2), 7.5, out=out),
        lambda out: lib.eye(2, out=out),
        lambda out: lib.arange(4, out=out),
        lambda out: lib.arange(0, 1, 0.25, out=out),
        lambda out: lib.linspace(0, 1, 4, out=out),
        lambda out: lib.logspace(0, 1, 4, out=out),
    ]


@pytest.mark.parametrize("index", range(8))
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("shape", [(2, 2), (4,), (3,), (0,)])
def test_factory_writes_into_out_and_returns_it(index, dtype, shape):
    results = []
    for lib in (torch, ember):
        out = lib.zeros(shape, dtype=getattr(lib, dtype))
        view = out.view(-1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                got = _factories(lib)[index](out)
            except (RuntimeError, ValueError) as e:  # arange(0, 1, 0.25) into int64: step truncates to 0
                results.append((type(e), str(e)))
                continue
        assert got is out
        results.append((out.numpy().copy(), out.dtype.__repr__().split(".")[1], view.numpy().copy()))
    if len(results[0]) == 2:
        assert results[1] == results[0]
        return
    (t_val, t_dtype, t_view), (e_val, e_dtype, e_view) = results
    assert e_dtype == t_dtype
    np.testing.assert_array_equal(e_val, t_val)
    if np.prod(shape) >= t_val.size:  # no growth: written into out's own memory, which views see
        np.testing.assert_array_equal(e_view, t_view)


def test_factory_dtype_must_match_out():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            lib.ones(2, out=lib.zeros(2, dtype=lib.int64), dtype=lib.float32)
        assert str(info.value) == "dtype Float does not match dtype of out parameter (Long)"


def test_arange_out_resize_warns_as_torch():
    messages = []
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.arange(5, out=lib.zeros(3))
        messages.append(str(caught[0].message).split(" (Triggered")[0])
    assert messages[0] == messages[1]


def test_top_level_in_place_functions():
    for name in ("sin_", "abs_", "exp_", "sqrt_", "relu_", "neg_", "floor_", "zero_"):
        a = torch.tensor([0.25, 1.5, 2.0])
        b = ember.tensor([0.25, 1.5, 2.0])
        assert getattr(ember, name)(b) is b
        getattr(torch, name)(a)
        np.testing.assert_array_equal(b.numpy(), a.numpy())


def test_tensor_type_prints_as_torch():
    assert str(type(ember.ones(1))) == str(type(torch.ones(1))).replace("torch", "ember")


@pytest.mark.parametrize("args, dtype", [((0, 3, 1.5), "int64"), ((0, 3, 1.5), "int32"), ((0.5, 3.7), "int64"),
                                         ((0.5, 3.7), "int32"), ((3, 0.5, -1), "int64"), ((0, 1, 0.25), "int32"),
                                         ((0, 1, 0.25), "int64"), ((0, -3, 1.5), "int64"), ((0, -3, 1.5), None)])
def test_arange_integer_dtypes_truncate_as_torch(args, dtype):
    results = []
    for lib in (torch, ember):
        try:
            results.append(lib.arange(*args, dtype=dtype and getattr(lib, dtype)).tolist())
        except (RuntimeError, ValueError) as e:
            results.append((type(e), str(e)))
    assert results[1] == results[0]
