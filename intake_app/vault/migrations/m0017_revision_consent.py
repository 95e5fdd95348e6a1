"""Issue 30: each revision's consent beside it (``revision_consent``), so the consent decision reads only the consent
of revisions that are not current instead of building every revision's testimony (intake_app/records/consent_rows.py
writes and reads the rows; docs/security.md, "Each revision's consent", says what a row is trusted for).

One row per stored revision that is not a deletion: the ``consent`` member of its content as canonical JSON (``{}``
when the content has none), with the ``content_hash`` of the content it was taken from. This step fills the table for
the revisions already stored, from their bytes, after checking their SHA-256 against ``revisions.content_hash`` (the
vault layer may not import the records layer, so the few lines of that derivation are repeated here; a test checks
that both give the same rows). Content that fails the check, or is not a JSON object, gets no row: the decision then
reads the content itself, finds it damaged, and refuses as before. Revisions are read a batch at a time, so memory
stays flat whatever the vault's size.
"""

import hashlib
import hmac
import json

from crypto.canonical import canonical
from intake_app.vault.database import Connection

STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS revision_consent (
         rev_id TEXT PRIMARY KEY,
         record_id TEXT NOT NULL,
         content_hash TEXT NOT NULL,
         consent TEXT NOT NULL
       ) STRICT, WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS revision_consent_by_record ON revision_consent (record_id)",
)
BATCH = 500


def consent_row(rev_id: str, record_id: str, content: bytes, content_hash: str) -> tuple[str, str, str, str] | None:
    """The row of one stored revision, or None when its bytes fail their SHA-256 or are not a JSON object."""
    if not hmac.compare_digest(hashlib.sha256(content).hexdigest(), content_hash.lower()):
        return None
    try:
        decoded = json.loads(content)
        text = canonical(decoded.get("consent", {})).decode("utf-8")
    except (ValueError, TypeError, AttributeError, RecursionError, UnicodeDecodeError):
        return None
    return rev_id, record_id, content_hash, text


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
    last = ""
    while True:
        batch = conn.execute("SELECT id, record_id, content, content_hash FROM revisions WHERE tombstone = 0"
                             " AND id > ? ORDER BY id LIMIT ?", (last, BATCH)).fetchall()
        if not batch:
            return
        last = str(batch[-1][0])
        rows = [consent_row(str(r[0]), str(r[1]), bytes(r[2]), str(r[3])) for r in batch]
        conn.executemany("INSERT OR REPLACE INTO revision_consent (rev_id, record_id, content_hash, consent)"
                         " VALUES (?, ?, ?, ?)", [r for r in rows if r is not None])
