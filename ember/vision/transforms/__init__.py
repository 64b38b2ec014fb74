"""Image transforms with torchvision.transforms' API; ``functional`` holds the functions."""
from . import functional
from .functional import InterpolationMode
from .transforms import (CenterCrop, Compose, Lambda, Normalize, RandomCrop, RandomHorizontalFlip,
                         Resize, ToTensor)

__all__ = ["CenterCrop", "Compose", "InterpolationMode", "Lambda", "Normalize", "RandomCrop",
           "RandomHorizontalFlip", "Resize", "ToTensor", "functional"]
