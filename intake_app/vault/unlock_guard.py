"""The unlock guard: an optional duress passphrase and an optional failed-unlock limit (issue 29, items 6 and 7).

``<vault>/unlock-guard.json`` sits beside keyslots.json. It holds no copy of the data key, so changing the passphrase
or rotating the data key leaves it valid. Its parts (byte format: docs/formats/unlock-guard.md):

* ``records``: always exactly :data:`RECORD_COUNT` records of :data:`RECORD_LEN` bytes. Every vault has them from its
  creation, all random decoys; setting a duress passphrase replaces the whole set with fresh decoys and one record, at a
  random place, sealed (ChaCha20-Poly1305) under a key derived from the duress passphrase by Argon2id with the file's
  salt and parameters. A sealed record and a decoy are both uniformly random bytes to whoever lacks the passphrase, so
  the file says nothing about whether a duress passphrase exists.
* the failed-unlock count, as a hash chain: ``token`` starts as a random ``seed`` and each failed unlock replaces it
  with SHA-256(token), a step anyone can take and nobody can undo. ``anchor`` = SHA-256^CHAIN_LEN(seed) lets the
  unlock path check ``failures`` against ``token`` without a secret. The seed itself, and the static fields (limit,
  records, salt, KDF), are sealed under the guard key, a random key kept inside the encrypted database
  (vault_meta ``unlock_guard_key``). After a successful unlock the seed is opened and SHA-256^failures(seed) must equal
  the token: a count lowered by editing the file (which needs a pre-image) or a chain replaced by a fresh one (which
  needs the guard key) is detected, and a vault whose limit is on then erases itself as if the limit had been reached.

Every unlock with a passphrase derives the guard key from what was typed (one Argon2id, as costly as the passphrase
slot's) whether or not a duress passphrase is set, so the time an unlock takes says nothing either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import kdf
from crypto.atomic_file import replace_secret_file
from crypto.errors import CryptoError, MalformedError
from crypto.keyslots import canonical_json
from intake_app.errors import RefusedError, UsageError
from intake_app.vault.database import Connection, Transaction

GUARD_FILE = "unlock-guard.json"
FORMAT = "testimony-intake/unlock-guard"
VERSION = 1
RECORD_COUNT = 8
NONCE_LEN = 12
RECORD_LEN = NONCE_LEN + 32 + 16  # nonce, 32 random bytes sealed, Poly1305 tag
CHAIN_LEN = 1000  # failures counted at most (the limit is at most MAX_LIMIT; with no limit counting stops here)
MIN_LIMIT = 5
MAX_LIMIT = 100
MAX_FILE_SIZE = 16 * 1024
KEY_META = "unlock_guard_key"
LIMIT_META = "unlock_limit"
DURESS_META = "duress_set"
# Set by an HQ update whose policy requires a failed-unlock limit (hq-update.md §4): the highest limit allowed here.
REQUIRED_META = "unlock_limit_required"
# What a refused unlock says, duress or not: the message of a wrong passphrase, and nothing else.
WRONG_PASSPHRASE = "wrong passphrase"  # noqa: S105 - a message, not a secret
_RECORD_INFO = b"testimony-intake unlock-guard record v1 "


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, what: str, length: int) -> bytes:
    if not isinstance(value, str):
        raise MalformedError(f"unlock guard: {what} is not a string")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise MalformedError(f"unlock guard: {what} is not valid base64") from None
    if len(raw) != length:
        raise MalformedError(f"unlock guard: {what} has the wrong length")
    return raw


def _hash_steps(value: bytes, steps: int) -> bytes:
    for _ in range(steps):
        value = hashlib.sha256(value).digest()
    return value


def _record_key(duress_key: bytes, index: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=_RECORD_INFO + str(index).encode("ascii")).derive(duress_key)


@dataclass(frozen=True)
class Guard:
    vault_id: str
    kdf: dict[str, Any]
    salt: bytes
    records: tuple[bytes, ...]
    limit: int  # 0: no limit
    failures: int
    token: bytes
    anchor: bytes
    seal: bytes  # nonce || ChaCha20-Poly1305(guard key, seed, static fields as associated data)

    # ---- serialisation
    def static_ad(self) -> bytes:
        return canonical_json({"format": FORMAT, "version": VERSION, "vault_id": self.vault_id, "kdf": self.kdf,
                               "salt": _b64(self.salt), "records": [_b64(r) for r in self.records],
                               "limit": self.limit, "anchor": _b64(self.anchor)})

    def to_bytes(self) -> bytes:
        doc = {"format": FORMAT, "version": VERSION, "vault_id": self.vault_id, "kdf": self.kdf,
               "salt": _b64(self.salt), "records": [_b64(r) for r in self.records], "limit": self.limit,
               "failures": self.failures, "token": _b64(self.token), "anchor": _b64(self.anchor),
               "seal": _b64(self.seal)}
        return json.dumps(doc, sort_keys=True, indent=2).encode("ascii") + b"\n"

    @classmethod
    def parse(cls, data: bytes) -> Guard:
        if len(data) > MAX_FILE_SIZE:
            raise MalformedError("unlock guard: too large")
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise MalformedError("unlock guard: not valid JSON") from None
        keys = {"format", "version", "vault_id", "kdf", "salt", "records", "limit", "failures", "token", "anchor",
                "seal"}
        if not isinstance(doc, dict) or set(doc) != keys:
            raise MalformedError("unlock guard: unexpected fields")
        if doc["format"] != FORMAT or type(doc["version"]) is not int or doc["version"] != VERSION:
            raise MalformedError("unlock guard: not a version 1 unlock guard")
        vault_id = doc["vault_id"]
        if not isinstance(vault_id, str) or not 1 <= len(vault_id) <= 64 or not vault_id.isascii():
            raise MalformedError("unlock guard: bad vault id")
        kdf.Argon2Params.from_json(doc["kdf"])
        records = doc["records"]
        if not isinstance(records, list) or len(records) != RECORD_COUNT:
            raise MalformedError("unlock guard: wrong number of records")
        limit, failures = doc["limit"], doc["failures"]
        if type(limit) is not int or not (limit == 0 or MIN_LIMIT <= limit <= MAX_LIMIT):
            raise MalformedError("unlock guard: bad limit")
        if type(failures) is not int or not 0 <= failures <= CHAIN_LEN:
            raise MalformedError("unlock guard: bad failure count")
        return cls(vault_id, dict(doc["kdf"]), _unb64(doc["salt"], "salt", kdf.SALT_LEN),
                   tuple(_unb64(r, "record", RECORD_LEN) for r in records), limit, failures,
                   _unb64(doc["token"], "token", 32), _unb64(doc["anchor"], "anchor", 32),
                   _unb64(doc["seal"], "seal", NONCE_LEN + 32 + 16))

    # ---- the count
    def consistent(self) -> bool:
        """Whether ``failures`` matches the token's place in the chain (checkable without any secret)."""
        return secrets.compare_digest(_hash_steps(self.token, CHAIN_LEN - self.failures), self.anchor)

    def after_failure(self) -> Guard:
        if self.failures >= CHAIN_LEN:
            return self
        return replace(self, failures=self.failures + 1, token=hashlib.sha256(self.token).digest())

    def verified(self, guard_key: bytes) -> bool:
        """Whether the sealed fields are this vault's and the count was only ever raised by failed unlocks."""
        try:
            seed = ChaCha20Poly1305(guard_key).decrypt(self.seal[:NONCE_LEN], self.seal[NONCE_LEN:], self.static_ad())
        except InvalidTag:
            return False
        return self.consistent() and secrets.compare_digest(_hash_steps(seed, self.failures), self.token)

    # ---- duress
    def duress_key(self, passphrase: str) -> bytes:
        params = kdf.Argon2Params.from_json(self.kdf)
        kdf.check_acceptable(params)
        return kdf.derive(passphrase, self.salt, params)

    def is_duress(self, duress_key: bytes) -> bool:
        """Try every record (all of them, always) with the key derived from what was typed."""
        hit = False
        for index, record in enumerate(self.records):
            try:
                ChaCha20Poly1305(_record_key(duress_key, index)).decrypt(
                    record[:NONCE_LEN], record[NONCE_LEN:], self._record_ad(index))
                hit = True
            except InvalidTag:
                pass
        return hit

    def _record_ad(self, index: int) -> bytes:
        return canonical_json({"format": FORMAT, "vault_id": self.vault_id, "record": index, "salt": _b64(self.salt)})


