"""Hand-written tests of shape ops against PyTorch: views sharing memory and the version counter,
error messages, dtype promotion in cat/stack, the in-place view ops, composite functions, and
hypothesis properties of reshape/permute/expand. Gradients of each op are in test_generated.py."""
import numpy as np
import pytest

import ember
from ember.ops import shape as S

torch = pytest.importorskip("torch")
pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402


def _pair(a, requires_grad=False):
    return (ember.tensor(a.copy(), requires_grad=requires_grad), torch.tensor(a.copy(), requires_grad=requires_grad))


def _same(e, t):
    if isinstance(t, (tuple, list)):
        assert len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
        return
    assert tuple(e.shape) == tuple(t.shape)
    assert e.dtype.name == str(t.dtype).split(".")[1]
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


def _raises_like(fn_e, fn_t):
    with pytest.raises(Exception) as te:
        fn_t()
    with pytest.raises(type(te.value)) as ee:
        fn_e()
    assert str(ee.value) == str(te.value)


A = np.arange(24, dtype=np.float32).reshape(2, 3, 4)

# (ember call, torch call) on x; each result is compared with torch's: values, dtype, grad_fn
CALLS = {
    "view": lambda m, x: x.view(4, -1), "reshape_t": lambda m, x: x.transpose(0, 2).reshape(-1),
    "flatten": lambda m, x: x.flatten(1), "unflatten": lambda m, x: x.unflatten(2, (2, -1)),
    "squeeze": lambda m, x: x[:, :1].squeeze(), "unsqueeze": lambda m, x: x.unsqueeze(-1),
    "permute": lambda m, x: x.permute(2, 0, 1), "transpose": lambda m, x: x.transpose(0, -1),
    "t": lambda m, x: x[0].t(), "T": lambda m, x: x.T, "mT": lambda m, x: x.mT,
    "expand": lambda m, x: x[:, :1].expand(-1, 5, 4), "broadcast_to": lambda m, x: x.broadcast_to((3, 2, 3, 4)),
    "repeat": lambda m, x: x.repeat(2, 1, 1, 2), "tile": lambda m, x: x.tile((2,)),
    "flip": lambda m, x: x.flip(0, 2), "fliplr": lambda m, x: x.fliplr(), "flipud": lambda m, x: x.flipud(),
    "roll": lambda m, x: x.roll(2), "roll_dims": lambda m, x: x.roll((1, -1), (0, 2)),
    "narrow": lambda m, x: x.narrow(2, -3, 2), "movedim": lambda m, x: x.movedim((0, 1), (2, 0)),
    "moveaxis": lambda m, x: x.moveaxis(0, -1), "diagonal": lambda m, x: x.diagonal(1, 2, 1),
    "tril": lambda m, x: x.tril(-1), "triu": lambda m, x: x.triu(1), "unfold": lambda m, x: x.unfold(2, 2, 1),
    "chunk": lambda m, x: x.chunk(2, 2), "chunk_uneven": lambda m, x: x.chunk(3, 1),
    "split": lambda m, x: x.split(3, -1), "split_sizes": lambda m, x: x.split([1, 0, 2], 1),
    "unbind": lambda m, x: x.unbind(1), "iter": lambda m, x: list(x),
    "cat": lambda m, x: m.cat([x, x[:1]]), "concat": lambda m, x: m.concat((x, x), -1),
    "concatenate": lambda m, x: m.concatenate([x, x], 1), "stack": lambda m, x: m.stack([x, x], 2),
    "hstack": lambda m, x: m.hstack([x, x]), "vstack": lambda m, x: m.vstack([x[0, 0], x[0, 1]]),
    "dstack": lambda m, x: m.dstack([x[0], x[1]]), "atleast_3d": lambda m, x: m.atleast_3d(x[0, 0], x[0]),
    "atleast_2d": lambda m, x: m.atleast_2d(x[0, 0, 0]), "atleast_1d": lambda m, x: m.atleast_1d([x[0, 0, 0], x]),
    "meshgrid_ij": lambda m, x: m.meshgrid(x[0, 0], x[0, :, 0], indexing="ij"),
    "meshgrid_xy": lambda m, x: m.meshgrid(x[0, 0], x[0, :, 0], x[1, 1, :2], indexing="xy"),
    "clone": lambda m, x: x.clone(), "contiguous": lambda m, x: x.transpose(0, 1).contiguous(),
    "flip_kw": lambda m, x: m.flip(x, dims=[0, 2]), "permute_kw": lambda m, x: m.permute(x, dims=(2, 0, 1)),
    "split_fn": lambda m, x: m.split(x, [2, 2], dim=2), "narrow_fn": lambda m, x: m.narrow(x, 1, 1, 2),
}
FUNCS = ["flip_kw", "permute_kw", "split_fn", "narrow_fn", "cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "atleast_1d", "atleast_2d",
         "atleast_3d", "meshgrid_ij", "meshgrid_xy"]


