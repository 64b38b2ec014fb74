"""PyTorch's own docstring examples for torch.nn, torch.nn.functional, torch.nn.init, torch.optim and
torch.optim.lr_scheduler, run under torch and under ember from the same seed.

The examples are read from the installed torch's ``__doc__`` at test time, so the test follows PyTorch's text;
the curated list names the examples that match today. Every expression statement's value, every exception
(type and message), every warning and, at the end, every variable the example defined are compared: tensors by
shape, dtype, grad_fn name and values, modules by repr, schedulers by ``get_last_lr()``.
"""
import ast
import doctest
import re
import warnings

import numpy as np
import pytest
import torch

import ember

_NAMESPACES = {
    "nn": lambda lib: lib.nn,
    "F": lambda lib: lib.nn.functional,
    "init": lambda lib: lib.nn.init,
    "optim": lambda lib: lib.optim,
    "lr_scheduler": lambda lib: lib.optim.lr_scheduler,
}

# Small examples only (big 3-D inputs take seconds in NumPy); each matched torch when listed.
EXAMPLES = [
    "nn.AdaptiveAvgPool1d", "nn.AdaptiveAvgPool2d", "nn.AdaptiveMaxPool1d", "nn.AdaptiveMaxPool2d",
    "nn.AlphaDropout", "nn.AvgPool1d", "nn.AvgPool2d", "nn.BCELoss", "nn.BCEWithLogitsLoss", "nn.BatchNorm1d",
    "nn.BatchNorm2d", "nn.Bilinear", "nn.CELU", "nn.ChannelShuffle", "nn.CircularPad1d", "nn.CircularPad2d",
    "nn.ConstantPad1d", "nn.ConstantPad2d", "nn.Conv1d", "nn.Conv2d", "nn.ConvTranspose2d", "nn.CosineSimilarity",
    "nn.CosineEmbeddingLoss", "nn.Dropout", "nn.Dropout1d", "nn.Dropout2d", "nn.ELU", "nn.Embedding",
    "nn.Flatten", "nn.Fold", "nn.GELU", "nn.GLU", "nn.GRU", "nn.GaussianNLLLoss", "nn.GroupNorm", "nn.Hardshrink",
    "nn.Hardsigmoid", "nn.Hardswish", "nn.Hardtanh", "nn.HingeEmbeddingLoss", "nn.HuberLoss", "nn.Identity",
    "nn.InstanceNorm1d", "nn.InstanceNorm2d", "nn.KLDivLoss", "nn.L1Loss", "nn.LPPool1d", "nn.LPPool2d", "nn.LSTM",
    "nn.LSTMCell", "nn.LayerNorm", "nn.LeakyReLU", "nn.Linear", "nn.LocalResponseNorm", "nn.LogSigmoid",
    "nn.LogSoftmax", "nn.MSELoss", "nn.MarginRankingLoss", "nn.MaxPool1d", "nn.MaxPool2d", "nn.MaxUnpool1d", "nn.MaxUnpool2d",
    "nn.Mish", "nn.Module.apply", "nn.Module.named_modules", "nn.MultiLabelMarginLoss", "nn.MultiMarginLoss", "nn.NLLLoss", "nn.PReLU", "nn.PairwiseDistance",
    "nn.PixelShuffle", "nn.PixelUnshuffle", "nn.PoissonNLLLoss", "nn.RMSNorm", "nn.RNN", "nn.RNNCell", "nn.RReLU",
    "nn.ReLU", "nn.ReLU6", "nn.ReflectionPad1d", "nn.ReflectionPad2d", "nn.ReplicationPad1d",
    "nn.ReplicationPad2d", "nn.SELU", "nn.Sequential.append", "nn.Sequential.extend",
    "nn.Sequential.insert", "nn.SiLU", "nn.Sigmoid", "nn.SmoothL1Loss", "nn.Softmax", "nn.Softmax2d",
    "nn.Softmin", "nn.Softplus", "nn.Softsign", "nn.Tanh", "nn.Tanhshrink", "nn.Threshold", "nn.TripletMarginLoss",
    "nn.Unflatten", "nn.Unfold", "nn.Upsample", "nn.UpsamplingBilinear2d", "nn.UpsamplingNearest2d", "nn.ZeroPad1d",
    "nn.ZeroPad2d",
    "F.conv1d", "F.conv2d", "F.conv_transpose1d", "F.conv_transpose2d", "F.embedding", "F.embedding_bag",
    "F.one_hot", "F.nll_loss",
    "init.calculate_gain", "init.uniform_", "init.normal_", "init.constant_", "init.ones_", "init.zeros_",
    "init.eye_", "init.dirac_", "init.xavier_uniform_", "init.xavier_normal_", "init.kaiming_uniform_",
    "init.kaiming_normal_", "init.trunc_normal_", "init.orthogonal_",
    "optim.SGD",
    "lr_scheduler.ChainedScheduler", "lr_scheduler.ConstantLR", "lr_scheduler.CosineAnnealingLR",
    "lr_scheduler.CosineAnnealingWarmRestarts", "lr_scheduler.CyclicLR", "lr_scheduler.ExponentialLR",
    "lr_scheduler.LambdaLR", "lr_scheduler.LinearLR", "lr_scheduler.MultiStepLR", "lr_scheduler.MultiplicativeLR",
    "lr_scheduler.OneCycleLR", "lr_scheduler.PolynomialLR", "lr_scheduler.ReduceLROnPlateau",
    "lr_scheduler.SequentialLR", "lr_scheduler.StepLR",
]


