"""Image functions behind the transforms, on three kinds of image: PIL images, NumPy arrays
(HxW or HxWxC, as ember's MNIST returns without Pillow: an ember extension) and Tensors
(..., C, H, W). Each returns the kind it was given, except to_tensor."""
import numbers
from enum import Enum

import numpy as np

import ember
from ember._tensor import _wrap

from .._pil import is_pil_image, require_pil

__all__ = ["InterpolationMode", "get_dimensions", "to_tensor", "normalize", "hflip", "pad",
           "crop", "center_crop", "resize"]


class InterpolationMode(Enum):
    """Interpolation modes, named as torchvision names them."""
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _is_image_array(img):
    return isinstance(img, np.ndarray) and img.ndim in (2, 3)


def _check_image(img):
    if not (is_pil_image(img) or _is_image_array(img) or isinstance(img, ember.Tensor)):
        raise TypeError(f"img should be PIL Image, ndarray or Tensor. Got {type(img)}")


def get_dimensions(img):
    """Return ``[channels, height, width]`` of an image."""
    _check_image(img)
    if isinstance(img, ember.Tensor):
        channels = 1 if img.dim() == 2 else img.shape[-3]
        return [channels, img.shape[-2], img.shape[-1]]
    if isinstance(img, np.ndarray):
        return [1 if img.ndim == 2 else img.shape[2], img.shape[0], img.shape[1]]
    width, height = img.size
    return [len(img.getbands()), height, width]


