"""What an interrupted export leaves behind, and the one rule by which it is swept.

An export killed half-way (power cut, ``kill -9``) cannot remove its working files:

- in the vault's folder, its scratch database ``.export-scratch-<16 hex>`` (:class:`intake_app.exports.stream_files.
  Scratch`: SQLCipher under a key that existed only in the dead process's memory, so unreadable, but disk space);
- in the output folder, each file's temp file ``.NAME.tmp-<16 hex>`` and, when encrypting, its encrypted spool
  ``.NAME.spool-<16 hex>`` (:class:`intake_app.exports.stream_files.PendingFile`), NAME being the file's final name.

They are swept when the vault opens and when the next export starts (the scratch), and when an export to that folder
starts (the output side). A file is removed only when all of these hold, so that nothing that is not ours is touched:

- its name is exactly one of the forms above (``NAME`` an export file name: a letter or digit, then letters, digits,
  ``.``, ``_``, ``-``, at most 121 characters and no ``..``; 16 lowercase hex digits, nothing before or after);
- it is a regular file (not a folder, not a symbolic link, whatever it points to);
- it was last modified at least :data:`MIN_AGE_SECONDS` ago: the desktop app and the command line may use one vault
  (and one output folder) at the same time, and another process's export still running writes to its files.

Anything else is kept, including files that merely look alike. This module is in the vault layer (the vault's own
open sweeps it, and the vault may import nothing above it); the exports import the names from here.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path

from crypto.atomic_file import fsync_dir

SCRATCH_PREFIX = ".export-scratch-"
MIN_AGE_SECONDS = 3600.0
"""A working file younger than this may belong to an export still running in another process: it is kept."""

_SCRATCH = re.compile(r"\.export-scratch-[0-9a-f]{16}")
_OUTPUT = re.compile(r"\.(?P<name>[A-Za-z0-9][A-Za-z0-9._-]{0,120})\.(?:tmp|spool)-[0-9a-f]{16}")


def is_scratch_name(name: str) -> bool:
    return _SCRATCH.fullmatch(name) is not None


def is_output_leftover_name(name: str) -> bool:
    found = _OUTPUT.fullmatch(name)
    return found is not None and ".." not in found.group("name") and not found.group("name").endswith(".")


def _sweep(folder: Path, ours: Callable[[str], bool], min_age_seconds: float) -> list[str]:
    cutoff = time.time() - min_age_seconds
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries]
    except OSError:  # no such folder (yet), or not readable: nothing to sweep
        return []
    removed: list[str] = []
    for name in names:
        if not ours(name):
            continue
        try:
            info = os.lstat(folder / name)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_mtime > cutoff:
            continue
        with contextlib.suppress(OSError):  # gone meanwhile, or in use (Windows): left for the next sweep
            (folder / name).unlink()
            removed.append(name)
    if removed:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
    return sorted(removed)


def sweep_export_scratch(vault_dir: Path, *, min_age_seconds: float = MIN_AGE_SECONDS) -> list[str]:
    """Remove abandoned export scratch databases from the vault folder (module text); returns the names removed."""
    return _sweep(vault_dir, is_scratch_name, min_age_seconds)


def sweep_export_output(out_dir: Path, *, min_age_seconds: float = MIN_AGE_SECONDS) -> list[str]:
    """Remove abandoned export temp files and spools from an output folder (module text); returns the names
    removed."""
    return _sweep(out_dir, is_output_leftover_name, min_age_seconds)
