"""Compare an ember.nn.functional call with torch.nn.functional's: values, dtype, input gradients."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import ember  # noqa: E402

TOL = {"float32": (2e-5, 2e-6), "float64": (1e-9, 1e-10)}


def pair(array, grad=True):
    """An (ember, torch) pair of tensors holding a copy of ``array``."""
    rg = grad and array.dtype.kind == "f"
    return (ember.tensor(array.copy(), requires_grad=rg), torch.tensor(array.copy(), requires_grad=rg))


def check(e_fn, t_fn, arrays, grad=True, seed=0, tol=None, names=True):
    """Run both functions on the same inputs and compare outputs, grad_fn names (primitives) and gradients."""
    pairs = [pair(a, grad) if isinstance(a, np.ndarray) else (a, a) for a in arrays]
    e_out = e_fn(*[p[0] for p in pairs])
    t_out = t_fn(*[p[1] for p in pairs])
    dtype = str(t_out.dtype).split(".")[-1]
    rtol, atol = tol or TOL.get(dtype, (1e-5, 1e-6))
    assert tuple(e_out.shape) == tuple(t_out.shape)
    assert e_out.dtype.name == dtype
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
    if not grad or not t_out.requires_grad:
        return e_out, t_out
    if names and t_out.grad_fn is not None:
        assert e_out.grad_fn.name() == t_out.grad_fn.name()
    v = np.random.default_rng(seed).standard_normal(tuple(t_out.shape)).astype(dtype)
    e_in = [p[0] for p in pairs if isinstance(p[0], ember.Tensor) and p[0].requires_grad]
    t_in = [p[1] for p in pairs if isinstance(p[1], torch.Tensor) and p[1].requires_grad]
    tg = torch.autograd.grad(t_out, t_in, torch.from_numpy(v), allow_unused=True)
    eg = ember.autograd.grad(e_out, e_in, ember.from_numpy(v), allow_unused=True)
    for k, (a, b) in enumerate(zip(eg, tg)):
        if b is None:
            assert a is None or not np.any(a.numpy()), f"input {k}"
            continue
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=atol, err_msg=f"gradient of input {k}")
    return e_out, t_out


def same_error(e_fn, t_fn):
    """Both calls raise the same exception type with the same message."""
    with pytest.raises(Exception) as t_exc:
        t_fn()
    with pytest.raises(Exception) as e_exc:
        e_fn()
    assert type(e_exc.value).__name__ == type(t_exc.value).__name__
    # ember's own names (ember.Size, ember.float32) stand where PyTorch prints torch.*
    assert str(e_exc.value).split("\n")[0].replace("ember.", "torch.") == str(t_exc.value).split("\n")[0]
