"""The `intake vault` contract, driven as a coordinator's script would drive it."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intake_app.vault import unlock_guard
from intake_app.vault.vault import KEYSLOTS_FILE
from tests.conftest import REPO, Runner, tree_digest

PW = {"INTAKE_PASSPHRASE": "first passphrase 첫 번째"}


def _init(intake: Runner, vault: Path, role: str = "field") -> dict[str, str]:
    res = intake("--vault", str(vault), "--json", "vault", "init", "--role", role, env=PW)
    assert res.returncode == 0, res
    return json.loads(res.stdout)


def test_init_prints_recovery_key_and_fingerprint(intake: Runner, vault_dir: Path) -> None:
    res = intake("--vault", str(vault_dir), "vault", "init", env=PW)
    assert res.returncode == 0, res
    assert "RECOVERY KEY" in res.stdout and "Fingerprint" in res.stdout
    assert "INTAKE_KDF_PROFILE=fast" in res.stderr  # the weak test profile is announced
    info = intake("--vault", str(vault_dir), "--json", "vault", "info", env=PW)
    doc = json.loads(info.stdout)
    assert doc["role"] == "field" and doc["kdf_profile"] == "fast" and doc["schema_version"] >= 1
    assert doc["fingerprint"] in res.stdout
    # The recovery key is printed once: info never shows it.
    rk_line = next(line.strip() for line in res.stdout.splitlines() if line.count("-") == 13)
    assert rk_line not in info.stdout


def test_options_after_the_command_and_env_vault(intake: Runner, vault_dir: Path) -> None:
    _init(intake, vault_dir, "hq")
    res = intake("vault", "info", "--json", env={**PW, "INTAKE_VAULT": str(vault_dir)})
    assert res.returncode == 0, res
    assert json.loads(res.stdout)["role"] == "hq"


@pytest.mark.skipif(sys.platform == "win32", reason="XDG_DATA_HOME is the Linux user data dir (Windows: %LOCALAPPDATA%)")
def test_default_vault_path_is_the_user_data_dir(intake: Runner) -> None:
    res = intake("--json", "vault", "init", env=PW)
    assert res.returncode == 0, res
    path = Path(json.loads(res.stdout)["path"])
    assert path.is_relative_to(Path(os.environ["XDG_DATA_HOME"]))


def test_wrong_passphrase_exit_1_and_nothing_changes(intake: Runner, vault_dir: Path) -> None:
    _init(intake, vault_dir)
    before = tree_digest(vault_dir)
    for cmd in (["vault", "info"], ["vault", "passwd"]):
        res = intake("--vault", str(vault_dir), *cmd, env={"INTAKE_PASSPHRASE": "nope", "INTAKE_NEW_PASSPHRASE": "x"})
        assert res.returncode == 1, res
        assert "wrong passphrase" in res.stderr and "Traceback" not in res.stderr
    after = tree_digest(vault_dir)
    guard = unlock_guard.read(vault_dir)
    assert guard is not None and guard.failures == 2  # each command's wrong passphrase counted (issue 29)
    assert {k: v for k, v in after.items() if k != unlock_guard.GUARD_FILE} == {
        k: v for k, v in before.items() if k != unlock_guard.GUARD_FILE}


def test_passwd_then_old_fails_and_new_opens(intake: Runner, vault_dir: Path, tmp_path: Path) -> None:
    _init(intake, vault_dir)
    new_file = tmp_path / "new.txt"
    new_file.write_text("두 번째 passphrase\n")
    res = intake("--vault", str(vault_dir), "vault", "passwd", "--new-passphrase-file", str(new_file), env=PW)
    assert res.returncode == 0, res
    assert intake("--vault", str(vault_dir), "vault", "info", env=PW).returncode == 1
    old_file = tmp_path / "pw.txt"
    old_file.write_text("두 번째 passphrase\n")
    assert intake("--vault", str(vault_dir), "vault", "info", "--passphrase-file", str(old_file)).returncode == 0


def test_recover_with_recovery_key_alone(intake: Runner, vault_dir: Path, tmp_path: Path) -> None:
    rk = _init(intake, vault_dir)["recovery_key"]
    key_file = tmp_path / "rk.txt"
    key_file.write_text(rk.lower().replace("-", " ") + "\n")
    res = intake("--vault", str(vault_dir), "vault", "recover", "--recovery-key-file", str(key_file),
                 env={"INTAKE_NEW_PASSPHRASE": "after recovery"})
    assert res.returncode == 0, res
    assert intake("--vault", str(vault_dir), "vault", "info", env={"INTAKE_PASSPHRASE": "after recovery"}).returncode == 0


def test_recovery_key_typo_caught_before_derivation(intake: Runner, vault_dir: Path) -> None:
    rk = _init(intake, vault_dir)["recovery_key"]
    typo = rk[:5] + ("A" if rk[5] != "A" else "B") + rk[6:]
    before = tree_digest(vault_dir)
    res = intake("--vault", str(vault_dir), "vault", "recover",
                 env={"INTAKE_RECOVERY_KEY": typo, "INTAKE_NEW_PASSPHRASE": "x"})
    assert res.returncode == 2, res
    assert "typo" in res.stderr
    assert tree_digest(vault_dir) == before


def test_erase(intake: Runner, vault_dir: Path) -> None:
    doc = _init(intake, vault_dir)
    # Without --yes and without a terminal it refuses instead of erasing.
    res = intake("--vault", str(vault_dir), "vault", "erase", input=doc["vault_id"] + "\n")
    assert res.returncode == 2 and (vault_dir / KEYSLOTS_FILE).exists()
    res = intake("--vault", str(vault_dir), "--json", "vault", "erase", "--yes")
    assert res.returncode == 0, res
    assert json.loads(res.stdout)["elapsed_ms"] < 1000
    for env in (PW, {"INTAKE_RECOVERY_KEY": doc["recovery_key"], "INTAKE_NEW_PASSPHRASE": "x"}):
        cmd = ["vault", "info"] if "INTAKE_PASSPHRASE" in env else ["vault", "recover"]
        res = intake("--vault", str(vault_dir), *cmd, env=env)
        assert res.returncode in (1, 2) and "Traceback" not in res.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["vault", "init", "--role", "boss"], PW),
        (["vault", "info", "--passphrase-file", "/nonexistent/pw"], {}),
        (["vault", "nothing"], PW),
        (["vault", "info"], {}),  # no passphrase source and no terminal
        (["vault", "info"], {**PW, "INTAKE_KDF_PROFILE": "turbo"}),
    ],
)
def test_usage_errors_exit_2_without_traceback(intake: Runner, vault_dir: Path, args: list[str],
                                               env: dict[str, str]) -> None:
    _init(intake, vault_dir)
    res = intake("--vault", str(vault_dir), *args, env=env)
    assert res.returncode == 2, res
    assert "Traceback" not in res.stderr and res.stderr.strip()


def test_missing_vault_is_a_usage_error(intake: Runner, tmp_path: Path) -> None:
    res = intake("--vault", str(tmp_path / "none"), "vault", "info", env=PW)
    assert res.returncode == 2 and "no vault" in res.stderr


def test_kill_during_passwd_leaves_old_or_new(intake: Runner, vault_dir: Path) -> None:
    """kill -9 at random moments of `vault passwd`: afterwards exactly one of the two passphrases opens the vault."""
    _init(intake, vault_dir)
    rng = random.Random(20261126)
    current = PW["INTAKE_PASSPHRASE"]
    start = time.perf_counter()
    intake("--vault", str(vault_dir), "vault", "passwd", env={**PW, "INTAKE_NEW_PASSPHRASE": current})
    runtime = time.perf_counter() - start
    outcomes = {"old": 0, "new": 0}
    for counter in range(1, 21):
        new = f"pass-{counter}"
        env = {**os.environ, "INTAKE_PASSPHRASE": current, "INTAKE_NEW_PASSPHRASE": new}
        proc = subprocess.Popen([sys.executable, "-m", "intake_app", "--vault", str(vault_dir), "vault", "passwd"],
                                env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # From well before the rename to after the process ended, so both outcomes occur on a fast or a loaded machine.
        time.sleep(rng.uniform(0.3, 1.6) * runtime)
        proc.kill()  # SIGKILL; TerminateProcess on Windows
        proc.wait()
        old_ok = intake("--vault", str(vault_dir), "vault", "info", env={"INTAKE_PASSPHRASE": current}).returncode == 0
        new_ok = intake("--vault", str(vault_dir), "vault", "info", env={"INTAKE_PASSPHRASE": new}).returncode == 0
        assert old_ok != new_ok, f"after a kill: old opens={old_ok}, new opens={new_ok}"
        if new_ok:
            current = new
            outcomes["new"] += 1
        else:
            outcomes["old"] += 1
    # A temp file left by a kill holds slots for a passphrase the user never saw confirmed: the next unlock removes it.
    assert intake("--vault", str(vault_dir), "vault", "info", env={"INTAKE_PASSPHRASE": current}).returncode == 0
    assert not list(vault_dir.glob(".keyslots.json.tmp-*"))
    assert outcomes["old"] and outcomes["new"], "the kill points should hit both before and after the rename"
    print(f"kill -9 during passwd: {outcomes}")
