"""The recording journal: an append-only, encrypted file that a recording in progress commits to every few seconds.

A recording cannot be written as an ordinary blob while it runs: the blob format (``docs/formats/blob-format.md``) marks
its final chunk, and the WAV header at the start holds the data length, both unknown until the end; rewriting a sealed
chunk in place would reuse a nonce. So samples go to a journal of self-delimiting sealed records, each made durable
(written and fsync'ed) when committed. After a crash every committed record is still readable and authenticated; the
recording is then turned into a normal blob holding a standard WAV file (``intake_app.recording.service``). The byte
format is specified in ``docs/formats/blob-format.md`` ("Recording journal").

Nothing here touches the database; one writer per journal, used from one thread.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import fs
from intake_app.errors import RefusedError

MAGIC: Final = b"\x89TIjrnl\n"
VERSION: Final = 1
KEY_LEN: Final = 32
SALT_LEN: Final = 32
MAC_LEN: Final = 32
TAG_LEN: Final = 16
_FIELDS: Final = struct.Struct(f">{len(MAGIC)}sB{SALT_LEN}s")
HEADER_LEN: Final = _FIELDS.size + MAC_LEN  # 73
_LEN: Final = struct.Struct(">I")
MAX_BODY: Final = 1 << 20  # a reader never buffers more than 1 MiB for one record
MAX_SEALED: Final = 1 + MAX_BODY + TAG_LEN
_KDF_INFO: Final = b"testimony-intake recording journal v1\x00"

T_META: Final = 0x01
T_AUDIO: Final = 0x02
T_EVENT: Final = 0x03
T_END: Final = 0x04
# Never written: what ``JournalReader.records`` yields where complete records did not authenticate but later ones did
# (a damaged stretch of the disk). Its body is the JSON ``{"records": n, "bytes": sealed bytes skipped}``.
T_GAP: Final = 0x00
_TYPES: Final = frozenset({T_META, T_AUDIO, T_EVENT, T_END})


def _derive(key: bytes, journal_id: bytes, fields: bytes) -> tuple[bytes, bytes]:
    salt = fields[-SALT_LEN:]
    info = _KDF_INFO + fields[:-SALT_LEN] + len(journal_id).to_bytes(2, "big") + journal_id
    okm = HKDF(algorithm=hashes.SHA256(), length=2 * KEY_LEN, salt=salt, info=info).derive(key)
    return okm[:KEY_LEN], okm[KEY_LEN:]


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _check(key: bytes, journal_id: bytes) -> None:
    if len(key) != KEY_LEN:
        raise ValueError("a journal key is 32 bytes")
    if not 1 <= len(journal_id) <= 1024:
        raise ValueError("a journal id is 1..1024 bytes")


def _write_all(fd: int, data: bytes) -> None:
    fs.write_all(fd, data)


def lock_exclusive(fd: int, *, wait: bool) -> bool:
    """Take the journal's lock (recovery must never take over a journal another process is still writing); False if
    ``wait`` is False and another process holds it. crypto.fs.lock_exclusive: flock, or a Windows byte-range lock."""
    return fs.lock_exclusive(fd, wait=wait)


class JournalWriter:
    """Seal records into an open, empty, append-only file descriptor; ``commit`` makes what was written durable.

    The writer takes the file's advisory lock for its lifetime (released when the descriptor closes, also by a kill).
    """

    def __init__(self, fd: int, key: bytes, journal_id: bytes, meta: dict[str, Any]) -> None:
        _check(key, journal_id)
        self._fd: int | None = fd
        lock_exclusive(fd, wait=True)
        fields = _FIELDS.pack(MAGIC, VERSION, secrets.token_bytes(SALT_LEN))
        payload_key, mac_key = _derive(key, journal_id, fields)
        self._aead = ChaCha20Poly1305(payload_key)
        self._index = 0
        self.bytes_on_disk = 0
        self._closed = False
        self._write(fields + hmac.new(mac_key, fields, hashlib.sha256).digest())
        self.append(T_META, json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        self.commit()

    @property
    def records(self) -> int:
        return self._index

    def append(self, kind: int, body: bytes) -> None:
        """Seal one record (split into several if larger than 1 MiB) and hand it to the OS; not yet durable."""
        if self._closed:
            raise RefusedError("the recording was already stopped")
        if kind not in _TYPES:
            raise ValueError("unknown journal record type")
        for start in range(0, max(1, len(body)), MAX_BODY):
            piece = body[start:start + MAX_BODY]
            sealed_len = 1 + len(piece) + TAG_LEN
            prefix = _LEN.pack(sealed_len)
            sealed = self._aead.encrypt(_nonce(self._index), bytes([kind]) + piece, prefix)
            self._index += 1
            self._write(prefix + sealed)

    def commit(self) -> None:
        """fsync: every record appended so far survives a crash or a power cut from now on."""
        if self._fd is None:
            raise RefusedError("the recording's journal is closed")
        try:
            os.fsync(self._fd)
        except OSError as exc:
            raise _disk_error(exc) from exc

    def close(self, *, end: dict[str, Any] | None) -> None:
        """With ``end``, seal the end record (a clean stop) and commit; then close the file (dropping the lock)."""
        if self._fd is None:
            return
        try:
            if end is not None and not self._closed:
                self.append(T_END, json.dumps(end, sort_keys=True).encode("utf-8"))
                self.commit()
        finally:
            self._closed = True
            fd, self._fd = self._fd, None
            os.close(fd)

    def abandon(self) -> None:
        """Close without an end record (what a crash leaves), e.g. after a write error."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            self._closed = True
            with contextlib.suppress(OSError):
                os.close(fd)

    def _write(self, data: bytes) -> None:
        if self._fd is None:
            raise RefusedError("the recording's journal is closed")
        try:
            _write_all(self._fd, data)
        except OSError as exc:
            raise _disk_error(exc) from exc
        self.bytes_on_disk += len(data)


