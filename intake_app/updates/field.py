"""Field side of updates: verify an HQ update against the pinned HQ key (following the key chain), then apply it in
one transaction. Anything wrong — a changed byte, another device's update, an old or replayed number, a signer that
is not pinned and not reached by a valid chain — refuses the whole file before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crypto import minisign
from crypto.errors import CryptoError
from crypto.signing import PublicKey
from intake_app.errors import RefusedError, UsageError
from intake_app.records import purge, vocabularies
from intake_app.updates import files
from intake_app.updates import format as uf
from intake_app.updates import vocabulary as vocab_mod
from intake_app.vault import unlock_guard
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import Vault, utc_now

AUTO_PURGE_KEY = "auto_purge_after_update"


class UpdateRefused(RefusedError):
    """An update file was refused; nothing was changed. The message says why in plain words."""


@dataclass
class ImportedUpdate:
    file: str
    device: str
    sequence: int
    hq_key_id: str
    acknowledged_bundles: list[int] = field(default_factory=list)
    newly_acknowledged: list[int] = field(default_factory=list)
    receipt_warnings: list[str] = field(default_factory=list)
    key_changes: list[dict[str, Any]] = field(default_factory=list)
    revocations: list[str] = field(default_factory=list)
    vocabulary_added: list[str] = field(default_factory=list)
    vocabulary_skipped: list[dict[str, str]] = field(default_factory=list)
    policy: dict[str, int | None] = field(default_factory=dict)
    # HQ's requirements (hq-update.md §4): the failed-unlock limit this import set (None: left as it was), and
    # what the interviewer must still do (a duress passphrase only they can choose), as policy_warnings says.
    unlock_limit_set: int | None = None
    duress_required_missing: bool = False
    policy_warnings: list[str] = field(default_factory=list)
    purged: dict[str, Any] | None = None


def pinned_signing_keys(conn: Connection) -> list[PublicKey]:
    keys = []
    for (text,) in conn.execute("SELECT DISTINCT signing_key FROM hq_recipients WHERE signing_key IS NOT NULL"
                                " ORDER BY signing_key"):
        keys.append(minisign.parse_public_key_file(str(text)))
    return keys


def follow_chain(pinned: list[PublicKey], links: tuple[uf.SignedKeyChange, ...],
                 applied: set[str]) -> tuple[PublicKey | None, list[uf.SignedKeyChange]]:
    """The HQ signing key the chain leads to from a pinned key (None: no link starts from one) and the links to apply.

    Links that start from a key this vault does not pin are history from before it was set up (or already
    followed); from the first not-yet-applied link signed by a pinned key on, every link must be signed by the key
    the previous one installed. A link whose signature does not verify refuses the update."""
    current: PublicKey | None = None
    to_apply = []
    for link in links:
        prev = link.change.previous_signing_key
        if current is None:
            match = next((k for k in pinned if k.same_as(prev)), None)
            if match is None or link.sha256 in applied:
                continue
            current = match
        elif not current.same_as(prev):
            raise UpdateRefused(f"HQ key change {link.change.index} is not signed by the key the chain leads to; "
                                "the key chain is broken")
        try:
            link.verify(current)
        except CryptoError as exc:
            raise UpdateRefused(f"HQ key change {link.change.index} is not validly signed ({exc})") from None
        if link.sha256 not in applied:
            to_apply.append(link)
        if link.change.signing_key is not None:
            current = link.change.signing_key
    return current, to_apply


def verify(vault: Vault, data: bytes) -> tuple[uf.UpdateDoc, bytes, PublicKey, list[uf.SignedKeyChange]]:
    """Every check, no write. Returns the document, its bytes, the key that signed it and the links to apply."""
    conn = vault.conn
    doc_bytes, sig = files.split_archive(data)
    doc = uf.parse_doc(doc_bytes)
    pinned = pinned_signing_keys(conn)
    if not pinned:
        raise UpdateRefused("no HQ signing key is pinned on this laptop (its HQ key file had none); "
                            "an update cannot be checked")
    applied = {str(r[0]) for r in conn.execute("SELECT sha256 FROM hq_chain_applied")}
    chained, links = follow_chain(pinned, doc.key_changes, applied)
    candidates = [chained] if chained is not None else pinned
    try:
        claimed = minisign.signature_key_id(sig)
    except CryptoError as exc:
        raise UpdateRefused(f"the update's signature is damaged ({exc})") from None
    signer = next((k for k in candidates if k.key_id == claimed), None)
    if signer is None:
        raise UpdateRefused(f"the update is signed by key {claimed[::-1].hex().upper()}, which is not HQ's pinned "
                            "signing key and is not reached from it by a validly signed key change")
    try:
        verified = minisign.verify(signer, doc_bytes, sig)
    except CryptoError as exc:
        raise UpdateRefused(f"the update's signature does not verify ({exc}): it was altered or not made by HQ") from None
    comment = uf.UpdateComment.parse(verified.trusted_comment)
    if (comment.device, comment.seq, comment.sha256, comment.created_at) != (
            doc.device, doc.seq, hashlib.sha256(doc_bytes).hexdigest(), doc.created_at):
        raise UpdateRefused("the update's signed comment does not match its content")
    if not doc.hq_signing_key.same_as(signer):
        raise UpdateRefused("the update names another HQ signing key than the one that signed it")
    own = vault.signing_key().public_key.key_id_hex
    if doc.device != own:
        raise UpdateRefused(f"this update is for device {doc.device}, not for this laptop ({own})")
    # Numbers count per HQ signing key (hq-update.md §6): a key HQ reached by a validly signed key change starts
    # afresh, so no number the old key's updates reached (even one signed by a thief of it) can hold the change back.
    last = int(conn.execute("SELECT coalesce(max(seq), 0) FROM updates_received WHERE hq_key_id = ?",
                            (signer.key_id_hex,)).fetchone()[0])
    if doc.seq <= last:
        raise UpdateRefused(f"update {doc.seq} is not newer than update {last}, already imported here "
                            "(a replay or an older update)")
    if doc.seq > last + uf.SEQUENCE_WINDOW:
        raise UpdateRefused(f"update {doc.seq} skips too far ahead of update {last}, the last one from this HQ key"
                            f" (at most {uf.SEQUENCE_WINDOW} more is accepted)")
    return doc, doc_bytes, signer, links


def import_update(vault: Vault, path: Path, *, auto_purge: bool | None = None) -> ImportedUpdate:
    """Verify and apply the update file at ``path``. ``auto_purge`` None: as this vault's setting says."""
    if vault.role != "field":
        raise UsageError("updates are imported on field laptops; HQ writes them (intake update export)")
    data = files.read_file(path)
    try:
        doc, doc_bytes, signer, links = verify(vault, data)
    except uf.UpdateMalformed as exc:
        raise UpdateRefused(f"not a valid HQ update: {exc}") from None
    result = ImportedUpdate(str(path), doc.device, doc.seq, signer.key_id_hex)
    conn = vault.conn
    now = utc_now()
    audit = AuditLog(conn, doc.device)
    with Transaction(conn):
        _apply_receipts(conn, doc, now, result)
        _apply_links(conn, links, doc.seq, now, result, audit)
        for r in doc.revocations:
            conn.execute("INSERT INTO known_revocations (key_id, public_key, revoked_at, accept_up_to, update_seq)"
                         " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET public_key = excluded.public_key,"
                         " revoked_at = excluded.revoked_at, accept_up_to = excluded.accept_up_to",
                         (r.device, r.public_key, r.revoked_at, r.accept_up_to, doc.seq))
            result.revocations.append(r.device)
        _apply_vocabulary(conn, doc, now, result)
        conn.execute("DELETE FROM update_policy")
        conn.executemany("INSERT INTO update_policy (name, value) VALUES (?, ?)",
                         [(k, v) for k, v in doc.policy.items() if v is not None])
        unlock_guard.record_required_limit(conn, doc.policy.get(uf.REQUIRE_UNLOCK_LIMIT))
        result.policy = dict(doc.policy)
        sha = hashlib.sha256(doc_bytes).hexdigest()
        summary = {"acknowledged": len(result.acknowledged_bundles), "new": len(result.newly_acknowledged),
                   "key_changes": len(result.key_changes), "revocations": len(result.revocations),
                   "vocabulary": len(result.vocabulary_added)}
        conn.execute("INSERT INTO updates_received (seq, sha256, hq_key_id, created_at, imported_at, summary)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (doc.seq, sha, signer.key_id_hex, doc.created_at, now,
                                                    json.dumps(summary, sort_keys=True)))
        audit.append("update_import", now, None, {"seq": doc.seq, "sha256": sha, **summary})
    if result.vocabulary_added:
        vocabularies.install_from(conn)
    result.unlock_limit_set = enforce_policy(vault)
    result.policy_warnings = policy_warnings(conn)
    result.duress_required_missing = duress_required_missing(conn)
    if auto_purge is None:
        auto_purge = auto_purge_enabled(conn)
    if auto_purge:
        done = purge.purge_acknowledged(vault)
        result.purged = {"testimonies": done.count, "revisions": done.revisions, "attachments": done.attachments}
    return result


