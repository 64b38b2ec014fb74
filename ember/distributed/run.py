"""Launch a data-parallel job: ``python -m ember.distributed.run --nproc-per-node N script.py [args]``.

torchrun's role, on MPI: it runs ``mpiexec`` (the one the mpich wheel installed next to this
Python) with N processes per node, each starting ``script.py`` through ember's rank bootstrap,
which sets torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK) and
ends the whole job if the script raises. Several machines: ``--nnodes M --hostfile hosts``, where
``hosts`` lists one machine per line (``name:slots`` in MPICH's syntax).
"""
import argparse
import os
import sys

from . import _mpi

__all__ = ["main", "rank_environment"]


def parse_args(argv=None):
    """Return the launcher's options and the script's command line."""
    p = argparse.ArgumentParser(prog="python -m ember.distributed.run", description=__doc__.splitlines()[0])
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1,
                   help="processes per machine (default 1)")
    p.add_argument("--nnodes", type=int, default=1, help="number of machines (default 1)")
    p.add_argument("--hostfile", "--host-file", default=None,
                   help="file listing the machines, one per line (passed to mpiexec -f)")
    p.add_argument("--master-addr", "--master_addr", default=None,
                   help="accepted for torchrun compatibility and exported as MASTER_ADDR (MPI needs none)")
    p.add_argument("--master-port", "--master_port", default=None,
                   help="accepted for torchrun compatibility and exported as MASTER_PORT")
    p.add_argument("--standalone", action="store_true", help="accepted for torchrun compatibility")
    p.add_argument("--mpiexec", default=None, help="the mpiexec to run (default: the one next to this Python)")
    p.add_argument("-m", "--module", action="store_true", help="run the script argument as a module (python -m)")
    p.add_argument("script", help="the training script (or module, with -m)")
    p.add_argument("script_args", nargs=argparse.REMAINDER, help="the script's own arguments")
    args = p.parse_args(argv)
    if args.nproc_per_node < 1 or args.nnodes < 1:
        p.error("--nproc-per-node and --nnodes must be at least 1")
    return args


def command(args):
    """Return the ``mpiexec`` command line that runs the job described by ``args``."""
    mpiexec = args.mpiexec or _mpi.mpiexec_path()
    if mpiexec is None:
        raise SystemExit(f"error: no mpiexec found. {_mpi.EXTRA_HINT}")
    cmd = [mpiexec, "-n", str(args.nproc_per_node * args.nnodes)]
    if args.hostfile is not None:
        cmd += ["-f", args.hostfile]
    if args.hostfile is not None or args.nnodes > 1:
        cmd += ["-ppn", str(args.nproc_per_node)]
    cmd += [sys.executable, "-m", "ember.distributed.run", "--as-rank"]
    cmd += ["-m", args.script] if args.module else [args.script]
    return cmd + list(args.script_args)


def main(argv=None):
    """Run the launcher (replaces this process by mpiexec), or, with --as-rank, one rank of the job."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--as-rank"]:
        return _run_rank(argv[1:])
    args = parse_args(argv)
    env = dict(os.environ)
    # as torchrun: one BLAS/OpenMP thread per process unless told otherwise (N processes share the cores)
    env.setdefault("OMP_NUM_THREADS", "1")
    if args.master_addr:
        env["MASTER_ADDR"] = args.master_addr
    if args.master_port:
        env["MASTER_PORT"] = str(args.master_port)
    cmd = command(args)
    os.execve(cmd[0], cmd, env)


def rank_environment(environ=None):
    """Return torchrun's variables for this rank, read from the MPI launcher's (MPICH or Open MPI)."""
    environ = os.environ if environ is None else environ
    pick = (lambda *names: next((environ[n] for n in names if n in environ), None))
    rank = pick("PMI_RANK", "OMPI_COMM_WORLD_RANK")
    size = pick("PMI_SIZE", "OMPI_COMM_WORLD_SIZE")
    local = pick("MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK")
    local_size = pick("MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE")
    if rank is None or size is None:
        return {}
    local, local_size = local or "0", local_size or "1"
    return {"RANK": rank, "WORLD_SIZE": size, "LOCAL_RANK": local, "LOCAL_WORLD_SIZE": local_size,
            "GROUP_RANK": str(int(rank) // int(local_size)), "ROLE_RANK": rank, "ROLE_WORLD_SIZE": size,
            "TORCHELASTIC_RUN_ID": "none"}


def _run_rank(argv):
    """One rank: set torchrun's variables, start MPI, run the script; an uncaught error aborts the job."""
    import runpy
    os.environ.update(rank_environment())
    _mpi.start()
    _mpi.install_abort_on_error()
    if not argv:
        raise SystemExit("error: no script given")
    if argv[0] == "-m":
        sys.argv[:] = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv[:] = argv
        sys.path[0] = os.path.dirname(os.path.realpath(argv[0]))
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
