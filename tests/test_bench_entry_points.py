"""Every benchmark entry point answers --help without starting work, and names the folder it writes to (a --dir or
--cache argument whose default is under bench/out or a RAM disk, never the system temp folder)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REPO, tree_digest

BENCH = REPO / "bench"
ENTRY_POINTS = [*sorted(p.stem for p in BENCH.glob("*.py") if not p.name.startswith("_")), "__main__"]


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_help_starts_nothing_and_names_the_folder_it_writes_to(name: str, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "bench"] if name == "__main__" else [sys.executable, str(BENCH / f"{name}.py")]
    out_before = tree_digest(BENCH / "out") if (BENCH / "out").exists() else {}
    env = {**os.environ, "TMPDIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    run = subprocess.run([*cmd, "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("usage: "), run.stdout
    assert "--dir" in run.stdout or "--cache" in run.stdout, run.stdout
    # No default folder under the temp directory: the repository's own folders aside (a clone may live under /tmp).
    flat = " ".join(run.stdout.split()).replace(str(REPO), "<repository>")
    assert tempfile.gettempdir() + "/" not in flat.replace("/dev/shm", ""), flat
    assert list(tmp_path.iterdir()) == []  # nothing written in the temp folder or the working directory
    assert (tree_digest(BENCH / "out") if (BENCH / "out").exists() else {}) == out_before
