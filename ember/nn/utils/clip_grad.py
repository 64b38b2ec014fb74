"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_``."""
import numpy as np

from ..._tensor import Tensor, _wrap
from ...autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _vector_norm(array, norm_type):
    flat = array.reshape(-1)
    if norm_type == float("inf"):
        return np.abs(flat).max(initial=0).astype(array.dtype)
    if norm_type == float("-inf"):
        return np.abs(flat).min().astype(array.dtype)
    if norm_type == 0:
        return np.array(np.count_nonzero(flat), dtype=array.dtype)
    if norm_type == 2:
        return np.sqrt(np.dot(flat, flat)).astype(array.dtype)
    return (np.sum(np.abs(flat) ** norm_type) ** (1.0 / norm_type)).astype(array.dtype)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Return the norm of the norms of ``tensors``, as if they were concatenated into one vector."""
    tensors = [t for t in _as_list(tensors) if t is not None]
    norm_type = float(norm_type)
    if not tensors:
        return _wrap(np.array(0.0, dtype=np.float32))
    norms = [_vector_norm(t._data, norm_type) for t in tensors]
    dtype = np.result_type(*norms)
    total = _vector_norm(np.array(norms, dtype=dtype), norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return _wrap(np.asarray(total))


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients of ``parameters`` by ``max_norm / (total_norm + 1e-6)`` when that is below 1."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    total = total_norm._data
    # the coefficient is computed in the norm's dtype, as PyTorch's tensor arithmetic does
    coef = np.minimum(np.asarray(max_norm, dtype=total.dtype) / (total + total.dtype.type(1e-6)), 1.0)
    with no_grad():
        for g in grads:
            g.mul_(_wrap(np.asarray(coef, dtype=g._data.dtype)))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Clip the gradient norm of an iterable of parameters in place; returns the total norm (a tensor).

    The norm is computed over all gradients together, as if concatenated into a single vector.
    """
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp the gradients of an iterable of parameters to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)
