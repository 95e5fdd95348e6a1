"""Issue 30: the listing of an archive export (every mention released and excluded) beside its audit entry.

An export of the whole archive (Uwazi, statistics) released or excluded every mention of the archive. Its ``export``
audit entry used to list them all (tens of MB at 100,000 testimonies, held whole in memory to be hashed and bound);
now the entry records the listing's counts and SHA-256 (docs/exports.md, "The listing of an archive export"), and the
listing's bytes are kept here, in the encrypted vault, in chunks (``export_listings``): ``export`` is the export id
(the entry's subject), ``chunk`` numbers the chunks from 0, ``data`` is a piece of the listing; the listing is the
chunks' concatenation in ``chunk`` order. Like the audit log, rows are never changed or deleted (triggers).
"""

from intake_app.vault.database import Connection

STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS export_listings (
         export TEXT NOT NULL,
         chunk INTEGER NOT NULL CHECK (chunk >= 0),
         data BLOB NOT NULL,
         PRIMARY KEY (export, chunk)
       ) STRICT, WITHOUT ROWID""",
    """CREATE TRIGGER IF NOT EXISTS export_listings_no_update BEFORE UPDATE ON export_listings
       BEGIN SELECT RAISE(ABORT, 'an export listing is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS export_listings_no_delete BEFORE DELETE ON export_listings
       BEGIN SELECT RAISE(ABORT, 'an export listing is append-only'); END""",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
