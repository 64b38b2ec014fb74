"""Padding layers: ``ZeroPad``, ``ConstantPad``, ``ReflectionPad``, ``ReplicationPad`` and ``CircularPad``
in 1, 2 and 3 dimensions; each calls ``F.pad`` with its mode."""
from .. import functional as F
from .module import Module
from .utils import _ntuple, _pair

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]

_quad = _ntuple(4, "_quadruple")
_sext = _ntuple(6, "_sextuple")


class _PadNd(Module):
    __constants__ = ["padding"]
    _mode = "constant"

    def __init__(self, padding, expand):
        super().__init__()
        self.padding = expand(padding)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value, expand):
        super().__init__(padding, expand)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dimension with a constant ``value``."""

    def __init__(self, padding, value):
        super().__init__(padding, value, _pair)


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dimensions with a constant ``value``."""

    def __init__(self, padding, value):
        super().__init__(padding, value, _quad)


class ConstantPad3d(_ConstantPadNd):
    """Pads the last three dimensions with a constant ``value``."""

    def __init__(self, padding, value):
        super().__init__(padding, value, _sext)


class ZeroPad1d(ConstantPad1d):
    """Pads the last dimension with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pads the last two dimensions with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pads the last three dimensions with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Pads the last dimension by reflecting it about its edges."""

    _mode = "reflect"

    def __init__(self, padding):
        super().__init__(padding, _pair)


class ReflectionPad2d(_PadNd):
    """Pads the last two dimensions by reflecting them about their edges."""

    _mode = "reflect"

    def __init__(self, padding):
        super().__init__(padding, _quad)


class ReflectionPad3d(_PadNd):
    """Pads the last three dimensions by reflecting them about their edges."""

    _mode = "reflect"

    def __init__(self, padding):
        super().__init__(padding, _sext)


class ReplicationPad1d(_PadNd):
    """Pads the last dimension by repeating its edge values."""

    _mode = "replicate"

    def __init__(self, padding):
        super().__init__(padding, _pair)


class ReplicationPad2d(_PadNd):
    """Pads the last two dimensions by repeating their edge values."""

    _mode = "replicate"

    def __init__(self, padding):
        super().__init__(padding, _quad)


class ReplicationPad3d(_PadNd):
    """Pads the last three dimensions by repeating their edge values."""

    _mode = "replicate"

    def __init__(self, padding):
        super().__init__(padding, _sext)


class CircularPad1d(_PadNd):
    """Pads the last dimension circularly (values wrap around)."""

    _mode = "circular"

    def __init__(self, padding):
        super().__init__(padding, _pair)


class CircularPad2d(_PadNd):
    """Pads the last two dimensions circularly (values wrap around)."""

    _mode = "circular"

    def __init__(self, padding):
        super().__init__(padding, _quad)


class CircularPad3d(_PadNd):
    """Pads the last three dimensions circularly (values wrap around)."""

    _mode = "circular"

    def __init__(self, padding):
        super().__init__(padding, _sext)
