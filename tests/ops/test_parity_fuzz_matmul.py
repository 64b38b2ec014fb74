"""The matmul family vs PyTorch: values, dtypes, gradients, grad_fn names and error messages."""
import numpy as np
import pytest
import torch

import ember

rng = np.random.default_rng(0)


def _array(shape, dtype):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("float"):
        return rng.standard_normal(shape).astype(dtype)
    return rng.integers(-4, 5, shape).astype(dtype)


def check(fn, *specs, grad=True):
    """fn(lib, *tensors) agrees in both libraries: values, dtype, grad_fn name, input gradients, errors."""
    arrays = [_array(s, d) for s, d in specs]
    results = []
    for lib in (torch, ember):
        ts = [lib.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
        try:
            out = fn(lib, *ts)
        except Exception as exc:  # noqa: BLE001 - the exception itself is compared
            results.append((type(exc), str(exc).replace("ember", "torch")))
            continue
        grads = None
        if out.requires_grad:
            g = np.asarray(np.random.default_rng(1).standard_normal(tuple(out.shape)), dtype=arrays[0].dtype)
            leaves = [t for t in ts if t.requires_grad]
            grads = [x.numpy() for x in lib.autograd.grad(out, leaves, lib.tensor(g))]
        results.append((str(out.dtype).split(".")[-1], out.detach().numpy(),
                        out.grad_fn.name() if out.grad_fn is not None else None, grads))
    t, e = results
    if isinstance(t[0], type) or isinstance(e[0], type):
        assert t == e
        return
    assert e[0] == t[0] and e[2] == t[2]
    np.testing.assert_allclose(e[1], t[1], rtol=1e-5, atol=1e-5)
    for a, b in zip(e[3] or [], t[3] or []):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


F = "float32"
MATMUL = [((3, 4), (2, 4, 5)), ((1, 4), (2, 4, 5)), ((0, 3), (2, 3, 4)), ((1, 4), (3, 2, 4, 5)), ((4,), (2, 4, 5)),
          ((5, 2, 3, 4), (2, 1, 3, 4)), ((5, 2, 3, 4), (2, 1, 4, 3)), ((3,), (3,)), ((3, 4), (4,)), ((4,), (4, 5)),
          ((3, 4), (5, 6)), ((2, 3, 4), (2, 5, 6)), ((), (3,))]


@pytest.mark.parametrize("sa,sb", MATMUL, ids=str)
@pytest.mark.parametrize("which", ["both", "first", "second"])
def test_matmul_shapes_and_nodes(sa, sb, which):
    a, b = _array(sa, F), _array(sb, F)
    names = []
    for lib in (torch, ember):
        x = lib.tensor(a, requires_grad=which in ("both", "first"))
        y = lib.tensor(b, requires_grad=which in ("both", "second"))
        try:
            out = lib.matmul(x, y)
            names.append((out.grad_fn.name(), out.detach().numpy().round(4).tolist()))
        except Exception as exc:  # noqa: BLE001
            names.append((type(exc), str(exc)))
    assert names[0] == names[1]


@pytest.mark.parametrize("fn", ["mm", "matmul", "dot", "vdot", "inner", "mv", "bmm"])
@pytest.mark.parametrize("dtypes", [("float64", "float32"), ("int64", "float32"), ("int32", "int64"), ("bool", "bool"),
                                    ("int64", "int64")], ids=str)
def test_dtype_rules(fn, dtypes):
    sa = {"mv": (3, 4), "bmm": (2, 3, 4), "mm": (3, 4), "matmul": (3, 4)}.get(fn, (4,))
    sb = {"mv": (4,), "bmm": (2, 4, 5), "mm": (4, 5), "matmul": (4, 5)}.get(fn, (4,))
    check(lambda lib, a, b: getattr(lib, fn)(a, b), (sa, dtypes[0]), (sb, dtypes[1]))


def test_vdot_node():
    check(lambda lib, a, b: lib.vdot(a, b), ((4,), F), ((4,), F))


def test_kron_node():
    check(lambda lib, a, b: lib.kron(a, b), ((2, 3), F), ((3, 2), F))


EINSUM = [("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("iij->j", [(3, 3, 2)]), ("...ii->...i", [(2, 3, 3)]), ("ij->ji", [(3, 4)]),
          ("ij->i", [(3, 4)]), ("i,j->ij", [(3,), (4,)]), ("ij,ij->ji", [(3, 4), (3, 4)]), ("ii,ij->j", [(3, 3), (3, 4)]),
          ("ij,j->i", [(3, 4), (1,)]), ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij->ik", [(3, 4)]), ("ij", [(3,)]),
          ("ii->", [(3, 4)])]


@pytest.mark.parametrize("eq,shapes", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum(eq, shapes):
    check(lambda lib, *ops: lib.einsum(eq, *ops), *[(s, F) for s in shapes])


@pytest.mark.parametrize("sa,sb,dims", [((3, 4), (1, 4, 5), 2), ((4, 5), (1, 4, 5), 2), ((3,), (3,), 2),
                                        ((0, 3), (0, 3), 2), ((3, 4), (4, 3), ([0, 1], [1, 2])),
                                        ((2, 3, 4), (3, 4, 5), ([1, 2], [0, 1]))], ids=str)
def test_tensordot(sa, sb, dims):
    check(lambda lib, a, b: lib.tensordot(a, b, dims=dims), (sa, F), (sb, F))


@pytest.mark.parametrize("kw", [{}, {"beta": 0.5}, {"alpha": 1.5}, {"beta": 1.7, "alpha": 2.5}], ids=str)
def test_integer_addmm_truncates_scalars(kw):
    check(lambda lib, b, x, y: lib.addmm(b, x, y, **kw), ((3, 5), "int64"), ((3, 4), "int64"), ((4, 5), "int64"))


@pytest.mark.parametrize("dtypes", [("float32", "int64", "int64"), ("int64", "float32", "float32"),
                                    ("float32", "float32", "int64")], ids=str)
def test_addmm_dtype_errors(dtypes):
    check(lambda lib, b, x, y: lib.addmm(b, x, y), ((3, 5), dtypes[0]), ((3, 4), dtypes[1]), ((4, 5), dtypes[2]))


def test_addmv_size_message():
    check(lambda lib, b, m, v: lib.addmv(b, m, v), ((4,), F), ((3, 4), F), ((4,), F))
