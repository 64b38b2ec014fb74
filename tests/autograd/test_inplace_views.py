"""In-place ops written through views of tensors in the graph, against PyTorch: the base records a
CopySlices node, the view an AsStridedBackward0, and gradients flow to whatever fed either."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = {
    "slice_mul_": "y = w.clone(); y[1:].mul_(3); out = y",
    "row_add_tensor": "y = w.clone().reshape(2, 3); y[0].add_(v); out = y",
    "column_mul_": "y = (w * 2).reshape(2, 3); y[:, 1].mul_(v[:2]); out = y",
    "view_of_view": "y = w.clone(); y.view(2, 3)[1, ::2].add_(5); out = y",
    "transposed": "y = w.clone().reshape(2, 3); y.t()[0].mul_(4); out = y",
    "flipped": "y = w.clone(); y.flip(0)[:2].sub_(1); out = y",
    "into_plain_base": "y = ember_zeros(6); y[2:5].add_(w[:3] * v); out = y",
    "exp_on_view": "y = w.clone(); y[3:].exp_(); out = y",
    "then_used_again": "y = w.clone(); v2 = y[:3]; v2.mul_(2); out = y * v2.sum()",
    "view_result_used": "y = w.clone(); r = y[2:4]; r.add_(1); out = r * 3",
    "setitem_after_view_op": "y = w.clone(); y[:2].mul_(2); y[4] = v[0]; out = y",
    "base_modified_view_used": "y = w.clone(); r = y[1:4]; y.mul_(2); out = r * v",
    "base_setitem_view_used": "y = w * 1; r = y.view(2, 3); y[0] = v[1]; out = r",
}


def _run(lib, code):
    w = lib.tensor(np.linspace(-1.0, 2.0, 6, dtype=np.float32), requires_grad=True)
    v = lib.tensor(np.array([0.5, -2.0, 3.0], dtype=np.float32), requires_grad=True)
    env = {"w": w, "v": v, "ember_zeros": lib.zeros}
    exec(code, env)  # noqa: S102 - fixed snippets above
    out = env["out"]
    names = (type(out.grad_fn).__name__, )
    g = np.random.default_rng(0).standard_normal(tuple(out.shape)).astype(np.float32)
    out.backward(lib.tensor(g))
    return out.detach().numpy(), names, w.grad.numpy(), (v.grad.numpy() if v.grad is not None else None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_inplace_through_view_matches_torch(name):
    e = _run(ember, CASES[name])
    t = _run(torch, CASES[name])
    np.testing.assert_allclose(e[0], t[0], rtol=1e-6, atol=1e-6)
    assert e[1] == t[1]
    np.testing.assert_allclose(e[2], t[2], rtol=1e-6, atol=1e-6)
    if t[3] is None:
        assert e[3] is None
    else:
        np.testing.assert_allclose(e[3], t[3], rtol=1e-6, atol=1e-6)


def test_node_names_and_view_node():
    for lib in (ember, torch):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = w.clone()
        v = y[:2]
        v.mul_(2)
        assert type(y.grad_fn).__name__ == "CopySlices"
        assert type(v.grad_fn).__name__ == "AsStridedBackward0"
        assert y.requires_grad and v.requires_grad and v._base is y


def test_plain_base_joins_the_graph():
    for lib in (ember, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        x = lib.zeros(3)
        x[:2].add_(w)
        assert x.requires_grad and type(x.grad_fn).__name__ == "CopySlices"
        (x * x).sum().backward()
        assert w.grad.tolist() == [2.0, 4.0]


def test_view_of_leaf_still_refused():
    for lib in (ember, torch):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an "
                                               "in-place operation."):
            w[:2].mul_(2)
        assert w.grad_fn is None and w.tolist() == [1.0, 2.0, 3.0]


def test_saved_view_modified_is_caught():
    msgs = []
    for lib in (ember, torch):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = w.clone()
        v = y[:1]
        v.mul_(v)
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        msgs.append(str(info.value).replace("torch.", "ember."))
    assert "which is output 0 of AsStrided, is at version 1; expected version 0 instead" in msgs[0]
    assert msgs[0] == msgs[1]  # type names compared with ember's module name on both sides


def test_detach_is_not_a_view():
    for lib in (ember, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        y = w * 2
        d = y.detach()
        assert d._base is None
        d.add_(w)
        assert type(d.grad_fn).__name__ == "AddBackward0" and type(y.grad_fn).__name__ == "MulBackward0"
        assert y.tolist() == [3.0, 6.0]  # shared memory
        base = lib.arange(6.0).reshape(2, 3)
        assert base[1:].detach().storage_offset() == 3
        assert base[1:].detach()[0, 1:].storage_offset() == 4
