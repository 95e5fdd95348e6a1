"""The vault: a private directory holding the key slots, the SQLCipher database and encrypted attachment blobs.

::

    <vault>/keyslots.json   the data key (DEK) wrapped by the passphrase and by the recovery key (crypto.keyslots)
    <vault>/vault.db        SQLCipher 4, keyed with the raw DEK
    <vault>/blobs/          attachments, each encrypted with its own key (kept in vault.db)

Nothing else is written: no plaintext, no caches. Creating a vault builds it in a hidden sibling directory and renames
it into place, so a crash never leaves half a vault under the real name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from crypto import kdf, keyslots, recovery
from crypto.atomic_file import fsync_dir, overwrite_and_unlink
from crypto.errors import CryptoError, MalformedError
from crypto.signing import SigningKey
from intake_app import migrations
from intake_app.audit import AuditLog
from intake_app.blobstore import BlobStore
from intake_app.database import Connection, Transaction, open_encrypted
from intake_app.errors import RefusedError, UsageError
from intake_app.private_fs import make_private_dir

KEYSLOTS_FILE = "keyslots.json"
DB_FILE = "vault.db"
BLOBS_DIR = "blobs"
ROLES = ("field", "hq")


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _refuse(exc: CryptoError) -> RefusedError:
    return RefusedError(str(exc))


def read_key_slots(path: Path) -> keyslots.KeySlotFile:
    """Read and parse ``<vault>/keyslots.json`` (no secret needed), with errors a user can act on."""
    slot_path = path / KEYSLOTS_FILE
    if not path.exists():
        raise UsageError(f"no vault at {path} (create one with `intake vault init`)")
    if not slot_path.is_file():
        if (path / DB_FILE).exists():
            raise RefusedError(f"the vault at {path} has no key material: it was erased, or keyslots.json was removed")
        raise UsageError(f"{path} is not a vault (no keyslots.json)")
    try:
        return keyslots.read_file(slot_path)
    except CryptoError as exc:
        raise _refuse(exc) from None


@dataclass(frozen=True)
class VaultInfo:
    path: str
    vault_id: str
    role: str
    created_at: str
    fingerprint: str
    key_id: str
    schema_version: int
    kdf_profile: str
    kdf: dict[str, int]
    counts: dict[str, int]


class Vault:
    """An unlocked vault. ``lock()`` closes the database and forgets the key."""

    def __init__(self, path: Path, conn: Connection, slots: keyslots.KeySlotFile, dek: bytes) -> None:
        self.path = path
        self._conn: Connection | None = conn
        self._slots = slots
        self._dek = bytearray(dek)

    # ---- lifecycle
    @classmethod
    def create(cls, path: Path, passphrase: str, role: str = "field",
               params: kdf.Argon2Params | None = None) -> tuple[Vault, str]:
        """Create a new vault; return it unlocked with the recovery key, formatted to be written down (shown once)."""
        if role not in ROLES:
            raise UsageError(f"unknown role {role!r}: choose field or hq")
        if not passphrase:
            raise UsageError("the passphrase must not be empty")
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UsageError(f"{path} already exists and is not empty; refusing to create a vault over it")
        make_private_dir(path.parent)
        staging = path.parent / f".{path.name}.creating-{secrets.token_hex(6)}"
        make_private_dir(staging)
        vault_id = str(uuid.uuid4())
        dek = secrets.token_bytes(keyslots.DEK_LEN)
        recovery_key = recovery.generate()
        try:
            slots = keyslots.KeySlotFile.create(vault_id, dek, passphrase, recovery_key,
                                                params or kdf.profile_for_new_slot())
            keyslots.write_file(staging / KEYSLOTS_FILE, slots)
            make_private_dir(staging / BLOBS_DIR)
            conn = open_encrypted(staging / DB_FILE, dek, create=True)
            try:
                migrations.migrate(conn, None)
                _initialise(conn, vault_id, role)
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            fsync_dir(staging)
            if path.exists():
                path.rmdir()
            staging.rename(path)
            fsync_dir(path.parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        vault = cls(path, open_encrypted(path / DB_FILE, dek), slots, dek)
        return vault, recovery.encode(recovery_key)

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Vault:
        """Unlock with the passphrase. A wrong passphrase raises RefusedError and writes nothing."""
        slots = read_key_slots(path)
        try:
            dek = slots.unlock_with_passphrase(passphrase)
        except CryptoError as exc:
            raise _refuse(exc) from None
        return cls._open_db(path, slots, dek)

    @classmethod
    def open_with_recovery_key(cls, path: Path, recovery_text: str) -> Vault:
        """Unlock with the recovery key; its checksum is checked before anything else."""
        try:
            key = recovery.decode(recovery_text)
        except MalformedError as exc:
            raise UsageError(str(exc)) from None
        slots = read_key_slots(path)
        try:
            dek = slots.unlock_with_recovery_key(key)
        except CryptoError as exc:
            raise _refuse(exc) from None
        return cls._open_db(path, slots, dek)

    @classmethod
    def _open_db(cls, path: Path, slots: keyslots.KeySlotFile, dek: bytes) -> Vault:
        db_path = path / DB_FILE
        conn = open_encrypted(db_path, dek)
        try:
            migrations.migrate(conn, db_path)
            stored_id = _meta(conn, "vault_id")
        except BaseException:
            conn.close()
            raise
        if stored_id != slots.vault_id:
            conn.close()
            raise RefusedError("the key slots and the database belong to different vaults")
        _remove_interrupted_slot_writes(path)
        vault = cls(path, conn, slots, dek)
        vault.sweep_orphan_blobs()
        return vault

    def sweep_orphan_blobs(self) -> list[str]:
        """Remove blob files no committed row refers to (left by a crash during an attach or an import), once they are
        an hour old, so another process's attach in progress is never touched."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "attachments" not in tables:
            return []
        known = [str(r[0]) for r in self.conn.execute("SELECT blob_id FROM attachments")]
        return BlobStore(self.path / BLOBS_DIR).sweep_orphans(known, min_age_seconds=3600)

    def lock(self) -> None:
        """Close the database and overwrite the in-memory copy of the data key (best effort in Python)."""
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        for i in range(len(self._dek)):
            self._dek[i] = 0

    @property
    def locked(self) -> bool:
        return self._conn is None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RefusedError("the vault is locked")
        return self._conn

    # ---- secrets
    def change_passphrase(self, new_passphrase: str, params: kdf.Argon2Params | None = None) -> None:
        """Rewrap the data key under a new passphrase: one atomic rewrite of keyslots.json, the database untouched."""
        if not new_passphrase:
            raise UsageError("the passphrase must not be empty")
        if self.locked:
            raise RefusedError("the vault is locked")
        new_slots = self._slots.with_new_passphrase(bytes(self._dek), new_passphrase,
                                                    params or kdf.profile_for_new_slot())
        keyslots.write_file(self.path / KEYSLOTS_FILE, new_slots)
        self._slots = new_slots

    # ---- identity
    @property
    def vault_id(self) -> str:
        return self._slots.vault_id

    @property
    def role(self) -> str:
        return _meta(self.conn, "role")

    def signing_key(self) -> SigningKey:
        row = self.conn.execute(
            "SELECT seed, key_id FROM signing_keys WHERE active = 1 ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise RefusedError("this vault has no signing key")
        return SigningKey(bytes(row[0]), bytes(row[1]))

    def age_identity_secret(self) -> bytes:
        """HQ only: the raw X25519 secret of the vault's age identity."""
        row = self.conn.execute("SELECT secret FROM age_identities ORDER BY id LIMIT 1").fetchone()
        if row is None:
            raise RefusedError("this vault has no age identity (only HQ vaults have one)")
        return bytes(row[0])

    def info(self) -> VaultInfo:
        key = self.signing_key()
        params = self._slots.kdf_params
        return VaultInfo(
            path=str(self.path),
            vault_id=self.vault_id,
            role=self.role,
            created_at=_meta(self.conn, "created_at"),
            fingerprint=key.public_key.fingerprint(),
            key_id=key.public_key.key_id_hex,
            schema_version=migrations.current_version(self.conn),
            kdf_profile=params.profile,
            kdf={"m_kib": params.memory_kib, "t": params.time_cost, "p": params.parallelism},
            counts=self.record_counts(),
        )

    def record_counts(self) -> dict[str, int]:
        """Row counts of the content tables present in this schema version (no content, only numbers)."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts: dict[str, int] = {}
        for label, table, where in _COUNTED:
            if table in tables:
                counts[label] = int(self.conn.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0])  # noqa: S608
        return counts


# (label, table, filter) — table names are constants of this module, never user input.
_COUNTED: list[tuple[str, str, str]] = [
    ("testimonies", "records", "WHERE kind = 'testimony' AND deleted = 0"),
    ("revisions", "revisions", ""),
    ("attachments", "attachments", ""),
    ("audit_entries", "audit_log", ""),
    ("conflicts", "conflicts", "WHERE resolved_at IS NULL"),
    ("devices", "devices", ""),
]


def _meta(conn: Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM vault_meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise RefusedError(f"the vault database lacks its {key}")
    return str(row[0])


def _initialise(conn: Connection, vault_id: str, role: str) -> None:
    now = utc_now()
    key = SigningKey.generate()
    with Transaction(conn):
        conn.executemany(
            "INSERT INTO vault_meta (key, value) VALUES (?, ?)",
            [("vault_id", vault_id), ("role", role), ("created_at", now)],
        )
        conn.execute("INSERT INTO signing_keys (key_id, seed, created_at) VALUES (?, ?, ?)",
                     (key.key_id, key.seed(), now))
        AuditLog(conn, key.public_key.key_id_hex).append("vault_created", now, vault_id, {"role": role})
        if role == "hq":
            secret = X25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            conn.execute("INSERT INTO age_identities (secret, created_at) VALUES (?, ?)", (secret, now))


def _remove_interrupted_slot_writes(path: Path) -> None:
    """A passphrase change killed before its rename leaves a temp file wrapping the key under a passphrase the user was
    never told had been set. It is removed once the vault is opened with a secret that works."""
    for tmp in path.glob(f".{KEYSLOTS_FILE}.tmp-*"):
        with contextlib.suppress(OSError):
            overwrite_and_unlink(tmp)


def change_passphrase_with_recovery_key(path: Path, recovery_text: str, new_passphrase: str) -> None:
    """``vault recover``: set a new passphrase using only the recovery key."""
    with Vault.open_with_recovery_key(path, recovery_text) as vault:
        vault.change_passphrase(new_passphrase)


def erase(path: Path) -> None:
    """Crypto-erase: destroy the key slots first (the only copy of the wrapped data key), then remove the rest.

    The first step alone makes the database and blobs unreadable noise; it takes one small overwrite, an fsync and an
    unlink. The remaining files are removed afterwards so the directory does not look like a vault.
    """
    slot_path = path / KEYSLOTS_FILE
    if slot_path.exists():
        overwrite_and_unlink(slot_path)
    for leftover in sorted(path.glob(f"{DB_FILE}*")):
        with contextlib.suppress(OSError):
            leftover.unlink()
    shutil.rmtree(path / BLOBS_DIR, ignore_errors=True)
    for tmp in path.glob(f".{KEYSLOTS_FILE}.tmp-*"):
        with contextlib.suppress(OSError):
            tmp.unlink()
    with contextlib.suppress(OSError):
        path.rmdir()
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)


def vault_exists(path: Path) -> bool:
    return (path / KEYSLOTS_FILE).is_file()


__all__ = ["ROLES", "Vault", "VaultInfo", "change_passphrase_with_recovery_key", "erase", "read_key_slots"]


