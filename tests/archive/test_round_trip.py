"""The round trip: an HQ exports Uwazi ZIPs for publication; a fresh HQ imports them as reference records, a second
import changes nothing, and no export of the new HQ lets the reference content leave (``reference_only``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake_app.vault.vault import Vault
from tests.exports.conftest import FULL_HANGUL, FULL_ROMAN, PASSPHRASE, TID_A, TID_B, Hq, make_testimony

TID_C = "0190f6b8-7a1c-7d2e-9f00-000000000003"
OTHER = {"id": "v1", "names": [{"hangul": "김철수", "roman": "Kim Chol-su"}], "sex": "M", "categories": [7],
         "birth": "1961", "status": "seen_in_detention",
         "acts": [{"type": "arrest", "date": "1998-06", "place": "Musan",
                   "perpetrators": [{"organ": "MSS", "unit": "무산군 보위부", "rank": "대위"}]},
                  {"type": "detention", "date": "1999", "place": "Yodok"}]}
THIRD = {"id": "v1", "names": [{"hangul": "박영희", "roman": "Pak Yong-hui"}], "sex": "F",
         "acts": [{"type": "abduction", "date": "1977-08-14", "place": "Hoeryong"}]}


@pytest.fixture
def exported(hq: Hq, tmp_path: Path) -> Path:
    hq.add(make_testimony(TID_A, {"publication": {"value": "granted", "anonymity": "full_name"}}))
    hq.add(make_testimony(TID_B, {"publication": {"value": "granted", "anonymity": "full_name"}}, victim=OTHER))
    hq.add(make_testimony(TID_C, {"publication": {"value": "granted", "anonymity": "full_name"}}, victim=THIRD))
    out = tmp_path / "uwazi"
    hq.json("export", "uwazi", "--out", str(out), "--purpose", "publication")
    return out


def _import_all(hq: Hq, out: Path) -> dict[str, dict[str, Any]]:
    return {t: hq.json("import", "uwazi", str(out / f"{t}.zip"), "--template", t, "--source", "TJWG-own")
            for t in ("victims", "perpetrators", "cases")}


def test_round_trip_reference_records_and_no_export(exported: Path, fresh_hq: Hq, tmp_path: Path) -> None:
    first = _import_all(fresh_hq, exported)
    assert {t: (d["created"], d["updated"], d["unchanged"], d["refused"]) for t, d in first.items()} == {
        "victims": (3, 0, 0, 0), "perpetrators": (3, 0, 0, 0), "cases": (5, 0, 0, 0)}
    for doc in first.values():
        assert set(doc) >= {"created", "updated", "unchanged", "refused", "unmapped_columns", "import_id"}
        assert doc["import_id"]
    assert "consent_basis__en" in first["victims"]["unmapped_columns"]

    # The persons, acts and units come back as reference records.
    with Vault.open(fresh_hq.path, PASSPHRASE) as vault:
        rows = vault.conn.execute("""SELECT r.kind, v.content FROM reference_records r JOIN reference_versions v
                                     ON v.record_id = r.id AND v.version = r.version""").fetchall()
        testimonies = vault.conn.execute("SELECT count(*) FROM records").fetchone()[0]
    assert testimonies == 0  # never a testimony
    contents = [(k, json.loads(c)) for k, c in rows]
    persons = [c for k, c in contents if k == "person"]
    names = sorted((n.get("hangul"), n.get("roman")) for c in persons for n in c["names"])
    assert names == sorted([(FULL_HANGUL, FULL_ROMAN), ("김철수", "Kim Chol-su"), ("박영희", "Pak Yong-hui")])
    kim = next(c for c in persons if c["names"][0].get("hangul") == "김철수")
    assert (kim["sex"], kim["birth"], kim["categories"], kim["status"]) == ("M", "1961", [7], "seen_in_detention")
    acts = sorted((c["acts"][0]["type"], c["acts"][0]["date"]) for k, c in contents if k == "act")
    assert acts == [("abduction", "1977-08-14"), ("arrest", "1998-06"), ("arrest", "2011-09"), ("detention", "1999"),
                    ("detention", "2011-09-01/2011-11-30")]
    units = sorted(c["perpetrator"].get("unit", "") for k, c in contents if k == "perpetrator")
    assert units == ["무산군 보위부", "온성군 보위부", "온성군 보위부"]

    # A second import of the same ZIPs: every row unchanged.
    second = _import_all(fresh_hq, exported)
    for t, doc in second.items():
        assert (doc["created"], doc["updated"], doc["refused"]) == (0, 0, 0), t
        assert doc["unchanged"] == doc["rows"] == first[t]["rows"], t
    listed = fresh_hq.json("import", "list")["imports"]
    assert len(listed) == 6 and {i["file_sha256"] for i in listed} == {d["file_sha256"] for d in first.values()}

    # Every export from the new HQ refuses the reference content with reference_only.
    dry = fresh_hq.run("--json", "export", "uwazi", "--out", str(tmp_path / "x"), "--purpose", "publication",
                       "--dry-run")
    assert dry.returncode == 1
    excluded = json.loads(dry.stdout)["excluded"]
    assert len(excluded) == 3 and {e["reason"] for e in excluded} == {"reference_only"}
    for purpose in ("publication", "reports"):
        result = fresh_hq.run("export", "uwazi", "--out", str(tmp_path / purpose), "--purpose", purpose)
        assert result.returncode == 1 and "reference record" in result.stderr
        assert not (tmp_path / purpose).exists() or not any((tmp_path / purpose).iterdir())
    person = persons_mention(fresh_hq)
    result = fresh_hq.run("export", "wgeid", person, "--out", str(tmp_path / "w"))
    assert result.returncode == 1 and "reference record" in result.stderr
    assert not (tmp_path / "w").exists() or not any((tmp_path / "w").iterdir())
    # A dossier's subject comes from testimonies only: a reference record is no subject, nothing is written.
    record = person.split("/")[0]
    result = fresh_hq.run("export", "dossier", record, "--purpose", "government_partners", "--out", str(tmp_path / "d"))
    assert result.returncode != 0 and (not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir()))


def persons_mention(hq: Hq) -> str:
    with Vault.open(hq.path, PASSPHRASE) as vault:
        row = vault.conn.execute("SELECT id FROM reference_records WHERE kind = 'person' LIMIT 1").fetchone()
    return f"{row[0]}/ref"
