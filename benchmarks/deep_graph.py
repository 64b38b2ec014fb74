"""Deep graphs: the op-overhead chain at 1,000, 10,000 and 100,000 ops on 1-element tensors.

Reports time per op (forward + backward) and ember's peak traced memory per op, which must stay
flat (memory linear in the chain length) and backpropagate without recursion.
"""
import tracemalloc

from ._harness import Row, have_torch, median_times


def _chain(lib, n):
    x = lib.tensor([0.5], requires_grad=True)
    w = lib.tensor([0.9], requires_grad=True)
    y = x
    for i in range(n // 2):
        y = (y * w).sin()
    y.sum().backward()


def run(quick=False):
    """Return the rows of this benchmark."""
    import ember
    torch = have_torch()
    rows = []
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    base = None
    for n in sizes:
        reps = 3 if n >= 100_000 else 5
        res = median_times({"ember": lambda: _chain(ember, n), "torch": torch and (lambda: _chain(torch, n))},
                           repeat=reps)  # timed in turn within each repeat
        e, t = res["ember"] / n, res["torch"] and res["torch"] / n
        tracemalloc.start()
        _chain(ember, n)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        base = base or e
        rows.append(Row(f"deep chain {n:,} ops, per op", e * 1e6, t and t * 1e6, "µs",
                        "≤ 1.5× the 1,000-op time" if n == sizes[-1] else "",
                        f"{e / base:.2f}× the 1,000-op time; peak {peak / n:.0f} B/op"))
    return rows