def to_tensor(pic):
    """Convert a PIL image or an HxW / HxWxC ndarray to a CxHxW Tensor; uint8 input becomes
    the default float dtype scaled to [0, 1], other dtypes are kept."""
    if not (is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        array = _pil_to_array(pic)
    array = np.ascontiguousarray(array.transpose(2, 0, 1))
    if array.dtype == np.uint8:
        float_dtype = ember.get_default_dtype().numpy_dtype
        return _wrap(array.astype(float_dtype) / float_dtype.type(255))
    return _wrap(array)  # shares memory with a contiguous ndarray, as torchvision's does


def _pil_to_array(pic):
    """Return a PIL image as an HxWxC array of torchvision's dtype for its mode."""
    nptype = {"I": np.int32, "I;16": np.int16, "F": np.float32}.get(pic.mode, np.uint8)
    array = np.array(pic, nptype, copy=True)
    if pic.mode == "1":
        array = 255 * array
    return array.reshape(pic.size[1], pic.size[0], len(pic.getbands()))


def normalize(tensor, mean, std, inplace=False):
    """Return ``(tensor - mean) / std`` per channel of a float (..., C, H, W) Tensor."""
    if not isinstance(tensor, ember.Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.dim() < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    data = tensor._data
    mean = np.asarray(mean, dtype=data.dtype)
    std = np.asarray(std, dtype=data.dtype)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, "
                         "leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.reshape(-1, 1, 1)
    if std.ndim == 1:
        std = std.reshape(-1, 1, 1)
    result = (data - mean) / std
    if not inplace:
        return _wrap(result)
    data[...] = result
    tensor._bump_version()
    return tensor


def _from_array(img, array):
    """Return ``array`` (HxW[xC]) as the same kind of image as ``img``."""
    if isinstance(img, np.ndarray):
        return array
    out = require_pil("this transform on a PIL image").fromarray(np.ascontiguousarray(array))
    if img.mode == "P":  # the pixels are palette indices: give the palette back
        out.putpalette(img.getpalette())
    return out


def _apply(img, fn):
    """Apply ``fn`` to the image's pixels as an (H, W[, C]) array or a (..., H, W) array."""
    _check_image(img)
    if isinstance(img, ember.Tensor):
        return _wrap(np.ascontiguousarray(fn(img._data, channels_last=False)))
    array = img if isinstance(img, np.ndarray) else np.asarray(img)
    return _from_array(img, np.ascontiguousarray(fn(array, channels_last=True)))


def hflip(img):
    """Return the image flipped left to right."""
    return _apply(img, lambda a, channels_last: a[:, ::-1] if channels_last else a[..., ::-1])


def crop(img, top, left, height, width):
    """Return the ``height`` x ``width`` region whose top-left corner is (``top``, ``left``);
    parts outside the image are zero."""
    def cut(a, channels_last):
        h, w = (a.shape[0], a.shape[1]) if channels_last else a.shape[-2:]
        pads = (max(0, -top), max(0, top + height - h), max(0, -left), max(0, left + width - w))
        if any(pads):
            a = _pad_array(a, (pads[2], pads[0], pads[3], pads[1]), 0, "constant", channels_last)
        t, l = top + pads[0], left + pads[2]
        return a[t:t + height, l:l + width] if channels_last else a[..., t:t + height, l:l + width]
    return _apply(img, cut)


def _parse_padding(padding):
    """Return padding as (left, top, right, bottom), with torchvision's checks."""
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                         f"{len(padding)} element tuple")
    if isinstance(padding, numbers.Number):
        padding = [int(padding)]
    if len(padding) == 1:
        return tuple(padding) * 4
    if len(padding) == 2:
        return tuple(padding) * 2
    return tuple(padding)


def _pad_array(a, ltrb, fill, padding_mode, channels_last):
    left, top, right, bottom = ltrb
    widths = [(top, bottom), (left, right)]
    widths = widths + [(0, 0)] * (a.ndim - 2) if channels_last else \
        [(0, 0)] * (a.ndim - 2) + widths
    if padding_mode != "constant":
        return np.pad(a, widths, mode=padding_mode)
    if isinstance(fill, (tuple, list)) and channels_last and a.ndim == 3:
        return np.stack([np.pad(a[..., c], widths[:2], constant_values=fill[c])
                         for c in range(a.shape[2])], axis=-1)
    return np.pad(a, widths, mode="constant", constant_values=fill)


def pad(img, padding, fill=0, padding_mode="constant"):
    """Return the image padded on each side: ``padding`` is one int, (left/right, top/bottom)
    or (left, top, right, bottom); ``padding_mode`` constant (with ``fill``), edge, reflect or
    symmetric."""
    ltrb = _parse_padding(padding)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    return _apply(img, lambda a, channels_last: _pad_array(a, ltrb, fill, padding_mode,
                                                            channels_last))


def center_crop(img, output_size):
    """Return the central ``output_size`` crop, zero-padded first where the image is smaller."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [(crop_width - image_width) // 2 if crop_width > image_width else 0,
                        (crop_height - image_height) // 2 if crop_height > image_height else 0,
                        (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
                        (crop_height - image_height + 1) // 2 if crop_height > image_height else 0]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def _resized_size(height, width, size, max_size):
    """Return torchvision's output [height, width] for Resize's ``size`` and ``max_size``."""
    if len(size) == 2:
        return [size[0], size[1]]
    short, long = (width, height) if width <= height else (height, width)
    requested = size[0]
    new_short, new_long = requested, int(requested * long / short)
    if max_size is not None:
        if max_size <= requested:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                             f"size for the smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if width <= height else [new_short, new_long]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Return the image resized with Pillow: an int ``size`` matches the smaller edge, keeping
    the aspect ratio; (h, w) sets both. Tensors are not supported: resize before ToTensor."""
    if isinstance(img, ember.Tensor):
        raise TypeError("ember's resize works on PIL images and ndarrays only (through Pillow); "
                        "apply Resize before ToTensor")
    _, height, width = get_dimensions(img)
    size = [size] if isinstance(size, int) else list(size)
    output_size = _resized_size(height, width, size, max_size)
    if [height, width] == output_size:
        return img
    module = require_pil("resize")
    pil = img if is_pil_image(img) else module.fromarray(img)
    method = getattr(module.Resampling, InterpolationMode(interpolation).name.replace("_EXACT", ""))
    out = pil.resize((output_size[1], output_size[0]), method)
    return np.asarray(out) if isinstance(img, np.ndarray) else out
