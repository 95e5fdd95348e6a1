"""Plaintext canary: after a whole CLI cycle — field vault, testimony, attachment, export, verify, HQ import, search,
conflict-free merge — a marker string appears nowhere on disk outside the encrypted files: not in the vaults, the USB
folder, the temp directory, the home and config directories, in UTF-8 or UTF-16."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import REPO, Runner, scan_for_marker

EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "example.json"


def test_canary_through_a_whole_cycle(intake: Runner, tmp_path: Path) -> None:
    marker = "CANARY" + os.urandom(5).hex() + "실종자표지"
    home, tmp, inputs, usb = (tmp_path / d for d in ("home", "tmp", "inputs", "usb"))
    for d in (home, tmp, inputs, usb):
        d.mkdir()
    env = {"INTAKE_PASSPHRASE": "pw", "HOME": str(home), "TMPDIR": str(tmp), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache")}
    field, hq = ["--vault", str(home / "field")], ["--vault", str(home / "hq")]

    def ok(*args: str) -> str:
        res = intake(*args, env=env)
        assert res.returncode == 0, res
        return res.stdout

    ok(*field, "vault", "init")
    ok(*hq, "vault", "init", "--role", "hq")
    ok(*hq, "keys", "export", str(usb / "hq.pub"))
    ok(*field, "keys", "export", str(usb / "dev.pub"))
    ok(*field, "keys", "add", str(usb / "hq.pub"))
    ok(*hq, "keys", "add", str(usb / "dev.pub"))
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc.pop("id")
    doc["narrative"] = f"{marker} 가 온성에서 {marker}"
    doc["victims"][0]["names"][0]["hangul"] = marker
    (inputs / "t.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    rid = ok(*field, "testimony", "add", str(inputs / "t.json")).strip()
    (inputs / "note.txt").write_bytes(marker.encode("utf-8") + marker.encode("utf-16"))
    ok(*field, "attach", rid, str(inputs / "note.txt"))
    assert json.loads(ok(*field, "--json", "search", marker[:10]))["results"][0]["record_id"] == rid
    bundle = ok(*field, "bundle", "export", str(usb)).splitlines()[0]
    ok("bundle", "verify", bundle, "--key", str(usb / "dev.pub"), "--state", str(home / "auditor"))
    ok(*hq, "bundle", "import", bundle)
    assert marker in ok(*hq, "testimony", "show", rid)
    assert json.loads(ok(*hq, "--json", "search", marker[-6:]))["results"][0]["record_id"] == rid
    # Only the inputs folder (the user's own plaintext source files) may hold the marker.
    assert scan_for_marker(marker, [home, tmp, usb]) == []
