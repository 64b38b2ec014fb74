"""PyTorch's documentation notes "Autograd mechanics" and "Reproducibility", as cells, print the same under ember.

The code follows the notes' snippets (pytorch/pytorch docs/source/notes/autograd.rst and
randomness.rst). Where a snippet needs torchvision (a pretrained resnet18) a small model of the
same shape of code stands in; where it only runs (threads, data loading) a print of what it
computed is added, so the run is compared.
"""
import pytest

pytest.importorskip("torch")

from ._nn_runner import assert_same_output  # noqa: E402

AUTOGRAD_MECHANICS = [
    """
    x = torch.randn(5, 5)  # requires_grad=False by default
    y = torch.randn(5, 5)  # requires_grad=False by default
    z = torch.randn((5, 5), requires_grad=True)
    a = x + y
    print(a.requires_grad)
    b = a + z
    print(b.requires_grad)
    """,
    """
    # model = torchvision.models.resnet18(pretrained=True): a small stand-in with an fc layer
    model = nn.Sequential()
    model.add_module("features", nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()))
    model.add_module("fc", nn.Linear(4, 1000))
    for param in model.parameters():
        param.requires_grad = False
    # Replace the last fully-connected layer
    # Parameters of newly constructed modules have requires_grad=True by default
    model.fc = nn.Linear(512, 100)

    # Optimize only the classifier
    optimizer = optim.SGD(model.fc.parameters(), lr=1e-2, momentum=0.9)
    print(model)
    print([name for name, p in model.named_parameters() if p.requires_grad])
    print(optimizer)
    """,
    """
    # requires_grad_() on a module, no-grad and inference mode, eval mode
    model.requires_grad_()
    print([p.requires_grad for p in model.parameters()])
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        out = model.features(x)
    print(out.requires_grad, out.grad_fn)
    with torch.inference_mode():
        inf = model.features(x)
        print(torch.is_inference_mode_enabled())
    print(inf.requires_grad, torch.is_inference_mode_enabled())
    print(model.training, model.eval().training, model.features[0].training, model.train().training)
    """,
    """
    import threading

    # Define a train function to be used in different threads
    results = []
    def train_fn():
        x = torch.ones(5, 5, requires_grad=True)
        # forward
        y = (x + 3) * (x + 4) * 0.5
        # backward
        y.sum().backward()
        # potential optimizer update
        results.append(x.grad)


    # User write their own threading code to drive the train_fn
    threads = []
    for _ in range(10):
        p = threading.Thread(target=train_fn, args=())
        p.start()
        threads.append(p)

    for p in threads:
        p.join()
    print(len(results), results[0])
    """,
    """
    # backward twice on a freed graph, then with retain_graph=True
    x = torch.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    print(x.grad)
    try:
        y.backward()
    except RuntimeError as e:
        print(e)
    """,
]


def test_autograd_mechanics():
    assert_same_output(AUTOGRAD_MECHANICS)


IN_PLACE_CHECKS = [
    """
    # in-place correctness checks: the version counter
    a = torch.randn(3, requires_grad=True)
    b = a.sigmoid()
    c = b * 2
    print(b._version)
    b.mul_(2)
    print(b._version)
    try:
        b.sum().backward()
        c.sum().backward()
    except RuntimeError as e:
        print(e)
    """,
]


def test_autograd_mechanics_in_place_checks():
    assert_same_output(IN_PLACE_CHECKS)


SAVED_TENSORS = [
    """
    x = torch.randn(5, requires_grad=True)
    y = x.pow(2)
    print(x.equal(y.grad_fn._saved_self))  # True
    print(x is y.grad_fn._saved_self)  # True
    """,
    """
    x = torch.randn(5, requires_grad=True)
    y = x.exp()
    print(y.equal(y.grad_fn._saved_result))  # True
    print(y is y.grad_fn._saved_result)  # False
    """,
]


def test_autograd_mechanics_saved_tensors():
    assert_same_output(SAVED_TENSORS)


INFERENCE_TENSORS = [
    """
    x = torch.ones(2, 2, requires_grad=True)
    with torch.inference_mode():
        inf = x * 2
    print(inf.requires_grad, inf.is_inference(), x.is_inference())
    for use in (lambda: (x * inf).sum().backward(), lambda: inf.add_(1)):
        try:
            use()
        except RuntimeError as e:
            print(e)
    """,
]


def test_autograd_mechanics_inference_tensors():
    assert_same_output(INFERENCE_TENSORS)


REPRODUCIBILITY = [
    """
    import torch
    torch.manual_seed(0)

    import random
    random.seed(0)

    import numpy as np
    np.random.seed(0)
    """,
    """
    torch.use_deterministic_algorithms(True)
    print(torch.are_deterministic_algorithms_enabled())
    torch.use_deterministic_algorithms(False)
    print(torch.are_deterministic_algorithms_enabled())
    """,
    """
    torch.use_deterministic_algorithms(True, warn_only=True)
    print(torch.is_deterministic_algorithms_warn_only_enabled(), torch.get_deterministic_debug_mode())
    torch.set_deterministic_debug_mode("error")
    print(torch.are_deterministic_algorithms_enabled(), torch.get_deterministic_debug_mode())
    for bad in (lambda: torch.use_deterministic_algorithms(1), lambda: torch.set_deterministic_debug_mode("x"),
                lambda: torch.set_deterministic_debug_mode(3), lambda: torch.set_deterministic_debug_mode(1.0)):
        try:
            bad()
        except (TypeError, RuntimeError) as e:
            print(type(e).__name__, e)
    torch.set_deterministic_debug_mode(0)
    """,
    """
    class Draws(Dataset):
        '''What each worker draws from torch, NumPy and random once seed_worker has run.'''
        def __len__(self):
            return 8

        def __getitem__(self, i):
            return torch.rand(1).item(), float(np.random.rand()), random.random()
    train_dataset, batch_size, num_workers = Draws(), 2, 2
    """,
    """
    def seed_worker(worker_id):
        worker_seed = torch.initial_seed() % 2**32
        numpy.random.seed(worker_seed)
        random.seed(worker_seed)

    g = torch.Generator()
    g.manual_seed(0)

    loader = DataLoader(
        train_dataset,
        batch_size=batch_size,
        num_workers=num_workers,
        worker_init_fn=seed_worker,
        generator=g,
    )
    """,
    """
    for batch in loader:
        print(batch)
    for batch in loader:
        print(batch)
    """,
]


def test_reproducibility():
    assert_same_output(REPRODUCIBILITY, lambda lib: {"numpy": __import__("numpy")})


CUDNN_FLAGS = [
    """
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    print(torch.backends.cudnn.is_available(), torch.backends.cudnn.enabled)
    """,
]


def test_reproducibility_cudnn_flags():
    assert_same_output(CUDNN_FLAGS)
