"""Run the nn / optim / data / save-load tutorials' cells under PyTorch and under ember.

The cells of one tutorial run in order in one namespace, as in a notebook. That namespace is a
real module registered in ``sys.modules`` (``_tutorial_torch`` / ``_tutorial_ember``), so classes
the cells define can be pickled by ``torch.save(model, ...)`` as in the tutorials. ``torch``,
``nn``, ``F``, ``optim``, ``DataLoader``, ``TensorDataset`` and ``Dataset`` are bound to the
library under test, and an ``import torch...`` inside a cell resolves to ember on ember's side.
A cell whose last statement is an expression prints its repr (unless None), as sphinx-gallery and
IPython do. Both runs start from ``manual_seed(0)``.

Outputs are compared line by line after normalising object addresses and ``torch.`` -> ``ember.``.
Exact equality is the rule; ``approx=True`` (for cells whose matrix products may round
differently in the last bit) still requires every non-numeric character to be identical and
lets each printed float (integers stay exact) differ by 1e-4 relative or one unit in its last printed digit.
"""
import ast
import builtins
import contextlib
import difflib
import io
import math
import re
import sys
import textwrap
import types

import numpy as np

import ember

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _importer(lib):
    """An ``__import__`` that sends ``torch`` and ``torch.*`` to ember when ``lib`` is ember."""
    def _import(name, globals=None, locals=None, fromlist=(), level=0):
        if lib is ember and level == 0 and (name == "torch" or name.startswith("torch.")):
            name = "ember" + name[5:]
        return builtins.__import__(name, globals, locals, fromlist, level)
    return _import


def _bindings(lib):
    """The names the tutorials import, bound to ``lib``."""
    if lib is ember:
        from ember import nn, optim
        from ember.utils import data
    else:
        from torch import nn, optim
        from torch.utils import data
    return {"torch": lib, "nn": nn, "F": nn.functional, "optim": optim,
            "DataLoader": data.DataLoader, "TensorDataset": data.TensorDataset,
            "Dataset": data.Dataset, "np": np, "math": math}


def _run_cell(source, namespace):
    """Execute one cell; print the repr of a trailing expression, as a notebook does."""
    tree = ast.parse(textwrap.dedent(source))
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is not None:
        value = eval(compile(last, "<cell>", "eval"), namespace)
        if value is not None:
            print(repr(value))


def run_cells(cells, lib, env=None):
    """Run ``cells`` with the tutorial names bound to ``lib`` (plus ``env``); return stdout lines."""
    name = "_tutorial_ember" if lib is ember else "_tutorial_torch"
    module = types.ModuleType(name)
    namespace = module.__dict__
    namespace.update(_bindings(lib))
    namespace.update(env or {})
    namespace["__builtins__"] = dict(vars(builtins), __import__=_importer(lib))
    sys.modules[name] = module
    lib.manual_seed(0)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            for cell in cells:
                _run_cell(cell, namespace)
    finally:
        del sys.modules[name]
    return out.getvalue().splitlines()


def normalise(lines, from_torch):
    """Replace addresses, and ``torch.`` by ``ember.`` in PyTorch's output."""
    result = []
    for line in lines:
        line = _ADDRESS.sub("0x?", line)
        if from_torch:
            line = line.replace("torch.", "ember.")
        result.append(line)
    return result


def _last_digit(token):
    """One unit in the last printed digit of a number token."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def numbers_close(expected, got, rtol=1e-4):
    """True when two lines differ at most in the last printed digit (or 1e-4 relative) of numbers."""
    if _NUMBER.sub("#", expected) != _NUMBER.sub("#", got):
        return False
    for a, b in zip(_NUMBER.findall(expected), _NUMBER.findall(got)):
        if not any(ch in a + b for ch in ".eE"):  # integers (counts, epochs, indices) are exact
            if a != b:
                return False
            continue
        x, y = float(a), float(b)
        slack = max(rtol * abs(x), _last_digit(a), _last_digit(b))
        if abs(x - y) > slack * (1 + 1e-9):
            return False
    return True


def _mismatches(expected, got, approx):
    if len(expected) != len(got):
        return True
    if approx:
        return not all(a == b or numbers_close(a, b) for a, b in zip(expected, got))
    return expected != got


def outputs(cells, env_factory=None):
    """(torch's normalised lines, ember's normalised lines) for ``cells``."""
    import torch
    torch_env = env_factory(torch) if env_factory else None
    ember_env = env_factory(ember) if env_factory else None
    expected = normalise(run_cells(cells, torch, torch_env), from_torch=True)
    got = normalise(run_cells(cells, ember, ember_env), from_torch=False)
    return expected, got


def assert_same_output(cells, env_factory=None, approx=False):
    """Run ``cells`` under torch and ember and assert they print the same lines.

    ``env_factory(lib)`` returns extra names for the namespace (data, file paths)."""
    expected, got = outputs(cells, env_factory)
    assert expected, "the cells printed nothing: nothing was compared"
    if _mismatches(expected, got, approx):
        diff = "\n".join(difflib.unified_diff(expected, got, "torch", "ember", lineterm=""))
        raise AssertionError(f"ember printed something else than PyTorch:\n{diff}")
    return expected
