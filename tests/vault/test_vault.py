"""The vault on disk: private, encrypted, opened only by its secrets, erased for good."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
import sqlcipher3

from crypto import fs, recovery
from intake_app.errors import RefusedError, UsageError
from intake_app.vault import migrations, unlock_guard
from intake_app.vault.vault import DB_FILE, KEYSLOTS_FILE, Vault, erase
from tests.conftest import tree_digest

PASS = "밤하늘의 별을 세는 passphrase"


def test_create_open_lock(vault_dir: Path) -> None:
    vault, rk = Vault.create(vault_dir, PASS, "field")
    info = vault.info()
    assert info.role == "field" and info.schema_version == migrations.LATEST and info.kdf_profile == "fast"
    assert len(info.fingerprint.split()) == 8
    vault.lock()
    assert vault.locked
    with pytest.raises(RefusedError):
        _ = vault.conn
    again = Vault.open(vault_dir, PASS)
    assert again.vault_id == info.vault_id
    assert again.signing_key().public_key.fingerprint() == info.fingerprint
    again.lock()
    assert recovery.decode(rk)


def test_permissions_are_private(vault_dir: Path) -> None:
    previous = os.umask(0o022)  # even with a lax umask the vault must be private
    try:
        vault, _ = Vault.create(vault_dir, PASS)
        vault.conn.execute("INSERT INTO vault_meta VALUES ('k', 'v')")  # makes SQLite create -wal and -shm
        assert (vault_dir / "vault.db-wal").exists()
    finally:
        os.umask(previous)
    if sys.platform == "win32":  # an owner-only ACL (crypto.fs); what Wine can show of it, the files we create
        for p in (vault_dir, vault_dir / "keyslots.json", vault_dir / "vault.db", vault_dir / "blobs"):
            assert fs.is_private(p), (p.name, fs.win_dacl_sddl(str(p)))
        vault.lock()
        return
    assert stat.S_IMODE(vault_dir.stat().st_mode) == 0o700
    for p in vault_dir.rglob("*"):
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode & 0o077 == 0, f"{p.name} is mode {oct(mode)}"
    vault.lock()


def test_database_is_ciphertext(vault_dir: Path) -> None:
    vault, _ = Vault.create(vault_dir, PASS, "hq")
    vault.conn.execute("INSERT INTO vault_meta VALUES ('canary', 'CANARY-7f3a 증언')")
    vault.lock()
    for p in vault_dir.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert b"SQLite format 3" not in data
            assert b"CANARY-7f3a" not in data
            assert "증언".encode() not in data
            assert "CANARY-7f3a".encode("utf-16-le") not in data


def test_stdlib_style_open_without_key_fails(vault_dir: Path) -> None:
    Vault.create(vault_dir, PASS)[0].lock()
    conn = sqlcipher3.connect(str(vault_dir / DB_FILE))
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def test_wrong_passphrase_changes_nothing(vault_dir: Path) -> None:
    Vault.create(vault_dir, PASS)[0].lock()
    before = tree_digest(vault_dir)
    with pytest.raises(RefusedError, match="wrong passphrase"):
        Vault.open(vault_dir, PASS + "x")
    with pytest.raises(RefusedError, match="wrong recovery key"):
        Vault.open_with_recovery_key(vault_dir, recovery.encode(os.urandom(32)))
    after = tree_digest(vault_dir)
    # Only the failed-unlock count moved (issue 29): one wrong passphrase; a recovery key is not counted.
    guard = unlock_guard.read(vault_dir)
    assert guard is not None and guard.failures == 1
    assert {k: v for k, v in after.items() if k != unlock_guard.GUARD_FILE} == {
        k: v for k, v in before.items() if k != unlock_guard.GUARD_FILE}


def test_recovery_key_typo_is_a_usage_error(vault_dir: Path) -> None:
    _, rk = Vault.create(vault_dir, PASS)
    typo = ("1" if rk[0] != "1" else "2") + rk[1:]
    with pytest.raises(UsageError, match="typo"):
        Vault.open_with_recovery_key(vault_dir, typo)


def test_change_passphrase_and_recover(vault_dir: Path) -> None:
    vault, rk = Vault.create(vault_dir, PASS)
    db_before = (vault_dir / DB_FILE).read_bytes()
    vault.change_passphrase("new one")
    vault.lock()
    assert (vault_dir / DB_FILE).read_bytes() == db_before  # the database is untouched by a passphrase change
    with pytest.raises(RefusedError):
        Vault.open(vault_dir, PASS)
    Vault.open(vault_dir, "new one").lock()
    with Vault.open_with_recovery_key(vault_dir, rk) as v:
        v.change_passphrase("third")
    Vault.open(vault_dir, "third").lock()


def test_erase_destroys_key_material(vault_dir: Path) -> None:
    vault, rk = Vault.create(vault_dir, PASS)
    dek_hex = bytes(vault._dek).hex()
    vault.lock()
    slot_bytes = (vault_dir / KEYSLOTS_FILE).read_bytes()
    erase(vault_dir)
    assert not (vault_dir / KEYSLOTS_FILE).exists()
    with pytest.raises((RefusedError, UsageError)):
        Vault.open(vault_dir, PASS)
    with pytest.raises((RefusedError, UsageError)):
        Vault.open_with_recovery_key(vault_dir, rk)
    leftovers = b"".join(p.read_bytes() for p in vault_dir.parent.rglob("*") if p.is_file())
    assert slot_bytes[:200] not in leftovers
    assert bytes.fromhex(dek_hex) not in leftovers


def test_refuses_to_create_over_existing_content(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UsageError):
        Vault.create(tmp_path, PASS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_database_of_another_vault_is_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    Vault.create(a, PASS)[0].lock()
    Vault.create(b, PASS)[0].lock()
    (a / DB_FILE).write_bytes((b / DB_FILE).read_bytes())
    with pytest.raises(RefusedError, match="cannot be decrypted"):
        Vault.open(a, PASS)


def test_newer_schema_is_refused(vault_dir: Path) -> None:
    vault, _ = Vault.create(vault_dir, PASS)
    vault.conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    vault.lock()
    with pytest.raises(RefusedError, match="newer version"):
        Vault.open(vault_dir, PASS)
