"""Shared helpers for the nn tests: tensor conversion and comparing errors with PyTorch's."""
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import ember  # noqa: E402


def to_ember(t, requires_grad=None):
    """An ember tensor with the data of the torch tensor ``t`` (a copy)."""
    e = ember.tensor(t.detach().numpy().copy())
    if requires_grad if requires_grad is not None else t.requires_grad:
        e.requires_grad_(True)
    return e


def ember_state(torch_module):
    """The torch module's state_dict with every tensor converted to ember (keeps ``_metadata``)."""
    sd = torch_module.state_dict()
    out = type(sd)((k, to_ember(v)) for k, v in sd.items())
    out._metadata = sd._metadata
    return out


def np_of(t):
    return t.detach().numpy()


def assert_close(e, t, rtol=1e-5, atol=1e-6):
    """Assert ember tensor ``e`` equals torch tensor ``t`` in shape, dtype name and values."""
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    np.testing.assert_allclose(np_of(e), np_of(t), rtol=rtol, atol=atol)


def error_of(fn):
    """Return ``(type name, message)`` of the exception ``fn()`` raises, or None."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the exception itself is what is compared
        # ember prints its Size and dtypes as ``ember.Size`` / ``ember.float32`` where torch says ``torch.``
        return type(exc).__name__, re.sub(r"torch\.(Size|float\d*|int\d*|bool|uint8|double|long|\w*Tensor)\b", r"ember.\1",
                                          str(exc))
    return None


def assert_same_error(ember_fn, torch_fn):
    """Both calls raise the same exception type with the same message (ember's type names for torch's)."""
    expected = error_of(torch_fn)
    assert expected is not None, "torch raised nothing"
    assert error_of(ember_fn) == expected
