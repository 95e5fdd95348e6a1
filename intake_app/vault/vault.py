"""The vault: a private directory holding the key slots, the SQLCipher database and encrypted attachment blobs.

::

    <vault>/keyslots.json   the data key (DEK) wrapped by the passphrase and by the recovery key (crypto.keyslots)
    <vault>/vault.db        SQLCipher 4, keyed with the raw DEK
    <vault>/blobs/          attachments, each encrypted with its own key (kept in vault.db)
    <vault>/unlock-guard.json  duress-passphrase records and the failed-unlock count (intake_app.vault.unlock_guard)

Nothing else is written: no plaintext, no caches. Creating a vault builds it in a hidden sibling directory and renames
it into place, so a crash never leaves half a vault under the real name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import secrets
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from crypto import kdf, keyslots, recovery
from crypto.atomic_file import commit_temp, fsync_dir, overwrite_and_unlink, replace_secret_file
from crypto.errors import CryptoError, MalformedError, WrongSecretError
from crypto.signing import SigningKey
from intake_app.errors import RefusedError, UsageError
from intake_app.vault import forget, leftovers, migrations, unlock_guard
from intake_app.vault.audit import AuditLog
from intake_app.vault.blobstore import BlobStore
from intake_app.vault.database import Connection, Transaction, open_encrypted
from intake_app.vault.files import (
    BLOBS_DIR,
    DB_FILE,
    KEYSLOTS_FILE,
    PENDING_KEYSLOTS_FILE,
    erase,
    remove_interrupted_slot_writes,
    vault_exists,
)
from intake_app.vault.private_fs import DIR_MODE, make_private_dir

# vault_meta keys "slot_kek:<slot id>" hold each key slot's key-encryption key (hex), for rotate_data_key_in_place.
_KEK_META = "slot_kek:"
_MISSING_KEK = ("the data key cannot be replaced without a secret typed again: this vault does not know the key of"
                " slot(s) {slots}; unlock it once with the recovery key (intake vault recover, or --recovery-key-file)"
                " and try again. Nothing was changed.")
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
        # True when opening finished a data-key rotation that a crash had interrupted after the database was re-keyed:
        # a recovery key made by that rotation may never have been shown.
        self.finished_interrupted_rotation = False
        # Set by open(): failed unlocks since the last successful one, and whether a duress passphrase was lost.
        self.failed_unlocks = 0
        self.duress_lost = False
        self._session_keks: dict[str, bytes] = {}

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
        # The parent may be a shared folder (/tmp, 1777): create it if missing, never change its mode. Only the vault
        # folder itself (the staging folder renamed into place) is made private.
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
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
                _initialise(conn, vault_id, role, slots.keks)
                unlock_guard.install(staging, conn, vault_id, params or kdf.profile_for_new_slot())
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
        """Unlock with the passphrase. A wrong passphrase raises RefusedError; it is counted in the unlock guard, and
        at the failed-unlock limit the vault is erased. A duress passphrase erases the vault and is then refused
        exactly as a wrong passphrase is (unlock_guard)."""
        read_key_slots(path)  # no vault, no guard work: the usual error
        attempt = unlock_guard.Attempt.begin(path, passphrase)
        wrong: list[bool] = []
        keks: dict[str, bytes] = {}

        def unlock(slots: keyslots.KeySlotFile) -> bytes:
            try:
                dek, keks[keyslots.PASSPHRASE_SLOT] = slots.unlock_with_passphrase_kek(passphrase)
            except WrongSecretError:
                wrong.append(True)
                raise
            return dek

        try:
            vault = cls._unlock(path, unlock)
        except RefusedError:
            attempt.refused(bool(wrong), erase)
            if attempt.duress:
                raise RefusedError(unlock_guard.WRONG_PASSPHRASE) from None
            raise
        if attempt.duress:  # only if the duress passphrase equals the passphrase, which setting it refuses
            vault.lock()
            erase(path)
            raise RefusedError(unlock_guard.WRONG_PASSPHRASE)

        def erase_open_vault() -> None:
            vault.lock()
            erase(path)

        try:
            vault.failed_unlocks = attempt.succeeded(path, vault.conn, vault.vault_id, vault._slots.kdf_params,
                                                     erase_open_vault)
        except BaseException:
            vault.lock()
            raise
        vault.duress_lost = attempt.duress_lost
        vault._remember_keks(keks)
        return vault

    @classmethod
    def open_with_recovery_key(cls, path: Path, recovery_text: str) -> Vault:
        """Unlock with the recovery key; its checksum is checked before anything else."""
        try:
            key = recovery.decode(recovery_text)
        except MalformedError as exc:
            raise UsageError(str(exc)) from None
        keks: dict[str, bytes] = {}

        def unlock(slots: keyslots.KeySlotFile) -> bytes:
            dek = slots.unlock_with_recovery_key(key)
            keks[keyslots.RECOVERY_SLOT] = slots.recovery_kek(key)
            return dek

        vault = cls._unlock(path, unlock)
        vault._remember_keks(keks)
        return vault

    @classmethod
    def _unlock(cls, path: Path, unlock: Callable[[keyslots.KeySlotFile], bytes]) -> Vault:
        """Open with whichever key-slot file the secret opens and whose data key opens the database.

        Normally that is keyslots.json. A data-key rotation killed midway leaves keyslots.next.json too: if the database
        was not yet re-keyed, keyslots.json still opens it and the pending file is destroyed; if it was, the pending
        file (the new passphrase or recovery key) opens it and is promoted to keyslots.json. Either way exactly one
        generation of secrets works, as before or after the rotation."""
        slots = read_key_slots(path)
        pending = _read_pending(path)
        try:
            dek: bytes | None = unlock(slots)
        except CryptoError as exc:
            if pending is None:
                raise _refuse(exc) from None
            dek, first_error = None, exc
        if dek is not None:
            conn = _try_open_db(path, dek) if pending is not None else open_encrypted(path / DB_FILE, dek)
            if conn is not None:
                if pending is not None:  # the rotation never re-keyed the database: its new slots wrap nothing
                    with contextlib.suppress(OSError):
                        overwrite_and_unlink(path / PENDING_KEYSLOTS_FILE)
                return cls._open_db(path, slots, dek, conn)
            first_error = CryptoError("this secret belongs to the key slots a data-key rotation replaced: the "
                                      "database was re-keyed; use the new passphrase (or recovery key) of that rotation")
        assert pending is not None
        try:
            new_dek = unlock(pending)
        except CryptoError:
            raise _refuse(first_error) from None
        conn = _try_open_db(path, new_dek)
        if conn is None:
            raise _refuse(first_error)
        try:
            # The database is keyed with the pending slots' key: the rotation committed; finish it.
            commit_temp(path / PENDING_KEYSLOTS_FILE, path / KEYSLOTS_FILE, discard_on_failure=False)
        except BaseException:
            conn.close()
            raise
        vault = cls._open_db(path, pending, new_dek, conn)
        vault.finished_interrupted_rotation = True
        return vault

    @classmethod
    def _open_db(cls, path: Path, slots: keyslots.KeySlotFile, dek: bytes, conn: Connection | None = None) -> Vault:
        db_path = path / DB_FILE
        if conn is None:
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
        remove_interrupted_slot_writes(path)
        vault = cls(path, conn, slots, dek)
        vault.sweep_orphan_blobs()
        leftovers.sweep_export_scratch(path)  # an export killed half-way (intake_app/vault/leftovers.py)
        return vault

    def sweep_orphan_blobs(self) -> list[str]:
        """Remove blob files no committed row refers to (left by a crash during an attach or an import), once they are
        an hour old, so another process's attach in progress is never touched."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "attachments" not in tables:
            return []
        known = [str(r[0]) for r in self.conn.execute("SELECT blob_id FROM attachments")]
        store = BlobStore(self.path / BLOBS_DIR)
        if "purge_pending_blobs" in tables:
            # A purge committed but was cut off before overwriting these blobs: overwrite them now, before a plain
            # unlink by the sweep could leave their ciphertext in free blocks.
            pending = [str(b) for (b,) in self.conn.execute("SELECT blob_id FROM purge_pending_blobs")]
            if pending:
                store.destroy_many(pending)
                with Transaction(self.conn):
                    self.conn.executemany("DELETE FROM purge_pending_blobs WHERE blob_id = ?", [(b,) for b in pending])
        return store.sweep_orphans(known, min_age_seconds=3600)

    def lock(self) -> None:
        """Close the database and overwrite the in-memory copy of the data key (best effort in Python)."""
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        for i in range(len(self._dek)):
            self._dek[i] = 0
        self._session_keks.clear()
        forget.forget_all()  # what was computed from its content (names, dates, consent) and kept in caches

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
    def _new_slot_params(self, new_passphrase: str, params: kdf.Argon2Params | None) -> kdf.Argon2Params:
        """The parameters of a new passphrase slot: never weaker than the current slot's, in any of m, t, p."""
        if not new_passphrase:
            raise UsageError("the passphrase must not be empty")
        if self.locked:
            raise RefusedError("the vault is locked")
        chosen = params or kdf.profile_for_new_slot()
        current = self._slots.kdf_params
        if not chosen.at_least(current):
            raise UsageError(
                f"the new passphrase slot would be weaker than the current one (Argon2id m={chosen.memory_kib} KiB, "
                f"t={chosen.time_cost}, p={chosen.parallelism} against m={current.memory_kib} KiB, t={current.time_cost},"
                f" p={current.parallelism}); unset {kdf.FAST_PROFILE_ENV} — nothing was changed"
            )
        return chosen

    def change_passphrase(self, new_passphrase: str, params: kdf.Argon2Params | None = None) -> None:
        """Rewrap the data key under a new passphrase: one atomic rewrite of keyslots.json, the database untouched.
        The superseded file's bytes are overwritten once the new one is durable."""
        chosen = self._new_slot_params(new_passphrase, params)
        new_slots = self._slots.with_new_passphrase(bytes(self._dek), new_passphrase, chosen)
        keyslots.write_file(self.path / KEYSLOTS_FILE, new_slots)
        self._slots = new_slots
        # In memory only: a passphrase change leaves the database untouched; the next unlock stores the key.
        self._session_keks.update(new_slots.keks)

    def rotate_data_key(self, new_passphrase: str, params: kdf.Argon2Params | None = None,
                        recovery_text: str | None = None) -> str | None:
        """Replace the data key: re-key the database (SQLCipher ``PRAGMA rekey``) and wrap the new key under
        ``new_passphrase`` and a recovery key, so any surviving copy of an older keyslots.json is worthless.

        The attachment keys live in vault.db rows, so re-keying the database re-wraps them too (the blob files are not
        re-encrypted). ``recovery_text`` keeps the existing recovery key (it must open the current slot); without it a
        new one is made and returned, formatted to be written down (shown once), and the old one stops working.

        Crash safety: (1) the new slots are written to keyslots.next.json (fsync, rename, fsync dir); (2) the database
        is re-keyed in one WAL transaction, its commit the switch-over; (3) keyslots.next.json is renamed over
        keyslots.json and the old file's bytes overwritten. A kill before (2) commits leaves the old secrets working
        (open destroys the pending file); after, the new ones (open finishes step 3)."""
        chosen = self._new_slot_params(new_passphrase, params)
        if recovery_text is not None:
            try:
                recovery_key = recovery.decode(recovery_text)
            except MalformedError as exc:
                raise UsageError(str(exc)) from None
            try:
                same = self._slots.unlock_with_recovery_key(recovery_key)
            except CryptoError as exc:
                raise _refuse(exc) from None
            if not hmac.compare_digest(same, bytes(self._dek)):
                raise RefusedError("the recovery key does not belong to this vault's current key slots")
            shown: str | None = None
        else:
            recovery_key = recovery.generate()
            shown = recovery.encode(recovery_key)
        new_dek = secrets.token_bytes(keyslots.DEK_LEN)
        new_slots = keyslots.KeySlotFile.create(self.vault_id, new_dek, new_passphrase, recovery_key, chosen)
        self._switch_data_key(new_dek, new_slots)
        return shown

    def rotate_data_key_in_place(self) -> None:
        """Replace the data key keeping the passphrase and the recovery key (the end of a purge): every slot is sealed
        again, with its own key-encryption key, around a new data key, then the same crash-safe steps as
        :meth:`rotate_data_key`. The slots' keys are those this vault remembered (in the database) when it was created,
        unlocked or given a new passphrase; a slot whose key it does not know (a vault from before this was kept, never
        unlocked with its recovery key since) refuses the rotation, and nothing is changed."""
        if self.locked:
            raise RefusedError("the vault is locked")
        missing = [sid for sid in sorted(self._slots.slots) if sid not in self.remembered_keks()]
        if missing:
            raise RefusedError(_MISSING_KEK.format(slots=", ".join(missing)))
        new_dek = secrets.token_bytes(keyslots.DEK_LEN)
        try:
            new_slots = self._slots.rekeyed(bytes(self._dek), new_dek, self.remembered_keks())
        except CryptoError as exc:
            raise RefusedError(_MISSING_KEK.format(slots=str(exc))) from None
        self._switch_data_key(new_dek, new_slots)

    def learn_recovery_key(self, recovery_text: str) -> None:
        """Remember the recovery slot's key (for rotate_data_key_in_place) from the recovery key, checked to open the
        current slots to the current data key; nothing else changes."""
        try:
            key = recovery.decode(recovery_text)
            dek = self._slots.unlock_with_recovery_key(key)
        except MalformedError as exc:
            raise UsageError(str(exc)) from None
        except CryptoError as exc:
            raise _refuse(exc) from None
        if not hmac.compare_digest(dek, bytes(self._dek)):
            raise RefusedError("the recovery key does not belong to this vault's current key slots")
        self._remember_keks({keyslots.RECOVERY_SLOT: self._slots.recovery_kek(key)})

    def rotation_blockers(self) -> list[str]:
        """Why rotate_data_key_in_place would refuse now: the slots whose key this vault does not know, or the reason
        a remembered key no longer opens its slot; empty when it would work."""
        keks = self.remembered_keks()
        missing = [sid for sid in sorted(self._slots.slots) if sid not in keks]
        if missing:
            return missing
        try:
            self._slots.rekeyed(bytes(self._dek), secrets.token_bytes(keyslots.DEK_LEN), keks)
        except CryptoError as exc:
            return [str(exc)]
        return []

    def remembered_keks(self) -> dict[str, bytes]:
        """The key-encryption keys of the slots, as this vault remembered them (see rotate_data_key_in_place)."""
        rows = self.conn.execute("SELECT key, value FROM vault_meta WHERE key >= ? AND key < ?",
                                 (_KEK_META, _KEK_META + "\uffff"))
        return {**{str(k)[len(_KEK_META):]: bytes.fromhex(str(v)) for k, v in rows}, **self._session_keks}

    def _remember_keks(self, keks: dict[str, bytes]) -> None:
        """Keep the slots' key-encryption keys inside the encrypted database (whoever reads it holds the data key
        already, and with the passphrase they could derive the passphrase's key anyway)."""
        for sid in keks:
            self._session_keks.pop(sid, None)
        known = self.remembered_keks()
        fresh = {sid: kek for sid, kek in keks.items() if not hmac.compare_digest(known.get(sid, b""), kek)}
        if not fresh:
            return
        with Transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [(_KEK_META + sid, kek.hex()) for sid, kek in sorted(fresh.items())])

    def _switch_data_key(self, new_dek: bytes, new_slots: keyslots.KeySlotFile) -> None:
        pending = self.path / PENDING_KEYSLOTS_FILE
        replace_secret_file(pending, new_slots.to_bytes())
        conn = self.conn
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute(f"PRAGMA rekey = \"x'{new_dek.hex()}'\"")
        except BaseException:
            # Nothing committed: the database still opens with the old key, so the pending slots are worthless.
            with contextlib.suppress(OSError):
                overwrite_and_unlink(pending)
            raise
        # Committed: from here on only the new key opens the database; never discard the pending slots.
        for i in range(len(self._dek)):
            self._dek[i] = new_dek[i]
        # The checkpoint writes every re-keyed page over its old-key version in vault.db, then empties the WAL.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        commit_temp(pending, self.path / KEYSLOTS_FILE, discard_on_failure=False)
        self._slots = new_slots
        self._remember_keks(new_slots.keks)

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