def decoys() -> tuple[bytes, ...]:
    return tuple(os.urandom(RECORD_LEN) for _ in range(RECORD_COUNT))


def sealed(vault_id: str, params: dict[str, Any], salt: bytes, records: tuple[bytes, ...], limit: int,
           guard_key: bytes) -> Guard:
    """A guard with a fresh chain (no failures), sealed under ``guard_key``."""
    seed = os.urandom(32)
    draft = Guard(vault_id, params, salt, records, limit, 0, seed, _hash_steps(seed, CHAIN_LEN), b"")
    nonce = os.urandom(NONCE_LEN)
    return replace(draft, seal=nonce + ChaCha20Poly1305(guard_key).encrypt(nonce, seed, draft.static_ad()))


def with_duress(guard: Guard, passphrase: str | None) -> tuple[bytes, ...]:
    """A fresh set of records: all decoys, or decoys and one record for ``passphrase`` at a random place."""
    records = list(decoys())
    if passphrase is not None:
        index = secrets.randbelow(RECORD_COUNT)
        key = _record_key(guard.duress_key(passphrase), index)
        nonce = os.urandom(NONCE_LEN)
        records[index] = nonce + ChaCha20Poly1305(key).encrypt(nonce, os.urandom(32), guard._record_ad(index))
    return tuple(records)


