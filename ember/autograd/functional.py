"""``ember.autograd.functional``: vjp, jvp, jacobian, hessian, vhp, hvp, as in PyTorch.

Everything is built on ``autograd.grad``; forward-mode products use the double-backward trick
(a vjp is linear in its vector, so differentiating it w.r.t. that vector gives the jvp), which is
also what PyTorch's reverse-mode implementation of these functions does. Inputs and outputs keep
PyTorch's tuple conventions and error messages.
"""
import numpy as np

from .engine import grad as _grad
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(inp, arg_name, fn_name):
    """Return (was_tuple, tuple of Tensors), with PyTorch's TypeError for anything else."""
    from .._tensor import Tensor
    is_tuple = isinstance(inp, tuple)
    inp = inp if is_tuple else (inp,)
    for i, el in enumerate(inp):
        if not isinstance(el, Tensor):
            where = f"the value at index {i} has type" if is_tuple else f"the given {arg_name} has type"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"{where} {_torch_type(el)}.")
    return is_tuple, inp


def _torch_type(value):
    return str(type(value)).replace("ember._tensor.Tensor", "ember.Tensor")


def _untuple(res, to_unpack):
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
        return res
    return res if to_unpack else res[0]


def _preprocess(inputs, create_graph, need_graph):
    # always a new Tensor object, so inputs the function also captures from outside stay distinct
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in inputs)


def _postprocess(res, create_graph):
    from .._tensor import Tensor
    if isinstance(res[0], Tensor) or res[0] is None:
        return res if create_graph else tuple(None if t is None else t.detach() for t in res)
    return tuple(_postprocess(r, create_graph) for r in res)


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.size() != b.size():
            prefix = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {b.size()} but got {a.size()}.")


_STRICT = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be computed "
               "in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect to "
                "input {i} is independent of the input. This is not allowed in strict mode. You should ensure that "
                "your function is twice differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the input. "
               "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
               "and that the hessian depends on the inputs.",
}


def _check_requires_grad(inputs, kind, strict):
    if not strict:
        return
    for i, t in enumerate(inputs):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                               f"allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(_STRICT[kind].format(i=i))


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """``autograd.grad`` that skips outputs not requiring grad and allows unused inputs."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _grad([o for o, _ in pairs], inputs, [g for _, g in pairs], allow_unused=True,
                 create_graph=create_graph, retain_graph=retain_graph)


_ZERO_FILL = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict "
            "mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when using "
                  "the double backward trick to compute forward mode gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed in "
                   "strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    from .._creation import zeros_like
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_FILL[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is not "
                               f"allowed in strict mode when create_graph=True.")
        res.append(g)
    return tuple(res)


def _prepare(func, inputs, v, create_graph, strict, name, v_like_outputs):
    """Shared start of vjp/jvp/vhp/hvp: tuple inputs, call func, check v."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
    inputs = _preprocess(inputs, create_graph, True)
    if v is not None:
        v = _preprocess(_as_tuple(v, "v", name)[1], create_graph, False)
    elif not v_like_outputs and (len(inputs) != 1 or inputs[0].nelement() != 1):
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                           "Tensor with a single element.")
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", name)
    _check_requires_grad(outputs, "outputs", strict)
    return is_inputs_tuple, inputs, v, is_outputs_tuple, outputs


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Return ``(func(inputs), vjp)``: the dot product of ``v`` with the Jacobian of ``func`` at ``inputs``."""
    with enable_grad():
        is_in_tuple, inputs, v, is_out_tuple, outputs = _prepare(func, inputs, v, create_graph, strict, "vjp", True)
        if v is not None:
            _validate_v(v, outputs, is_out_tuple)
        elif len(outputs) != 1 or outputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                               "with a single element.")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "back")
    return (_untuple(_postprocess(outputs, create_graph), is_out_tuple),
            _untuple(_postprocess(result, create_graph), is_in_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Return ``(func(inputs), jvp)``: the Jacobian of ``func`` at ``inputs`` times the vector ``v``."""
    from .._creation import zeros_like
    with enable_grad():
        is_in_tuple, inputs, v, is_out_tuple, outputs = _prepare(func, inputs, v, create_graph, strict, "jvp", False)
        if v is not None:
            _validate_v(v, inputs, is_in_tuple)
        # the vjp is linear in its vector, whose value therefore does not matter (zeros: finite)
        grad_outputs = tuple(zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _autograd_grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, "back_trick")
    return (_untuple(_postprocess(outputs, create_graph), is_out_tuple),
            _untuple(_postprocess(result, create_graph), is_out_tuple))