def _apply_receipts(conn: Connection, doc: uf.UpdateDoc, now: str, result: ImportedUpdate) -> None:
    exported = {int(s): str(h) for s, h in conn.execute("SELECT seq, manifest_sha256 FROM exports")}
    for r in doc.receipts:
        if exported.get(r.seq) != r.manifest_sha256:
            # HQ holds a bundle with this laptop's key that this laptop did not make (a fork, a restored copy, or a
            # stolen key): never an acknowledgement of anything here.
            result.receipt_warnings.append(f"HQ acknowledges a bundle {r.seq} that this laptop did not export "
                                           "(another copy of this device key made it)")
            continue
        cur = conn.execute("INSERT OR IGNORE INTO acknowledged_bundles (seq, manifest_sha256, update_seq,"
                           " acknowledged_at) VALUES (?, ?, ?, ?)", (r.seq, r.manifest_sha256, doc.seq, now))
        if cur.rowcount:
            result.newly_acknowledged.append(r.seq)
    result.acknowledged_bundles = [int(s) for (s,) in conn.execute("SELECT seq FROM acknowledged_bundles ORDER BY seq")]


def _apply_links(conn: Connection, links: list[uf.SignedKeyChange], update_seq: int, now: str,
                 result: ImportedUpdate, audit: AuditLog) -> None:
    if not links:
        return
    current = links[0].change.previous_signing_key
    for link in links:
        c = link.change
        prev_text = minisign.format_public_key_base64(current)
        if c.signing_key is not None:
            current = c.signing_key
            conn.execute("UPDATE hq_recipients SET signing_key = ? WHERE signing_key = ?",
                         (minisign.format_public_key_base64(current), prev_text))
        if c.add_recipient is not None:
            conn.execute("INSERT OR IGNORE INTO hq_recipients (recipient, name, signing_key, added_at)"
                         " VALUES (?, ?, ?, ?)", (c.add_recipient, f"HQ key change {c.index}",
                                                  minisign.format_public_key_base64(current), now))
        if c.retire_recipient is not None:
            conn.execute("DELETE FROM hq_recipients WHERE recipient = ?", (c.retire_recipient,))
        conn.execute("INSERT INTO hq_chain_applied (sha256, idx, update_seq) VALUES (?, ?, ?)",
                     (link.sha256, c.index, update_seq))
        item = {"index": c.index,
                "signing_key": None if c.signing_key is None else c.signing_key.fingerprint(),
                "add_recipient": None if c.add_recipient is None else _recipient_fp(c.add_recipient),
                "retire_recipient": None if c.retire_recipient is None else _recipient_fp(c.retire_recipient)}
        result.key_changes.append(item)
        audit.append("hq_key_change", now, None, {"index": c.index, "sha256": link.sha256})
    if not conn.execute("SELECT 1 FROM hq_recipients").fetchone():
        raise UpdateRefused("the HQ key changes would leave this laptop with no HQ recipient; nothing was changed")
    final = minisign.format_public_key_base64(current)
    conn.execute("UPDATE hq_recipients SET signing_key = ? WHERE signing_key IS NOT NULL", (final,))
    if not conn.execute("SELECT 1 FROM hq_recipients WHERE signing_key IS NOT NULL").fetchone():
        conn.execute("UPDATE hq_recipients SET signing_key = ? WHERE recipient ="
                     " (SELECT recipient FROM hq_recipients ORDER BY added_at DESC, recipient LIMIT 1)", (final,))


