"""Parity with torch found by fuzzing: error types and messages on bad inputs, grad_fn names of
composite ops, and a few results (unique along a dim with NaN, einsum promotion, empty randn)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _outcome(fn, lib):
    try:
        r = fn(lib)
    except Exception as err:  # noqa: BLE001 - the exception is what is compared
        return type(err).__name__, str(err).split("\n")[0]
    if isinstance(r, (tuple, list)):
        return [_as_np(t) for t in r]
    return _as_np(r)


def _as_np(t):
    return (tuple(t.shape), str(t.dtype).split(".")[-1], t.detach().numpy().tolist())


def _same(fn):
    e, t = _outcome(fn, ember), _outcome(fn, torch)
    assert e == t


ERRORS = {
    "bitwise_and_broadcast": lambda L: L.bitwise_and(L.zeros(3, 4), L.zeros(5)),
    "bitwise_xor_broadcast": lambda L: L.bitwise_xor(L.zeros(3, 4), L.zeros(5)),
    "lshift_broadcast": lambda L: L.bitwise_left_shift(L.zeros(3, 4), L.zeros(5)),
    "and_operator_broadcast": lambda L: L.zeros(3, 4) & L.zeros(5),
    "invert_float": lambda L: ~L.zeros(3),
    "rsub_broadcast": lambda L: L.rsub(L.zeros(3, 4), L.zeros(5)),
    "masked_fill_broadcast": lambda L: L.zeros(3, 4).masked_fill(L.zeros(5, dtype=L.bool), 1.0),
    "masked_fill_broadcast_2": lambda L: L.zeros(3).masked_fill(L.zeros(2, 4, dtype=L.bool), 1.0),
    "masked_scatter_broadcast": lambda L: L.zeros(3, 4).masked_scatter(L.zeros(5, dtype=L.bool), L.zeros(20)),
    "rfloordiv_broadcast": lambda L: L.zeros(3, 4).__rfloordiv__(L.zeros(5)),
    "expand_last_dim_first": lambda L: L.zeros(0, 3).expand(2, 3, 4),
    "expand_leading_minus_one": lambda L: L.zeros(3).expand(-1, -1, 3),
    "cumsum_no_dim": lambda L: L.cumsum(L.zeros(3)),
    "cumprod_no_dim": lambda L: L.cumprod(L.zeros(3)),
    "view_no_args": lambda L: L.zeros(3).view(),
    "narrow_0d": lambda L: L.narrow(L.tensor(1.0), 0, 0, 1),
    "select_0d": lambda L: L.select(L.tensor(1.0), 0, 0),
    "chunk_0d": lambda L: L.chunk(L.tensor(1.0), 2),
    "split_0d": lambda L: L.split(L.tensor(1.0), 1),
    "cummax_0d_dim1": lambda L: L.cummax(L.tensor(1.0), 1),
    "cummin_0d_dim_minus2": lambda L: L.cummin(L.tensor(1.0), -2),
    "roll_0d": lambda L: L.roll(L.tensor(1.0), 1, 0),
    "roll_0d_dim1": lambda L: L.roll(L.tensor(1.0), 1, 1),
    "unbind_0d_dim1": lambda L: L.unbind(L.tensor(1.0), 1),
    "unbind_0d_dim0": lambda L: L.unbind(L.tensor(1.0), 0),
    "split_sizes_negative_dim": lambda L: L.split(L.zeros(3, 4), [1, 2], -1),
    "split_sizes_negative_entry": lambda L: L.split(L.zeros(3, 4), [5, -1], -2),
    "index_select_dim1": lambda L: L.index_select(L.zeros(3, 4), 1, L.tensor([0, 5])),
    "index_select_dim1_negative": lambda L: L.index_select(L.zeros(3, 4), 1, L.tensor([-1])),
    "index_select_dim0": lambda L: L.index_select(L.zeros(3, 4), 0, L.tensor([3])),
    "index_select_empty_self": lambda L: L.index_select(L.zeros(3, 0), 0, L.tensor([4])),
    "index_select_empty_axis": lambda L: L.index_select(L.zeros(0, 4), 0, L.tensor([0])),
    "index_select_0d_count": lambda L: L.index_select(L.tensor(2.0), 0, L.tensor([0, 0])),
    "index_select_0d_bound": lambda L: L.index_select(L.tensor(2.0), 0, L.tensor([1])),
    "index_copy_dtype": lambda L: L.zeros(3, dtype=L.long).index_copy(0, L.tensor([0]), L.zeros(1)),
    "index_copy_negative": lambda L: L.index_copy(L.zeros(3, 4), 1, L.tensor([-1]), L.zeros(3, 1)),
    "index_copy_count": lambda L: L.index_copy(L.zeros(3, 4), 1, L.tensor([0, 1]), L.zeros(3, 1)),
    "index_copy_slices": lambda L: L.index_copy(L.zeros(3, 4, 5), 1, L.tensor([0]), L.zeros(2, 1, 3)),
    "index_copy_int32_index": lambda L: L.index_copy(L.zeros(3), 0, L.tensor([1], dtype=L.int32), L.zeros(1)),
    "hstack_empty": lambda L: L.hstack([]),
    "vstack_empty": lambda L: L.vstack([]),
    "dstack_empty": lambda L: L.dstack([]),
    "take_along_dim_broadcast": lambda L: L.take_along_dim(L.zeros(3, 4), L.zeros(2, 5, dtype=L.long), 1),
    "take_along_dim_ndim": lambda L: L.take_along_dim(L.zeros(3, 4), L.zeros(5, dtype=L.long), 1),
    "take_along_dim_dtype": lambda L: L.take_along_dim(L.zeros(3, 4), L.zeros(3, 5, dtype=L.int32), 1),
    "gather_float_index": lambda L: L.gather(L.zeros(3), 0, L.zeros(2)),
    "scatter_add_float_index": lambda L: L.scatter_add(L.zeros(3), 0, L.zeros(2), L.zeros(2)),
    "bincount_float": lambda L: L.bincount(L.zeros(3)),
    "bincount_bool": lambda L: L.bincount(L.zeros(3, dtype=L.bool)),
    "bincount_2d": lambda L: L.bincount(L.zeros(3, 2, dtype=L.long)),
    "mean_int_dtype": lambda L: L.mean(L.zeros(3, dtype=L.long), dtype=L.int64),
    "mv_0d": lambda L: L.mv(L.tensor(1.0), L.zeros(3)),
    "einsum_mixed_contraction": lambda L: L.einsum("i,i->", L.zeros(3), L.zeros(3, dtype=L.float64)),
    "einsum_mixed_reversed": lambda L: L.einsum("ij,jk->ik", L.zeros(3, 3, dtype=L.float64), L.zeros(3, 3)),
    "repeat_interleave_negative": lambda L: L.repeat_interleave(L.zeros(3), -1),
    "nanmedian_empty_dim": lambda L: L.nanmedian(L.zeros(0, 3), 0),
    "linalg_norm_fro_3d": lambda L: L.linalg.norm(L.ones(2, 3, 4), ord="fro"),
    "linalg_norm_dims_3": lambda L: L.linalg.norm(L.ones(2, 3, 4), dim=(0, 1, 2)),
    "linalg_norm_1d_two_dims": lambda L: L.linalg.norm(L.ones(3), dim=(0, 1)),
    "matrix_norm_order_first": lambda L: L.linalg.matrix_norm(L.ones(3), ord=0),
    "vector_norm_ord_none": lambda L: L.linalg.vector_norm(L.ones(3), ord=None),
    "vector_norm_ord_str": lambda L: L.linalg.vector_norm(L.ones(3), ord="fro"),
    "norm_nuc_3d": lambda L: L.norm(L.ones(2, 3, 4), p="nuc"),
    "norm_nuc_1d": lambda L: L.norm(L.ones(3), p="nuc"),
    "cross_no_size_3": lambda L: L.cross(L.ones(4), L.ones(4)),
}

INT_DIM_ONLY = ("argmax", "argmin", "cumsum", "cumprod", "median", "mode", "nanmedian", "cummax", "cummin",
                "softmax", "log_softmax", "unsqueeze")


@pytest.mark.parametrize("case", list(ERRORS), ids=str)
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_error_matches_torch(case):
    e, t = _outcome(ERRORS[case], ember), _outcome(ERRORS[case], torch)
    assert isinstance(t[0], str), "torch should raise here"
    assert e == t


@pytest.mark.parametrize("name", INT_DIM_ONLY)
def test_tuple_dim_type_error_matches_torch(name):
    _same(lambda L: getattr(L, name)(L.zeros(3, 4), dim=(0,)))
    _same(lambda L: getattr(L.zeros(3, 4), name)(dim=(0,)))


@pytest.mark.parametrize("name", ["kthvalue", "topk"])
def test_tuple_dim_type_error_with_k(name):
    _same(lambda L: getattr(L, name)(L.zeros(3, 4), 1, dim=(0,)))


def test_bitwise_not_float_kernel_error():
    # torch.bitwise_not names its kernel; ``~`` raises Python's TypeError (kept by ember until
    # Tensor.__invert__ calls elementwise.invert)
    with pytest.raises(NotImplementedError) as te:
        torch.bitwise_not(torch.zeros(3))
    assert str(te.value) == '"bitwise_not_cpu" not implemented for \'Float\''
    with pytest.raises(TypeError) as ee:
        ember.ops.elementwise.invert(ember.zeros(3))
    with pytest.raises(TypeError) as te:
        ~torch.zeros(3)
    assert str(ee.value) == str(te.value)


def _rand_t(lib, *shape):
    data = np.random.default_rng(0).uniform(0.5, 2.0, shape).astype("float32")
    return lib.tensor(data, requires_grad=True)


GRAD_FNS = {
    "quantile": lambda L: L.quantile(_rand_t(L, 5), 0.3),
    "quantile_dim_keepdim": lambda L: L.quantile(_rand_t(L, 3, 4), 0.3, dim=1, keepdim=True),
    "quantile_q_tensor": lambda L: L.quantile(_rand_t(L, 3, 4), L.tensor([0.3, 0.5]), dim=0),
    "nanquantile": lambda L: L.nanquantile(_rand_t(L, 5), L.tensor([0.2, 0.9])),
    "nanmedian": lambda L: L.nanmedian(_rand_t(L, 5)),
    "nanmedian_dim": lambda L: L.nanmedian(_rand_t(L, 3, 4), 1).values,
    "rot90": lambda L: L.rot90(_rand_t(L, 3, 4)),
    "rot90_k2": lambda L: L.rot90(_rand_t(L, 2, 3, 4), 2, (2, 0)),
    "rot90_k0": lambda L: L.rot90(_rand_t(L, 3, 4), 0),
    "index_copy": lambda L: L.index_copy(_rand_t(L, 3, 4), 0, L.tensor([2, 0]), _rand_t(L, 2, 4)),
    "repeat_interleave_int": lambda L: L.repeat_interleave(_rand_t(L, 3, 2), 2, dim=1),
    "repeat_interleave_flat": lambda L: L.repeat_interleave(_rand_t(L, 3, 2), 3),
    "ravel_transposed": lambda L: L.ravel(_rand_t(L, 3, 4).t()),
    "diag_matrix": lambda L: L.diag(_rand_t(L, 3, 4), 1),
    "scatter_reduce_sum": lambda L: L.scatter_reduce(_rand_t(L, 5), 0, L.tensor([0, 1, 0]), _rand_t(L, 3), "sum"),
}


@pytest.mark.parametrize("case", list(GRAD_FNS), ids=str)
def test_grad_fn_and_gradients_match_torch(case):
    e, t = GRAD_FNS[case](ember), GRAD_FNS[case](torch)
    assert e.grad_fn.name() == t.grad_fn.name()
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = np.random.default_rng(1).standard_normal(tuple(t.shape)).astype("float32")
    e_leaves = [x for x in _leaves(e.grad_fn)]
    t_leaves = [x for x in _leaves(t.grad_fn)]
    eg = ember.autograd.grad(e, e_leaves, ember.tensor(g))
    tg = torch.autograd.grad(t, t_leaves, torch.tensor(g))
    for a, b in zip(eg, tg):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def _leaves(fn, seen=None):
    """The leaf tensors under a grad_fn, in first-visit order (AccumulateGrad's ``variable``)."""
    seen = set() if seen is None else seen
    out = []
    for nxt, _ in fn.next_functions:
        if nxt is None or id(nxt) in seen:
            continue
        seen.add(id(nxt))
        if hasattr(nxt, "variable"):
            out.append(nxt.variable)
        else:
            out += _leaves(nxt, seen)
    return out


def test_masked_scatter_broadcasts_input_with_mask():
    for shapes in (((3, 4), (2, 3, 4)), ((3, 1), (1, 4))):
        res = []
        for lib in (ember, torch):
            x = lib.arange(float(np.prod(shapes[0]))).reshape(shapes[0]).requires_grad_()
            mask = lib.tensor(np.random.default_rng(2).random(shapes[1]) < 0.6)
            y = x.masked_scatter(mask, lib.arange(30.0))
            (gx,) = lib.autograd.grad(y, x, lib.ones_like(y))
            res.append((y.detach().numpy(), gx.numpy()))
        for a, b in zip(*res):
            np.testing.assert_array_equal(a, b)


def test_unique_dim_with_nan_orders_as_torch():
    rng = np.random.default_rng(0)
    for _ in range(40):
        a = rng.integers(0, 3, (int(rng.integers(1, 30)), 2)).astype("float32")
        a[rng.random(a.shape) < 0.25] = np.nan
        for dim in (0, 1):
            e = ember.unique(ember.tensor(a), dim=dim, return_inverse=True, return_counts=True)
            t = torch.unique(torch.tensor(a), dim=dim, return_inverse=True, return_counts=True)
            for x, y in zip(e, t):
                np.testing.assert_array_equal(x.numpy(), y.numpy())


def test_nanmedian_all_nan_slices_index_as_torch():
    for n in range(1, 14):
        e = ember.nanmedian(ember.full((n, 2), float("nan")), 0).indices
        t = torch.nanmedian(torch.full((n, 2), float("nan")), 0).indices
        np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("eq,dtypes,sizes", [
    ("i,j->ij", ("float32", "int64"), (3, 2)), ("i,i->i", ("int32", "float16"), (3, 3)),
    ("ij,j->i", ("float32", "float64"), ((3, 1), 1)), ("i,i,j->j", ("float64", "float32", "float32"), (1, 1, 3)),
])
def test_einsum_promotes_as_torch(eq, dtypes, sizes):
    arrays = [np.ones(s, dtype=d) for s, d in zip(sizes, dtypes)]
    _same(lambda L: L.einsum(eq, *[L.tensor(a) for a in arrays]))


@pytest.mark.parametrize("call", [
    lambda L: L.randn(0, dtype=L.int64), lambda L: L.randn(0, 3, dtype=L.int32),
    lambda L: L.randn_like(L.zeros(0, dtype=L.long)), lambda L: L.zeros(0, dtype=L.long).normal_(),
    lambda L: L.normal(0.0, 1.0, (0,), dtype=L.long), lambda L: L.randn(2, dtype=L.int64),
])
def test_normal_kernel_dtype_check_only_when_drawing(call):
    _same(call)


def test_svd_without_uv_zero_factors_are_square():
    for some in (True, False):
        e = ember.svd(ember.ones(2, 3), some=some, compute_uv=False)
        t = torch.svd(torch.ones(2, 3), some=some, compute_uv=False)
        assert [tuple(x.shape) for x in e] == [tuple(x.shape) for x in t]
        np.testing.assert_array_equal(e.U.numpy(), t.U.numpy())


def test_nuclear_norm_matches_torch():
    a = np.random.default_rng(3).standard_normal((3, 4)).astype("float32")
    e, t = ember.norm(ember.tensor(a), p="nuc"), torch.norm(torch.tensor(a), p="nuc")
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5)


def test_requires_grad_setter_on_int_tensor_wording():
    # the setter and requires_grad_() word the error differently in PyTorch
    for set_attr in (True, False):
        msgs = []
        for lib in (ember, torch):
            t = lib.zeros(3, dtype=lib.long)
            with pytest.raises(RuntimeError) as err:
                if set_attr:
                    t.requires_grad = True
                else:
                    t.requires_grad_()
            msgs.append(str(err.value))
            assert not t.requires_grad
        assert msgs[0] == msgs[1]
