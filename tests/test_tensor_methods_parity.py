"""Tensor methods that mirror torch.Tensor's (in-place variants, aliases, small queries), against torch.

Each in-place method is checked for its values and dtype, the version bump, the grad_fn name on a
non-leaf, the gradient that flows back through it, and PyTorch's errors (a leaf that requires grad,
a result dtype the tensor cannot hold, a broadcast that would grow the tensor).
"""
import warnings

import numpy as np
import pytest
import torch

import ember

LIBS = (torch, ember)


def _np(v):
    return v.detach().numpy(force=True)  # force: torch gives some gradients as ZeroTensors


def _same(a, b, rtol=1e-6, atol=1e-7):
    """Assert that a torch result ``a`` and an ember result ``b`` agree (values, dtype, shape, grad_fn)."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, ember.Tensor), type(b)
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1], (a.dtype, b.dtype)
        assert tuple(a.shape) == tuple(b.shape), (a.shape, b.shape)
        assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__
        assert a.requires_grad == b.requires_grad
        np.testing.assert_allclose(_np(b), _np(a), rtol=rtol, atol=atol, equal_nan=True)
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y, rtol, atol)
    elif isinstance(a, torch.dtype):
        assert str(a).split(".")[1] == str(b).split(".")[1], (a, b)
    else:
        assert a == b, (a, b)


def _outcome(fn, lib):
    """Run ``fn(lib)``; return ('ok', result) or ('error', type name, message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ("ok", fn(lib))
    except Exception as e:  # the exception itself is what is compared
        return ("error", type(e).__name__, str(e).split("\n")[0])


def _check(fn, rtol=1e-6, atol=1e-7):
    """``fn(lib)`` gives the same result, or raises the same error, with torch and with ember."""
    t, e = _outcome(fn, torch), _outcome(fn, ember)
    if t[0] == "error" or e[0] == "error":
        # type names in the version-counter message print with ember's module name
        assert t[0] == e[0] == "error", (t, e)
        assert t[1] == e[1] and t[2].replace("torch.FloatTensor", "ember.FloatTensor").replace(
            "torch.autograd", "ember.autograd") == e[2], (t, e)
        return t
    _same(t[1], e[1], rtol, atol)
    return t


def _data(shape, low, high, seed=0):
    return np.random.default_rng(seed).uniform(low, high, shape)


# ---------------------------------------------------------------- unary in-place maths

# method, domain of the input, a second operand (None: unary; "t": a tensor; else a number)
UNARY = [
    ("acos_", (-0.9, 0.9)), ("arccos_", (-0.9, 0.9)), ("asin_", (-0.9, 0.9)), ("arcsin_", (-0.9, 0.9)),
    ("atan_", (-2, 2)), ("arctan_", (-2, 2)), ("tan_", (-1.2, 1.2)), ("sinh_", (-2, 2)), ("cosh_", (-2, 2)),
    ("asinh_", (-2, 2)), ("arcsinh_", (-2, 2)), ("acosh_", (1.2, 3)), ("arccosh_", (1.2, 3)),
    ("atanh_", (-0.9, 0.9)), ("arctanh_", (-0.9, 0.9)), ("log2_", (0.2, 3)), ("log10_", (0.2, 3)),
    ("log1p_", (-0.5, 3)), ("exp2_", (-2, 2)), ("expm1_", (-2, 2)), ("erfc_", (-2, 2)), ("erfinv_", (-0.9, 0.9)),
    ("frac_", (-3, 3)), ("sgn_", (-2, 2)), ("deg2rad_", (-90, 90)), ("rad2deg_", (-2, 2)),
    ("absolute_", (-2, 2)), ("negative_", (-2, 2)),
]


@pytest.mark.parametrize("name,domain", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_inplace_values_and_version(name, domain, dtype):
    arr = _data((3, 4), *domain).astype(dtype)

    def run(lib):
        x = lib.tensor(arr)
        before = x._version
        out = getattr(x, name)()
        assert out is x
        return x, x._version - before
    _check(run, rtol=1e-5 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("name,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_inplace_grad_fn_and_gradient(name, domain):
    arr = _data((3, 4), *domain)
    g = _data((3, 4), -1, 1, seed=1)

    def run(lib):
        x = lib.tensor(arr, requires_grad=True)
        y = x * 1
        getattr(y, name)()
        y.backward(lib.tensor(g))
        return y, x.grad
    _check(run, rtol=1e-10)


@pytest.mark.parametrize("name,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_inplace_refused_on_a_leaf_that_requires_grad(name, domain):
    arr = _data((2,), *domain)

    def run(lib):
        x = lib.tensor(arr, requires_grad=True)
        getattr(x, name)()
    outcome = _check(run)
    assert outcome[:2] == ("error", "RuntimeError")
    assert "leaf Variable that requires grad" in outcome[2]


@pytest.mark.parametrize("name", ["acos_", "atanh_", "exp2_", "log10_", "sinh_", "deg2rad_", "erfinv_", "frac_",
                                  "sgn_", "absolute_", "negative_"])
def test_unary_inplace_on_an_integer_tensor(name):
    # a float result cannot be stored in a long tensor (PyTorch's error); exact integer results are kept
    def run(lib):
        x = lib.tensor([0, 1, -2])
        getattr(x, name)()
        return x, x._version
    _check(run)


def test_inplace_on_a_non_leaf_saves_the_original_for_backward():
    # acos_ needs its input for the gradient: the overwritten values must not be read
    def run(lib):
        x = lib.tensor([0.1, 0.2, -0.4], requires_grad=True)
        y = x * 2
        y.acos_()
        y.sum().backward()
        return x.grad
    _check(run, rtol=1e-6)


def test_inplace_after_the_value_was_saved_makes_backward_raise():
    def run(lib):
        x = lib.tensor([0.1, 0.2, -0.4], requires_grad=True)
        y = x * 2
        z = y.sin()
        y.tan_()
        z.sum().backward()
    outcome = _check(run)
    assert outcome[0] == "error" and "modified by an inplace operation" in outcome[2]


# ---------------------------------------------------------------- binary in-place maths

BINARY = [
    ("atan2_", (-2, 2), "t"), ("arctan2_", (-2, 2), "t"), ("hypot_", (-2, 2), "t"), ("xlogy_", (0.1, 2), "t"),
    ("xlogy_", (0.1, 2), 2.5), ("multiply_", (-2, 2), "t"), ("multiply_", (-2, 2), 3.0), ("subtract_", (-2, 2), "t"),
    ("divide_", (-2, 2), "t"), ("true_divide_", (-2, 2), "t"), ("true_divide_", (-2, 2), 4.0),
]


@pytest.mark.parametrize("name,domain,other", BINARY, ids=[f"{b[0]}-{b[2]}" for b in BINARY])
def test_binary_inplace(name, domain, other):
    a, b = _data((3, 4), *domain), _data((4,), 0.5, 2, seed=2)
    g = _data((3, 4), -1, 1, seed=3)

    def run(lib):
        x = lib.tensor(a, requires_grad=True)
        w = lib.tensor(b, requires_grad=True)
        y = x * 1
        getattr(y, name)(w if other == "t" else other)
        y.backward(lib.tensor(g))
        return y, y._version, x.grad, w.grad if other == "t" else None
    _check(run, rtol=1e-10)


@pytest.mark.parametrize("name", ["atan2_", "hypot_", "xlogy_", "multiply_", "true_divide_"])
def test_binary_inplace_errors(name):
    def leaf(lib):
        getattr(lib.tensor([1.0, 2.0], requires_grad=True), name)(lib.tensor([1.0, 3.0]))

    def grows(lib):
        getattr(lib.tensor([1.0, 2.0]), name)(lib.tensor([[1.0, 3.0], [2.0, 2.0]]))

    def integer(lib):
        x = lib.tensor([1, 2])
        getattr(x, name)(lib.tensor([1.5, 3.0]))
        return x
    for case in (leaf, grows, integer):
        _check(case)
    assert _outcome(grows, torch)[2].startswith("output with shape [2] doesn't match the broadcast shape")


def test_inplace_with_an_operand_that_requires_grad_records_into_a_plain_tensor():
    def run(lib):
        w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        x = lib.zeros(3)
        x.atan2_(w)
        x.sum().backward()
        return x, w.grad
    _check(run, rtol=1e-12)


@pytest.mark.parametrize("rounding_mode", [None, "floor", "trunc"])
def test_divide_rounding_mode(rounding_mode):
    def run(lib):
        x = lib.tensor([7, -7, 5])
        x.divide_(2, rounding_mode=rounding_mode)
        return x
    _check(run)


def test_subtract_alpha():
    _check(lambda lib: lib.tensor([1, 2, 3]).subtract_(1, alpha=2))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("exponent", [2, 0.5, "t"])
def test_float_power_(dtype, exponent):
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], dtype=getattr(lib, dtype))
        x.float_power_(lib.tensor([2.0, 0.5, 1.0]) if exponent == "t" else exponent)
        return x
    _check(run, rtol=1e-12)


@pytest.mark.parametrize("exponent", [2.0, "t"])
def test_float_power_grad_fn(exponent):
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        y = x * 1
        y.float_power_(lib.tensor([2.0, 0.5, 1.0], dtype=lib.float64) if exponent == "t" else exponent)
        y.sum().backward()
        return y, x.grad
    _check(run, rtol=1e-12)


# ---------------------------------------------------------------- comparisons written in place

COMPARE = ["eq_", "ne_", "not_equal_", "lt_", "less_", "le_", "less_equal_", "gt_", "greater_", "ge_",
           "greater_equal_"]


@pytest.mark.parametrize("name", COMPARE)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
@pytest.mark.parametrize("other", ["scalar", "tensor", "broadcast"])
def test_comparison_inplace_values(name, dtype, other):
    def run(lib):
        x = lib.tensor([0, 1, 2, 1]).to(getattr(lib, dtype))
        o = {"scalar": 1, "tensor": lib.tensor([1, 1, 0, 2]).to(getattr(lib, dtype)), "broadcast": lib.tensor(1)}[other]
        before = x._version
        assert getattr(x, name)(o) is x
        return x, x._version - before
    _check(run)


@pytest.mark.parametrize("name", COMPARE)
@pytest.mark.parametrize("other", ["scalar", "tensor", "tensor_requires_grad"])
def test_comparison_inplace_grad_fn_and_zero_gradient(name, other):
    def run(lib):
        x = lib.tensor([0.5, 1.0, 2.0], requires_grad=True)
        w = lib.tensor([1.0, 1.0, 1.0], requires_grad=other == "tensor_requires_grad")
        y = x * 3
        getattr(y, name)(1.5 if other == "scalar" else w)
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return y, x.grad, w.grad
    _check(run)


@pytest.mark.parametrize("name", ["eq_", "lt_", "ge_"])
def test_comparison_inplace_errors(name):
    _check(lambda lib: getattr(lib.tensor([1.0, 2.0], requires_grad=True), name)(1.0))
    _check(lambda lib: getattr(lib.tensor([1.0, 2.0]), name)(lib.tensor([[1.0, 2.0], [3.0, 4.0]])))


def test_comparison_inplace_records_into_a_plain_tensor_when_other_requires_grad():
    def run(lib):
        w = lib.tensor([0.0, 1.0, 3.0], requires_grad=True)
        x = lib.ones(3)
        x.eq_(w)
        x.sum().backward()
        return x, w.grad
    _check(run)


# ---------------------------------------------------------------- logical and bitwise in place

LOGICAL = ["logical_and_", "logical_or_", "logical_xor_"]


@pytest.mark.parametrize("name", LOGICAL + ["logical_not_"])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_logical_inplace_values(name, dtype):
    def run(lib):
        x = lib.tensor([0, 1, 2, 0]).to(getattr(lib, dtype))
        args = () if name == "logical_not_" else (lib.tensor([1, 0, 3, 0]),)
        before = x._version
        assert getattr(x, name)(*args) is x
        return x, x._version - before
    _check(run)


@pytest.mark.parametrize("name", LOGICAL + ["logical_not_"])
def test_logical_inplace_is_not_recorded_and_allowed_on_a_leaf(name):
    # no derivative: PyTorch neither refuses the op on a leaf nor changes the grad_fn
    def run(lib):
        args = () if name == "logical_not_" else (lib.tensor([1.0, 0.0, 1.0]),)
        leaf = lib.tensor([0.0, 1.0, 2.0], requires_grad=True)
        getattr(leaf, name)(*args)
        x = lib.tensor([0.0, 1.0, 2.0], requires_grad=True)
        y = x * 2
        getattr(y, name)(*args)
        y.sum().backward()
        return leaf, leaf._version, y, y._version, x.grad
    _check(run)


@pytest.mark.parametrize("name", LOGICAL)
def test_logical_inplace_errors(name):
    _check(lambda lib: getattr(lib.tensor([1.0, 0.0]), name)(0))
    _check(lambda lib: getattr(lib.tensor([1.0, 0.0]), name)(lib.tensor([[1.0, 2.0]])))


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float32"])
def test_bitwise_not_(dtype):
    def run(lib):
        x = lib.tensor([0, 1, 5]).to(getattr(lib, dtype))
        x.bitwise_not_()
        return x, x._version
    _check(run)


@pytest.mark.parametrize("name", ["bitwise_left_shift_", "bitwise_right_shift_"])
@pytest.mark.parametrize("other", [1, "t"])
@pytest.mark.parametrize("dtype", ["int64", "int16", "float32"])
def test_bitwise_shifts_(name, other, dtype):
    def run(lib):
        x = lib.tensor([1, 8, 5]).to(getattr(lib, dtype))
        getattr(x, name)(lib.tensor([1, 2, 0]).to(getattr(lib, dtype)) if other == "t" else other)
        return x, x._version
    _check(run)


# ---------------------------------------------------------------- scans and matrix products in place


@pytest.mark.parametrize("name", ["cumsum_", "cumprod_"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_scans_inplace(name, dim):
    a = _data((3, 4), 0.5, 1.5)

    def run(lib):
        x = lib.tensor(a, requires_grad=True)
        y = x * 1
        getattr(y, name)(dim)
        y.backward(lib.tensor(_data((3, 4), -1, 1, seed=4)))
        return y, y._version, x.grad
    _check(run, rtol=1e-10)


@pytest.mark.parametrize("name", ["cumsum_", "cumprod_"])
def test_scans_inplace_dtypes_and_errors(name):
    _check(lambda lib: getattr(lib.tensor([1, 2, 3]), name)(0))
    _check(lambda lib: getattr(lib.tensor([1, 2, 3], dtype=lib.int32), name)(0))
    _check(lambda lib: getattr(lib.tensor([1, 2, 3]), name)(0, dtype=lib.int64))
    _check(lambda lib: getattr(lib.tensor([1, 2, 3]), name)(0, dtype=lib.float32))
    _check(lambda lib: getattr(lib.tensor([1.0, 2, 3]), name)(0, dtype=lib.float64))
    _check(lambda lib: getattr(lib.tensor([1.0, 2, 3]), name)(dim=1))
    _check(lambda lib: getattr(lib.tensor([1.0, 2, 3], requires_grad=True), name)(0))


MATRIX = [
    ("addmm_", (2, 4), [(2, 3), (3, 4)]),
    ("addmv_", (2,), [(2, 3), (3,)]),
    ("baddbmm_", (2, 3, 4), [(2, 3, 5), (2, 5, 4)]),
]


@pytest.mark.parametrize("name,shape,operands", MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("scales", [{}, {"beta": 0.5, "alpha": 2.0}, {"beta": 0}])
def test_matrix_products_inplace(name, shape, operands, scales):
    arrays = [_data(s, -1, 1, seed=k) for k, s in enumerate([shape] + operands)]

    def run(lib):
        x, a, b = (lib.tensor(v, requires_grad=True) for v in arrays)
        y = x * 1
        assert getattr(y, name)(a, b, **scales) is y
        y.backward(lib.tensor(_data(shape, -1, 1, seed=9)))
        return y, y._version, x.grad, a.grad, b.grad
    _check(run, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,shape,operands", MATRIX, ids=[m[0] for m in MATRIX])
def test_matrix_products_inplace_errors(name, shape, operands):
    def broadcast_self(lib):
        getattr(lib.zeros(*shape[:-1], 1), name)(*(lib.ones(*s) for s in operands))

    def leaf(lib):
        getattr(lib.zeros(*shape, requires_grad=True), name)(*(lib.ones(*s) for s in operands))
    assert _check(broadcast_self)[2].startswith("Bad in-place call")
    assert "leaf Variable" in _check(leaf)[2]


def test_scatter_reduce_inplace():
    index = [[0, 1, 0], [1, 1, 0]]

    def run(lib, reduce):
        x = lib.ones(2, 3)
        x.scatter_reduce_(0, lib.tensor(index), lib.tensor([[5.0, 2.0, -1.0], [3.0, 4.0, 7.0]]), reduce,
                          include_self=reduce != "mean")
        return x, x._version
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        _check(lambda lib: run(lib, reduce))
    _check(lambda lib: lib.ones(2, requires_grad=True).scatter_reduce_(0, lib.tensor([0]), lib.ones(1), "sum"))


def test_scatter_reduce_inplace_grad_fn():
    def run(lib):
        x = lib.ones(2, 3, requires_grad=True) * 1
        return x.scatter_reduce_(0, lib.tensor([[0, 1, 0]]), lib.ones(1, 3), "sum")
    _check(run)


@pytest.mark.parametrize("name", ["swapaxes_", "swapdims_"])
def test_swap_dims_inplace(name):
    def run(lib):
        x = lib.arange(6.0).reshape(2, 3)
        x.requires_grad_()
        y = x * 1
        assert getattr(y, name)(0, 1) is y
        y.backward(lib.arange(6.0).reshape(3, 2))
        return y, y.stride(), y._version, x.grad
    _check(run)


# ---------------------------------------------------------------- queries and identities


@pytest.mark.parametrize("name", ["conj", "resolve_conj", "resolve_neg", "positive"])
def test_identities_of_a_real_tensor_return_it(name):
    for lib in LIBS:
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        assert getattr(x, name)() is x
        assert x.real is x
    _check(lambda lib: getattr(lib.tensor([True]), name)())


def test_imag_of_a_real_tensor_raises():
    assert _check(lambda lib: lib.ones(2).imag)[0] == "error"


@pytest.mark.parametrize("code", [
    "x.is_conj()", "x.is_neg()", "x.is_signed()", "L.tensor([1], dtype=L.uint8).is_signed()",
    "L.tensor(True).is_signed()", "L.tensor([1], dtype=L.int16).is_signed()", "L.tensor([1.0]).is_signed()",
    "x.is_nonzero()", "L.tensor([0.0]).is_nonzero()", "L.tensor([]).is_nonzero()", "L.tensor(float('nan')).is_nonzero()",
    "L.tensor([[3]]).is_nonzero()", "L.tensor(False).is_nonzero()",
    "x.is_same_size(x)", "x.is_same_size(x[0])", "x.is_same_size(3)",
    "x.is_set_to(x)", "x.is_set_to(x.view(3, 2))", "x.is_set_to(x.detach())", "x.is_set_to(x.clone())",
    "x.is_set_to(3)", "x.is_cpu", "x.get_device()", "x.dim_order()", "x.t().dim_order()",
    "L.ones(2, 3, 4).permute(2, 0, 1).dim_order()", "x.const_data_ptr() == x.data_ptr()",
    "x.is_shared()", "x.is_pinned()", "x.pin_memory()",
])
def test_queries(code):
    def run(lib):
        x = lib.tensor([[0.3, -0.5, 0.7], [1.0, 2.0, 3.0]], requires_grad=True)
        return eval(code, {"L": lib, "x": x})
    _check(run)


# ---------------------------------------------------------------- delegations to existing functions


@pytest.mark.parametrize("code", [
    "x.adjoint()", "L.ones(2, 3, 4).adjoint().shape", "L.tensor([1.0, 2.0]).adjoint()", "L.tensor(2.0).adjoint()",
    "x.split_with_sizes([1, 2], 1)", "x.split_with_sizes([1, 1])", "x.split_with_sizes([1, 1], dim=0)",
    "x.split_with_sizes([1, 3], 1)", "x.dsplit(2)",
    "L.arange(12.0, requires_grad=True).reshape(1, 3, 4).dsplit(2)",
    "L.arange(12.0, requires_grad=True).reshape(1, 2, 6).dsplit([1, 3])",
    "L.arange(12.0).reshape(1, 2, 6).dsplit(1, 3)", "L.arange(12.0).reshape(1, 3, 4).dsplit(3)",
    "x.hardshrink()", "x.hardshrink(0.4)", "x.prelu(L.tensor([0.25]))",
    "x.svd()[1]", "x.svd(some=False)[0].shape", "x.svd(compute_uv=False)[1]", "x.qr()", "x.qr(some=False)[0].shape",
    "(lambda u, s, v: u @ s.diag() @ v.mT)(*x.svd())", "(lambda u, s, v: u @ s.diag() @ v.mT)(*x.t().svd())",
    "x[0].vdot(x[1])", "x.vdot(x)",
])
def test_delegations(code):
    def run(lib):
        x = lib.tensor([[0.3, -0.5, 0.7], [1.0, 2.0, 3.0]], requires_grad=True)
        return eval(code, {"L": lib, "x": x})
    _check(run, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("code", [
    "x.adjoint()", "x.hardshrink(0.4)", "x.prelu(L.tensor([0.25, 0.1, 2.0], dtype=L.float64))",
    "x.split_with_sizes([1, 2], 1)[1]", "x[0].vdot(x[1])", "x.svd()[1]", "x.t().qr()[1]",
    "x.qr()[1]",
])
def test_delegation_gradients(code):
    def run(lib):
        x = lib.tensor([[0.3, -0.5, 0.7], [1.0, 2.0, 3.0]], dtype=lib.float64, requires_grad=True)
        y = eval(code, {"L": lib, "x": x})
        (y * lib.arange(float(y.numel()), dtype=lib.float64).reshape(y.shape)).sum().backward()
        return y, x.grad
    _check(run, rtol=1e-10, atol=1e-12)


def test_svd_without_uv_shapes():
    _check(lambda lib: [t.shape for t in lib.ones(2, 3).svd(compute_uv=False)])


# ---------------------------------------------------------------- the legacy constructor


@pytest.mark.parametrize("code", [
    "x.new(2).shape", "x.new(2, 3).dtype", "x.new([1, 2])", "i.new([1.5, 2])", "x.new()", "x.new(L.Size([2, 3])).shape",
    "x.new((2, 3))", "x.new(x).data_ptr() == x.data_ptr()", "x.new(x)", "x.new(i)", "x.new(2.5)", "x.new(True)",
    "x.new(-1)", "x.new(2, device='cpu').shape", "i.new(3).dtype", "x.new([[1, 2]], device='cpu')",
    "x.new(2).requires_grad", "x.detach().new(x.detach())._base is not None",
])
def test_new(code):
    def run(lib):
        x = lib.tensor([[0.5, 1.5]], requires_grad=True)
        i = lib.tensor([1, 2])
        r = eval(code, {"L": lib, "x": x, "i": i})
        return r if not hasattr(r, "shape") or r.numel() == 0 or code.startswith("x.new(x)") \
            or code.startswith("x.new([") or code.startswith("i.new([") else r.shape
    _check(run)


def test_new_tensor_alias_shares_version_and_gradient():
    def run(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = x.new(x)
        (y * 3).sum().backward()
        return y, x.grad
    _check(run)


# ---------------------------------------------------------------- conj_physical, resize_as_, nonzero_static


def test_conj_physical():
    for lib in LIBS:
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        assert x.conj_physical() is x

    def run(lib):
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        y = x * 2
        assert y.conj_physical_() is y
        (y * lib.tensor([3.0, 4.0])).sum().backward()
        plain = lib.tensor([1.0, 2.0])
        plain.conj_physical_()
        return y, y._version, x.grad, plain, plain._version
    _check(run)
    _check(lambda lib: lib.tensor([1.0], requires_grad=True).conj_physical_())


@pytest.mark.parametrize("code", [
    "L.zeros(4).resize_as_(L.ones(2, 2))", "L.zeros(4).resize_as_(3)",
    "L.zeros(4, requires_grad=True).resize_as_(L.ones(2, 2))", "(lambda t: (t.resize_as_(L.ones(1, 3)), t._version))(L.zeros(4))",
])
def test_resize_as_(code):
    _check(lambda lib: eval(code, {"L": lib}))


@pytest.mark.parametrize("code", [
    "x.nonzero_static(size=8)", "x.nonzero_static(size=2)", "x.nonzero_static(size=0)", "x.nonzero_static(size=-1)",
    "L.tensor([1, 0, 2]).nonzero_static(size=1, fill_value=5)", "L.tensor(3).nonzero_static(size=2)",
    "L.zeros(3).nonzero_static(size=2)", "L.tensor([[True, False], [False, True]]).nonzero_static(size=3, fill_value=7)",
])
def test_nonzero_static(code):
    _check(lambda lib: eval(code, {"L": lib, "x": lib.tensor([[0.0, 1.0, 2.0], [3.0, 0.0, 5.0]])}))


def test_is_distributed():
    _check(lambda lib: lib.ones(2).is_distributed())
