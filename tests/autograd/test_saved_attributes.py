"""Saved tensors as graph-node attributes (``grad_fn._saved_self``, ``_raw_saved_self``), against torch.

Follows the "Saved tensors" section of the Autograd mechanics note and the "Hooks for autograd saved
tensors" tutorial: what each node exposes, which object it is, errors once freed or modified, and
``SavedTensor.register_hooks``.
"""
import numpy as np
import pytest

from .autograd_helpers import arr, assert_close, both, msg

torch = pytest.importorskip("torch")


def _run(fn):
    """``fn(lib)`` on ember and torch, each returning (result or exception text)."""
    def guarded(lib):
        try:
            return fn(lib)
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return (type(e).__name__, msg(e))
    return both(guarded)


def test_note_pow_saves_its_input_object_and_exp_a_new_tensor_on_its_result():
    def run(lib):
        x = lib.randn(5, requires_grad=True)
        y = x.pow(2)
        z = x.exp()
        r = z.grad_fn._saved_result
        return (x.equal(y.grad_fn._saved_self), x is y.grad_fn._saved_self, z.equal(r), z is r,
                r.grad_fn is z.grad_fn, r.requires_grad, r.data_ptr() == z.data_ptr(),
                y.grad_fn._saved_exponent, type(y.grad_fn._saved_exponent).__name__)
    mine, theirs = both(run)
    assert mine == theirs == (True, True, True, False, True, True, True, 2, "int")


def test_tutorial_mul_saves_both_operands_and_non_leaf_inputs_are_the_same_objects():
    def run(lib):
        a = lib.randn(5, requires_grad=True)
        b = lib.ones(5, requires_grad=True)
        y = a * b
        h = a * 1
        s = h.sin()
        return y.grad_fn._saved_self is a, y.grad_fn._saved_other is b, s.grad_fn._saved_self is h
    mine, theirs = both(run)
    assert mine == theirs == (True, True, True)


def _env(lib):
    rs = np.random.RandomState(0)

    def mk(*shape, rg=True):
        return lib.tensor(rs.randn(*shape).astype(np.float32), requires_grad=rg)
    return dict(lib=lib, F=lib.nn.functional, x=mk(3), w=mk(3), c=mk(3, rg=False), A=mk(2, 3), B=mk(3, 4),
                Ac=mk(2, 3, rg=False), Bc=mk(3, 4, rg=False), b=mk(4), Wt=mk(4, 3), A3=mk(2, 2, 3), B3=mk(2, 3, 4),
                tgt=lib.tensor([0, 2]), img=mk(2, 3, 4, 4), cw=mk(2, 3, 3, 3), bw=mk(3), bb=mk(3))


# expressions whose node's saved attributes are compared: names, which input each is, or its value
CASES = [
    "x * w", "x * c", "c * x", "x * 2", "x * 2.5", "x / w", "x / c", "c / x", "x / 2",
    "x.pow(2)", "x.pow(2.5)", "x.abs().pow(w)", "2.0 ** x",
    "x.exp()", "x.sin()", "x.cos()", "x.tanh()", "x.sigmoid()", "x.relu()", "x.abs().log()", "x.abs().sqrt()",
    "x.abs()", "x.max()", "x.min()", "A.softmax(1)", "A.log_softmax(1)",
    "A.mm(B)", "A.mm(Bc)", "Ac.mm(B)", "A @ B", "A3 @ B3", "x.dot(w)", "x.dot(c)", "A.mv(x)", "Ac.mv(x)",
    "lib.addmm(b, A, B)", "lib.addmm(b, Ac, B)", "F.linear(A, Wt, b)", "F.linear(Ac, Wt, b)", "F.linear(A, Wt)",
    "F.linear(A3, Wt, b)", "x.clamp(-0.5, 0.5)", "x.clamp(min=-0.5)", "lib.where(c > 0, x, w)",
    "F.mse_loss(x, w)", "F.smooth_l1_loss(x, w)", "F.binary_cross_entropy_with_logits(x, c.sigmoid())",
    "F.leaky_relu(x, 0.1)", "F.gelu(x)", "F.hardtanh(x)", "lib.maximum(x, w)", "lib.lerp(x, w, 0.3)",
    "lib.lerp(x, w, c)", "lib.addcmul(x, w, c)", "F.conv2d(img, cw)", "F.layer_norm(A, (3,), bw, bb)",
    "x.masked_fill(c > 0, 0.0)", "lib.vdot(x, w)", "lib.vdot(x, c)", "lib.einsum('ij,jk->ik', A, B)",
]


