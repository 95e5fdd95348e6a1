"""The vault's attachment store: ``<vault>/blobs/<id>``, each file one attachment encrypted under its own key.

Plaintext never touches this directory. ``put`` encrypts while it reads the source, writing ciphertext to a hidden
``.tmp-*`` file that becomes ``<id>`` only once it is complete and on disk (fsync, rename, fsync of the directory), so
a crash, a full disk or a cancel leaves either nothing or a leftover that :meth:`BlobStore.sweep_orphans` removes.

Blob ids are random (128 bits), never the plaintext's hash: the names on disk must not tell which known file a seized
vault holds. The caller (the record store) keeps ``StoredBlob.key`` inside the encrypted vault database; without it a
blob is noise. The byte format is :mod:`crypto.blob_cipher`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import io
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

from crypto import fs
from crypto.background_hash import BackgroundHasher
from crypto.blob_cipher import DEFAULT_CHUNK_LOG2, KEY_LEN, BlobReader, BlobWriter
from crypto.errors import CryptoError
from crypto.fs import overwrite_in_place
from intake_app.errors import RefusedError, UsageError

BLOB_ID_HEX_LEN: Final = 32
_BLOB_ID_RE: Final = re.compile(r"[0-9a-f]{32}")
TEMP_PREFIX: Final = ".tmp-"
# Append-only journals of recordings in progress (intake_app.recording.journal): ciphertext only, named by a random id
# the vault database holds with the journal's key. sweep_orphans leaves them alone; recovery decides their fate.
JOURNAL_PREFIX: Final = ".rec-"
# One read from the source per 16 chunks: few Python round trips, still a small, constant amount of memory.
_IO_BLOCK: Final = 16 << DEFAULT_CHUNK_LOG2
# Ciphertext written between two requests to start writing it to disk (crypto.fs.start_writeback).
_WRITEBACK_STEP: Final = 8 << 20
_NO_SPACE_ERRNOS: Final = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
_DIR_MODE: Final = 0o700


class AttachmentCancelled(RefusedError):
    """The user cancelled storing an attachment; nothing was kept."""


@dataclass(frozen=True)
class StoredBlob:
    """What the record store keeps (encrypted, in vault.db) about a stored attachment."""

    blob_id: str
    key: bytes = field(repr=False)
    sha256: str  # of the plaintext, hex
    size: int  # plaintext bytes


def _no_space_or(exc: OSError, doing: str) -> RefusedError:
    if exc.errno in _NO_SPACE_ERRNOS:
        return RefusedError(f"not enough space on the disk to {doing}")
    return RefusedError(f"could not {doing}: {exc.strerror or exc.__class__.__name__}")


def _create_private_file(path: Path) -> int:
    """Create ``path`` exclusively, for writing, owner-only whatever the umask, refusing to follow a symlink."""
    return fs.create_private_file(path)


def _fsync_dir(path: Path) -> None:
    """Make a rename or unlink in ``path`` durable (a no-op on Windows, which cannot open a folder)."""
    fs.fsync_dir(path)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class BlobStore:
    """Encrypted attachments in one directory. Thread-safe for concurrent ``put``/``open`` on distinct blobs."""

    def __init__(self, root: Path) -> None:
        """Open (creating if needed, mode 0700) the blob directory ``root``; its parent must exist."""
        self.root = Path(root)
        try:
            self.root.mkdir(mode=_DIR_MODE, exist_ok=True)
        except FileNotFoundError as exc:
            raise UsageError("the vault folder for attachments does not exist") from exc
        except OSError as exc:
            raise _no_space_or(exc, "create the attachment folder") from exc
        st = self.root.lstat()
        if not stat.S_ISDIR(st.st_mode):
            raise RefusedError("the vault's attachment folder is not a folder (or is a symbolic link)")
        if fs.IS_WINDOWS or stat.S_IMODE(st.st_mode) != _DIR_MODE:
            fs.set_private(self.root)
        self._lock = threading.Lock()
        self._in_flight: set[str] = set()  # temp names being written now, which sweep_orphans must leave alone

    # -- writing ---------------------------------------------------------------------------------------------------

    def put(
        self,
        src: BinaryIO,
        *,
        progress: Callable[[int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> StoredBlob:
        """Encrypt everything ``src`` yields into a new blob; returns its id, key, plaintext sha256 and size.

        ``progress`` is called with the plaintext bytes stored so far; ``cancel`` is polled between reads and
        stops the operation when it returns True (:class:`AttachmentCancelled`). On any failure (a full disk, a
        source that cannot be read, a cancel) the partial ciphertext is removed and nothing is left that looks
        like a blob. The blob is durable on disk when this returns.
        """
        blob_id = secrets.token_hex(BLOB_ID_HEX_LEN // 2)
        key = secrets.token_bytes(KEY_LEN)
        tmp_name = TEMP_PREFIX + secrets.token_hex(8)
        tmp = self.root / tmp_name
        final = self.root / blob_id
        with self._lock:
            self._in_flight.add(tmp_name)
        try:
            try:
                fd = _create_private_file(tmp)
            except OSError as exc:
                raise _no_space_or(exc, "store the attachment") from exc
            written = tmp
            try:
                with io.FileIO(fd, "wb", closefd=True) as out:
                    digest, size = self._encrypt_into(src, out, key, blob_id, progress, cancel)
                    os.fsync(out.fileno())
                tmp.rename(final)
                written = final  # a failed directory fsync must not leave a blob the caller was told failed
                _fsync_dir(self.root)
            except OSError as exc:
                _unlink_quietly(written)
                raise _no_space_or(exc, "store the attachment") from exc
            except BaseException:
                _unlink_quietly(written)
                raise
        finally:
            with self._lock:
                self._in_flight.discard(tmp_name)
        return StoredBlob(blob_id=blob_id, key=key, sha256=digest, size=size)

    @staticmethod
    def _encrypt_into(
        src: BinaryIO,
        out: io.FileIO,
        key: bytes,
        blob_id: str,
        progress: Callable[[int], None] | None,
        cancel: Callable[[], bool] | None,
    ) -> tuple[str, int]:
        hasher = hashlib.sha256()
        writer = BlobWriter(out, key, blob_id.encode("ascii"))
        # Each block is read into a buffer of a small pool where the source can (files, decrypting readers: no
        # allocation or copy per block), encrypted from it, and SHA-256-hashed from it on a helper thread where a
        # second core may run it (BackgroundHasher; the buffers are wiped at the end).
        readinto = getattr(src, "readinto", None)
        flushed = 0  # ciphertext bytes already handed to the kernel's writeback
        with BackgroundHasher(hasher, block=_IO_BLOCK) as hashing:
            while True:
                if cancel is not None and cancel():
                    writer.abort()
                    raise AttachmentCancelled("storing the attachment was cancelled; nothing was kept")
                buffer = hashing.buffer()
                try:
                    if readinto is None:
                        data = src.read(_IO_BLOCK)
                        n = len(data)
                        buffer[:n] = data
                    elif (n := readinto(buffer)) is None:
                        raise OSError(errno.EAGAIN, "the source would block")
                except OSError as exc:
                    writer.abort()
                    # Raised as a non-OSError so put() does not report it as a problem with the vault's disk.
                    raise RefusedError(
                        f"could not read the file to attach: {exc.strerror or exc.__class__.__name__}"
                    ) from exc
                if not n:
                    break
                hashing.submit(buffer, n)
                writer.write(buffer[:n])
                if (written := out.tell()) - flushed >= _WRITEBACK_STEP:
                    # The disk starts on what is written while the rest is encrypted; put()'s fsync waits for less.
                    fs.start_writeback(out.fileno(), flushed, written - flushed)
                    flushed = written
                if progress is not None:
                    progress(writer.size)
            writer.close()
            hashing.finish()
        return hasher.hexdigest(), writer.size

    # -- reading ---------------------------------------------------------------------------------------------------

    def open(self, blob_id: str, key: bytes) -> BlobReader:
        """A seekable reader of the blob's plaintext, decrypting one 64 KiB chunk at a time; close it when done.

        The header and the final chunk are checked here (so ``reader.size`` is authentic); a chunk altered later in
        the file raises :class:`crypto.errors.AuthenticationError` from the read that reaches it.
        """
        path = self._path(blob_id)
        try:
            fd = fs.open_fd(path, os.O_RDONLY)
        except FileNotFoundError as exc:
            raise RefusedError("the attachment's file is missing from the vault") from exc
        except OSError as exc:
            raise RefusedError(f"could not open the attachment: {exc.strerror}") from exc
        src = io.FileIO(fd, "rb", closefd=True)
        try:
            return BlobReader(src, key, blob_id.encode("ascii"), close_source=True)
        except CryptoError as exc:
            src.close()
            raise RefusedError(f"the attachment cannot be read: {exc}") from exc
        except BaseException:
            src.close()
            raise

    def verify(self, blob_id: str, key: bytes, sha256: str) -> None:
        """Decrypt the whole blob, authenticating every chunk, and check the plaintext's sha256; raise if not."""
        hasher = hashlib.sha256()
        buf = bytearray(_IO_BLOCK)
        view = memoryview(buf)
        with self.open(blob_id, key) as reader:
            try:
                while n := reader.readinto(view):
                    hasher.update(view[:n])
            except CryptoError as exc:
                raise RefusedError(f"the attachment failed verification: {exc}") from exc
            except OSError as exc:
                raise RefusedError(f"could not read the attachment: {exc.strerror}") from exc
        if not hmac.compare_digest(hasher.hexdigest(), sha256.lower()):
            raise RefusedError("the attachment failed verification: its content does not match the recorded hash")

    def extract(self, blob_id: str, key: bytes, dst: Path, *, overwrite: bool = False) -> None:
        """Write the plaintext to ``dst``, a path the user chose: an explicit, deliberate plaintext copy.

        The copy goes through a private temp file beside ``dst`` and is renamed into place only once complete and
        on disk, so a failure (tampered blob, full disk) never leaves a partial file. ``dst`` gets mode 0600.
        """
        dst = Path(dst)
        parent = dst.parent
        if not parent.is_dir():
            raise UsageError("the folder to extract the attachment into does not exist")
        if dst.is_dir():
            raise UsageError("the extraction target is a folder; choose a file name")
        if parent.resolve() == self.root.resolve():
            raise UsageError("attachments cannot be extracted into the vault's own attachment folder")
        if not overwrite and (dst.exists() or dst.is_symlink()):
            raise UsageError("a file with that name already exists; choose another name or allow overwriting")
        tmp = parent / (TEMP_PREFIX + secrets.token_hex(8))
        buf = bytearray(_IO_BLOCK)
        view = memoryview(buf)
        with self.open(blob_id, key) as reader:
            try:
                fd = _create_private_file(tmp)
            except OSError as exc:
                raise _no_space_or(exc, "extract the attachment") from exc
            try:
                with io.FileIO(fd, "wb", closefd=True) as out:
                    while n := reader.readinto(view):
                        _write_fully(out, view[:n])
                    os.fsync(out.fileno())
                self._place(tmp, dst, overwrite=overwrite)
                _fsync_dir(parent)
            except CryptoError as exc:
                _unlink_quietly(tmp)
                raise RefusedError(f"the attachment could not be extracted: {exc}") from exc
            except OSError as exc:
                _unlink_quietly(tmp)
                if exc.errno == errno.EEXIST:
                    raise UsageError("a file with that name already exists; choose another name") from exc
                raise _no_space_or(exc, "extract the attachment") from exc
            except BaseException:
                _unlink_quietly(tmp)
                raise
            finally:
                buf[:] = bytes(len(buf))

    @staticmethod
    def _place(tmp: Path, dst: Path, *, overwrite: bool) -> None:
        if overwrite:
            tmp.replace(dst)
            return
        try:
            # link() fails if dst appeared meanwhile, where rename() would silently replace it.
            os.link(tmp, dst)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK):
                raise
            # File systems without hard links (FAT/exFAT USB sticks): check, then rename.
            if dst.exists() or dst.is_symlink():
                raise FileExistsError(errno.EEXIST, "exists") from exc
            tmp.rename(dst)
            return
        tmp.unlink()

    # -- recording journals ----------------------------------------------------------------------------------------

    def create_journal(self, journal_id: str) -> int:
        """Create ``.rec-<journal_id>`` (0600, exclusive, no symlink) for appending; returns the open descriptor.

        The directory entry is made durable at once, so a journal whose first chunk was committed is found after a
        power cut. The caller owns the descriptor.
        """
        path = self._journal_path(journal_id)
        try:
            fd = fs.create_private_file(path, append=True)
        except OSError as exc:
            raise _no_space_or(exc, "start the recording") from exc
        try:
            _fsync_dir(self.root)
        except OSError as exc:
            os.close(fd)
            _unlink_quietly(path)
            raise _no_space_or(exc, "start the recording") from exc
        return fd

    def open_journal(self, journal_id: str) -> int | None:
        """Open a journal read-only (never following a symlink); None if it does not exist."""
        try:
            return fs.open_fd(self._journal_path(journal_id), os.O_RDONLY)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise RefusedError(f"could not open the recording's journal: {exc.strerror}") from exc

    def delete_journal(self, journal_id: str) -> bool:
        """Unlink a journal (after its audio became a blob, or once it is known to hold nothing); False if absent."""
        try:
            self._journal_path(journal_id).unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise RefusedError(f"could not delete the recording's journal: {exc.strerror}") from exc
        _fsync_dir(self.root)
        return True

    def iter_journal_ids(self) -> Iterator[str]:
        """Ids of the journals present (regular files ``.rec-<32 hex>``)."""
        with os.scandir(self.root) as entries:
            for entry in entries:
                name = entry.name
                if (name.startswith(JOURNAL_PREFIX) and _BLOB_ID_RE.fullmatch(name[len(JOURNAL_PREFIX):])
                        and entry.is_file(follow_symlinks=False)):
                    yield name[len(JOURNAL_PREFIX):]

    def _journal_path(self, journal_id: str) -> Path:
        if not _BLOB_ID_RE.fullmatch(journal_id):
            raise RefusedError("invalid recording id")
        return self.root / (JOURNAL_PREFIX + journal_id)

    # -- housekeeping ----------------------------------------------------------------------------------------------

    def delete(self, blob_id: str) -> bool:
        """Unlink the blob's file; False if it was not there. Its key must be dropped from the database too."""
        path = self._path(blob_id)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise RefusedError(f"could not delete the attachment: {exc.strerror}") from exc
        _fsync_dir(self.root)
        return True

    def destroy_many(self, blob_ids: Iterable[str]) -> int:
        """Overwrite each blob's file in place with random bytes and fsync it, all before any is unlinked (unlinking a
        file whose new bytes are still only in the page cache would let the old blocks go unwritten), then unlink
        them and fsync the folder once. Used by the purge: the key rows are already gone, and the ciphertext goes
        too. Returns how many files there were. Idempotent: a missing file is skipped."""
        paths = []
        for blob_id in blob_ids:
            path = self._path(blob_id)
            if not path.is_file() or path.is_symlink():
                continue
            try:
                overwrite_in_place(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise RefusedError(f"could not destroy an attachment: {exc.strerror}") from exc
            paths.append(path)
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if paths:
            _fsync_dir(self.root)
        return len(paths)

    def iter_ids(self) -> Iterator[str]:
        """Ids of the blob files present (regular files named as blob ids), in no particular order."""
        with os.scandir(self.root) as entries:
            for entry in entries:
                if _BLOB_ID_RE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    yield entry.name

    def sweep_orphans(self, known_ids: Iterable[str], *, min_age_seconds: float = 0.0) -> list[str]:
        """Remove leftover temp files and blobs whose id is not in ``known_ids``; returns the names removed.

        A blob missing from the database is one whose record never committed (a crash between ``put`` and the
        transaction): its key is lost and it is noise. Temp files of ``put`` calls running in this store are left
        alone; ``min_age_seconds`` also spares files younger than that, which another process (the desktop app and
        the CLI may have one vault open together) may be about to commit. Unrecognised files are kept.
        """
        cutoff = time.time() - min_age_seconds
        known = set(known_ids)
        removed: list[str] = []
        with self._lock:
            in_flight = set(self._in_flight)
        with os.scandir(self.root) as entries:
            names = [(e.name, e.is_file(follow_symlinks=False) or e.is_symlink(),
                      e.stat(follow_symlinks=False).st_mtime) for e in entries]
        for name, is_file, mtime in names:
            if not is_file or mtime > cutoff:
                continue
            orphan_temp = name.startswith(TEMP_PREFIX) and name not in in_flight
            orphan_blob = bool(_BLOB_ID_RE.fullmatch(name)) and name not in known
            if orphan_temp or orphan_blob:
                _unlink_quietly(self.root / name)
                removed.append(name)
        if removed:
            _fsync_dir(self.root)
        return removed

    def _path(self, blob_id: str) -> Path:
        # Ids come from the database, but are checked anyway: a path separator must never reach the file system.
        if not _BLOB_ID_RE.fullmatch(blob_id):
            raise RefusedError("invalid attachment id")
        return self.root / blob_id


def _write_fully(out: io.FileIO, data: memoryview) -> None:
    while data:
        n = out.write(data)
        if not n:
            raise OSError(errno.EIO, "the disk accepted no data")
        data = data[n:]
