"""What an export killed half-way leaves (the scratch database in the vault folder, temp files and spools in the output
folder) is swept when the vault opens or the next export starts, and nothing that merely looks like it is touched
(intake_app/vault/leftovers.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intake_app.exports import log, pipeline, sources
from intake_app.exports.base import ExportRequest
from intake_app.vault import leftovers
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE
from tests.exports.test_uwazi_stream import build_world

REPO = Path(__file__).resolve().parents[2]
HEX = "0123456789abcdef"

# An export that dies (os._exit, as a power cut would) once every file is written, before anything is removed.
_CRASH = r"""
import os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from crypto import age
from intake_app.exports import pipeline, sources, uwazi_stream
from intake_app.exports.base import ExportRequest
from intake_app.vault.vault import Vault
written = uwazi_stream.UwaziStream.write
def write_then_die(self, files, decided):
    written(self, files, decided)
    os._exit(9)
uwazi_stream.UwaziStream.write = write_then_die
with Vault.open(Path(sys.argv[2]), sys.argv[5]) as vault:
    recipients = (age.generate_x25519_identity().recipient,) if sys.argv[4] == "1" else ()
    pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication",
                                             mentions=tuple(sources.all_mentions(vault)), out_dir=Path(sys.argv[3]),
                                             recipients=recipients, options={"batch_mentions": 2}))
"""


def _crash(hq: Path, out: Path, encrypt: bool) -> None:
    env = {**os.environ, "INTAKE_KDF_PROFILE": "fast"}
    run = subprocess.run([sys.executable, "-c", _CRASH, str(REPO), str(hq), str(out), "1" if encrypt else "0",
                          PASSPHRASE], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 9, run.stdout + run.stderr


def _age(path: Path, seconds: float = 2 * leftovers.MIN_AGE_SECONDS) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def _look_alikes(folder: Path, user_file: Path) -> set[str]:
    """Files that are not ours though they look like it, each old enough to be swept if it were."""
    names = {
        ".export-scratch-" + HEX[:15],            # 15 hex digits
        ".export-scratch-" + HEX.upper(),         # upper case
        ".export-scratch-" + HEX + ".bak",        # something after
        "export-scratch-" + HEX,                  # no leading dot
        "x.export-scratch-" + HEX,                # something before
        ".victims.zip.tmp-" + HEX[:15],
        ".victims.zip.tmp-" + HEX.upper(),
        ".victims.zip.old-" + HEX,                # not a kind an export leaves
        ".a..b.tmp-" + HEX,                       # not an export file name
        "..tmp-" + HEX,
        "victims.zip.tmp-" + HEX,
        ".victims.zip.tmp-" + HEX + "~",
    }
    for name in names:
        (folder / name).write_bytes(b"not ours")
        _age(folder / name)
    (folder / (".export-scratch-" + HEX[::-1])).symlink_to(user_file)  # our exact name, but a link: kept
    (folder / (".cases.zip.tmp-" + HEX[::-1])).symlink_to(user_file)
    (folder / (".export-scratch-" + "f" * 16)).mkdir()  # our exact name, but a folder: kept
    (folder / (".thesauri.zip.spool-" + "f" * 16)).mkdir()
    for name in (".export-scratch-" + HEX[::-1], ".cases.zip.tmp-" + HEX[::-1], ".export-scratch-" + "f" * 16,
                 ".thesauri.zip.spool-" + "f" * 16):
        _age(folder / name)
        names.add(name)
    return names


@pytest.mark.parametrize("encrypt", [False, True])
def test_a_crashed_exports_leftovers_are_swept_and_look_alikes_kept(tmp_path: Path, encrypt: bool) -> None:
    hq, out = tmp_path / "hq", tmp_path / "out"
    build_world(hq)
    out.mkdir()
    user_file = tmp_path / "users-file.txt"
    user_file.write_text("a file of the user's")
    _crash(hq, out, encrypt)
    scratch = [p for p in hq.iterdir() if leftovers.is_scratch_name(p.name)]
    temps = [p for p in out.iterdir() if leftovers.is_output_leftover_name(p.name)]
    assert len(scratch) == 1
    assert {p.name.rsplit(".", 1)[1].split("-")[0] for p in temps} == ({"tmp", "spool"} if encrypt else {"tmp"})
    assert len([p for p in temps if ".tmp-" in p.name]) == 5  # the three ZIPs, thesauri.zip and README.txt
    assert not [p for p in out.iterdir() if p.name.startswith(("victims", "cases", "README"))]  # no final name

    # Young leftovers may be another process's export still running: an open and an export keep them.
    with Vault.open(hq, PASSPHRASE):
        pass
    assert scratch[0].exists()

    for p in [*scratch, *temps]:
        _age(p)
    vault_alikes, out_alikes = _look_alikes(hq, user_file), _look_alikes(out, user_file)
    young = out / (".README.txt.tmp-" + "e" * 16)
    young.write_bytes(b"another export, still running")

    with Vault.open(hq, PASSPHRASE) as vault:  # opening the vault sweeps its folder
        assert not scratch[0].exists()
        assert vault_alikes <= {p.name for p in hq.iterdir()}
        assert all(p.exists() for p in temps)  # the output folder is not the vault's business
        result = pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication",
                                                          mentions=tuple(sources.all_mentions(vault)), out_dir=out,
                                                          options={"batch_mentions": 2}))
        assert len(log.entries(vault)) == 1
    assert not any(p.exists() for p in temps)
    assert young.exists()
    assert out_alikes <= {p.name for p in out.iterdir()}
    assert {f.name for f in result.files} <= {p.name for p in out.iterdir()}
    assert user_file.read_text() == "a file of the user's"


def test_the_next_export_sweeps_the_scratch_without_reopening(tmp_path: Path) -> None:
    """A vault kept open (the desktop app) while another process's export crashed: the next export sweeps it."""
    hq = tmp_path / "hq"
    build_world(hq)
    with Vault.open(hq, PASSPHRASE) as vault:
        left = hq / (".export-scratch-" + HEX)
        left.write_bytes(b"\x00" * 4096)
        _age(left)
        pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication",
                                                 mentions=tuple(sources.all_mentions(vault)), out_dir=tmp_path / "o"))
        assert not left.exists()


def test_names_and_ages(tmp_path: Path) -> None:
    assert leftovers.is_scratch_name(".export-scratch-" + HEX)
    assert leftovers.is_output_leftover_name(".victims.zip.age.spool-" + HEX)
    assert leftovers.is_output_leftover_name(".by-sex.csv.tmp-" + HEX)
    assert not leftovers.is_output_leftover_name(".by-sex.csv..tmp-" + HEX)
    assert not leftovers.is_output_leftover_name("." + "a" * 122 + ".tmp-" + HEX)  # longer than an export name
    old, new = tmp_path / (".x.csv.tmp-" + HEX), tmp_path / (".y.csv.tmp-" + HEX)
    old.write_bytes(b"")
    new.write_bytes(b"")
    _age(old, leftovers.MIN_AGE_SECONDS + 60)
    _age(new, leftovers.MIN_AGE_SECONDS - 60)
    assert leftovers.sweep_export_output(tmp_path) == [old.name]
    assert new.exists()
    assert leftovers.sweep_export_output(tmp_path / "missing") == []
    assert leftovers.sweep_export_scratch(tmp_path / "missing") == []