def _names(out):
    outs = out if isinstance(out, (tuple, list)) else [out]
    return [o.grad_fn.name() if o.grad_fn is not None else None for o in outs]


@pytest.mark.parametrize("name", list(CALLS))
def test_shape_calls_match_torch(name):
    x, tx = _pair(A, requires_grad=True)
    e_mod = S if name in FUNCS else None
    e, t = CALLS[name](e_mod, x * 1), CALLS[name](torch, tx * 1)
    _same(e, t)
    assert _names(e) == _names(t)


VIEWS = ["view", "flatten", "unflatten", "squeeze", "unsqueeze", "permute", "transpose", "t", "T", "narrow",
         "movedim", "diagonal", "unfold", "chunk", "split", "split_sizes", "unbind", "iter", "atleast_2d"]


@pytest.mark.parametrize("name", VIEWS)
def test_views_share_memory_and_version_counter(name):
    x = ember.tensor(A.copy())
    e_mod = S if name in FUNCS else None
    out = CALLS[name](e_mod, x)
    parts = [p for p in (out if isinstance(out, (tuple, list)) else [out]) if p.numel()]
    for v in parts:
        assert v._base is x
        before = x._version
        v.add_(1000)  # write through the view, read the base
        assert x._version == before + 1 == v._version
    assert (x.numpy() >= 1000).sum() == sum(p.numel() for p in parts if p is not None) or name == "unfold"


def test_copies_do_not_share_memory():
    for name in ["repeat", "flip", "roll", "tril", "cat", "stack", "clone", "contiguous"]:
        x = ember.tensor(A.copy())
        out = CALLS[name](S if name in FUNCS else None, x)
        out.add_(1000)
        np.testing.assert_array_equal(x.numpy(), A)


def test_version_counter_breaks_backward_as_in_torch():
    for lib in (ember, torch):
        w = lib.ones(2, 3, requires_grad=True)
        b = lib.ones(3, 2)
        y = w.matmul(b) if hasattr(w, "matmul") else w @ b  # saves b
        b.t().mul_(2)  # through a view
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


ERRORS = [
    lambda m, x: x.view(3, -1, 5), lambda m, x: x.transpose(0, 1).view(24), lambda m, x: x.view(-1, -1),
    lambda m, x: x.expand(3, 3, 4), lambda m, x: x.expand(4), lambda m, x: x.permute(0, 1),
    lambda m, x: x.permute(0, 1, 1), lambda m, x: x.transpose(0, 3), lambda m, x: x.squeeze(3),
    lambda m, x: x.unsqueeze(4), lambda m, x: x.t(), lambda m, x: x.flatten(2, 1),
    lambda m, x: x.unflatten(1, (2, 2)), lambda m, x: x.repeat(2), lambda m, x: x.flip(0, 0),
    lambda m, x: x[0, 0].fliplr(), lambda m, x: x.roll((1, 2), (0,)), lambda m, x: x.narrow(0, 1, 5),
    lambda m, x: x.narrow(0, 3, 1), lambda m, x: x.diagonal(0, 1, 1), lambda m, x: x.unfold(0, 3, 1),
    lambda m, x: x.unfold(0, 1, 0), lambda m, x: x.movedim((0, 1), (0,)), lambda m, x: x.movedim((0, 0), (1, 0)),
    lambda m, x: x[0, 0].tril(), lambda m, x: x.split(0), lambda m, x: x.split([1, 1], 1),
    lambda m, x: x.chunk(0), lambda m, x: x[0, 0, 0].unbind(),
    lambda m, x: m.cat([]), lambda m, x: m.cat([x, x[:, :2, :1]], 1), lambda m, x: m.cat([x, x[:, :, :2]], 0),
    lambda m, x: m.cat([x, x[0]]), lambda m, x: m.cat([x, x[0, 0, 0]]), lambda m, x: m.cat([x, x], 3),
    lambda m, x: m.cat([x, 1]), lambda m, x: m.cat(x), lambda m, x: m.stack([x, x[0]]),
    lambda m, x: m.stack([]), lambda m, x: m.stack([x, x], 4), lambda m, x: m.meshgrid(x[0, 0], indexing="zz"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    x, tx = _pair(A)
    _raises_like(lambda: ERRORS[i](S, x), lambda: ERRORS[i](torch, tx))


def test_cat_promotes_and_skips_legacy_empty():
    cases = [[np.ones((2, 3), np.float32), np.zeros((0, 3))], [np.ones((2, 3), np.int32), np.ones((2, 3), bool)],
             [np.ones((2, 3), np.int32), np.ones((2, 3), np.uint8)], [np.ones((2, 3), np.float16), np.ones((2, 3))],
             [np.ones((2, 3), np.float32), np.zeros(0)], [np.zeros(0), np.ones((2, 3), np.int64)],
             [np.zeros(0, np.int64), np.zeros(0, np.float32)]]
    for arrays in cases:
        _same(S.cat([ember.tensor(a) for a in arrays]), torch.cat([torch.tensor(a) for a in arrays]))
    _same(S.stack([ember.tensor(np.ones(2, np.int64)), ember.tensor(np.ones(2))]),
          torch.stack([torch.ones(2, dtype=torch.int64), torch.ones(2, dtype=torch.float64)]))


def test_cat_gradients_reach_every_input_with_its_dtype():
    grads = []
    for lib, cat in ((ember, S.cat), (torch, torch.cat)):
        a = lib.ones(2, 3, requires_grad=True)
        b = lib.ones(1, 3, dtype=lib.float64, requires_grad=True)
        e = lib.zeros(0, requires_grad=True)
        out = cat([a, e, b])
        (out * lib.arange(9.0, dtype=lib.float64).reshape(3, 3)).sum().backward()
        grads.append((a.grad, b.grad, e.grad, out.dtype))
    for eg, tg in zip(grads[0][:3], grads[1][:3]):
        _same(eg, tg)
    assert str(grads[0][3]).split(".")[1] == str(grads[1][3]).split(".")[1]


def test_split_with_unused_parts_and_double_backward():
    results = []
    for lib in (ember, torch):
        x = lib.tensor(np.arange(6.0), requires_grad=True)
        a, b, c = x.split(2)
        y = (a ** 2).sum() + (c ** 3).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])


