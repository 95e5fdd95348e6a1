"""Issue 30: statistics counted in SQL. An index that fits the queries, and a flag that spares each query a full check.

- ``stat_facts_by_dim_mention (dim, mid)`` replaces ``stat_facts_by_mention (mid, dim)``. A two-dimension query joins the
  fact rows of one dimension to those of another by mention: with the dimension first, every look-up of the second
  dimension falls in that dimension's own small range of the index (the index also holds ``value``: an index of a
  WITHOUT ROWID table carries its primary key), instead of anywhere in an index of every fact, which at 100,000
  testimonies no longer fits the page cache. Every look-up by mention also names the dimension, so the old index
  serves nothing the new one does not; the number of indexes (and the cost of a write) stays the same.
- ``vault_meta`` key ``stats_sync_due``: set by triggers whenever a testimony record is added or its current revision
  changes, by any path; ``intake_app.stats.query`` runs the full staleness check (``facts.sync``, a join of every
  record with ``stat_testimonies``) only while it is set, and clears it in the same transaction as that check. Set here
  too, so the first query after the upgrade makes the full check. (The triggers insert only when the key is missing,
  rather than ``INSERT OR IGNORE``: inside a trigger the outer statement's conflict handling overrides the trigger's,
  and the record store writes ``records`` with an upsert.)
"""

from intake_app.vault.database import Connection

STATEMENTS = (
    "DROP INDEX IF EXISTS stat_facts_by_mention",
    "CREATE INDEX IF NOT EXISTS stat_facts_by_dim_mention ON stat_facts (dim, mid)",
    """CREATE TRIGGER IF NOT EXISTS stats_sync_due_on_insert AFTER INSERT ON records WHEN NEW.kind = 'testimony'
        BEGIN INSERT INTO vault_meta (key, value) SELECT 'stats_sync_due', '1'
              WHERE NOT EXISTS (SELECT 1 FROM vault_meta WHERE key = 'stats_sync_due'); END""",
    """CREATE TRIGGER IF NOT EXISTS stats_sync_due_on_update AFTER UPDATE OF current_rev, deleted, kind ON records
        WHEN NEW.kind = 'testimony' OR OLD.kind = 'testimony'
        BEGIN INSERT INTO vault_meta (key, value) SELECT 'stats_sync_due', '1'
              WHERE NOT EXISTS (SELECT 1 FROM vault_meta WHERE key = 'stats_sync_due'); END""",
    "INSERT OR IGNORE INTO vault_meta (key, value) VALUES ('stats_sync_due', '1')",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
