"""Numbered schema migrations of the vault database.

Each migration is a module ``mNNNN_<what>.py`` with ``upgrade(conn)``; they run in order, each in its own transaction
together with the bump of ``PRAGMA user_version``, so a crash leaves the database at one version or the next. Before
an existing vault is migrated its (encrypted) database file is copied beside it, so a failed upgrade can be undone; once
every step has committed the copy is overwritten and removed (it is an older copy of the vault, readable with the data
key of the moment, and such copies used to pile up).
Tests build a vault at every earlier version, fill it, and migrate it to the latest (tests/vault/test_migrations.py).
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from crypto.atomic_file import overwrite_and_unlink
from intake_app.errors import RefusedError
from intake_app.vault.database import Connection, Transaction

Upgrade = Callable[[Connection], None]


def _discover() -> list[tuple[int, Upgrade]]:
    found: list[tuple[int, Upgrade]] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("m") or not info.name[1:5].isdigit():
            continue
        module: ModuleType = importlib.import_module(f"{__name__}.{info.name}")
        found.append((int(info.name[1:5]), module.upgrade))
    found.sort(key=lambda item: item[0])
    if [v for v, _ in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("schema migrations must be numbered 1, 2, 3 … without gaps")
    return found


MIGRATIONS: list[tuple[int, Upgrade]] = _discover()
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, db_path: Path | None, *, target: int = LATEST) -> int:
    """Bring the schema to ``target``; return the version the database had before."""
    before = current_version(conn)
    if before > LATEST:
        raise RefusedError(
            f"this vault was written by a newer version of the program (schema {before}; this one knows {LATEST})"
        )
    backup: Path | None = None
    if before < target and before > 0 and db_path is not None:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        backup = backup_path(db_path, before + 1)
        shutil.copyfile(db_path, backup)
    for version, upgrade in MIGRATIONS:
        if before < version <= target:
            with Transaction(conn):
                upgrade(conn)
                conn.execute(f"PRAGMA user_version = {int(version)}")
            if before == 0:
                # A new vault: each step's pages go into the database file at once, so that creating a vault needs
                # little more room than the vault itself (the write-ahead log would otherwise hold every step's
                # pages, about the size of the new vault again, until its automatic checkpoint at 1000 pages).
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if backup is not None:
        # Every step committed (synchronous=FULL): the backup is no longer needed. A failed step raised above and
        # left it in place for the undo.
        overwrite_and_unlink(backup)
    return before


def backup_path(db_path: Path, version: int) -> Path:
    """Where the copy taken before migrating to ``version`` is kept while the migration runs."""
    return db_path.with_name(f"{db_path.name}.pre-v{version}.bak")
