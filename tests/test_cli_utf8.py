"""The command line writes UTF-8 whatever the console's code page (issue 27, W4): on Windows, stdout through a pipe is
in the ANSI code page (cp1252 on an English system, cp949 on a Korean one), and Hangul either crashed the program with
UnicodeEncodeError or came out in cp949. Here the child Python is forced onto cp1252 (PYTHONIOENCODING on any OS; under
make test-windows, a Windows CPython outside UTF-8 mode is on it anyway) and the output must still be UTF-8."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("smoke_frozen", REPO / "packaging" / "smoke_frozen.py")
assert _spec is not None and _spec.loader is not None
smoke = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("smoke_frozen", smoke)
_spec.loader.exec_module(smoke)
KOREAN_NAME: str = smoke.KOREAN_NAME


def _intake(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-X", "utf8=0", "-m", "intake_app", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, env=env, cwd=REPO, timeout=300, check=False)


def test_hangul_goes_out_as_utf8_on_a_legacy_code_page(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0", "INTAKE_PASSPHRASE": "비밀 문장 하나"}
    vault = str(tmp_path / "v")
    assert _intake("--vault", vault, "vault", "init", env=env).returncode == 0
    doc = tmp_path / "t.json"
    doc.write_text(json.dumps(smoke.testimony_document(), ensure_ascii=False), encoding="utf-8")
    added = _intake("--vault", vault, "testimony", "add", str(doc), env=env)
    assert added.returncode == 0, added.stderr.decode("utf-8", "replace")
    listed = _intake("--vault", vault, "testimony", "list", env=env)
    assert listed.returncode == 0, listed.stderr.decode("utf-8", "replace")
    assert KOREAN_NAME.encode("utf-8") in listed.stdout
    listed.stdout.decode("utf-8")  # all of it is UTF-8
    refused = _intake("--vault", str(tmp_path / "nowhere-한국"), "testimony", "list", env=env)
    assert refused.returncode != 0
    assert "한국".encode() in refused.stderr or b"\\u" in refused.stderr  # errors name the path, never crash
    helped = _intake("--help", env=env)
    assert helped.returncode == 0 and helped.stdout.decode("utf-8")
