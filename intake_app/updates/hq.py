"""HQ side of updates: what to send each device, key changes signed into a chain, policy and vocabulary to send.

An update is cumulative: every receipt HQ holds for the device, the whole key-change chain, every revocation of
another device, every vocabulary addition and the current policy. The field applies what it does not have yet, so
an update lost on the way is made good by the next one and the field never needs them all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto import age, minisign
from crypto.signing import PublicKey, SigningKey
from intake_app.bundles.keyring import Keyring
from intake_app.errors import RefusedError, UsageError
from intake_app.records import vocabularies
from intake_app.updates import files
from intake_app.updates import format as uf
from intake_app.updates import vocabulary as vocab_mod
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import Vault, utc_now


@dataclass(frozen=True)
class SentUpdate:
    device: str
    seq: int
    path: Path
    sha256: str
    receipts: int
    highest_receipt: int
    key_changes: int
    revocations: int
    vocabulary: int
    device_code: str  # the first two fingerprint groups, as the laptop shows its key (format.device_code)


def _require_hq(vault: Vault) -> None:
    if vault.role != "hq":
        raise UsageError("updates are written at HQ; a field laptop imports them (intake update import FILE)")


def receipts(conn: Connection, device: str) -> tuple[uf.Receipt, ...]:
    """Every bundle of ``device`` HQ imported and verified (imports commit only after every check), by number."""
    rows = conn.execute("SELECT DISTINCT seq, manifest_sha256 FROM bundles WHERE device = ? ORDER BY seq, manifest_sha256",
                        (device,))
    return tuple(uf.Receipt(int(s), str(h)) for s, h in rows)


def key_chain(conn: Connection) -> tuple[uf.SignedKeyChange, ...]:
    out = []
    for data, signature in conn.execute("SELECT change, signature FROM hq_key_changes ORDER BY idx"):
        link = uf.parse_key_change({"change": json.loads(bytes(data)), "signature": str(signature)})
        if link.data != bytes(data):
            raise RefusedError("a stored HQ key change is damaged")
        out.append(link)
    return tuple(out)


def _revocations(conn: Connection, device: str) -> tuple[uf.Revocation, ...]:
    rows = conn.execute("SELECT key_id, public_key, revoked_at, coalesce(revoked_after_seq, 0) FROM devices"
                        " WHERE revoked_at IS NOT NULL AND key_id != ? ORDER BY key_id", (device,))
    return tuple(uf.Revocation(str(k), minisign.format_public_key_base64(PublicKey(bytes.fromhex(str(k))[::-1],
                                                                                   bytes(pk))),
                               str(at), int(n)) for k, pk, at, n in rows)


def _vocabulary(conn: Connection) -> tuple[uf.VocabularyAddition, ...]:
    return tuple(uf.VocabularyAddition(str(v), json.loads(e)) for v, e in conn.execute(
        "SELECT vocabulary, entry FROM vocabulary_additions ORDER BY vocabulary, code"))


def policy(conn: Connection) -> dict[str, int | None]:
    stored = dict(conn.execute("SELECT name, value FROM update_policy").fetchall())
    return {name: (int(stored[name]) if name in stored else None) for name in uf.POLICY_NAMES}


def set_policy(vault: Vault, values: dict[str, int | None]) -> dict[str, int | None]:
    """Set (an int) or clear (None) policy values to send; names not given stay as they are."""
    _require_hq(vault)
    for name, value in values.items():
        low, high = {**uf.POLICY_RANGES, **uf.POLICY_OPTIONAL}[name]
        if value is not None and not low <= value <= high:
            raise UsageError(f"{name.replace('_', ' ')} must be {low} to {high}")
    with Transaction(vault.conn):
        for name, value in values.items():
            if value is None:
                vault.conn.execute("DELETE FROM update_policy WHERE name = ?", (name,))
            else:
                vault.conn.execute("INSERT INTO update_policy (name, value) VALUES (?, ?) ON CONFLICT (name)"
                                   " DO UPDATE SET value = excluded.value", (name, value))
    return policy(vault.conn)


def add_vocabulary(vault: Vault, data: bytes) -> list[tuple[str, str]]:
    """Add the entries of ``{"vocabulary": NAME, "entries": [...]}`` to send; new codes only. Returns (name, code)."""
    _require_hq(vault)
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UsageError("the vocabulary file is not valid UTF-8 JSON") from None
    if not isinstance(doc, dict) or set(doc) != {"vocabulary", "entries"} or not isinstance(doc["entries"], list):
        raise UsageError('a vocabulary addition file is {"vocabulary": NAME, "entries": [ENTRY, ...]}')
    name = doc["vocabulary"]
    added = []
    now = utc_now()
    with Transaction(vault.conn):
        for i, entry in enumerate(doc["entries"]):
            try:
                item = uf.parse_vocabulary_addition({"vocabulary": name, "entry": entry})
            except uf.UpdateMalformed:
                raise UsageError(f"entries[{i}] is not a vocabulary entry") from None
            verdict = vocab_mod.classify(vault.conn, item.vocabulary, item.entry)
            if verdict != "new":
                why = "already there" if verdict == "same" else verdict
                raise RefusedError(f"entries[{i}] ({item.code}): {why}; nothing was added")
            vault.conn.execute("INSERT INTO vocabulary_additions (vocabulary, code, entry, added_at)"
                               " VALUES (?, ?, ?, ?)", (item.vocabulary, item.code,
                                                        json.dumps(item.entry, ensure_ascii=False, sort_keys=True),
                                                        now))
            added.append((item.vocabulary, item.code))
    vocabularies.install_from(vault.conn)
    return added


def change_keys(vault: Vault, *, new_signing_key: bool = False, add_recipient: str | None = None,
                retire_recipient: str | None = None) -> uf.KeyChange:
    """Append a link to HQ's key chain, signed by the current HQ signing key, and (with ``new_signing_key``) make a
    new signing key the current one. Field laptops follow the chain from the key they pinned."""
    _require_hq(vault)
    if not (new_signing_key or add_recipient or retire_recipient):
        raise UsageError("name a change: --new-signing-key, --add-recipient or --retire-recipient")
    for label, value in (("--add-recipient", add_recipient), ("--retire-recipient", retire_recipient)):
        if value is not None:
            try:
                age.parse_recipient(value)
            except Exception:  # noqa: BLE001 - any parse failure is a usage error
                raise UsageError(f"{label} must be an age X25519 recipient (age1…)") from None
    conn = vault.conn
    old = vault.signing_key()
    with Transaction(conn):
        index = int(conn.execute("SELECT coalesce(max(idx), 0) + 1 FROM hq_key_changes").fetchone()[0])
        now = utc_now()
        new = SigningKey.generate() if new_signing_key else None
        change = uf.KeyChange(index, old.public_key, None if new is None else new.public_key,
                              str(age.parse_recipient(add_recipient)) if add_recipient else None,
                              str(age.parse_recipient(retire_recipient)) if retire_recipient else None, now)
        data = change.to_bytes()
        signature = minisign.sign(old, data, uf.key_change_comment(index, hashlib.sha256(data).hexdigest()),
                                  uf.KEY_CHANGE_SIG_COMMENT)
        conn.execute("INSERT INTO hq_key_changes (idx, change, signature, created_at) VALUES (?, ?, ?, ?)",
                     (index, data, signature, now))
        if new is not None:
            conn.execute("UPDATE signing_keys SET active = 0")
            conn.execute("INSERT INTO signing_keys (key_id, seed, created_at, active) VALUES (?, ?, ?, 1)",
                         (new.key_id, new.seed(), now))
        AuditLog(conn, old.public_key.key_id_hex).append(
            "hq_key_change", now, None, {"index": index, "sha256": hashlib.sha256(data).hexdigest()})
    return change


def _devices(vault: Vault, device: str | None) -> list[tuple[str, str]]:
    """(key id, device code) of the device named, or of every enrolled device not revoked."""
    ring = Keyring(vault)
    if device is not None:
        d = ring.device(device)
        if d.revoked_at:
            raise RefusedError(f"device {d.key_id} is revoked; a revoked laptop gets no updates")
        return [(d.key_id, uf.device_code(d.public_key))]
    return [(d.key_id, uf.device_code(d.public_key)) for d in ring.devices() if not d.revoked_at]


def build(vault: Vault, device: str, seq: int, created_at: str) -> uf.UpdateDoc:
    conn = vault.conn
    return uf.UpdateDoc(device, seq, created_at, vault.signing_key().public_key, receipts(conn, device),
                        key_chain(conn), _revocations(conn, device), _vocabulary(conn), policy(conn))


def export_updates(vault: Vault, out_dir: Path, device: str | None = None) -> list[SentUpdate]:
    """Write the next update of ``device`` (or of every enrolled, unrevoked device) into ``out_dir``."""
    _require_hq(vault)
    if not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a folder")
    key = vault.signing_key()
    sent = []
    for dev, code in _devices(vault, device):
        conn = vault.conn
        with Transaction(conn):
            # Numbered per device and per HQ signing key: a new key starts at 1 (hq-update.md §6).
            seq = int(conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM updates_sent WHERE device = ?"
                                   " AND hq_key_id = ?", (dev, key.public_key.key_id_hex)).fetchone()[0])
            now = utc_now()
            doc = build(vault, dev, seq, now)
            data = doc.to_bytes()
            sha = hashlib.sha256(data).hexdigest()
            sig = minisign.sign(key, data, uf.update_comment(dev, seq, sha, now), uf.DOC_SIG_COMMENT)
            path = out_dir / uf.update_file_name(dev, seq, code)
            highest = max((r.seq for r in doc.receipts), default=0)
            conn.execute("INSERT INTO updates_sent (device, hq_key_id, seq, sha256, created_at, file_name, receipts,"
                         " highest_receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (dev, key.public_key.key_id_hex, seq, sha, now, path.name, len(doc.receipts), highest))
            AuditLog(conn, key.public_key.key_id_hex).append(
                "update_export", now, dev, {"seq": seq, "sha256": sha, "receipts": len(doc.receipts)})
            # Written before the commit: a failure to write rolls the numbering back; a crash after the write and
            # before the commit leaves a file whose number is sent again (the field takes the newer one, once).
            files.write_new(path, files.archive_bytes(data, sig))
        sent.append(SentUpdate(dev, seq, path, sha, len(doc.receipts), highest, len(doc.key_changes),
                               len(doc.revocations), len(doc.vocabulary), code))
    return sent


def update_status(conn: Connection, device: str) -> dict[str, Any]:
    """For the devices page and ``bundle status``: the last update sent and the bundles it acknowledged."""
    row = conn.execute("SELECT seq, created_at, receipts, highest_receipt FROM updates_sent WHERE device = ?"
                       " ORDER BY rowid DESC LIMIT 1", (device,)).fetchone()
    if row is None:
        return {"last_update_sent": None, "bundles_acknowledged": 0, "highest_bundle_acknowledged": 0}
    return {"last_update_sent": {"seq": int(row[0]), "created_at": str(row[1])},
            "bundles_acknowledged": int(row[2]), "highest_bundle_acknowledged": int(row[3])}
