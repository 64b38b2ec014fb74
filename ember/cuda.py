"""``ember.cuda``: ember has no CUDA backend, and says so honestly."""

__all__ = ["is_available", "device_count", "current_device", "manual_seed", "manual_seed_all", "synchronize",
           "is_initialized", "empty_cache"]


def is_available():
    """Return False: ember computes on the CPU only."""
    return False


def device_count():
    """Return 0: no CUDA devices are available to ember."""
    return 0


def is_initialized():
    """Return False: there is no CUDA state to initialise."""
    return False


def _no_backend():
    raise RuntimeError("ember has no cuda backend: only 'cpu' tensors are supported (cuda.is_available() is False)")


def current_device():
    """Raise: there is no current CUDA device."""
    _no_backend()


def synchronize(device=None):
    """Raise: there is no CUDA device to synchronise."""
    _no_backend()


def manual_seed(seed):
    """Do nothing, as PyTorch does when CUDA is not available."""


def manual_seed_all(seed):
    """Do nothing, as PyTorch does when CUDA is not available."""


def empty_cache():
    """Do nothing: there is no CUDA memory cache."""
