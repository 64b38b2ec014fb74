"""``gradcheck`` and ``gradgradcheck``: analytical gradients against central finite differences.

Same signature, defaults and messages as PyTorch's (a mismatch prints both Jacobians). Jacobians
are laid out as PyTorch's: one row per input element, one column per output element.
"""
import warnings

import numpy as np

from .engine import grad as _grad
from .graph import Node, _sequence

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


FAILED_NONDET_MSG = (
    "\n\nNOTE: If your op relies on non-deterministic operations i.e., it is listed here:\n"
    "https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html\n"
    "this failure might be expected.\n")


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def _diff_inputs(inputs):
    return [t for t in inputs if _is_tensor(t) and t.requires_grad]


def _check_inputs(inputs):
    any_grad = False
    for idx, inp in enumerate(inputs):
        if _is_tensor(inp) and inp.requires_grad:
            if inp._data.dtype != np.float64:
                warnings.warn(f"Input #{idx} requires gradient and is not a double precision floating point or "
                              f"complex. This check will likely fail if all the inputs are not of double precision "
                              f"floating point or complex. ", stacklevel=3)
            if any(st == 0 and sz > 1 for st, sz in zip(inp._data.strides, inp._data.shape)):
                raise RuntimeError(f"The {idx}th input has a dimension with stride 0. gradcheck only supports inputs "
                                   f"that are non-overlapping to be able to compute the numerical gradients "
                                   f"correctly. You should call .contiguous on the input before passing it to "
                                   f"gradcheck.")
            any_grad = True
    if not any_grad:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")


def _numerical_jacobian(func, inputs, outputs, eps):
    """Central differences: ``jac[j][i]`` has shape (input j numel, output i numel)."""
    jacobians = []
    for inp in _diff_inputs(inputs):
        data = inp._data
        flat = data.reshape(-1)
        if not np.shares_memory(flat, data) and data.size > 1:
            raise RuntimeError("gradcheck needs contiguous inputs to perturb them in place")
        cols = [np.zeros((data.size, o._data.size)) for o in outputs]
        for k in range(data.size):
            orig = flat[k].item()
            flat[k] = orig - eps
            lo = _evaluate(func, inputs, outputs)
            flat[k] = orig + eps
            hi = _evaluate(func, inputs, outputs)
            flat[k] = orig
            for c, a, b in zip(cols, lo, hi):
                c[k] = ((b - a) / (2 * eps)).reshape(-1)
        jacobians.append(cols)
    return jacobians


def _evaluate(func, inputs, ref_outputs):
    # not under no_grad: gradgradcheck's function itself calls autograd.grad
    outs = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o)]
    res = []
    for o, ref in zip(outs, ref_outputs):
        if o._data.shape != ref._data.shape:
            raise GradcheckError(f"Expected `func` to return outputs with the same shape when inputs are perturbed "
                                 f"by eps, but got: shapes {o.shape} and {ref.shape}.")
        res.append(o._data.astype(np.float64))
    return res


def _analytical_jacobian(inputs, output, nondet_tol, check_grad_dtypes):
    """``jac[j]`` of shape (input j numel, output numel), from one vjp per output element, twice."""
    diff = _diff_inputs(inputs)
    runs = []
    for _ in range(2):  # computed twice to detect a non-deterministic (non-reentrant) backward
        jac = [np.zeros((t._data.size, output._data.size)) for t in diff]
        for c in range(output._data.size):
            e = np.zeros(output._data.size, output._data.dtype)
            e[c] = 1
            from .._tensor import _wrap
            grads = _grad(output, diff, _wrap(e.reshape(output._data.shape)), retain_graph=True, allow_unused=True)
            for j, (g, t) in enumerate(zip(grads, diff)):
                if g is None:
                    continue
                if g._data.shape != t._data.shape:
                    raise GradcheckError("Analytical gradient has incorrect size")
                if check_grad_dtypes and g._data.dtype != t._data.dtype:
                    raise GradcheckError("Gradient has dtype mismatch")
                jac[j][:, c] = g._data.reshape(-1)
        runs.append(jac)
    for a, b in zip(*runs):
        if a.size and np.abs(a - b).max() > nondet_tol:
            raise GradcheckError(f"Backward is not reentrant, i.e., running backward with same input and grad_output "
                                 f"multiple times gives different values, although analytical gradient matches "
                                 f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}."
                                 + FAILED_NONDET_MSG)
    return runs[0]


