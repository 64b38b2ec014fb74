"""``ember.backends``: which accelerator backends exist (none: ember runs on the CPU)."""
from . import mps

__all__ = ["mps"]
