"""The testimony record store: add, show, list, history, delete, drafts and search, on an unlocked vault.

Every save is a revision (see :mod:`intake_app.records.revisions`) and an audit entry, committed in one transaction with the
record's derived row and its search-index entry: the acknowledgement a user sees means all of it is on disk.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from intake_app.errors import RefusedError, UsageError
from intake_app.records import derived, ids, interchange, revisions
from intake_app.records.ids import is_uuid
from intake_app.records.interchange import Testimony
from intake_app.records.stored import content_json, read_content, with_entity_ids

__all__ = ["HistoryEntry", "RecordStore", "SaveResult", "SearchResult", "content_json", "read_content",
           "search_fields", "summarise", "with_entity_ids"]
from intake_app.search.index import SearchIndex
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault, utc_now

# Keys whose string values are codes or identifiers rather than words someone said: not searched.
_UNSEARCHED_KEYS = frozenset({"id", "follows", "date", "birth", "language", "sex", "status", "type", "identification",
                              "system", "foreign_actor", "relation_code", "categories", "anonymity", "mode"})


@dataclass(frozen=True)
class SaveResult:
    record_id: str
    revision: str | None
    created: bool
    changed: bool


@dataclass(frozen=True)
class HistoryEntry:
    revision: str
    parents: tuple[str, ...]
    device: str
    created_at: str
    content_hash: str
    tombstone: bool
    is_head: bool
    is_current: bool


@dataclass(frozen=True)
class SearchResult:
    record_id: str
    score: float
    field: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    summary: dict[str, Any]


def summarise(testimony: Testimony) -> dict[str, Any]:
    """The list view's summary of a testimony (validated where it entered, or loaded with its integrity check)."""
    summary = interchange.record_summary(testimony)
    summary["statuses"] = sorted({v.status for v in testimony.victims if getattr(v, "status", None)})
    summary["interviewer"] = testimony.interview.interviewer
    return summary


def search_fields(content: bytes) -> dict[str, str]:
    """Free-text fields of a testimony, named by their JSON path (``victims[0].names[1].roman``)."""
    fields: dict[str, str] = {}

    def walk(value: Any, path: str, key: str) -> None:
        if isinstance(value, dict):
            if key == "consent":
                return
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else k, k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]", key)
        elif isinstance(value, str) and key not in _UNSEARCHED_KEYS and value:
            fields[path] = value

    walk(json.loads(content), "", "")
    return fields


class RecordStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn
        self.device = vault.signing_key().public_key.key_id_hex
        self.audit = AuditLog(self.conn, self.device)
        revisions.recompute_pending(self.conn, summarise, search_fields)  # once, after schema migration 5

    # ---- writing
    def add_json(self, data: bytes) -> SaveResult:
        """``intake testimony add``: validate an interchange file and save it as a new record or a new revision."""
        return self.save(interchange.parse_testimony(data))

    def save(self, testimony: Testimony) -> SaveResult:
        with Transaction(self.conn, join=True):  # joins a caller's transaction (bench/exports.py's bulk load)
            return self._save(testimony)

    def save_many(self, testimonies: Iterable[Testimony]) -> list[SaveResult]:
        """:meth:`save` of each testimony, all in one transaction: every one is saved, or (the first refusal raises)
        none. Each is checked and validated exactly as :meth:`save` does; only the commit is shared (a laptop's
        backlog entered at once, the benchmarks' corpora)."""
        with Transaction(self.conn):
            return [self._save(testimony) for testimony in testimonies]

    def _save(self, testimony: Testimony) -> SaveResult:
        record_id = testimony.id or ids.new_record_id(self.vault.signing_key().public_key)
        if not is_uuid(record_id):
            raise UsageError(f"id: {record_id!r} is not a UUID")
        testimony = dataclasses.replace(testimony, id=record_id)
        interchange.check_decision_dates(testimony, utc_now())  # a future-dated consent decision is refused
        self._refuse_purged(record_id)
        head_ids = revisions.sides(self.conn, record_id)  # a version waiting from another device blocks too
        if len(head_ids) > 1:
            raise RefusedError(f"record {record_id} has a conflict between {len(head_ids)} versions; "
                               "resolve it first (intake conflicts resolve)")
        if (not head_ids and self.vault.role == "field" and ids.is_device_bound(record_id)
                and not ids.bound_to(record_id, self.vault.signing_key().public_key)):
            # HQ would refuse the whole bundle carrying this first version (docs/bundle-format.md §3.1).
            raise UsageError(f"id: {record_id} was made by another device; a laptop can start only its own ids")
        head = revisions.load(self.conn, head_ids[0]) if head_ids else None
        base = (None if head is None or head.tombstone
                else read_content(record_id, head.content, head.content_hash))
        testimony = with_entity_ids(testimony, record_id, base=base, salt=head.id if head else "")
        # Validated here, where it enters, as the bytes that will be stored: every later reader trusts them
        # (with an integrity check, records/stored.py), and the derived rows are made from this testimony.
        testimony = interchange.validate(json.loads(interchange.dumps_canonical(testimony)))
        content = interchange.dumps_canonical(testimony)
        if head is not None and not head.tombstone and head.content == content:
            return SaveResult(record_id, head.id, created=False, changed=False)
        now = utc_now()
        rev = revisions.Revision.make(record_id, head_ids, self.device, now, content)
        revisions.insert_revision(self.conn, rev)
        # The testimony validated above is what the derived rows are made from: it is not read back.
        change = revisions.refresh_record(self.conn, record_id, summarise, search_fields, {rev.id: testimony})
        derived.testimony_saved(self.conn, record_id, change)
        self.conn.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))
        action = "edit" if head_ids else "create"
        self.audit.append(action, now, record_id, {"revision": rev.id})
        return SaveResult(record_id, rev.id, created=not head_ids, changed=True)

    def delete(self, record_id: str) -> SaveResult:
        """Append a tombstone revision; history is kept and the record leaves lists and search."""
        self._require_record(record_id)
        with Transaction(self.conn):
            head_ids = revisions.sides(self.conn, record_id)
            current = revisions.load(self.conn, self._require_record(record_id)[0])
            if current is not None and current.tombstone and len(head_ids) == 1:
                raise RefusedError(f"record {record_id} is already deleted")
            now = utc_now()
            rev = revisions.Revision.make(record_id, head_ids, self.device, now, b"", tombstone=True)
            revisions.insert_revision(self.conn, rev)
            change = revisions.refresh_record(self.conn, record_id, summarise, search_fields)
            derived.testimony_saved(self.conn, record_id, change)
            self.conn.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))
            self.audit.append("delete", now, record_id, {"revision": rev.id})
        return SaveResult(record_id, rev.id, created=False, changed=True)

    # ---- drafts (autosave)
    def save_draft(self, record_id: str, content: Mapping[str, Any], base_rev: str | None) -> None:
        """Keep the editor's current state (not yet validated) so a crash loses at most a few seconds of typing."""
        data = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
        with Transaction(self.conn):
            self._refuse_purged(record_id)
            self.conn.execute(
                "INSERT INTO drafts (record_id, base_rev, content, saved_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (record_id) DO UPDATE SET base_rev = excluded.base_rev, content = excluded.content,"
                " saved_at = excluded.saved_at",
                (record_id, base_rev, data, utc_now()),
            )

    def drafts(self) -> list[tuple[str, str | None, dict[str, Any], str]]:
        rows = self.conn.execute("SELECT record_id, base_rev, content, saved_at FROM drafts ORDER BY saved_at")
        return [(str(r[0]), r[1], json.loads(r[2]), str(r[3])) for r in rows]

    def discard_draft(self, record_id: str) -> None:
        with Transaction(self.conn):
            self.conn.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))

    def _refuse_purged(self, record_id: str) -> None:
        """No save path writes a testimony this laptop purged (an editor or a file still holding it would otherwise
        store it again as a new record, and send it in the next bundle)."""
        if self.conn.execute("SELECT 1 FROM purged_revisions WHERE record_id = ? LIMIT 1", (record_id,)).fetchone():
            raise RefusedError(f"testimony {record_id} was removed from this laptop after headquarters received it;"
                               " it cannot be saved here again (headquarters has it)")

    # ---- reading
    def _require_record(self, record_id: str) -> tuple[str, int, int]:
        row = self.conn.execute("SELECT current_rev, deleted, conflicted FROM records WHERE id = ?",
                                (record_id,)).fetchone()
        if row is None:
            raise UsageError(f"no testimony with id {record_id}")
        return str(row[0]), int(row[1]), int(row[2])

    def get(self, record_id: str) -> Testimony:
        return interchange.validate(self.show(record_id))

    def show(self, record_id: str) -> dict[str, Any]:
        """The current revision in interchange form (``add`` of it changes nothing)."""
        current, deleted, _ = self._require_record(record_id)
        if deleted:
            raise RefusedError(f"testimony {record_id} was deleted (its history remains: intake testimony history)")
        rev = revisions.load(self.conn, current)
        assert rev is not None
        return content_json(record_id, rev.content)

    def current_revision(self, record_id: str) -> str:
        return self._require_record(record_id)[0]

    def is_conflicted(self, record_id: str) -> bool:
        return bool(self._require_record(record_id)[2])

    def revision_content(self, rev_id: str) -> dict[str, Any] | None:
        rev = revisions.load(self.conn, rev_id)
        if rev is None:
            raise UsageError(f"no revision {rev_id}")
        return None if rev.tombstone else content_json(rev.record_id, rev.content)

    def history(self, record_id: str) -> list[HistoryEntry]:
        current = self._require_record(record_id)[0]
        head_ids = set(revisions.heads(self.conn, record_id))
        rows = self.conn.execute(
            "SELECT id, parents, device, created_at, content_hash, tombstone FROM revisions WHERE record_id = ?"
            " ORDER BY created_at, id", (record_id,))
        return [HistoryEntry(str(r[0]), tuple(json.loads(r[1])), str(r[2]), str(r[3]), str(r[4]), bool(r[5]),
                             r[0] in head_ids, r[0] == current) for r in rows]

    def summaries(self, *, category: int | None = None, since: str | None = None, until: str | None = None,
             status: str | None = None, include_deleted: bool = False, limit: int | None = None, offset: int = 0,
             order: str = "date", device: str | None = None, interviewer: str | None = None) -> list[dict[str, Any]]:
        """Summaries for the list view. ``since``/``until`` (ISO dates) keep interviews whose uncertain date can
        fall in the range; ``category`` and ``status`` match any victim; ``interviewer`` is the interviewer code."""
        where, params = self._filters(category, since, until, status, include_deleted, device, interviewer)
        order_sql = {"date": "date_lower DESC, id DESC", "id": "id", "updated": "updated_at DESC, id DESC"}.get(order)
        if order_sql is None:
            raise UsageError(f"unknown order {order!r}")
        sql = f"SELECT summary, deleted, conflicted, updated_at FROM records {where} ORDER BY {order_sql}"  # noqa: S608
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        out = []
        for summary, deleted, conflicted, updated_at in self.conn.execute(sql, params):
            item: dict[str, Any] = json.loads(summary)
            item.update(deleted=bool(deleted), conflicted=bool(conflicted), updated_at=updated_at)
            out.append(item)
        return out

    def count(self, *, category: int | None = None, since: str | None = None, until: str | None = None,
              status: str | None = None, include_deleted: bool = False, device: str | None = None,
              interviewer: str | None = None) -> int:
        where, params = self._filters(category, since, until, status, include_deleted, device, interviewer)
        return int(self.conn.execute(f"SELECT count(*) FROM records {where}", params).fetchone()[0])  # noqa: S608

    def interviewers(self) -> list[str]:
        """The interviewer codes of the live testimonies, sorted (for a filter)."""
        rows = self.conn.execute("SELECT DISTINCT json_extract(summary, '$.interviewer') FROM records"
                                 " WHERE kind = 'testimony' AND deleted = 0")
        return sorted(str(r[0]) for r in rows if r[0])

    @staticmethod
    def _filters(category: int | None, since: str | None, until: str | None, status: str | None,
                 include_deleted: bool, device: str | None = None,
                 interviewer: str | None = None) -> tuple[str, list[Any]]:
        clauses: list[str] = ["kind = 'testimony'"]
        params: list[Any] = []
        if not include_deleted:
            clauses.append("deleted = 0")
        if category is not None:
            clauses.append("EXISTS (SELECT 1 FROM json_each(summary, '$.categories') WHERE value = ?)")
            params.append(category)
        if status is not None:
            clauses.append("EXISTS (SELECT 1 FROM json_each(summary, '$.statuses') WHERE value = ?)")
            params.append(status)
        if device is not None:
            clauses.append("json_extract(summary, '$.first_device') = ?")
            params.append(device)
        if interviewer is not None:
            clauses.append("json_extract(summary, '$.interviewer') = ?")
            params.append(interviewer)
        if since is not None:
            clauses.append("date_upper >= ?")
            params.append(since)
        if until is not None:
            clauses.append("date_lower <= ?")
            params.append(until)
        return "WHERE " + " AND ".join(clauses), params

    def search(self, query: str, *, limit: int | None = 50, offset: int = 0) -> list[SearchResult]:
        hits = SearchIndex(self.conn).search(query, limit=limit, offset=offset)
        if not hits:
            return []
        ids = [h.doc_id for h in hits]
        rows = dict(self.conn.execute(
            f"SELECT id, summary FROM records WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall())  # noqa: S608
        return [SearchResult(h.doc_id, h.score, h.field, h.snippet, h.highlights, json.loads(rows.get(h.doc_id, "{}")))
                for h in hits]

    def search_count(self, query: str) -> int:
        return SearchIndex(self.conn).count(query)
