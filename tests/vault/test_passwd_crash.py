"""A passphrase change interrupted at any point leaves a vault that opens with the old or the new passphrase, on every
operating system (issue 27, W5: on Windows the wipe step crashed, and every later open crashed the same way, so the
vault opened with neither passphrase).

A child process opens a real vault and changes its passphrase with a failure injected at the N-th call of one step of
the key-slot replacement (crypto.atomic_file): the temp file's fsync, the hard link to the old version, a folder fsync,
the rename, the wipe of the old version, its unlink. "crash" ends the process on the spot (os._exit: no handler, no
cleanup: a kill or a power cut); "raise" makes the step fail with an error. Then the vault must open with exactly one of
the two passphrases (the new one iff the rename had happened) and, once opened, hold no leftover key-slot file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import crypto.atomic_file as af
from intake_app.errors import RefusedError
from intake_app.vault.vault import KEYSLOTS_FILE, Vault
from tests.conftest import REPO

CHILD = r"""
import json, os, pathlib, sys
import crypto.atomic_file as af
from intake_app.vault.vault import Vault

path, hook, index, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sequence = []

def wrap(name, fn):
    def step(*args, **kwargs):
        n = sum(1 for s in sequence if s == name)
        sequence.append(name)
        if mode != "count" and name == hook and (index < 0 or n == index):
            if mode == "crash":
                os._exit(77)
            raise (OSError(5, "injected failure") if mode == "raise" else RuntimeError("injected failure"))
        return fn(*args, **kwargs)
    return step

vault = Vault.open(pathlib.Path(path), "old")
os.fsync = wrap("fsync", os.fsync)
os.link = wrap("link", os.link)
af.fsync_dir = wrap("fsync_dir", af.fsync_dir)
af.overwrite_in_place = wrap("wipe", af.overwrite_in_place)
pathlib.Path.replace = wrap("replace", pathlib.Path.replace)
pathlib.Path.unlink = wrap("unlink", pathlib.Path.unlink)
try:
    vault.change_passphrase("new")
except (OSError, RuntimeError):
    print(json.dumps({"sequence": sequence, "failed": True}))
    sys.exit(3)
print(json.dumps({"sequence": sequence, "failed": False}))
"""


def _child(path: Path, hook: str = "-", index: int = 0, mode: str = "count") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, str(path), hook, str(index), mode], capture_output=True,
                          text=True, cwd=REPO, timeout=300, check=False)


def _opens(path: Path, passphrase: str) -> bool:
    try:
        with Vault.open(path, passphrase):
            pass
    except RefusedError:
        return False
    return True


def _leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.name.startswith(f".{KEYSLOTS_FILE}."))


def _create(path: Path) -> None:
    with Vault.create(path, "old")[0]:
        pass


@pytest.fixture
def steps(tmp_path: Path) -> list[str]:
    """The sequence of injectable steps one passphrase change goes through (learnt from a run without failures)."""
    path = tmp_path / "count"
    _create(path)
    proc = _child(path)
    assert proc.returncode == 0, proc.stderr
    sequence: list[str] = json.loads(proc.stdout)["sequence"]
    assert {"link", "replace", "wipe", "fsync_dir"} <= set(sequence), sequence
    assert _opens(path, "new") and not _opens(path, "old")
    return sequence


def _points(sequence: list[str]) -> list[tuple[str, int, int]]:
    """(hook, n-th call of that hook, position in the whole sequence) for every step."""
    seen: dict[str, int] = {}
    points = []
    for position, name in enumerate(sequence):
        points.append((name, seen.get(name, 0), position))
        seen[name] = seen.get(name, 0) + 1
    return points


@pytest.mark.parametrize("mode", ["crash", "raise"])
def test_interrupted_passphrase_change_opens_with_exactly_one_passphrase(
        tmp_path: Path, steps: list[str], mode: str) -> None:
    renamed_at = steps.index("replace")
    for hook, index, position in _points(steps):
        path = tmp_path / f"{mode}-{hook}-{index}"
        _create(path)
        proc = _child(path, hook, index, mode)
        if mode == "crash":
            assert proc.returncode == 77, (hook, index, proc.stderr)
            new_expected = position > renamed_at
        else:  # a failed hard link is not fatal (FAT has none): the change then goes on without it
            assert proc.returncode == (0 if hook == "link" else 3), (hook, index, proc.stderr)
            done = json.loads(proc.stdout)["sequence"]
            new_expected = "replace" in done and hook != "replace"
        assert _opens(path, "new") is new_expected, (hook, index, _leftovers(path))
        assert _opens(path, "old") is not new_expected, (hook, index, _leftovers(path))
        assert _leftovers(path) == [], (hook, index)  # the open that worked destroyed what the crash left


def test_a_wipe_that_always_fails_never_locks_the_vault(tmp_path: Path) -> None:
    """The Windows failure: the wipe step raised (there, AttributeError: no os.pwrite) in passwd and in every open."""
    path = tmp_path / "v"
    _create(path)
    proc = _child(path, "wipe", -1, "error")
    assert proc.returncode == 3, proc.stderr  # passwd reports the failure...
    assert _leftovers(path), "the superseded key slots should still be waiting to be wiped"
    assert _opens(path, "new") and not _opens(path, "old")  # ...but the new passphrase is in force
    assert _leftovers(path) == []  # and the next open wiped the old slots


def test_an_open_whose_wipe_fails_still_opens_and_keeps_the_leftover_for_later(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v"
    _create(path)
    assert _child(path, "wipe", -1, "error").returncode == 3
    left = _leftovers(path)
    assert left

    def broken_wipe(_path: Path) -> None:
        raise AttributeError("module 'os' has no attribute 'pwrite'")  # what Windows raised before the fix

    working_wipe = af.overwrite_in_place
    monkeypatch.setattr(af, "overwrite_in_place", broken_wipe)
    assert _opens(path, "new") and not _opens(path, "old")
    assert _leftovers(path) == left  # not destroyed, not lost: the next open tries again
    monkeypatch.setattr(af, "overwrite_in_place", working_wipe)
    assert _opens(path, "new")
    assert _leftovers(path) == []