@pytest.mark.parametrize("name,args", [("unsqueeze_", (0,)), ("squeeze_", (0,)), ("squeeze_", ()),
                                       ("squeeze_", ((0, 2),)), ("t_", ()), ("transpose_", (0, 1))])
def test_in_place_views(name, args):
    a = np.arange(6, dtype=np.float32).reshape(1, 6, 1) if name.startswith("squeeze") else \
        np.arange(6, dtype=np.float32).reshape(2, 3)
    x, tx = _pair(a, requires_grad=True)
    y, ty = x * 2, tx * 2
    out = getattr(S, name)(y, *args)
    t_out = getattr(ty, name)(*args)
    assert out is y and t_out is ty
    _same(y, ty)
    assert y.grad_fn.name() == ty.grad_fn.name() and y._version == ty._version
    g = np.arange(a.size, dtype=np.float32).reshape(tuple(ty.shape))
    y.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    _same(x.grad, tx.grad)
    _raises_like(lambda: getattr(S, name)(x, *args), lambda: getattr(tx, name)(*args))


def test_meshgrid_default_warns_like_torch():
    with pytest.warns(UserWarning, match="indexing argument"):
        out = S.meshgrid(ember.tensor([1, 2]), ember.tensor([3, 4, 5]))
    _same(out, torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij"))


@st.composite
def _shape_and_perm(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=4)))
    perm = tuple(draw(st.permutations(range(len(shape)))))
    return shape, perm


@settings(max_examples=60, deadline=None)
@given(_shape_and_perm(), st.data())
def test_reshape_permute_expand_properties(case, data):
    shape, perm = case
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    x, tx = _pair(a)
    p, tp = x.permute(perm), tx.permute(perm)
    _same(p, tp)
    if a.size:  # strides of empty tensors depend on how torch built them
        assert p.stride() == tp.stride() and p.is_contiguous() == tp.is_contiguous()
    _same(p.reshape(-1) if a.size else p.reshape(0), tp.reshape(-1) if a.size else tp.reshape(0))
    try:
        tv = tp.view(-1)
    except RuntimeError as exc:
        with pytest.raises(RuntimeError) as info:
            p.view(-1)
        assert str(info.value) == str(exc)
    else:
        _same(p.view(-1), tv)
    target = tuple(data.draw(st.sampled_from([1, s])) if s != 1 else data.draw(st.integers(1, 3)) for s in shape)
    lead = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
    ones = x.reshape(tuple(1 if s == 1 else s for s in shape))
    _same(ones.expand(lead + tuple(max(s, t) if s == 1 else s for s, t in zip(shape, target))),
          tx.reshape(tuple(1 if s == 1 else s for s in shape)).expand(
              lead + tuple(max(s, t) if s == 1 else s for s, t in zip(shape, target))))
