"""Data-parallel MNIST: ``mpiexec -n 2 python -m ember.examples.mnist --distributed``.

The same network, data and optimizer as the one-process run, with the same global batch
(``--batch-size`` is split evenly over the processes): DistributedSampler gives each rank its
strided share of every epoch's shuffled order and DistributedDataParallel averages the gradients,
so each step moves the weights as the one-process step on the whole batch would.
"""
import os
import time

import ember as torch
import ember.distributed as dist
from ember import nn, optim
from ember.nn.parallel import DistributedDataParallel
from ember.utils.data import DataLoader
from ember.utils.data.distributed import DistributedSampler
from ember.vision import datasets, transforms

from .mnist import _progress, build_model, evaluate


def _loaders(args, world, rank):
    if args.batch_size % world:
        raise SystemExit(f"--batch-size {args.batch_size} must be divisible by the {world} processes")
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    trainset = datasets.MNIST(args.root, download=False, train=True, transform=transform)
    testset = datasets.MNIST(args.root, download=False, train=False, transform=transform)
    sampler = DistributedSampler(trainset, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    trainloader = DataLoader(trainset, batch_size=args.batch_size // world, sampler=sampler)
    return trainset, sampler, trainloader, DataLoader(testset, batch_size=1000)


def _train_epoch(model, loader, criterion, optimizer, desc, progress):
    running = 0.0
    for images, labels in _progress(loader, len(loader), desc, progress):
        optimizer.zero_grad()
        loss = criterion(model(images.view(images.shape[0], -1)), labels)
        loss.backward()
        optimizer.step()
        running += loss.item()
    mean = torch.tensor([running / len(loader)], dtype=torch.float64)
    dist.all_reduce(mean, op=dist.ReduceOp.AVG)   # the global batch's mean loss, as one process reports it
    return mean.item()


def main(args):
    """Train on every MPI process with DistributedDataParallel; return the final test accuracy."""
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(args.seed)
    trainset, sampler, trainloader, testloader = _loaders(args, world, rank)
    if rank == 0:
        print(f"training on {len(trainset)} digits with {world} processes, {args.batch_size // world} per "
              f"process per step (global batch {args.batch_size})")
    model = DistributedDataParallel(build_model())
    criterion = nn.CrossEntropyLoss()
    if args.optimizer == "adam":
        optimizer = optim.Adam(model.parameters(), lr=args.lr)
    else:
        optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    start = time.perf_counter()
    accuracy = None
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)
        desc = f"epoch {epoch}/{args.epochs}"
        loss = _train_epoch(model, trainloader, criterion, optimizer, desc, rank == 0 and not args.no_progress)
        accuracy = evaluate(model.module, testloader) if rank == 0 else None
        if rank == 0:
            print(f"epoch {epoch}: training loss {loss:.4f}, test accuracy {accuracy:.2%}")
    box = [accuracy]
    dist.broadcast_object_list(box, src=0)
    if rank == 0:
        print(f"trained in {time.perf_counter() - start:.1f} s on {world} processes")
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "mnist_mlp_distributed.pt")
        torch.save(model.module.state_dict(), path)
        print(f"saved the trained state_dict to {path}")
    dist.destroy_process_group()
    return box[0]
