"""Run every benchmark, ember next to PyTorch in one run, and write ``benchmarks/RESULTS.md``.

``python -m benchmarks`` (all, full sizes) or ``python -m benchmarks --quick`` (tiny sizes, a smoke
run); ``--only op_overhead,mlp`` picks workloads. Ratios are ember / PyTorch: below 1 is faster.
"""
import argparse
import datetime
import importlib
import os
import sys

# Two thread pools share the 2 cores in one process (NumPy's OpenBLAS and torch's OpenMP): left spinning
# after their work, each starves the other's next call, and small matrix products then take 10-100x
# longer. Waiting threads sleep instead (set before NumPy or torch is imported; the caller's values win).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

from ._harness import Row, machine_info  # noqa: E402

WORKLOADS = ["op_overhead", "deep_graph", "mlp", "cnn", "nograd_inference", "epoch", "import_time",
             "random_draws", "distributed"]


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes, few repeats (a smoke run)")
    p.add_argument("--only", default="", help="comma-separated workloads (default: all)")
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "RESULTS.md"))
    args = p.parse_args(argv)
    names = [n for n in (args.only.split(",") if args.only else WORKLOADS) if n]
    rows = []
    for name in names:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"benchmarks.{name}":
                print(f"skipping {name}: not present", file=sys.stderr)
                continue
            raise
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            new_rows = list(module.run(quick=args.quick))
        except Exception as exc:  # one broken workload does not lose the others' results
            print(f"  {name} failed: {type(exc).__name__}: {exc}"[:500], file=sys.stderr, flush=True)
            new_rows = [Row(f"{name}: failed ({type(exc).__name__})", None)]
        for row in new_rows:
            rows.append(row)
            print("  " + " | ".join(row.cells()), file=sys.stderr, flush=True)
    table = ["| workload | ember | PyTorch | ember / PyTorch | target | notes |", "|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    text = (f"# Benchmark results\n\nMeasured {datetime.date.today()} by `python -m benchmarks"
            f"{' --quick' if args.quick else ''}`, ember and PyTorch in one run (medians over repeats).\n\n"
            f"{machine_info()}\n- waiting threads sleep: OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}, "
            f"OPENBLAS_THREAD_TIMEOUT={os.environ['OPENBLAS_THREAD_TIMEOUT']}\n\n" + "\n".join(table) + "\n")
    if not args.quick:
        with open(args.out, "w") as f:
            f.write(text)
    print(text)
    return rows


if __name__ == "__main__":
    main()
