"""The softmax family of activation modules: ``Softmin``, ``Softmax``, ``LogSoftmax``, ``Softmax2d``."""
from .. import functional as F
from .module import Module

__all__ = ["Softmin", "Softmax", "LogSoftmax", "Softmax2d"]


class Softmin(Module):
    """Applies softmin over dimension ``dim``."""

    __constants__ = ["dim"]

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmin(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(Module):
    """Applies softmax over dimension ``dim`` (the values along it sum to 1)."""

    __constants__ = ["dim"]

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """Applies log(softmax(x)) over dimension ``dim``."""

    __constants__ = ["dim"]

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"

class Softmax2d(Module):
    """Applies softmax over the channels at each spatial location."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3)
