"""Shared fixtures: fast Argon2id, private per-test home/config/temp dirs, and a runner for the real `intake` CLI."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from intake_app import wiring

wiring.install()  # the derived indexes, as every entry point registers them

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INTAKE_KDF_PROFILE", "fast")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for var in ("INTAKE_VAULT", "INTAKE_PASSPHRASE", "INTAKE_NEW_PASSPHRASE", "INTAKE_RECOVERY_KEY"):
        monkeypatch.delenv(var, raising=False)


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.returncode}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


Runner = Callable[..., CliResult]


def run_cli(*args: str, env: dict[str, str] | None = None, input: str | None = None,
            timeout: float = 120) -> CliResult:
    """Run ``python -m intake_app ARGS`` as a user would, with the test's environment plus ``env``."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "intake_app", *args],
        input=input, capture_output=True, text=True, env=full_env, cwd=REPO, timeout=timeout, check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def intake() -> Runner:
    return run_cli


def tree_digest(path: Path) -> dict[str, str]:
    """sha256 of every file under ``path`` (relative name -> digest), to prove that nothing changed."""
    out: dict[str, str] = {}
    for p in sorted(path.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(path))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def vault_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "vault"


def scan_for_marker(marker: str, roots: list[Path], *, newer_than: float | None = None,
                    skip: Path | None = None) -> list[str]:
    """Files under ``roots`` holding ``marker`` in UTF-8 or UTF-16 (either byte order): the plaintext canary check.
    ``newer_than`` limits it to files modified since then (for shared places like the system temp dir)."""
    needles = [marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be")]
    hits = []
    for root in roots:
        for dirpath, _, files in os.walk(root):
            if skip is not None and Path(dirpath).is_relative_to(skip):
                continue
            for name in files:
                p = Path(dirpath) / name
                try:
                    if p.is_symlink() or (newer_than is not None and p.stat().st_mtime < newer_than):
                        continue
                    data = p.read_bytes()
                except OSError:
                    continue
                hits += [str(p) for n in needles if n in data]
    return hits
