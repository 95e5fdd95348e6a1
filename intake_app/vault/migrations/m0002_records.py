"""Schema 2: records with revision DAGs, drafts, the append-only audit log, attachments and the search index."""

from intake_app.vault.database import Connection

STATEMENTS = (
    # One row per record: which revisions are its heads is in record_heads; summary is the list view's columns.
    """CREATE TABLE records (
         id TEXT PRIMARY KEY,
         kind TEXT NOT NULL,
         current_rev TEXT NOT NULL,
         deleted INTEGER NOT NULL DEFAULT 0,
         conflicted INTEGER NOT NULL DEFAULT 0,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL,
         date_lower TEXT,
         date_upper TEXT,
         summary TEXT NOT NULL
       ) STRICT""",
    "CREATE INDEX records_by_date ON records (date_lower, id)",
    # Content-addressed revisions: id = sha256 of the envelope (record, parents, device, time, content hash), so the
    # same revision arriving twice is the same row, and a record's state is a function of its set of revisions.
    """CREATE TABLE revisions (
         id TEXT PRIMARY KEY,
         record_id TEXT NOT NULL,
         parents TEXT NOT NULL,
         device TEXT NOT NULL,
         created_at TEXT NOT NULL,
         content_hash TEXT NOT NULL,
         tombstone INTEGER NOT NULL,
         content BLOB NOT NULL,
         local_seq INTEGER NOT NULL,
         exported_in INTEGER
       ) STRICT""",
    "CREATE INDEX revisions_by_record ON revisions (record_id, created_at)",
    "CREATE UNIQUE INDEX revisions_by_seq ON revisions (local_seq)",
    "CREATE INDEX revisions_unexported ON revisions (exported_in) WHERE exported_in IS NULL",
    "CREATE TABLE revision_parents (child TEXT NOT NULL, parent TEXT NOT NULL, PRIMARY KEY (child, parent)) STRICT",
    "CREATE INDEX revision_children ON revision_parents (parent)",
    "CREATE TABLE record_heads (record_id TEXT NOT NULL, rev_id TEXT NOT NULL, PRIMARY KEY (record_id, rev_id)) STRICT",
    # Autosaved drafts: one per record being edited, overwritten every few seconds, never exported.
    """CREATE TABLE drafts (
         record_id TEXT PRIMARY KEY,
         base_rev TEXT,
         content BLOB NOT NULL,
         saved_at TEXT NOT NULL
       ) STRICT""",
    # The device's own audit log. seq is the Merkle leaf index; entry is the exact canonical JSON that was hashed.
    """CREATE TABLE audit_log (
         seq INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         action TEXT NOT NULL,
         subject TEXT,
         entry BLOB NOT NULL,
         leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
         exported_in INTEGER
       ) STRICT""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF seq, at, action, subject, entry, leaf_hash ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    # Attachments are content-addressed by the plaintext sha256; the blob file name is random. A link may name an
    # attachment that has not arrived yet (at HQ, its bundle may be held back), so there is no foreign key.
    """CREATE TABLE attachments (
         sha256 TEXT PRIMARY KEY,
         blob_id TEXT NOT NULL UNIQUE,
         blob_key BLOB NOT NULL CHECK (length(blob_key) = 32),
         size INTEGER NOT NULL,
         media_type TEXT NOT NULL,
         added_at TEXT NOT NULL,
         exported_in INTEGER
       ) STRICT""",
    """CREATE TABLE attachment_links (
         record_id TEXT NOT NULL,
         sha256 TEXT NOT NULL,
         original_name TEXT NOT NULL,
         captured_at TEXT,
         added_at TEXT NOT NULL,
         device TEXT NOT NULL,
         exported_in INTEGER,
         PRIMARY KEY (record_id, sha256)
       ) STRICT""",
    """CREATE TABLE custody_events (
         id INTEGER PRIMARY KEY,
         sha256 TEXT NOT NULL,
         at TEXT NOT NULL,
         action TEXT NOT NULL,
         device TEXT NOT NULL,
         detail TEXT NOT NULL DEFAULT '{}'
       ) STRICT""",
    "CREATE INDEX custody_by_sha ON custody_events (sha256, at)",
)


# The search index's tables as intake_app.search.index defined them when this schema was made. Frozen here on
# purpose: a later change to the index is a new migration, never an edit of this one.
# tests/search/test_search_schema.py checks they agree.
SEARCH_TABLES = (
    "CREATE TABLE search_doc (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE)",
    "CREATE TABLE search_text (id INTEGER PRIMARY KEY REFERENCES search_doc (id), fields TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE search_bigram USING fts5(body, content='', contentless_delete=1, tokenize='ascii', detail=full)",
    "CREATE VIRTUAL TABLE search_char USING fts5(body, content='', contentless_delete=1, tokenize='ascii', detail=none)",
    "CREATE VIRTUAL TABLE search_short USING fts5(names, details, content='', contentless_delete=1, tokenize='ascii',"
    " detail=full, prefix='4')",
    "INSERT INTO search_bigram (search_bigram, rank) VALUES ('pgsz', 8000)",
    "INSERT INTO search_char (search_char, rank) VALUES ('pgsz', 8000)",
    "INSERT INTO search_short (search_short, rank) VALUES ('pgsz', 8000)",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS + SEARCH_TABLES:
        conn.execute(statement)
