"""ember.ops.linalg against torch: every matmul case, special products, einsum, errors."""
import numpy as np
import pytest

from tests.nn._fcheck import check, same_error, torch

import ember  # noqa: E402
from ember.ops import linalg as la  # noqa: E402

rng = np.random.default_rng(3)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("sa,sb", [((3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)),
                                   ((2, 1, 3, 4), (5, 4, 2)), ((4,), (4, 5)), ((3, 4), (4,)), ((2, 3, 4), (4,)),
                                   ((4,), (2, 4, 5)), ((4,), (4,)), ((1, 3, 4), (6, 4, 2))])
def test_matmul_cases_names_and_broadcast_gradients(dtype, sa, sb):
    check(la.matmul, torch.matmul, [rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)])


def test_operator_and_rmatmul():
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    check(lambda x, y: x @ y, lambda x, y: x @ y, [a, b])
    np.testing.assert_allclose((b.T @ ember.tensor(a.T)).numpy(), b.T @ a.T)


@pytest.mark.parametrize("name,shapes,kw", [
    ("mm", [(3, 4), (4, 5)], {}), ("bmm", [(2, 3, 4), (2, 4, 5)], {}), ("mv", [(3, 4), (4,)], {}),
    ("dot", [(5,), (5,)], {}), ("outer", [(3,), (4,)], {}), ("inner", [(2, 3), (4, 3)], {}), ("inner", [(3,), (3,)], {}),
    ("addmm", [(2, 4), (2, 3), (3, 4)], {}), ("addmm", [(4,), (2, 3), (3, 4)], {"beta": 0.5, "alpha": 2.0}),
    ("baddbmm", [(2, 3, 5), (2, 3, 4), (2, 4, 5)], {"alpha": -1.5}), ("addmv", [(2,), (2, 3), (3,)], {"beta": 2.0}),
    ("trace", [(3, 3)], {}), ("trace", [(2, 4)], {})])
def test_products(name, shapes, kw):
    arrays = [rng.standard_normal(s) for s in shapes]
    names = name not in ("inner",)
    check(lambda *a: getattr(la, name)(*a, **kw), lambda *a: getattr(torch, name)(*a, **kw), arrays, names=names)


def test_addmm_beta_zero_ignores_nan():
    out = la.addmm(ember.tensor(np.full((2, 2), np.nan, np.float32)), ember.ones(2, 3), ember.ones(3, 2), beta=0)
    assert out.tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_trace_of_integers_is_int64():
    assert la.trace(ember.tensor([[1, 2], [3, 4]], dtype=ember.int32)).dtype.name == "int64"


@pytest.mark.parametrize("eq,shapes", [("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
                                       ("ij->j", [(3, 4)]), ("ij->ji", [(3, 4)]), ("i,j->ij", [(3,), (4,)]),
                                       ("...ij,...jk", [(2, 2, 3), (3, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
                                       ("bi,oij,bj->bo", [(4, 3), (5, 3, 2), (4, 2)]), ("ij", [(2, 3)])])
def test_einsum(eq, shapes):
    check(lambda *a: la.einsum(eq, *a), lambda *a: torch.einsum(eq, *a), [rng.standard_normal(s) for s in shapes],
          names=False)


def test_einsum_double_backward():
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    ea, eb = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (eg,) = ember.autograd.grad((la.einsum("ij,jk->ik", ea, eb) ** 2).sum(), [ea], create_graph=True)
    (tg,) = torch.autograd.grad((torch.einsum("ij,jk->ik", ta, tb) ** 2).sum(), [ta], create_graph=True)
    e2 = ember.autograd.grad((eg * eg).sum(), [ea, eb])
    t2 = torch.autograd.grad((tg * tg).sum(), [ta, tb])
    for x, y in zip(e2, t2):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-9)


@pytest.mark.parametrize("dims", [2, 1, ([1, 0], [0, 1]), ([0], [1])])
def test_tensordot(dims):
    a, b = rng.standard_normal((3, 4, 5)), rng.standard_normal((4, 3, 5)) if dims != 2 else rng.standard_normal((4, 5, 2))
    if dims == 1:
        b = rng.standard_normal((5, 2))
    check(lambda x, y: la.tensordot(x, y, dims), lambda x, y: torch.tensordot(x, y, dims), [a, b], names=False)


@pytest.mark.parametrize("fn", [
    lambda m: m.matmul(m.zeros(2, 3), m.zeros(4, 5)), lambda m: m.matmul(m.zeros(2, 2, 3), m.zeros(2, 4, 5)),
    lambda m: m.matmul(m.zeros(2, 2, 3), m.zeros(4, 5)), lambda m: m.matmul(m.zeros(2, 3), m.zeros(2, 4, 5)),
    lambda m: m.matmul(m.zeros(3), m.zeros(4, 5)), lambda m: m.matmul(m.zeros(2, 3), m.zeros(4)),
    lambda m: m.matmul(m.zeros(2, 2, 3), m.zeros(4)), lambda m: m.matmul(m.zeros(3), m.zeros(4)),
    lambda m: m.matmul(m.zeros(2, 2, 3), m.zeros(3, 3, 4)), lambda m: m.bmm(m.zeros(2, 2, 3), m.zeros(3, 3, 5)),
    lambda m: m.bmm(m.zeros(2, 3), m.zeros(2, 3, 5)), lambda m: m.mm(m.zeros(2, 3), m.zeros(3)),
    lambda m: m.mv(m.zeros(2, 3), m.zeros(4)), lambda m: m.outer(m.zeros(2, 3), m.zeros(3)),
    lambda m: m.addmm(m.zeros(2, 5), m.zeros(2, 3), m.zeros(3, 4)), lambda m: m.trace(m.zeros(2, 3, 3)),
    lambda m: m.inner(m.zeros(2, 3), m.zeros(4)), lambda m: m.tensordot(m.zeros(2, 3), m.zeros(4, 5), dims=1),
    lambda m: m.einsum("ij,jk->ik", m.zeros(2, 3), m.zeros(4, 5)),
    lambda m: m.matmul(m.zeros(2, 3, dtype=m.float64), m.zeros(3, 4))])
def test_errors_match_torch(fn):
    class E:  # ember's functions under torch's names, with ember's creation functions
        zeros, float64 = staticmethod(ember.zeros), ember.float64
    for name in ("matmul", "bmm", "mm", "mv", "outer", "addmm", "trace", "inner", "tensordot", "einsum"):
        setattr(E, name, staticmethod(getattr(la, name)))
    same_error(lambda: fn(E), lambda: fn(torch))
