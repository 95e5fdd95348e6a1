"""Schema 11: attachment removals travel in bundles (issue 24, finding 4).

At HQ, ``state_seq`` is the number of the bundle (of the link's device) whose entry set the link's removal state: an
entry changes ``removed_at`` only when it comes from a later bundle, so HQ's state is the device's latest whatever the
order bundles arrive in. On a field laptop it stays NULL (the link's own ``exported_in`` says whether its current state
went out).
"""

from intake_app.vault.database import Connection


def upgrade(conn: Connection) -> None:
    # Idempotent, like the step before it (a vault whose version number was set back keeps the column).
    if "state_seq" not in {str(r[1]) for r in conn.execute("PRAGMA table_info(attachment_links)")}:
        conn.execute("ALTER TABLE attachment_links ADD COLUMN state_seq INTEGER")
