"""``nn.init``: fill tensors in place with PyTorch's initialisation schemes.

Every random fill goes through ``Tensor.uniform_`` / ``Tensor.normal_`` under ``no_grad``, in the
same order and with the same arguments as PyTorch, so a seeded program draws the same numbers.
"""
import math
import warnings

import numpy as np

from .._tensor import _wrap
from ..autograd.grad_mode import no_grad
from ..ops.sampling import randperm

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
           "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
           "sparse_", "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
           "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"]

_LINEAR_FNS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """Return the recommended gain value for the given nonlinearity function."""
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4  # PyTorch's empirical value (pytorch/pytorch#50664)
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill ``tensor`` with values drawn from the uniform distribution U(a, b); returns it."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill ``tensor`` with values drawn from the normal distribution N(mean, std^2); returns it."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def _norm_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill ``tensor`` with values from N(mean, std^2) truncated to [a, b]; returns it.

    As PyTorch: when the interval holds more than 30% of the mass, out-of-range values are redrawn
    from the normal until none is left; otherwise a uniform proposal is accepted by rejection.
    """
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    with no_grad():
        p = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std)
        if p > 0.3:
            _trunc_by_redraw(tensor, mean, std, a, b, generator)
        else:
            _trunc_by_rejection(tensor, mean, std, a, b, generator)
    return tensor


def _trunc_by_redraw(tensor, mean, std, a, b, generator):
    # bounds rounded to the tensor's dtype, as PyTorch's new_tensor(a).item()
    lo = tensor._data.dtype.type(a).item()
    hi = tensor._data.dtype.type(b).item()
    tensor.normal_(mean, std, generator=generator)
    while True:
        data = tensor._data
        mask = (data < lo) | (data > hi)
        if not mask.any():
            return
        fresh = _wrap(np.empty_like(data)).normal_(mean, std, generator=generator)
        tensor._data[...] = np.where(mask, fresh._data, data)
        tensor._bump_version()


def _log_accept_gt(accept, candidates, generator):
    accept.uniform_(generator=generator)
    return np.log(accept._data) > candidates


def _trunc_by_rejection(tensor, mean, std, a, b, generator):
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2
    dt = tensor._data.dtype.type
    accept = _wrap(np.empty_like(tensor._data))
    tensor.uniform_(a, b, generator=generator)

    def log_ratio(values):
        # the same sequence of rounded float operations as PyTorch's sub_/div_/pow_/mul_/sub_ chain
        return (((values - dt(mean)) / dt(std)) ** 2 * dt(-0.5)) - dt(log_peak)

    pending = _log_accept_gt(accept, log_ratio(tensor._data), generator)
    result = tensor._data.copy()
    candidates = _wrap(np.empty_like(tensor._data))
    while pending.any():
        candidates.uniform_(a, b, generator=generator)
        result = np.where(pending, candidates._data, result)
        pending = np.where(pending, _log_accept_gt(accept, log_ratio(candidates._data), generator), pending)
    tensor._data[...] = result
    tensor._bump_version()


def constant_(tensor, val):
    """Fill ``tensor`` with the value ``val``; returns it."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    """Fill ``tensor`` with the scalar value 1; returns it."""
    return constant_(tensor, 1.0)


def zeros_(tensor):
    """Fill ``tensor`` with the scalar value 0; returns it."""
    with no_grad():
        return tensor.zero_()


def eye_(tensor):
    """Fill the 2-dimensional ``tensor`` with the identity matrix; returns it."""
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        tensor.copy_(_wrap(np.eye(*tensor.shape, dtype=tensor._data.dtype)))
    return tensor


def dirac_(tensor, groups=1):
    """Fill the 3, 4 or 5-dimensional ``tensor`` with the Dirac delta (identity convolution); returns it."""
    dimensions = tensor.ndimension()
    if dimensions not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.size()
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_chans_per_grp = sizes[0] // groups
    min_dim = min(out_chans_per_grp, sizes[1])
    centre = tuple(s // 2 for s in sizes[2:])
    with no_grad():
        tensor.zero_()
        for g in range(groups):
            for d in range(min_dim):
                tensor[(g * out_chans_per_grp + d, d) + centre] = 1
    return tensor


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    return tensor.size(1) * receptive_field_size, tensor.size(0) * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Fill ``tensor`` from U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot); returns it."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Fill ``tensor`` from N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)) (Glorot); returns it."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill ``tensor`` from U(-bound, bound), bound = gain * sqrt(3 / fan_mode) (He); returns it."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill ``tensor`` from N(0, std^2), std = gain / sqrt(fan_mode) (He); returns it."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0, std, generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill ``tensor`` with a (semi) orthogonal matrix (Saxe et al.), scaled by ``gain``; returns it."""
    if tensor.ndimension() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    flat = _wrap(np.empty((rows, cols), dtype=tensor._data.dtype)).normal_(0, 1, generator=generator)._data
    if rows < cols:
        flat = flat.T
    # QR by LAPACK's Householder routine (as torch.linalg.qr); signs fixed by diag(R) so Q is unique
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    with no_grad():
        tensor.copy_(_wrap(np.ascontiguousarray(q.reshape(tensor.shape), dtype=tensor._data.dtype)))
        tensor.mul_(gain)
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill the 2D ``tensor`` from N(0, std^2), then zero ``ceil(sparsity * rows)`` entries of each
    column (Martens, 2010); returns it."""
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        for col_idx in range(cols):
            # PyTorch draws the zeroed rows from the global stream even when a generator is given
            zero_indices = randperm(rows)[:num_zeros]
            tensor[zero_indices, col_idx] = 0
    return tensor


def _make_deprecate(meth):
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.", FutureWarning,
                      stacklevel=2)
        return meth(*args, **kwargs)

    deprecated_init.__doc__ = f"Deprecated alias of :func:`{new_name}`."
    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)

