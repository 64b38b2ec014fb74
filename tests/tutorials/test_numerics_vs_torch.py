"""Fixes found by running the tutorials: ``out=`` writes, and sums added in PyTorch's order."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import ember  # noqa: E402


def _both(fn):
    """Run ``fn(lib)`` for torch and ember; return (torch result or exception, ember result or exception)."""
    res = []
    for lib in (torch, ember):
        try:
            res.append(fn(lib))
        except Exception as exc:  # noqa: BLE001 - the exception itself is compared
            res.append(exc)
    return res


def _same(a, b):
    if isinstance(a, Exception):
        # PyTorch's words, with the module named ember as everywhere ember prints
        assert type(b) is type(a) and str(b) == str(a).replace("torch.", "ember."), (a, b)
        return
    assert not isinstance(b, Exception), b
    if isinstance(a, tuple):
        for x, y in zip(a, b, strict=True):
            _same(x, y)
        return
    assert str(b.dtype).replace("ember", "torch") == str(a.dtype) and tuple(b.shape) == tuple(a.shape)
    np.testing.assert_array_equal(b.numpy(), a.numpy())


OUT_CASES = {
    "matmul": lambda L, o: L.matmul(L.ones(4, 4), L.ones(4, 4).T, out=o),
    "mul": lambda L, o: L.mul(L.ones(4, 4), L.full((4, 4), 3.0), out=o),
    "add": lambda L, o: L.add(L.ones(4, 4), 2, alpha=3, out=o),
    "exp": lambda L, o: L.exp(L.zeros(4, 4), out=o),
    "sum": lambda L, o: L.sum(L.ones(2, 4, 4), 0, out=o),
    "cat": lambda L, o: L.cat([L.ones(2, 4), L.zeros(2, 4)], out=o),
    "clamp": lambda L, o: L.clamp(L.arange(16.).reshape(4, 4), 2, 5, out=o),
    "where": lambda L, o: L.where(L.eye(4) > 0, L.ones(4, 4), L.zeros(4, 4), out=o),
}


@pytest.mark.parametrize("name", list(OUT_CASES))
@pytest.mark.parametrize("out_shape", [(4, 4), (0,), (3,)])
def test_out_writes_into_the_given_tensor(name, out_shape):
    def run(lib):
        out = lib.full(out_shape, 7.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = OUT_CASES[name](lib, out)
        assert result is out
        return out
    _same(*_both(run))


def test_out_shares_memory_with_views_and_numpy():
    for lib in (torch, ember):
        base = lib.zeros(4, 4)
        arr = base.numpy()
        lib.mul(lib.ones(4, 4), 2, out=base)
        assert arr[0, 0] == 2.0


def test_out_resize_warns_as_pytorch():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="An output with one or more elements was resized since it had shape "
                                             r"\[3\], which does not match the required output shape \[4, 4\]"):
            lib.mul(lib.ones(4, 4), 2, out=lib.zeros(3))


@pytest.mark.parametrize("case", [
    lambda L: L.mul(L.ones(3, requires_grad=True), 2, out=L.zeros(3)),
    lambda L: L.mul(L.ones(3), 2, out=L.zeros(3, requires_grad=True)),
    lambda L: L.exp(L.ones(3), out=L.zeros(3, dtype=L.long)),
    lambda L: L.add(L.ones(3), 1, out=L.zeros(3, dtype=L.bool)),
    lambda L: L.add(L.ones(3, dtype=L.long), 1, out=L.zeros(3, dtype=L.float64)),
    lambda L: L.add(L.ones(3, dtype=L.bool), True, out=L.zeros(3, dtype=L.long)),
])
def test_out_errors_and_casts_as_pytorch(case):
    _same(*_both(case))


def test_failed_out_leaves_out_unchanged():
    out = ember.full((3,), 5, dtype=ember.long)
    with pytest.raises(RuntimeError):
        ember.exp(ember.ones(3), out=out)
    assert out.tolist() == [5, 5, 5]


SUM_SHAPES = [(5,), (8,), (13,), (100,), (257,), (2000,), (4097,), (30000,), (3, 5), (4, 40), (50, 3), (37, 21),
              (2, 3, 4), (5, 17, 9), (3, 100, 40), (2000, 3)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SUM_SHAPES, ids=str)
def test_sum_and_mean_add_in_pytorchs_order(shape, dtype):
    data = (np.random.default_rng(len(shape) * 1000 + shape[-1]).standard_normal(shape) * 10).astype(dtype)
    t, e = torch.from_numpy(data), ember.from_numpy(data.copy())
    dims = [None] + [d for d in range(len(shape))] + ([(0, 1)] if len(shape) > 2 else [])
    for dim in dims:
        for op in ("sum", "mean"):
            want = getattr(t, op)() if dim is None else getattr(t, op)(dim)
            got = getattr(e, op)() if dim is None else getattr(e, op)(dim)
            np.testing.assert_array_equal(got.numpy(), want.numpy(), err_msg=f"{op} dim={dim}")
    assert e.T.sum().item() == t.T.sum().item() if len(shape) == 2 else True


def test_broadcast_gradient_sums_in_pytorchs_order():
    x = np.linspace(-3, 3, 2000, dtype=np.float32)
    grads = []
    for lib in (torch, ember):
        a = lib.tensor(0.5, requires_grad=True)
        (a * lib.from_numpy(x.copy()) ** 2).sum().backward()
        b = lib.zeros(3, requires_grad=True)
        (b + lib.from_numpy(x.reshape(-1, 1).repeat(3, 1).copy()) * 1.7).pow(2).sum().backward()
        grads.append((a.grad.item(), b.grad.tolist()))
    # a scalar parameter's gradient sums in PyTorch's order, bit for bit
    assert grads[1][0] == grads[0][0]
    # vector gradients (biases) take NumPy's faster pairwise sum; these 2000 terms (|t| <= 10) cancel
    # to ~1e-4, so both sums carry rounding error up to eps * sum|t| ~ 2e-3 (the exact sum is 0)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=0, atol=2e-3)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("args", [(0, 1, 10), (-3.141592653589793, 3.141592653589793, 2000), (-3, 3, 37), (2, -5, 333),
                                  (1e-3, 7.5, 1001), (-2.5, 3.9, 12), (1, 1000, 999)], ids=str)
def test_linspace_bit_equal(args, dtype):
    want = torch.linspace(*args, dtype=getattr(torch, dtype)).numpy()
    got = ember.linspace(*args, dtype=getattr(ember, dtype)).numpy()
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("exponent", [2, 3, -1, -2, -0.5, 4, 2.5])
def test_pow_value_and_gradient_rounded_as_pytorch(exponent):
    data = np.linspace(0.01, 5, 3001, dtype=np.float32)
    results = []
    for lib in (torch, ember):
        x = lib.from_numpy(data.copy()).requires_grad_()
        y = x ** exponent
        y.sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy()))
    # PyTorch multiplies out these exponents; others go through Sleef's powf, which NumPy does not reproduce
    multiplied = (1, 2, 3, -1, -2, -0.5)
    if exponent in multiplied:
        np.testing.assert_array_equal(results[1][0], results[0][0])
    if exponent - 1 in multiplied:
        np.testing.assert_array_equal(results[1][1], results[0][1])
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=2e-7)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=2e-7)


@pytest.mark.parametrize("case", [
    lambda L: L.broadcast_shapes((2,), (3, 1), 1),
    lambda L: L.broadcast_shapes((2,), (3,)),
    lambda L: L.broadcast_tensors(L.ones(2), L.ones(3)),
    lambda L: tuple(L.broadcast_tensors(L.arange(3), L.arange(2).view(2, 1))),
    lambda L: L.add(5, 5), lambda L: L.mul(2, 3.5), lambda L: L.sub(5, 2), lambda L: L.add(2, L.ones(2)),
    lambda L: L.finfo(L.int32), lambda L: L.iinfo(L.float32),
    lambda L: (L.iinfo(L.uint8).max, L.iinfo(L.int64).min, L.finfo(L.float16).resolution, L.finfo().eps),
    lambda L: (L.can_cast(L.float32, L.int32), L.can_cast(L.int64, L.float16)),
    lambda L: (len(L.arange(6.).view(2, 3)[1].storage()), L.arange(6.)[2:].storage().tolist()),
])
def test_small_api_additions_match_pytorch(case):
    a, b = _both(case)
    if isinstance(a, Exception) or hasattr(a, "dtype"):
        _same(a, b)
    elif isinstance(a, tuple) and a and hasattr(a[0], "dtype"):
        _same(a, b)
    else:
        assert str(b).replace("ember", "torch") == str(a)