def _describe(value, env):
    if value is None or isinstance(value, (bool, int, float, str, tuple)):
        return repr(value)
    for name, t in env.items():
        if value is t:
            return "is " + name
    return ("tensor", tuple(value.shape), str(value.dtype).split(".")[-1], arr(value).tolist())


@pytest.mark.parametrize("expr", CASES)
def test_saved_attributes_match_torch(expr):
    def run(lib):
        env = _env(lib)
        fn = eval(expr, env).grad_fn  # noqa: S307 - fixed expressions above
        names = [n for n in dir(fn) if n.startswith("_saved_")]
        return fn.name(), {n: _describe(getattr(fn, n), env) for n in names}
    (mine_name, mine), (theirs_name, theirs) = both(run)
    assert mine_name == theirs_name
    for name, value in mine.items():  # ember may expose fewer (sizes, dims): never other or wrong ones
        assert name in theirs, name
        if isinstance(value, tuple) and isinstance(theirs[name], tuple):
            assert value[:3] == theirs[name][:3], name
            np.testing.assert_allclose(value[3], theirs[name][3], rtol=1e-6, atol=1e-6)
        else:
            assert value == theirs[name], name


def test_raw_saved_attributes_are_listed_and_exist_only_for_tensors():
    def run(lib):
        x = lib.randn(3, requires_grad=True)
        fn = x.pow(2).grad_fn
        names = [n for n in dir(fn) if n.startswith(("_saved_", "_raw_saved_"))]
        try:
            fn._raw_saved_exponent
        except AttributeError as e:
            err = str(e)
        return names, err, type(fn._raw_saved_self).__name__
    mine, theirs = both(run)
    assert mine == theirs


def test_scalar_operand_is_a_wrapped_number_and_unsaved_operand_is_none():
    def run(lib):
        x = lib.randn(3, requires_grad=True)
        out = []
        for y in (x * 2, x * 2.5, x * True, x / 4):
            other = y.grad_fn._saved_other
            out.append((y.grad_fn._saved_self, str(other.dtype), other.shape, other.item()))
        return out
    mine, theirs = both(run)
    assert [(s, d.split(".")[-1], tuple(sh), v) for s, d, sh, v in mine] == \
        [(s, d.split(".")[-1], tuple(sh), v) for s, d, sh, v in theirs]


def test_freed_after_backward_and_kept_with_retain_graph():
    def run(lib):
        x = lib.randn(3, requires_grad=True)
        y = x.pow(2)
        y.sum().backward(retain_graph=True)
        kept = y.grad_fn._saved_self is x
        y.sum().backward()
        errors = []
        raw = y.grad_fn._raw_saved_self  # still there: using it fails
        for use in (lambda: y.grad_fn._saved_self, raw.unpack, lambda: raw.register_hooks(lambda t: t, lambda t: t)):
            try:
                use()
            except RuntimeError as e:
                errors.append(msg(e))
        return kept, errors, raw.data
    mine, theirs = both(run)
    assert mine == theirs
    assert len(mine[1]) == 3


