"""``ember.backends``: which accelerator backends exist (none: ember runs on the CPU)."""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
