"""Schema 4: revocation by bundle number (not by the revoked laptop's own clock), and each imported bundle's leaves,
so that 'the device's log was rewritten' is derived from the set of bundles rather than from their arrival order."""

from intake_app.vault.database import Connection


def upgrade(conn: Connection) -> None:
    conn.execute("ALTER TABLE devices ADD COLUMN revoked_after_seq INTEGER")
    conn.execute("ALTER TABLE bundles ADD COLUMN leaves BLOB NOT NULL DEFAULT x''")
    # Fill what earlier imports recorded per device; bundles imported before this version keep their own flag.
    conn.execute("""UPDATE bundles SET leaves = coalesce(unhex((SELECT group_concat(hex(leaf), '') FROM
                      (SELECT leaf FROM device_leaves d WHERE d.device = bundles.device AND d.idx < bundles.log_size
                       ORDER BY idx))), x'')""")
