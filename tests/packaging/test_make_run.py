"""`make run` on a clean clone: it installs what the app needs and reaches the first window on a real X server.

The README's first command must work on a fresh Debian machine with nothing installed by hand. This test copies the
working tree's files (what a clone would get, plus uncommitted changes), runs `make run RUN_ARGS="--self-test ..."` in
it under Xvfb with Qt's xcb platform plugin — the one that failed with missing libxcb libraries — and checks the app
showed its first window and exited 0. The venv is made from scratch; pip's cache is the machine's own, so the packages
come from it when present."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO, needs_tools

REAL_PIP_CACHE = Path(os.environ.get("PIP_CACHE_DIR", Path.home() / ".cache" / "pip"))


def _copy_tree_as_cloned(dest: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


@needs_tools("xvfb-run", "make", why="make test installs xvfb as root")
def test_make_run_sets_up_and_reaches_the_first_window_on_xcb(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    _copy_tree_as_cloned(clone)
    assert not (clone / ".venv").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(QT_QPA_PLATFORM="xcb", PIP_CACHE_DIR=str(REAL_PIP_CACHE), INTAKE_KDF_PROFILE="fast")
    vault = tmp_path / "vault"
    run = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "make", "--no-print-directory", "run",
                          f"RUN_ARGS=--self-test --vault {vault} --lang ko"],
                         cwd=clone, env=env, capture_output=True, text=True, timeout=900, check=False)
    report = f"exit {run.returncode}\nstdout:\n{run.stdout[-3000:]}\nstderr:\n{run.stderr[-3000:]}"
    assert run.returncode == 0, report
    assert "Could not load the Qt platform plugin" not in run.stderr, report
    assert (clone / ".venv" / "bin" / "intake-app").exists()
    # The setup named no missing Debian package: as root they were installed; otherwise this machine has them all.
    assert "missing Debian packages" not in run.stderr, report
