"""Run notebook-style code cells under PyTorch and under ember and compare what they print.

Each cell runs in one shared namespace, as in a notebook: ``torch`` is bound to the library under
test (``import torch`` / ``from torch import nn`` inside a cell resolve to it too), ``np`` and
``math``, ``random`` are bound as the tutorials import them. As IPython and sphinx-gallery do, a cell whose last
statement is an expression prints that value's ``repr`` (unless it is None). Both runs start from
``manual_seed(0)``, ``np.random.seed(0)`` and ``random.seed(0)``.

Outputs are compared line by line after normalising object addresses (``0x7f...`` -> ``0x?``) and
PyTorch's module name (``torch.`` -> ``ember.``), the only differences the tutorials allow.
"""
import ast
import builtins
import contextlib
import difflib
import io
import math
import random
import re
import textwrap

import numpy as np

import ember

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def _importer(lib):
    """An ``__import__`` that sends ``torch`` and ``torch.*`` to ``lib`` when lib is ember."""
    def _import(name, globals=None, locals=None, fromlist=(), level=0):
        if lib is ember and level == 0 and (name == "torch" or name.startswith("torch.")):
            name = "ember" + name[5:]
        return builtins.__import__(name, globals, locals, fromlist, level)
    return _import


def _run_cell(source, namespace):
    """Execute one cell; echo the repr of a trailing expression, as a notebook does."""
    tree = ast.parse(textwrap.dedent(source))
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is not None:
        value = eval(compile(last, "<cell>", "eval"), namespace)
        if value is not None:
            print(repr(value))


def run_cells(cells, lib):
    """Run ``cells`` (a list of source strings) with ``torch`` bound to ``lib``; return stdout lines."""
    lib.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    namespace = {"__builtins__": dict(vars(builtins), __import__=_importer(lib)),
                 "torch": lib, "np": np, "numpy": np, "math": math, "random": random, "__name__": "__cell__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in cells:
            _run_cell(cell, namespace)
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


def assert_same_output(cells):
    """Run ``cells`` under torch and ember and assert the printed lines are identical."""
    import torch
    expected = normalise(run_cells(cells, torch), from_torch=True)
    got = normalise(run_cells(cells, ember), from_torch=False)
    if got != expected:
        diff = "\n".join(difflib.unified_diff(expected, got, "torch", "ember", lineterm=""))
        raise AssertionError(f"ember printed something else than PyTorch:\n{diff}")
    assert expected, "the cells printed nothing: nothing was compared"