def test_result_of_exp_freed_too():
    def run(lib):
        x = lib.randn(3, requires_grad=True)
        z = x.exp()
        z.sum().backward()
        try:
            z.grad_fn._saved_result
        except RuntimeError as e:
            return msg(e)
    mine, theirs = both(run)
    assert mine == theirs and mine.startswith("Trying to backward through the graph a second time")


@pytest.mark.parametrize("what", ["non_leaf_input", "leaf_input", "result"])
def test_access_after_in_place_modification_raises_the_version_error(what):
    def run(lib):
        x = lib.randn(3, requires_grad=True)
        if what == "non_leaf_input":
            h = x * 1
            fn = h.sin().grad_fn
            h.mul_(2)
            return fn._saved_self
        if what == "leaf_input":
            fn = x.sin().grad_fn
            with lib.no_grad():
                x.mul_(2)
            return fn._saved_self
        e = x.exp()
        fn = e.grad_fn
        e.add_(1)
        return fn._saved_result
    mine, theirs = _run(run)
    assert mine == theirs
    assert mine[0] == "RuntimeError" and "modified by an inplace operation" in mine[1]


def test_register_hooks_packs_now_and_unpacks_on_each_use():
    def run(lib):
        x = lib.randn(5, requires_grad=True)
        y = x.pow(2)
        log = []

        def pack(t):
            log.append(("pack", t is x, t.requires_grad, t.equal(x)))
            return t * 4

        def unpack(p):
            log.append("unpack")
            return p / 4
        raw = y.grad_fn._raw_saved_self
        raw.register_hooks(pack, unpack)
        after_register = list(log)
        saved = y.grad_fn._saved_self
        identity = (saved is x, saved.requires_grad, saved.grad_fn)
        y.sum().backward()
        return after_register, identity, log, raw.unpack_hook is unpack, x.grad.equal(2 * x)
    mine, theirs = both(run)
    assert mine == theirs
    assert mine[0] == [("pack", False, False, True)] and mine[-1] is True


def test_register_hooks_errors():
    def run(lib):
        x = lib.randn(3, requires_grad=True)
        out = []
        y = x.pow(2)
        y.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            z = x.pow(2)
        m = x * 2  # self is not saved: its gradient would need other's
        bad = x.pow(2)
        bad.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda p: 3)
        for use in (lambda: y.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t),
                    lambda: z.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t),
                    lambda: m.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t),
                    lambda: bad.grad_fn._saved_self,
                    lambda: m.grad_fn._saved_foo):
            try:
                use()
                out.append(None)
            except Exception as e:  # noqa: BLE001 - the exception is what is compared
                out.append((type(e).__name__, msg(e)))
        return out, m.grad_fn._raw_saved_self.unpack(), z.grad_fn._saved_self is x
    mine, theirs = both(run)
    assert mine == theirs
    assert None not in mine[0]


def test_register_hooks_needs_two_callables():
    import ember
    raw = ember.randn(3, requires_grad=True).pow(2).grad_fn._raw_saved_self
    with pytest.raises(TypeError, match=r"register_hooks\(\): incompatible function arguments"):
        raw.register_hooks(1, 2)
    with pytest.raises(RuntimeError, match="Trying to create a SavedTensor object from Python is forbidden."):
        type(raw)()


def test_hooked_saved_tensor_gives_the_same_gradients():
    def run(lib):
        rs = np.random.RandomState(1)
        x = lib.tensor(rs.randn(2, 3).astype(np.float32), requires_grad=True)
        w = lib.tensor(rs.randn(3, 4).astype(np.float32), requires_grad=True)
        y = (x @ w).tanh()
        y.grad_fn._raw_saved_result.register_hooks(lambda t: t.clone(), lambda p: p)
        y.grad_fn.next_functions[0][0]._raw_saved_self.register_hooks(lambda t: t * 2, lambda p: p / 2)
        y.sum().backward()
        return x.grad, w.grad
    mine, theirs = both(run)
    assert_close(mine, theirs, rtol=1e-5, atol=1e-6)
