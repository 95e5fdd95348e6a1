"""``intake import uwazi``: one archive file into reference records, in one transaction.

For each row: its content (``values.row_content``), its identity (the source and template, then ``id:<source_id>``
if a column is mapped to ``source_id`` and the row has one, else ``title:<title>``, else ``hash:<content SHA-256>``),
then created (a new reference record), updated (a new version, the older ones kept) or unchanged (same content
SHA-256 as the current version). A row whose identity an earlier row of the same file already had is refused. Rows
refused (bad text, an unreadable date, a wrong number of cells, a duplicate identity) are reported with their number;
the others go on. Anything wrong with the file as a whole (not CSV/ZIP, no import.csv, not UTF-8, no title column,
too large) changes nothing. A dry run does the same work inside the transaction and rolls it back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intake_app.archive import persons, source
from intake_app.archive.mapping import KIND_OF, TEMPLATES, Mapping, describe, read_map, resolve
from intake_app.archive.values import RowRefused, canonical, content_sha256, row_content
from intake_app.errors import RefusedError, UsageError
from intake_app.persons.blocking import SplitState, split_big_blocks, split_state
from intake_app.records import interchange
from intake_app.records.ids import uuid7
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault, utc_now

LANGS = ("ko", "en", "ja")
MAX_SOURCE_CHARS = 100
IMPORT_CACHE_KIB = -16384  # SQLite page cache during an import (negative: KiB); the transaction spills to the WAL
MAX_LISTED = 1000  # unknown values kept in the import's detail (all are counted)


@dataclass
class ImportResult:
    source: str
    template: str
    file_sha256: str
    mapping: Mapping
    dry_run: bool
    import_id: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refusals: list[dict[str, Any]] = field(default_factory=list)
    unknown_values: list[dict[str, Any]] = field(default_factory=list)
    unknown_count: int = 0
    victims_touched: set[str] = field(default_factory=set)  # titles of persons whose acts changed (cases)

    def to_json(self) -> dict[str, Any]:
        return {"import_id": self.import_id, "dry_run": self.dry_run, "source": self.source, "template": self.template,
                "file_sha256": self.file_sha256, "rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "refused": len(self.refusals), "refusals": self.refusals,
                "unmapped_columns": list(self.mapping.unmapped), "mapping": self.mapping.to_json(),
                "date_format": self.mapping.date_format, "unknown_values": self.unknown_values,
                "unknown_value_count": self.unknown_count}


class _DryRun(Exception):
    pass


def check_source(name: str) -> str:
    try:
        value = interchange._string("--source", name, "line")
    except interchange.InterchangeError as exc:
        raise UsageError(str(exc)) from None
    if len(value) > MAX_SOURCE_CHARS:
        raise UsageError(f"--source is longer than {MAX_SOURCE_CHARS} characters")
    return value


def identity(content: dict[str, Any]) -> str:
    if content.get("source_id"):
        return "id:" + " ".join(content["source_id"].split())
    if content.get("title"):
        return "title:" + " ".join(content["title"].split())
    return "hash:" + content_sha256(content)


def run_import(vault: Vault, path: Path, *, template: str, source_name: str, map_path: Path | None = None,
               date_format: str | None = None, lang: str = "en", dry_run: bool = False) -> ImportResult:
    """Import ``path`` as reference records of ``source_name``; see the module docstring."""
    if template not in TEMPLATES:
        raise UsageError(f"unknown template {template!r} (one of {', '.join(TEMPLATES)})")
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r} (one of {', '.join(LANGS)})")
    if vault.role != "hq":
        raise RefusedError("reference records are kept at HQ; this is a field vault")
    name = check_source(source_name)
    column_map, map_format = read_map(map_path) if map_path is not None else (None, None)
    sha = source.file_sha256(path)
    cache = vault.conn.execute("PRAGMA cache_size").fetchone()[0]
    vault.conn.execute(f"PRAGMA cache_size = {int(IMPORT_CACHE_KIB)}")  # memory flat however many rows
    try:
        with Transaction(vault.conn):
            result = _import(vault, path, template, name, column_map, date_format or map_format, lang, sha, dry_run)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    finally:
        vault.conn.execute(f"PRAGMA cache_size = {int(cache)}")
    return result


def _import(vault: Vault, path: Path, template: str, name: str, column_map: dict[str, str | None] | None,
            date_format: str | None, lang: str, sha: str, dry_run: bool) -> ImportResult:
    conn = vault.conn
    now = utc_now()
    import_id = uuid7()
    conn.execute("INSERT INTO reference_imports (id, source, template, file_sha256, imported_at, rows, created,"
                 " updated, unchanged, refused, detail) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '{}')",
                 (import_id, name, template, sha, now))
    split = split_state(conn)
    seen: dict[str, int] = {}
    result: ImportResult | None = None
    for header, rows in source.open_rows(path):
        mapping = resolve(header, lang, column_map, date_format)
        result = ImportResult(name, template, sha, mapping, dry_run, None if dry_run else import_id)
        for row in rows:
            result.rows += 1
            try:
                content = row_content(mapping, row.cells, template, lang)
                key = identity(content)
                if key in seen:
                    raise RowRefused(f"the same record as row {seen[key]} (identity {key.split(':', 1)[0]})")
            except RowRefused as exc:
                result.refusals.append({"row": row.number, "reason": exc.reason})
                continue
            seen[key] = row.number
            for unknown in content.get("as_said", []):
                result.unknown_count += 1
                if len(result.unknown_values) < MAX_LISTED:
                    result.unknown_values.append({"row": row.number, **unknown})
            _store(conn, result, template, name, key, content, import_id, row, now, split)
    assert result is not None
    persons.reindex_titles(conn, name, result.victims_touched, split)
    split_big_blocks(conn)
    detail = {**describe(result.mapping), "refusals": result.refusals, "unknown_values": result.unknown_values,
              "unknown_value_count": result.unknown_count, "lang": lang}
    conn.execute("UPDATE reference_imports SET rows = ?, created = ?, updated = ?, unchanged = ?, refused = ?,"
                 " detail = ? WHERE id = ?", (result.rows, result.created, result.updated, result.unchanged,
                                              len(result.refusals), json.dumps(detail, ensure_ascii=False), import_id))
    AuditLog(conn, vault.signing_key().public_key.key_id_hex).append(
        "reference_import", now, import_id,
        {"source_sha256": content_sha256({"source": name}), "template": template, "file_sha256": sha,
         "rows": result.rows, "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
         "refused": len(result.refusals)})
    return result


def _store(conn: Any, result: ImportResult, template: str, name: str, key: str, content: dict[str, Any],
           import_id: str, row: source.Row, now: str, split: SplitState) -> None:
    data = canonical(content)
    digest = hashlib.sha256(data).hexdigest()
    found = conn.execute("SELECT id, version FROM reference_records WHERE source = ? AND template = ? AND identity = ?",
                         (name, template, key)).fetchone()
    if found is not None:
        record_id, version = str(found[0]), int(found[1])
        held = conn.execute("SELECT content_sha256 FROM reference_versions WHERE record_id = ? AND version = ?",
                            (record_id, version)).fetchone()
        if held is not None and held[0] == digest:
            result.unchanged += 1
            return
        version += 1
        conn.execute("UPDATE reference_records SET version = ?, title = ? WHERE id = ?",
                     (version, content.get("title"), record_id))
        result.updated += 1
    else:
        record_id, version = uuid7(), 1
        conn.execute("INSERT INTO reference_records (id, source, template, kind, identity, version, title)"
                     " VALUES (?, ?, ?, ?, ?, 1, ?)", (record_id, name, template, KIND_OF[template], key,
                                                       content.get("title")))
        result.created += 1
    conn.execute("INSERT INTO reference_versions (record_id, version, import_id, row_number, content, content_sha256,"
                 " original_row, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (record_id, version, import_id, row.number, data.decode("utf-8"), digest, row.raw, now))
    if KIND_OF[template] == "person":
        persons.index(conn, record_id, name, content, split, replace=version > 1)
    elif KIND_OF[template] == "act":
        titles = {t for act in content.get("acts", []) for t in act.get("victims", [])}
        if version > 1:
            titles |= {str(r[0]) for r in conn.execute("SELECT title FROM reference_act_victims WHERE act = ?",
                                                       (record_id,))}
            conn.execute("DELETE FROM reference_act_victims WHERE act = ?", (record_id,))
        conn.executemany("INSERT OR IGNORE INTO reference_act_victims (act, source, title) VALUES (?, ?, ?)",
                         [(record_id, name, t) for act in content.get("acts", []) for t in act.get("victims", [])])
        result.victims_touched |= titles
