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
    assert e._data.dtype == t.detach().numpy().dtype and e._data.shape == tuple(t.shape)
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
    nn = pytest.importorskip("ember.nn.parameter")
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


# ----------------------------------------------------------------------------- torch -> ember
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_and_view_from_torch(dtype):
    base = torch.from_numpy(sample(dtype, (4, 6)))
    views = {"full": base, "cols": base[:, ::2], "T": base.t(), "offset": base[1:, 3:], "scalar": base[2, 2],
             "empty": base[:0], "empty_alone": torch.zeros(0, 3, dtype=base.dtype)}
    out = torch_to_ember(views)
    for k, v in views.items():
        same(out[k], v)
    assert out["empty_alone"].stride() == (3, 1)
    for k in ("cols", "T", "offset", "scalar"):  # views of one storage still share memory
        assert np.shares_memory(out["full"]._data, out[k]._data), k
    out["full"]._data[1, 3] = out["full"]._data[0, 0]
    assert out["offset"]._data[0, 0] == out["full"]._data[0, 0]


def test_aliasing_survives_ember_round_trip_and_torch_reload():
    x = torch.arange(12.0).reshape(3, 4)
    first = torch_to_ember({"x": x, "row": x[1], "col": x[:, 2]})
    out = ember_to_torch(first)
    out["x"][1, 2] = -1
    assert out["row"][2].item() == -1 and out["col"][1].item() == -1


def test_requires_grad_parameter_and_python_values_from_torch():
    obj = {"rg": torch.ones(2, requires_grad=True), "p": torch.nn.Parameter(torch.arange(3.0)),
           "frozen": torch.nn.Parameter(torch.ones(1), requires_grad=False), "n": 2 ** 70, "f": -0.5,
           "s": "txt", "b": b"ab", "l": [1, (2, None)], "set": {3}, "c": 2j, "dt": torch.int16,
           "size": torch.Size([1, 2]), "dev": torch.device("cpu")}
    nn = pytest.importorskip("ember.nn.parameter")
    out = torch_to_ember(obj)
    same(out["rg"], obj["rg"])
    assert type(out["p"]) is nn.Parameter and out["p"].requires_grad and not out["frozen"].requires_grad
    np.testing.assert_array_equal(out["p"]._data, [0, 1, 2])
    assert {k: out[k] for k in ("n", "f", "s", "b", "l", "set", "c")} == {
        k: obj[k] for k in ("n", "f", "s", "b", "l", "set", "c")}
    assert out["dt"] is ember.int16 and out["size"] == ember.Size([1, 2]) and out["dev"] == ember.device("cpu")


def test_sequential_state_dict_from_torch_value_by_value():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(5, 4)).pow(2).mean().backward()
        opt.step()
    sd = model.state_dict()
    out = torch_to_ember(sd)
    assert type(out) is OrderedDict and list(out) == list(sd)
    assert out._metadata == sd._metadata
    for k in sd:
        same(out[k], sd[k])


@pytest.mark.parametrize("make", [lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
                                  lambda p: torch.optim.Adam(p, lr=1e-3)], ids=["sgd_momentum", "adam"])
