"""Issue 30 (fourth pass): ``revision_consent`` kept in record order, as the consent decision reads it.

The consent decision reads the revisions of a few hundred testimonies at a time, in record id order, each joined to
its row here (:mod:`intake_app.records.consent_rows`). Keyed by revision id alone (a hash: random), the rows of one
batch were scattered over the whole table, and an export's page cache, which every current revision streams through,
no longer held them: each row cost page reads and decryptions of its own (about 0.2 s of CPU over 20,000 testimonies,
a third of the decision's reading). Keyed by (record id, revision id), a batch's rows sit together in a few pages.

The table keeps its columns, in their order, and its contents; only its key changes: the rows are copied into a table
``WITHOUT ROWID`` keyed by ``(record_id, rev_id)``, which also serves the lookups by record that the index
``revision_consent_by_record`` served, so that index is dropped with the old table. A revision id names one record
(it commits to it), so the key holds one row per revision, as before; readers join on both columns.
"""

from intake_app.vault.database import Connection

STATEMENTS = (
    """CREATE TABLE revision_consent_rekeyed (
         rev_id TEXT NOT NULL,
         record_id TEXT NOT NULL,
         content_hash TEXT NOT NULL,
         consent TEXT NOT NULL,
         PRIMARY KEY (record_id, rev_id)
       ) STRICT, WITHOUT ROWID""",
    """INSERT INTO revision_consent_rekeyed (rev_id, record_id, content_hash, consent)
       SELECT rev_id, record_id, content_hash, consent FROM revision_consent ORDER BY record_id, rev_id""",
    # The old table's index by record goes with it (a sort for the copy stays in memory: temp_store = MEMORY).
    "DROP TABLE revision_consent",
    "ALTER TABLE revision_consent_rekeyed RENAME TO revision_consent",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
