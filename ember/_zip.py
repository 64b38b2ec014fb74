"""Reading the zip container of ``torch.save`` files, checking every record against its CRC-32."""
import struct
import zipfile
import zlib

import numpy as np

__all__ = ["ZipReader", "readinto"]


class ZipReader:
    """Read a torch zip archive: the record prefix comes from the first entry, every record is
    read at its real data offset (the local header's extra differs from the central one) and
    checked against its CRC-32, which torch itself does not check."""

    def __init__(self, f, path=None):
        try:
            infos = zipfile.ZipFile(f).infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, struct.error) as e:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding "
                               f"central directory (the file is truncated or not a zip file: {e})") from None
        if not infos:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: the archive is empty")
        self.f, self.path = f, path
        self.prefix = infos[0].filename.split("/")[0]
        self.records = {}
        for info in infos:
            if not info.filename.startswith(self.prefix + "/"):
                raise RuntimeError(f"PytorchStreamReader: record {info.filename} is not under {self.prefix}/")
            self.records[info.filename[len(self.prefix) + 1:]] = info

    def has(self, name):
        return name in self.records

    def size(self, name):
        return self._info(name).file_size

    def _info(self, name):
        info = self.records.get(name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 1:
            raise RuntimeError(f"PytorchStreamReader: record {name} is compressed or encrypted")
        return info

    def _data_offset(self, info):
        self.f.seek(info.header_offset)
        head = self.f.read(30)
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise RuntimeError(f"PytorchStreamReader failed reading file {info.filename}: bad local header")
        n, e = struct.unpack("<HH", head[26:30])
        return info.header_offset + 30 + n + e

    def read(self, name, mmap=False):
        """Return the record as a writable uint8 array (copy-on-write mapped if ``mmap``)."""
        info = self._info(name)
        offset, size = self._data_offset(info), info.file_size
        if mmap and self.path is not None and size:
            buf = np.memmap(self.path, np.uint8, "c", offset=offset, shape=(size,))
        else:
            buf = np.empty(size, np.uint8)
            self.f.seek(offset)
            got = readinto(self.f, buf)
            if got != size:
                raise RuntimeError(f"PytorchStreamReader failed reading file {name}: file read failed "
                                   f"(the file is truncated: {got} of {size} bytes)")
        if zlib.crc32(buf) != info.CRC:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: CRC-32 mismatch "
                               "(the file is corrupted)")
        return buf


def readinto(f, buf):
    view, got = memoryview(buf).cast("B"), 0
    while got < view.nbytes:
        n = f.readinto(view[got:]) if hasattr(f, "readinto") else None
        if n is None:
            chunk = f.read(view.nbytes - got)
            n = len(chunk)
            view[got:got + n] = chunk
        if not n:
            break
        got += n
    return got
