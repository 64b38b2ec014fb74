"""``ember._C``: where PyTorch's reprs place its core classes (``<torch._C.Generator object ...>``).

ember has no compiled core; this module only re-exports the classes whose ``__module__`` names it, so
that their reprs read as PyTorch's and pickle can find them.
"""
from .random import Generator

__all__ = ["Generator"]
