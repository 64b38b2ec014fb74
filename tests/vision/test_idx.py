"""The IDX reader on files the tests write: every dtype code, raw and gzip, and broken files."""
import gzip
import struct

import numpy as np
import pytest

from ember.vision._idx import read_idx

CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D,
         np.float64: 0x0E}


def idx_bytes(array, code=None, ndim=None):
    """Encode ``array`` as IDX by the specification (big-endian), independently of the reader."""
    code = CODES[array.dtype.type] if code is None else code
    ndim = array.ndim if ndim is None else ndim
    header = bytes([0, 0, code, ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(tmp_path, name, payload, gz=False):
    path = tmp_path / name
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dtype", list(CODES))
def test_round_trip_every_dtype(tmp_path, dtype, gz):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal((3, 4, 5)) * 100).astype(dtype)
    out = read_idx(write(tmp_path, "a.idx" + (".gz" if gz else ""), idx_bytes(array), gz))
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, array)


@pytest.mark.parametrize("shape", [(7,), (2, 3), (0, 28, 28), (2, 1, 1, 3)])
def test_shapes(tmp_path, shape):
    array = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    np.testing.assert_array_equal(read_idx(write(tmp_path, "s", idx_bytes(array))), array)


def test_big_endian_bytes_are_decoded(tmp_path):
    # 0x0102 big-endian is 258; a little-endian misread would give 513.
    payload = bytes([0, 0, 0x0B, 1, 0, 0, 0, 1, 0x01, 0x02])
    assert read_idx(write(tmp_path, "be", payload)).tolist() == [258]


def test_gzip_detected_by_content_not_name(tmp_path):
    array = np.arange(6, dtype=np.uint8).reshape(2, 3)
    path = write(tmp_path, "no-suffix", idx_bytes(array), gz=True)
    np.testing.assert_array_equal(read_idx(path), array)


BROKEN = {
    "empty file": (b"", "file is truncated: 0 bytes"),
    "short magic": (b"\x00\x00", "file is truncated: 2 bytes"),
    "bad magic": (b"\x12\x34\x08\x01" + b"\x00" * 8, "not an IDX file: magic number 0x12340801"),
    "unknown dtype": (bytes([0, 0, 0x0A, 1, 0, 0, 0, 1, 5]), "unknown IDX data type code 0x0A"),
    "zero dims": (bytes([0, 0, 0x08, 0]), "declares 0 dimensions"),
    "truncated header": (bytes([0, 0, 0x08, 3, 0, 0, 0, 2]),
                         "the header declares 3 dimensions (16 header bytes) but the file has 8"),
    "truncated data": (bytes([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3]) + b"\x01" * 5,
                       "shape (2, 3) of uint8 needs 6 bytes of data but only 5 follow"),
    "trailing bytes": (bytes([0, 0, 0x08, 1, 0, 0, 0, 2]) + b"\x01" * 4,
                       "2 unexpected bytes after the data of shape (2,)"),
    "float truncated": (bytes([0, 0, 0x0D, 1, 0, 0, 0, 2]) + b"\x00" * 7,
                        "needs 8 bytes of data but only 7 follow"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("gz", [False, True])
def test_broken_files_raise_naming_file_and_fault(tmp_path, name, gz):
    payload, message = BROKEN[name]
    path = write(tmp_path, "broken-ubyte", payload, gz)
    with pytest.raises(RuntimeError) as info:
        read_idx(path)
    assert str(info.value).startswith(str(path) + ": ")
    assert message in str(info.value)


def test_corrupt_and_truncated_gzip(tmp_path):
    good = gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8)))
    for name, payload in (("cut.gz", good[:-10]), ("garbled.gz", good[:10] + b"\xff" * 20)):
        path = write(tmp_path, name, payload)
        with pytest.raises(RuntimeError, match="not a valid gzip file") as info:
            read_idx(path)
        assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "absent")
