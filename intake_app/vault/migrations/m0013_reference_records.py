"""Issue 31: reference records, the archives HQ already holds (FOOTPRINTS, partners' Uwazi databases).

A reference record is never a testimony: no witness, no consent, no device. It lives in its own tables, which no bundle,
update or export reads as content (exports refuse it with ``reference_only``). Each import is a row of
``reference_imports``; each reference record keeps every version it ever had (``reference_versions``), each version with
its provenance: the import (source name, file SHA-256, import time), the row number and the original row's bytes.
"""

from intake_app.vault.database import Connection

STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS reference_imports (
         id TEXT PRIMARY KEY,
         source TEXT NOT NULL,
         template TEXT NOT NULL CHECK (template IN ('victims', 'cases', 'perpetrators')),
         file_sha256 TEXT NOT NULL,
         imported_at TEXT NOT NULL,
         rows INTEGER NOT NULL,
         created INTEGER NOT NULL,
         updated INTEGER NOT NULL,
         unchanged INTEGER NOT NULL,
         refused INTEGER NOT NULL,
         detail TEXT NOT NULL
       ) STRICT""",
    # One reference record per (source, template, identity); identity is 'id:<source_id>', 'title:<title>' or
    # 'hash:<sha256 of the normalised content>' (docs/archive-import.md, "Identity").
    """CREATE TABLE IF NOT EXISTS reference_records (
         id TEXT PRIMARY KEY,
         source TEXT NOT NULL,
         template TEXT NOT NULL,
         kind TEXT NOT NULL CHECK (kind IN ('person', 'act', 'perpetrator')),
         identity TEXT NOT NULL,
         version INTEGER NOT NULL,
         title TEXT,
         UNIQUE (source, template, identity)
       ) STRICT""",
    "CREATE INDEX IF NOT EXISTS reference_records_by_title ON reference_records (source, title)",
    # Relationship columns hold titles (Uwazi): an act of the cases template names its victims by title; the acts of a
    # reference person are found through this table (same source), for the person's comparison features.
    """CREATE TABLE IF NOT EXISTS reference_act_victims (
         act TEXT NOT NULL REFERENCES reference_records (id),
         source TEXT NOT NULL,
         title TEXT NOT NULL,
         PRIMARY KEY (act, title)
       ) STRICT""",
    "CREATE INDEX IF NOT EXISTS reference_act_victims_by_title ON reference_act_victims (source, title)",
    """CREATE TABLE IF NOT EXISTS reference_versions (
         record_id TEXT NOT NULL REFERENCES reference_records (id),
         version INTEGER NOT NULL,
         import_id TEXT NOT NULL REFERENCES reference_imports (id),
         row_number INTEGER NOT NULL,
         content TEXT NOT NULL,
         content_sha256 TEXT NOT NULL,
         original_row BLOB NOT NULL,
         imported_at TEXT NOT NULL,
         PRIMARY KEY (record_id, version)
       ) STRICT""",
    "CREATE INDEX IF NOT EXISTS reference_versions_by_import ON reference_versions (import_id)",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
