"""Each revision's consent, kept beside the revision: what the consent decision reads of the revisions that are not
current (issue 30, "consent decision at archive scale").

The withdrawal rule (docs/exports.md §1) looks at the consent of every revision of a testimony, but at nothing else
of the revisions that are not current. ``revision_consent`` holds, per stored revision that is not a deletion, the
``consent`` member of its content as canonical JSON (``{}`` when the content records none) and the ``content_hash`` of
the content it was taken from. Rows are written where a revision enters, from the testimony validated there (the
record store's save and the bundle import publish it in :attr:`~intake_app.records.derived.Change.entered`; this
module subscribes as a derived index, see :mod:`intake_app.wiring`), and by schema migration 17 for the revisions a
vault already held (taken from the stored bytes after their SHA-256 was checked against ``content_hash``). The table
is keyed by ``(record_id, rev_id)`` (migration 19), the order :func:`read_many` reads it in, and a row is looked up
by both.

How :func:`read` trusts a row (docs/security.md, "Each revision's consent"): every revision's stored bytes are still
hashed and compared with ``revisions.content_hash`` (a mismatch makes the revision unreadable, whatever its row says);
a row is used only when it names that same ``content_hash``. A missing row, or one derived from other content (a row
left behind by a bug, a restore or a repair), is not used: the consent is then read from the verified bytes
themselves. A row, or content, whose consent cannot be read makes the revision unreadable. So a row can never make a
revision say more than its verified content says, except by being rewritten inside the unlocked vault by someone who
could equally rewrite the revision itself.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from crypto.canonical import canonical
from intake_app.records import derived
from intake_app.records.interchange_model import ConsentDecision, Testimony
from intake_app.records.stored import StoredContentError, load_consent
from intake_app.vault import forget
from intake_app.vault.database import Connection

TABLE = "revision_consent"
TABLES = (TABLE,)

Consent = Mapping[str, ConsentDecision]


def consent_json(testimony: Testimony) -> dict[str, Any]:
    """The ``consent`` member of ``testimony``'s interchange form (``{}`` when it records none)."""
    out: dict[str, Any] = {}
    for purpose, d in testimony.consent:
        if d.is_simple:
            out[purpose] = d.value
        else:
            out[purpose] = {k: v for k, v in (("value", d.value), ("anonymity", d.anonymity),
                                              ("conditions", d.conditions),
                                              ("date", d.date.edtf if d.date is not None else None))
                            if v is not None}
    return out


def consent_text(testimony: Testimony) -> str:
    """What the row holds: the canonical JSON of :func:`consent_json`."""
    return canonical(consent_json(testimony)).decode("utf-8")


