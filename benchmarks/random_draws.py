"""Bulk random draws on PyTorch's streams: rand, randn, Linear(4096, 4096) init, randperm."""
from ._harness import Row, have_torch, median_time


def run(quick=False):
    """Return the rows of this benchmark."""
    import ember
    torch = have_torch()
    n = 10 ** 5 if quick else 10 ** 6
    reps = 3 if quick else 9
    width = 1024 if quick else 4096
    cases = [
        (f"rand({n:.0e})", lambda lib: lib.rand(n), "≤ 2×"),
        (f"randn({n:.0e})", lambda lib: lib.randn(n), "≤ 4×"),
        (f"nn.Linear({width}, {width}) construction", lambda lib: lib.nn.Linear(width, width), "≤ 3×"),
        ("randperm(60000)", lambda lib: lib.randperm(60000), "< 20 ms"),
    ]
    rows = []
    for name, fn, target in cases:
        e = median_time(lambda: fn(ember), reps)
        t = median_time(lambda: fn(torch), reps) if torch else None
        rows.append(Row(name, e * 1e3, t and t * 1e3, "ms", target))
    return rows