def _source(name):
    kind, *path = name.split(".")
    obj = _NAMESPACES[kind](torch)
    for part in path:
        obj = getattr(obj, part)
    text = "".join(_complete(e) for e in doctest.DocTestParser().get_examples(obj.__doc__ or ""))
    # Docstring placeholders get trivial stand-ins (see _namespace); imports bind the library under test.
    text = text.replace("torch.utils.data.DataLoader(...)", "dataset")
    text = re.sub(r"^(\s*)import torch\.([\w.]+) as (\w+)", r"\1\3 = torch.\2", text, flags=re.M)
    text = re.sub(r"^(\s*)import torch\s*$", r"\1pass", text, flags=re.M)
    return re.sub(r"^(\s*)from torch(\S*) import", r"\1from LIB\2 import", text, flags=re.M)


def _complete(example):
    """The example's source; a continuation written without ``...`` (MaxUnpool2d's) lands in its expected
    output, and is taken back when that makes the source whole."""
    try:
        compile(example.source, "<example>", "exec")
    except SyntaxError:
        try:
            compile(example.source + example.want, "<example>", "exec")
        except SyntaxError:
            return example.source
        return example.source + example.want
    return example.source


def _namespace(lib):
    nn = lib.nn
    ns = {"torch": lib, "nn": nn, "F": nn.functional, "optim": lib.optim, "loss_fn": nn.MSELoss(),
          "model": nn.Linear(10, 2), "train": lambda *a, **k: None, "validate": lambda *a, **k: 1.0,
          "train_batch": lambda *a, **k: None, "input": lib.randn(4, 10), "target": lib.randn(4, 2)}
    ns["dataset"] = [(lib.ones(10), lib.zeros(2))] * 2
    ns["optimizer"] = lib.optim.SGD(ns["model"].parameters(), lr=0.05)
    for k in lib.optim.lr_scheduler.__all__:
        ns.setdefault(k, getattr(lib.optim.lr_scheduler, k))
    return ns


