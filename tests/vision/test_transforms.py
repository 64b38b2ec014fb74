"""Transforms against torchvision's semantics, computed by hand with NumPy and torch
(torchvision itself is not installed)."""
import numpy as np
import pytest

import ember
from ember.vision import _pil, transforms as T
from ember.vision.transforms import functional as F

torch = pytest.importorskip("torch")


def raised(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value).__name__, str(info.value)


@pytest.fixture
def no_pillow(monkeypatch):
    monkeypatch.setattr(_pil, "pil_image", lambda: None)


def uint8_image(*shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


# ---------------------------------------------------------------- ToTensor
@pytest.mark.parametrize("shape", [(5, 7), (5, 7, 3), (4, 4, 1)])
def test_to_tensor_uint8_array(shape):
    img = uint8_image(*shape)
    out = T.ToTensor()(img)
    chw = img[:, :, None] if img.ndim == 2 else img
    # torchvision: from_numpy(pic.transpose(2, 0, 1)).contiguous().to(float32).div(255)
    expected = torch.from_numpy(chw.transpose(2, 0, 1).copy()).to(torch.float32).div(255).numpy()
    assert out.dtype == ember.float32 and tuple(out.shape) == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    assert out.numpy().min() >= 0 and out.numpy().max() <= 1


def test_to_tensor_keeps_other_dtypes():
    img = np.linspace(0, 3, 12).reshape(3, 4)
    out = T.ToTensor()(img)
    assert out.dtype == ember.float64 and tuple(out.shape) == (1, 3, 4)
    np.testing.assert_array_equal(out.numpy()[0], img)


def test_to_tensor_errors_match_torchvision_words():
    assert raised(lambda: T.ToTensor()([[1, 2]])) == (
        "TypeError", "pic should be PIL Image or ndarray. Got <class 'list'>")
    assert raised(lambda: T.ToTensor()(np.zeros((1, 2, 3, 4), np.uint8))) == (
        "ValueError", "pic should be 2/3 dimensional. Got 4 dimensions.")


@pytest.mark.parametrize("mode,channels", [("L", 1), ("RGB", 3)])
def test_to_tensor_pil(mode, channels):
    Image = pytest.importorskip("PIL.Image")
    arr = uint8_image(6, 5, channels).squeeze()
    out = T.ToTensor()(Image.fromarray(arr))
    chw = arr.reshape(6, 5, channels).transpose(2, 0, 1).astype(np.float32) / np.float32(255)
    assert tuple(out.shape) == (channels, 6, 5)
    np.testing.assert_array_equal(out.numpy(), chw)


# ---------------------------------------------------------------- Normalize
@pytest.mark.parametrize("mean,std", [((0.5,), (0.5,)), ((0.1307,), (0.3081,)),
                                      ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
def test_normalize_matches_torch_arithmetic(mean, std):
    c = len(mean)
    x = np.random.default_rng(1).random((c, 4, 5), dtype=np.float32)
    out = T.Normalize(mean, std)(ember.tensor(x))
    # torchvision: tensor.clone().sub_(mean.view(-1, 1, 1)).div_(std.view(-1, 1, 1))
    m = torch.as_tensor(mean, dtype=torch.float32).view(-1, 1, 1)
    s = torch.as_tensor(std, dtype=torch.float32).view(-1, 1, 1)
    expected = torch.from_numpy(x).clone().sub_(m).div_(s).numpy()
    assert out.dtype == ember.float32
    np.testing.assert_array_equal(out.numpy(), expected)


def test_normalize_inplace_and_not():
    x = ember.tensor(np.full((1, 2, 2), 0.75, np.float32))
    out = T.Normalize((0.5,), (0.5,))(x)
    assert out is not x and x.numpy()[0, 0, 0] == np.float32(0.75)
    np.testing.assert_array_equal(out.numpy(), np.full((1, 2, 2), 0.5, np.float32))
    same = T.Normalize((0.5,), (0.5,), inplace=True)(x)
    assert same is x and x.numpy()[0, 0, 0] == np.float32(0.5)


def test_normalize_batched_and_errors():
    x = np.random.default_rng(2).random((2, 3, 2, 2)).astype(np.float64)
    out = F.normalize(ember.tensor(x), [0.1, 0.2, 0.3], [1.0, 2.0, 4.0])
    expected = (x - np.array([0.1, 0.2, 0.3]).reshape(3, 1, 1)) / np.array([1.0, 2.0, 4.0]).reshape(3, 1, 1)
    assert out.dtype == ember.float64
    np.testing.assert_array_equal(out.numpy(), expected)
    assert raised(lambda: F.normalize(np.zeros((1, 2, 2)), [0], [1]))[0] == "TypeError"
    assert raised(lambda: F.normalize(ember.zeros(1, 2, 2, dtype=ember.uint8), [0], [1])) == (
        "TypeError", "Input tensor should be a float tensor. Got ember.uint8.")
    assert raised(lambda: F.normalize(ember.zeros(2, 2), [0], [1]))[0] == "ValueError"
    assert raised(lambda: F.normalize(ember.zeros(1, 2, 2), [0], [0])) == (
        "ValueError", "std evaluated to zero after conversion to ember.float32, leading to "
                      "division by zero.")


# ---------------------------------------------------------------- reprs
def test_reprs_like_torchvision():
    compose = T.Compose([T.RandomCrop(28, padding=4), T.RandomHorizontalFlip(), T.ToTensor(),
                         T.Normalize((0.1307,), (0.3081,)), T.Lambda(lambda x: x)])
    assert repr(compose) == ("Compose(\n"
                             "    RandomCrop(size=(28, 28), padding=4)\n"
                             "    RandomHorizontalFlip(p=0.5)\n"
                             "    ToTensor()\n"
                             "    Normalize(mean=(0.1307,), std=(0.3081,))\n"
                             "    Lambda()\n"
                             ")")
    assert repr(T.Resize(32)) == "Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)"
    assert repr(T.CenterCrop(10)) == "CenterCrop(size=(10, 10))"
    assert repr(T.CenterCrop([10, 12])) == "CenterCrop(size=[10, 12])"
    assert raised(lambda: T.Lambda(3)) == ("TypeError", "Argument lambd should be callable, got 'int'")


# ---------------------------------------------------------------- random transforms
def test_random_horizontal_flip_draws_like_torchvision():
    img = uint8_image(3, 4)
    ember.manual_seed(42)
    torch.manual_seed(42)
    flip = T.RandomHorizontalFlip(p=0.5)
    for _ in range(20):
        flipped = bool(torch.rand(1) < 0.5)  # torchvision's decision, from torch's stream
        out = flip(img)
        np.testing.assert_array_equal(out, img[:, ::-1] if flipped else img)


def test_flip_on_tensor_and_pil():
    x = np.arange(12, dtype=np.float32).reshape(1, 3, 4)
    np.testing.assert_array_equal(F.hflip(ember.tensor(x)).numpy(), torch.from_numpy(x).flip(-1).numpy())
    Image = pytest.importorskip("PIL.Image")
    img = uint8_image(3, 4)
    np.testing.assert_array_equal(np.asarray(F.hflip(Image.fromarray(img))), img[:, ::-1])


def test_random_crop_offsets_match_torchvision_draws():
    img = uint8_image(28, 28)
    ember.manual_seed(3)
    torch.manual_seed(3)
    crop = T.RandomCrop(28, padding=4)
    padded = np.pad(img, 4)
    for _ in range(10):
        i = torch.randint(0, 36 - 28 + 1, size=(1,)).item()
        j = torch.randint(0, 36 - 28 + 1, size=(1,)).item()
        np.testing.assert_array_equal(crop(img), padded[i:i + 28, j:j + 28])


def test_random_crop_same_size_draws_nothing():
    ember.manual_seed(0)
    torch.manual_seed(0)
    img = uint8_image(5, 5)
    np.testing.assert_array_equal(T.RandomCrop(5)(img), img)
    np.testing.assert_array_equal(ember.rand(2).numpy(), torch.rand(2).numpy())


def test_random_crop_pad_if_needed_and_too_small():
    img = uint8_image(3, 4, 2)
    ember.manual_seed(8)
    torch.manual_seed(8)
    out = T.RandomCrop((5, 6), pad_if_needed=True, fill=9)(img)
    # torchvision pads the width by [6 - 4, 0] (2 on the left and right), then the height by
    # [0, 5 - 3] (2 on top and bottom), then crops 5 x 6 out of 7 x 8 at random.
    padded = np.pad(img, [(2, 2), (2, 2), (0, 0)], constant_values=9)
    i = torch.randint(0, 7 - 5 + 1, size=(1,)).item()
    j = torch.randint(0, 8 - 6 + 1, size=(1,)).item()
    np.testing.assert_array_equal(out, padded[i:i + 5, j:j + 6])
    assert raised(lambda: T.RandomCrop(8)(img)) == (
        "ValueError", "Required crop size (8, 8) is larger than input image size (3, 4)")


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad_modes_on_tensor_match_numpy(mode):
    x = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    out = F.pad(ember.tensor(x), [1, 2, 3, 1], padding_mode=mode)
    np_mode = {"edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}.get(mode, "constant")
    expected = np.pad(x, [(0, 0), (2, 1), (1, 3)], mode=np_mode)
    np.testing.assert_array_equal(out.numpy(), expected)
    if mode == "reflect":  # torch's own reflect padding agrees
        ref = torch.nn.functional.pad(torch.from_numpy(x)[None], (1, 3, 2, 1), mode="reflect")[0]
        np.testing.assert_array_equal(out.numpy(), ref.numpy())


def test_pad_errors():
    img = uint8_image(3, 3)
    assert raised(lambda: F.pad(img, "x")) == ("TypeError", "Got inappropriate padding arg")
    assert raised(lambda: F.pad(img, [1, 2, 3])) == (
        "ValueError", "Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element tuple")
    assert raised(lambda: F.pad(img, 1, padding_mode="wrap")) == (
        "ValueError", "Padding mode should be either constant, edge, reflect or symmetric")


# ---------------------------------------------------------------- CenterCrop, Resize
@pytest.mark.parametrize("size", [4, (3, 5), (7, 2)])
def test_center_crop_on_arrays_and_tensors(size):
    img = uint8_image(7, 8)
    h, w = (size, size) if isinstance(size, int) else size
    top, left = int(round((7 - h) / 2.0)), int(round((8 - w) / 2.0))
    np.testing.assert_array_equal(T.CenterCrop(size)(img), img[top:top + h, left:left + w])
    out = T.CenterCrop(size)(ember.tensor(img[None].astype(np.float32)))
    np.testing.assert_array_equal(out.numpy()[0], img[top:top + h, left:left + w])


def test_center_crop_larger_than_image_pads_with_zeros():
    img = np.ones((2, 3), np.uint8)
    out = T.CenterCrop((4, 6))(img)
    expected = np.zeros((4, 6), np.uint8)
    expected[1:3, 1:4] = 1  # torchvision pads (w - iw) // 2 left, the rest right
    np.testing.assert_array_equal(out, expected)


def test_resize_sizes_with_pillow():
    Image = pytest.importorskip("PIL.Image")
    img = Image.fromarray(uint8_image(20, 30))
    assert T.Resize(10)(img).size == (15, 10)
    assert T.Resize((8, 9))(img).size == (9, 8)
    assert T.Resize(10, max_size=12)(img).size == (12, 8)
    out = T.Resize(10)(uint8_image(20, 30))
    assert isinstance(out, np.ndarray) and out.shape == (10, 15)
    expected = np.asarray(img.resize((15, 10), Image.Resampling.BILINEAR))
    np.testing.assert_array_equal(T.Resize(10)(np.asarray(img)), expected)


def test_resize_errors(no_pillow):
    with pytest.raises(ImportError, match=r"pip install ember\[vision\]"):
        T.Resize(10)(uint8_image(20, 30))
    assert T.Resize(20)(uint8_image(20, 30)).shape == (20, 30)  # no-op needs no Pillow
    with pytest.raises(TypeError, match="apply Resize before ToTensor"):
        T.Resize(10)(ember.zeros(1, 20, 30))
    assert raised(lambda: T.Resize(3.5)) == ("TypeError", "Size should be int or sequence. Got <class 'float'>")
    assert raised(lambda: T.Resize([1, 2, 3])) == ("ValueError", "If size is a sequence, it should have 1 or 2 values")


def test_array_pipeline_without_pillow(no_pillow):
    pipeline = T.Compose([T.RandomCrop(24, padding=2), T.RandomHorizontalFlip(), T.ToTensor(),
                          T.Normalize((0.5,), (0.5,))])
    out = pipeline(uint8_image(28, 28))
    assert tuple(out.shape) == (1, 24, 24) and out.dtype == ember.float32
    assert out.numpy().min() >= -1 and out.numpy().max() <= 1
