"""`intake testimony|search|attach|attachment|audit` driven as a user would, including hostile input and kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, Runner, scan_for_marker, tree_digest
from tests.reliability.protocol import read_batch_round

GOOD = REPO / "tests" / "data" / "interchange" / "good"
BAD = REPO / "tests" / "data" / "interchange" / "bad"
PW = {"INTAKE_PASSPHRASE": "pw 비밀"}


@pytest.fixture
def vault(intake: Runner, tmp_path: Path) -> Path:
    path = tmp_path / "vault"
    assert intake("--vault", str(path), "vault", "init", env=PW).returncode == 0
    return path


def _write(tmp_path: Path, doc: dict[str, object], name: str = "t.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return p


def _example(**changes: object) -> dict[str, object]:
    doc: dict[str, object] = json.loads((GOOD / "example.json").read_text(encoding="utf-8"))
    doc.pop("id", None)
    doc.update(changes)
    return doc


def test_add_show_list_history_delete(intake: Runner, vault: Path, tmp_path: Path) -> None:
    v = ["--vault", str(vault)]
    res = intake(*v, "testimony", "add", str(_write(tmp_path, _example())), env=PW)
    assert res.returncode == 0, res
    rid = res.stdout.strip()
    shown = intake(*v, "testimony", "show", rid, env=PW)
    assert json.loads(shown.stdout)["id"] == rid
    shown_file = tmp_path / "shown.json"
    shown_file.write_text(shown.stdout, encoding="utf-8")
    before = tree_digest(vault)
    again = intake(*v, "--json", "testimony", "add", str(shown_file), env=PW)
    assert json.loads(again.stdout)["changed"] is False
    assert tree_digest(vault) == before  # add(show(x)) changes nothing, not even the audit log
    listed = json.loads(intake(*v, "--json", "testimony", "list", "--category", "6", env=PW).stdout)
    assert [t["id"] for t in listed["testimonies"]] == [rid]
    assert "류은별" in intake(*v, "testimony", "list", env=PW).stdout
    assert json.loads(intake(*v, "--json", "testimony", "list", "--category", "1", env=PW).stdout)["count"] == 0
    assert intake(*v, "testimony", "delete", rid, env=PW).returncode == 0
    hist = json.loads(intake(*v, "--json", "testimony", "history", rid, env=PW).stdout)["revisions"]
    assert [h["tombstone"] for h in hist] == [False, True]
    assert intake(*v, "testimony", "show", rid, env=PW).returncode == 1


def test_search_attach_extract_audit(intake: Runner, vault: Path, tmp_path: Path) -> None:
    v = ["--vault", str(vault)]
    rid = intake(*v, "testimony", "add", str(_write(tmp_path, _example())), env=PW).stdout.strip()
    res = json.loads(intake(*v, "--json", "search", "보위", env=PW).stdout)
    assert res["total"] == 1 and res["results"][0]["record_id"] == rid
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(os.urandom(300_000))
    sha = intake(*v, "attach", rid, str(scan), env=PW).stdout.strip()
    import hashlib

    assert sha == hashlib.sha256(scan.read_bytes()).hexdigest()
    items = json.loads(intake(*v, "--json", "attachment", "list", rid, env=PW).stdout)["attachments"]
    assert items[0]["media_type"] == "application/pdf" and items[0]["size"] == 300_000
    out = tmp_path / "copy.pdf"
    res2 = intake(*v, "attachment", "extract", sha, "--to", str(out), env=PW)
    assert res2.returncode == 0 and "PLAINTEXT" in res2.stderr
    assert out.read_bytes() == scan.read_bytes()
    assert intake(*v, "attachment", "extract", sha, "--to", str(out), env=PW).returncode == 2  # no silent overwrite
    audit = json.loads(intake(*v, "--json", "audit", "verify", env=PW).stdout)
    assert audit["ok"] and audit["size"] == 4  # vault created, testimony created, attached, extracted


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.json") if p.name != "expected.json"))
def test_bad_interchange_files_are_refused_and_change_nothing(intake: Runner, vault: Path, name: str) -> None:
    expected = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
    before = tree_digest(vault)
    res = intake("--vault", str(vault), "testimony", "add", str(BAD / name), env=PW)
    assert res.returncode == 2, res
    assert "Traceback" not in res.stderr
    if name in expected:
        assert expected[name].split(":")[0] in res.stderr, res.stderr
    assert tree_digest(vault) == before


def test_huge_narrative_is_refused(intake: Runner, vault: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"interview": {"date": "2024-05-02"}, "interviewee": {"pseudonym": "X"}, "narrative": "')
        chunk = "가" * (1 << 20)
        for _ in range(34):  # 34 Mi characters x 3 bytes ≈ 100 MB
            fh.write(chunk)
        fh.write('"}')
    before = tree_digest(vault)
    res = intake("--vault", str(vault), "testimony", "add", str(path), env=PW)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "MiB" in res.stderr or "too large" in res.stderr or "larger" in res.stderr
    assert tree_digest(vault) == before


def test_plaintext_canary_never_reaches_disk(intake: Runner, tmp_path: Path) -> None:
    marker = "CANARY-" + os.urandom(6).hex() + "-증언표지"
    home, tmp, inputs = tmp_path / "home", tmp_path / "tmp", tmp_path / "inputs"
    for d in (home, tmp, inputs):
        d.mkdir()
    env = {**PW, "HOME": str(home), "TMPDIR": str(tmp), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache")}
    assert intake("vault", "init", env=env).returncode == 0
    doc = _example(narrative=f"{marker} 온성군 보위부에서 {marker}")
    doc["victims"][0]["names"][0]["hangul"] = marker  # type: ignore[index]
    rid = intake("testimony", "add", str(_write(inputs, doc)), env=env).stdout.strip()
    att = inputs / "note.txt"
    att.write_bytes((marker + "\n").encode("utf-8") + marker.encode("utf-16"))
    assert intake("attach", rid, str(att), env=env).returncode == 0
    assert marker in intake("testimony", "show", rid, env=env).stdout
    assert intake("search", marker[:12], env=env).returncode == 0
    shown = intake("testimony", "show", rid, env=env).stdout.replace(marker, marker + " edited")
    (inputs / "edit.json").write_text(shown, encoding="utf-8")
    assert intake("testimony", "add", str(inputs / "edit.json"), env=env).returncode == 0
    assert scan_for_marker(marker, [home, tmp]) == []


DRIVER = """
import json, sys
from pathlib import Path
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.reliability.protocol import emit
doc = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
store = RecordStore(Vault.open(Path(sys.argv[1]), "pw 비밀"))
i = 0
while True:
    i += 1
    doc["narrative"] = f"batch add {i} 진술"
    result = store.save(__import__("intake_app.records.interchange", fromlist=["x"]).validate(doc))
    emit("ACK", "add", result.record_id, i)
"""


def test_kill_during_batch_adds_loses_no_acknowledged_add(vault: Path, tmp_path: Path) -> None:
    from intake_app.records.store import RecordStore
    from intake_app.vault.database import open_encrypted
    from intake_app.vault.vault import Vault, read_key_slots

    src = _write(tmp_path, _example())
    rng = random.Random(7)
    acked: dict[str, int] = {}
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(vault), str(src)], cwd=REPO,
                                stdout=subprocess.PIPE)
        time.sleep(rng.uniform(0.8, 2.0))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        acked.update(read_batch_round(out))
        with Vault.open(vault, PW["INTAKE_PASSPHRASE"]) as v:
            assert v.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            store = RecordStore(v)
            for rid, i in acked.items():
                assert store.show(rid)["narrative"] == f"batch add {i} 진술"
    assert len(acked) >= 20
    dek = read_key_slots(vault).unlock_with_passphrase(PW["INTAKE_PASSPHRASE"])
    conn = open_encrypted(vault / "vault.db", dek)
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] >= len(acked)
    conn.close()
