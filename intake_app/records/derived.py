"""Derived indexes of testimonies, told when a testimony is saved or removed (issue 26 §3, issue 24 finding 1).

The record store, the bundle importer and the purge publish two events; the packages that keep rows derived from a
testimony (statistics facts and perpetrator entries, the persons index, the perpetrator and person registries'
links, recordings and their markers) subscribe from above by :func:`register`. ``records`` therefore imports none of
them, and purge and import use the same hook:

- ``saved(conn, record_id)``: the record's current revision changed (rebuild from it), inside the transaction that
  changed it. The publisher passes the :class:`Change` along (the current revision and its testimony, parsed where it
  entered or loaded with its integrity check): an index registered with ``saved_change`` is called with it and
  updates its rows from it, without reading the revision back;
- ``removed(conn, record_ids)``: the testimonies are being purged: delete every row derived from them, inside the
  purge's transaction.

Each index names the tables it owns. A purge refuses to run while a table of the schema is owned by nobody (neither the
record store, nor the purge's list of kept tables, nor a registered index), so a table added later cannot be forgotten
silently; ``intake_app.wiring.install`` registers the product's indexes and every entry point calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from intake_app.records.interchange_model import Testimony
from intake_app.vault.database import Connection

Saved = Callable[[Connection, str], None]
Removed = Callable[[Connection, Sequence[str]], None]


@dataclass(frozen=True)
class Change:
    """A testimony's new current state, as :func:`intake_app.records.revisions.refresh_record` derived it."""

    record_id: str
    revision: str  # the current revision (by the ownership rule)
    deleted: bool
    owner: str | None  # the device that first recorded it (None when deleted)
    testimony: Testimony | None  # the current content with entity ids; None when deleted
    # The revisions of this record that entered with this change (a save, an import), each as (revision id, content
    # SHA-256, the testimony its content was validated into): an index of every revision (not only the current one,
    # e.g. each revision's consent, records/consent_rows.py) is written from them without reading them back.
    entered: tuple[tuple[str, str, Testimony], ...] = ()


SavedChange = Callable[[Connection, Change], None]
SavedChanges = Callable[[Connection, Sequence[Change]], None]


@dataclass(frozen=True)
class DerivedIndex:
    name: str
    tables: tuple[str, ...]
    saved: Saved | None
    removed: Removed
    catch_up: Callable[[Connection], object] | None = None  # brings the index up to date with every record
    saved_change: SavedChange | None = None  # preferred over ``saved`` when the publisher has the Change
    saved_changes: SavedChanges | None = None  # preferred for many changes at once (an import)


_INDEXES: dict[str, DerivedIndex] = {}


def register(index: DerivedIndex) -> None:
    """Subscribe ``index`` (idempotent: registering the same name again replaces it)."""
    _INDEXES[index.name] = index


def registered() -> tuple[DerivedIndex, ...]:
    return tuple(_INDEXES[n] for n in sorted(_INDEXES))


def owned_tables() -> frozenset[str]:
    return frozenset(t for index in _INDEXES.values() for t in index.tables)


def testimony_saved(conn: Connection, record_id: str, change: Change | None = None) -> None:
    """Publish "this testimony's current revision changed"; call inside the transaction that changed it, with the
    :class:`Change` that :func:`~intake_app.records.revisions.refresh_record` returned when there is one."""
    for index in registered():
        if change is not None and index.saved_change is not None:
            index.saved_change(conn, change)
        elif index.saved is not None:
            index.saved(conn, record_id)


def testimonies_saved(conn: Connection, changes: Sequence[Change]) -> None:
    """Publish many changes at once (an import, after every touched record was refreshed): an index registered with
    ``saved_changes`` gets them together, the others one by one."""
    for index in registered():
        if index.saved_changes is not None:
            index.saved_changes(conn, changes)
            continue
        for change in changes:
            if index.saved_change is not None:
                index.saved_change(conn, change)
            elif index.saved is not None:
                index.saved(conn, change.record_id)


def catch_up(conn: Connection) -> None:
    """Bring every index up to date with the records' current revisions (a vault written before an index existed, or
    by an older program); readers of derived rows call it before reading instead of importing the index's package."""
    for index in registered():
        if index.catch_up is not None:
            index.catch_up(conn)


def testimonies_removed(conn: Connection, record_ids: Sequence[str]) -> None:
    """Publish "these testimonies are purged"; every subscriber deletes its rows, in the caller's transaction."""
    if record_ids:
        for index in registered():
            index.removed(conn, record_ids)


def delete_keyed_by_record(conn: Connection, table: str, columns: Sequence[str], record_ids: Sequence[str]) -> None:
    """Delete the rows of ``table`` whose entity id in any of ``columns`` belongs to one of the testimonies: the id
    is the record id itself or starts with ``<record id>/`` (mentions, acts, perpetrator entries)."""
    for record_id in record_ids:
        for column in columns:
            # Table and column names are constants of the calling modules, never input.
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?1 OR substr({column}, 1, length(?1) + 1) = ?1 || '/'",  # noqa: S608
                         (record_id,))
