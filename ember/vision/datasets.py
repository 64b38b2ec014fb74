"""MNIST and FashionMNIST in torchvision's layout: ``root/MNIST/raw/*-ubyte[.gz]``.

Deliberate extension: ``MNIST(root=None)`` loads the 10,000 real digits bundled with ember
(8,000 train, 2,000 test; see ``ember/vision/_sample/README.md``) through the same reader, so
that tutorials run without network access. Any other root reads the full data set from disk.
"""
import hashlib
import os
import warnings
import urllib.request

import numpy as np

from ember._tensor import _wrap
from ember.utils.data import Dataset

from ._idx import read_idx
from ._pil import to_pil_or_array

__all__ = ["VisionDataset", "StandardTransform", "MNIST", "FashionMNIST"]

_SAMPLE_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_sample")


class StandardTransform:
    """Applies ``transform`` to the input and ``target_transform`` to the target."""

    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    @staticmethod
    def _format_transform_repr(transform, head):
        lines = repr(transform).splitlines()
        return [f"{head}{lines[0]}"] + [" " * len(head) + line for line in lines[1:]]

    def __repr__(self):
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += self._format_transform_repr(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += self._format_transform_repr(self.target_transform, "Target transform: ")
        return "\n".join(body)


class VisionDataset(Dataset):
    """Base class for image datasets: ``root``, ``transform``, ``target_transform`` and
    torchvision's repr."""

    _repr_indent = 4

    def __init__(self, root=None, transform=None, target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        self.transform = transform
        self.target_transform = target_transform
        self.transforms = None
        if transform is not None or target_transform is not None:
            self.transforms = StandardTransform(transform, target_transform)

    def extra_repr(self):
        """Return the dataset-specific lines of the repr."""
        return ""

    def __repr__(self):
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            # One entry for a multi-line repr: only its first line is indented, as torchvision.
            body += [repr(self.transforms)]
        lines = ["Dataset " + self.__class__.__name__]
        return "\n".join(lines + [" " * self._repr_indent + line for line in body])


class MNIST(VisionDataset):
    """The MNIST handwritten digits: ``(image, label)`` pairs, the image a PIL image in mode "L"
    (a uint8 HxW NumPy array when Pillow is not installed) and the label an int.

    ``root`` holds ``MNIST/raw/`` with the four IDX files, gzipped or not; ``root=None`` loads
    ember's bundled sample of 8,000 training and 2,000 test digits instead.
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]
    _has_sample = True
    _fell_back = False

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if root is None and not self._has_sample:
            raise ValueError(f"{self.__class__.__name__} has no bundled sample: pass root, the "
                             f"folder that holds {self.__class__.__name__}/raw/")
        self._fell_back = False
        if download and root is not None:
            try:
                self.download()
            except RuntimeError as exc:
                if not self._has_sample:
                    raise
                # Tutorials call MNIST(..., download=True); offline, they still run on real digits.
                warnings.warn(f"{exc}\nFalling back to the real MNIST digits bundled with ember "
                              f"(8,000 training and 2,000 test images).", RuntimeWarning, stacklevel=2)
                self._fell_back = True
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it "
                               f"(looked in {self.raw_folder} for {', '.join(self._names())}, "
                               "each gzipped or not)")
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self):
        """The folder the IDX files are read from."""
        root = _SAMPLE_ROOT if self.root is None or self._fell_back else self.root
        return os.path.join(root, self.__class__.__name__, "raw")

    @property
    def class_to_idx(self):
        """Map from class name to label."""
        return {_class: i for i, _class in enumerate(self.classes)}

    def _names(self):
        return [os.path.splitext(name)[0] for name, _ in self.resources]

    def _find(self, name):
        """Return the path of ``name`` in raw_folder, uncompressed or gzipped, or None."""
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _check_exists(self):
        return all(self._find(name) is not None for name in self._names())

    def _load_data(self):
        prefix = "train" if self.train else "t10k"
        image_path = self._find(f"{prefix}-images-idx3-ubyte")
        label_path = self._find(f"{prefix}-labels-idx1-ubyte")
        images, labels = read_idx(image_path), read_idx(label_path)
        if images.dtype != np.uint8 or images.ndim != 3:
            raise RuntimeError(f"{image_path}: expected 3-d uint8 images, found "
                               f"{images.ndim}-d {images.dtype}")
        if labels.dtype != np.uint8 or labels.ndim != 1:
            raise RuntimeError(f"{label_path}: expected 1-d uint8 labels, found "
                               f"{labels.ndim}-d {labels.dtype}")
        if len(images) != len(labels):
            raise RuntimeError(f"{image_path} holds {len(images)} images but {label_path} "
                               f"holds {len(labels)} labels")
        return _wrap(np.ascontiguousarray(images)), _wrap(labels.astype(np.int64))

    def __getitem__(self, index):
        """Return ``(image, target)``, each passed through its transform when one is set."""
        img = to_pil_or_array(self.data.numpy()[index])
        target = int(self.targets.numpy()[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"

    def download(self):
        """Download the four files into raw_folder unless present, checking their MD5."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    _download_checked(mirror + filename, os.path.join(self.raw_folder, filename), md5)
                    break
                except (OSError, ValueError) as e:  # URLError and timeouts are OSErrors
                    errors.append(f"  {mirror + filename}: {e}")
            else:
                raise RuntimeError(self._download_failed(filename, errors))

    def _download_failed(self, filename, errors):
        names = ", ".join(name for name, _ in self.resources)
        sample = " Or pass root=None to load ember's bundled sample." if self._has_sample else ""
        return (f"Error downloading {filename}; tried:\n" + "\n".join(errors) +
                f"\nWithout network access, place the files by hand: copy {names} (gzipped or "
                f"not) into {self.raw_folder} and use download=False.{sample}")


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 grey images of 10 kinds of clothing, in MNIST's layout
    (``root/FashionMNIST/raw/``). It has no bundled sample: ``root`` is required."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    _has_sample = False


def _download_checked(url, path, md5):
    """Download ``url`` to ``path`` if its MD5 is ``md5``; a failed download writes nothing."""
    request = urllib.request.Request(url, headers={"User-Agent": "ember"})
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = response.read()
    digest = hashlib.md5(payload).hexdigest()
    if digest != md5:
        raise ValueError(f"checksum mismatch: MD5 {digest}, expected {md5}")
    partial = path + ".part"
    with open(partial, "wb") as f:
        f.write(payload)
    os.replace(partial, path)
