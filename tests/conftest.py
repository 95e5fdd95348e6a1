"""Shared fixtures: fast Argon2id, private per-test home/config/temp dirs, and a runner for the real `intake` CLI.

Missing tools: a test that needs a program `make test` installs (age, minisign, Xvfb, PulseAudio, sox, pdftotext,
strace, a loop/tmpfs mount as root) says so with ``needs_tools`` (a skipif marker), ``require_tools`` (inside a test or
fixture) or ``missing_tool`` (any other reason such a tool cannot be used here). Each skip carries the prefix
``MISSING_TOOL``; under ``CI=true`` the hook below turns every such skip into a failure, because there the tool must be
present. The run ends with one line counting skips by reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from intake_app import wiring

wiring.install()  # the derived indexes, as every entry point registers them

REPO = Path(__file__).resolve().parent.parent
MISSING_TOOL = "missing tool: "


def in_ci() -> bool:
    """True where ``make test`` installed every tool: a missing one is then a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() == "true"


def _absent(names: tuple[str, ...]) -> list[str]:
    return [name for name in names if shutil.which(name) is None]


def needs_tools(*names: str, why: str = "") -> pytest.MarkDecorator:
    """A skipif marker for tests that run the stock programs ``names`` (a failure under CI=true)."""
    absent = _absent(names)
    return pytest.mark.skipif(bool(absent), reason=f"{MISSING_TOOL}{', '.join(absent)}{f' ({why})' if why else ''}")


def needs_root(why: str) -> pytest.MarkDecorator:
    """A skipif marker for tests that mount file systems (CI runs as root; a failure there when not root)."""
    return pytest.mark.skipif(os.geteuid() != 0, reason=f"{MISSING_TOOL}root ({why})")


def missing_tool(what: str) -> NoReturn:
    """Skip (or, under CI=true, fail) because a tool `make test` provides cannot be used here."""
    if in_ci():
        pytest.fail(f"{MISSING_TOOL}{what} (CI=true: make test installs it)", pytrace=False)
    pytest.skip(f"{MISSING_TOOL}{what}")


def require_tools(*names: str, why: str = "") -> None:
    """Inside a test or fixture: skip (fail under CI=true) unless every program in ``names`` is on PATH."""
    absent = _absent(names)
    if absent:
        missing_tool(f"{', '.join(absent)}{f' ({why})' if why else ''}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI=true a skip for a missing tool (including skipif markers) is reported as a failure."""
    outcome: Any = yield
    report = outcome.get_result()
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    reason = _skip_reason(report)
    if reason.startswith(MISSING_TOOL):
        report.outcome = "failed"
        report.longrepr = f"{reason} (CI=true: make test installs it, so this is a failure, not a skip)"


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
        return reason.removeprefix("Skipped: ")
    return ""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line: how many tests skipped, by reason (so a run cannot skip a tool's tests unnoticed)."""
    counts = Counter(_skip_reason(r) or "other" for r in terminalreporter.stats.get("skipped", []))
    if counts:
        parts = "; ".join(f"{n} × {reason}" for reason, n in counts.most_common())
        terminalreporter.write_line(f"skips by reason: {parts}")
    else:
        terminalreporter.write_line("skips by reason: none")


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
