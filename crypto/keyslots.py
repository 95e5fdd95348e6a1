"""The key-slot file: one random data key (DEK) wrapped twice, by the passphrase and by the recovery key.

The DEK keys the SQLCipher database and is never derived from the passphrase, so changing the passphrase rewraps one
slot and leaves the database untouched. Each slot is ChaCha20-Poly1305 with associated data that binds the file format,
the vault id, the slot id and the slot's KDF parameters and salt: a slot copied from another vault, moved to the other
slot's place, or given weaker parameters no longer opens. An HMAC over the whole file, keyed from the DEK, is checked after
unlocking, so any edit to the file is detected by whoever holds a secret. An unkeyed SHA-256 checksum lets corruption be
reported as corruption instead of as a wrong passphrase. The byte format is documented in docs/formats/keyslots.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import kdf
from crypto.atomic_file import replace_secret_file
from crypto.errors import AuthenticationError, MalformedError, WrongSecretError

FORMAT = "testimony-intake/keyslots"
VERSION = 1
DEK_LEN = 32
NONCE_LEN = 12
MAX_FILE_SIZE = 64 * 1024
PASSPHRASE_SLOT = "passphrase"  # noqa: S105 - a slot name, not a secret
RECOVERY_SLOT = "recovery"
_MAC_INFO = b"testimony-intake keyslots mac v1"
_RECOVERY_INFO = b"testimony-intake recovery slot v1"
_RECOVERY_KDF = {"alg": "hkdf-sha256"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, what: str, length: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise MalformedError(f"key slot file: {what} is not a string")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise MalformedError(f"key slot file: {what} is not valid base64") from None
    if length is not None and len(raw) != length:
        raise MalformedError(f"key slot file: {what} has the wrong length")
    return raw


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _hkdf(key: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _mac_key(dek: bytes) -> bytes:
    return _hkdf(dek, _MAC_INFO)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise MalformedError(f"key slot file: duplicate key {key!r}")
        out[key] = value
    return out


def _expect_keys(obj: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise MalformedError(f"key slot file: {what} is not an object")
    if set(obj) != keys:
        extra = sorted(set(obj) - keys)
        missing = sorted(keys - set(obj))
        raise MalformedError(f"key slot file: {what} has unexpected keys {extra} or lacks {missing}")
    return obj


@dataclass(frozen=True)
class Slot:
    slot_id: str
    kdf: Mapping[str, Any]
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "kdf": dict(self.kdf),
            "salt": _b64(self.salt),
            "aead": "chacha20-poly1305",
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.wrapped),
        }


def _slot_ad(vault_id: str, slot_id: str, kdf_obj: Mapping[str, Any], salt: bytes) -> bytes:
    return canonical_json(
        {"format": FORMAT, "version": VERSION, "vault_id": vault_id, "slot": slot_id, "kdf": dict(kdf_obj),
         "salt": _b64(salt)}
    )


def _seal(kek: bytes, dek: bytes, vault_id: str, slot_id: str, kdf_obj: Mapping[str, Any], salt: bytes) -> Slot:
    nonce = os.urandom(NONCE_LEN)
    wrapped = ChaCha20Poly1305(kek).encrypt(nonce, dek, _slot_ad(vault_id, slot_id, kdf_obj, salt))
    return Slot(slot_id, dict(kdf_obj), salt, nonce, wrapped)


def _open(kek: bytes, slot: Slot, vault_id: str) -> bytes | None:
    try:
        return ChaCha20Poly1305(kek).decrypt(slot.nonce, slot.wrapped, _slot_ad(vault_id, slot.slot_id, slot.kdf, slot.salt))
    except InvalidTag:
        return None


def _passphrase_kek(passphrase: str, slot: Slot) -> bytes:
    params = kdf.Argon2Params.from_json(slot.kdf)
    kdf.check_acceptable(params)
    return kdf.derive(passphrase, slot.salt, params)


def _recovery_kek(recovery_key: bytes, salt: bytes) -> bytes:
    return _hkdf(recovery_key, _RECOVERY_INFO, salt)


class KeySlotFile:
    """Parsed (or freshly made) key slots of one vault. Immutable: changes return a new instance."""

    def __init__(self, vault_id: str, slots: Mapping[str, Slot], mac: bytes,
                 keks: Mapping[str, bytes] | None = None) -> None:
        self.vault_id = vault_id
        self.slots = dict(slots)
        self._mac = mac
        # The key-encryption keys this instance was made with (create, new passphrase, rekeyed); empty when parsed.
        self.keks: dict[str, bytes] = dict(keks or {})

    # ---- construction
    @classmethod
    def create(cls, vault_id: str, dek: bytes, passphrase: str, recovery_key: bytes,
               params: kdf.Argon2Params) -> KeySlotFile:
        if len(dek) != DEK_LEN:
            raise ValueError("the data key is 32 bytes")
        p_salt = os.urandom(kdf.SALT_LEN)
        p_kek = kdf.derive(passphrase, p_salt, params)
        p_slot = _seal(p_kek, dek, vault_id, PASSPHRASE_SLOT, params.to_json(), p_salt)
        r_salt = os.urandom(kdf.SALT_LEN)
        r_kek = _recovery_kek(recovery_key, r_salt)
        r_slot = _seal(r_kek, dek, vault_id, RECOVERY_SLOT, _RECOVERY_KDF, r_salt)
        return cls._signed(vault_id, {PASSPHRASE_SLOT: p_slot, RECOVERY_SLOT: r_slot}, dek,
                           {PASSPHRASE_SLOT: p_kek, RECOVERY_SLOT: r_kek})

    @classmethod
    def _signed(cls, vault_id: str, slots: Mapping[str, Slot], dek: bytes,
                keks: Mapping[str, bytes] | None = None) -> KeySlotFile:
        body = canonical_json(cls._body(vault_id, slots))
        return cls(vault_id, slots, hmac.new(_mac_key(dek), body, hashlib.sha256).digest(), keks)

    def with_new_passphrase(self, dek: bytes, passphrase: str, params: kdf.Argon2Params) -> KeySlotFile:
        """A copy whose passphrase slot wraps ``dek`` under a new passphrase; the recovery slot is kept as is."""
        salt = os.urandom(kdf.SALT_LEN)
        kek = kdf.derive(passphrase, salt, params)
        slot = _seal(kek, dek, self.vault_id, PASSPHRASE_SLOT, params.to_json(), salt)
        return self._signed(self.vault_id, {**self.slots, PASSPHRASE_SLOT: slot}, dek,
                            {**self.keks, PASSPHRASE_SLOT: kek})

    def rekeyed(self, old_dek: bytes, new_dek: bytes, keks: Mapping[str, bytes]) -> KeySlotFile:
        """The same slots (same secrets, KDF parameters and salts, fresh nonces) wrapping ``new_dek`` instead: a data-key
        rotation that needs no secret typed again. Every slot's key-encryption key must be given and must open the
        slot to ``old_dek``; otherwise AuthenticationError, and nothing is made."""
        if len(new_dek) != DEK_LEN:
            raise ValueError("the data key is 32 bytes")
        slots: dict[str, Slot] = {}
        for sid, slot in self.slots.items():
            kek = keks.get(sid)
            opened = None if kek is None else _open(kek, slot, self.vault_id)
            if opened is None or not hmac.compare_digest(opened, old_dek):
                raise AuthenticationError(f"key slot file: the key of slot {sid!r} is not known, or no longer opens it")
            slots[sid] = _seal(kek, new_dek, self.vault_id, sid, slot.kdf, slot.salt)  # type: ignore[arg-type]
        return self._signed(self.vault_id, slots, new_dek, dict(keks))

    def recovery_kek(self, recovery_key: bytes) -> bytes:
        """The recovery slot's key-encryption key (HKDF of the recovery key and the slot's salt)."""
        return _recovery_kek(recovery_key, self.slots[RECOVERY_SLOT].salt)

    # ---- serialisation
    @staticmethod
    def _body(vault_id: str, slots: Mapping[str, Slot]) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": vault_id,
            "slots": {sid: slots[sid].to_json() for sid in sorted(slots)},
        }

    def to_bytes(self) -> bytes:
        body = self._body(self.vault_id, self.slots)
        doc = dict(body)
        doc["checksum"] = "sha256:" + hashlib.sha256(canonical_json(body)).hexdigest()
        doc["mac"] = "hmac-sha256:" + self._mac.hex()
        return json.dumps(doc, sort_keys=True, indent=2).encode("ascii") + b"\n"

    @classmethod
    def parse(cls, data: bytes) -> KeySlotFile:  # noqa: PLR0912 - one check per field, in file order
        """Parse a key-slot file, refusing anything malformed, corrupted or outside the format."""
        if len(data) > MAX_FILE_SIZE:
            raise MalformedError("key slot file: too large to be a key slot file")
        try:
            doc = json.loads(data.decode("utf-8"), object_pairs_hook=_reject_duplicates,
                             parse_constant=lambda _c: (_ for _ in ()).throw(MalformedError("bad constant")))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise MalformedError("key slot file: not valid JSON (the file is damaged or not a key slot file)") from None
        doc = _expect_keys(doc, {"format", "version", "vault_id", "slots", "checksum", "mac"}, "the file")
        if doc["format"] != FORMAT:
            raise MalformedError("key slot file: not a Testimony Intake key slot file")
        if doc["version"] != VERSION or type(doc["version"]) is not int:
            raise MalformedError("key slot file: unsupported version")
        vault_id = doc["vault_id"]
        if not isinstance(vault_id, str) or not 1 <= len(vault_id) <= 64 or not vault_id.isascii():
            raise MalformedError("key slot file: bad vault id")
        raw_slots = _expect_keys(doc["slots"], {PASSPHRASE_SLOT, RECOVERY_SLOT}, "slots")
        slots: dict[str, Slot] = {}
        for sid, raw_slot in raw_slots.items():
            raw = _expect_keys(raw_slot, {"kdf", "salt", "aead", "nonce", "wrapped_key"}, f"slot {sid!r}")
            if raw["aead"] != "chacha20-poly1305":
                raise MalformedError(f"key slot file: slot {sid!r} uses an unknown cipher")
            if not isinstance(raw["kdf"], dict):
                raise MalformedError(f"key slot file: slot {sid!r} has no KDF parameters")
            slots[sid] = Slot(
                sid,
                raw["kdf"],
                _unb64(raw["salt"], f"slot {sid!r} salt", kdf.SALT_LEN),
                _unb64(raw["nonce"], f"slot {sid!r} nonce", NONCE_LEN),
                _unb64(raw["wrapped_key"], f"slot {sid!r} wrapped key", DEK_LEN + 16),
            )
        if slots[RECOVERY_SLOT].kdf != _RECOVERY_KDF:
            raise MalformedError("key slot file: the recovery slot has unknown parameters")
        kdf.Argon2Params.from_json(slots[PASSPHRASE_SLOT].kdf)  # shape check now; strength checked at unlock
        checksum, mac = doc["checksum"], doc["mac"]
        if not isinstance(checksum, str) or not checksum.startswith("sha256:"):
            raise MalformedError("key slot file: missing checksum")
        expected = "sha256:" + hashlib.sha256(canonical_json(cls._body(vault_id, slots))).hexdigest()
        if not hmac.compare_digest(checksum.encode("ascii", "replace"), expected.encode("ascii")):
            raise MalformedError("key slot file: checksum mismatch — the file is damaged or was edited")
        if not isinstance(mac, str) or not mac.startswith("hmac-sha256:"):
            raise MalformedError("key slot file: missing MAC")
        try:
            mac_bytes = bytes.fromhex(mac.removeprefix("hmac-sha256:"))
        except ValueError:
            raise MalformedError("key slot file: MAC is not hex") from None
        if len(mac_bytes) != 32:
            raise MalformedError("key slot file: MAC has the wrong length")
        return cls(vault_id, slots, mac_bytes)

    # ---- unlocking
    @property
    def kdf_params(self) -> kdf.Argon2Params:
        return kdf.Argon2Params.from_json(self.slots[PASSPHRASE_SLOT].kdf)

    def _check_mac(self, dek: bytes) -> bytes:
        body = canonical_json(self._body(self.vault_id, self.slots))
        if not hmac.compare_digest(hmac.new(_mac_key(dek), body, hashlib.sha256).digest(), self._mac):
            raise AuthenticationError("key slot file: its MAC does not match — the file was altered")
        return dek

    def unlock_with_passphrase(self, passphrase: str) -> bytes:
        """Return the DEK, or raise AuthenticationError for a wrong passphrase or an altered file."""
        return self.unlock_with_passphrase_kek(passphrase)[0]

    def unlock_with_passphrase_kek(self, passphrase: str) -> tuple[bytes, bytes]:
        """Like :meth:`unlock_with_passphrase`, also returning the slot's key-encryption key (one Argon2id run)."""
        slot = self.slots[PASSPHRASE_SLOT]
        kek = _passphrase_kek(passphrase, slot)
        dek = _open(kek, slot, self.vault_id)
        if dek is None:
            raise WrongSecretError("wrong passphrase")
        return self._check_mac(dek), kek

    def unlock_with_recovery_key(self, recovery_key: bytes) -> bytes:
        slot = self.slots[RECOVERY_SLOT]
        dek = _open(_recovery_kek(recovery_key, slot.salt), slot, self.vault_id)
        if dek is None:
            raise AuthenticationError("wrong recovery key for this vault")
        return self._check_mac(dek)


def read_file(path: Path) -> KeySlotFile:
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_SIZE + 1)
    return KeySlotFile.parse(data)


def write_file(path: Path, slots: KeySlotFile) -> None:
    """Replace the key-slot file crash-safely; the superseded version's bytes are overwritten once the new one is
    durable (crypto.atomic_file.replace_secret_file)."""
    replace_secret_file(path, slots.to_bytes())