def _disk_error(exc: OSError) -> RefusedError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return RefusedError("the disk is full: the recording stopped; everything up to now is kept")
    return RefusedError(f"could not write the recording: {exc.strerror or exc.__class__.__name__}")


@dataclass
class JournalScan:
    """What a read of a journal found: the records that authenticated, then whether and how it ended."""

    records: int = 0
    clean_end: bool = False
    tail_bytes: int = 0  # bytes after the last record that authenticated (an uncommitted or torn write)
    tail_reason: str = ""
    gaps: int = 0  # damaged records skipped between records that authenticated (reported as T_GAP)
    damaged_tail: bool = False  # the tail holds complete records that do not authenticate (not a torn write)

    @property
    def fully_read(self) -> bool:
        """Every record was read, except at most a last record cut off by a crash: nothing is left to try again."""
        return not self.gaps and not self.damaged_tail


class JournalReader:
    """Read a journal from a file descriptor (not closed here), authenticating every record before releasing it.

    ``records()`` yields ``(type, body)`` in order and stops at the end record, at the end of the file, or at the
    first record that is incomplete or whose length is impossible (the part of a crash that was never committed);
    ``scan`` then says which. A complete record that does not authenticate (a damaged disk block) is skipped: its
    length is part of its associated data and its nonce is its index, so the records after it still open; when one
    does, a ``T_GAP`` record saying how much was skipped is yielded before it. Damaged records with nothing readable
    after them are the tail. A header that does not authenticate (wrong key, wrong id, edited) raises at once.
    """

    def __init__(self, fd: int, key: bytes, journal_id: bytes) -> None:
        _check(key, journal_id)
        self._fd = fd
        os.lseek(fd, 0, os.SEEK_SET)
        self._size = os.fstat(fd).st_size
        header = self._read(HEADER_LEN)
        if len(header) < HEADER_LEN:
            raise RefusedError("the recording's journal is too short to hold its header")
        fields, mac = header[: _FIELDS.size], header[_FIELDS.size:]
        magic, version, _ = _FIELDS.unpack(fields)
        if magic != MAGIC:
            raise RefusedError("this is not a recording journal")
        if version != VERSION:
            raise RefusedError(f"the recording journal has version {version}, which this program does not know")
        payload_key, mac_key = _derive(key, journal_id, fields)
        if not hmac.compare_digest(hmac.new(mac_key, fields, hashlib.sha256).digest(), mac):
            raise RefusedError("the recording journal does not open with its key (wrong key, wrong file, or altered)")
        self._aead = ChaCha20Poly1305(payload_key)
        self._pos = HEADER_LEN
        self.scan = JournalScan()

    def _read(self, n: int) -> bytes:
        chunks: list[bytes] = []
        while n > 0:
            piece = os.read(self._fd, n)
            if not piece:
                break
            chunks.append(piece)
            n -= len(piece)
        return b"".join(chunks)

    def records(self) -> Iterator[tuple[int, bytes]]:
        index = 0
        skipped: list[int] = []  # offsets of damaged records not yet followed by a good one
        skipped_bytes = 0
        while True:
            start = self._pos
            prefix = self._read(_LEN.size)
            if not prefix:
                self._end_with_skipped(skipped)
                return
            if len(prefix) < _LEN.size:
                self._stop(skipped[0] if skipped else start, "a record's length was cut off")
                self.scan.damaged_tail = bool(skipped)
                return
            (sealed_len,) = _LEN.unpack(prefix)
            if not 1 + TAG_LEN <= sealed_len <= MAX_SEALED:
                self._stop(skipped[0] if skipped else start, "a record's length is impossible")
                self.scan.damaged_tail = bool(skipped) or self._size - start > _LEN.size + MAX_SEALED
                return
            sealed = self._read(sealed_len)
            if len(sealed) < sealed_len:
                self._stop(skipped[0] if skipped else start, "the last record was cut off")
                self.scan.damaged_tail = bool(skipped)
                return
            self._pos = start + _LEN.size + sealed_len
            try:
                plain = self._aead.decrypt(_nonce(index), sealed, prefix)
            except InvalidTag:
                if index == 0:  # the metadata record: nothing can be read without it
                    self._stop(start, "a record does not authenticate")
                    self.scan.damaged_tail = True
                    return
                skipped.append(start)
                skipped_bytes += _LEN.size + sealed_len
                index += 1
                continue
            kind, body = plain[0], plain[1:]
            if kind not in _TYPES or (index == 0) != (kind == T_META):
                self._stop(skipped[0] if skipped else start, "a record is out of place")
                self.scan.damaged_tail = True
                return
            if skipped:
                self.scan.gaps += len(skipped)
                yield T_GAP, json.dumps({"records": len(skipped), "bytes": skipped_bytes}).encode("ascii")
                skipped, skipped_bytes = [], 0
            index += 1
            self.scan.records = index
            yield kind, body
            if kind == T_END:
                self.scan.clean_end = True
                if self._pos != self._size:
                    self.scan.tail_bytes = self._size - self._pos
                    self.scan.tail_reason = "data follows the end record"
                return

    def _end_with_skipped(self, skipped: list[int]) -> None:
        if skipped:
            self._stop(skipped[0], "the last records do not authenticate")
            self.scan.damaged_tail = True

    def _stop(self, at: int, reason: str) -> None:
        self.scan.tail_bytes = self._size - at
        self.scan.tail_reason = reason


def parse_json(body: bytes) -> dict[str, Any]:
    """A meta, event or end record's JSON object (the records authenticated, but are checked anyway)."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RefusedError("a recording journal record is not valid JSON") from exc
    if not isinstance(value, dict):
        raise RefusedError("a recording journal record is not a JSON object")
    return value
