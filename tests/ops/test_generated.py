"""Op tests generated from the op table (ember.ops.ALL), as ../shared/STYLE.md describes.

For every op with ``samples`` and every case x dtype:
1. forward values, shape and dtype against PyTorch;
2. the grad_fn name against PyTorch's;
3. input gradients against ``torch.autograd.grad`` with a random (not all-ones) output gradient;
4. a float64 central-difference check of the vector-Jacobian product, independent of PyTorch;
5. second derivatives (``create_graph=True``) against PyTorch, where the op declares them.
"""
import numpy as np
import pytest

import ember
from ember.ops import ALL

torch = pytest.importorskip("torch")

# torch.testing's default tolerances per dtype; an op widens them only with a comment saying why
TOLERANCES = {"float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7), "float16": (1e-3, 1e-5)}

_UNARY_SHAPES = [((3, 4),), ((2, 3, 4),)]
_BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), ())]
_BROADCAST_SHAPES = [((3, 1), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3))]


def _shape_sets(s):
    if s.arity == 1:
        sets = list(_UNARY_SHAPES)
        if s.zero_dim:
            sets.append(((),))
        if s.empty:
            sets.append(((0, 3),))
        return sets
    sets = [shapes[:s.arity] for shapes in _BINARY_SHAPES]
    if s.zero_dim:
        sets.append(((),) * s.arity)
    if s.empty:
        sets.append(((0, 3),) * s.arity)
    if s.broadcast:
        sets += _BROADCAST_SHAPES
    return sets


def _cases(op):
    """Yield ``(op, case_id, builder)`` where builder(make) gives (args, kwargs)."""
    s = op.samples
    if s.cases is not None:
        n = len(s.cases(_ShapeOnly()))
        for i in range(n):
            yield pytest.param(op, i, id=f"{op.__name__}-case{i}")
        return
    kwargs_list = s.kwargs if isinstance(s.kwargs, list) else [s.kwargs or {}]
    i = 0
    for shapes in _shape_sets(s):
        for kw in kwargs_list:
            yield pytest.param(op, i, id=f"{op.__name__}-{'x'.join(map(str, shapes))}-{i}")
            i += 1


class _ShapeOnly:
    """A ``make`` that only counts cases."""

    def __call__(self, shape, low=None, high=None, dtype=None):
        return np.zeros(shape, dtype=dtype or np.float64)


def _build(op, index, make):
    s = op.samples
    if s.cases is not None:
        return s.cases(make)[index]
    kwargs_list = s.kwargs if isinstance(s.kwargs, list) else [s.kwargs or {}]
    flat = [(shapes, kw) for shapes in _shape_sets(s) for kw in kwargs_list]
    shapes, kw = flat[index]
    return tuple(make(sh) for sh in shapes), dict(kw)


CASES = [c for op in ALL if op.samples is not None for c in _cases(op)]


def _call(namespace, tensor_type, name, args, kwargs):
    if name.startswith("Tensor."):
        return getattr(args[0], name.split(".", 1)[1])(*args[1:], **kwargs)
    fn = namespace
    for part in name.split("."):
        fn = getattr(fn, part)
    return fn(*args, **kwargs)


def _maker(default_dtype, domain, seed):
    rng = np.random.default_rng(seed)

    def make(shape, low=None, high=None, dtype=None):
        lo = domain[0] if low is None else low
        hi = domain[1] if high is None else high
        dt = np.dtype(dtype or default_dtype)
        if dt.kind in "iu":
            return rng.integers(int(lo), int(hi) + 1, size=shape).astype(dt)
        if dt.kind == "b":
            return rng.random(shape) < 0.5
        return rng.uniform(lo, hi, size=shape).astype(dt)
    return make


def _to_pair(value, requires_grad):
    """An ndarray becomes an (ember, torch) pair of tensors; anything else is passed to both."""
    if isinstance(value, np.ndarray):
        rg = requires_grad and value.dtype.kind == "f"
        return (ember.tensor(value.copy(), requires_grad=rg), torch.tensor(value.copy(), requires_grad=rg))
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        pairs = [_to_pair(v, requires_grad) for v in value]
        return (type(value)(p[0] for p in pairs), type(value)(p[1] for p in pairs))
    return (value, value)


def _leaves(args):
    out = []
    for a in args:
        if isinstance(a, (list, tuple)):
            out += _leaves(a)
        elif isinstance(a, (ember.Tensor, torch.Tensor)) and a.requires_grad:
            out.append(a)
    return out


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


def _close(actual, expected, dtype, s, what):
    rtol, atol = TOLERANCES[dtype]
    rtol, atol = s.rtol or rtol, s.atol or atol
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=what)


def _run(op, index, dtype):
    s = op.samples
    args, kwargs = _build(op, index, _maker(dtype, s.domain, seed=index))
    pairs = [_to_pair(a, s.grad) for a in args]
    e_args, t_args = [p[0] for p in pairs], [p[1] for p in pairs]
    e_out = _call(ember, ember.Tensor, s.call, e_args, kwargs)
    t_out = _call(torch, torch.Tensor, s.torch_call, t_args, kwargs)
    return s, e_args, t_args, _first(e_out), _first(t_out)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op,index", CASES)
def test_forward_matches_torch(op, index, dtype):
    if dtype not in op.samples.dtypes:
        pytest.skip(f"{op.__name__} is not defined for {dtype}")
    s, _, _, e_out, t_out = _run(op, index, dtype)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    assert str(e_out.dtype).replace("ember.", "") == str(t_out.dtype).replace("torch.", "")
    _close(e_out.detach().numpy(), t_out.detach().numpy(), dtype, s, "forward values")
    if t_out.grad_fn is not None:
        assert e_out.grad_fn is not None, "ember recorded no grad_fn"
        assert e_out.grad_fn.name() == t_out.grad_fn.name()


