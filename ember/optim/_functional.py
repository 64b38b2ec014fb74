"""Optimizer update rules on NumPy arrays, in PyTorch's single-tensor (``foreach=False``) order.

Each ``*_update`` function updates ``param`` and the state arrays it is given in place. Gradients
are never written to. Hyperparameters are Python floats: NumPy casts a Python float to the array's
dtype before the arithmetic, as PyTorch casts a Python scalar to the tensor's dtype. PyTorch's CPU
kernels for ``add(other, alpha=)``, ``lerp`` and ``addcmul`` compute a fused multiply-add (one
rounding); ``_fma`` reproduces that for float32 (the float64 product of two float32 numbers is exact),
so float32 trajectories follow PyTorch's bit for bit. These functions depend on NumPy alone so that they can be tested against PyTorch on raw arrays.
"""

import numpy as np


def _fma(a, b, c, dtype):
    """``a * b + c`` rounded once to ``dtype``, as PyTorch's vectorized multiply-adds."""
    if dtype == np.float32:
        wide = np.multiply(a, b, dtype=np.float64)
        wide += c
        return wide.astype(np.float32)
    return a * b + c  # float64 has no wider type to fuse in; PyTorch's last bit may differ here


# Above this many elements, float32 updates round twice (multiply, then add) like plain NumPy: the
# exact fused emulation runs through float64 and costs 4-5x a plain add, a third of a small MLP's
# step. Small parameters (scalars, the polynomial tutorials' coefficients) keep PyTorch's bits.
_FUSED_EXACT_MAX = 4096


def _add_(out, other, alpha):
    """In-place ``out.add_(other, alpha=alpha)``."""
    if out.dtype == np.float32 and out.size > _FUSED_EXACT_MAX:
        out += np.multiply(other, out.dtype.type(alpha))
    elif out.dtype == np.float32:  # the float64 sum is rounded straight into ``out`` (no float32 temporary)
        wide = np.multiply(out.dtype.type(alpha), other, dtype=np.float64)
        wide += out
        np.copyto(out, wide, casting="same_kind")
    else:
        out[...] = _fma(out.dtype.type(alpha), other, out, out.dtype)


def _addcmul_(out, t1, t2, value):
    """In-place ``out.addcmul_(t1, t2, value=value)``: PyTorch fuses ``(value * t1) * t2 + out``."""
    out[...] = _fma(out.dtype.type(value) * t1, t2, out, out.dtype)


def _decayed_grad(param, grad, weight_decay, maximize):
    """The gradient with ``maximize`` and L2 ``weight_decay`` applied (a new array if either does)."""
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = _fma(param.dtype.type(weight_decay), param, grad, param.dtype)
    return grad


def _lerp_(start, end, weight):
    """In-place ``start.lerp_(end, weight)`` with PyTorch's two fused formulas (exact at both ends)."""
    weight = start.dtype.type(weight)
    if abs(weight) < 0.5:
        start[...] = _fma(weight, end - start, start, start.dtype)
    else:
        start[...] = _fma(weight - 1, end - start, end, start.dtype)


def _scale_scalar_(array, factor):
    """Multiply a 0-d state array in place, rounding ``factor`` to its dtype first as PyTorch does."""
    # NumPy < 2 promotes 0-d float32 * Python float to float64; cast explicitly for one rounding.
    array *= array.dtype.type(factor)


def sgd_update(param, grad, momentum_buffer, *, lr, momentum, dampening, weight_decay, nesterov,
               maximize):
    """SGD step on ``param`` in place; returns the momentum buffer (created on the first step)."""
    grad = _decayed_grad(param, grad, weight_decay, maximize)
    if momentum != 0:
        if momentum_buffer is None:
            momentum_buffer = np.array(grad, copy=True)
        else:
            momentum_buffer *= momentum
            _add_(momentum_buffer, grad, 1 - dampening)
        if nesterov:
            grad = _fma(param.dtype.type(momentum), momentum_buffer, grad, param.dtype)
        else:
            grad = momentum_buffer
    _add_(param, grad, -lr)
    return momentum_buffer


def adam_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, *, lr, beta1, beta2, eps,
                weight_decay, amsgrad, maximize, decoupled_weight_decay):
    """Adam (AdamW when ``decoupled_weight_decay``) step; ``step`` counts this one (1 first)."""
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            grad = _decayed_grad(param, grad, weight_decay, False)
    _lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    _addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    step_size = lr / (1 - beta1**step)
    bias_correction2_sqrt = (1 - beta2**step) ** 0.5
    if amsgrad:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        denom = np.sqrt(max_exp_avg_sq) / bias_correction2_sqrt
    else:
        denom = np.sqrt(exp_avg_sq) / bias_correction2_sqrt
    denom += eps
    param += (-step_size * exp_avg) / denom


