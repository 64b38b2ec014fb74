"""More of ``torch.nn.functional``: fold/unfold, embedding bags, LP pooling, max unpooling, 3-D adaptive
pooling, ``conv_transpose3d`` and ``instance_norm`` with running statistics.

Composed from ember's differentiable ops: sliding blocks are convolutions with constant 0/1 weights
(exact: each output is one input times 1 plus zeros), bags are products with 0/1 matrices.
"""
import numpy as np

from .._tensor import _wrap
from ..ops import elementwise as _ew
from ..ops import reduction as _red
from ..ops._window import _tuple
from ..ops.conv import _conv_transposend, conv2d, conv_transpose2d
from ..ops.pooling import avg_pool1d, avg_pool2d, avg_pool3d
from ..ops.normalization import batch_norm, embedding, group_norm

__all__ = ["unfold", "fold", "embedding_bag", "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d",
           "max_unpool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d", "conv_transpose3d", "instance_norm"]


# ---------------------------------------------------------------- sliding blocks


def _block_eye(channels, k, like):
    """Weights ``(C*kh*kw, 1, kh, kw)`` that copy each kernel offset of each channel to its own output."""
    kk = k[0] * k[1]
    eye = np.eye(kk, dtype=like._data.dtype).reshape(kk, 1, k[0], k[1])
    return _wrap(np.ascontiguousarray(np.tile(eye, (channels, 1, 1, 1))))


def _int_pairs(fn, named):
    """Each value as a pair of ints, with the errors of PyTorch's argument parser (every type first) and then
    of im2col/col2im (every length)."""
    pairs = []
    for position, (name, v) in enumerate(named, 2):
        items = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
        for i, item in enumerate(items):
            if not isinstance(item, (int, np.integer)) or isinstance(item, bool):
                kind = type(item).__name__
                if i == 0:
                    raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, but "
                                    f"found element of type {kind} at pos 0")
                raise TypeError(f"{fn}(): argument '{name}' failed to unpack the object at pos {i + 1} with error "
                                f"\"type must be tuple of ints,but got {kind}\"")
        pairs.append(tuple(int(i) for i in items))
    for (name, _), pair in zip(named, pairs):
        if len(pair) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(pair)}")
    return pairs


