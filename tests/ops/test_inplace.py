"""In-place ops against PyTorch: values and dtypes, grad_fn names, gradients through in-place ops
on non-leaves, version-counter errors in PyTorch's exact words, and failed calls leaving the
tensor unchanged."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _both(fn):
    """Run ``fn(lib)`` with ember and torch; return both results (or both exceptions)."""
    out = []
    for lib in (ember, torch):
        try:
            out.append(fn(lib))
        except Exception as exc:  # noqa: BLE001 - compared below
            out.append(exc)
    return out


def _same_error(fn):
    e, t = _both(fn)
    assert isinstance(t, Exception), "torch did not raise"
    # type names in messages print with ember's module name, as in reprs ([torch.FloatTensor [2]] -> ember.)
    assert type(e) is type(t) and str(e) == str(t).replace("torch.", "ember."), (e, t)


def _values(e, t):
    assert e.dtype.name == str(t.dtype).split(".")[1]
    # float32 tolerances of tests/ops/test_generated.py
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1.3e-6, atol=1e-5)


INPLACE = [
    ("add_", (2.5,)), ("sub_", (1,)), ("mul_", (3,)), ("div_", (2,)), ("pow_", (2,)), ("neg_", ()), ("exp_", ()),
    ("log_", ()), ("sqrt_", ()), ("abs_", ()), ("sin_", ()), ("cos_", ()), ("tanh_", ()), ("sigmoid_", ()),
    ("relu_", ()), ("reciprocal_", ()), ("square_", ()), ("floor_", ()), ("ceil_", ()), ("round_", ()),
    ("clamp_", (0.6, 1.2)), ("zero_", ()), ("fill_", (2.0,)), ("floor_divide_", (0.3,)), ("remainder_", (0.3,)),
]


@pytest.mark.parametrize("name,args", INPLACE)
def test_inplace_on_a_non_leaf_records_and_differentiates(name, args):
    def run(lib):
        x = lib.tensor([[0.5, 1.5], [2.0, 0.7]], requires_grad=True)
        y = x * 1.5
        # floor_divide_ and remainder_ are reached through //= and %= (Tensor has no such methods yet)
        method = {"floor_divide_": "__ifloordiv__", "remainder_": "__imod__"}.get(name, name)
        out = getattr(y, method)(*args)
        assert out is y
        name_ = y.grad_fn.name()
        if "NotImplemented" in name_:
            return y, name_, None
        (g,) = lib.autograd.grad((y * lib.arange(4.0).reshape(2, 2)).sum(), x)
        return y, name_, g
    (ye, ne, ge), (yt, nt, gt) = _both(run)
    _values(ye, yt)
    assert ne == nt
    if gt is not None:
        _values(ge, gt)


@pytest.mark.parametrize("name,args", [("add_", (1,)), ("mul_", (2,)), ("exp_", ()), ("zero_", ()),
                                       ("fill_", (1.0,)), ("clamp_", (0.0, 1.0)), ("copy_", None)])
def test_inplace_on_a_leaf_that_requires_grad_is_refused(name, args):
    def run(lib):
        x = lib.ones(2, 2, requires_grad=True)
        getattr(x, name)(*(args if args is not None else (lib.zeros(2, 2),)))
    _same_error(run)


def test_inplace_allowed_on_a_leaf_under_no_grad_and_bumps_the_version():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        x.mul_(2)
    assert x._version == 1 and x.is_leaf and x.requires_grad
    d = x.detach()
    d.zero_()
    assert x._version == 2


def test_mul_by_a_tensor_that_requires_grad_uses_the_original_self():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = lib.tensor([3.0, 5.0], requires_grad=True)
        y = x * 2
        y.mul_(z)
        y.mul_(z)
        y.sum().backward()
        return x.grad, z.grad
    (gx_e, gz_e), (gx_t, gz_t) = _both(run)
    _values(gx_e, gx_t)
    _values(gz_e, gz_t)


def test_inplace_into_a_tensor_without_grad_makes_it_a_non_leaf():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.ones(2)
        y.mul_(x)
        y.add_(x, alpha=2)
        y.sum().backward()
        return x.grad, y.grad_fn.name(), y.is_leaf
    (g_e, n_e, l_e), (g_t, n_t, l_t) = _both(run)
    _values(g_e, g_t)
    assert (n_e, l_e) == (n_t, l_t)


@pytest.mark.parametrize("case", ["output", "input", "twice", "no_grad", "self_times_self"])
def test_modified_saved_tensor_raises_pytorchs_error(case):
    def run(lib):
        x = lib.ones(2, 2, requires_grad=True)
        if case == "output":
            y = x.exp()
            y.add_(1)
            y.sum().backward()
        elif case == "input":
            y = x * 2
            z = y * y
            y.add_(1)
            z.sum().backward()
        elif case == "twice":
            y = x.exp()
            y.exp_()
            y.add_(1)
            y.sum().backward()
        elif case == "no_grad":
            z = x.sin()
            with lib.no_grad():
                x.add_(1)
            z.sum().backward()
        else:
            y = x * 2
            y.mul_(y)
            y.sum().backward()
    _same_error(run)


def test_data_and_grad_inplace_as_in_the_seeds():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        z = x.sin()
        x.data.add_(1)
        z.sum().backward()
        g = x.grad.clone()
        x.grad.zero_()
        return g, x.grad, x
    (g_e, z_e, x_e), (g_t, z_t, x_t) = _both(run)
    _values(g_e, g_t)
    _values(z_e, z_t)
    _values(x_e, x_t)


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.add_(1.5), lambda lib, t: t.mul_(2.5), lambda lib, t: t.div_(2), lambda lib, t: t.exp_(),
    lambda lib, t: t.sqrt_(), lambda lib, t: t.pow_(0.5), lambda lib, t: t.clamp_(0.5),
    lambda lib, t: t.sigmoid_(), lambda lib, t: t.addcmul_(lib.ones(2), lib.ones(2)),
    lambda lib, t: t.add_(lib.ones(2, 2)), lambda lib, t: t.__ifloordiv__(0)])
def test_failed_inplace_leaves_the_tensor_unchanged(fn):
    def run(lib):
        t = lib.tensor([1, 2])
        try:
            fn(lib, t)
        except Exception as exc:  # noqa: BLE001
            return exc, t
        raise AssertionError("no error")
    (err_e, t_e), (err_t, t_t) = _both(run)
    assert type(err_e) is type(err_t) and str(err_e) == str(err_t)
    np.testing.assert_array_equal(t_e.numpy(), t_t.numpy())
    assert t_e._version == 0


def test_augmented_assignment_operators():
    def run(lib):
        i = lib.tensor([7, -7, 3])
        i += 2
        i -= 1
        i *= 3
        i //= 2
        i %= 5
        i &= 6
        i |= 1
        i ^= 2
        f = lib.tensor([1.0, 2.0])
        f /= 4
        f **= 2
        f += lib.tensor([1, 2])
        f += lib.tensor([1.0, 2.0], dtype=lib.float64)
        b = lib.tensor([True, False])
        b |= True
        return i, f, b
    for e, t in zip(*_both(run)):
        _values(e, t)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.ones(3).copy_(lib.ones(2)), lambda lib: lib.ones(3).copy_(lib.ones(2, 3)),
    lambda lib: lib.ones(2, 3).copy_(lib.ones(2, 2)), lambda lib: lib.tensor([1, 2]).fill_(lib.tensor([1])),
    lambda lib: lib.ones(3).masked_fill_(lib.ones(2, 3, dtype=lib.bool), 2.7),
    lambda lib: lib.tensor([True, False]).add_(1), lambda lib: lib.tensor([True]).neg_(),
    lambda lib: lib.tensor([True, False]).__iand__(lib.tensor([1, 2])),
    lambda lib: lib.tensor([1, 2]).lerp_(lib.tensor([1, 2]), 0.5), lambda lib: lib.tensor([True]).square_()])
def test_inplace_errors(fn):
    _same_error(fn)


def test_fills_and_copies():
    def run(lib):
        a = lib.tensor([1, 2]).fill_(2.7)
        b = lib.tensor([1, 2]).copy_(lib.tensor([1.7, 2.2]))
        c = lib.ones(3).copy_(2)
        d = lib.ones(2, 3).copy_(lib.tensor([1.0, 2.0, 3.0]))
        e = lib.tensor([1, 2]).masked_fill_(lib.tensor([True, False]), 2.7)
        return a, b, c, d, e
    for e, t in zip(*_both(run)):
        _values(e, t)


@pytest.mark.parametrize("kind", ["fill_scalar", "fill_tensor", "zero", "copy", "copy_cast"])
def test_fill_zero_copy_record_pytorchs_nodes(kind):
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        v = lib.tensor(4.0, requires_grad=True)
        y = x * 2
        if kind == "fill_scalar":
            y.fill_(3.0)
        elif kind == "fill_tensor":
            y.fill_(v * 1)
        elif kind == "zero":
            y.zero_()
        elif kind == "copy":
            y.copy_(v * x)
        else:
            y = lib.zeros(3, dtype=lib.float64)
            y.copy_(x * v)
        grads = lib.autograd.grad((y * lib.tensor([1.0, 2.0, 3.0], dtype=y.dtype)).sum(), (x, v),
                                  allow_unused=True, materialize_grads=True)
        return y.grad_fn.name(), grads
    (n_e, g_e), (n_t, g_t) = _both(run)
    assert n_e == n_t
    for a, b in zip(g_e, g_t):
        _values(a, b)


def test_view_of_a_leaf_is_refused():
    x = ember.ones(2, 2, requires_grad=True)
    v = x.view(4)
    with pytest.raises(RuntimeError) as e:
        v.mul_(2)
    assert str(e.value) == "a view of a leaf Variable that requires grad is being used in an in-place operation."
