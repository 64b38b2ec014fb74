"""Seed 000's whole cell sequence with ``import ember as torch``, ``from ember import nn`` and
``from ember.vision import datasets, transforms``, on IDX files the test writes.

torchvision is not installed, so the PyTorch side gets the same digits through a TensorDataset
(transformed exactly as ToTensor + Normalize((0.5,), (0.5,)) do); with PyTorch's random streams,
both sides see the same weights and the same shuffled batch, and print the same text.
"""
import contextlib
import gzip
import io
import re
import struct
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")

EMBER_CELLS = """
import ember as torch
from ember import nn
from ember.vision import datasets, transforms
torch.manual_seed(0)
transform = transforms.Compose([transforms.ToTensor(),
                              transforms.Normalize((0.5,), (0.5,)),
                              ])
trainset = datasets.MNIST(ROOT, download=True, train=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)
model = nn.Sequential(nn.Linear(784, 128),
                      nn.ReLU(),
                      nn.Linear(128, 64),
                      nn.ReLU(),
                      nn.Linear(64, 10))
criterion = nn.CrossEntropyLoss()
images, labels = next(iter(trainloader))
images = images.view(images.shape[0], -1)
scores = model(images)
loss = criterion(scores, labels)
print('Before backward pass: \\n', model[0].weight.grad)
loss.backward()
print('After backward pass: \\n', model[0].weight.grad)
print(model)
print(loss)
"""

TORCH_CELLS = """
import torch
from torch import nn
torch.manual_seed(0)
trainset = torch.utils.data.TensorDataset(IMAGES, LABELS)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)
model = nn.Sequential(nn.Linear(784, 128),
                      nn.ReLU(),
                      nn.Linear(128, 64),
                      nn.ReLU(),
                      nn.Linear(64, 10))
criterion = nn.CrossEntropyLoss()
images, labels = next(iter(trainloader))
images = images.view(images.shape[0], -1)
scores = model(images)
loss = criterion(scores, labels)
print('Before backward pass: \\n', model[0].weight.grad)
loss.backward()
print('After backward pass: \\n', model[0].weight.grad)
print(model)
print(loss)
"""


def _write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def mnist_root(tmp_path):
    rng = np.random.default_rng(7)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    images = rng.integers(0, 256, size=(200, 28, 28)).astype(np.uint8)
    labels = rng.integers(0, 10, size=200).astype(np.uint8)
    _write_idx(raw / "train-images-idx3-ubyte.gz", images)
    _write_idx(raw / "train-labels-idx1-ubyte.gz", labels)
    _write_idx(raw / "t10k-images-idx3-ubyte.gz", images[:50])
    _write_idx(raw / "t10k-labels-idx1-ubyte.gz", labels[:50])
    return str(tmp_path), images, labels


def _run(code, namespace):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(textwrap.dedent(code), namespace)
    return out.getvalue()


_NUMBER = re.compile(r"-?\d+\.\d*(?:e[+-]\d+)?")


def _assert_same_text(actual, expected):
    """The same text, except that printed floats may differ in their last printed digit (matrix
    products round differently in NumPy's BLAS and PyTorch's), never in layout or magnitude."""
    assert _NUMBER.sub("#", actual) == _NUMBER.sub("#", expected)
    a = [float(v) for v in _NUMBER.findall(actual)]
    e = [float(v) for v in _NUMBER.findall(expected)]
    np.testing.assert_allclose(a, e, rtol=2e-4, atol=0)
    assert sum(x != y for x, y in zip(a, e)) <= 3, "more than a few last-digit differences"


def test_seed000_cells_print_what_pytorch_prints(mnist_root):
    root, images, labels = mnist_root
    ember_out = _run(EMBER_CELLS, {"ROOT": root})
    # ToTensor scales bytes to [0, 1] in float32, then Normalize((0.5,), (0.5,)) maps to [-1, 1]
    x = torch.from_numpy(((images.astype(np.float32) / 255) - 0.5) / 0.5).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    torch_out = _run(TORCH_CELLS, {"IMAGES": x, "LABELS": y})
    _assert_same_text(ember_out.replace("ember.", "torch."), torch_out)
    assert "Before backward pass: \n None" in ember_out
    assert "grad_fn=<NllLossBackward0>" in ember_out
