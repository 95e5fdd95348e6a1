"""Writing an export's files while they are produced, all or nothing, encrypted on the way when asked.

An exporter that streams (Uwazi, statistics) never holds a whole file: it writes each row as it is made into a
:class:`PendingFile`. Nothing appears under a final name until every file of the export is complete:

- each file is written under a temp name beside its final name (``.NAME.tmp-<hex>``, private, created exclusively);
- without recipients that temp file is the plaintext output itself (seekable, so a ZIP is written exactly as
  :mod:`zipfile` writes it into memory: the same bytes as an in-memory rendering);
- with recipients, the plaintext goes first to a *spool* (``.NAME.spool-<hex>``): a seekable file encrypted with
  AES-256-CTR under a key that exists only in this process's memory, so no plaintext reaches the disk and a ZIP still
  gets its seekable layout; when the file is complete the spool is decrypted chunk by chunk into the age stream
  (:func:`crypto.age.encrypt_stream`), whose output is the temp file; the spool is then deleted (its key is gone
  with the process either way);
- :meth:`ExportFiles.commit` fsyncs and renames every temp file to its final name only once all are complete;
  any failure before (full disk, a refused render, an exception) removes every temp file and spool: no partial
  output file is ever left under a final name. :func:`intake_app.exports.output.remove_written` undoes a commit
  whose audit entry could not be recorded.

SHA-256 of the plaintext and of the bytes written are computed as the files are finished (the plaintext one by
reading the finished file or spool back once).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import sqlcipher3
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from crypto import age, fs
from crypto.atomic_file import fsync_dir, temp_name
from intake_app.exports.output import WrittenFile, check_name, prepare_dir
from intake_app.vault import leftovers

CHUNK = 1 << 20
_BLOCK = 16


def _create_rw(path: Path) -> int:
    """A new private file (exclusive create, 0600 whatever the umask), open for reading and writing."""
    os.close(fs.create_private_file(path))
    try:
        return fs.open_fd(path, os.O_RDWR)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


class _Positioned:
    """The seekable surface of the write-then-read files below (zipfile seeks back to rewrite its local headers): a
    position and an end, moved by ``write`` in the subclass."""

    _pos: int
    _end: int

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._end}[whence]
        self._pos = base + offset
        return self._pos

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        return None


class _CtrSpool(_Positioned):
    """A seekable, write-then-read file encrypted with AES-256-CTR under an ephemeral key (never stored)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = secrets.token_bytes(32)
        self._nonce = secrets.token_bytes(8)  # 64-bit nonce ‖ 64-bit block counter
        self._fd = _create_rw(path)
        self._pos = 0
        self._end = 0

    def _cipher(self, offset: int) -> tuple[object, int]:
        block, skip = divmod(offset, _BLOCK)
        counter = self._nonce + block.to_bytes(8, "big")
        return Cipher(algorithms.AES(self._key), modes.CTR(counter)).encryptor(), skip

    def _xor(self, data: bytes | memoryview, offset: int) -> bytes:
        enc, skip = self._cipher(offset)
        out: bytes = enc.update(bytes(skip) + bytes(data))  # type: ignore[attr-defined]
        return out[skip:]

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        written = fs.write_at(self._fd, self._xor(view, self._pos), self._pos)
        if written != len(view):
            raise OSError("the disk accepted fewer bytes than written")
        self._pos += len(view)
        self._end = max(self._end, self._pos)
        return len(view)

    def chunks(self) -> Iterator[bytes]:
        """The plaintext from the start, CHUNK bytes at a time."""
        offset = 0
        while offset < self._end:
            raw = fs.read_at(self._fd, min(CHUNK, self._end - offset), offset)
            if not raw:
                raise OSError("the export spool is shorter than what was written to it")
            yield self._xor(raw, offset)
            offset += len(raw)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._key = b""
        with contextlib.suppress(OSError):
            self.path.unlink()


