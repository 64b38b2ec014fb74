"""MNIST / FashionMNIST: the bundled sample, torchvision's folder layout, repr, and download
errors (with a mocked URL opener: these tests never touch the network)."""
import gzip
import hashlib
import io
import os
import shutil
import urllib.error
import urllib.request

import numpy as np
import pytest

import ember
from ember.vision import _pil, datasets, transforms

SAMPLE_RAW = os.path.join(os.path.dirname(datasets.__file__), "_sample", "MNIST", "raw")


def raw_file(name):
    """Read a bundled IDX file without ember's reader: skip the header, take the bytes."""
    data = gzip.decompress(open(os.path.join(SAMPLE_RAW, name + ".gz"), "rb").read())
    offset = 16 if "images" in name else 8
    return np.frombuffer(data, dtype=np.uint8, offset=offset)


@pytest.fixture(scope="module")
def train():
    return datasets.MNIST(train=True)


@pytest.fixture(scope="module")
def test():
    return datasets.MNIST(train=False)


def test_bundled_sample_sizes_and_dtypes(train, test):
    assert len(train) == 8000 and len(test) == 2000
    assert tuple(train.data.shape) == (8000, 28, 28) and train.data.dtype == ember.uint8
    assert tuple(test.data.shape) == (2000, 28, 28)
    assert train.targets.dtype == ember.int64 and tuple(train.targets.shape) == (8000,)
    np.testing.assert_array_equal(train.data.numpy().ravel(), raw_file("train-images-idx3-ubyte"))
    np.testing.assert_array_equal(test.targets.numpy(), raw_file("t10k-labels-idx1-ubyte"))


def test_bundled_sample_labels_roughly_uniform(train, test):
    for ds in (train, test):
        share = np.bincount(ds.targets.numpy(), minlength=10) / len(ds)
        assert share.min() > 0.07 and share.max() < 0.13, share


def test_bundled_sample_looks_like_digits(train):
    images = train.data.numpy().astype(np.float64) / 255
    # MNIST digits: dark background, centred (borders nearly empty), ~13% ink on average.
    assert 0.09 < images.mean() < 0.17
    border = np.concatenate([images[:, 0, :], images[:, -1, :], images[:, :, 0], images[:, :, -1]])
    assert border.mean() < 0.001 and images[:, 10:18, 10:18].mean() > 0.3
    # Ones are thinner than zeros, on average, in real handwriting.
    labels = train.targets.numpy()
    assert images[labels == 1].mean() < 0.6 * images[labels == 0].mean()


def test_train_and_test_are_disjoint(train, test):
    seen = {img.tobytes() for img in train.data.numpy()}
    assert not any(img.tobytes() in seen for img in test.data.numpy())


def test_classes_and_class_to_idx(train):
    assert train.classes[0] == "0 - zero" and train.classes[9] == "9 - nine"
    assert train.class_to_idx["7 - seven"] == 7
    assert datasets.FashionMNIST.classes[9] == "Ankle boot"


def test_getitem_without_pillow_gives_uint8_array(train, monkeypatch):
    monkeypatch.setattr(_pil, "pil_image", lambda: None)
    img, label = train[5]
    assert isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.shape == (28, 28)
    assert type(label) is int and label == int(train.targets.numpy()[5])
    np.testing.assert_array_equal(img, train.data.numpy()[5])
    img[:] = 77  # a copy: the dataset is not changed through it
    np.testing.assert_array_equal(train.data.numpy()[5].ravel(),
                                  raw_file("train-images-idx3-ubyte")[5 * 784:6 * 784])
    tensor = transforms.ToTensor()(img)
    assert tuple(tensor.shape) == (1, 28, 28) and tensor.dtype == ember.float32


def test_getitem_with_pillow_gives_mode_l_image(train):
    pytest.importorskip("PIL")
    img, label = train[0]
    assert img.mode == "L" and img.size == (28, 28) and type(label) is int
    np.testing.assert_array_equal(np.asarray(img), train.data.numpy()[0])


def test_repr_like_torchvision(tmp_path):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    place_sample(tmp_path)
    ds = datasets.MNIST(str(tmp_path), train=True, transform=transform)
    assert repr(ds) == (
        "Dataset MNIST\n"
        "    Number of datapoints: 8000\n"
        f"    Root location: {tmp_path}\n"
        "    Split: Train\n"
        "    StandardTransform\n"
        "Transform: Compose(\n"
        "               ToTensor()\n"
        "               Normalize(mean=(0.5,), std=(0.5,))\n"
        "           )")
    assert repr(datasets.MNIST(train=False)) == ("Dataset MNIST\n    Number of datapoints: 2000\n"
                                                 "    Split: Test")


def place_sample(root, folder="MNIST", gz=True):
    raw = os.path.join(root, folder, "raw")
    os.makedirs(raw, exist_ok=True)
    for name in os.listdir(SAMPLE_RAW):
        if gz:
            shutil.copy(os.path.join(SAMPLE_RAW, name), raw)
        else:
            with gzip.open(os.path.join(SAMPLE_RAW, name)) as f:
                open(os.path.join(raw, name[:-3]), "wb").write(f.read())
    return raw


