"""Issue 11 regressions for the vault: key-file leftovers, data-key rotation and its crash states, KDF weakening, the
parent folder's mode, secrets in the environment, non-dumpable processes, migration backups. Real SQLCipher, real
Argon2id (the fast test profile unless a test says otherwise)."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crypto import kdf, keyslots
from crypto.atomic_file import replace_secret_file
from intake_app.errors import RefusedError, UsageError
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault import migrations, unlock_guard
from intake_app.vault.database import open_encrypted
from intake_app.vault.vault import DB_FILE, KEYSLOTS_FILE, PENDING_KEYSLOTS_FILE, Vault, erase
from tests.conftest import REPO, Runner, tree_digest
from tests.vault.test_migrations import KEY, _build_at

EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "example.json"


def _vault_with_attachment(path: Path, passphrase: str = "old") -> tuple[str, str]:
    from intake_app.records import interchange

    vault, recovery_text = Vault.create(path, passphrase)
    with vault:
        doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        doc.pop("id", None)
        rid = RecordStore(vault).save(interchange.validate(doc)).record_id
        AttachmentStore(vault).attach_stream(rid, io.BytesIO(os.urandom(200_000)), "scan.bin")
    return rid, recovery_text


def _check_all_readable(vault: Vault, rid: str) -> None:
    assert vault.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    files = AttachmentStore(vault)
    for att in files.list_for(rid):
        files.verify(att.sha256)


# ---- finding 1: rotation makes old key-slot copies worthless

def test_rotate_data_key_makes_an_old_key_file_copy_worthless(tmp_path: Path) -> None:
    path = tmp_path / "v"
    rid, old_recovery = _vault_with_attachment(path)
    old_copy = (path / KEYSLOTS_FILE).read_bytes()  # what an attacker carved from free blocks
    with Vault.open(path, "old") as vault:
        new_recovery = vault.rotate_data_key("new")
    assert new_recovery is not None and new_recovery != old_recovery
    old_dek = keyslots.KeySlotFile.parse(old_copy).unlock_with_passphrase("old")
    with pytest.raises(RefusedError):
        open_encrypted(path / DB_FILE, old_dek)  # the old data key no longer opens the database
    with pytest.raises(RefusedError):
        Vault.open(path, "old")
    with pytest.raises(RefusedError):
        Vault.open_with_recovery_key(path, old_recovery)
    with Vault.open(path, "new") as vault:
        _check_all_readable(vault, rid)
    with Vault.open_with_recovery_key(path, new_recovery) as vault:
        _check_all_readable(vault, rid)
    assert sorted(p.name for p in path.iterdir()) == sorted(["blobs", DB_FILE, KEYSLOTS_FILE, unlock_guard.GUARD_FILE])


def test_rotate_keeping_the_recovery_key(tmp_path: Path) -> None:
    path = tmp_path / "v"
    rid, recovery_text = _vault_with_attachment(path)
    other = Vault.create(tmp_path / "other", "x")
    other[0].lock()
    with Vault.open(path, "old") as vault:
        with pytest.raises(RefusedError):
            vault.rotate_data_key("new", recovery_text=other[1])  # another vault's key: refused, nothing changed
        assert vault.rotate_data_key("new", recovery_text=recovery_text) is None
    with Vault.open_with_recovery_key(path, recovery_text) as vault:
        _check_all_readable(vault, rid)


def _crash_after_pending_written(path: Path, new_passphrase: str, *, rekeyed: bool) -> None:
    """The state a kill leaves after step 1 of a rotation (pending slots durable), and, with ``rekeyed``, after step 2
    (the database re-keyed, keyslots.json not yet replaced): built with the real file writes and a real PRAGMA rekey."""
    slots = keyslots.read_file(path / KEYSLOTS_FILE)
    old_dek = slots.unlock_with_passphrase("old")
    new_dek = os.urandom(32)
    pending = keyslots.KeySlotFile.create(slots.vault_id, new_dek, new_passphrase, os.urandom(32),
                                          kdf.profile_for_new_slot())
    replace_secret_file(path / PENDING_KEYSLOTS_FILE, pending.to_bytes())
    if rekeyed:
        conn = open_encrypted(path / DB_FILE, old_dek)
        conn.execute(f"PRAGMA rekey = \"x'{new_dek.hex()}'\"")
        conn.close()


@pytest.mark.parametrize("rekeyed", [False, True])
def test_a_rotation_killed_midway_leaves_old_xor_new(tmp_path: Path, rekeyed: bool) -> None:
    path = tmp_path / "v"
    rid, _ = _vault_with_attachment(path)
    _crash_after_pending_written(path, "new", rekeyed=rekeyed)
    works, fails = ("new", "old") if rekeyed else ("old", "new")
    before = tree_digest(path)
    with pytest.raises(RefusedError):
        Vault.open(path, fails)
    after = tree_digest(path)  # a secret that does not work changes nothing but the failed-unlock count
    assert {k: v for k, v in after.items() if k != unlock_guard.GUARD_FILE} == {
        k: v for k, v in before.items() if k != unlock_guard.GUARD_FILE}
    with Vault.open(path, works) as vault:
        _check_all_readable(vault, rid)
        assert vault.finished_interrupted_rotation is rekeyed
    assert not (path / PENDING_KEYSLOTS_FILE).exists()
    with pytest.raises(RefusedError):
        Vault.open(path, fails)
    Vault.open(path, works).lock()


def test_kill_during_cli_rotation_leaves_old_xor_new(intake: Runner, tmp_path: Path) -> None:
    import random
    import time

    path = tmp_path / "v"
    rid, recovery_text = _vault_with_attachment(path, "pass-0")
    rng = random.Random(1111)
    current, outcomes = "pass-0", {"old": 0, "new": 0}
    start = time.perf_counter()
    env0 = {"INTAKE_PASSPHRASE": current, "INTAKE_NEW_PASSPHRASE": current, "INTAKE_RECOVERY_KEY": recovery_text}
    assert intake("--vault", str(path), "vault", "passwd", "--rotate-data-key", env=env0).returncode == 0
    runtime = time.perf_counter() - start
    for n in range(1, 9):
        new = f"pass-{n}"
        env = {**os.environ, "INTAKE_PASSPHRASE": current, "INTAKE_NEW_PASSPHRASE": new,
               "INTAKE_RECOVERY_KEY": recovery_text}
        proc = subprocess.Popen([sys.executable, "-m", "intake_app", "--vault", str(path), "vault", "passwd",
                                 "--rotate-data-key"], env=env, cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 1.3) * runtime)
        proc.kill()  # SIGKILL; TerminateProcess on Windows
        proc.wait()
        old_ok = intake("--vault", str(path), "vault", "info", env={"INTAKE_PASSPHRASE": current}).returncode == 0
        new_ok = intake("--vault", str(path), "vault", "info", env={"INTAKE_PASSPHRASE": new}).returncode == 0
        assert old_ok != new_ok, f"after a kill: old opens={old_ok}, new opens={new_ok}"
        outcomes["new" if new_ok else "old"] += 1
        current = new if new_ok else current
    with Vault.open_with_recovery_key(path, recovery_text) as vault:
        _check_all_readable(vault, rid)
    print(f"kill -9 during passwd --rotate-data-key: {outcomes}")


# ---- finding 1: leftovers of interrupted writes

def test_open_never_destroys_a_link_to_the_current_file_and_destroys_one_to_an_old_file(tmp_path: Path) -> None:
    path = tmp_path / "v"
    Vault.create(path, "old")[0].lock()
    # A kill right after the link step: the link names the current file. Overwriting it would erase the vault.
    os.link(path / KEYSLOTS_FILE, path / f".{KEYSLOTS_FILE}.old-0000000000000000")
    Vault.open(path, "old").lock()
    assert not list(path.glob(".keyslots.json.*"))
    Vault.open(path, "old").lock()
    # A kill after the rename: the link names the superseded file, which must be overwritten, not just unlinked.
    superseded = (path / KEYSLOTS_FILE).read_bytes()
    witness = tmp_path / "witness"  # a second name for the same inode, to see its bytes after the cleanup
    os.link(path / KEYSLOTS_FILE, witness)
    with Vault.open(path, "old") as vault:
        vault.change_passphrase("new")
    os.link(witness, path / f".{KEYSLOTS_FILE}.old-1111111111111111")
    Vault.open(path, "new").lock()
    assert witness.read_bytes() != superseded and len(witness.read_bytes()) == len(superseded)


def test_erase_overwrites_leftover_key_files_in_place(tmp_path: Path) -> None:
    path = tmp_path / "v"
    Vault.create(path, "old")[0].lock()
    content = (path / KEYSLOTS_FILE).read_bytes()
    witnesses = []
    for name in (f".{KEYSLOTS_FILE}.tmp-aaaa", f".{KEYSLOTS_FILE}.old-bbbb", PENDING_KEYSLOTS_FILE):
        (path / name).write_bytes(content)
        witnesses.append(tmp_path / f"w-{len(witnesses)}")
        os.link(path / name, witnesses[-1])
    erase(path)
    assert not path.exists()
    for w in witnesses:
        assert w.read_bytes() != content


# ---- finding 4: never weaker than the current slot

def test_passwd_under_fast_profile_refuses_to_weaken_a_real_slot(intake: Runner, tmp_path: Path) -> None:
    path = tmp_path / "v"
    Vault.create(path, "real", params=kdf.PROFILES["minimum"])[0].lock()  # 64 MiB, t=3, p=4: a real slot
    before = tree_digest(path)
    for extra in ([], ["--rotate-data-key"]):
        res = intake("--vault", str(path), "vault", "passwd", *extra,
                     env={"INTAKE_PASSPHRASE": "real", "INTAKE_NEW_PASSPHRASE": "weak", "INTAKE_KDF_PROFILE": "fast"})
        assert res.returncode == 2, res
        assert "weaker than the current one" in res.stderr and "Traceback" not in res.stderr
        assert tree_digest(path) == before
    with Vault.open(path, "real") as vault, pytest.raises(UsageError):
        vault.change_passphrase("weak", kdf.Argon2Params(64 * 1024, 2, 4, "minimum"))  # t lower, m and p equal


# ---- finding 5: only the vault folder is made private

@pytest.mark.skipif(sys.platform == "win32", reason="POSIX folder modes")
@pytest.mark.parametrize("mode", [0o1777, 0o755])
def test_init_leaves_the_parent_folder_mode_alone(intake: Runner, tmp_path: Path, mode: int) -> None:
    parent = tmp_path / "shared"
    parent.mkdir()
    parent.chmod(mode)
    res = intake("--vault", str(parent / "v"), "vault", "init", env={"INTAKE_PASSPHRASE": "p"})
    assert res.returncode == 0, res
    assert stat.S_IMODE(parent.stat().st_mode) == mode
    assert stat.S_IMODE((parent / "v").stat().st_mode) == 0o700


# ---- finding 8: secrets in the environment, dumpable processes, migration backups

PROBE = r"""
import ctypes, json, os, sys
from intake_app.cli.main import main
code = main(sys.argv[1:])
left = [v for v in ("INTAKE_PASSPHRASE", "INTAKE_NEW_PASSPHRASE", "INTAKE_RECOVERY_KEY") if v in os.environ]
dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
print(json.dumps({"code": code, "left": left, "dumpable": dumpable}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux")
def test_cli_removes_secrets_from_its_environment_and_is_not_dumpable(intake: Runner, tmp_path: Path) -> None:
    path = tmp_path / "v"
    rk = json.loads(intake("--vault", str(path), "--json", "vault", "init", env={"INTAKE_PASSPHRASE": "a"}).stdout)
    env = {**os.environ, "INTAKE_PASSPHRASE": "a", "INTAKE_NEW_PASSPHRASE": "b", "INTAKE_RECOVERY_KEY": rk["recovery_key"]}
    for args in (["vault", "info"], ["vault", "passwd", "--rotate-data-key"]):
        out = subprocess.run([sys.executable, "-c", PROBE, "--vault", str(path), "--json", *args], env=env, cwd=REPO,
                             capture_output=True, text=True, check=True).stdout
        doc = json.loads(out.strip().splitlines()[-1])
        assert doc == {"code": 0, "left": [], "dumpable": 0}, out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux")
def test_gui_start_makes_the_process_non_dumpable() -> None:
    probe = ("import ctypes; import ui.app; from intake_app.vault import private_fs as p; p.harden_process();"
             "print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"
    assert "harden_process()" in (REPO / "ui" / "app.py").read_text(encoding="utf-8")


def test_migration_backup_is_destroyed_after_success_and_kept_after_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / DB_FILE
    _build_at(db, migrations.LATEST - 1)
    backup = migrations.backup_path(db, migrations.LATEST)
    seen: list[bool] = []
    real = dict(migrations.MIGRATIONS)[migrations.LATEST]

    def watched(conn: object) -> None:
        seen.append(backup.is_file() and b"SQLite format 3" not in backup.read_bytes())  # an encrypted copy exists
        real(conn)

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:-1], (migrations.LATEST, watched)])
    conn = open_encrypted(db, KEY)
    migrations.migrate(conn, db)
    conn.close()
    assert seen == [True] and not backup.exists()

    db2 = tmp_path / "second.db"
    _build_at(db2, migrations.LATEST - 1)

    def failing(conn: object) -> None:
        raise RuntimeError("step failed")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:-1], (migrations.LATEST, failing)])
    conn = open_encrypted(db2, KEY)
    with pytest.raises(RuntimeError):
        migrations.migrate(conn, db2)
    conn.close()
    assert migrations.backup_path(db2, migrations.LATEST).is_file()  # kept for the undo
