"""``ember.backends.mps``: Apple's Metal backend is not available in ember."""


def is_available():
    """Return False: ember computes on the CPU only."""
    return False


def is_built():
    """Return False: ember has no MPS backend."""
    return False