@forget.on_lock
@functools.lru_cache(maxsize=4096)  # most revisions share a handful of consent objects; the result is read-only
def parse(text: str) -> Consent:
    """A row's consent by purpose; raises :class:`StoredContentError` when it cannot be read back."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise StoredContentError("the stored consent cannot be read back") from None
    return MappingProxyType(dict(load_consent(value)))


def consent_of_content(content: bytes) -> Consent:
    """The consent of stored content whose SHA-256 the caller has checked (a revision without a usable row)."""
    try:
        decoded = json.loads(content)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise StoredContentError("the stored content cannot be read back") from None
    if not isinstance(decoded, dict):
        raise StoredContentError("the stored content cannot be read back")
    return MappingProxyType(dict(load_consent(decoded.get("consent", {}))))


class RevisionConsent(NamedTuple):
    """One revision as the consent decision reads it. The first three fields are those
    :func:`intake_app.records.revisions.state_of` reads."""

    id: str
    parents: str  # the stored JSON list
    device: str
    tombstone: bool
    consent: Consent | None  # None: a deletion, or unreadable
    unreadable: bool  # its bytes do not match its content hash, or its consent cannot be read
    content: bytes
    content_hash: str


_SELECT = ("SELECT r.record_id, r.id, r.parents, r.device, r.tombstone, r.content, r.content_hash, c.content_hash,"
           " c.consent FROM revisions r LEFT JOIN revision_consent c ON c.record_id = r.record_id AND c.rev_id = r.id")

READ_BATCH = 200
"""Records whose revisions :func:`read_many` reads with one ``SELECT``."""


def read(conn: Connection, record_id: str) -> list[RevisionConsent]:
    """Every revision of ``record_id`` with its consent (see the module's docstring for what is trusted)."""
    return [_revision(row) for row in conn.execute(_SELECT + " WHERE r.record_id = ?", (record_id,)).fetchall()]


def read_many(conn: Connection, record_ids: Sequence[str]) -> dict[str, list[RevisionConsent]]:
    """:func:`read` of each of ``record_ids`` (an empty list for a record without revisions), with one ``SELECT``
    per :data:`READ_BATCH` records instead of one per record; the same rows, checked the same way."""
    out: dict[str, list[RevisionConsent]] = {record_id: [] for record_id in record_ids}
    unique = list(out)
    for start in range(0, len(unique), READ_BATCH):
        part = unique[start:start + READ_BATCH]
        query = _SELECT + f" WHERE r.record_id IN ({','.join('?' * len(part))})"
        for row in conn.execute(query, part).fetchall():
            out[str(row[0])].append(_revision(row))
    return out


def _revision(row: Sequence[Any]) -> RevisionConsent:
    _, rev_id, parents, device, tombstone, stored, content_hash, row_hash, row_consent = row
    content = bytes(stored)
    consent: Consent | None = None
    unreadable = False
    if not tombstone:
        try:
            if not _intact(content, content_hash):
                raise StoredContentError("the stored content does not match its recorded SHA-256")
            if row_consent is not None and row_hash == content_hash:
                consent = parse(str(row_consent))
            else:
                consent = consent_of_content(content)  # no row, or one derived from other content
        except StoredContentError:
            unreadable = True  # refused when current, a possible withdrawal otherwise
    return RevisionConsent(str(rev_id), str(parents), str(device), bool(tombstone), consent, unreadable, content,
                           str(content_hash))


def _intact(content: bytes, content_hash: object) -> bool:
    return isinstance(content_hash, str) and hmac.compare_digest(hashlib.sha256(content).hexdigest(),
                                                                 content_hash.lower())


# ---- the derived index: rows written where revisions enter ---------------------------------------------------------
def _write(conn: Connection, rows: Iterable[tuple[str, str, str, str]]) -> None:
    conn.executemany("INSERT OR REPLACE INTO revision_consent (rev_id, record_id, content_hash, consent)"
                     " VALUES (?, ?, ?, ?)", rows)


def apply_changes(conn: Connection, changes: Sequence[derived.Change]) -> None:
    """Rows for every revision that entered with ``changes``, from the testimonies validated where they entered."""
    _write(conn, [(rev_id, change.record_id, content_hash, consent_text(testimony))
                  for change in changes for rev_id, content_hash, testimony in change.entered])


def apply_change(conn: Connection, change: derived.Change) -> None:
    apply_changes(conn, (change,))


def refresh(conn: Connection, record_id: str) -> None:
    """A record changed without the parsed testimonies at hand: rows for its revisions that have none (or a stale
    one), from their stored bytes after the SHA-256 check; content that fails it gets no row."""
    rows = conn.execute("SELECT r.id, r.content, r.content_hash FROM revisions r LEFT JOIN revision_consent c"
                        " ON c.record_id = r.record_id AND c.rev_id = r.id WHERE r.record_id = ? AND r.tombstone = 0"
                        " AND (c.content_hash IS NULL OR c.content_hash != r.content_hash)", (record_id,)).fetchall()
    fresh = []
    for rev_id, content, content_hash in rows:
        if _intact(bytes(content), content_hash):
            try:
                decoded = json.loads(bytes(content))
                text = canonical(decoded.get("consent", {})).decode("utf-8")
            except (ValueError, TypeError, AttributeError, RecursionError, UnicodeDecodeError):
                continue
            fresh.append((str(rev_id), record_id, str(content_hash), text))
    _write(conn, fresh)


def remove_testimonies(conn: Connection, record_ids: Sequence[str]) -> None:
    derived.delete_keyed_by_record(conn, TABLE, ("record_id",), record_ids)