def _blocks(size, k, d, p, s):
    return tuple((size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Return the sliding local blocks of ``(N, C, H, W)`` as columns ``(N, C*kh*kw, L)``."""
    k, d, p, s = _int_pairs("im2col", (("kernel_size", kernel_size), ("dilation", dilation), ("padding", padding),
                                       ("stride", stride)))
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    blocks = _blocks(input.shape[-2:], k, d, p, s)
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(input.shape[-2:])}, kernel_size={k}, dilation={d}, "
                           f"padding={p}, calculated shape of the array of sliding blocks as {blocks}, but its "
                           f"components must be at least one.")
    c = input.shape[-3]
    out = conv2d(input, _block_eye(c, k, input), None, s, p, d, c)
    return out.reshape(*out.shape[:-2], blocks[0] * blocks[1])


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns ``(N, C*kh*kw, L)`` of sliding blocks back into ``(N, C, *output_size)``."""
    o, k, d, p, s = _int_pairs("col2im", (("output_size", output_size), ("kernel_size", kernel_size),
                                          ("dilation", dilation), ("padding", padding), ("stride", stride)))
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                           f"(got {input.ndim}D)")
    b = input.ndim - 2
    ck, length = input.shape[-2:]
    if ck % (k[0] * k[1]):
        raise RuntimeError(f"Expected size of input's dimension {b} to be divisible by the product of kernel_size, "
                           f"but got input.size({b})={ck} and kernel_size={k}.")
    blocks = _blocks(o, k, d, p, s)
    if blocks[0] * blocks[1] != length:
        raise RuntimeError(f"Given output_size={o}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, expected "
                           f"size of input's dimension {b + 1} to match the calculated number of sliding blocks "
                           f"{blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size({b + 1})={length}.")
    c = ck // (k[0] * k[1])
    x = input.reshape(*input.shape[:-1], *blocks)
    out = conv_transpose2d(x, _block_eye(c, k, input), None, s, 0, 0, c, d)
    # the blocks may stop short of the padded image's bottom/right edge: zeros there, then the padding cut off
    from .functional import pad
    short = (o[1] + 2 * p[1] - out.shape[-1], o[0] + 2 * p[0] - out.shape[-2])
    out = pad(out, (0, short[0], 0, short[1])) if any(short) else out
    return out[..., p[0]:p[0] + o[0], p[1]:p[1] + o[1]] if any(p) else out


# ---------------------------------------------------------------- embedding bags


def _bag_ids(n, offsets, include_last_offset):
    """The bag of each of ``n`` flattened indices (-1: after the last bag) and the number of bags."""
    offs = np.asarray(offsets, dtype=np.int64)
    bags = len(offs) - 1 if include_last_offset else len(offs)
    ends = np.append(offs[1:], n)[:bags] if bags else offs[:0]
    ids = np.full(n, -1, dtype=np.int64)
    for b in range(bags):
        ids[offs[b]:ends[b]] = b
    return ids, bags


def _check_bag_args(input, weight, offsets, mode, per_sample_weights):
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    if input.ndim == 2 and offsets is not None:
        raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed "
                         "length sequences. However, found offsets of type ember.Tensor")
    if input.ndim == 1 and offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if input.ndim == 1 and offsets.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    if input.ndim not in (1, 2):
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Return the sums, means or maxima of bags of embeddings (bags given by ``offsets`` or the rows of 2-D input)."""
    _check_bag_args(input, weight, offsets, mode, per_sample_weights)
    if input.ndim == 2:
        offsets = np.arange(0, input.numel(), input.shape[1]) if input.shape[1] else np.zeros(input.shape[0], int)
        input = input.reshape(-1)
        per_sample_weights = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    else:
        offsets = offsets._data
    idx = input._data
    ids, bags = _bag_ids(idx.size, offsets, include_last_offset)
    if padding_idx is not None:
        ids[idx == (padding_idx % weight.shape[0])] = -1
    rows = embedding(input, weight, None, max_norm, norm_type)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(-1)
    counts = np.bincount(ids[ids >= 0], minlength=bags)[:bags]
    if mode != "max":
        member = (ids[None, :] == np.arange(bags)[:, None]).astype(weight._data.dtype)
        out = _wrap(member) @ rows
        return out / _wrap(np.maximum(counts, 1)[:, None].astype(weight._data.dtype)) if mode == "mean" else out
    width = int(counts.max()) if bags and idx.size else 0
    slots = np.zeros((bags, max(width, 1)), dtype=np.int64)
    valid = np.zeros((bags, max(width, 1)), dtype=bool)
    for b in range(bags):
        members = np.flatnonzero(ids == b)
        slots[b, :members.size], valid[b, :members.size] = members, True
    gathered = rows[_wrap(slots)]
    # empty slots hold -inf, except in empty bags, whose maximum PyTorch gives as 0
    fill = np.where(counts > 0, -np.inf, 0.0).astype(weight._data.dtype)[:, None, None]
    return _red.amax(_ew.where(_wrap(valid[..., None]), gathered, _wrap(fill)), 1)


# ---------------------------------------------------------------- LP pooling and max unpooling


def _lp_finish(out, norm_type, area):
    return (_ew.sign(out) * _ew.relu(_ew.abs(out))).mul(area).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Return the power-average ``(sum x^p over the window) ^ (1/p)`` over sliding windows of ``(N, C, L)``."""
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kernel_size)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Return the power-average over sliding windows of ``(N, C, H, W)``."""
    kh, kw = _tuple(kernel_size, 2, "kernel_size")
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kh * kw)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Return the power-average over sliding windows of ``(N, C, D, H, W)``."""
    kd, kh, kw = _tuple(kernel_size, 3, "kernel_size")
    out = avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kd * kh * kw)


