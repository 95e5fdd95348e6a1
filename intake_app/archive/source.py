"""Reading an archive file as hostile input: a CSV, or a ZIP holding ``import.csv`` (Uwazi's import/export shape).

The file's SHA-256 is taken over the bytes as given (the ZIP itself for a ZIP). The CSV must be UTF-8 (a UTF-8 BOM is
allowed and skipped); rows are read one at a time, each with the exact bytes it had in the file, so memory stays flat
whatever the number of rows. Limits: the file (and a ZIP's ``import.csv`` once inflated) at most ``MAX_FILE_BYTES``,
one row at most ``MAX_ROW_BYTES`` (either limit refuses the whole file).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from intake_app.errors import UsageError

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_ROW_BYTES = 1024 * 1024
MAX_COLUMNS = 500
_CHUNK = 1 << 16


class ArchiveFileError(UsageError):
    """The file cannot be imported at all (exit 2); nothing was changed."""


class RowTooLarge(Exception):
    """One row is over MAX_ROW_BYTES."""


@dataclass(frozen=True)
class Row:
    number: int  # 1 = the first row after the header
    cells: list[str]
    raw: bytes  # the row's bytes exactly as in the file (line end included)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArchiveFileError(f"cannot read {path}: {exc.strerror}") from None
    if not path.is_file():
        raise ArchiveFileError(f"{path} is not a file")
    if size > MAX_FILE_BYTES:
        raise ArchiveFileError(f"{path.name} is larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    if size == 0:
        raise ArchiveFileError(f"{path.name} is empty: not a CSV or ZIP")


class _Limited(io.RawIOBase):
    """A ZIP member's stream that refuses to inflate past the limit (a ZIP bomb stops here)."""

    def __init__(self, inner: IO[bytes], limit: int) -> None:
        self.inner, self.left = inner, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(min(len(buffer), self.left + 1))
        if len(data) > self.left:
            raise ArchiveFileError(f"import.csv inflates past the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


class _Lines:
    """Text lines (line ends kept) from UTF-8 bytes; records the bytes of the lines handed out since the last take."""

    def __init__(self, binary: BinaryIO) -> None:
        self.binary = binary
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.offset = 0  # bytes decoded so far (for the error message)
        self.pending = ""
        self.taken: list[str] = []
        self.size = 0
        self.first = True

    def _fill(self) -> bool:
        chunk = self.binary.read(_CHUNK)
        if self.first and chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ArchiveFileError("the CSV is UTF-16; export it again as UTF-8")
        try:
            text = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise ArchiveFileError(f"the CSV is not UTF-8 (byte {self.offset + exc.start}); export it again as UTF-8, "
                                   "or convert it (e.g. iconv -f CP949 -t UTF-8)") from None
        if self.first and chunk:
            self.first = False
            text = text.removeprefix("\ufeff")
        self.offset += len(chunk)
        if "\x00" in text:
            raise ArchiveFileError("the file holds NUL bytes: not a CSV or ZIP")
        self.pending += text
        return bool(chunk)

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        while True:
            cut = _line_end(self.pending)
            if cut >= 0:
                line, self.pending = self.pending[: cut + 1], self.pending[cut + 1:]
                break
            if len(self.pending) > MAX_ROW_BYTES:
                raise RowTooLarge
            if not self._fill():
                if not self.pending:
                    raise StopIteration
                line, self.pending = self.pending, ""
                break
        self.taken.append(line)
        self.size += len(line) if line.isascii() else len(line.encode("utf-8"))  # bytes, as the limit says
        if self.size > MAX_ROW_BYTES:
            raise RowTooLarge
        return line

    def take(self) -> bytes:
        raw = "".join(self.taken).encode("utf-8")
        self.taken, self.size = [], 0
        return raw


def _line_end(text: str) -> int:
    """Index of the first line end (\\n, or a \\r not followed by \\n once more text is known), or -1."""
    n = text.find("\n")
    r = text.find("\r")
    if r >= 0 and (n < 0 or r < n - 1) and r + 1 < len(text):
        return r
    return n


def _rows(binary: BinaryIO) -> Iterator[tuple[list[str], Iterator[Row]]]:
    lines = _Lines(binary)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ArchiveFileError("the CSV has no header row") from None
    except (csv.Error, RowTooLarge):
        raise ArchiveFileError("the header row is not CSV, or is over 1 MiB: not a CSV") from None
    lines.take()
    if len(header) > MAX_COLUMNS:
        raise ArchiveFileError(f"more than {MAX_COLUMNS} columns")

    def rows() -> Iterator[Row]:
        number = 0
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except RowTooLarge:
                raise ArchiveFileError(f"row {number} is over the 1 MiB limit of a row; nothing was imported") from None
            except csv.Error as exc:
                raise ArchiveFileError(f"row {number} is not valid CSV ({exc}); nothing was imported") from None
            raw = lines.take()
            if not cells or cells == [""] * len(cells):
                continue  # blank line
            yield Row(number, cells, raw)

    yield header, rows()


def open_rows(path: Path) -> Iterator[tuple[list[str], Iterator[Row]]]:
    """Yield once ``(header, rows)`` for a CSV or a ZIP holding ``import.csv``; the file stays open while iterated."""
    _check_size(path)
    with path.open("rb") as fh:
        magic = fh.read(4)
        fh.seek(0)
        if magic == b"PK\x03\x04":
            try:
                zf = zipfile.ZipFile(fh)
            except zipfile.BadZipFile:
                raise ArchiveFileError(f"{path.name} is not a valid ZIP") from None
            with zf:
                names = [i for i in zf.infolist() if i.filename.rsplit("/", 1)[-1] == "import.csv"]
                if len(names) != 1:
                    raise ArchiveFileError(f"{path.name} holds no import.csv (or more than one): not an Uwazi "
                                           "import ZIP")
                info = names[0]
                if info.file_size > MAX_FILE_BYTES:
                    raise ArchiveFileError("import.csv is larger than the limit")
                try:
                    member = zf.open(info)
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
                    raise ArchiveFileError(f"import.csv cannot be read ({type(exc).__name__})") from None
                with member:
                    limited = io.BufferedReader(_Limited(member, MAX_FILE_BYTES), _CHUNK)
                    try:
                        yield from _rows(limited)
                    except zipfile.BadZipFile:
                        raise ArchiveFileError("import.csv is damaged in the ZIP") from None
        elif path.suffix.lower() == ".zip":
            raise ArchiveFileError(f"{path.name} is not a ZIP")
        else:
            yield from _rows(fh)