def _recipient_fp(recipient: str) -> str:
    from intake_app.bundles.keyring import recipient_fingerprint  # noqa: PLC0415

    return recipient_fingerprint(recipient)


def _apply_vocabulary(conn: Connection, doc: uf.UpdateDoc, now: str, result: ImportedUpdate) -> None:
    for item in doc.vocabulary:
        verdict = vocab_mod.classify(conn, item.vocabulary, item.entry)
        if verdict == "new":
            conn.execute("INSERT INTO vocabulary_additions (vocabulary, code, entry, added_at) VALUES (?, ?, ?, ?)",
                         (item.vocabulary, item.code, json.dumps(item.entry, ensure_ascii=False, sort_keys=True), now))
            result.vocabulary_added.append(f"{item.vocabulary}:{item.code}")
        elif verdict != "same":
            result.vocabulary_skipped.append({"code": f"{item.vocabulary}:{item.code}", "reason": verdict})


# ---- settings, policy, revocations ---------------------------------------------------------------------------------
def auto_purge_enabled(conn: Connection) -> bool:
    row = conn.execute("SELECT value FROM vault_meta WHERE key = ?", (AUTO_PURGE_KEY,)).fetchone()
    return row is not None and str(row[0]) == "1"


def set_auto_purge(vault: Vault, enabled: bool) -> None:
    with Transaction(vault.conn):
        vault.conn.execute("INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                           " DO UPDATE SET value = excluded.value", (AUTO_PURGE_KEY, "1" if enabled else "0"))


def field_policy(conn: Connection) -> dict[str, int | None]:
    stored = dict(conn.execute("SELECT name, value FROM update_policy").fetchall())
    return {name: (int(stored[name]) if name in stored else None) for name in uf.POLICY_NAMES}


def enforce_policy(vault: Vault) -> int | None:
    """Apply what HQ's policy requires and the laptop can apply alone: a failed-unlock limit of at most N (set to N
    when off or higher). Returns the limit set, or None when nothing changed. A duress passphrase is never set here:
    only the interviewer can choose one (policy_warnings asks for it)."""
    required = unlock_guard.required_limit(vault.conn)
    current = unlock_guard.db_limit(vault.conn)
    if required is None or 0 < current <= required:
        return None
    try:
        unlock_guard.set_limit(vault.path, vault.conn, required)
    except RefusedError:  # a vault from before the guard: it gets one at the next unlock (policy_warnings says so)
        return None
    return required


def duress_required_missing(conn: Connection) -> bool:
    return bool(field_policy(conn)[uf.REQUIRE_DURESS]) and not unlock_guard.duress_is_set(conn)


def policy_warnings(conn: Connection) -> list[str]:
    """What HQ's policy requires that this laptop does not do yet, in plain words (empty: nothing)."""
    warnings = []
    required = field_policy(conn)[uf.REQUIRE_UNLOCK_LIMIT]
    current = unlock_guard.db_limit(conn)
    if required is not None and not 0 < current <= required:
        warnings.append(f"headquarters requires a failed-unlock limit of at most {required} and it could not be set:"
                        " lock and unlock the vault once, then import the update again")
    if duress_required_missing(conn):
        warnings.append("headquarters requires a duress passphrase on this laptop and none is set: choose one"
                        " (Vault menu, Unlock protection…, or intake vault duress set)")
    return warnings


def days_since_export(conn: Connection, now: dt.datetime | None = None) -> int:
    """Whole days since the last bundle export (or, before the first, since the vault was made)."""
    row = conn.execute("SELECT max(created_at) FROM exports").fetchone()
    since = row[0] if row and row[0] else conn.execute(
        "SELECT value FROM vault_meta WHERE key = 'created_at'").fetchone()[0]
    then = dt.datetime.strptime(str(since), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    return max(0, ((now or dt.datetime.now(dt.UTC)) - then).days)


def export_due(conn: Connection, now: dt.datetime | None = None) -> int | None:
    """Days since the last export when HQ's policy says a reminder is due (more than its maximum), else None."""
    limit = field_policy(conn)["max_days_between_exports"]
    days = days_since_export(conn, now)
    return days if limit is not None and days > limit else None


def revoked(conn: Connection, key_id: str) -> dict[str, Any] | None:
    """HQ's revocation of ``key_id`` as announced in an update, or None: to warn when handed that device's files."""
    row = conn.execute("SELECT revoked_at, accept_up_to FROM known_revocations WHERE key_id = ?",
                       (key_id.upper(),)).fetchone()
    return None if row is None else {"key_id": key_id.upper(), "revoked_at": str(row[0]), "accept_up_to": int(row[1])}


def this_device(vault: Vault) -> dict[str, str]:
    """How this laptop is named in HQ's update files and on HQ's devices page (hq-update.md §2)."""
    key = vault.signing_key().public_key
    code = uf.device_code(key)
    return {"device": key.key_id_hex, "device_code": code,
            "update_file_pattern": uf.update_file_name(key.key_id_hex, 0, code).replace("-000000.", "-*.")}


def status(conn: Connection) -> dict[str, Any]:
    row = conn.execute("SELECT seq, created_at, imported_at FROM updates_received ORDER BY rowid DESC LIMIT 1").fetchone()
    return {
        "last_update": None if row is None else {"seq": int(row[0]), "created_at": str(row[1]),
                                                 "imported_at": str(row[2])},
        "acknowledged_bundles": list(purge.acknowledged_bundles(conn)),
        "policy": field_policy(conn),
        "revocations": [str(r[0]) for r in conn.execute("SELECT key_id FROM known_revocations ORDER BY key_id")],
        "auto_purge": auto_purge_enabled(conn),
        "purgeable": len(purge.purgeable(conn)),
        "days_since_export": days_since_export(conn),
        "export_due": export_due(conn) is not None,
        "unlock_limit": unlock_guard.db_limit(conn) or None,
        "policy_warnings": policy_warnings(conn),
        "signing_key_fingerprints": [k.fingerprint() for k in pinned_signing_keys(conn)],
    }
