"""Common image transforms, with torchvision's constructors, behaviour and reprs.

Random transforms draw through ember's global generator with the calls torchvision makes on
torch's (``rand(1)`` for a flip, ``randint(0, n, size=(1,))`` per crop offset), so a seeded
pipeline makes the same choices as in PyTorch.
"""
import numbers
from collections.abc import Sequence

import ember

from . import functional as F
from .functional import InterpolationMode

__all__ = ["Compose", "ToTensor", "Normalize", "Lambda", "RandomHorizontalFlip", "RandomCrop",
           "Resize", "CenterCrop", "InterpolationMode"]


def _setup_size(size, error_msg):
    """Return ``size`` as (h, w): an int is square, a 1-sequence is square."""
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


class Compose:
    """Composes several transforms together, applied in order."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = [f"    {t}" for t in self.transforms]
        return "\n".join([f"{self.__class__.__name__}("] + lines + [")"])


class ToTensor:
    """Convert a PIL image or ndarray (H x W x C, uint8 in [0, 255]) to a float Tensor
    (C x H x W) in [0.0, 1.0]."""

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class Normalize:
    """Normalize a float tensor image with per-channel ``mean`` and ``std``:
    ``output[c] = (input[c] - mean[c]) / std[c]``."""

    def __init__(self, mean, std, inplace=False):
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    forward = __call__

    def __repr__(self):
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """Apply a user-defined function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class RandomHorizontalFlip:
    """Horizontally flip the image with probability ``p``."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        # One uniform draw per call, flip or not, as torchvision's torch.rand(1) < p.
        if ember.rand(1).item() < self.p:
            return F.hflip(img)
        return img

    forward = __call__

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomCrop:
    """Crop the image at a random location to ``size``, after optional ``padding``
    (``pad_if_needed`` pads an image smaller than ``size``)."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size = tuple(_setup_size(size, "Please provide only two dimensions (h, w) for size."))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img, output_size):
        """Return (i, j, h, w), the random crop's top, left, height and width."""
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        i = ember.randint(0, h - th + 1, size=(1,)).item()
        j = ember.randint(0, w - tw + 1, size=(1,)).item()
        return i, j, th, tw

    def __call__(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    forward = __call__

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class Resize:
    """Resize the image to ``size`` (an int matches the smaller edge) with Pillow."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        self.interpolation = InterpolationMode(interpolation)
        self.antialias = antialias

    def __call__(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    forward = __call__

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, "
                f"interpolation={self.interpolation.value}, max_size={self.max_size}, "
                f"antialias={self.antialias})")


class CenterCrop:
    """Crop the image at its centre to ``size`` (zero-padded where the image is smaller)."""

    def __init__(self, size):
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")

    def __call__(self, img):
        return F.center_crop(img, self.size)

    forward = __call__

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"