@pytest.mark.parametrize("gz", [True, False])
def test_root_layout_raw_and_gz(tmp_path, gz, test):
    place_sample(tmp_path, gz=gz)
    ds = datasets.MNIST(tmp_path, train=False, target_transform=lambda y: y + 100)
    np.testing.assert_array_equal(ds.data.numpy(), test.data.numpy())
    assert ds[3][1] == int(test.targets.numpy()[3]) + 100


def test_root_expands_user(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    place_sample(tmp_path / ".pytorch" / "MNIST_data")
    ds = datasets.MNIST("~/.pytorch/MNIST_data/", train=True)
    assert ds.root == str(tmp_path) + "/.pytorch/MNIST_data/" and len(ds) == 8000


def test_fashion_mnist_layout_and_no_sample(tmp_path):
    place_sample(tmp_path, folder="FashionMNIST")
    ds = datasets.FashionMNIST(tmp_path, train=False)
    assert len(ds) == 2000 and repr(ds).startswith("Dataset FashionMNIST\n")
    with pytest.raises(ValueError, match="FashionMNIST has no bundled sample"):
        datasets.FashionMNIST()


def test_missing_files_say_where_they_were_looked_for(tmp_path):
    with pytest.raises(RuntimeError) as info:
        datasets.MNIST(tmp_path, download=False)
    message = str(info.value)
    assert message.startswith("Dataset not found. You can use download=True to download it")
    assert os.path.join(str(tmp_path), "MNIST", "raw") in message


def test_corrupt_file_in_root_names_it(tmp_path):
    raw = place_sample(tmp_path)
    path = os.path.join(raw, "train-labels-idx1-ubyte.gz")
    data = gzip.decompress(open(path, "rb").read())
    open(path, "wb").write(gzip.compress(data[:-100]))
    with pytest.raises(RuntimeError, match="train-labels-idx1-ubyte.gz: file is truncated"):
        datasets.MNIST(tmp_path)


def test_mismatched_image_and_label_counts(tmp_path):
    raw = place_sample(tmp_path)
    shutil.copy(os.path.join(raw, "t10k-labels-idx1-ubyte.gz"),
                os.path.join(raw, "train-labels-idx1-ubyte.gz"))
    with pytest.raises(RuntimeError, match="holds 8000 images but .* holds 2000 labels"):
        datasets.MNIST(tmp_path)


def test_download_without_network_explains_manual_placement(tmp_path, monkeypatch):
    tried = []

    def offline(request, timeout=None):
        tried.append(request.full_url)
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.warns(RuntimeWarning) as info:
        datasets.MNIST(tmp_path, download=True)  # falls back to the bundled sample, explaining why
    message = str(info[0].message)
    assert tried == [m + "train-images-idx3-ubyte.gz" for m in datasets.MNIST.mirrors]
    assert "Error downloading train-images-idx3-ubyte.gz" in message
    assert "Temporary failure in name resolution" in message
    assert os.path.join(str(tmp_path), "MNIST", "raw") in message
    assert "t10k-labels-idx1-ubyte.gz" in message and "root=None" in message
    assert os.listdir(os.path.join(tmp_path, "MNIST", "raw")) == []


def test_download_rejects_bad_checksum_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout=None: io.BytesIO(b"junk"))
    with pytest.warns(RuntimeWarning, match="checksum mismatch: MD5 "):
        datasets.MNIST(tmp_path, download=True)
    assert os.listdir(os.path.join(tmp_path, "MNIST", "raw")) == []


def test_download_writes_checked_files_then_loads(tmp_path, monkeypatch):
    payloads = {name: open(os.path.join(SAMPLE_RAW, name), "rb").read()
                for name in os.listdir(SAMPLE_RAW)}

    class Mirrored(datasets.MNIST):
        mirrors = ["https://mirror.invalid/a/", "https://mirror.invalid/b/"]
        resources = [(n, hashlib.md5(payloads[n]).hexdigest()) for n in sorted(payloads)]

    def serve(request, timeout=None):
        if "/a/" in request.full_url:
            raise urllib.error.URLError("first mirror down")
        return io.BytesIO(payloads[request.full_url.rsplit("/", 1)[1]])

    monkeypatch.setattr(urllib.request, "urlopen", serve)
    ds = Mirrored(tmp_path, train=False, download=True)
    assert len(ds) == 2000
    assert sorted(os.listdir(os.path.join(tmp_path, "Mirrored", "raw"))) == sorted(payloads)


def test_download_skipped_when_files_present(tmp_path, monkeypatch):
    place_sample(tmp_path)
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("network used"))
    assert len(datasets.MNIST(tmp_path, download=True)) == 8000


def test_download_offline_falls_back_to_the_bundled_sample(tmp_path, monkeypatch):
    import urllib.request
    import warnings
    from ember.vision import datasets

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = datasets.MNIST(str(tmp_path), download=True, train=False)
    assert len(ds) == 2000
    assert any("Falling back to the real MNIST digits bundled with ember" in str(w.message) for w in caught)
    assert not any(tmp_path.rglob("*-ubyte*"))
