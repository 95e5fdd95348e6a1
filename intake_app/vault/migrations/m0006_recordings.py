"""Schema 6: audio recorded in the app (issue 18). A recording in progress is a row holding its journal's key, committed
before the first sample is written, so a crash never leaves an encrypted journal whose key is lost; when the recording
is finished (or recovered after a crash) it becomes an ordinary attachment and the key is dropped. Markers are kept per
recording, with their offset in the audio."""

from intake_app.vault.database import Connection

STATEMENTS = (
    """CREATE TABLE recordings (
         id TEXT PRIMARY KEY CHECK (length(id) = 32),
         record_id TEXT NOT NULL,
         journal_key BLOB CHECK (journal_key IS NULL OR length(journal_key) = 32),
         state TEXT NOT NULL CHECK (state IN ('recording', 'finished', 'discarded')),
         started_at TEXT NOT NULL,
         ended_at TEXT,
         device TEXT NOT NULL,
         input_name TEXT NOT NULL,
         sample_rate INTEGER NOT NULL,
         channels INTEGER NOT NULL,
         bits INTEGER NOT NULL,
         consent TEXT NOT NULL,
         sha256 TEXT,
         duration_ms INTEGER,
         interrupted INTEGER NOT NULL DEFAULT 0
       ) STRICT""",
    "CREATE INDEX recordings_by_record ON recordings (record_id, started_at)",
    """CREATE TABLE recording_markers (
         recording_id TEXT NOT NULL REFERENCES recordings (id),
         at_ms INTEGER NOT NULL CHECK (at_ms >= 0),
         note TEXT NOT NULL DEFAULT '',
         added_at TEXT NOT NULL
       ) STRICT""",
    "CREATE INDEX markers_by_recording ON recording_markers (recording_id, at_ms)",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
