"""Graph pictures: make_dot's DOT text (no dependency) and rendering through Graphviz when installed."""
import re
import shutil

import pytest

import ember
from ember.autograd.viz import make_dot


def _seed001():
    x = ember.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    return x, out


def test_dot_text_names_nodes_by_grad_fn_and_leaves_by_shape_and_name():
    x, out = _seed001()
    src = make_dot(out, params={"x": x}).source
    labels = re.findall(r'label="([^"]*)"', src)
    assert labels == [" ()", "MeanBackward0", "MulBackward0", "MulBackward0", "AddBackward0", "x\n (2, 2)",
                      "AccumulateGrad"]
    assert src.startswith("digraph {") and src.rstrip().endswith("}")
    edges = re.findall(r"\t(\d+) -> (\d+)", src)
    assert len(edges) == 7  # y * y gives two edges from AddBackward0, as torchviz draws them


def test_show_saved_and_show_attrs():
    x, out = _seed001()
    src = make_dot(out, show_saved=True).source
    assert src.count("fillcolor=orange") == 3  # y, y saved by y*y; y*y saved by *3
    w = ember.ones(3, requires_grad=True)
    attrs = make_dot((w * 2).sum(), show_attrs=True).source
    assert "SumBackward0" in attrs


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (optional)")
def test_render_svg_and_png(tmp_path):
    _, out = _seed001()
    graph = make_dot(out)
    svg = graph.pipe("svg").decode()
    assert svg.lstrip().startswith("<?xml") and "MeanBackward0" in svg
    path = graph.render(str(tmp_path / "seed001"), format="png")
    assert path.endswith("seed001.png") and open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_missing_graphviz_error_names_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    _, out = _seed001()
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        make_dot(out).pipe("svg")
