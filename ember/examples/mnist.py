"""Train the seed tutorial's MNIST network: ``python -m ember.examples.mnist``.

The network, data pipeline and training loop are seed 000's, written exactly as PyTorch code
(``import ember as torch``). By default it trains on the real MNIST digits bundled with ember
(8,000 training and 2,000 test images); ``--root`` points it at the full torchvision-style files.
"""
import argparse
import os
import sys
import time

import ember as torch
from ember import nn, optim
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms


def parse_args(argv=None):
    """Return the command-line options."""
    p = argparse.ArgumentParser(prog="python -m ember.examples.mnist", description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=10, help="passes over the training set (default 10)")
    p.add_argument("--batch-size", type=int, default=64, help="training batch size (default 64)")
    p.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    p.add_argument("--momentum", type=float, default=0.0, help="SGD momentum (default 0)")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd", help="optimizer (default sgd)")
    p.add_argument("--root", default=None,
                   help="directory holding MNIST/raw/*-ubyte[.gz] as torchvision lays them out "
                        "(default: the real digits bundled with ember)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", default="mnist-out", help="output directory for the model and plot")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--distributed", action="store_true",
                   help="data-parallel training across MPI processes (run under mpiexec)")
    return p.parse_args(argv)


def build_model():
    """Return seed 000's feed-forward network."""
    return nn.Sequential(nn.Linear(784, 128),
                         nn.ReLU(),
                         nn.Linear(128, 64),
                         nn.ReLU(),
                         nn.Linear(64, 10))


def _progress(iterable, total, desc, enabled):
    """Wrap ``iterable`` in a tqdm bar when tqdm is installed, else print a plain bar."""
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return _plain_progress(iterable, total, desc)
    return tqdm(iterable, total=total, desc=desc, unit="batch", leave=False)


def _plain_progress(iterable, total, desc):
    width = 30
    for i, item in enumerate(iterable, 1):
        yield item
        if i == total or i % max(total // 20, 1) == 0:
            done = width * i // total
            sys.stderr.write(f"\r{desc} [{'#' * done}{'.' * (width - done)}] {i}/{total}")
            sys.stderr.flush()
    sys.stderr.write("\r" + " " * (len(desc) + width + 20) + "\r")


def evaluate(model, loader):
    """Return the accuracy of ``model`` on ``loader``."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            scores = model(images.view(images.shape[0], -1))
            correct += (scores.argmax(dim=1) == labels).sum().item()
            total += labels.shape[0]
    model.train()
    return correct / total


def _plot(history, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax1 = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(history) + 1)
    ax1.plot(epochs, [h[0] for h in history], "o-", color="tab:red", label="training loss")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("training loss", color="tab:red")
    ax2 = ax1.twinx()
    ax2.plot(epochs, [h[1] for h in history], "s-", color="tab:blue", label="test accuracy")
    ax2.set_ylabel("test accuracy", color="tab:blue")
    ax1.set_title("ember: seed 000's MNIST network")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv=None):
    """Train, evaluate, save and reload the model; return the final test accuracy."""
    args = parse_args(argv)
    if args.distributed:
        from .mnist_distributed import main as distributed_main
        return distributed_main(args)
    torch.manual_seed(args.seed)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    trainset = datasets.MNIST(args.root, download=False, train=True, transform=transform)
    testset = datasets.MNIST(args.root, download=False, train=False, transform=transform)
    trainloader = DataLoader(trainset, batch_size=args.batch_size, shuffle=True)
    testloader = DataLoader(testset, batch_size=1000)
    source = args.root or "the bundled real MNIST sample"
    print(f"training on {len(trainset)} digits, testing on {len(testset)} ({source})")

    model = build_model()
    criterion = nn.CrossEntropyLoss()
    if args.optimizer == "adam":
        optimizer = optim.Adam(model.parameters(), lr=args.lr)
    else:
        optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)

    history = []
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        running = 0.0
        batches = _progress(trainloader, len(trainloader), f"epoch {epoch}/{args.epochs}", not args.no_progress)
        for images, labels in batches:
            images = images.view(images.shape[0], -1)
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
        accuracy = evaluate(model, testloader)
        history.append((running / len(trainloader), accuracy))
        print(f"epoch {epoch}: training loss {history[-1][0]:.4f}, test accuracy {accuracy:.2%}")
    print(f"trained in {time.perf_counter() - start:.1f} s")

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "mnist_mlp.pt")
    torch.save(model.state_dict(), path)
    reloaded = build_model()
    reloaded.load_state_dict(torch.load(path))
    print(f"saved the trained state_dict to {path} (reloaded: test accuracy {evaluate(reloaded, testloader):.2%})")
    plot = os.path.join(args.out, "mnist_mlp.png")
    if _plot(history, plot):
        print(f"wrote the loss/accuracy plot to {plot}")
    else:
        print("matplotlib is not installed: no plot (pip install 'ember[plot]')")
    return history[-1][1]


if __name__ == "__main__":
    main()
