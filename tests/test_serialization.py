"""ember.save / ember.load against torch.save / torch.load, both directions, and hostile files."""
import io
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember import serialization as S
from ember._pickle import Global, Pickler
from ember._tensor import Tensor, _wrap

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def t_(array, requires_grad=False):
    t = _wrap(np.asarray(array))
    return t.requires_grad_(True) if requires_grad else t


def sample(dtype, shape=(3, 4)):
    a = np.arange(int(np.prod(shape))).reshape(shape) - 5
    return (a % 2 == 0) if dtype == "bool" else a.astype(dtype)


def ember_to_torch(obj):
    buf = io.BytesIO()
    S.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


def torch_to_ember(obj, **kwargs):
    buf = io.BytesIO()
    torch.save(obj, buf, **{k: kwargs.pop(k) for k in list(kwargs) if k == "pickle_protocol"})
    buf.seek(0)
    return S.load(buf, **kwargs)


def same(e, t):
    """The ember tensor e has torch tensor t's values, dtype, shape and strides."""
    assert isinstance(e, Tensor) and isinstance(t, torch.Tensor)
    assert e._data.dtype == t.numpy().dtype and e._data.shape == tuple(t.shape)
    assert e.stride() == t.stride() or e._data.size == 0
    np.testing.assert_array_equal(e._data, t.detach().numpy())
    assert e.requires_grad == t.requires_grad


# ----------------------------------------------------------------------------- ember -> torch
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_and_view_to_torch(dtype):
    a = sample(dtype)
    views = {"full": a, "cols": a[:, ::2], "T": a.T, "offset": a[1:, 2:], "scalar": a[1, 1, ...],
             "empty": a[:0], "neg": a[::-1]}
    out = ember_to_torch({k: t_(v) for k, v in views.items()})
    for k, v in views.items():
        assert out[k].dtype == getattr(torch, dtype)
        np.testing.assert_array_equal(out[k].numpy(), v)
        if k not in ("neg", "empty"):
            assert out[k].stride() == tuple(s // a.itemsize for s in v.strides), k
    # every non-copied view of one array is one storage after torch.load, and stays aliased
    ptr = out["full"].untyped_storage().data_ptr()
    assert all(out[k].untyped_storage().data_ptr() == ptr for k in ("cols", "T", "offset", "scalar"))
    out["full"][1, 2] = 1
    assert out["offset"][0, 0].item() == 1 and out["T"][2, 1].item() == 1


def test_zero_d_empty_and_requires_grad_to_torch():
    out = ember_to_torch([t_(np.float32(2.5)), t_(np.zeros((0, 3), np.float32)),
                          t_(np.ones(2, np.float32), requires_grad=True)])
    assert out[0].shape == () and out[0].item() == 2.5
    assert out[1].shape == (0, 3) and out[1].stride() == (3, 1)
    assert out[2].requires_grad and out[2].is_leaf


def test_python_values_and_containers_to_torch():
    obj = {"int": [0, 255, 256, 65536, -1, 2 ** 31, -2 ** 31 - 1, 2 ** 70, -2 ** 70], "float": 1.5,
           "str": "héllo", "bytes": b"\x00\xffab", "empty_bytes": b"", "none": None, "bools": (True, False),
           "nested": {"a": [(1, 2, 3, 4), {"b": [None]}]}, "set": {1, 2}, "complex": 1 + 2j, 7: "int key",
           "dtype": ember.float16, "size": ember.Size([2, 3]), "device": ember.device("cpu")}
    out = ember_to_torch(obj)
    assert out == {**obj, "dtype": torch.float16, "size": torch.Size([2, 3]), "device": torch.device("cpu")}
    assert type(out["size"]) is torch.Size


def test_ordered_dict_metadata_to_torch():
    sd = OrderedDict([("0.weight", t_(np.ones((2, 2), np.float32))), ("0.bias", t_(np.zeros(2, np.float32)))])
    sd._metadata = OrderedDict([("", {"version": 1}), ("0", {"version": 1})])
    out = ember_to_torch(sd)
    assert type(out) is OrderedDict and list(out) == ["0.weight", "0.bias"]
    assert out._metadata == sd._metadata
    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    model.load_state_dict(out)
    assert torch.equal(model[0].weight, torch.ones(2, 2))


def test_same_tensor_twice_is_one_object_in_torch():
    t = t_(np.arange(3.0))
    out = ember_to_torch([t, t, {"again": t}])
    assert out[0] is out[1] is out[2]["again"]


def test_parameter_to_torch():
    nn = pytest.importorskip("ember.nn")
    p = nn.Parameter(t_(np.arange(4, dtype=np.float32)))
    out = ember_to_torch({"p": p, "frozen": nn.Parameter(t_(np.ones(2, np.float32)), requires_grad=False)})
    assert type(out["p"]) is torch.nn.Parameter and out["p"].requires_grad
    assert not out["frozen"].requires_grad
    np.testing.assert_array_equal(out["p"].detach().numpy(), np.arange(4))


def test_archive_layout_matches_torch(tmp_path):
    path = tmp_path / "model.v1.pt"
    S.save({"a": t_(np.ones(5, np.float32)), "b": t_(np.ones(3, np.int64))}, path)
    zf = zipfile.ZipFile(path)
    names = [i.filename for i in zf.infolist()]
    assert names == ["model.v1/data.pkl", "model.v1/.format_version", "model.v1/.storage_alignment",
                     "model.v1/byteorder", "model.v1/data/0", "model.v1/data/1", "model.v1/version",
                     "model.v1/.data/serialization_id"]
    raw = path.read_bytes()
    for info in zf.infolist():
        n, e = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30], "<u2")
        assert (info.header_offset + 30 + n + e) % 64 == 0
    assert zf.read("model.v1/byteorder") == b"little" and zf.read("model.v1/version") == b"3\n"
    assert b"PK\x06\x06" in raw[-120:]  # ZIP64 end of central directory, as torch writes
    loaded = torch.load(path, weights_only=True, mmap=True)
    assert loaded["a"].sum().item() == 5


def test_zip64_fields_read_by_torch_and_zipfile(monkeypatch):
    # records past 4 GiB are too slow for a unit test: lower the limit to exercise the ZIP64 path
    monkeypatch.setattr(S, "_ZIP64_LIMIT", 16)
    out = ember_to_torch({"a": t_(np.arange(10, dtype=np.float32)), "b": t_(np.ones(2, np.float32))})
    np.testing.assert_array_equal(out["a"].numpy(), np.arange(10))
    buf = io.BytesIO()
    S.save(t_(np.arange(10.0)), buf)
    assert S.load(io.BytesIO(buf.getvalue()))._data.tolist() == list(range(10))


def test_save_refuses_protocol_4_and_unknown_pickle_module():
    with pytest.raises(ValueError, match="protocol 2 only"):
        S.save(1, io.BytesIO(), pickle_protocol=4)
    with pytest.raises(ValueError, match="standard pickle module"):
        S.save(1, io.BytesIO(), pickle_module=object())
