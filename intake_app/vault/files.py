"""The files of a vault folder and the crypto-erase (split from vault.py, which opens and changes a vault).

keyslots.json holds the wrapped data key; keyslots.next.json the slots of a data-key rotation under way; vault.db the
SQLCipher database; blobs/ the attachments; unlock-guard.json the duress records and failed-unlock count
(:mod:`intake_app.vault.unlock_guard`). Erasing destroys every copy of wrapped key material first.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from crypto.atomic_file import fsync_dir, overwrite_and_unlink, remove_leftovers
from intake_app.vault import unlock_guard

KEYSLOTS_FILE = "keyslots.json"
# Written by a data-key rotation before the database is re-keyed, promoted to keyslots.json after (see rotate_data_key).
PENDING_KEYSLOTS_FILE = "keyslots.next.json"
DB_FILE = "vault.db"
BLOBS_DIR = "blobs"


def remove_interrupted_slot_writes(path: Path) -> None:
    """A passphrase change killed before its rename leaves a temp file wrapping the key under a passphrase the user was
    never told had been set; one killed after leaves a hard link to the superseded file. Both are overwritten and
    removed once the vault is opened with a secret that works (a link still naming the current file is only unlinked).
    """
    live = [path / KEYSLOTS_FILE, path / PENDING_KEYSLOTS_FILE]
    remove_leftovers(path / KEYSLOTS_FILE, live)
    remove_leftovers(path / PENDING_KEYSLOTS_FILE, live)
    remove_leftovers(path / unlock_guard.GUARD_FILE)


def key_files(path: Path) -> list[Path]:
    """Every file in a vault folder that may hold a copy of wrapped key material."""
    found = [path / KEYSLOTS_FILE, path / PENDING_KEYSLOTS_FILE, path / unlock_guard.GUARD_FILE]
    for name in (KEYSLOTS_FILE, PENDING_KEYSLOTS_FILE, unlock_guard.GUARD_FILE):
        found += sorted(path.glob(f".{name}.tmp-*")) + sorted(path.glob(f".{name}.old-*"))
    return [p for p in found if p.is_file() and not p.is_symlink()]


def erase(path: Path) -> None:
    """Crypto-erase: destroy the key slots first (the only copy of the wrapped data key), then remove the rest.

    The first step alone makes the database and blobs unreadable noise; it takes one small overwrite, an fsync and an
    unlink. The remaining files are removed afterwards so the directory does not look like a vault.
    """
    slot_path = path / KEYSLOTS_FILE
    if slot_path.exists():
        overwrite_and_unlink(slot_path)
    # Then every other copy of wrapped key material a crash may have left: temp files, links to superseded files, the
    # pending slots of an interrupted rotation. Each is overwritten in place before it is unlinked.
    for key_file in key_files(path):
        with contextlib.suppress(OSError):
            overwrite_and_unlink(key_file)
    for leftover in sorted(path.glob(f"{DB_FILE}*")):
        with contextlib.suppress(OSError):
            leftover.unlink()
    shutil.rmtree(path / BLOBS_DIR, ignore_errors=True)
    with contextlib.suppress(OSError):
        path.rmdir()
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)


def vault_exists(path: Path) -> bool:
    return (path / KEYSLOTS_FILE).is_file()
