"""``ember.accelerator``: no accelerator is available; the CPU is the device."""

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available():
    """Return False: ember has no accelerator backend."""
    return False


def current_accelerator(check_available=False):
    """Return None: there is no accelerator."""
    return None


def device_count():
    """Return 0: there are no accelerator devices."""
    return 0
