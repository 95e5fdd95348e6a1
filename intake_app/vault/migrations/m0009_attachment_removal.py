"""Schema 9: an attachment can be removed from a testimony as a tombstone (when, by which device), never deleted.

The link row stays, with ``removed_at``/``removed_by``; the encrypted blob stays too (it is evidence with a chain of
custody, and an earlier revision may refer to it). A 'removed' custody event and an audit entry record the removal.
"""

from intake_app.vault.database import Connection


def upgrade(conn: Connection) -> None:
    conn.execute("ALTER TABLE attachment_links ADD COLUMN removed_at TEXT")
    conn.execute("ALTER TABLE attachment_links ADD COLUMN removed_by TEXT")
