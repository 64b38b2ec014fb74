"""PyTorch's tensor repr/str format, computed from a NumPy array.

``format_tensor`` reproduces ``repr(torch.tensor(...))`` character for character: the choice
between integer, fixed and scientific notation, column alignment, summarization with ``...``,
line wrapping, nested brackets and the ``dtype=``/``size=``/autograd suffixes.
"""
import contextlib
import dataclasses
import math
from typing import Any, Sequence

import numpy as np

from ember._dtype import get_default_dtype

_PREFIX = "tensor("
_SUPPORTED = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")
# PyTorch never prints dtype= for these besides the default float dtype: their values show it.
_IMPLIED_DTYPES = (np.dtype(np.int64), np.dtype(np.bool_))


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


# Process-wide, as in PyTorch: set_printoptions changes every later print.
_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set options for printing tensors (precision, threshold, edgeitems, linewidth, profile,
    sci_mode), as ``torch.set_printoptions``."""
    # An unknown profile is ignored and sci_mode is always overwritten, both as in PyTorch.
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(_OPTS, name, value)
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current print options as a dict that can be passed to ``set_printoptions``."""
    return dataclasses.asdict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager that temporarily changes the print options (same arguments as
    ``set_printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Decides notation and column width once for all printed elements, as PyTorch's."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.precision = _OPTS.precision
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            if flat.size:
                extremes = (flat.min().item(), flat.max().item())
                self.max_width = max(len(f"{v}") for v in extremes)
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return  # all zero / nan / inf: integer mode, width 1, never scientific
        magnitude = np.abs(finite).astype(np.float64)  # in double, as PyTorch: half overflows
        low, high = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if _OPTS.sci_mode is None:
            with np.errstate(over="ignore"):  # 1e300 / 1e-300 is inf: scientific, as PyTorch
                self.sci_mode = bool(high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4)
        else:
            self.sci_mode = _OPTS.sci_mode
        self.max_width = max(self._width(v) for v in _width_candidates(finite))

    def _width(self, value: float) -> int:
        if self.sci_mode:
            return len(f"{value:.{self.precision}e}")
        if self.int_mode:
            return len(f"{value:.0f}") + 1  # room for the trailing "." of "1."
        return len(f"{value:.{self.precision}f}")

    def format(self, value) -> str:
        """Return one element, right-aligned to the common width."""
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{self.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                text += "."
        else:
            text = f"{value:.{self.precision}f}"
        return text.rjust(self.max_width)


def _width_candidates(finite: np.ndarray) -> list[float]:
    """The values whose printed form is widest: per sign, the smallest and largest magnitude.

    Printed length only grows with the magnitude (fixed notation) or with the exponent's distance
    from zero (scientific notation), so the extremes of each sign bound every other value.
    """
    out = []
    for part in (finite[finite > 0], finite[finite < 0]):
        if part.size:
            out += [part.min().item(), part.max().item()]
    return out


def _summarized(data: np.ndarray, edge: int) -> np.ndarray:
    """The elements that a summarized print shows: ``edge`` from each end of every dim."""
    if edge == 0:
        # PyTorch's 1-d path keeps data[:0] + data[-0:], i.e. everything; higher dims keep nothing.
        return data if data.ndim < 2 else data[(slice(0, 0),) * data.ndim]
    for axis, size in enumerate(data.shape):
        if size > 2 * edge:
            data = np.take(data, np.r_[0:edge, size - edge:size], axis=axis)
    return data


def _row_str(row: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    edge = _OPTS.edgeitems
    element_length = fmt.max_width + 2  # ", " between elements
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / element_length))
    if summarize and not edge:
        items = ["..."]
    elif summarize and row.shape[0] > 2 * edge:
        items = ([fmt.format(v) for v in row[:edge].tolist()] + [" ..."]
                 + [fmt.format(v) for v in row[-edge:].tolist()])
    else:
        items = [fmt.format(v) for v in row.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _row_str(data, indent, summarize, fmt)
    size, edge = data.shape[0], _OPTS.edgeitems
    if summarize and size > 2 * edge:
        rows = [*range(edge), None, *range(size - edge, size)]
    else:
        rows = range(size)
    slices = ["..." if i is None else _nested_str(data[i], indent + 1, summarize, fmt)
              for i in rows]
    # Blank lines between blocks grow with depth: one per dimension below the first.
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _add_suffixes(text: str, suffixes: Sequence[str], indent: int) -> str:
    parts = [text]
    # PyTorch's count: the length after the last newline, plus 2 (plus 1 when there is none).
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(data: np.ndarray, suffixes: Sequence[str] = ()) -> str:
    """Return PyTorch's ``repr`` of a tensor holding ``data``, e.g. ``tensor([1., 2.])``.

    ``suffixes`` (such as ``"requires_grad=True"`` or ``"grad_fn=<AddBackward0>"``) follow the
    ``dtype=`` suffix; tensors of the default dtype (``get_default_dtype()``) print no ``dtype=``.
    """
    if data.dtype.name not in _SUPPORTED:
        raise TypeError(f"cannot print a tensor of NumPy dtype {data.dtype}")
    default = get_default_dtype().numpy_dtype
    indent = len(_PREFIX)
    extra = []
    if data.size == 0:
        # Explicit size unless (0,), as NumPy; and dtype for any non-default dtype, int64
        # included, because no element shows it.
        if data.ndim != 1:
            extra.append(f"size={tuple(data.shape)}")
        if data.dtype != default:
            extra.append(f"dtype=ember.{data.dtype.name}")
        body = "[]"
    else:
        if not _OPTS.edgeitems:
            extra.append(f"size={tuple(data.shape)}")
        if data.dtype != default and data.dtype not in _IMPLIED_DTYPES:
            extra.append(f"dtype=ember.{data.dtype.name}")
        summarize = data.size > _OPTS.threshold
        fmt = _Formatter(_summarized(data, _OPTS.edgeitems) if summarize else data)
        body = _nested_str(data, indent, summarize, fmt)
    return _add_suffixes(_PREFIX + body, [*extra, *suffixes], indent)