def _mismatch(a, n, i, j, rtol, atol, inp, out, mode=""):
    """PyTorch's message: both Jacobians, printed as tensors."""
    from .._tensor import _wrap
    return (f"Jacobian {mode}mismatch for output {i:d} with respect to input {j:d},\n"
            f"numerical:{_wrap(n)}\nanalytical:{_wrap(a)}\n")


def _forward_jacobian(func, inputs, outputs):
    """``jac[j][i]`` from forward mode: one tangent per input element (forward_ad)."""
    from .._tensor import _wrap
    from . import forward_ad as fwAD
    jacobians = []
    diff_positions = [k for k, t in enumerate(inputs) if _is_tensor(t) and t.requires_grad]
    for pos in diff_positions:
        inp = inputs[pos]
        cols = [np.zeros((inp._data.size, o._data.size)) for o in outputs]
        for k in range(inp._data.size):
            t = np.zeros(inp._data.size, inp._data.dtype)
            t[k] = 1
            with fwAD.dual_level():
                args = list(inputs)
                args[pos] = fwAD.make_dual(inp.detach(), _wrap(t.reshape(inp._data.shape)))
                outs = [o for o in _as_tuple(func(*args)) if _is_tensor(o)]
                for c, o in zip(cols, outs):
                    tangent = fwAD.unpack_dual(o).tangent
                    if tangent is not None:
                        c[k] = tangent._data.reshape(-1)
        jacobians.append(cols)
    return jacobians


class _UndefinedGrad(Node):
    """Passes an undefined (None) gradient on, as PyTorch's UndefinedGrad does."""

    node_name = "UndefinedGradBackward"

    def __init__(self, t):
        from ..ops._op import edge_of
        self.next_functions = (edge_of(t),)
        self._saved = self._versions = None
        self._shape, self._dtype = t._data.shape, t._data.dtype
        self._seq = next(_sequence)

    def backward(self, xp, grad, *saved):
        return (None,)


def _undefined(t):
    from .._tensor import _wrap
    r = _wrap(t._data)
    r._node, r._requires_grad = _UndefinedGrad(t), True
    return r


def _check_undefined_grad(func, inputs):
    from .._creation import zeros_like
    diff = _diff_inputs(inputs)
    outs = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o) and o.requires_grad]
    for group in [outs] + [[o] for o in outs]:
        wrapped = [_undefined(o) for o in group]
        try:
            grads = _grad(wrapped, diff, [zeros_like(o) for o in wrapped], allow_unused=True, retain_graph=True)
        except RuntimeError as e:
            raise GradcheckError('Expected backward function to handle undefined output grads. Please look at "Notes '
                                 'about undefined output gradients" in "tools/autograd/derivatives.yaml"') from e
        if any(g is not None and (g._data != 0).any() for g in grads):
            raise GradcheckError('Expected all input grads to be undefined or zero when all output grads are '
                                 'undefined or zero. Please look at "Notes about undefined output gradients" in '
                                 '"tools/autograd/derivatives.yaml"')


def _check_mul_by_grad_output(outputs, inputs):
    from .._creation import zeros_like
    diff = _diff_inputs(inputs)
    grads = _grad(outputs, diff, [zeros_like(o) for o in outputs], allow_unused=True, retain_graph=True)
    for g, t in zip(grads, diff):
        if g is None:
            continue
        if (g._data != 0).any():
            raise GradcheckError("backward not multiplied by grad_output")
        if g._data.dtype != t._data.dtype:
            raise GradcheckError("grad is incorrect type")
        if g._data.shape != t._data.shape:
            raise GradcheckError("grad is incorrect size")


def _slow_check(func, inputs, func_out, outputs, eps, rtol, atol, nondet_tol, check_grad_dtypes, forward, backward):
    all_out = [o for o in func_out if _is_tensor(o)]
    if not outputs:
        for cols in _numerical_jacobian(func, inputs, all_out, eps):
            if any((c != 0).any() for c in cols):
                raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    numerical = _numerical_jacobian(func, inputs, all_out, eps)
    keep = [k for k, o in enumerate(all_out) if o.requires_grad]
    diff = _diff_inputs(inputs)
    if forward:
        analytical_fw = _forward_jacobian(func, inputs, all_out)
    for i, k in enumerate(keep):
        o = all_out[k]
        analytical = _analytical_jacobian(inputs, o, nondet_tol, check_grad_dtypes) if backward else None
        for j, inp in enumerate(diff):
            n = numerical[j][k]
            for a, mode in ((analytical and analytical[j], ""), (forward and analytical_fw[j][k],
                                                                 "computed with forward mode ")):
                if a is None or a is False:
                    continue
                if not np.allclose(a, n, rtol=rtol, atol=atol):
                    raise GradcheckError(_mismatch(a, n, i, j, rtol, atol, inp, o, mode))


