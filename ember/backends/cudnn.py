"""``ember.backends.cudnn``: cuDNN's switches, as PyTorch's CPU build has them.

ember computes on the CPU only, so cuDNN is never available; the flags exist so that code setting them
for reproducibility (``torch.backends.cudnn.deterministic = True``, ``benchmark = False``) runs unchanged.
Setting them changes nothing in ember, whose CPU results are already deterministic.
"""
import contextlib

__all__ = ["is_available", "version", "flags", "enabled", "benchmark", "deterministic", "allow_tf32",
           "benchmark_limit"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True
benchmark_limit = None  # PyTorch's CPU build reports None


def is_available():
    """Return False: ember has no cuDNN."""
    return False


def version():
    """Return None: no cuDNN library is loaded."""
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True):
    """Set the cuDNN flags for the duration of a ``with`` block, then restore them."""
    module = globals()
    names = ("enabled", "benchmark", "deterministic", "allow_tf32")
    saved = {name: module[name] for name in names}
    module.update(enabled=enabled, benchmark=benchmark, deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        module.update(saved)
