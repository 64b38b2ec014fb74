"""Vision datasets and transforms with torchvision's API: ``ember.vision.datasets`` (MNIST,
FashionMNIST) and ``ember.vision.transforms``. Pillow is optional (``pip install ember[vision]``)."""
from . import datasets, transforms

__all__ = ["datasets", "transforms"]
