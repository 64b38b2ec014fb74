"""The data cell of seed tutorial 000, unchanged but for the import, on MNIST files in a root."""
import os
import shutil

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms

SAMPLE_RAW = os.path.join(os.path.dirname(datasets.__file__), "_sample", "MNIST", "raw")


@pytest.fixture
def mnist_root(tmp_path):
    shutil.copytree(SAMPLE_RAW, tmp_path / "MNIST" / "raw")
    return str(tmp_path)


def check_batch(images, labels):
    assert isinstance(images, ember.Tensor) and isinstance(labels, ember.Tensor)
    assert tuple(images.shape) == (64, 1, 28, 28) and images.dtype == ember.float32
    assert tuple(labels.shape) == (64,) and labels.dtype == ember.int64
    values = images.numpy()
    assert values.min() >= -1.0 and values.max() <= 1.0
    assert values.min() == -1.0 and values.max() == 1.0  # background and full ink both occur
    assert set(labels.numpy().tolist()) <= set(range(10))


def test_seed000_data_cell(mnist_root):
    # Define a transform to normalize the data
    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize((0.5,), (0.5,)),
                                    ])
    # Download and load the training data
    trainset = datasets.MNIST(mnist_root, download=False, train=True, transform=transform)
    trainloader = DataLoader(trainset, batch_size=64, shuffle=True)
    images, labels = next(iter(trainloader))
    check_batch(images, labels)
    assert len(trainloader) == 125
    images = images.view(images.shape[0], -1)
    assert tuple(images.shape) == (64, 784)


def test_seed000_batch_is_the_shuffled_digits(mnist_root):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    trainset = datasets.MNIST(mnist_root, download=False, train=True, transform=transform)
    ember.manual_seed(0)
    images, labels = next(iter(DataLoader(trainset, batch_size=64, shuffle=True)))
    # Redo the shuffle with ember's RNG calls in PyTorch's order, then the maths by hand.
    ember.manual_seed(0)
    ember.empty((), dtype=ember.int64).random_()  # the iterator's _base_seed
    seed = int(ember.empty((), dtype=ember.int64).random_().item())
    order = ember.randperm(8000, generator=ember.Generator().manual_seed(seed)).tolist()[:64]
    raw = trainset.data.numpy()[order].astype(np.float32) / np.float32(255)
    np.testing.assert_array_equal(images.numpy()[:, 0], (raw - np.float32(0.5)) / np.float32(0.5))
    np.testing.assert_array_equal(labels.numpy(), trainset.targets.numpy()[order])


def test_seed000_shuffle_matches_torch(mnist_root):
    torch = pytest.importorskip("torch")
    trainset = datasets.MNIST(mnist_root, train=True)
    targets = torch.from_numpy(trainset.targets.numpy().copy())
    ember.manual_seed(2024)
    torch.manual_seed(2024)
    mine = next(iter(DataLoader(trainset, batch_size=64, shuffle=True, collate_fn=lambda b: b)))
    theirs = next(iter(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(targets),
                                                   batch_size=64, shuffle=True)))[0]
    assert [label for _, label in mine] == theirs.tolist()
