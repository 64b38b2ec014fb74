"""Pillow, imported lazily: ember.vision works on NumPy arrays without it, and only the
operations that need real image resampling require it."""
import functools
import importlib

__all__ = ["pil_image", "require_pil", "is_pil_image", "to_pil_or_array"]


@functools.lru_cache(maxsize=None)  # a failed import is slow to repeat per sample
def pil_image():
    """Return the ``PIL.Image`` module, or None when Pillow is not installed."""
    try:
        return importlib.import_module("PIL.Image")
    except ImportError:
        return None


def require_pil(what):
    """Return ``PIL.Image``, or raise an ImportError saying ``what`` needs Pillow."""
    module = pil_image()
    if module is None:
        raise ImportError(f"{what} requires Pillow, which is not installed: "
                          "pip install ember[vision]")
    return module


def is_pil_image(img):
    """Whether ``img`` is a PIL image (False whenever Pillow is not installed)."""
    module = pil_image()
    return module is not None and isinstance(img, module.Image)


def to_pil_or_array(array):
    """Return a uint8 HxW array as a PIL image in mode "L", or as a copy of the array when
    Pillow is not installed (ToTensor accepts both)."""
    module = pil_image()
    if module is None:
        return array.copy()
    return module.fromarray(array)
