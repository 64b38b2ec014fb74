"""What a PyTorch user sees after ``manual_seed``: the same weights, masks, batches and losses.

Every test runs the same program with torch and with ember in one process and compares the
results bit for bit (the training loss within 1e-4 relative: matrix products round differently).
Vision transforms are compared with torchvision's documented draws made on torch's generator
(torchvision itself is not installed).
"""
import math
import warnings

import numpy as np
import pytest

import ember
from ember.vision import datasets, transforms

torch = pytest.importorskip("torch")


def np_of(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def assert_same(e, t):
    """Same values bit for bit, same dtype name and shape."""
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(np_of(e), np_of(t))


def in_step():
    """Both global streams are at the same place (raw words and the cached normal)."""
    assert_same(ember.rand(7), torch.rand(7))
    assert_same(ember.randn(3), torch.randn(3))


def run_both(program, seed=0):
    out = []
    for lib in (ember, torch):
        lib.manual_seed(seed)
        out.append(program(lib))
    return out


# --------------------------------------------------------------------------- initial weights
def seed000_network(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def assert_same_state(e, t):
    se, st = e.state_dict(), t.state_dict()
    assert list(se) == list(st)
    for k in st:
        assert_same(se[k], st[k])


def test_seed000_network_holds_pytorchs_initial_weights():
    e, t = run_both(seed000_network)
    assert_same_state(e, t)
    in_step()


LAYERS = {
    "Linear": lambda nn, lib: nn.Linear(20, 30), "Linear-nobias": lambda nn, lib: nn.Linear(5, 3, bias=False),
    "Linear-f64": lambda nn, lib: nn.Linear(5, 3, dtype=lib.float64),
    "Bilinear": lambda nn, lib: nn.Bilinear(3, 4, 5), "Conv1d": lambda nn, lib: nn.Conv1d(2, 4, 5),
    "Conv1d-groups": lambda nn, lib: nn.Conv1d(4, 6, 3, groups=2, padding=1, padding_mode="circular"),
    "Conv2d": lambda nn, lib: nn.Conv2d(3, 8, (3, 2), stride=2), "Conv2d-nobias": lambda nn, lib: nn.Conv2d(3, 8, 3, bias=False),
    "ConvTranspose1d": lambda nn, lib: nn.ConvTranspose1d(3, 4, 2),
    "ConvTranspose2d": lambda nn, lib: nn.ConvTranspose2d(4, 6, 3, groups=2),
    "Conv3d": lambda nn, lib: nn.Conv3d(2, 3, 2), "ConvTranspose3d": lambda nn, lib: nn.ConvTranspose3d(2, 3, 2),
    "EmbeddingBag": lambda nn, lib: nn.EmbeddingBag(10, 4, mode="mean"),
    "InstanceNorm1d": lambda nn, lib: nn.InstanceNorm1d(3, affine=True),
    "InstanceNorm2d": lambda nn, lib: nn.InstanceNorm2d(3, affine=True),
    "InstanceNorm3d": lambda nn, lib: nn.InstanceNorm3d(3, affine=True),
    "Embedding": lambda nn, lib: nn.Embedding(10, 4), "Embedding-pad": lambda nn, lib: nn.Embedding(10, 4, padding_idx=-1),
    "RNN": lambda nn, lib: nn.RNN(2, 3, num_layers=2, nonlinearity="relu", bias=False),
    "RNN-bidirectional": lambda nn, lib: nn.RNN(2, 3, batch_first=True, bidirectional=True),
    "LSTM": lambda nn, lib: nn.LSTM(3, 5, 2, bidirectional=True), "LSTM-proj": lambda nn, lib: nn.LSTM(3, 5, 2, proj_size=2),
    "GRU": lambda nn, lib: nn.GRU(3, 4, 3, dropout=0.2), "RNNCell": lambda nn, lib: nn.RNNCell(3, 4, nonlinearity="relu"),
    "LSTMCell": lambda nn, lib: nn.LSTMCell(3, 4), "GRUCell": lambda nn, lib: nn.GRUCell(3, 4, bias=False),
    "MultiheadAttention": lambda nn, lib: nn.MultiheadAttention(8, 2),
    "MultiheadAttention-kv": lambda nn, lib: nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True),
    "MultiheadAttention-kdim": lambda nn, lib: nn.MultiheadAttention(8, 2, kdim=3, vdim=5),
    "MultiheadAttention-nobias": lambda nn, lib: nn.MultiheadAttention(8, 2, bias=False, batch_first=True),
    "PReLU": lambda nn, lib: nn.PReLU(3), "BatchNorm1d": lambda nn, lib: nn.BatchNorm1d(3),
    "BatchNorm2d": lambda nn, lib: nn.BatchNorm2d(3, affine=False), "BatchNorm3d": lambda nn, lib: nn.BatchNorm3d(3),
    "LayerNorm": lambda nn, lib: nn.LayerNorm((4, 3)), "GroupNorm": lambda nn, lib: nn.GroupNorm(2, 4),
    "RMSNorm": lambda nn, lib: nn.RMSNorm(4),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_default_initialisation_equals_pytorchs(name):
    e, t = run_both(lambda lib: LAYERS[name](lib.nn, lib), seed=3)
    assert_same_state(e, t)
    in_step()  # the layer took as many draws as PyTorch's


def test_every_layer_that_resets_parameters_is_covered():
    drawing = {n for n in dir(ember.nn) if isinstance(getattr(ember.nn, n), type)
               and hasattr(getattr(ember.nn, n), "reset_parameters") and not n.endswith("Base")}
    covered = {k.split("-")[0] for k in LAYERS}
    assert drawing <= covered, drawing - covered


def test_a_whole_model_built_layer_after_layer_stays_in_step():
    e, t = run_both(lambda lib: lib.nn.ModuleList([build(lib.nn, lib) for build in LAYERS.values()]), seed=11)
    assert_same_state(e, t)
    in_step()


# --------------------------------------------------------------------------- nn.init
INITS = [("uniform_", {"a": -2.0, "b": 3.0}), ("normal_", {"mean": 1.0, "std": 2.0}), ("trunc_normal_", {"std": 0.5}),
         ("trunc_normal_", {"mean": 5.0, "a": 4.9, "b": 5.1}), ("xavier_uniform_", {}), ("xavier_normal_", {"gain": 2.0}),
         ("kaiming_uniform_", {"a": math.sqrt(5)}), ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
         ("sparse_", {"sparsity": 0.3})]


@pytest.mark.parametrize("where", ["global", "generator", "transposed-view"])
@pytest.mark.parametrize("shape", [(13, 17), (3, 5)])  # 221 elements: the 16-block normal path; 15: the scalar one
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn_name,kwargs", INITS, ids=[f"{f}{i}" for i, (f, _) in enumerate(INITS)])
def test_init_functions_draw_pytorchs_numbers(fn_name, kwargs, dtype, shape, where):
    def program(lib):
        dt = getattr(lib, dtype)
        if where == "transposed-view":  # non-contiguous: the normal fill goes element by element
            target = lib.empty(shape[::-1], dtype=dt).t()
        else:
            target = lib.empty(shape, dtype=dt)
        extra = {"generator": lib.Generator().manual_seed(5)} if where == "generator" else {}
        out = getattr(lib.nn.init, fn_name)(target, **kwargs, **extra)
        assert out is target
        return target, lib.rand(3)
    (e, e_next), (t, t_next) = run_both(program, seed=7)
    assert_same(e, t)
    assert_same(e_next, t_next)


def test_orthogonal_draws_pytorchs_normals():
    for shape in ((5, 7), (7, 5), (4, 2, 3)):
        (e, e_next), (t, t_next) = run_both(lambda lib: (lib.nn.init.orthogonal_(lib.empty(shape)), lib.rand(3)))
        # the same normal draws; LAPACK's QR rounds differently from torch's by an ulp or so
        np.testing.assert_allclose(np_of(e), np_of(t), rtol=0, atol=4e-7)
        assert_same(e_next, t_next)


# --------------------------------------------------------------------------- dropout masks
def _ramp(lib, shape, dtype):
    return (lib.arange(int(np.prod(shape)), dtype=getattr(lib, dtype)).reshape(shape) + 1).requires_grad_()


DROPOUTS = {
    "F.dropout": lambda lib, x, p: lib.nn.functional.dropout(x, p),
    "F.dropout-inplace": lambda lib, x, p: lib.nn.functional.dropout(x * 1, p, inplace=True),
    "Dropout": lambda lib, x, p: lib.nn.Dropout(p)(x),
    "Dropout-eval": lambda lib, x, p: lib.nn.Dropout(p).eval()(x),
    "F.dropout2d": lambda lib, x, p: lib.nn.functional.dropout2d(x, p),
    "Dropout1d": lambda lib, x, p: lib.nn.Dropout1d(p)(x.flatten(2)),
    "Dropout2d": lambda lib, x, p: lib.nn.Dropout2d(p)(x),
    "Dropout3d": lambda lib, x, p: lib.nn.Dropout3d(p)(x),
    "AlphaDropout": lambda lib, x, p: lib.nn.AlphaDropout(p)(x),
}
@pytest.mark.parametrize("shape", [(3, 6, 4, 4), (40, 1, 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, pytest.param(1.0, id="1.0")])
@pytest.mark.parametrize("name", list(DROPOUTS))
def test_dropout_masks_and_gradients_are_pytorchs(name, p, dtype, shape):
    def program(lib):
        x = _ramp(lib, shape, dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dropout2d's 3-D input warning, in both
            y = DROPOUTS[name](lib, x, p)
        y.backward(lib.ones_like(y))
        return y, x.grad, lib.rand(3)
    for e, t in zip(*run_both(program)):
        assert_same(e, t)


@pytest.mark.parametrize("shape", [(2, 3, 2, 2, 2), (3, 4, 5), (2, 3)])
def test_dropout2d_of_other_ranks_drops_whole_channels_like_pytorch(shape):
    def program(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.nn.functional.dropout2d(_ramp(lib, shape, "float32"), 0.5), lib.rand(3)
    for e, t in zip(*run_both(program)):
        assert_same(e, t)



@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rrelu_training_noise_is_pytorchs(dtype):
    for e, t in zip(*run_both(lambda lib: (lib.nn.RReLU(0.1, 0.4)(_ramp(lib, (4, 5), dtype) - 10), lib.rand(3)))):
        assert_same(e, t)


def test_dropout_with_a_model_in_train_and_eval_mode():
    def program(lib):
        nn = lib.nn
        model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 4), nn.Dropout(0.5))
        x = lib.randn(8, 10)
        train = model(x)
        model.eval()
        return train, model(x), lib.rand(3)
    (e_train, e_eval, e_next), (t_train, t_eval, t_next) = run_both(program)
    # the same masks; the matrix products round differently, so the values agree to float32 rounding
    np.testing.assert_array_equal(np_of(e_train) == 0, np_of(t_train) == 0)
    np.testing.assert_allclose(np_of(e_train), np_of(t_train), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np_of(e_eval), np_of(t_eval), rtol=1e-5, atol=1e-6)
    assert_same(e_next, t_next)


# --------------------------------------------------------------------------- the main job
@pytest.fixture(scope="module")
def mnist_sample():
    """The bundled sample through seed 000's transforms, as ember tensors and as torch tensors."""
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    train = datasets.MNIST(None, train=True, transform=transform)
    images = ember.stack([train[i][0] for i in range(len(train))])
    labels = train.targets.clone()
    # torchvision's ToTensor then Normalize, written in torch: uint8 / 255 in float, then (x - 0.5) / 0.5
    raw = torch.from_numpy(train.data.numpy().copy())
    t_images = raw.unsqueeze(1).to(torch.float32).div(255).sub_(0.5).div_(0.5)
    assert_same(images, t_images)
    return (images, labels), (t_images, torch.from_numpy(labels.numpy().copy()))


def _seed000_job(lib, data, steps):
    """mnist.py's order: seed, data, loader, model, optimizer; returns the first epoch's batches and losses."""
    from_lib = ember.utils.data if lib is ember else torch.utils.data
    lib.manual_seed(0)
    loader = from_lib.DataLoader(from_lib.TensorDataset(*data), batch_size=64, shuffle=True)
    model = seed000_network(lib)
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.0)
    labels, losses, first_images = [], [], None
    for step, (images, target) in enumerate(loader):
        labels.append(target.numpy().copy())
        first_images = images if first_images is None else first_images
        if step < steps:
            images = images.view(images.shape[0], -1)
            optimizer.zero_grad()
            loss = criterion(model(images), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return first_images, labels, losses


def test_main_job_first_epoch_batches_and_100_losses_match_pytorch(mnist_sample):
    e_first, e_labels, e_losses = _seed000_job(ember, mnist_sample[0], 100)
    t_first, t_labels, t_losses = _seed000_job(torch, mnist_sample[1], 100)
    assert_same(e_first, t_first)
    assert len(e_labels) == len(t_labels) == 125  # 8,000 digits in batches of 64
    for e, t in zip(e_labels, t_labels):
        np.testing.assert_array_equal(e, t)
    assert len(e_losses) == 100
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-4, atol=0)
    assert np.mean(e_losses[-10:]) < 0.6 * np.mean(e_losses[:10])  # it learns


# --------------------------------------------------------------------------- samplers and splits
def _data(lib):
    return lib.utils.data


@pytest.mark.parametrize("kwargs", [{}, {"replacement": True}, {"num_samples": 25}, {"replacement": True, "num_samples": 7}])
@pytest.mark.parametrize("with_generator", [False, True])
def test_random_sampler_order_over_epochs(kwargs, with_generator):
    def program(lib):
        gen = {"generator": lib.Generator().manual_seed(9)} if with_generator else {}
        sampler = _data(lib).RandomSampler(range(10), **kwargs, **gen)
        return [list(sampler) for _ in range(3)], lib.rand(3)
    (e, e_next), (t, t_next) = run_both(program, seed=4)
    assert e == t
    assert_same(e_next, t_next)


def test_randperm_is_pytorchs_for_every_small_n_and_large_ones():
    # randperm is vectorised (pointer doubling over the swap chains), so check it where chains get long
    for n in [*range(0, 70), 255, 256, 4097, 60000, 250001]:
        (e, e_next), (t, t_next) = run_both(lambda lib: (lib.randperm(n), lib.rand(2)), seed=n)
        assert_same(e, t)
        assert_same(e_next, t_next)


@pytest.mark.parametrize("lengths", [[3, 7], [0.25, 0.75], [0.3, 0.3, 0.4], [10]])
@pytest.mark.parametrize("with_generator", [False, True])
def test_random_split_matches_pytorch(lengths, with_generator):
    def program(lib):
        gen = {"generator": lib.Generator().manual_seed(42)} if with_generator else {}
        return [list(s.indices) for s in _data(lib).random_split(range(10), lengths, **gen)], lib.rand(3)
    (e, e_next), (t, t_next) = run_both(program, seed=1)
    assert e == t
    assert_same(e_next, t_next)


def test_dataloader_with_a_generator_and_several_epochs():
    def program(lib):
        ds = _data(lib).TensorDataset(lib.arange(50))
        gen = lib.Generator().manual_seed(123)
        loader = _data(lib).DataLoader(ds, batch_size=8, shuffle=True, generator=gen)
        plain = _data(lib).DataLoader(ds, batch_size=16, shuffle=True, drop_last=True)
        epochs = [[b[0].tolist() for b in loader] for _ in range(2)] + [[b[0].tolist() for b in plain]]
        return epochs, lib.rand(3)
    (e, e_next), (t, t_next) = run_both(program, seed=2)
    assert e == t
    assert_same(e_next, t_next)


# --------------------------------------------------------------------------- vision transforms
def _reference_flip_and_crop(image, p, size, padding):
    """torchvision's RandomHorizontalFlip then RandomCrop on a (C, H, W) array, drawing on torch's stream."""
    if torch.rand(1) < p:
        image = image[..., ::-1]
    if padding:
        image = np.pad(image, [(0, 0), (padding, padding), (padding, padding)])
    h, w = image.shape[-2:]
    th, tw = size
    if (h, w) == (th, tw):
        return image
    i = torch.randint(0, h - th + 1, size=(1,)).item()
    j = torch.randint(0, w - tw + 1, size=(1,)).item()
    return image[..., i:i + th, j:j + tw]


@pytest.mark.parametrize("as_tensor", [False, True])
@pytest.mark.parametrize("p,size,padding", [(0.5, (24, 20), None), (0.3, 28, 4), (1.0, (28, 28), None)])
def test_random_flip_and_crop_draw_as_torchvision(p, size, padding, as_tensor):
    images = datasets.MNIST(None, train=False).data.numpy()[:30]
    pipeline = transforms.Compose([transforms.RandomHorizontalFlip(p), transforms.RandomCrop(size, padding=padding)])
    ember.manual_seed(5)
    torch.manual_seed(5)
    size = (size, size) if isinstance(size, int) else size
    for image in images:
        got = pipeline(ember.from_numpy(image[None].copy()) if as_tensor else image)
        expected = _reference_flip_and_crop(image[None], p, size, padding)
        np.testing.assert_array_equal(np_of(got) if as_tensor else got[None], expected)
    in_step()


# --------------------------------------------------------------------------- generators and states
def _draw_everything(lib, gen):
    g = {"generator": gen}
    w = lib.tensor([0.1, 2.0, 0.0, 5.0])
    return [lib.rand(5, **g), lib.randn(3, **g), lib.randn(40, dtype=lib.float64, **g), lib.randint(3, 9, (6,), **g),
            lib.randperm(12, **g), lib.normal(2.0, 3.0, (4,), **g), lib.bernoulli(lib.full((9,), 0.3), **g),
            lib.multinomial(w, 3, **g), lib.multinomial(w, 6, replacement=True, **g),
            lib.empty(17).uniform_(-1, 2, **g), lib.empty(5, dtype=lib.float64).normal_(1, 2, **g),
            lib.empty(6, dtype=lib.int64).random_(0, 100, **g), lib.empty(8).exponential_(1.5, **g),
            lib.empty(20).bernoulli_(0.7, **g)]


def test_generator_objects_and_the_global_stream_interleave_like_pytorch():
    def program(lib):
        gen = lib.Generator().manual_seed(2024)
        out = []
        for _ in range(2):
            out += _draw_everything(lib, gen) + _draw_everything(lib, None)
        return out, gen.get_state(), lib.get_rng_state(), gen.initial_seed()
    (e, e_gen, e_glob, e_seed), (t, t_gen, t_glob, t_seed) = run_both(program, seed=17)
    for a, b in zip(e, t):
        assert_same(a, b)
    assert_same(e_gen, t_gen)
    assert_same(e_glob, t_glob)
    assert e_seed == t_seed == 2024


def _to_torch(state):
    return torch.from_numpy(state.numpy().copy())


def _to_ember(state):
    return ember.from_numpy(state.numpy().copy())


@pytest.mark.parametrize("prefix", ["odd-normal", "bulk", "fresh"])
def test_rng_state_taken_in_one_library_continues_in_the_other(prefix):
    # an odd small randn leaves a cached normal in the state: it must travel too
    draws = {"odd-normal": lambda lib: lib.randn(3), "bulk": lambda lib: lib.rand(1000), "fresh": lambda lib: None}
    for src, dst, convert in ((torch, ember, _to_ember), (ember, torch, _to_torch)):
        src.manual_seed(31)
        draws[prefix](src)
        state = src.get_rng_state()
        assert tuple(state.shape) == (5056,) and str(state.dtype).endswith("uint8")
        expected = [src.randn(1), src.rand(5), src.randn(20), src.randint(0, 7, (4,))]
        dst.manual_seed(999)  # somewhere else entirely
        dst.set_rng_state(convert(state))
        got = [dst.randn(1), dst.rand(5), dst.randn(20), dst.randint(0, 7, (4,))]
        for a, b in zip(got, expected):
            np.testing.assert_array_equal(np_of(a), np_of(b))
        assert dst.initial_seed() == 31


def test_generator_state_exchange_mid_stream():
    t_gen = torch.Generator().manual_seed(77)
    torch.randn(5, generator=t_gen)
    e_gen = ember.Generator()
    e_gen.set_state(_to_ember(t_gen.get_state()))
    assert_same(ember.randn(7, generator=e_gen), torch.randn(7, generator=t_gen))
    t_gen.set_state(_to_torch(e_gen.get_state()))
    assert_same(torch.rand(9, generator=t_gen), ember.rand(9, generator=e_gen))
    with ember.random.fork_rng():
        ember.rand(100)
    torch_default = torch.get_rng_state()
    ember.set_rng_state(_to_ember(torch_default))
    assert_same(ember.rand(4), torch.rand(4))