def _unpool_size(input, k, s, p, output_size):
    nd = len(k)
    default = [(input.shape[-nd + d] - 1) * s[d] + k[d] - 2 * p[d] for d in range(nd)]
    if output_size is None:
        return default
    sizes = list(output_size)
    if len(sizes) == nd + 2:
        sizes = sizes[2:]
    if len(sizes) != nd:
        raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a "
                         f"length of '{len(sizes)}'")
    for d in range(nd):
        lo, hi = default[d] - s[d], default[d] + s[d]
        if not lo < sizes[d] < hi:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {lo} and {hi})')
    return sizes


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, nd):
    k = _tuple(kernel_size, nd, "kernel_size")
    s = k if stride is None else _tuple(stride, nd)
    size = _unpool_size(input, k, s, _tuple(padding, nd, "padding"), output_size)
    lead = tuple(input.shape[:-nd])
    flat = input.reshape(*lead, -1)
    zeros = _wrap(np.zeros(lead + (int(np.prod(size)),), dtype=input._data.dtype))
    return zeros.scatter(-1, indices.reshape(*lead, -1), flat).reshape(*lead, *size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Return the partial inverse of ``max_pool1d``: maxima put back at ``indices``, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Return the partial inverse of ``max_pool2d``: maxima put back at ``indices``, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Return the partial inverse of ``max_pool3d``: maxima put back at ``indices``, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


# ---------------------------------------------------------------- 3-D adaptive pooling, conv_transpose3d


def _adaptive_sizes(input, output_size):
    o = _tuple(output_size, 3, "output_size") if not isinstance(output_size, (list, tuple)) else output_size
    return tuple(input.shape[-3 + i] if o[i] is None else int(o[i]) for i in range(3))


def adaptive_avg_pool3d(input, output_size):
    """Return the average over PyTorch's adaptive bins, giving spatial size ``output_size``."""
    from .functional import _bins
    out, x = _adaptive_sizes(input, output_size), input
    for axis in (-1, -2, -3):
        m = _bins(x.shape[axis], out[axis], x._data.dtype)
        x = (x.movedim(axis, -1) @ m.mT).movedim(-1, axis)
    return x


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Return the maximum over PyTorch's adaptive bins (and the flat indices of the maxima)."""
    from .functional import _adaptive_index
    out = _adaptive_sizes(input, output_size)
    d, h, w = input.shape[-3:]
    idx = [_adaptive_index(n, o) for n, o in zip((d, h, w), out)]
    grids = np.ix_(*(np.arange(i.size) for i in idx))   # (oD*kD, oH*kH, oW*kW) windows, flattened per axis
    sel = [i.reshape(-1)[g] for i, g in zip(idx, grids)]
    lead = input.ndim - 3
    win = input[(slice(None),) * lead + tuple(_wrap(s) for s in sel)]
    shape = win.shape[:lead] + tuple(v for i in idx for v in i.shape)
    win = win.reshape(*shape).permute(*range(lead), lead, lead + 2, lead + 4, lead + 1, lead + 3, lead + 5)
    win = win.reshape(*win.shape[:lead + 3], -1)
    res = _red.amax(win, -1)
    if not return_indices:
        return res
    flat = (sel[0] * h + sel[1]) * w + sel[2]
    flat = flat.reshape(*(v for i in idx for v in i.shape)).transpose(0, 2, 4, 1, 3, 5).reshape(*out, -1)
    pos = np.take_along_axis(np.broadcast_to(flat, win.shape), win._data.argmax(-1)[..., None], -1)[..., 0]
    return res, _wrap(pos.astype(np.int64))


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Return the 3-D transposed convolution of ``input`` with ``weight (C_in, C_out/groups, kD, kH, kW)``."""
    return _conv_transposend(input, weight, bias, stride, padding, output_padding, groups, dilation, 3)


# ---------------------------------------------------------------- instance norm


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Return ``input`` normalized per sample and channel; updates the running statistics when given."""
    if use_input_stats:
        spatial = int(np.prod(input.shape[2:]))
        if spatial == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape}")
    # PyTorch's route: batch norm over ``(1, N*C, *spatial)`` with the per-channel tensors repeated N times,
    # then a view back, so the output's grad_fn is ViewBackward0 over NativeBatchNormBackward0.
    n, c = input.shape[0], input.shape[1]
    flat = input.contiguous().view((1, n * c) + tuple(input.shape[2:]))
    weight_, bias_, mean_, var_ = (None if t is None else t.repeat(n) for t in (weight, bias, running_mean, running_var))
    out = batch_norm(flat, None if use_input_stats else mean_, None if use_input_stats else var_, weight_, bias_,
                     use_input_stats, momentum, eps)
    if use_input_stats and (running_mean is not None or running_var is not None):
        _update_instance_stats(input._data, running_mean, running_var, momentum)
    return out.view(input.shape)


def _update_instance_stats(x, running_mean, running_var, momentum):
    """PyTorch's update: each instance moves the running statistics, the results averaged over the batch."""
    axes = tuple(range(2, x.ndim))
    n = int(np.prod(x.shape[2:]))
    for running, stat in ((running_mean, x.mean(axes)), (running_var, x.var(axes) * n / (n - 1))):
        if running is not None:
            r = running._data
            running._data[...] = ((1 - momentum) * r + momentum * stat.astype(r.dtype)).mean(0)
            running._bump_version()
