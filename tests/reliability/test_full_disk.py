"""A full disk during attach, export and import: a clear error, no partial output that looks valid, the vault intact.

Uses real small tmpfs mounts (root only, as CI runs); skipped with the reason otherwise."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, Runner, missing_tool, needs_root, tree_digest

pytestmark = needs_root("mounting a small tmpfs; CI runs as root")
PW = {"INTAKE_PASSPHRASE": "pw"}
EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "example.json"


def _tmpfs(mnt: Path, size: str) -> Iterator[Path]:
    mnt.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mnt)],
                         capture_output=True, check=False)
    if res.returncode != 0:
        missing_tool(f"tmpfs mount: {res.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    yield from _tmpfs(tmp_path / "small", "3m")


def test_a_vault_is_created_in_little_more_room_than_it_takes(intake: Runner, tmp_path: Path) -> None:
    """A new vault is about 1.3 MB. Creating it checkpoints the write-ahead log after each schema step: without that,
    the log held every step's pages until its automatic checkpoint, and creation needed more than 3 MB (a small
    USB stick or a nearly full laptop refused a vault that would have fitted)."""
    for mnt in _tmpfs(tmp_path / "two", "2m"):
        vault = mnt / "vault"
        res = intake("--vault", str(vault), "vault", "init", env=PW)
        assert res.returncode == 0, res
        assert intake("--vault", str(vault), "--json", "vault", "info", env=PW).returncode == 0


def _field_and_hq(intake: Runner, base: Path) -> tuple[Path, Path, str]:
    hq, field = base / "hq", base / "field"
    for path, role in ((hq, "hq"), (field, "field")):
        assert intake("--vault", str(path), "vault", "init", "--role", role, env=PW).returncode == 0
    assert intake("--vault", str(hq), "keys", "export", str(base / "hq.pub"), env=PW).returncode == 0
    assert intake("--vault", str(field), "keys", "export", str(base / "dev.pub"), env=PW).returncode == 0
    assert intake("--vault", str(field), "keys", "add", str(base / "hq.pub"), env=PW).returncode == 0
    assert intake("--vault", str(hq), "keys", "add", str(base / "dev.pub"), env=PW).returncode == 0
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc.pop("id")
    (base / "t.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    rid = intake("--vault", str(field), "testimony", "add", str(base / "t.json"), env=PW).stdout.strip()
    return hq, field, rid


def test_attach_on_a_full_disk(intake: Runner, tmp_path: Path, small_fs: Path) -> None:
    vault = small_fs / "vault"
    assert intake("--vault", str(vault), "vault", "init", env=PW).returncode == 0
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc.pop("id")
    (tmp_path / "t.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    rid = intake("--vault", str(vault), "testimony", "add", str(tmp_path / "t.json"), env=PW).stdout.strip()
    big = tmp_path / "audio.wav"
    big.write_bytes(os.urandom(5_000_000))
    before = tree_digest(vault)
    res = intake("--vault", str(vault), "attach", rid, str(big), env=PW)
    assert res.returncode == 1 and "space" in res.stderr and "Traceback" not in res.stderr, res
    assert tree_digest(vault) == before  # no partial blob, no row
    assert intake("--vault", str(vault), "--json", "attachment", "list", rid, env=PW).returncode == 0
    small = tmp_path / "note.txt"
    small.write_bytes(b"fits")
    assert intake("--vault", str(vault), "attach", rid, str(small), env=PW).returncode == 0


def test_export_to_a_full_usb_stick(intake: Runner, tmp_path: Path, small_fs: Path) -> None:
    _, field, rid = _field_and_hq(intake, tmp_path)
    big = tmp_path / "scan.bin"
    big.write_bytes(os.urandom(5_000_000))
    assert intake("--vault", str(field), "attach", rid, str(big), env=PW).returncode == 0
    before = tree_digest(field)
    res = intake("--vault", str(field), "bundle", "export", str(small_fs), env=PW)
    assert res.returncode == 1 and "space" in res.stderr and "Traceback" not in res.stderr, res
    assert list(small_fs.iterdir()) == []  # nothing that looks like a bundle, not even a hidden partial file
    assert tree_digest(field) == before  # the bundle was not counted as sent
    usb = tmp_path / "usb"
    usb.mkdir()
    res = intake("--vault", str(field), "--json", "bundle", "export", str(usb), env=PW)
    assert res.returncode == 0 and json.loads(res.stdout)["seq"] == 1  # the next export takes the same number


def test_import_into_a_full_hq_disk(intake: Runner, tmp_path: Path, small_fs: Path) -> None:
    hq, field, rid = _field_and_hq(intake, tmp_path)
    big = tmp_path / "scan.bin"
    big.write_bytes(os.urandom(5_000_000))
    assert intake("--vault", str(field), "attach", rid, str(big), env=PW).returncode == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    bundle = intake("--vault", str(field), "bundle", "export", str(usb), env=PW).stdout.splitlines()[0]
    hq_small = small_fs / "hq"
    shutil.copytree(hq, hq_small)
    records_before = intake("--vault", str(hq_small), "--json", "testimony", "list", env=PW).stdout
    res = intake("--vault", str(hq_small), "bundle", "import", bundle, env=PW)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res
    assert "space" in res.stdout + res.stderr or "full" in res.stdout + res.stderr
    assert intake("--vault", str(hq_small), "--json", "testimony", "list", env=PW).stdout == records_before
    assert list((hq_small / "blobs").iterdir()) == []
    assert intake("--vault", str(hq), "bundle", "import", bundle, env=PW).returncode == 0  # fine with room
