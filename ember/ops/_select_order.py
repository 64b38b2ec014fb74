"""Which index PyTorch's CPU kernels return among tied values, for ``topk`` and ``kthvalue``.

Values alone do not fix the indices when a row holds ties: PyTorch's ``topk`` runs libstdc++'s
``std::nth_element`` + ``std::sort`` (or ``std::partial_sort`` when ``k * 64 <= n``) over
(value, index) pairs, and ``kthvalue`` runs its own median-of-three quickselect; neither is stable.
The kernels are replayed here in Python, on rows that hold ties only (NumPy's answer is the same
for the others), so that the returned indices are PyTorch's.
"""
import numpy as np

__all__ = ["topk_indices", "kthvalue_indices"]


def _greater(a, b):
    """PyTorch's ordering for "largest first": NaN above everything."""
    return (a != a and b == b) or a > b


def _less(a, b):
    """... and for "smallest first": NaN below nothing, so last."""
    return (a == a and b != b) or a < b


# ---------------------------------------------------------------- libstdc++'s algorithms, on a list of pairs

def _lg(n):
    return n.bit_length() - 1


def _move_median_to_first(q, result, a, b, c, comp):
    if comp(q[a][0], q[b][0]):
        if comp(q[b][0], q[c][0]):
            q[result], q[b] = q[b], q[result]
        elif comp(q[a][0], q[c][0]):
            q[result], q[c] = q[c], q[result]
        else:
            q[result], q[a] = q[a], q[result]
    elif comp(q[a][0], q[c][0]):
        q[result], q[a] = q[a], q[result]
    elif comp(q[b][0], q[c][0]):
        q[result], q[c] = q[c], q[result]
    else:
        q[result], q[b] = q[b], q[result]


def _unguarded_partition(q, first, last, pivot, comp):
    pv = q[pivot][0]
    while True:
        while comp(q[first][0], pv):
            first += 1
        last -= 1
        while comp(pv, q[last][0]):
            last -= 1
        if not first < last:
            return first
        q[first], q[last] = q[last], q[first]
        first += 1


def _partition_pivot(q, first, last, comp):
    mid = first + (last - first) // 2
    _move_median_to_first(q, first, first + 1, mid, last - 1, comp)
    return _unguarded_partition(q, first + 1, last, first, comp)


def _insertion_sort(q, first, last, comp):
    for i in range(first + 1, last):
        val = q[i]
        if comp(val[0], q[first][0]):
            q[first + 1:i + 1] = q[first:i]
            q[first] = val
        else:
            j = i
            while comp(val[0], q[j - 1][0]):
                q[j] = q[j - 1]
                j -= 1
            q[j] = val