def _grad_case(op, index, dtype):
    s, e_args, t_args, e_out, t_out = _run(op, index, dtype)
    e_in, t_in = _leaves(e_args), _leaves(t_args)
    if not e_in or not t_out.requires_grad:
        pytest.skip("no differentiable input")
    rng = np.random.default_rng(1000 + index)
    v = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    return s, e_args, e_in, t_in, e_out, t_out, v


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op,index", [c for c in CASES if c.values[0].samples.grad])
def test_grad_matches_torch(op, index, dtype):
    if dtype not in op.samples.dtypes:
        pytest.skip(f"{op.__name__} is not defined for {dtype}")
    s, _, e_in, t_in, e_out, t_out, v = _grad_case(op, index, dtype)
    t_grads = torch.autograd.grad(t_out, t_in, torch.from_numpy(v), allow_unused=True)
    e_grads = ember.autograd.grad(e_out, e_in, ember.from_numpy(v), allow_unused=True)
    for k, (eg, tg) in enumerate(zip(e_grads, t_grads)):
        if tg is None:
            assert eg is None or not np.any(eg.numpy()), f"input {k}: torch has no gradient"
            continue
        assert eg is not None, f"input {k}: ember has no gradient"
        assert tuple(eg.shape) == tuple(tg.shape) and eg.dtype.name == str(tg.dtype).split(".")[1]
        _close(eg.numpy(), tg.numpy(), dtype, s, f"gradient of input {k}")


def _numeric_vjp(fn, inputs, v, eps=1e-6):
    """Central differences of ``sum(fn(inputs) * v)`` w.r.t. each input, in float64."""
    grads = []
    for x in inputs:
        g = np.zeros_like(x._data)
        flat = x._data.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            plus = float((fn()._data * v).sum())
            flat[i] = old - eps
            minus = float((fn()._data * v).sum())
            flat[i] = old
            g.reshape(-1)[i] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("op,index", [c for c in CASES if c.values[0].samples.grad and c.values[0].samples.numeric])
def test_grad_matches_finite_differences(op, index):
    s, e_args, e_in, _, e_out, _, v = _grad_case(op, index, "float64")
    args, kwargs = list(e_args), {}
    _, kwargs = _build(op, index, _maker("float64", s.domain, seed=index))
    analytic = ember.autograd.grad(e_out, e_in, ember.from_numpy(v), allow_unused=True)

    def fn():
        with ember.no_grad():
            return _first(_call(ember, ember.Tensor, s.call, args, kwargs))
    numeric = _numeric_vjp(fn, e_in, v)
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        a = np.zeros_like(n) if a is None else a.numpy()
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-6, err_msg=f"input {k}")


@pytest.mark.parametrize("op,index", [c for c in CASES if c.values[0].samples.gradgrad and c.values[0].samples.grad])
def test_double_backward_matches_torch(op, index):
    s, _, e_in, t_in, e_out, t_out, v = _grad_case(op, index, "float64")
    t_v = torch.from_numpy(v).requires_grad_(True)
    e_v = ember.from_numpy(v.copy()).requires_grad_(True)
    t_g = torch.autograd.grad(t_out, t_in, t_v, create_graph=True, allow_unused=True)
    e_g = ember.autograd.grad(e_out, e_in, e_v, create_graph=True, allow_unused=True)
    rng = np.random.default_rng(2000 + index)
    for k, (eg, tg) in enumerate(zip(e_g, t_g)):
        if tg is None or not tg.requires_grad:
            continue
        w = rng.standard_normal(tuple(tg.shape))
        t_gg = torch.autograd.grad(tg, list(t_in) + [t_v], torch.from_numpy(w), allow_unused=True,
                                   retain_graph=True)
        assert eg.requires_grad, f"ember's gradient of input {k} does not record a graph"
        e_gg = ember.autograd.grad(eg, list(e_in) + [e_v], ember.from_numpy(w), allow_unused=True,
                                   retain_graph=True)
        for j, (a, b) in enumerate(zip(e_gg, t_gg)):
            # None and an all-zero gradient say the same thing (torch returns zeros through
            # relu's mask, ember records no graph through a comparison)
            if b is None or a is None:
                other = a if b is None else b
                assert other is None or not np.any(other.detach().numpy(force=True)), \
                    f"d/d input {j} of grad {k}: one side is None, the other nonzero"
                continue
            _close(a.detach().numpy(), b.detach().numpy(force=True), "float64", s, f"d/d input {j} of grad {k}")


def test_every_op_has_samples_and_a_binding():
    for op in ALL:
        assert op.samples is not None or op.__doc__, op
        if op.samples is not None:
            name = op.samples.call
            owner = ember.Tensor if name.startswith("Tensor.") else ember
            for part in name.split(".")[1 if name.startswith("Tensor.") else 0:]:
                assert hasattr(owner, part), f"{op.__name__}: no binding {name}"
                owner = getattr(owner, part)


def test_numpy_and_ember_namespaces_match():
    from ember.ops import _ember_api, _numpy_api
    public = lambda m: {n for n in dir(m) if not n.startswith("_") and callable(getattr(m, n))} - {"from_numpy"}
    assert public(_numpy_api) - {"np"} <= public(_ember_api)
    assert public(_ember_api) - {"from_numpy"} <= public(_numpy_api)