def test_optimizer_state_dict_from_torch(make):
    torch.manual_seed(1)
    lin = torch.nn.Linear(3, 2)
    opt = make(lin.parameters())
    lin(torch.randn(4, 3)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    out = torch_to_ember(sd)
    assert out["param_groups"] == sd["param_groups"]
    assert sorted(out["state"]) == sorted(sd["state"])
    for i, state in sd["state"].items():
        assert sorted(out["state"][i]) == sorted(state)
        for k, v in state.items():
            same(out["state"][i][k], v)  # Adam's step is a 0-d float32 tensor
    back = ember_to_torch(out)
    assert back["param_groups"] == sd["param_groups"]


def test_widened_dtypes_from_torch():
    bits = torch.arange(256, dtype=torch.uint8)
    obj = {"bf16": torch.tensor([1.5, -2.25, 3e38, float("inf")]).bfloat16(),
           "bf16_view": torch.arange(8.0).bfloat16()[::3], "e4m3": bits.view(torch.float8_e4m3fn),
           "e5m2": bits.view(torch.float8_e5m2), "u16": torch.tensor([0, 1, 65535], dtype=torch.uint16),
           "u32": torch.tensor([0, 2 ** 32 - 1], dtype=torch.uint32)}
    out = torch_to_ember(obj)
    for k in ("bf16", "bf16_view", "e4m3", "e5m2"):
        assert out[k]._data.dtype == np.float32
        np.testing.assert_array_equal(out[k]._data, obj[k].float().numpy())  # NaN positions too
    assert out["u16"]._data.dtype == np.int32 and out["u16"]._data.tolist() == [0, 1, 65535]
    assert out["u32"]._data.dtype == np.int64 and out["u32"]._data.tolist() == [0, 2 ** 32 - 1]
    with pytest.raises(TypeError, match="complex64"):
        torch_to_ember(torch.ones(2, dtype=torch.complex64))


def test_neg_bit_view_from_torch():
    t = torch.tensor([1 + 2j, 3 - 4j]).conj().imag
    assert t.is_neg()
    out = torch_to_ember(t)
    np.testing.assert_array_equal(out._data, t.resolve_neg().numpy())


def test_protocol_4_and_legacy_files_from_torch():
    x = torch.arange(6.0).reshape(2, 3)
    obj = {"x": x, "v": x[:, 1], "bf": x.bfloat16()[1], "b": b"", "l": [1.5]}
    for kwargs in ({"pickle_protocol": 4}, {"_use_new_zipfile_serialization": False}):
        buf = io.BytesIO()
        torch.save(obj, buf, **kwargs)
        for weights_only in (True, False):
            out = S.load(io.BytesIO(buf.getvalue()), weights_only=weights_only)
            same(out["x"], x)
            same(out["v"], x[:, 1])
            np.testing.assert_array_equal(out["bf"]._data, [3, 4, 5])
            assert out["b"] == b"" and out["l"] == [1.5]
            assert np.shares_memory(out["x"]._data, out["v"]._data)


def test_map_location_and_mmap(tmp_path):
    path = tmp_path / "w.pt"
    torch.save({"w": torch.arange(5.0)}, path)
    for loc in (None, "cpu", ember.device("cpu"), torch.device("cpu"), {"cpu": "cpu"}, lambda s, loc: s,
                lambda s, loc: None):
        assert S.load(path, map_location=loc)["w"]._data.tolist() == [0, 1, 2, 3, 4]
    out = S.load(path, mmap=True)["w"]
    assert isinstance(out._data.base, np.memmap) and out._data.flags.writeable
    out._data[0] = 7  # copy-on-write, as torch's MAP_PRIVATE: the file is unchanged
    assert S.load(path)["w"]._data[0] == 0
    with pytest.raises(ValueError, match="file path"):
        S.load(io.BytesIO(path.read_bytes()), mmap=True)


def test_cuda_location_needs_map_location():
    buf = io.BytesIO()
    torch.save(torch.ones(2), buf)
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("data.pkl"):
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            dst.writestr(info.filename, data)
    with pytest.raises(RuntimeError, match="CUDA device"):
        S.load(io.BytesIO(rebuilt.getvalue()))
    for loc in ("cpu", {"cuda:0": "cpu"}):
        assert S.load(io.BytesIO(rebuilt.getvalue()), map_location=loc)._data.tolist() == [1, 1]


# ----------------------------------------------------------------------------- hostile and broken files
class _Call:
    """Test helper: pickled as ``func(*args)`` by ember's protocol-2 writer."""

    def __init__(self, func, *args):
        self.func, self.args = func, args


def archive(pkl, storages=()):
    """A torch-style zip holding the given data.pkl bytes and storage records."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pkl)
        for i, data in enumerate(storages):
            zf.writestr(f"archive/data/{i}", data)
    buf.seek(0)
    return buf


def crafted_tensor(offset, size, stride, numel=4):
    """data.pkl for one float32 tensor with the given geometry over a storage of ``numel`` floats."""
    out = io.BytesIO()
    pid = ("storage", Global("torch", "FloatStorage"), "0", "cpu", numel)
    rebuild = _Call(Global("torch._utils", "_rebuild_tensor_v2"), _Call(None, pid), offset, size, stride,
                    False, OrderedDict())
    Pickler(out.write, lambda o: o.args[0] if type(o) is _Call and o.func is None else None,
            lambda o: (o.func, o.args) if type(o) is _Call else NotImplemented).dump(rebuild)
    return archive(out.getvalue(), [np.arange(numel, dtype=np.float32).tobytes()])


class _System:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


@pytest.mark.parametrize("payload, named", [
    (b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00idq\x00\x85R.", "GLOBAL posix.system"),
    (pickle.dumps(_System(), protocol=4), "posix.system"),  # through STACK_GLOBAL
    (b"\x80\x02cbuiltins\neval\nX\x01\x00\x00\x001\x85R.", "GLOBAL eval was"),  # torch drops "builtins."
    (b"\x80\x02c__builtin__\neval\nX\x01\x00\x00\x001\x85R.", "GLOBAL eval was"),
    (b"(X\x02\x00\x00\x00idios\nsystem\n.", "Unsupported operand 105 (INST)"),
    (b"\x80\x02]}b.", "Can only build OrderedDict"),
    (b"\x80\x02cbuiltins\nset\n)R}b.", "Can only build OrderedDict"),
    (b"\x80\x02ccollections\nOrderedDict\n)R]b.", "BUILD state for an OrderedDict"),
    (b"\x80\x02}K\x01a.", "Can only append to lists"),
    (b"\x80\x02]K\x01K\x02s.", "Can only SETITEM"),
    (b"\x80\x02ctorch\nfloat32\n)R.", "unrecognized function"),
    (b"\x80\x02X\x01\x00\x00\x00xQ.", "Only persistent_load of storage"),
    (b"\x80\x02h\x05.", "malformed pickle"),
    (b"\x80\x02t.", "could not find MARK"),
    (b"\x80\x02", "truncated"),
])
def test_hostile_pickles_are_refused(payload, named):
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed") as err:
        S.load(archive(payload))
    assert named in str(err.value)


def test_real_torch_save_of_os_system_is_refused():
    buf = io.BytesIO()
    torch.save({"x": _System()}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL posix.system whose module posix is blocked"):
        S.load(buf)


def test_non_tensor_objects_need_weights_only_false():
    obj = {"w": t_(np.ones(2, np.float32)), "cfg": _Call("x", 1, [2])}
    buf = io.BytesIO()
    S.save(obj, buf)
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL test_serialization._Call"):
        S.load(io.BytesIO(buf.getvalue()))
    out = S.load(io.BytesIO(buf.getvalue()), weights_only=False)
    assert type(out["cfg"]) is _Call and out["cfg"].args == (1, [2]) and out["w"]._data.tolist() == [1, 1]
    with pytest.raises(RuntimeError, match="pickle_module"):
        S.load(io.BytesIO(buf.getvalue()), pickle_module=pickle, weights_only=True)


@pytest.mark.parametrize("offset, size, stride, match", [
    (0, (5,), (1,), "out of bounds for storage of size 16"),
    (2, (3,), (1,), "out of bounds"),
    (0, (2,), (10,), "out of bounds"),
    (0, (2,), (-1,), "invalid tensor geometry"),
    (-1, (2,), (1,), "invalid tensor geometry"),
    (0, (2, 2), (1,), "invalid tensor geometry"),
    (0, (2.0,), (1,), "invalid tensor geometry"),
])
def test_views_are_bounds_checked(offset, size, stride, match):
    with pytest.raises(RuntimeError, match=match):
        S.load(crafted_tensor(offset, size, stride))


def test_crafted_view_inside_storage_loads():
    assert S.load(crafted_tensor(1, (2,), (2,)))._data.tolist() == [1.0, 3.0]


def test_storage_record_of_wrong_size_is_refused():
    pkl = zipfile.ZipFile(crafted_tensor(0, (1,), (1,), numel=5)).read("archive/data.pkl")
    with pytest.raises(RuntimeError, match="holds 16 bytes, its storage needs 20"):
        S.load(archive(pkl, [np.arange(4, dtype=np.float32).tobytes()]))


@pytest.fixture
def saved_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    torch.save({"w": torch.arange(100.0), "b": torch.ones(3)}, path)
    return path


@pytest.mark.parametrize("keep", [lambda n: n - 1, lambda n: n // 2, lambda n: 100], ids=["N-1", "N/2", "100"])
def test_truncated_files_are_errors(saved_file, keep):
    data = saved_file.read_bytes()
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading zip archive"):
        S.load(io.BytesIO(data[:keep(len(data))]))


def test_flipped_bit_in_a_data_record_is_a_crc_error(saved_file):
    info = zipfile.ZipFile(saved_file).getinfo("ckpt/data/0")
    data = bytearray(saved_file.read_bytes())
    n, e = np.frombuffer(bytes(data[info.header_offset + 26:info.header_offset + 30]), "<u2")
    data[info.header_offset + 30 + n + e + 17] ^= 0x04
    with pytest.raises(RuntimeError, match="data/0: CRC-32 mismatch"):
        S.load(io.BytesIO(bytes(data)))
    saved_file.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="CRC-32 mismatch"):
        S.load(saved_file, mmap=True)


def test_not_a_checkpoint_is_an_error():
    with pytest.raises(pickle.UnpicklingError):
        S.load(io.BytesIO(b"hello world, not a checkpoint"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("m/data.pkl", b"\x80\x02N.")
        zf.writestr("m/constants.pkl", b"\x80\x02N.")
    with pytest.raises(RuntimeError, match="TorchScript"):
        S.load(io.BytesIO(buf.getvalue()))


# ----------------------------------------------------------------------------- atomic writes
def test_failed_save_leaves_old_file_intact_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    S.save({"w": t_(np.zeros(3, np.float32))}, path)
    before = path.read_bytes()
    calls = []

    class FailingZlib:  # fails on the third record: data.pkl and a header record are already written
        @staticmethod
        def crc32(data):
            calls.append(1)
            if len(calls) == 3:
                raise OSError("disk full")
            return __import__("zlib").crc32(data)
    monkeypatch.setattr(S, "zlib", FailingZlib)
    with pytest.raises(OSError, match="disk full"):
        S.save({"w": t_(np.ones(3, np.float32))}, path)
    monkeypatch.undo()
    with pytest.raises(pickle.PicklingError):
        S.save({"f": lambda: 0}, path)  # a failure while pickling, before any byte is written
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]
    assert S.load(path)["w"]._data.tolist() == [0, 0, 0]
    S.save({"w": t_(np.ones(3, np.float32))}, str(path))
    assert torch.load(path)["w"].tolist() == [1, 1, 1] and os.listdir(tmp_path) == ["ckpt.pt"]
    with pytest.raises(RuntimeError, match="Parent directory"):
        S.save(1, tmp_path / "missing" / "x.pt")
