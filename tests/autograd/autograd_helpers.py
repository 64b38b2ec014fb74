"""Shared helpers for the autograd tests: run the same code on ember and on torch."""
import numpy as np


def both(fn):
    """Run ``fn(lib)`` with ember and with torch; return both results."""
    import ember
    import torch
    return fn(ember), fn(torch)


def msg(err):
    """An exception's text with the library prefix removed, for comparing ember's and torch's words."""
    return str(err).replace("torch.", "").replace("ember.", "")


def arr(t):
    """A tensor (ember or torch), a number, None, or a nested tuple of them, as NumPy values."""
    if t is None:
        return None
    if isinstance(t, (tuple, list)):
        return tuple(arr(x) for x in t)
    if hasattr(t, "detach"):
        return np.array(t.detach().numpy())
    return np.asarray(t)


def assert_close(mine, theirs, rtol=1e-6, atol=1e-7):
    """Compare (nested) results of ember and torch as arrays; None must match None."""
    mine, theirs = arr(mine), arr(theirs)
    if isinstance(theirs, tuple):
        assert isinstance(mine, tuple) and len(mine) == len(theirs), (mine, theirs)
        for a, b in zip(mine, theirs):
            assert_close(a, b, rtol, atol)
        return
    if theirs is None:
        assert mine is None
        return
    assert mine is not None and mine.shape == theirs.shape, (mine, theirs)
    assert mine.dtype == theirs.dtype, (mine.dtype, theirs.dtype)
    np.testing.assert_allclose(mine, theirs, rtol=rtol, atol=atol)
