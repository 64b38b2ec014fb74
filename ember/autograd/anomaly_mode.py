"""Anomaly detection: forward tracebacks on every node, and NaN checks on every backward output.

While it is on, each recorded node keeps the traceback of the forward call that created it; when
a node's backward fails (or returns NaN, with ``check_nan``) the engine warns with that traceback
and raises, as PyTorch does. Off, it costs nothing: the switch is read once per recorded node
(the same check saved-tensor hooks share) and once per backward pass.
"""
import warnings

import numpy as np

from .grad_mode import _DecoratorContextManager
from .graph import recording

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]


def is_anomaly_enabled():
    """Return True if anomaly detection is on."""
    return recording.anomaly


def is_anomaly_check_nan_enabled():
    """Return True if anomaly detection checks backward outputs for NaN."""
    return recording.check_nan


def _set(mode, check_nan):
    recording.anomaly = bool(mode)
    recording.check_nan = bool(check_nan)
    recording.refresh()


class detect_anomaly(_DecoratorContextManager):
    """Context manager (and decorator) that turns on anomaly detection for the autograd engine.

    Nodes remember the traceback of the forward call that created them; an error (or, with
    ``check_nan``, a NaN) in a node's backward raises and prints that traceback as a warning.
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self.prev = (recording.anomaly, recording.check_nan)
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(*self.prev)

    def clone(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.__class__(self.check_nan)


class set_detect_anomaly(_DecoratorContextManager):
    """Turn anomaly detection on or off; works as a function and as a context manager."""

    def __init__(self, mode, check_nan=True):
        self.prev = (recording.anomaly, recording.check_nan)
        self.mode, self.check_nan = mode, check_nan
        _set(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(*self.prev)

    def clone(self):
        return self.__class__(self.mode, self.check_nan)


def _warn_trace(node):
    trace = node.__dict__.get("_anomaly_trace")
    if trace is None:
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
                  f"{trace.rstrip()}", UserWarning, stacklevel=2)


def checked_call(node, buf, xp, raw, retain):
    """The engine's node call under anomaly mode: warn with the forward traceback on error or NaN."""
    from .engine import _call_node
    try:
        grads = _call_node(node, buf, xp, raw, retain)
    except Exception:
        _warn_trace(node)
        raise
    if recording.check_nan:
        for i, g in enumerate(grads):
            if g is None:
                continue
            data = g if raw else g._data
            if data.dtype.kind == "f" and np.isnan(data).any():
                _warn_trace(node)
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
    return grads
