"""Floating-point sums in PyTorch's order, so that ``loss.item()`` prints the digits PyTorch prints.

PyTorch's CPU sum (aten/src/ATen/native/cpu/SumKernel.cpp, ``cascade_sum``) does not add in
NumPy's pairwise order. For a reduction over contiguous elements (``vectorized_inner_sum``) it
reads the row as vectors of ``W`` lanes (AVX2: 8 floats, 4 doubles), keeps 4 vector accumulators
(``row_sum``'s ILP factor), each a 4-level cascade that adds 16 rows at a time
(``multi_row_sum``), then adds the leftover scalars and finally the lanes, left to right.
Reducing a leading dimension of contiguous data (``vectorized_outer_sum``) runs the cascade down
each column, 32 columns at a time, then ``row_sum`` for the columns left over.

Every partial sum here is rounded to the input dtype as in PyTorch (float32 accumulates in
float32). Only the layouts above are reproduced; other reductions fall back to NumPy's sum.
Large inputs that PyTorch splits across threads (more than 32768 elements) are summed as one
thread would.
"""
import math

import numpy as np

__all__ = ["torch_sum"]

_LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}
_LEVELS = 4


_accumulate = np.add.accumulate


def _seq(x):
    """Sum ``x`` along axis 0 strictly in order, starting from +0.0 as PyTorch's accumulators do."""
    if not x.shape[0]:
        return np.zeros(x.shape[1:], x.dtype)
    if x[0].size < 1024:
        # accumulate adds in order (np.sum would go pairwise); + 0.0 turns a lone -0.0 into +0.0, as 0 + (-0.0)
        return _accumulate(x)[-1] + x.dtype.type(0)
    acc = x[0] + x.dtype.type(0)   # wide rows: one in-place add per row beats building every prefix
    for row in x[1:]:
        acc += row
    return acc


def _multi_row_sum(rows):
    """``multi_row_sum``: cascade-sum ``rows`` (n, ...) along axis 0 with 4 levels of 2**power."""
    n = rows.shape[0]
    power = max(4, (n - 1).bit_length() // _LEVELS if n > 1 else 0)
    step = 1 << power
    blocks = n // step
    if not blocks:
        return _seq(rows)
    lanes = rows.shape[1:]
    level0 = _seq(rows[:blocks * step].reshape((blocks, step) + lanes).swapaxes(0, 1))
    parts = [rows[blocks * step:]]
    # level k keeps the running sum of the current group of `step` level-(k-1) sums; full groups move up
    groups1 = blocks // step
    parts.append(_seq(level0[groups1 * step:])[None])
    if groups1:
        level1 = _seq(level0[:groups1 * step].reshape((groups1, step) + lanes).swapaxes(0, 1))
        groups2 = groups1 // step
        parts.append(_seq(level1[groups2 * step:])[None])
        if groups2:
            level2 = _seq(level1[:groups2 * step].reshape((groups2, step) + lanes).swapaxes(0, 1))
            parts.append(_seq(level2)[None])
    return _seq(np.concatenate(parts))


def _row_sum(rows):
    """``row_sum``: 4 interleaved cascades over ``rows`` (n, ...), the leftovers, then the 4 partials."""
    n = rows.shape[0]
    m = n // 4
    partial = _multi_row_sum(rows[:4 * m].reshape((m, 4) + rows.shape[1:]))
    if 4 * m < n:
        partial[0] = _seq(np.concatenate((partial[:1], rows[4 * m:])))
    return _seq(partial)


def _inner_sum(rows):
    """Sum each row of ``rows`` (batch, n), contiguous, in ``vectorized_inner_sum``'s order."""
    batch, n = rows.shape
    width = _LANES[rows.dtype]
    if n < width:
        return _row_sum(rows.T)
    vecs = n // width
    lanes = _row_sum(rows[:, :vecs * width].reshape(batch, vecs, width).swapaxes(0, 1))
    # the leftover scalars first, then the lanes left to right
    return _seq(np.concatenate((rows[:, vecs * width:].T, lanes.T)))


def _outer_sum(block):
    """Sum ``block`` (batch, n, cols) over n, contiguous cols: ``vectorized_outer_sum``'s order (or
    ``scalar_outer_sum``'s for fewer columns than lanes): cascades down groups of columns, then
    ``row_sum`` for the columns left over."""
    batch, n, cols = block.shape
    width = _LANES[block.dtype]
    group = 4 * width if cols >= width else 4
    wide = (cols // group) * group
    rows = block.swapaxes(0, 1)
    if wide == cols:
        return _multi_row_sum(rows)
    if not wide:
        return _row_sum(rows)
    return np.concatenate((_multi_row_sum(rows[:, :, :wide]), _row_sum(rows[:, :, wide:])), axis=1)


def torch_sum(x, dims, keepdims=False):
    """``np.sum(x, axis=dims, keepdims=keepdims)`` for float arrays, added in PyTorch's CPU order.

    ``dims`` is None (all) or a tuple of non-negative axes; other layouts than those PyTorch's kernel
    is reproduced for fall back to NumPy.
    """
    if x.dtype not in _LANES or x.size == 0:
        return np.sum(x, axis=dims, keepdims=keepdims)
    ndim = x.ndim
    axes = tuple(range(ndim)) if dims is None else tuple(sorted(dims))
    if not axes:
        return np.sum(x, axis=dims, keepdims=keepdims)
    reduced = axes
    if x.flags.c_contiguous:
        data = x
    elif len(axes) == ndim:
        data = np.ravel(x, order="K")  # a full reduction walks memory order, as TensorIterator does
        axes = (0,)
        ndim = 1
    else:
        return np.sum(x, axis=dims, keepdims=keepdims)
    first, last = axes[0], axes[-1]
    if axes != tuple(range(first, last + 1)):
        return np.sum(x, axis=dims, keepdims=keepdims)
    shape = data.shape
    lead = math.prod(shape[:first])
    n = math.prod(shape[first:last + 1])
    trail = math.prod(shape[last + 1:])
    if trail == 1:
        result = _inner_sum(data.reshape(lead, n))
    else:
        result = _outer_sum(data.reshape(lead, n, trail))
    out_shape = tuple(1 if i in reduced else s for i, s in enumerate(x.shape)) if keepdims else \
        tuple(s for i, s in enumerate(x.shape) if i not in reduced)
    return result.reshape(out_shape)
