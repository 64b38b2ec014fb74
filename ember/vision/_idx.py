"""Reader for the IDX format MNIST ships in (Y. LeCun's "SN3 Pascal Vincent" files).

Layout: two zero bytes, one dtype code, one byte giving the number of dimensions, then each
dimension as a big-endian uint32, then the values in C order, big-endian. Files may be gzipped.
"""
import gzip
import os
import struct
import zlib

import numpy as np

__all__ = ["read_idx"]

# dtype code -> big-endian NumPy dtype, as in the format's specification
IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path):
    """Return the file's bytes, decompressed when it is gzip (by its magic, not its name)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as e:
        raise RuntimeError(f"{path}: not a valid gzip file ({e})") from None


def _parse_header(path, data):
    """Return (dtype, shape, header size) from an IDX header, or raise a RuntimeError."""
    if len(data) < 4:
        raise RuntimeError(f"{path}: file is truncated: {len(data)} bytes, "
                           "shorter than the 4-byte IDX magic number")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0:
        raise RuntimeError(f"{path}: not an IDX file: magic number 0x{data[:4].hex()} "
                           "does not start with two zero bytes")
    if code not in IDX_DTYPES:
        codes = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise RuntimeError(f"{path}: unknown IDX data type code 0x{code:02X} (expected one of {codes})")
    if ndim == 0:
        raise RuntimeError(f"{path}: IDX header declares 0 dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise RuntimeError(f"{path}: file is truncated: the header declares {ndim} dimensions "
                           f"({header_size} header bytes) but the file has {len(data)} bytes")
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    return IDX_DTYPES[code], shape, header_size


def read_idx(path):
    """Return the array stored in the IDX file at ``path`` (raw or gzip), in native byte order.

    Raises a RuntimeError naming the file and what is wrong when it is not a well-formed IDX file.
    """
    path = os.fspath(path)
    data = _read_bytes(path)
    dtype, shape, header_size = _parse_header(path, data)
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(data) - header_size
    if found < expected:
        raise RuntimeError(f"{path}: file is truncated: shape {tuple(shape)} of {dtype.name} needs "
                           f"{expected} bytes of data but only {found} follow the header")
    if found > expected:
        raise RuntimeError(f"{path}: {found - expected} unexpected bytes after the data of shape "
                           f"{tuple(shape)} (corrupt file?)")
    array = np.frombuffer(data, dtype=dtype, count=expected // dtype.itemsize, offset=header_size)
    return array.reshape(shape).astype(dtype.newbyteorder("="))
