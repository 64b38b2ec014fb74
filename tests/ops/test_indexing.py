"""Hand-written tests of indexing against PyTorch: x[index] over many index forms (and random
ones), x[index] = v with autograd, views sharing memory and the version counter, error messages,
and the non-differentiable or in-place functions. Gradients of each op are in test_generated.py."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402


def _pair(a, requires_grad=False):
    return (ember.tensor(a.copy(), requires_grad=requires_grad), torch.tensor(a.copy(), requires_grad=requires_grad))


def _index_for(index, lib):
    """The same index with numpy arrays turned into ``lib`` tensors."""
    if isinstance(index, tuple):
        return tuple(_index_for(i, lib) for i in index)
    if isinstance(index, np.ndarray):
        return lib.tensor(index)
    return index


def _same(e, t):
    assert tuple(e.shape) == tuple(t.shape)
    assert e.dtype.name == str(t.dtype).split(".")[1]
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


def _raises_like(fn_e, fn_t):
    with pytest.raises(Exception) as te:
        fn_t()
    with pytest.raises(type(te.value)) as ee:
        fn_e()
    assert str(ee.value) == str(te.value)


A = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
MASK = (np.arange(12).reshape(3, 4) % 3) == 0
INDICES = [0, -1, 2, slice(1, 3), slice(None), slice(None, None, 2), slice(5, 2), slice(-10, -1), None, Ellipsis,
           (0, 1), (0, 0, 0), (Ellipsis, 0), (slice(None), None, 0), (1, Ellipsis, None), (slice(0, 3),),
           (slice(None), slice(None), slice(None)), [0, 2, 0], np.array([2, 0]), (0, slice(None), [1, 2]),
           ([0, 1], slice(None), [1, 2]), ([[0], [1]], [0, 1, 2]), (slice(None), [0, 1], [1, 2]), MASK,
           (MASK[:, 0] == 0, 1), (np.array([1, 0]), 0), True, False, (0, True), np.array(1), (slice(None), np.array(2)),
           [True, False, True], np.array([[0, 1], [1, 2]]), (Ellipsis, [4, 0, 4]), (None, [1, 1], None),
           (Ellipsis, 0, Ellipsis), (0, Ellipsis, Ellipsis)]


@pytest.mark.parametrize("index", INDICES, ids=[repr(i)[:40] for i in INDICES])
def test_getitem_matches_torch(index):
    (x, tx) = _pair(A, requires_grad=True)
    y, ty = x[_index_for(index, ember)], tx[_index_for(index, torch)]
    _same(y, ty)
    assert y.grad_fn.name() == ty.grad_fn.name()
    assert (y._base is not None) == (ty._base is not None)  # basic indexing views, advanced copies
    g = np.random.default_rng(0).standard_normal(tuple(ty.shape)).astype(np.float32)
    y.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


BAD = [5, -4, (0, 7), (None, 0, 7), [5], np.array([0, 5]), np.array([-4]), (0, 0, 0, 0), (0, [0, 9]),
       slice(None, None, -1), slice(None, None, 0), 1.5, np.ones((2, 2), dtype=bool), np.array([0.5]),
       ([0, 1], slice(None), [0, 1, 2]), (slice(None), slice(None), [7]), ([0], slice(None), [7]), (slice(None), np.ones((3, 3), dtype=bool))]


@pytest.mark.parametrize("index", BAD, ids=[repr(i)[:40] for i in BAD])
def test_getitem_errors_match_torch(index):
    x, tx = _pair(A)
    _raises_like(lambda: x[_index_for(index, ember)], lambda: tx[_index_for(index, torch)])


def test_zero_dim_indexing():
    x, tx = _pair(np.array(3.0, dtype=np.float32))
    for index in [None, Ellipsis, (None, Ellipsis), True]:
        _same(x[index], tx[index])
    for index in [0, (0, Ellipsis), [0]]:
        _raises_like(lambda: x[index], lambda: tx[index])


@st.composite
def _index_exprs(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    items, dim, used_ellipsis = [], 0, False
    while dim < len(shape) and draw(st.booleans()):
        n = shape[dim]
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis", "list", "mask"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            items.append(slice(draw(st.none() | st.integers(-n - 1, n + 1)), draw(st.none() | st.integers(-n - 1, n + 1)),
                               draw(st.none() | st.integers(1, 3))))
        elif kind == "none":
            items.append(None)
            continue
        elif kind == "ellipsis" and not used_ellipsis:
            items.append(Ellipsis)
            used_ellipsis = True
            dim = len(shape) - sum(1 for i in items if i is not None and i is not Ellipsis)
            continue
        elif kind == "list":
            items.append(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3)))
        else:
            items.append(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))))
        dim += 1
    return shape, tuple(items)


@settings(max_examples=150, deadline=None)
@given(_index_exprs())
def test_getitem_random_indices_match_torch(case):
    shape, index = case
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    x, tx = _pair(a, requires_grad=True)
    try:
        ty = tx[_index_for(index, torch)]
    except Exception as exc:  # e.g. index lists that do not broadcast: the same error
        with pytest.raises(type(exc)) as info:
            x[_index_for(index, ember)]
        assert str(info.value) == str(exc)
        return
    y = x[_index_for(index, ember)]
    _same(y, ty)
    assert y.grad_fn.name() == ty.grad_fn.name()
    g = np.arange(y.numel(), dtype=np.float64).reshape(tuple(ty.shape))
    y.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    # the same index written: values land where torch puts them
    e2, t2 = _pair(a)
    e2[_index_for(index, ember)] = -1.0
    t2[_index_for(index, torch)] = -1.0
    _same(e2, t2)


def test_views_share_memory_and_version():
    x = ember.zeros(3, 4)
    v = x[1]
    v[2] = 5.0
    assert x[1, 2].item() == 5.0 and x._version == v._version == 1
    s = x[:, 1:3]
    s.mul_(2)
    assert x[1, 2].item() == 10.0 and x._version == 2
    x[0, 0] = 7.0
    assert v._version == 3 and x[0][0].item() == 7.0
    e = x[[0, 1]]
    e[0, 0] = -1.0  # advanced indexing copies
    assert x[0, 0].item() == 7.0 and e._base is None


def test_modified_view_breaks_backward_as_in_torch():
    for lib in (ember, torch):
        a = lib.ones(3, requires_grad=True)
        b = lib.ones(3)
        c = a * b  # saves b
        b[0:2].add_(1)  # through a view: the version counter is shared
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            c.sum().backward()


def test_setitem_records_copy_slices():
    rng = np.random.default_rng(1)
    a, bv = rng.standard_normal((3, 4)), rng.standard_normal(4)
    for index in [0, (slice(None), 1), [0, 2, 0], (np.array([0, 1]), np.array([1, 3])), MASK[:, 0]]:
        results = []
        for lib in (ember, torch):
            x, b = lib.tensor(a, requires_grad=True), lib.tensor(bv, requires_grad=True)
            y = x * 1
            idx = _index_for(index, lib)
            target = y[idx]
            y[idx] = b[:target.shape[-1]] if target.dim() else b[0]
            w = lib.tensor(np.arange(12.0).reshape(3, 4))
            (y * w).sum().backward()
            results.append((y, x.grad, b.grad, y.grad_fn.name(), repr(y.grad_fn).split(" ")[0]))
        (ey, exg, ebg, en, er), (ty, txg, tbg, tn, tr) = results
        np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy())
        np.testing.assert_allclose(exg.numpy(), txg.numpy())
        np.testing.assert_allclose(ebg.numpy(), tbg.numpy())
        # CopySlices when a view is written, IndexPutBackward0 when tensors index x itself
        assert en == tn and er == tr
        assert (en == "torch::autograd::CopySlices") == (not isinstance(index, (list, tuple, np.ndarray))
                                                          or isinstance(index[0], slice))


def test_setitem_double_backward():
    grads = []
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = lib.zeros(3, dtype=lib.float64)
        y[1:] = x[:2] ** 3
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        grads.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0])
    np.testing.assert_allclose(grads[0][1], grads[1][1])


def test_setitem_broadcasts_values_and_casts():
    for index, value in [((slice(0, 2),), np.ones(4)), (0, np.ones((1, 1, 4))), ([0, 2], np.arange(4)),
                         (MASK, np.float64(2.5))]:
        e, t = _pair(np.zeros((3, 4), dtype=np.int64))
        ev = ember.tensor(value) if isinstance(value, np.ndarray) else value
        tv = torch.tensor(value) if isinstance(value, np.ndarray) else value
        e[_index_for(index, ember)] = ev
        t[_index_for(index, torch)] = tv
        _same(e, t)


def test_setitem_errors_match_torch():
    for index, value in [((slice(0, 2),), np.ones(3)), (([0, 1],), np.ones(3)), (0, np.ones((2, 1, 4))),
                         ([0, 1], np.ones(4))]:
        e, t = _pair(np.zeros((3, 4), dtype=np.float32))
        _raises_like(lambda: e.__setitem__(_index_for(index, ember), ember.tensor(value)),
                     lambda: t.__setitem__(_index_for(index, torch), torch.tensor(value)))
        assert not e.numpy().any()  # a failed call leaves the tensor unchanged
    for index in [0, [0]]:
        e, t = ember.zeros(3, requires_grad=True), torch.zeros(3, requires_grad=True)
        _raises_like(lambda: e.__setitem__(index, 1.0), lambda: t.__setitem__(index, 1.0))
    e = ember.zeros(3, requires_grad=True)
    with ember.no_grad():
        e[0] = 1.0
    assert e[0].item() == 1.0 and e.is_leaf


def test_gather_scatter_index_functions_match_torch():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 4)).astype(np.float32)
    idx = np.array([[0, 3], [1, 1], [2, 0]])
    cases = [("gather", (1, idx)), ("scatter", (1, idx[:, :1], rng.standard_normal((3, 1)).astype(np.float32))),
             ("scatter", (1, idx[:, :1], 2.0)), ("scatter_add", (1, idx, np.ones((3, 2), np.float32))),
             ("scatter", (1, idx, np.ones((3, 2), np.float32))),
             ("index_select", (0, np.array([2, 2, 0]))), ("index_select", (1, np.array(3))),
             ("masked_select", (a > 0,)), ("take", (np.array([[0, 11], [-1, 5]]),)),
             ("take_along_dim", (idx, 1)), ("take_along_dim", (np.array([0, 11, 3]),)),
             ("take_along_dim", (np.array([[1], [0], [2]]), 1)),
             ("index_add", (0, np.array([0, 0]), np.ones((2, 4), np.float32))),
             ("index_fill", (1, np.array([0, 2]), -1.0)),
             ("index_put", ((np.array([0, 0]), np.array([1, 1])), np.array(3.0, np.float32), True)),
             ("index_put", ((a > 1,), np.array(0.0, np.float32))),
             ("nonzero", ()), ("masked_scatter", (a > 0, np.arange(12, dtype=np.float32)))]
    for name, args in cases:
        e_args = [ember.tensor(v) if isinstance(v, np.ndarray) else
                  tuple(ember.tensor(i) for i in v) if isinstance(v, tuple) else v for v in args]
        t_args = [torch.tensor(v) if isinstance(v, np.ndarray) else
                  tuple(torch.tensor(i) for i in v) if isinstance(v, tuple) else v for v in args]
        e_fn = getattr(ember.ops.indexing, name)
        _same(e_fn(ember.tensor(a), *e_args), getattr(torch.Tensor, name)(torch.tensor(a), *t_args))
    e, t = _pair(np.array([[0.0, 1.0], [2.0, 0.0]]))
    for ei, ti in zip(ember.ops.indexing.nonzero(e, as_tuple=True), t.nonzero(as_tuple=True)):
        _same(ei, ti)
    _same(ember.ops.indexing.nonzero(ember.tensor(5.0)), torch.tensor(5.0).nonzero())


def test_scatter_reduce_and_not_implemented_grad():
    a = np.ones((2, 3), np.float32)
    idx = np.array([[0, 0], [2, 1]])
    for reduce in ("add", "multiply"):
        e = ember.ops.indexing.scatter(ember.tensor(a), 1, ember.tensor(idx), ember.full((2, 2), 3.0), reduce=reduce)
        t = torch.tensor(a).scatter(1, torch.tensor(idx), torch.full((2, 2), 3.0), reduce=reduce)
        _same(e, t)
    x, tx = _pair(a, requires_grad=True)
    y = ember.ops.indexing.scatter(x * 1, 1, ember.tensor(idx), 2.0, reduce="add")
    ty = (tx * 1).scatter(1, torch.tensor(idx), 2.0, reduce="add")
    assert y.grad_fn.name() == ty.grad_fn.name()
    _raises_like(lambda: y.sum().backward(), lambda: ty.sum().backward())


def test_index_function_errors_match_torch():
    a = np.zeros((3, 4), np.float32)
    I = ember.ops.indexing
    cases = [("gather", (1, np.array([0]))), ("gather", (1, np.array([[5]]))),
             ("gather", (1, np.zeros((4, 1), np.int64))), ("gather", (2, np.array([[0]]))),
             ("scatter", (1, np.array([[5]]), 1.0)), ("scatter", (1, np.zeros((3, 2), np.int64), np.ones((3, 1), np.float32))),
             ("scatter", (1, np.zeros((3, 1), np.int64), np.ones((3, 1)))),
             ("index_select", (0, np.array([5]))), ("index_select", (0, np.array([[0]]))),
             ("index_select", (0, np.array([1.0]))), ("take", (np.array([12]),)), ("take", (np.array([0], np.int32),)),
             ("index_put", ((np.array([0, 1]),), np.ones(3, np.float32))),
             ("index_put", ((np.array([0]),), np.ones(4))), ("index_fill", (0, np.array([5]), 1.0)),
             ("index_fill", (0, np.array([0]), np.array([1.0], np.float32))),
             ("index_add", (0, np.array([0]), np.ones((2, 4), np.float32))),
             ("index_add", (0, np.array([0]), np.ones((1, 4)))), ("masked_select", (np.ones(4, np.float32),)),
             ("masked_select", (np.ones((2, 4), bool),)), ("masked_scatter", (np.ones((3, 4), bool), np.ones(2, np.float32)))]
    for name, args in cases:
        e_args = [ember.tensor(v) if isinstance(v, np.ndarray) else
                  tuple(ember.tensor(i) for i in v) if isinstance(v, tuple) else v for v in args]
        t_args = [torch.tensor(v) if isinstance(v, np.ndarray) else
                  tuple(torch.tensor(i) for i in v) if isinstance(v, tuple) else v for v in args]
        _raises_like(lambda: getattr(I, name)(ember.tensor(a), *e_args),
                     lambda: getattr(torch.Tensor, name)(torch.tensor(a), *t_args))


def test_in_place_index_functions():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 4))
    idx = np.array([[0, 3], [1, 1], [2, 0]])
    src = rng.standard_normal((3, 2))
    I = ember.ops.indexing
    for name, e_args, t_args in [
            ("scatter_", (1, ember.tensor(idx[:, :1]), ember.tensor(src[:, :1])),
             (1, torch.tensor(idx[:, :1]), torch.tensor(src[:, :1]))),
            ("scatter_add_", (1, ember.tensor(idx), ember.tensor(src)), (1, torch.tensor(idx), torch.tensor(src))),
            ("index_add_", (1, ember.tensor([0, 0]), ember.tensor(src)), (1, torch.tensor([0, 0]), torch.tensor(src))),
            ("index_fill_", (0, ember.tensor([1]), 4.0), (0, torch.tensor([1]), 4.0)),
            ("index_put_", ((ember.tensor([2, 2]),), ember.tensor(a[0]), True), ((torch.tensor([2, 2]),), torch.tensor(a[0]), True)),
            ("masked_scatter_", (ember.tensor(a > 0), ember.tensor(a * 3)), (torch.tensor(a > 0), torch.tensor(a * 3)))]:
        (x, tx) = _pair(a, requires_grad=True)
        y, ty = x * 2, tx * 2
        out = getattr(I, name)(y, *e_args)
        t_out = getattr(ty, name)(*t_args)
        assert out is y and y._version == 1 and ty._version == 1
        assert y.grad_fn.name() == ty.grad_fn.name()
        _same(y, ty)
        y.sum().backward()
        ty.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
        _raises_like(lambda: getattr(I, name)(x, *e_args), lambda: getattr(tx, name)(*t_args))