def _adjust_heap(q, first, hole, length, value, comp):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if comp(q[first + child][0], q[first + child - 1][0]):
            child -= 1
        q[first + hole] = q[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        q[first + hole] = q[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and comp(q[first + parent][0], value[0]):
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value


def _make_heap(q, first, last, comp):
    length = last - first
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(q, first, parent, length, q[first + parent], comp)


def _pop_heap(q, first, last, result, comp):
    value = q[result]
    q[result] = q[first]
    _adjust_heap(q, first, 0, last - first, value, comp)


def _partial_sort(q, first, middle, last, comp):
    _make_heap(q, first, middle, comp)
    for i in range(middle, last):
        if comp(q[i][0], q[first][0]):
            _pop_heap(q, first, middle, i, comp)
    while middle - first > 1:
        middle -= 1
        _pop_heap(q, first, middle, middle, comp)


def _nth_element(q, first, nth, last, comp):
    if first == last or nth == last:
        return
    depth = 2 * _lg(last - first)
    while last - first > 3:
        if depth == 0:
            _make_heap(q, first, nth + 1, comp)  # __heap_select, then the largest to the front
            for i in range(nth + 1, last):
                if comp(q[i][0], q[first][0]):
                    _pop_heap(q, first, nth + 1, i, comp)
            q[first], q[nth] = q[nth], q[first]
            return
        depth -= 1
        cut = _partition_pivot(q, first, last, comp)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(q, first, last, comp)


def _introsort_loop(q, first, last, depth, comp):
    while last - first > 16:
        if depth == 0:
            _partial_sort(q, first, last, last, comp)
            return
        depth -= 1
        cut = _partition_pivot(q, first, last, comp)
        _introsort_loop(q, cut, last, depth, comp)
        last = cut


def _sort(q, first, last, comp):
    if last - first < 2:
        return
    _introsort_loop(q, first, last, 2 * _lg(last - first), comp)
    if last - first > 16:
        _insertion_sort(q, first, first + 16, comp)
        for i in range(first + 16, last):
            val = q[i]
            j = i
            while comp(val[0], q[j - 1][0]):
                q[j] = q[j - 1]
                j -= 1
            q[j] = val
    else:
        _insertion_sort(q, first, last, comp)


def _topk_row(row, k, largest, sorted_):
    """The indices PyTorch's ``topk_impl_loop`` returns for one row."""
    q = [(v, j) for j, v in enumerate(row.tolist())]
    n = len(q)
    comp = _greater if largest else _less
    if k * 64 <= n:
        _partial_sort(q, 0, k, n, comp)
    else:
        _nth_element(q, 0, k - 1, n, comp)
        if sorted_:
            _sort(q, 0, k - 1, comp)
    return [j for _, j in q[:k]]


def _has_ties(rows):
    s = np.sort(rows, axis=-1)
    return (s[:, 1:] == s[:, :-1]).any(axis=-1) | (np.isnan(s).sum(axis=-1) > 1 if s.dtype.kind == "f" else False)


def topk_indices(x, idx, d, k, largest, sorted_=True):
    """``idx`` (int64, sorted, NumPy's choice) with the rows of ``x`` that hold ties redone as PyTorch
    does; every row when ``sorted=False`` leaves PyTorch's first ``k - 1`` in partition order."""
    if k == 0 or x.ndim == 0 or x.shape[d] < 2:
        return idx
    rows = np.moveaxis(x, d, -1).reshape(-1, x.shape[d])
    if not sorted_ and k > 2 and k * 64 > x.shape[d]:
        tied = np.arange(rows.shape[0])
    else:
        tied = np.flatnonzero(_has_ties(rows))
    if not tied.size:
        return idx
    out = np.moveaxis(idx, d, -1).reshape(-1, k).copy()
    for r in tied.tolist():
        out[r] = _topk_row(rows[r], k, largest, sorted_)
    shape = np.moveaxis(idx, d, -1).shape
    return np.ascontiguousarray(np.moveaxis(out.reshape(shape), -1, d))


def _kth_row(row, k):
    """PyTorch's ``quick_select_template`` (median of three) over one row; the index of the k-th."""
    vals = row.tolist()
    ind = list(range(len(vals)))
    gt = _greater

    def swap(i, j):
        vals[i], vals[j] = vals[j], vals[i]
        ind[i], ind[j] = ind[j], ind[i]
    lo, hi = 0, len(vals) - 1
    while True:
        if hi <= lo:
            break
        if hi == lo + 1:
            if gt(vals[lo], vals[hi]):
                swap(lo, hi)
            break
        p = lo + (hi - lo) // 2
        swap(p, lo + 1)
        if gt(vals[lo + 1], vals[hi]):
            swap(lo + 1, hi)
        if gt(vals[lo], vals[hi]):
            swap(lo, hi)
        if gt(vals[lo + 1], vals[lo]):
            swap(lo + 1, lo)
        i, j, piv = lo + 1, hi, vals[lo]
        while True:
            i += 1
            while gt(piv, vals[i]):
                i += 1
            j -= 1
            while gt(vals[j], piv):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return ind[k]


def kthvalue_indices(x, idx, d, k):
    """``idx`` (the k-th index along ``d``, reduced dim kept) redone as PyTorch on rows with ties."""
    if x.ndim == 0 or x.shape[d] < 2:
        return idx
    rows = np.moveaxis(x, d, -1).reshape(-1, x.shape[d])
    tied = np.flatnonzero(_has_ties(rows))
    if not tied.size:
        return idx
    out = np.moveaxis(idx, d, -1).reshape(-1).copy()
    for r in tied.tolist():
        out[r] = _kth_row(rows[r], k - 1)
    shape = np.moveaxis(idx, d, -1).shape
    return np.ascontiguousarray(np.moveaxis(out.reshape(shape), -1, d))
