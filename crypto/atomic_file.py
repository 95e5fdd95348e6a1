"""Crash-safe replacement of small files: write a temp file beside the target, fsync it, rename, fsync the directory.

After a crash at any moment the target holds either the old or the new content, never a mix or nothing. The temp
file lives in the target's directory (same filesystem, so rename is atomic) and is created 0600 with O_EXCL.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

FILE_MODE = 0o600


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably. On failure the old file is untouched."""
    tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    try:
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def overwrite_and_unlink(path: Path) -> None:
    """Overwrite a file's bytes in place with random data, fsync, then unlink it.

    On flash storage the old blocks may survive in the drive's spare area; the security design (docs/security.md) says so
    and relies on the overwritten file holding only wrapped keys.
    """
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        size = os.fstat(fd).st_size
        os.pwrite(fd, secrets.token_bytes(max(size, 1)), 0)
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink()
    fsync_dir(path.parent)
