"""Anomaly detection against torch: NaN errors, the forward traceback warning, modes and hints."""
import warnings

import numpy as np
import pytest

from .autograd_helpers import both, msg

torch = pytest.importorskip("torch")


def _run_nan(lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lib.autograd.detect_anomaly():
            x = lib.zeros(2, requires_grad=True)
            y = x / x  # the line the traceback must point at
            with pytest.raises(RuntimeError) as err:
                y.sum().backward()
    # only the UserWarnings: NumPy's RuntimeWarning for 0/0 in ember's forward is not torch's (reported)
    return msg(err.value), [str(w.message) for w in caught if w.category is UserWarning]


def test_nan_in_backward_raises_pytorchs_error_with_forward_traceback():
    (m_err, m_warn), (t_err, t_warn) = both(_run_nan)
    assert m_err == t_err == "Function 'DivBackward0' returned nan values in its 1th output."
    assert m_warn[0] == t_warn[0]  # "Anomaly Detection has been enabled. ..."
    for text in (m_warn[1], t_warn[1]):
        assert text.startswith("Error detected in DivBackward0. Traceback of forward call that caused the error:")
        assert "y = x / x  # the line the traceback must point at" in text
        assert "test_anomaly.py" in text
    assert "ember/ops" not in m_warn[1]  # ember's own dispatch frames are left out


def test_modified_tensor_hint_and_traceback_under_set_detect_anomaly():
    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.autograd.set_detect_anomaly(True)
            try:
                x = lib.ones(2, requires_grad=True)
                y = x.exp()
                y.add_(1)
                with pytest.raises(RuntimeError) as err:
                    y.sum().backward()
            finally:
                lib.autograd.set_detect_anomaly(False)
        return msg(err.value), [str(w.message).split(":")[0] for w in caught if w.category is UserWarning]
    mine, theirs = both(run)
    assert mine == theirs


def test_flags_check_nan_false_and_context_restores():
    def run(lib):
        states = []
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            states.append((lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()))
            x = lib.zeros(1, requires_grad=True)
            (x / x).sum().backward()  # NaN gradients pass silently without check_nan
            states.append(bool(np.isnan(x.grad.numpy()).all()))
        states.append((lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()))
        return states
    import ember
    mine = run(_with_flags(ember))
    assert mine == run(torch) == [(True, False), True, (False, True)]


def _with_flags(ember):
    """ember keeps these in ember.autograd until the lead re-exports them at the top level."""
    class View:
        def __getattr__(self, name):
            if name in ("is_anomaly_enabled", "is_anomaly_check_nan_enabled"):
                return getattr(ember.autograd, name)
            return getattr(ember, name)
    return View()


def test_anomaly_off_records_no_trace():
    import ember
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    assert y.grad_fn.__dict__.get("_anomaly_trace") is None
    with pytest.warns(UserWarning):
        with ember.autograd.detect_anomaly():
            z = x * 2
    assert "z = x * 2" in z.grad_fn._anomaly_trace