def _stack_rows(rows, shape):
    """Stack gradient rows (one per output element) into a Jacobian block of ``shape``."""
    from .._tensor import _wrap
    if not any(r.requires_grad for r in rows):
        return _wrap(np.stack([r._data for r in rows]).reshape(shape))
    import ember
    stack = getattr(ember, "stack", None)
    if stack is not None:
        return stack(rows).reshape(shape)
    # without stack: place each row with a one-hot column (differentiable, fine for small Jacobians)
    n, ndim = len(rows), rows[0].ndim
    total = None
    for j, row in enumerate(rows):
        e = np.zeros((n,) + (1,) * ndim, row._data.dtype)
        e[j] = 1
        term = row.reshape((1,) + tuple(row.shape)) * _wrap(e)
        total = term if total is None else total + term
    return total.reshape(shape)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """Return the Jacobian of ``func`` at ``inputs``: one block per (output, input) pair.

    ``vectorize`` and ``strategy="forward-mode"`` are accepted and give the same values: without
    vmap, ember computes the rows one by one by reverse mode.
    """
    from .._creation import zeros_like
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode" and create_graph:
        raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                  '`strategy="forward-mode"` are not supported together (yet). Please either set '
                                  '`create_graph=False` or `strategy="reverse-mode"`.')
    if strategy == "forward-mode":
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
                               'not supported together (yet). Please either set `strict=False` or '
                               '`strategy="reverse-mode"`.')
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                      "only implemented for `vectorize=True`.")
        # ember has no vmap: the same Jacobian is assembled from reverse-mode rows below
    elif strict and vectorize:
        raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                           "supported together. Please either set `strict=False` or `vectorize=False`.")
    with enable_grad():
        is_in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _preprocess(inputs, create_graph, True)
        is_out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        result = []
        for i, out in enumerate(outputs):
            rows = tuple([] for _ in inputs)
            for j in range(out.nelement()):
                vj = _autograd_grad((out,), inputs, (_one_hot(out, j),), retain_graph=True,
                                    create_graph=create_graph)
                for k, (g, inp) in enumerate(zip(vj, inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                               f"{k}. This is not allowed in strict mode.")
                        g = zeros_like(inp)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(f"The jacobian of the user-provided function is independent of input "
                                           f"{i}. This is not allowed in strict mode when create_graph=True.")
                    rows[k].append(g)
            result.append(tuple(_block(r, out, inp) for r, inp in zip(rows, inputs)))
        return _untuple(_postprocess(tuple(result), create_graph), (is_out_tuple, is_in_tuple))


def _one_hot(out, j):
    """The grad_output selecting element ``j`` of ``out`` (row ``j`` of its Jacobian)."""
    from .._tensor import _wrap
    e = np.zeros(out._data.size, out._data.dtype)
    e[j] = 1
    return _wrap(e.reshape(out._data.shape))


def _block(rows, out, inp):
    from .._tensor import _wrap
    shape = tuple(out.shape) + tuple(inp.shape)
    if not rows:  # an empty output has an empty Jacobian
        return _wrap(np.zeros(shape, inp._data.dtype))
    return _stack_rows(rows, shape)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """Return the Hessian of the scalar function ``func`` at ``inputs``."""
    is_in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict)
        if is_out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def jac_func(*inp):
        jac = jacobian(single_output, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    return _untuple(res, (is_in_tuple, is_in_tuple))


def _scalar_function_start(func, inputs, v, create_graph, strict, name):
    is_in_tuple, inputs, v, is_out_tuple, outputs = _prepare(func, inputs, v, create_graph, strict, name, False)
    if v is not None:
        _validate_v(v, inputs, is_in_tuple)
    if is_out_tuple:
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a single element")
    jac = _autograd_grad(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict)
    return is_in_tuple, inputs, v, is_out_tuple, outputs, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """Return ``(func(inputs), vhp)``: the vector ``v`` times the Hessian of the scalar ``func``."""
    with enable_grad():
        is_in_tuple, inputs, v, is_out_tuple, outputs, jac = _scalar_function_start(
            func, inputs, v, create_graph, strict, "vhp")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _autograd_grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back")
    return (_untuple(_postprocess(outputs, create_graph), is_out_tuple),
            _untuple(_postprocess(result, create_graph), is_in_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """Return ``(func(inputs), hvp)``: the Hessian of the scalar ``func`` times the vector ``v``."""
    from .._creation import zeros_like
    with enable_grad():
        is_in_tuple, inputs, v, is_out_tuple, outputs, jac = _scalar_function_start(
            func, inputs, v, create_graph, strict, "hvp")
        grad_jac = tuple(zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _autograd_grad(jac, inputs, grad_jac, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _autograd_grad(double_back, grad_jac, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back_trick")
    return (_untuple(_postprocess(outputs, create_graph), is_out_tuple),
            _untuple(_postprocess(result, create_graph), is_in_tuple))
