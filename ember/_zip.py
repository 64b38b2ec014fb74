"""The zip container of ``torch.save`` files: torch's PyTorchStreamWriter layout, and a reader
that checks every record against its CRC-32."""
import struct
import zipfile
import zlib

import numpy as np

__all__ = ["ZipWriter", "ZipReader", "readinto", "ALIGN"]

ZIP64_LIMIT = 0xFFFFFFFF  # sizes and offsets at or past this need ZIP64 fields
ALIGN = 64                # torch aligns every record's data to 64 bytes (mmap needs it)


class ZipWriter:
    """Write records as torch's PyTorchStreamWriter does: STORED, 64-byte aligned data, data
    descriptors (flag 0x0808), and a ZIP64 end of central directory."""

    def __init__(self, f, prefix):
        self.f, self.prefix, self.pos, self.entries = f, prefix, 0, []

    def _write(self, data):
        self.f.write(data)
        self.pos += memoryview(data).nbytes

    def write_record(self, name, data):
        name_b = f"{self.prefix}/{name}".encode("utf-8")
        data = memoryview(data).cast("B")
        size, offset, crc = data.nbytes, self.pos, zlib.crc32(data)
        big = size >= ZIP64_LIMIT
        z64 = struct.pack("<HHQQ", 1, 16, 0, 0) if big else b""  # sizes live in the descriptor
        start = offset + 30 + len(name_b) + len(z64) + 4
        fb = b"FB" + struct.pack("<H", -start % ALIGN) + b"Z" * (-start % ALIGN)
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 0, 0x0808, 0, 0, 0, 0, 0, 0,
                                len(name_b), len(z64) + len(fb)) + name_b + z64 + fb)
        self._write(data)
        sizes = struct.pack("<QQ" if big else "<II", size, size)
        self._write(struct.pack("<II", 0x08074B50, crc) + sizes)
        self.entries.append((name_b, offset, size, crc))

    def _central_entry(self, name_b, offset, size, crc):
        extra = b""
        if size >= ZIP64_LIMIT:
            extra += struct.pack("<QQ", size, size)
        if offset >= ZIP64_LIMIT:
            extra += struct.pack("<Q", offset)
        if extra:
            extra = struct.pack("<HH", 1, len(extra)) + extra
        s32 = 0xFFFFFFFF if size >= ZIP64_LIMIT else size  # 0xFFFFFFFF: "see the ZIP64 extra"
        o32 = 0xFFFFFFFF if offset >= ZIP64_LIMIT else offset
        return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 45 if extra else 0, 0x0808, 0, 0, 0, crc,
                           s32, s32, len(name_b), len(extra), 0, 0, 0, 0, o32) + name_b + extra

    def finish(self):
        cd_start = self.pos
        for entry in self.entries:
            self._write(self._central_entry(*entry))
        n, cd_size, eocd64 = len(self.entries), self.pos - cd_start, self.pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 45, 0, 0, n, n, cd_size, cd_start))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, 0xFFFFFFFF), min(cd_start, 0xFFFFFFFF), 0))


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
