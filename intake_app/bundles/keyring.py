"""Key exchange: public key files, HQ recipients pinned on field vaults, devices enrolled at HQ.

File formats (all plain text, safe to share):

* a **device public key file** is a standard minisign public key file (``minisign -Vm … -p DEVICE.pub`` uses it);
* an **HQ public key file** names HQ's age recipient and HQ's signing key::

      # Testimony Intake HQ public keys — safe to share; compare the fingerprints by phone or on paper
      recipient age1…
      signing-key RWQ…

* a bare ``age1…`` line (e.g. ``age-keygen -y`` of an offline backup identity) is accepted as an extra recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto import age, minisign
from crypto.errors import CryptoError
from crypto.signing import PublicKey, material_fingerprint
from intake_app.display import clean_text
from intake_app.errors import RefusedError, UsageError, read_named_file
from intake_app.records import derived, revisions
from intake_app.records.interchange_schema import is_blank
from intake_app.records.store import search_fields, summarise
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault, utc_now

MAX_KEY_FILE = 16 * 1024
HQ_FILE_HEADER = "# Testimony Intake HQ public keys"
_NAME_MAX = 80


def recipient_fingerprint(recipient: str) -> str:
    return material_fingerprint("age-x25519-recipient", age.parse_recipient(recipient).public_bytes)


def read_key_file(path: Path) -> str:
    data = read_named_file(path, MAX_KEY_FILE, name=str(path), too_large=f"{path} is too large to be a key file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a text key file") from None


@dataclass(frozen=True)
class HqKeys:
    recipient: str
    signing_key: PublicKey | None

    def fingerprints(self) -> dict[str, str]:
        out = {"recipient": recipient_fingerprint(self.recipient)}
        if self.signing_key is not None:
            out["signing_key"] = self.signing_key.fingerprint()
        return out


# Inside a line of an HQ key file: no C0 control but TAB, no DEL, no C1 control (U+0085 included), no U+2028/U+2029.
_BAD_IN_KEY_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _hq_key_lines(text: str) -> list[str]:
    """The meaningful lines of an HQ key file: split on LF only (a final LF optional, one CR before each LF allowed),
    spaces and tabs trimmed, blank and ``#`` comment lines dropped. Any other line separator or control character
    (VT, FF, a lone CR, U+0085, U+2028, …) is refused (docs/formats/key-files.md §2)."""
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    out = []
    for number, raw_line in enumerate(raw, 1):
        bad = _BAD_IN_KEY_LINE.search(raw_line.removesuffix("\r"))
        if bad is not None:
            raise UsageError(f"not a valid HQ public key file: line {number} contains U+{ord(bad.group()):04X}"
                             " (lines end with LF or CRLF; no other control characters)")
        line = raw_line.removesuffix("\r").strip(" \t")
        if line and not line.startswith("#"):
            out.append(line)
    return out


def parse_hq_key_file(text: str) -> HqKeys:
    """An HQ public key file, or a bare age recipient line; refuses anything else with a clear error."""
    recipient: str | None = None
    signing: PublicKey | None = None
    lines = _hq_key_lines(text)
    try:
        if len(lines) == 1 and lines[0].startswith("age1"):
            return HqKeys(str(age.parse_recipient(lines[0])), None)
        for line in lines:
            key, _, value = line.partition(" ")
            if key == "recipient" and recipient is None:
                recipient = str(age.parse_recipient(value.strip(" \t")))
            elif key == "signing-key" and signing is None:
                signing = minisign.parse_public_key_file(value.strip(" \t"))
            else:
                raise UsageError("not an HQ public key file (unexpected line; a device key file is added at HQ)")
    except CryptoError as exc:
        raise UsageError(f"not a valid HQ public key file: {exc}") from None
    if recipient is None:
        raise UsageError("not an HQ public key file: it names no recipient")
    return HqKeys(recipient, signing)


def format_hq_key_file(keys: HqKeys) -> str:
    fps = keys.fingerprints()
    lines = [HQ_FILE_HEADER + " — safe to share; compare the fingerprints by phone or on paper",
             f"# recipient fingerprint:   {fps['recipient']}"]
    if keys.signing_key is not None:
        lines.append(f"# signing-key fingerprint: {fps['signing_key']}")
    lines.append(f"recipient {keys.recipient}")
    if keys.signing_key is not None:
        lines.append(f"signing-key {minisign.format_public_key_base64(keys.signing_key)}")
    return "\n".join(lines) + "\n"


def parse_device_key_file(text: str) -> PublicKey:
    try:
        return minisign.parse_public_key_file(text)
    except CryptoError as exc:
        raise UsageError(f"not a device public key file (minisign format expected): {exc}") from None


def _clean_name(name: str) -> str:
    cleaned = clean_text(name).strip()
    if is_blank(name) or not cleaned or len(cleaned) > _NAME_MAX:  # zero-width characters alone are no name
        raise UsageError(f"a name must be 1 to {_NAME_MAX} characters")
    return cleaned


@dataclass(frozen=True)
class Device:
    key_id: str
    name: str
    public_key: PublicKey
    enrolled_at: str
    revoked_at: str | None
    revocation_reason: str | None
    revoked_after_seq: int | None = None

    @property
    def fingerprint(self) -> str:
        return self.public_key.fingerprint()


class Keyring:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn
        self.role = vault.role
        self.signing_key = vault.signing_key()
        self.audit = AuditLog(self.conn, self.signing_key.public_key.key_id_hex)

    # ---- this vault's own keys
    def own_hq_keys(self) -> HqKeys:
        if self.role != "hq":
            raise UsageError("only an HQ vault has a recipient key")
        identity = age.X25519Identity(self.vault.age_identity_secret())
        return HqKeys(str(identity.recipient), self.signing_key.public_key)

    def identity(self) -> age.X25519Identity:
        return age.X25519Identity(self.vault.age_identity_secret())

    def export_public(self) -> str:
        if self.role == "hq":
            return format_hq_key_file(self.own_hq_keys())
        return minisign.format_public_key_file(
            self.signing_key.public_key,
            f"minisign public key {self.signing_key.public_key.key_id_hex} (Testimony Intake device)",
        )

    # ---- field: pinned HQ recipients
    def pin_recipient(self, keys: HqKeys, name: str) -> bool:
        if self.role != "field":
            raise UsageError("HQ recipients are pinned on field vaults; at HQ, `keys add` enrols a device key file")
        name = _clean_name(name)
        signing = minisign.format_public_key_base64(keys.signing_key) if keys.signing_key else None
        now = utc_now()
        with Transaction(self.conn):
            if self.conn.execute("SELECT 1 FROM hq_recipients WHERE recipient = ?", (keys.recipient,)).fetchone():
                return False
            self.conn.execute("INSERT INTO hq_recipients (recipient, name, signing_key, added_at) VALUES (?, ?, ?, ?)",
                              (keys.recipient, name, signing, now))
            self.audit.append("pin_recipient", now, None, {"fingerprint": recipient_fingerprint(keys.recipient)})
        return True

    def recipients(self) -> list[tuple[str, str, str]]:
        """(recipient, name, added_at) of the pinned HQ recipients, oldest first."""
        return [(str(r), str(n), str(a)) for r, n, a in
                self.conn.execute("SELECT recipient, name, added_at FROM hq_recipients ORDER BY added_at, recipient")]

    # ---- HQ: enrolled devices
    def enrol(self, key: PublicKey, name: str) -> bool:
        if self.role != "hq":
            raise UsageError("devices are enrolled at HQ; a field vault pins an HQ public key file instead")
        name = _clean_name(name)
        now = utc_now()
        with Transaction(self.conn):
            row = self.conn.execute("SELECT public_key FROM devices WHERE key_id = ?", (key.key_id_hex,)).fetchone()
            if row is not None:
                if bytes(row[0]) != key.public:
                    raise RefusedError(f"another key with id {key.key_id_hex} is already enrolled; refusing")
                return False
            self.conn.execute("INSERT INTO devices (key_id, name, public_key, enrolled_at) VALUES (?, ?, ?, ?)",
                              (key.key_id_hex, name, key.public, now))
            self.audit.append("enrol_device", now, key.key_id_hex, {"fingerprint": key.fingerprint()})
        return True

    def revoke(self, key_id: str, reason: str, accept_up_to: int | None = None) -> Device:
        """Revoke a device: from now on only its bundles numbered up to ``accept_up_to`` (default: the highest HQ
        has imported) and made before now are accepted. Bundles still on their way from before the revocation can be
        let in by naming their last number; nothing the laptop signs later gets in, whatever its clock says."""
        reason = clean_text(reason).strip()
        if not reason:
            raise UsageError("give a reason for the revocation (--reason)")
        device = self.device(key_id)
        if device.revoked_at:
            raise RefusedError(f"device {device.key_id} was already revoked on {device.revoked_at}")
        now = utc_now()
        with Transaction(self.conn):
            # Bundles are numbered by the device: everything numbered above what HQ holds now is refused, whatever
            # time the (possibly stolen) laptop writes into it.
            last = self.conn.execute("SELECT coalesce(max(seq), 0) FROM bundles WHERE device = ?",
                                     (device.key_id,)).fetchone()[0]
            if accept_up_to is not None:
                if accept_up_to < 0:
                    raise UsageError("--accept-up-to is a bundle number (0 or more)")
                last = accept_up_to
            self.conn.execute("UPDATE devices SET revoked_at = ?, revocation_reason = ?, revoked_after_seq = ?"
                              " WHERE key_id = ?", (now, reason[:500], int(last), device.key_id))
            self.audit.append("revoke_device", now, device.key_id, {})
            # A record two devices both started is owned by the one not revoked (records.revisions.choose_owner):
            # recompute those this device started.
            for (record_id,) in self.conn.execute("SELECT DISTINCT record_id FROM revisions WHERE device = ? AND"
                                                  " parents = '[]' ORDER BY record_id", (device.key_id,)).fetchall():
                change = revisions.refresh_record(self.conn, str(record_id), summarise, search_fields)
                derived.testimony_saved(self.conn, str(record_id), change)  # its current version may have changed
        return self.device(key_id)

    def device(self, key_id: str) -> Device:
        key_id = key_id.strip().upper()
        if not re.fullmatch(r"[0-9A-F]{16}", key_id):
            raise UsageError("a key id is 16 hexadecimal digits, as `intake keys list` shows")
        row = self.conn.execute(
            "SELECT key_id, name, public_key, enrolled_at, revoked_at, revocation_reason, revoked_after_seq"
            " FROM devices WHERE key_id = ?",
            (key_id,)).fetchone()
        if row is None:
            raise UsageError(f"no enrolled device with key id {key_id}")
        return self._device(row)

    def devices(self) -> list[Device]:
        return [self._device(r) for r in self.conn.execute(
            "SELECT key_id, name, public_key, enrolled_at, revoked_at, revocation_reason, revoked_after_seq FROM devices"
            " ORDER BY enrolled_at, key_id")]

    @staticmethod
    def _device(row: tuple[Any, ...]) -> Device:
        key_id = str(row[0])
        return Device(key_id, str(row[1]), PublicKey(bytes.fromhex(key_id)[::-1], bytes(row[2])), str(row[3]),
                      None if row[4] is None else str(row[4]), None if row[5] is None else str(row[5]),
                      None if row[6] is None else int(row[6]))
