"""ember.safetensors against the reference safetensors package (safetensors.torch)."""
import json
import os
import struct

import numpy as np
import pytest

import ember
from ember import safetensors as est
from ember._tensor import _wrap

torch = pytest.importorskip("torch")
st = pytest.importorskip("safetensors.torch", reason="the reference safetensors package is not installed "
                         "(pip install safetensors)")

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def tensors():
    out = {}
    for i, d in enumerate(DTYPES):
        a = np.arange(12).reshape(3, 4) - 4
        out[f"t_{d}"] = _wrap((a % 3 == 0) if d == "bool" else a.astype(d))
    out["scalar"] = _wrap(np.array(2.5, np.float32))
    out["empty"] = _wrap(np.zeros((0, 3), np.float32))
    out["view"] = _wrap(np.arange(10.0)[::3])  # non-contiguous: written contiguous
    return out


def test_ember_file_reads_in_safetensors_identically(tmp_path):
    path = tmp_path / "m.safetensors"
    ts = tensors()
    est.save_file(ts, path, metadata={"format": "pt"})
    back = st.load_file(path)
    assert sorted(back) == sorted(ts)
    for k, t in ts.items():
        assert back[k].numpy().dtype == t._data.dtype and tuple(back[k].shape) == t._data.shape
        np.testing.assert_array_equal(back[k].numpy(), t._data)
    # byte-identical to the reference writer
    ref = st.save({k: torch.from_numpy(t._data.copy()) for k, t in ts.items()},
                  metadata={"format": "pt"})
    assert path.read_bytes() == ref == est.save(ts, metadata={"format": "pt"})
    assert os.listdir(tmp_path) == ["m.safetensors"]


def test_safetensors_file_reads_in_ember(tmp_path):
    ref = {"w": torch.randn(4, 5), "i": torch.arange(6, dtype=torch.int16).reshape(2, 3),
           "b": torch.tensor([True, False]), "s": torch.tensor(3.0, dtype=torch.float64),
           "bf": torch.tensor([1.5, -3.0, 1e30]).bfloat16(), "u16": torch.tensor([1, 65535], dtype=torch.uint16),
           "e": torch.zeros(0, 2)}
    path = tmp_path / "r.safetensors"
    st.save_file(ref, path)
    for out in (est.load_file(path), est.load(path.read_bytes()), ember.serialization.load(path)):
        assert sorted(out) == sorted(ref)
        for k, t in ref.items():
            exp = t.float() if t.dtype == torch.bfloat16 else (t.int() if t.dtype == torch.uint16 else t)
            assert out[k]._data.dtype == exp.numpy().dtype and out[k]._data.shape == tuple(t.shape)
            np.testing.assert_array_equal(out[k]._data, exp.numpy())
            assert out[k]._data.flags.writeable
    assert not np.shares_memory(out["w"]._data, out["i"]._data)


def test_shared_tensors_are_refused_like_safetensors():
    a = np.arange(4.0)
    with pytest.raises(RuntimeError, match="Some tensors share memory"):
        est.save({"a": _wrap(a), "b": _wrap(a[1:])})
    x = torch.arange(4.0)
    with pytest.raises(RuntimeError, match="Some tensors share memory"):
        st.save({"a": x, "b": x[1:]})


def _file(header, data=b""):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize("blob, match", [
    (b"\x01", "HeaderTooSmall"),
    (struct.pack("<Q", 1000) + b"{}", "InvalidHeaderLength"),
    (struct.pack("<Q", 2) + b"{x", "InvalidHeaderDeserialization"),
    (_file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 4), "MetadataIncompleteBuffer"),
    (_file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4), "TensorInvalidInfo"),
    (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
            "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 8), "InvalidOffset"),
    (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8), "InvalidOffset"),
    (_file({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4), "InvalidOffset"),
])
def test_malformed_files_are_refused(blob, match):
    with pytest.raises(RuntimeError, match=match):
        est.load(blob)
    with pytest.raises(Exception):
        st.load(blob)  # the reference refuses them too


def test_bad_arguments():
    with pytest.raises(ValueError, match="dict of"):
        est.save({"a": np.ones(2)})
    with pytest.raises(ValueError, match="metadata"):
        est.save({}, metadata={"a": 1})
    with pytest.raises(TypeError, match="C64"):
        est.load(_file({"a": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8))