class _Counting:
    """A binary sink counting and hashing what passes to the descriptor ``fd``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        fs.write_all(self.fd, view)
        self.sha.update(view)
        self.size += len(view)
        return len(view)

    def flush(self) -> None:
        return None


class PendingFile(_Positioned):
    """One output file being written (see the module text). Write to it, seek in it (a ZIP does), then let
    :class:`ExportFiles` finish and commit it."""

    def __init__(self, out_dir: Path, name: str, recipients: Sequence[age.X25519Recipient]) -> None:
        check_name(name)
        self.name = name
        self.recipients = tuple(recipients)
        self.final = f"{name}.age" if recipients else name
        self.path = out_dir / self.final
        self.tmp = temp_name(self.path)
        self._fd: int | None = _create_rw(self.tmp)
        self._spool: _CtrSpool | None = None
        if recipients:
            self._spool = _CtrSpool(out_dir / f".{self.final}.spool-{secrets.token_hex(8)}")
        self._pos = 0
        self._end = 0
        self.written: WrittenFile | None = None

    # -- the file-like surface zipfile and csv writers use --------------------------------------------------------
    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._spool is not None:
            return self._spool.write(data)
        assert self._fd is not None
        view = memoryview(data).cast("B")
        if fs.write_at(self._fd, view, self._pos) != len(view):
            raise OSError("the disk accepted fewer bytes than written")
        self._pos += len(view)
        self._end = max(self._end, self._pos)
        return len(view)

    def tell(self) -> int:
        return self._spool.tell() if self._spool is not None else super().tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._spool.seek(offset, whence) if self._spool is not None else super().seek(offset, whence)

    # -- finishing -----------------------------------------------------------------------------------------------
    def finish(self) -> WrittenFile:
        """Complete the temp file (age-encrypting the spool into it when encrypting) and fsync it."""
        assert self._fd is not None
        if self._spool is not None:
            sink = _Counting(self._fd)
            plain = hashlib.sha256()
            writer = age.encrypt_stream(sink, self.recipients)  # type: ignore[arg-type]
            try:
                for chunk in self._spool.chunks():
                    plain.update(chunk)
                    writer.write(chunk)
            except BaseException:
                writer.abort()
                raise
            writer.close()
            self._spool.discard()
            self._spool = None
            plain_sha, sha, size = plain.hexdigest(), sink.sha.hexdigest(), sink.size
        else:
            digest = hashlib.sha256()
            offset = 0
            while offset < self._end:
                raw = fs.read_at(self._fd, min(CHUNK, self._end - offset), offset)
                if not raw:
                    raise OSError("the export file is shorter than what was written to it")
                digest.update(raw)
                offset += len(raw)
            plain_sha = sha = digest.hexdigest()
            size = self._end
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None
        self.written = WrittenFile(self.final, self.path, sha, plain_sha, size, tuple(str(r) for r in self.recipients))
        return self.written

    def discard(self) -> None:
        """Remove the temp file and spool (a failed or abandoned export)."""
        if self._spool is not None:
            self._spool.discard()
            self._spool = None
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        with contextlib.suppress(OSError):
            self.tmp.unlink()


class ExportFiles:
    """The files of one export: ``with ExportFiles(...) as files:`` … ``files.commit()``; leaving the block without
    a commit (an exception) removes everything written."""

    def __init__(self, out_dir: Path, recipients: Sequence[age.X25519Recipient]) -> None:
        self.out_dir = out_dir
        self.recipients = tuple(recipients)
        self.pending: list[PendingFile] = []
        self.committed: list[WrittenFile] = []
        self._made_dir = False

    def __enter__(self) -> ExportFiles:
        leftovers.sweep_export_output(self.out_dir)  # what an export killed half-way left in this folder
        return self

    def open(self, name: str) -> PendingFile:
        """Start the file ``name`` (the output folder is made, 0700, when the first file starts)."""
        if not self.pending and not self.out_dir.exists():
            prepare_dir(self.out_dir)
            self._made_dir = True
        if any(p.name == name for p in self.pending):
            raise ValueError(f"{name} is already part of this export")
        pending = PendingFile(self.out_dir, name, self.recipients)
        self.pending.append(pending)
        return pending

    def add(self, name: str, data: bytes) -> None:
        """A whole file made in memory (a README, a PDF)."""
        self.open(name).write(data)

    def commit(self) -> list[WrittenFile]:
        """Finish every file, then rename each to its final name; returns them in the order they were opened."""
        finished = [p.finish() for p in self.pending]
        for pending in self.pending:
            pending.tmp.replace(pending.path)
            self.committed.append(pending.written)  # type: ignore[arg-type]
        fsync_dir(self.out_dir)
        return finished

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None and len(self.committed) == len(self.pending):
            return
        for pending in self.pending:
            pending.discard()
        for item in self.committed:  # a rename half-way through the commit: undo the ones done
            with contextlib.suppress(OSError):
                item.path.unlink()
        if self._made_dir:  # a folder this export made and left empty goes too
            with contextlib.suppress(OSError):
                self.out_dir.rmdir()


class Scratch:
    """An export's scratch database: a SQLCipher file in ``folder`` (``.export-scratch-<hex>``, private) under a random
    key that exists only in this process's memory; no journal, no durability (nothing in it outlives the export);
    an 8 MiB page cache, so its memory does not grow with what it holds. :meth:`close` deletes it. Exporters
    create their tables in :attr:`conn`; a transaction is open."""

    def __init__(self, folder: Path, tables: Iterable[str]) -> None:
        self.path = folder / f"{leftovers.SCRATCH_PREFIX}{secrets.token_hex(8)}"
        self.conn: Any = None
        try:
            os.close(fs.create_private_file(self.path))
            self.conn = sqlcipher3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            self.conn.execute(f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"")
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -8192", "temp_store = MEMORY"):
                self.conn.execute(f"PRAGMA {pragma}").fetchall()
            for table in tables:
                self.conn.execute(table)
            self.conn.execute("BEGIN")
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None
        with contextlib.suppress(OSError):
            self.path.unlink()


def as_binary(file: PendingFile) -> BinaryIO:
    """``file`` typed as the binary file object :mod:`zipfile` accepts."""
    return file  # type: ignore[return-value]