def _fast_check(func, inputs, outputs, eps, rtol, atol):
    """Random projections: ``v^T J u`` by finite differences against ``(J^T v) . u`` by backward."""
    from .._tensor import _wrap
    rng = np.random.default_rng(0)
    diff = _diff_inputs(inputs)
    us = [rng.uniform(-1, 1, t._data.shape) for t in diff]
    for i, o in enumerate(outputs):
        v = rng.uniform(-1, 1, o._data.shape).astype(o._data.dtype)
        grads = _grad(o, diff, _wrap(v), retain_graph=True, allow_unused=True)
        for j, (t, u, g) in enumerate(zip(diff, us, grads)):
            analytical = 0.0 if g is None else float((g._data * u).sum())
            flat = t._data.reshape(-1)
            orig = flat.copy()
            flat += eps * u.reshape(-1)
            hi = _evaluate(func, inputs, [o])[0]
            flat[:] = orig - eps * u.reshape(-1)
            lo = _evaluate(func, inputs, [o])[0]
            flat[:] = orig
            numerical = float((((hi - lo) / (2 * eps)) * v).sum())
            if not np.isclose(analytical, numerical, rtol=rtol, atol=atol):
                raise GradcheckError(_mismatch(np.array([[analytical]]), np.array([[numerical]]), i, j, rtol, atol,
                                               _wrap(np.zeros(())), _wrap(np.zeros(())))
                                     + "(fast mode compares v^T J u for random vectors u, v; rerun with "
                                       "fast_mode=False to see the full Jacobians)\n")


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """Return True if the gradients of ``func`` at ``inputs`` match finite differences (float64 inputs).

    A mismatch raises ``GradcheckError`` with both Jacobians, or returns False when
    ``raise_exception=False``.
    """
    if check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError("gradcheck: check_batched_grad and check_batched_forward_grad need vmap, which "
                                  "ember does not implement")
    try:
        inputs = _as_tuple(inputs)
        _check_inputs(inputs)
        func_out = _as_tuple(func(*inputs))
        outputs = [o for o in func_out if _is_tensor(o) and o.requires_grad]
        if fast_mode and outputs:
            _fast_check(func, inputs, outputs, eps, rtol, atol)
        else:
            _slow_check(func, inputs, func_out, outputs, eps, rtol, atol, nondet_tol, check_grad_dtypes,
                        check_forward_ad, check_backward_ad)
        if check_backward_ad and outputs:
            _check_mul_by_grad_output(outputs, inputs)
            if check_undefined_grad:
                _check_undefined_grad(func, inputs)
        return True
    except GradcheckError:
        if raise_exception:
            raise
        return False


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0, check_undefined_grad=True,
                  check_grad_dtypes=False, check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False, masked=False):
    """Return True if the second derivatives of ``func`` (its backward's gradients) match finite differences."""
    from .._tensor import _wrap
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_undefined_grad=True requires check_rev_over_rev to be True")
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        from ..random import default_generator
        outs = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o) and o.requires_grad]
        dtypes = [o._data.dtype if o._data.dtype.kind == "f" else np.float64 for o in outs]
        grad_outputs = tuple(_wrap(default_generator._uniform(o._data.shape, dt, -1.0, 1.0)).requires_grad_()
                             for o, dt in zip(outs, dtypes))
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_in = {i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad}
    diff_go = {i for i, x in enumerate(grad_outputs) if x.requires_grad}

    def new_func(*args):
        ins = tuple(x.requires_grad_() if i in diff_in else x for i, x in enumerate(args[:-n_out]))
        outs = [o for o in _as_tuple(func(*ins)) if _is_tensor(o) and o.requires_grad]
        gos = tuple(x.requires_grad_() if i in diff_go else x for i, x in enumerate(args[-n_out:]))
        diff = tuple(x for i, x in enumerate(ins) if i in diff_in)
        grads = _grad(outs, diff, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception,
                     nondet_tol=nondet_tol, check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     fast_mode=fast_mode, check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev,
                     masked=masked)