def _record(lib, v):
    """A comparable summary of ``v``: tensors keep their values, everything else its repr."""
    if isinstance(v, lib.Tensor):
        gf = type(v.grad_fn).__name__ if v.grad_fn is not None else None
        return ("tensor", tuple(v.shape), str(v.dtype).split(".")[-1], v.requires_grad, gf,
                v.detach().numpy().copy())
    if isinstance(v, (tuple, list)):
        return (type(v).__name__, [_record(lib, x) for x in v])
    if hasattr(v, "get_last_lr"):
        return ("scheduler", type(v).__name__, v.get_last_lr(), getattr(v, "last_epoch", None))
    if isinstance(v, lib.optim.Optimizer):
        return ("optimizer", [g["lr"] for g in v.param_groups])
    if isinstance(v, (lib.nn.Module, int, float, str, dict, lib.Size, lib.dtype)):
        return ("repr", re.sub(r"(?<![\w/])torch\.", "LIB.", repr(v)).replace("ember.", "LIB."))
    return ("type", type(v).__name__)


def _run(lib, text):
    ns = _namespace(lib)
    before = set(ns)
    events = []
    lib.manual_seed(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for stmt in ast.parse(text.replace("LIB", lib.__name__)).body:
            try:
                if isinstance(stmt, ast.Expr):
                    v = eval(compile(ast.Expression(stmt.value), "<example>", "eval"), ns)
                    if v is not None:
                        events.append(_record(lib, v))
                else:
                    exec(compile(ast.Module(body=[stmt], type_ignores=[]), "<example>", "exec"), ns)
            except Exception as e:  # the example's own errors are part of what must match
                events.append(("raise", type(e).__name__, str(e)))
            events.extend(("warn", w.category.__name__, str(w.message)) for w in caught)
            caught.clear()
    events.append(("optimizer", [g["lr"] for g in ns["optimizer"].param_groups]))
    events.extend((k, _record(lib, v)) for k, v in ns.items() if k not in before and not k.startswith("_"))
    return events


def _assert_same(t, e, where="out"):
    if isinstance(t, np.ndarray):
        assert isinstance(e, np.ndarray) and t.dtype == e.dtype and t.shape == e.shape, where
        if t.dtype.kind == "f":
            np.testing.assert_allclose(e, t, rtol=1e-4, atol=1e-5, err_msg=where)
            zeros = t == 0  # a negative zero prints as -0.0000
            np.testing.assert_array_equal(np.signbit(e[zeros]), np.signbit(t[zeros]), err_msg=where)
        else:
            np.testing.assert_array_equal(e, t, err_msg=where)
    elif isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)) and len(t) == len(e), f"{where}: {t!r} != {e!r}"
        for i, (a, b) in enumerate(zip(t, e)):
            _assert_same(a, b, f"{where}[{i}]")
    elif isinstance(t, str):
        assert e == re.sub(r"(?<![\w/])torch\.", "ember.", t) or e == t, f"{where}: {t!r} != {e!r}"
    else:
        assert t == e, f"{where}: {t!r} != {e!r}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_docstring_example_matches_torch(name):
    text = _source(name)
    assert text.strip(), f"{name} has no example in torch's docstring"
    expected = _run(torch, text)
    actual = _run(ember, text)
    _assert_same(expected, actual)


_BLOCK_ARGS = [dict(kernel_size=...), dict(kernel_size=2, stride=...), dict(kernel_size=(..., 2)),
               dict(kernel_size=[2, 2.5]), dict(kernel_size=True), dict(kernel_size=(2, 2, 2)),
               dict(kernel_size=(2, 2, 2), padding=...), dict(kernel_size=(2,)), dict(kernel_size=2, stride=(1, 2))]


@pytest.mark.parametrize("kwargs", _BLOCK_ARGS)
@pytest.mark.parametrize("fn", ["unfold", "fold"])
def test_fold_unfold_argument_errors_match_torch(fn, kwargs):
    """The docstrings' ``kernel_size=...`` placeholders meet im2col/col2im's argument-parser errors."""
    results = []
    for lib in (torch, ember):
        f = getattr(lib.nn.functional, fn)
        args = (lib.ones(1, 2, 5, 5),) if fn == "unfold" else (lib.ones(1, 8, 9), (4, 4))
        try:
            results.append(("ok", tuple(f(*args, **kwargs).shape)))
        except Exception as e:
            results.append((type(e).__name__, str(e)))
    assert results[1] == results[0]
