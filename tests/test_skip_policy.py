"""The skip policy of tests/conftest.py: a missing tool that `make test` installs skips on a developer's machine, fails
under CI=true, and every run ends with one line counting skips by reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

CONFTEST = """
from tests.conftest import pytest_runtest_makereport, pytest_terminal_summary  # the hooks under test
"""
TESTS = """
import pytest
from tests.conftest import missing_tool, needs_root, needs_tools, require_tools

@needs_tools("no-such-tool-for-the-skip-policy")
def test_marker():
    pass

def test_inside():
    require_tools("no-such-tool-for-the-skip-policy")

def test_reason():
    missing_tool("loop mount")

def test_other_skip():
    pytest.skip("not a tool")

def test_runs():
    assert True
"""


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_policy.py").write_text(TESTS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(REPO)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                           "-c", os.devnull, str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_missing_tools_skip_outside_ci_and_the_run_counts_skips_by_reason(tmp_path: Path) -> None:
    run = _run(tmp_path, None)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 skipped" in run.stdout and "1 passed" in run.stdout
    summary = [line for line in run.stdout.splitlines() if line.startswith("skips by reason: ")]
    assert summary == ["skips by reason: 2 × missing tool: no-such-tool-for-the-skip-policy; "
                       "1 × missing tool: loop mount; 1 × not a tool"], run.stdout


def test_under_ci_a_missing_tool_is_a_failure_not_a_skip(tmp_path: Path) -> None:
    run = _run(tmp_path, "true")
    assert run.returncode == 1, run.stdout + run.stderr
    # a skipif marker fails in setup (an error), the other two in the call: none of the three passes as a skip
    assert run.stdout.splitlines()[-1].startswith("2 failed, 1 passed, 1 skipped, 1 error"), run.stdout
    assert "skips by reason: 1 × not a tool" in run.stdout