def _initialise(conn: Connection, vault_id: str, role: str, keks: dict[str, bytes]) -> None:
    now = utc_now()
    key = SigningKey.generate()
    with Transaction(conn):
        conn.executemany("INSERT INTO vault_meta (key, value) VALUES (?, ?)",
                         [(_KEK_META + sid, kek.hex()) for sid, kek in sorted(keks.items())])
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


def _read_pending(path: Path) -> keyslots.KeySlotFile | None:
    """The slots of an interrupted data-key rotation, if any (an unreadable one is ignored: it was never committed)."""
    pending = path / PENDING_KEYSLOTS_FILE
    if not pending.is_file():
        return None
    try:
        return keyslots.read_file(pending)
    except (OSError, CryptoError):
        return None


def _try_open_db(path: Path, dek: bytes) -> Connection | None:
    """The database opened with ``dek``, or None when ``dek`` does not decrypt it."""
    try:
        return open_encrypted(path / DB_FILE, dek)
    except RefusedError:
        if not (path / DB_FILE).is_file():
            raise
        return None


def change_passphrase_with_recovery_key(path: Path, recovery_text: str, new_passphrase: str) -> None:
    """``vault recover``: set a new passphrase using only the recovery key."""
    with Vault.open_with_recovery_key(path, recovery_text) as vault:
        vault.change_passphrase(new_passphrase)


__all__ = ["BLOBS_DIR", "DB_FILE", "KEYSLOTS_FILE", "PENDING_KEYSLOTS_FILE", "ROLES", "Vault", "VaultInfo",
           "change_passphrase_with_recovery_key", "erase", "read_key_slots", "vault_exists"]


