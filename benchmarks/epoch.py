"""The main job's epoch: seed 000's network on the bundled MNIST sample (8,000 digits, batch 64),
with the DataLoader and transforms, each library in a fresh process; time and peak memory (RSS)."""
import json
import subprocess
import sys
import textwrap

from ._harness import Row, have_torch

_SCRIPT = textwrap.dedent("""
    import json, resource, sys, time
    lib = sys.argv[1]
    import numpy as np
    if lib == "ember":
        import ember as torch
        from ember.vision import datasets
        ds = datasets.MNIST(None, train=True)
        images, labels = ds.data.numpy(), ds.targets.numpy()
    else:
        import torch
        import ember.vision.datasets as ev
        ds = ev.MNIST(None, train=True)
        images, labels = ds.data.numpy(), ds.targets.numpy()
    nn = torch.nn  # not 'from torch import nn': under ember, 'torch' names the alias, not a package
    x_all = torch.from_numpy(((images.astype(np.float32) / 255) - 0.5) / 0.5).unsqueeze(1)
    y_all = torch.from_numpy(labels.astype(np.int64))
    data = torch.utils.data.TensorDataset(x_all, y_all)
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(data, batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    crit = nn.CrossEntropyLoss()
    def epoch():
        for images, labels in loader:
            opt.zero_grad()
            crit(model(images.view(images.shape[0], -1)), labels).backward()
            opt.step()
    epoch()
    times = []
    for _ in range(int(sys.argv[2])):
        t = time.perf_counter(); epoch(); times.append(time.perf_counter() - t)
    times.sort()
    # VmHWM: this process's peak resident memory since exec (ru_maxrss keeps the forking parent's peak)
    try:
        with open("/proc/self/status") as f:
            peak = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"time": times[len(times) // 2], "rss_mb": peak}))
""")


def _measure(lib, repeat):
    out = subprocess.run([sys.executable, "-c", _SCRIPT, lib, str(repeat)], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(quick=False):
    """Return the rows of this benchmark."""
    repeat = 1 if quick else 5
    e = _measure("ember", repeat)
    t = _measure("torch", repeat) if have_torch() else None
    return [Row("main job: one epoch (8,000 digits, batch 64)", e["time"] * 1e3, t and t["time"] * 1e3, "ms"),
            Row("main job: peak memory (RSS)", e["rss_mb"], t and t["rss_mb"], "MB", "≤ 0.5×")]
