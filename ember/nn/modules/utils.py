"""Argument helpers shared by the layers (PyTorch's ``_single``, ``_pair``, ...)."""
import collections.abc
from itertools import repeat

__all__ = ["_single", "_pair", "_triple", "_reverse_repeat_tuple"]


def _ntuple(n, name="parse"):
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(repeat(x, n))

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")


def _reverse_repeat_tuple(t, n):
    """Reverse the order of ``t`` and repeat each element ``n`` times (the layout ``F.pad`` takes)."""
    return tuple(x for x in reversed(t) for _ in range(n))