# ---- files and the database
def guard_path(vault_path: Path) -> Path:
    return vault_path / GUARD_FILE


def read(vault_path: Path) -> Guard | None:
    """The guard file, or None when it is missing or unreadable (the unlock path decides what that means)."""
    try:
        with guard_path(vault_path).open("rb") as fh:
            return Guard.parse(fh.read(MAX_FILE_SIZE + 1))
    except (OSError, CryptoError):
        return None


def write(vault_path: Path, guard: Guard) -> None:
    """Replace the guard file. Once the new file is in place, a failure to overwrite the superseded copy's bytes does
    not undo the write (the count is recorded): the copy stays as a ``.old-*`` leftover that the next open destroys, as
    for keyslots.json. Otherwise a wrong passphrase would end in that error instead of its refusal."""
    data = guard.to_bytes()
    try:
        replace_secret_file(guard_path(vault_path), data)
    except Exception:  # re-raised unless the new content is in place
        try:
            written = guard_path(vault_path).read_bytes()
        except OSError:
            written = b""
        if written != data:
            raise


def _meta_get(conn: Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM vault_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _meta_set(conn: Connection, values: dict[str, str]) -> None:
    with Transaction(conn):
        for key, value in values.items():
            conn.execute("INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = excluded.value", (key, value))


def db_limit(conn: Connection) -> int:
    value = _meta_get(conn, LIMIT_META)
    return int(value) if value and value.isdigit() else 0


def duress_is_set(conn: Connection) -> bool:
    return _meta_get(conn, DURESS_META) == "1"


def required_limit(conn: Connection) -> int | None:
    """The highest failed-unlock limit HQ's policy allows on this laptop, or None (no requirement)."""
    value = _meta_get(conn, REQUIRED_META)
    return int(value) if value and value.isdigit() and MIN_LIMIT <= int(value) <= MAX_LIMIT else None


def record_required_limit(conn: Connection, limit: int | None) -> None:
    """Inside the caller's transaction (the update import's): remember HQ's requirement, or forget it."""
    if limit is None:
        conn.execute("DELETE FROM vault_meta WHERE key = ?", (REQUIRED_META,))
    else:
        conn.execute("INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                     "value = excluded.value", (REQUIRED_META, str(limit)))


def install(vault_path: Path, conn: Connection, vault_id: str, params: kdf.Argon2Params) -> Guard:
    """A new guard for a vault: a new guard key in the database, decoy records, no limit, no duress passphrase."""
    guard_key = os.urandom(32)
    _meta_set(conn, {KEY_META: guard_key.hex(), LIMIT_META: "0", DURESS_META: "0"})
    guard = sealed(vault_id, params.to_json(), os.urandom(kdf.SALT_LEN), decoys(), 0, guard_key)
    write(vault_path, guard)
    return guard


def _guard_key(conn: Connection) -> bytes | None:
    value = _meta_get(conn, KEY_META)
    try:
        return bytes.fromhex(value) if value else None
    except ValueError:
        return None


# ---- the unlock path
@dataclass
class Attempt:
    """One unlock with a passphrase: the guard read and the typed passphrase tried against its records, before the
    key slots are tried, so that the same work is done whatever the outcome."""

    vault_path: Path
    guard: Guard | None
    duress: bool
    duress_lost: bool = False  # set by succeeded(): a duress passphrase was set but its record is gone

    @classmethod
    def begin(cls, vault_path: Path, passphrase: str) -> Attempt:
        guard = read(vault_path)
        if guard is None:  # a vault from before the guard, or a deleted file: spend the same time anyway
            kdf.derive(passphrase, os.urandom(kdf.SALT_LEN), kdf.profile_for_new_slot())
            return cls(vault_path, None, False)
        try:
            key = guard.duress_key(passphrase)
        except CryptoError:
            return cls(vault_path, guard, False)
        return cls(vault_path, guard, guard.is_duress(key))

    def refused(self, wrong_passphrase: bool, erase: Callable[[Path], None]) -> None:
        """After the key slots refused the passphrase: erase for a duress passphrase; count a wrong one, erasing at
        the limit. The caller then raises the very refusal a wrong passphrase raises."""
        if self.duress:
            erase(self.vault_path)
            return
        if not wrong_passphrase or self.guard is None:
            return
        guard = self.guard
        if not guard.consistent():  # the count was edited: with a limit on, as if it had been reached
            if guard.limit:
                erase(self.vault_path)
            return
        guard = guard.after_failure()
        if guard.limit and guard.failures >= guard.limit:
            erase(self.vault_path)
            return
        write(self.vault_path, guard)

    def succeeded(self, vault_path: Path, conn: Connection, vault_id: str, params: kdf.Argon2Params,
                  erase: Callable[[], None]) -> int:
        """After the key slots opened: check the guard against the database, start a fresh count, and return the
        number of failed unlocks since the last success. A guard that was tampered with, deleted or replaced erases
        the vault when the database says a limit is on (RefusedError); otherwise it is rebuilt."""
        guard_key = _guard_key(conn)
        limit = db_limit(conn)
        guard = self.guard
        intact = (guard is not None and guard_key is not None and guard.vault_id == vault_id
                  and guard.limit == limit and guard.verified(guard_key))
        if not intact and guard_key is not None and limit:
            erase()
            raise RefusedError("the failed-unlock record of this vault was altered or removed: as its failed-unlock "
                               "limit requires, the vault erased itself")
        if guard is None or guard_key is None or not intact:
            self.duress_lost = guard_key is not None and duress_is_set(conn)
            install(vault_path, conn, vault_id, params)
            return 0
        if guard.failures:  # a fresh count; with none to forget the file is left as it is
            write(vault_path, sealed(vault_id, guard.kdf, guard.salt, guard.records, guard.limit, guard_key))
        return guard.failures


# ---- settings (with the vault open)
def _current(vault_path: Path, conn: Connection) -> tuple[Guard, bytes]:
    guard, guard_key = read(vault_path), _guard_key(conn)
    if guard is None or guard_key is None:
        raise RefusedError("this vault has no unlock guard yet: lock and unlock it once, then try again")
    return guard, guard_key


def set_duress(vault_path: Path, conn: Connection, duress_passphrase: str | None,
               opens_vault: Callable[[str], bool]) -> None:
    """Set (or with None, clear) the duress passphrase. Every record is replaced either way."""
    if duress_passphrase is not None:
        if not duress_passphrase:
            raise UsageError("the duress passphrase is empty")
        if opens_vault(duress_passphrase):
            raise UsageError("the duress passphrase must differ from the passphrase — nothing was changed")
    guard, guard_key = _current(vault_path, conn)
    records = with_duress(guard, duress_passphrase)
    write(vault_path, sealed(guard.vault_id, guard.kdf, guard.salt, records, guard.limit, guard_key))
    _meta_set(conn, {DURESS_META: "1" if duress_passphrase is not None else "0"})


def set_limit(vault_path: Path, conn: Connection, limit: int) -> None:
    """Set the failed-unlock limit (MIN_LIMIT…MAX_LIMIT), or 0 for none."""
    if limit != 0 and not MIN_LIMIT <= limit <= MAX_LIMIT:
        raise UsageError(f"the failed-unlock limit must be between {MIN_LIMIT} and {MAX_LIMIT}, or off")
    required = required_limit(conn)
    if required is not None and (limit == 0 or limit > required):
        raise UsageError(f"headquarters requires a failed-unlock limit of at most {required} on this laptop; "
                         "nothing was changed")
    guard, guard_key = _current(vault_path, conn)
    # The two writes are ordered so that a crash between them leaves the file and the database disagreeing with the
    # database's limit off: the next unlock then rebuilds the guard (the limit is off) instead of erasing the vault.
    new = sealed(guard.vault_id, guard.kdf, guard.salt, guard.records, limit, guard_key)
    if limit:
        write(vault_path, new)
        _meta_set(conn, {LIMIT_META: str(limit)})
    else:
        _meta_set(conn, {LIMIT_META: "0"})
        write(vault_path, new)


__all__ = ["GUARD_FILE", "MAX_LIMIT", "MIN_LIMIT", "RECORD_COUNT", "Attempt", "Guard", "db_limit", "duress_is_set",
           "install", "set_duress", "set_limit"]
