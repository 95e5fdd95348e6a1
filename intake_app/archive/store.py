"""Reading reference records and imports back: ``intake import list/show``, the consent check, the Persons page."""

from __future__ import annotations

import json
from typing import Any

from intake_app.errors import UsageError
from intake_app.vault.database import Connection

IMPORT_COLUMNS = ("id", "source", "template", "file_sha256", "imported_at", "rows", "created", "updated", "unchanged",
                  "refused")
_SELECT_IMPORTS = ("SELECT id, source, template, file_sha256, imported_at, rows, created, updated, unchanged, refused"
                   " FROM reference_imports")


def is_reference(conn: Connection, record_id: str) -> bool:
    """Whether ``record_id`` names a reference record (consent: such content never leaves)."""
    return conn.execute("SELECT 1 FROM reference_records WHERE id = ?", (record_id,)).fetchone() is not None


def any_reference(conn: Connection) -> bool:
    """Whether the vault holds any reference record (a caller checking many ids skips the look-ups when not)."""
    return conn.execute("SELECT 1 FROM reference_records LIMIT 1").fetchone() is not None


def reference_source(conn: Connection, record_id: str) -> str | None:
    row = conn.execute("SELECT source FROM reference_records WHERE id = ?", (record_id,)).fetchone()
    return None if row is None else str(row[0])


def current(conn: Connection, record_id: str) -> tuple[str, str, dict[str, Any]] | None:
    """(source, kind, current content) of a reference record, or None."""
    row = conn.execute("""SELECT r.source, r.kind, v.content FROM reference_records r JOIN reference_versions v
                          ON v.record_id = r.id AND v.version = r.version WHERE r.id = ?""", (record_id,)).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), json.loads(row[2]))


def reference_mentions(conn: Connection) -> list[str]:
    """The mention ids (``REF_ID/ref``) of every reference person."""
    return [f"{r[0]}/ref" for r in conn.execute("SELECT id FROM reference_records WHERE kind = 'person' ORDER BY id")]


def imports(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(_SELECT_IMPORTS + " ORDER BY imported_at, id")
    return [dict(zip(IMPORT_COLUMNS, r, strict=True)) for r in rows]


def show_import(conn: Connection, import_id: str) -> dict[str, Any]:
    row = conn.execute(_SELECT_IMPORTS.replace(" FROM", ", detail FROM") + " WHERE id = ?", (import_id,)).fetchone()
    if row is None:
        raise UsageError(f"no import {import_id!r} (see intake import list)")
    out = dict(zip(IMPORT_COLUMNS, row[:-1], strict=True))
    out.update(json.loads(row[-1]))
    out["records"] = [{"record": str(r[0]), "version": int(r[1]), "row": int(r[2]), "kind": str(r[3]),
                       "title": json.loads(r[4]).get("title")} for r in conn.execute(
        """SELECT v.record_id, v.version, v.row_number, r.kind, v.content FROM reference_versions v
           JOIN reference_records r ON r.id = v.record_id WHERE v.import_id = ? ORDER BY v.row_number""", (import_id,))]
    return out


def history(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    """Every version of a reference record with its provenance (import, source, file SHA-256, row, original row)."""
    rows = conn.execute("""SELECT v.version, v.import_id, i.source, i.file_sha256, v.row_number, v.imported_at,
                                  v.content, v.original_row FROM reference_versions v
                           JOIN reference_imports i ON i.id = v.import_id WHERE v.record_id = ? ORDER BY v.version""",
                        (record_id,))
    return [{"version": r[0], "import": r[1], "source": r[2], "file_sha256": r[3], "row": r[4], "imported_at": r[5],
             "content": json.loads(r[6]), "original_row": bytes(r[7])} for r in rows]


def counts(conn: Connection) -> dict[str, int]:
    return {str(k): int(n) for k, n in conn.execute("SELECT kind, count(*) FROM reference_records GROUP BY kind")}