def rmsprop_update(param, grad, square_avg, grad_avg, momentum_buffer, *, lr, alpha, eps,
                   weight_decay, momentum, centered, maximize):
    """RMSprop step; ``grad_avg`` is used when ``centered``, ``momentum_buffer`` when momentum > 0."""
    grad = _decayed_grad(param, grad, weight_decay, maximize)
    square_avg *= alpha
    _addcmul_(square_avg, grad, grad, 1 - alpha)
    if centered:
        _lerp_(grad_avg, grad, 1 - alpha)
        avg = np.sqrt(_fma(-grad_avg, grad_avg, square_avg, square_avg.dtype))
    else:
        avg = np.sqrt(square_avg)
    avg += eps
    if momentum > 0:
        momentum_buffer *= momentum
        momentum_buffer += grad / avg
        _add_(param, momentum_buffer, -lr)
    else:
        param += (-lr * grad) / avg


def adagrad_update(param, grad, state_sum, step, *, lr, lr_decay, weight_decay, eps, maximize):
    """Adagrad step; the learning rate decays as ``lr / (1 + (step - 1) * lr_decay)``."""
    grad = _decayed_grad(param, grad, weight_decay, maximize)
    clr = lr / (1 + (step - 1) * lr_decay)
    _addcmul_(state_sum, grad, grad, 1)
    std = np.sqrt(state_sum)
    std += eps
    param += (-clr * grad) / std


def adadelta_update(param, grad, square_avg, acc_delta, *, lr, rho, eps, weight_decay, maximize):
    """Adadelta step: the update is scaled by the running RMS of past updates over that of grads."""
    grad = _decayed_grad(param, grad, weight_decay, maximize)
    square_avg *= rho
    _addcmul_(square_avg, grad, grad, 1 - rho)
    std = np.sqrt(square_avg + eps)
    delta = np.sqrt(acc_delta + eps)
    delta /= std
    delta *= grad
    acc_delta *= rho
    _addcmul_(acc_delta, delta, delta, 1 - rho)
    _add_(param, delta, -lr)


def adamax_update(param, grad, exp_avg, exp_inf, step, *, lr, beta1, beta2, eps, weight_decay,
                  maximize):
    """Adamax step: Adam with the infinity norm in place of the second moment."""
    grad = _decayed_grad(param, grad, weight_decay, maximize)
    _lerp_(exp_avg, grad, 1 - beta1)
    exp_inf *= beta2
    np.maximum(exp_inf, np.abs(grad) + eps, out=exp_inf)
    clr = lr / (1 - beta1**step)
    param += (-clr * exp_avg) / exp_inf


def nadam_update(param, grad, exp_avg, exp_avg_sq, mu_product, step, *, lr, beta1, beta2, eps,
                 weight_decay, momentum_decay, decoupled_weight_decay, maximize):
    """NAdam step; ``mu_product`` is the 0-d running product of momentum coefficients (in place)."""
    if maximize:
        grad = -grad
    bias_correction2 = 1 - beta2**step
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            grad = _decayed_grad(param, grad, weight_decay, False)
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    _scale_scalar_(mu_product, mu)
    _lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    _addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    denom = np.sqrt(exp_avg_sq / bias_correction2)
    # PyTorch reads the float32 product back as a Python float before these scalar formulas.
    mu_product_value = float(mu_product)
    mu_product_next = mu_product_value * mu_next
    denom += eps
    param += ((-lr * (1.0 - mu) / (1.0 - mu_product_value)) * grad) / denom
    param += (((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg) / denom


def radam_update(param, grad, exp_avg, exp_avg_sq, step, *, lr, beta1, beta2, eps, weight_decay,
                 decoupled_weight_decay, maximize):
    """RAdam step: Adam rectified by the variance of the adaptive rate, SGD-like while rho_t <= 5."""
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            grad = _decayed_grad(param, grad, weight_decay, False)
    _lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    _addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    bias_corrected_exp_avg = exp_avg / bias_correction1
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
    if rho_t > 5.0:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        exp_avg_sq_sqrt = np.sqrt(exp_avg_sq)
        exp_avg_sq_sqrt += eps
        # PyTorch evaluates `float / tensor` as `tensor.reciprocal() * float`.
        adaptive_lr = np.reciprocal(exp_avg_sq_sqrt) * bias_correction2**0.5
        param -= bias_corrected_exp_avg * lr * adaptive_lr * rect
    else:
        param -= bias_corrected_exp_avg * lr
