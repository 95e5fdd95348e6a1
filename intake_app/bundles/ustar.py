"""A minimal, strict POSIX ustar writer and streaming reader, for bundles.

Only what bundles need: regular files with short ASCII names, written so that stock ``tar`` reads them, and read back
with every field checked, because the reader's input is hostile. No links, no directories, no pax or GNU extensions,
no absolute or ``..`` names, no duplicates. The writer streams member data of a size declared up front; the reader
streams member data without ever extracting to disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from crypto.errors import MalformedError

BLOCK = 512
MAX_MEMBER_SIZE = 8**11 - 1  # what an 11-digit octal size field holds (8 GiB - 1)
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
_MTIME = 0  # fixed: the archive must not reveal when the laptop's clock said it was made beyond what is signed


class Writable(Protocol):
    def write(self, data: bytes | bytearray | memoryview, /) -> int: ...


def _octal(value: int, width: int) -> bytes:
    return f"{value:0{width - 1}o}".encode("ascii") + b"\0"


def member_header(name: str, size: int) -> bytes:
    """The 512-byte ustar header of a regular file, mode 0600, owner 0, mtime 0."""
    if not _NAME_RE.match(name) or len(name) > 100:
        raise ValueError(f"bad member name {name!r}")
    if not 0 <= size <= MAX_MEMBER_SIZE:
        raise ValueError("member too large for ustar")
    header = bytearray(BLOCK)
    header[0 : len(name)] = name.encode("ascii")
    header[100:108] = _octal(0o600, 8)
    header[108:116] = _octal(0, 8)
    header[116:124] = _octal(0, 8)
    header[124:136] = _octal(size, 12)
    header[136:148] = _octal(_MTIME, 12)
    header[148:156] = b" " * 8
    header[156:157] = b"0"
    header[257:263] = b"ustar\x00"
    header[263:265] = b"00"
    checksum = sum(header)
    header[148:156] = f"{checksum:06o}".encode("ascii") + b"\0 "
    return bytes(header)


def padding(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


def end_of_archive() -> bytes:
    return b"\0" * (2 * BLOCK)


class TarWriter:
    """Write members whose sizes are known before their data: ``add(name, size)`` then write exactly ``size`` bytes."""

    def __init__(self, out: Writable) -> None:
        self.out = out
        self._remaining = 0
        self._size = 0
        self.names: list[str] = []

    def begin(self, name: str, size: int) -> None:
        if self._remaining:
            raise ValueError("previous member not complete")
        if name in self.names:
            raise ValueError(f"duplicate member {name}")
        self.out.write(member_header(name, size))
        self.names.append(name)
        self._remaining = size
        self._size = size

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if len(data) > self._remaining:
            raise ValueError("more data than the member's declared size")
        self.out.write(data)
        self._remaining -= len(data)
        if self._remaining == 0:
            self.out.write(padding(self._size))

    def add_bytes(self, name: str, data: bytes) -> None:
        self.begin(name, len(data))
        if data:
            self.write(data)
        else:
            self.out.write(padding(0))

    def close(self) -> None:
        if self._remaining:
            raise ValueError("last member not complete")
        self.out.write(end_of_archive())


@dataclass(frozen=True)
class Member:
    name: str
    size: int


def _parse_octal(field: bytes, what: str) -> int:
    text = field.rstrip(b"\0 ").lstrip(b" ")
    if not text or not all(48 <= c <= 55 for c in text):
        raise MalformedError(f"archive: bad {what} field")
    return int(text, 8)


def parse_header(block: bytes) -> Member | None:
    """Parse a header block; None for an all-zero block (end of archive)."""
    if len(block) != BLOCK:
        raise MalformedError("archive: truncated header")
    if block == b"\0" * BLOCK:
        return None
    stored = _parse_octal(block[148:156], "checksum")
    computed = sum(block[:148]) + 8 * 32 + sum(block[156:])
    if stored != computed:
        raise MalformedError("archive: header checksum mismatch (the file is damaged or altered)")
    if block[257:263] != b"ustar\x00" or block[263:265] != b"00":
        raise MalformedError("archive: not a POSIX ustar archive")
    if block[156:157] not in (b"0", b"\0"):
        raise MalformedError("archive: only regular files are allowed in a bundle")
    if block[345:500].strip(b"\0"):
        raise MalformedError("archive: member names with a prefix are not allowed")
    raw_name = block[0:100].split(b"\0", 1)
    if len(raw_name) == 2 and raw_name[1].strip(b"\0"):
        raise MalformedError("archive: garbage after a member name")
    try:
        name = raw_name[0].decode("ascii")
    except UnicodeDecodeError:
        raise MalformedError("archive: member name is not ASCII") from None
    if not _NAME_RE.match(name):
        raise MalformedError("archive: member name not allowed in a bundle")
    size = _parse_octal(block[124:136], "size")
    if size > MAX_MEMBER_SIZE or block != member_header(name, size):
        # Bundles are written by one writer with fixed fields (mode, owner, time, …); any other header is not ours,
        # and accepting it would let bytes change without any check noticing.
        raise MalformedError("archive: a member header is not in the canonical form bundles are written in")
    return Member(name, size)


class TarReader:
    """Iterate the members of a stream; each member's data must be read (or skipped) before the next."""

    def __init__(self, src: BinaryIO, *, max_members: int = 1_000_000) -> None:
        self.src = src
        self._readinto: Callable[[memoryview], int | None] | None = getattr(src, "readinto", None)
        self.max_members = max_members
        self._remaining = 0
        self._pad = 0
        self._seen: set[str] = set()
        self._done = False

    def _read_exact(self, n: int) -> bytes:
        chunks = []
        while n:
            chunk = self.src.read(n)
            if not chunk:
                raise MalformedError("archive: truncated")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def members(self) -> Iterator[Member]:
        while True:
            self.skip_rest()
            if self._pad:
                if self._read_exact(self._pad).strip(b"\0"):
                    raise MalformedError("archive: non-zero padding")
                self._pad = 0
            member = parse_header(self._read_exact(BLOCK))
            if member is None:
                if self._read_exact(BLOCK) != b"\0" * BLOCK:
                    raise MalformedError("archive: damaged end-of-archive marker")
                self._done = True
                return
            if member.name in self._seen:
                raise MalformedError(f"archive: member {member.name} appears twice")
            if len(self._seen) >= self.max_members:
                raise MalformedError("archive: too many members")
            self._seen.add(member.name)
            self._remaining = member.size
            self._pad = -member.size % BLOCK
            yield member

    def read(self, n: int = 1 << 20) -> bytes:
        """Up to ``n`` bytes of the current member's data; b"" at its end."""
        if self._remaining == 0:
            return b""
        data = self.src.read(min(n, self._remaining))
        if not data:
            raise MalformedError("archive: truncated member data")
        self._remaining -= len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:
        """Up to ``len(buffer)`` bytes of the current member's data into ``buffer``; 0 at its end. No copy beyond the
        source's own where the source has ``readinto``."""
        if self._remaining == 0:
            return 0
        with memoryview(buffer) as raw, raw.cast("B") as view:
            want = view[: self._remaining] if len(view) > self._remaining else view
            if self._readinto is not None:
                n = self._readinto(want)
            else:
                data = self.src.read(len(want))
                n = len(data)
                want[:n] = data
        if not n:
            raise MalformedError("archive: truncated member data")
        self._remaining -= n
        return n

    def skip_consumed(self, n: int) -> None:
        """The caller read or seeked past ``n`` bytes of the current member's data on the underlying file itself."""
        if n > self._remaining:
            raise ValueError("skipped past the member's end")
        self._remaining -= n

    def read_all(self, limit: int) -> bytes:
        if self._remaining > limit:
            raise MalformedError("archive: a member is larger than allowed")
        data = self._read_exact(self._remaining) if self._remaining else b""
        self._remaining = 0
        return data

    def skip_rest(self) -> None:
        while self._remaining:
            self.read()

    def finish(self, *, allow_trailing_zeros: bool = False) -> None:
        """After the end marker: nothing may follow (a bundle's archives are never padded to a record size); with
        ``allow_trailing_zeros`` (reading an archive some other tar wrote), zero blocks only."""
        if not self._done:
            raise MalformedError("archive: not read to its end")
        while True:
            chunk = self.src.read(1 << 16)
            if not chunk:
                return
            if not allow_trailing_zeros or chunk.strip(b"\0"):
                raise MalformedError("archive: data after the end of the archive")
