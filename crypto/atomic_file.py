"""Crash-safe replacement of small files; for secret ones, without leaving the superseded version in free blocks.

``write_atomic`` writes a temp file beside the target, fsyncs it, renames it over the target and fsyncs the directory.

``replace_secret_file`` (used for keyslots.json) does the same, and first gives the target's inode a second name (a hard
link, ``.<name>.old-<hex>``), made durable; after the rename and the directory fsync it overwrites the old inode's bytes
in place with random data of the same length, fsyncs, and unlinks the link. A rename alone leaves the old file's blocks
intact in free space, where a raw scan of the disk finds them (issue 11). After a crash at any moment the target holds
either the old or the new content, never a mix or nothing; leftovers are ``.<name>.tmp-*`` (a new version never
committed) and ``.<name>.old-*`` (a link to the old version, or to the current one if the crash came before the rename).
:func:`remove_leftovers` deals with both. The protocol is documented in docs/formats/keyslots.md.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from crypto import fs
from crypto.fs import FILE_MODE, fsync_dir, overwrite_in_place

__all__ = ["FILE_MODE", "commit_temp", "fsync_dir", "leftover_patterns", "old_name", "overwrite_and_unlink",
           "overwrite_in_place", "remove_leftovers", "replace_secret_file", "temp_name", "write_atomic", "write_temp"]


def temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{secrets.token_hex(8)}")


def old_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.old-{secrets.token_hex(8)}")


def leftover_patterns(path: Path) -> list[str]:
    """Glob patterns (in ``path.parent``) of what an interrupted :func:`write_atomic` of ``path`` can leave."""
    return [f".{path.name}.tmp-*", f".{path.name}.old-*"]


def write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new private temp file beside ``path`` and fsync it; return the temp file's path."""
    tmp = temp_name(path)
    fd = fs.create_private_file(tmp)
    try:
        fs.write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            overwrite_and_unlink(tmp)
        raise
    os.close(fd)
    return tmp


def commit_temp(tmp: Path, path: Path, *, destroy_old: bool = True, discard_on_failure: bool = True) -> None:
    """Rename the fsynced file ``tmp`` over ``path`` durably, then (``destroy_old``) overwrite the superseded version's
    bytes in place. Where the file system has no hard links (FAT on a USB stick) the old version is not destroyed.
    ``discard_on_failure=False`` keeps ``tmp`` if the rename fails (when it is the only copy of something needed)."""
    directory = path.parent
    old: Path | None = None
    if destroy_old and path.exists():
        old = old_name(path)
        try:
            os.link(path, old, follow_symlinks=False)
        except OSError:
            old = None
        else:
            fsync_dir(directory)
    try:
        tmp.replace(path)
    except BaseException:
        if discard_on_failure:
            with contextlib.suppress(OSError):
                overwrite_and_unlink(tmp)
        if old is not None:
            with contextlib.suppress(OSError):
                old.unlink()  # still the current file's inode: unlink only, never overwrite
        raise
    fsync_dir(directory)
    if old is not None:
        overwrite_and_unlink(old)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably. On failure the old file is untouched."""
    commit_temp(write_temp(path, data), path, destroy_old=False)


def replace_secret_file(path: Path, data: bytes) -> None:
    """As :func:`write_atomic`, and the old content's bytes are overwritten in place once the new content is durable."""
    commit_temp(write_temp(path, data), path, destroy_old=True)


def overwrite_and_unlink(path: Path) -> None:
    """Overwrite a file's bytes in place with random data, fsync, then unlink it and fsync the directory.

    On a file system that writes in place (ext4, XFS) this destroys the file's blocks; on copy-on-write file systems and
    behind an SSD's flash translation layer the old blocks may survive; docs/security.md says so.
    """
    overwrite_in_place(path)
    path.unlink()
    fsync_dir(path.parent)


def remove_leftovers(path: Path, live: list[Path] | None = None) -> None:
    """Destroy what interrupted writes of ``path`` left behind: temp files are overwritten and unlinked; an ``.old-*``
    link is overwritten unless it still shares its inode with ``path`` or another ``live`` file (then only unlinked, as
    overwriting it would destroy the current version)."""
    live_inodes: set[tuple[int, int]] = set()
    for p in [path, *(live or [])]:
        with contextlib.suppress(OSError):
            st = p.stat(follow_symlinks=False)
            live_inodes.add((st.st_dev, st.st_ino))
    for pattern in leftover_patterns(path):
        for leftover in sorted(path.parent.glob(pattern)):
            # Any failure (not only OSError) leaves the leftover for the next open: a cleanup that cannot run must
            # never keep the vault from opening (issue 27, W5: on Windows it raised AttributeError at every open).
            with contextlib.suppress(Exception):
                st = leftover.stat(follow_symlinks=False)
                if (st.st_dev, st.st_ino) in live_inodes:
                    leftover.unlink()
                    fsync_dir(path.parent)
                else:
                    overwrite_and_unlink(leftover)
