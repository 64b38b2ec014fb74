"""``finfo`` and ``iinfo``: the numerical limits of ember's dtypes, printed as PyTorch prints them."""
import numpy as np

from ._dtype import get_default_dtype

__all__ = ["finfo", "iinfo"]


class finfo:  # noqa: N801 - PyTorch's name
    """Limits of a floating point dtype (the default dtype when none is given)."""

    def __init__(self, type=None):  # noqa: A002 - PyTorch's keyword
        dtype = get_default_dtype() if type is None else type
        if dtype.numpy_dtype.kind != "f":
            raise TypeError("ember.finfo() requires a floating point input type. Use ember.iinfo to handle "
                            "'ember.finfo'")
        info = np.finfo(dtype.numpy_dtype)
        self.bits = info.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision   # a Python float, as PyTorch (not float16(0.001))
        self.dtype = str(dtype).split(".")[-1]

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801 - PyTorch's name
    """Limits of an integer (or bool) dtype."""

    def __init__(self, type):  # noqa: A002 - PyTorch's keyword
        if type.numpy_dtype.kind not in "iub":
            raise TypeError("ember.iinfo() requires an integer input type. Use ember.finfo to handle 'ember.iinfo'")
        info = np.iinfo(type.numpy_dtype) if type.numpy_dtype.kind != "b" else None
        self.bits = type.numpy_dtype.itemsize * 8
        self.min = int(info.min) if info is not None else 0
        self.max = int(info.max) if info is not None else 1
        self.dtype = str(type).split(".")[-1]

    def __repr__(self):
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"
