"""Devices: ember computes on the CPU; other device names give a clear error."""

__all__ = ["device", "set_default_device", "get_default_device"]


class device:
    """A device, as ``torch.device``; only ``cpu`` computes in ember."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - PyTorch's keyword
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif ":" in type:
            type, idx = type.split(":", 1)
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda", "mps", "meta", "xpu"):
            raise RuntimeError(f"Expected one of cpu, cuda, mps, meta, xpu device type at start of device "
                               f"string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


def _check_cpu(dev):
    """Raise a clear error unless ``dev`` names the CPU."""
    d = dev if isinstance(dev, device) else device(dev)
    if d.type != "cpu":
        # PyTorch's CPU build says it in these words (ember computes on the CPU only)
        if d.type in ("cuda", "xpu"):
            raise AssertionError(f"Torch not compiled with {d.type.upper()} enabled")
        if d.type == "mps":
            raise RuntimeError("PyTorch is not linked with support for mps devices")
        raise RuntimeError(f"ember has no {d.type} backend: only 'cpu' tensors are supported")


def set_default_device(dev):
    """Set the device new tensors are created on; only the CPU (or None) is accepted."""
    if dev is not None:
        _check_cpu(dev)


def get_default_device():
    """Return the device new tensors are created on: always the CPU."""
    return device("cpu")
