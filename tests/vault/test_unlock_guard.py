"""Duress passphrase and failed-unlock limit (issue 29, items 6 and 7), on real vaults with the fast KDF.

What must hold: a duress passphrase erases the key material exactly as `vault erase` does and is then refused with a
wrong passphrase's message, in about a wrong passphrase's time; every vault has the same fixed number of equal-length
records whether or not one is set; N failed unlocks erase a vault with a limit; a count lowered or a guard replaced by
editing files is caught; both survive a passphrase change and a data-key rotation; bad input changes nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crypto import kdf
from intake_app.errors import RefusedError, UsageError
from intake_app.vault import unlock_guard
from intake_app.vault.unlock_guard import GUARD_FILE, RECORD_COUNT, RECORD_LEN
from intake_app.vault.vault import KEYSLOTS_FILE, Vault
from tests.conftest import REPO, Runner, tree_digest

PASS = "밤하늘의 별을 세는 사람"
DURESS = "오늘은 비가 옵니다"


def _vault(path: Path, *, duress: str | None = None, limit: int = 0,
           params: kdf.Argon2Params | None = None) -> None:
    vault, _ = Vault.create(path, PASS, params=params)
    with vault:
        if duress is not None:
            unlock_guard.set_duress(path, vault.conn, duress, lambda p: p == PASS)
        if limit:
            unlock_guard.set_limit(path, vault.conn, limit)


def _doc(path: Path) -> dict[str, object]:
    return json.loads((path / GUARD_FILE).read_text())


def _refusal(path: Path, passphrase: str) -> str:
    with pytest.raises(RefusedError) as info:
        Vault.open(path, passphrase)
    return str(info.value)


# ---- the records

def test_every_vault_has_the_same_number_of_equal_records_with_or_without_a_duress_passphrase(tmp_path: Path) -> None:
    _vault(tmp_path / "plain")
    _vault(tmp_path / "duress", duress=DURESS)
    plain, duress = _doc(tmp_path / "plain"), _doc(tmp_path / "duress")
    assert set(plain) == set(duress)
    for doc in (plain, duress):
        records = [base64.b64decode(r) for r in doc["records"]]  # type: ignore[attr-defined]
        assert len(records) == RECORD_COUNT and {len(r) for r in records} == {RECORD_LEN}
        assert len(set(records)) == RECORD_COUNT
    assert len((tmp_path / "plain" / GUARD_FILE).read_bytes()) == len((tmp_path / "duress" / GUARD_FILE).read_bytes())
    # setting (or clearing) replaces every record, so a before/after comparison does not point at the duress one
    before = _doc(tmp_path / "duress")["records"]
    with Vault.open(tmp_path / "duress", PASS) as vault:
        unlock_guard.set_duress(vault.path, vault.conn, None, lambda p: p == PASS)
    after = _doc(tmp_path / "duress")["records"]
    assert not set(before) & set(after)  # type: ignore[arg-type]


# ---- duress

def test_the_duress_passphrase_erases_like_vault_erase_then_reads_as_a_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path, duress=DURESS)
    wrong_message = _refusal(path, "not it")
    slots_before = (path / KEYSLOTS_FILE).read_bytes()
    witness = tmp_path / "witness"  # a second name for the key slots' inode: its bytes after the erase
    os.link(path / KEYSLOTS_FILE, witness)
    assert _refusal(path, DURESS) == wrong_message == "wrong passphrase"
    assert not path.exists()  # the whole vault folder is gone, as after `vault erase`
    assert witness.read_bytes() != slots_before and len(witness.read_bytes()) == len(slots_before)
    with pytest.raises(UsageError, match="no vault"):
        Vault.open(path, PASS)


def test_a_wrong_passphrase_erases_nothing(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path, duress=DURESS)
    for attempt in ("오늘은 비가 와요", DURESS + " ", "not it"):
        _refusal(path, attempt)
    with Vault.open(path, PASS) as vault:
        assert vault.failed_unlocks == 3


def test_a_duress_passphrase_equal_to_the_passphrase_or_empty_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path)
    before = tree_digest(path)
    with Vault.open(path, PASS) as vault:
        for bad in (PASS, ""):
            with pytest.raises(UsageError):
                unlock_guard.set_duress(path, vault.conn, bad, lambda p: p == PASS)
        assert not unlock_guard.duress_is_set(vault.conn)
    assert tree_digest(path) == before


@pytest.mark.slow
def test_duress_takes_the_time_a_wrong_passphrase_takes(tmp_path: Path) -> None:
    """With real (minimum-profile) Argon2id: the medians differ by less than the run-to-run noise allows."""
    params = kdf.PROFILES["minimum"]
    template = tmp_path / "template"
    _vault(template, duress=DURESS, params=params)
    wrong_times, duress_times = [], []
    for i in range(3):
        for passphrase, times in (("not it", wrong_times), (DURESS, duress_times)):
            copy = tmp_path / f"c{i}-{len(times)}-{passphrase == DURESS}"
            shutil.copytree(template, copy)
            start = time.perf_counter()
            with pytest.raises(RefusedError):
                Vault.open(copy, passphrase)
            times.append(time.perf_counter() - start)
        assert not copy.exists()
    wrong, duress = statistics.median(wrong_times), statistics.median(duress_times)
    assert abs(wrong - duress) < 0.15 * wrong + 0.03, (wrong_times, duress_times)


# ---- the failed-unlock limit

def test_n_failed_unlocks_erase_a_vault_with_a_limit_and_a_success_resets_the_count(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path, limit=5)
    for _ in range(4):
        _refusal(path, "guess")
    with Vault.open(path, PASS) as vault:
        assert vault.failed_unlocks == 4
    for _ in range(4):
        _refusal(path, "guess")
    assert path.exists()
    assert _refusal(path, "guess") == "wrong passphrase"  # the fifth in a row
    assert not path.exists()


def test_without_a_limit_failures_are_counted_and_never_erase(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path)
    for _ in range(7):
        _refusal(path, "guess")
    with Vault.open(path, PASS) as vault:
        assert vault.failed_unlocks == 7


def test_a_count_lowered_by_editing_the_file_is_caught_at_once(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path, limit=5)
    for _ in range(3):
        _refusal(path, "guess")
    doc = _doc(path)
    doc["failures"] = 0
    (path / GUARD_FILE).write_text(json.dumps(doc))
    _refusal(path, "guess")
    assert not path.exists()


def _forge_fresh_chain(path: Path) -> None:
    """What an attacker can write without any secret: a self-consistent chain at zero failures."""
    doc = _doc(path)
    seed = os.urandom(32)
    anchor = seed
    for _ in range(unlock_guard.CHAIN_LEN):
        anchor = hashlib.sha256(anchor).digest()
    doc.update(failures=0, token=base64.b64encode(seed).decode(), anchor=base64.b64encode(anchor).decode())
    (path / GUARD_FILE).write_text(json.dumps(doc))


def test_a_reset_chain_or_a_removed_guard_erases_a_limited_vault_at_the_next_unlock(tmp_path: Path) -> None:
    for how in ("forged chain", "removed", "limit edited off"):
        path = tmp_path / how
        _vault(path, limit=5)
        for _ in range(4):
            _refusal(path, "guess")
        if how == "forged chain":
            _forge_fresh_chain(path)
        elif how == "removed":
            (path / GUARD_FILE).unlink()
        else:
            doc = _doc(path)
            doc["limit"] = 0
            (path / GUARD_FILE).write_text(json.dumps(doc))
        with pytest.raises(RefusedError, match="erased itself"):
            Vault.open(path, PASS)  # even the right passphrase: the count was tampered with
        assert not path.exists(), how


def test_without_a_limit_a_removed_guard_is_rebuilt_and_a_lost_duress_passphrase_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path, duress=DURESS)
    (path / GUARD_FILE).unlink()
    with Vault.open(path, PASS) as vault:
        assert vault.duress_lost
    assert len(_doc(path)["records"]) == RECORD_COUNT  # type: ignore[arg-type]


def test_bad_limits_are_refused_and_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path)
    before = tree_digest(path)
    with Vault.open(path, PASS) as vault:
        for bad in (1, 4, 101, -5):
            with pytest.raises(UsageError):
                unlock_guard.set_limit(path, vault.conn, bad)
        assert unlock_guard.db_limit(vault.conn) == 0
    assert tree_digest(path) == before


# ---- survival

def test_duress_and_limit_survive_a_passphrase_change_and_a_data_key_rotation(tmp_path: Path) -> None:
    path = tmp_path / "v"
    _vault(path, duress=DURESS, limit=5)
    with Vault.open(path, PASS) as vault:
        vault.change_passphrase("second")
    with Vault.open(path, "second") as vault:
        vault.rotate_data_key("third")
    with Vault.open(path, "third") as vault:  # the guard is intact: no erase on a good unlock
        assert unlock_guard.db_limit(vault.conn) == 5 and unlock_guard.duress_is_set(vault.conn)
        assert not vault.duress_lost
    copy = tmp_path / "copy"
    shutil.copytree(path, copy)
    for _ in range(5):
        _refusal(path, "second")
    assert not path.exists()
    assert _refusal(copy, DURESS) == "wrong passphrase"
    assert not copy.exists()


# ---- the CLI

def test_cli_duress_and_limit_commands_and_any_command_counts_a_wrong_passphrase(intake: Runner,
                                                                                  tmp_path: Path) -> None:
    path = tmp_path / "v"
    env = {"INTAKE_PASSPHRASE": PASS}
    assert intake("--vault", str(path), "vault", "init", env=env).returncode == 0
    res = intake("--vault", str(path), "--json", "vault", "duress", "status", env=env)
    assert json.loads(res.stdout)["duress_passphrase_set"] is False
    res = intake("--vault", str(path), "--json", "vault", "duress", "set", env={**env, "INTAKE_DURESS_PASSPHRASE": DURESS})
    assert res.returncode == 0 and json.loads(res.stdout)["duress_passphrase_set"] is True, res
    for bad in ("4", "101", "five", "0"):
        before = tree_digest(path)
        res = intake("--vault", str(path), "vault", "unlock-limit", "set", bad, env=env)
        assert res.returncode == 2 and "nothing was changed" in res.stderr, res
        assert tree_digest(path) == before
    res = intake("--vault", str(path), "--json", "vault", "unlock-limit", "set", "6", env=env)
    assert json.loads(res.stdout)["unlock_limit"] == 6
    wrong = {"INTAKE_PASSPHRASE": "guess"}
    stderr = set()
    for cmd in (["vault", "info"], ["vault", "duress", "status"], ["search", "회령"], ["vault", "unlock-limit", "status"],
                ["vault", "passwd"]):
        res = intake("--vault", str(path), *cmd, env={**wrong, "INTAKE_NEW_PASSPHRASE": "x"})
        assert res.returncode == 1, res
        stderr.add(res.stderr)
    guard = unlock_guard.read(path)
    assert guard is not None and guard.failures == 5
    assert len(stderr) == 1 and "wrong passphrase" in next(iter(stderr))
    res = intake("--vault", str(path), "--json", "vault", "unlock-limit", "set", "off", env=env)
    assert json.loads(res.stdout)["unlock_limit"] is None
    res = intake("--vault", str(path), "vault", "info", env={"INTAKE_PASSPHRASE": DURESS})
    assert res.returncode == 1 and res.stderr in stderr  # word for word a wrong passphrase
    assert not path.exists()


PROBE = r"""
import json, os, sys
from intake_app.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "left": "INTAKE_DURESS_PASSPHRASE" in os.environ}))
"""


def test_cli_removes_the_duress_passphrase_from_its_environment(intake: Runner, tmp_path: Path) -> None:
    path = tmp_path / "v"
    assert intake("--vault", str(path), "vault", "init", env={"INTAKE_PASSPHRASE": PASS}).returncode == 0
    env = {**os.environ, "INTAKE_PASSPHRASE": PASS, "INTAKE_DURESS_PASSPHRASE": DURESS}
    for args in (["vault", "duress", "set"], ["vault", "info"]):
        out = subprocess.run([sys.executable, "-c", PROBE, "--vault", str(path), *args], env=env, cwd=REPO,
                             capture_output=True, text=True, check=True).stdout
        assert json.loads(out.strip().splitlines()[-1]) == {"code": 0, "left": False}
