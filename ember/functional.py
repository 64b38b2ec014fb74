"""``torch.functional``: the module PyTorch keeps a few tensor functions in (``import torch.functional as F``).

Every name here is the top-level ``ember`` function of the same name.
"""
from . import (atleast_1d, atleast_2d, atleast_3d, broadcast_shapes, broadcast_tensors, cdist, einsum, meshgrid,
               norm, split, tensordot, unique)

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors", "cdist", "einsum",
           "meshgrid", "norm", "split", "tensordot", "unique"]
