"""The main job's recipe run with PyTorch, for the README's comparison (needs torch; not part of ember).

Same digits (the bundled sample, through ember's IDX reader), same transforms (ToTensor then
Normalize((0.5,), (0.5,)), computed identically), same network, loss, optimizer, batch size,
seed and evaluation loop as ``python -m ember.examples.mnist``. With ember's PyTorch-identical
random streams, both see the same initial weights and the same batches.

    python tools/mnist_torch_reference.py [--epochs 10] [--lr 0.1]
"""
import argparse
import time

import numpy as np
import torch
from torch import nn

from ember.vision import datasets


def _tensors(train):
    ds = datasets.MNIST(None, train=train)
    x = torch.from_numpy(((ds.data.numpy().astype(np.float32) / 255) - 0.5) / 0.5).unsqueeze(1)
    return torch.utils.data.TensorDataset(x, torch.from_numpy(ds.targets.numpy()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    torch.manual_seed(args.seed)
    trainloader = torch.utils.data.DataLoader(_tensors(True), batch_size=64, shuffle=True)
    testloader = torch.utils.data.DataLoader(_tensors(False), batch_size=1000)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        running = 0.0
        for images, labels in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(images.view(images.shape[0], -1)), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for images, labels in testloader:
                correct += (model(images.view(images.shape[0], -1)).argmax(dim=1) == labels).sum().item()
                total += labels.shape[0]
        model.train()
        print(f"epoch {epoch}: training loss {running / len(trainloader):.4f}, test accuracy {correct / total:.2%}")
    print(f"trained in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
