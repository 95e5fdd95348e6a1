"""Every export is an audit entry (purpose, mentions, anonymity, SHA-256, who, when); `--encrypt-to` writes only age
files that stock `age -d` opens; `intake audit verify` passes after exports."""

from __future__ import annotations

import copy
import hashlib
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from crypto import age
from tests.conftest import needs_tools, scan_for_marker
from tests.exports.conftest import TID_A, TID_B, VICTIM, Hq, make_testimony, pdf_text

GRANT = {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}


@pytest.fixture
def two(hq: Hq) -> Hq:
    hq.add(make_testimony(TID_A, {"wgeid": GRANT, "publication": GRANT}))
    hq.add(make_testimony(TID_B, {"wgeid": "refused", "publication": "not_asked"}))
    hq.json("export", "org", "--name", "TJWG", "--contact", "cases@example.org")
    return hq


def test_every_export_is_in_the_log_with_hashes_and_audit_verifies(two: Hq, tmp_path: Path) -> None:
    wgeid = two.json("export", "wgeid", f"{TID_A}/v1", "--out", str(tmp_path / "w"), "--by", "C-01")
    uwazi = two.json("export", "uwazi", "--out", str(tmp_path / "u"), "--purpose", "publication")
    log = two.json("export", "log")["exports"]
    assert [e["export"] for e in log] == [wgeid["export"], uwazi["export"]]
    first = log[0]
    assert first["format"] == "wgeid" and first["purpose"] == "wgeid" and first["who"] == "C-01"
    assert first["mentions"] == [f"{TID_A}/v1"] and first["anonymity"] == "full_name" and first["at"]
    for entry, folder in ((log[0], tmp_path / "w"), (log[1], tmp_path / "u")):
        on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
        assert {f["name"]: f["sha256"] for f in entry["files"]} == on_disk
    assert log[1]["excluded"] == [{"mention": f"{TID_B}/v1", "reason": "not_asked"}]
    text = two.run("export", "log").stdout
    assert wgeid["export"] in text and "C-01" in text
    assert two.json("audit", "verify")["ok"] is True


@needs_tools("age")
def test_encrypt_to_writes_only_age_files_that_stock_age_opens(two: Hq, tmp_path: Path) -> None:
    marker = f"Canary-{uuid.uuid4().hex}"  # a name no other test (running at the same time) writes
    victim = copy.deepcopy(VICTIM)
    victim["names"] = [{"hangul": "류은별", "roman": marker}]
    two.add(make_testimony(TID_A, {"wgeid": GRANT, "publication": GRANT}, victim=victim))
    identity = age.generate_x25519_identity()
    key = tmp_path / "key.txt"
    key.write_text(identity.identity_file(), encoding="utf-8")
    recipient_file = tmp_path / "recipients.txt"
    recipient_file.write_text(f"# partner\n{identity.recipient}\n", encoding="utf-8")
    started = time.time()
    out = tmp_path / "usb"
    doc = two.json("export", "wgeid", f"{TID_A}/v1", "--out", str(out), "--encrypt-to", str(identity.recipient))
    assert sorted(p.suffix for p in out.iterdir()) == [".age", ".age"]
    assert all(f["encrypted_to"] for f in doc["files"])
    pdf = next(out.glob("*.pdf.age"))
    plain = subprocess.run(["age", "-d", "-i", str(key), str(pdf)], capture_output=True, check=True).stdout
    assert hashlib.sha256(plain).hexdigest() == next(f["plaintext_sha256"] for f in doc["files"]
                                                     if f["name"] == pdf.name)
    decrypted = tmp_path / "check.pdf"
    decrypted.write_bytes(plain)
    assert marker in pdf_text(decrypted)
    decrypted.unlink()
    # No plaintext anywhere on the "stick" or in the temp dir: the name is only inside the ciphertext.
    assert scan_for_marker(marker, [out]) == []
    assert scan_for_marker(marker, [Path(tempfile.gettempdir())], newer_than=started) == []
    # A recipients file works too.
    doc = two.json("export", "uwazi", "--out", str(tmp_path / "u"), "--purpose", "publication",
                   "--encrypt-to", str(recipient_file))
    assert all(p.name.endswith(".age") for p in (tmp_path / "u").iterdir())
    assert two.json("audit", "verify")["ok"] is True


def test_bad_recipient_is_a_usage_error_and_writes_nothing(two: Hq, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("not a key\n", encoding="utf-8")
    for spec in ("age1notarecipient", str(bad), str(tmp_path / "missing.txt")):
        result = two.run("export", "wgeid", f"{TID_A}/v1", "--out", str(tmp_path / "o"), "--encrypt-to", spec)
        assert result.returncode == 2, str(result)
    assert not (tmp_path / "o").exists()
    assert two.json("export", "log")["exports"] == []
