"""Pictures of the autograd graph: ``make_dot`` (torchviz's API) returning Graphviz DOT text.

No dependency is needed to build the DOT source. Rendering it to SVG/PNG calls Graphviz's
``dot`` program when it is installed (``apt-get install graphviz``, ``brew install graphviz`` or
``conda install graphviz``); without it, ``render``/``pipe`` raise an error saying so.

Colours follow torchviz: the output is dark olive green, leaves requiring grad light blue,
saved tensors orange, and the backward nodes light grey.
"""
import os
import shutil
import subprocess

__all__ = ["make_dot", "Digraph"]

_HEADER = ('digraph {\n'
           '\tgraph [size="12,12"]\n'
           '\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]\n')


class Digraph:
    """DOT source of a graph, with graphviz.Digraph's ``source``, ``save``, ``pipe`` and ``render``."""

    def __init__(self, body):
        self.body = body

    @property
    def source(self):
        return _HEADER + "".join(self.body) + "}\n"

    def __str__(self):
        return self.source

    def save(self, filename="Digraph.gv", directory=None):
        """Write the DOT source to ``filename``; return its path."""
        path = filename if directory is None else os.path.join(directory, filename)
        with open(path, "w") as f:
            f.write(self.source)
        return path

    def pipe(self, format="svg"):
        """Return the graph rendered by Graphviz ``dot`` in ``format``, as bytes."""
        dot = shutil.which("dot")
        if dot is None:
            raise RuntimeError("rendering the graph needs the Graphviz 'dot' program, which was not found on PATH: "
                               "install Graphviz (apt-get install graphviz, brew install graphviz or conda install "
                               "graphviz), or use .source / .save() to get the DOT text")
        return subprocess.run([dot, f"-T{format}"], input=self.source.encode(), capture_output=True,
                              check=True).stdout

    def render(self, filename="Digraph.gv", directory=None, view=False, cleanup=False, format="pdf"):
        """Save the DOT source and render it to ``<filename>.<format>``; return the rendered file's path."""
        path = self.save(filename, directory)
        out = f"{path}.{format}"
        data = self.pipe(format)
        with open(out, "wb") as f:
            f.write(data)
        if cleanup:
            os.remove(path)
        return out

    def _repr_svg_(self):  # Jupyter shows the picture when Graphviz is installed
        try:
            return self.pipe("svg").decode()
        except RuntimeError:
            return None


def _size(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """Return the DOT graph of the autograd graph that produced ``var`` (a Tensor or a tuple of them).

    Nodes are named by their grad_fn; leaves show their shape and, when ``params`` (a dict
    name -> Tensor) names them, their name. ``show_saved`` adds the tensors each node saved.
    """
    from .._tensor import Tensor
    names = {id(v): k for k, v in (params or {}).items()}
    body, seen = [], set()
    outputs = var if isinstance(var, (tuple, list)) else (var,)

    def node_id(obj):
        return str(id(obj))

    def add_node(fn):
        if fn is None or fn in seen:
            return
        seen.add(fn)
        if type(fn).__name__ == "AccumulateGrad":
            t = fn.variable
            label = (names[id(t)] + "\n " if id(t) in names else " ") + _size(t.shape)
            body.append(f"\t{node_id(t)} [label={_quote(label)} fillcolor=lightblue]\n")
            body.append(f"\t{node_id(t)} -> {node_id(fn)}\n")
            body.append(f"\t{node_id(fn)} [label={_quote(fn.name())}]\n")
            return
        label = fn.name()
        if show_attrs:
            label += _attrs(fn, max_attr_chars)
        body.append(f"\t{node_id(fn)} [label={_quote(label)}]\n")
        if show_saved:
            _add_saved(fn, body)
        for nxt in fn._next:
            if nxt is not None:
                add_node(nxt)
                body.append(f"\t{node_id(nxt)} -> {node_id(fn)}\n")

    for out in outputs:
        if not isinstance(out, Tensor):
            continue
        label = (names[id(out)] + "\n " if id(out) in names else " ") + _size(out.shape)
        body.append(f"\t{node_id(out)} [label={_quote(label)} fillcolor=darkolivegreen1]\n")
        if out.grad_fn is not None:
            add_node(out.grad_fn)
            body.append(f"\t{node_id(out.grad_fn)} -> {node_id(out)}\n")
    return Digraph(body)


def _attrs(fn, max_chars):
    params = {k: v for k, v in fn.__dict__.items() if not k.startswith("_") and not callable(v)}
    lines = []
    for k, v in sorted(params.items()):
        text = repr(v)
        lines.append(f"{k}: {text if len(text) <= max_chars else text[:max_chars - 3] + '...'}")
    return ("\n" + "-" * max(len(s) for s in lines) + "\n" + "\n".join(lines)) if lines else ""


def _add_saved(fn, body):
    saved = fn._saved if type(fn._saved) is tuple else ()
    for i, value in enumerate(saved):
        data = getattr(value, "_data", value)
        if hasattr(data, "shape"):
            key = f"{id(fn)}_saved{i}"
            body.append(f"\t{key} [label={_quote('saved ' + str(i) + chr(10) + _size(data.shape))} fillcolor=orange]\n")
            body.append(f"\t{key} -> {id(fn)} [dir=none]\n")
