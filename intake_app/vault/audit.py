"""The device's append-only audit log.

Every create, edit, delete, attach, view of an attachment, export and import appends an entry. An entry is a small
canonical JSON object — never testimony content, only ids, hashes, counts and actions:

    {"action": "edit", "at": "2026-…Z", "detail": {...}, "device": "<key id>", "seq": 7, "subject": "<record id>"}

Its RFC 6962 leaf hash (SHA-256 of 0x00 ‖ entry) is the log's leaf ``seq``. Exports carry a signed checkpoint (size and
Merkle root) and all leaf hashes, so HQ and auditors can check that a device's log only ever grew. The database refuses
UPDATE and DELETE on the log (triggers), and ``verify`` recomputes every leaf from its entry.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from crypto import merkle
from crypto.canonical import canonical as canonical  # noqa: PLC0414 - the one definition, re-exported
from crypto.canonical import canonical_large
from intake_app.vault.database import Connection

ACTIONS = frozenset(
    {
        "vault_created", "create", "edit", "delete", "merge", "resolve_conflict", "attach", "view_attachment",
        "extract_attachment", "remove_attachment", "export", "import", "import_refused", "enrol_device",
        "revoke_device", "pin_recipient", "passphrase_changed", "update_export", "update_import", "hq_key_change",
        "purge",
        # The perpetrator registry's decisions (issue 15).
        "perpetrator_link", "perpetrator_unlink", "perpetrator_distinct", "perpetrator_name",
    }
)
# The person registry's decisions at HQ (issue 14): who linked which mentions into which person, and why.
ACTIONS |= frozenset({"person_link", "person_unlink", "person_distinct", "person_name"})
# An outside archive imported as reference records at HQ (issue 31): file SHA-256 and counts.
ACTIONS |= frozenset({"reference_import"})



@dataclass(frozen=True)
class AuditReport:
    size: int
    root: bytes
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class AuditLog:
    """Append and verify. ``append`` runs inside the caller's transaction, so an entry commits with its action."""

    def __init__(self, conn: Connection, device: str) -> None:
        self.conn = conn
        self.device = device

    def append(self, action: str, at: str, subject: str | None = None, detail: dict[str, Any] | None = None) -> int:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        row = self.conn.execute("SELECT coalesce(max(seq) + 1, 0) FROM audit_log").fetchone()
        seq = int(row[0])
        entry = canonical_large(  # an archive export's entry lists every mention: no str copy of it first
            {"seq": seq, "at": at, "device": self.device, "action": action, "subject": subject, "detail": detail or {}}
        )
        del detail  # an archive export's detail (a dict per mention) is freed before SQLite copies the entry
        self.conn.execute(
            "INSERT INTO audit_log (seq, at, action, subject, entry, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)",
            (seq, at, action, subject, entry, merkle.leaf_hash(entry)),
        )
        return seq

    def size(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])

    def leaf_hashes(self, upto: int | None = None) -> list[bytes]:
        sql = "SELECT leaf_hash FROM audit_log ORDER BY seq"
        rows = self.conn.execute(sql if upto is None else sql.replace("ORDER", "WHERE seq < ? ORDER"),
                                 () if upto is None else (upto,))
        return [bytes(r[0]) for r in rows]

    def root(self) -> bytes:
        builder = merkle.RootBuilder()
        for (leaf,) in self.conn.execute("SELECT leaf_hash FROM audit_log ORDER BY seq"):
            builder.append(bytes(leaf))
        return builder.root()

    def entries(self, since: int = 0) -> list[tuple[int, bytes]]:
        return [(int(s), bytes(e)) for s, e in
                self.conn.execute("SELECT seq, entry FROM audit_log WHERE seq >= ? ORDER BY seq", (since,))]

    def verify(self, checkpoints: list[tuple[int, bytes]] | None = None) -> AuditReport:
        """Recompute every leaf from its entry, check numbering, and that each recorded checkpoint (size, root) is
        the root of the log's first ``size`` leaves — i.e. the log only grew since it was exported."""
        problems: list[str] = []
        builder = merkle.RootBuilder()
        roots_at: dict[int, bytes] = {0: builder.root()}
        wanted = {size for size, _ in checkpoints or []}
        expected_seq = 0
        for seq, entry, leaf in self.conn.execute("SELECT seq, entry, leaf_hash FROM audit_log ORDER BY seq"):
            if seq != expected_seq:
                problems.append(f"entry {expected_seq} is missing (next entry is {seq})")
                expected_seq = seq
            entry_bytes, leaf_bytes = bytes(entry), bytes(leaf)
            if not hmac.compare_digest(merkle.leaf_hash(entry_bytes), leaf_bytes):
                problems.append(f"entry {seq} does not match its leaf hash")
            try:
                parsed = json.loads(entry_bytes)
                if parsed.get("seq") != seq or canonical(parsed) != entry_bytes:
                    problems.append(f"entry {seq} is not in canonical form or names another position")
            except (ValueError, AttributeError):
                problems.append(f"entry {seq} is not valid JSON")
            builder.append(leaf_bytes)
            expected_seq += 1
            if builder.size in wanted:
                roots_at[builder.size] = builder.root()
        for size, root in checkpoints or []:
            if size > builder.size:
                problems.append(f"a checkpoint names {size} entries but the log has only {builder.size}: it shrank")
            elif not hmac.compare_digest(roots_at.get(size, b""), root):
                problems.append(f"the first {size} entries no longer hash to the exported checkpoint: the log was rewritten")
        return AuditReport(builder.size, builder.root(), tuple(problems))

