"""Sanctions dossier: only mentions allowing perpetrator_profiling AND the purpose; source numbers, never pseudonyms;
contradictions kept; the consent basis; checked in the PDF with pdftotext."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tests.exports.conftest import VICTIM, Hq, make_testimony, pdf_text

T1 = "0190f6b8-7a1c-7d2e-9f00-00000000d001"
T2 = "0190f6b8-7a1c-7d2e-9f00-00000000d002"
T3 = "0190f6b8-7a1c-7d2e-9f00-00000000d003"
BOTH = {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}


def _victim(name: str, roman: str, rank: str) -> dict:
    v = copy.deepcopy(VICTIM)
    v["names"] = [{"hangul": name, "roman": roman}]
    v["acts"][0]["perpetrators"][0]["rank"] = rank
    return v


def test_dossier_uses_only_doubly_consented_mentions(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(T1, {"perpetrator_profiling": BOTH, "government_partners": BOTH},
                          victim=_victim("최영수", "Choe Yong-su", "상위"), pseudonym="W-201"))
    hq.add(make_testimony(T2, {"perpetrator_profiling": "refused", "government_partners": BOTH},
                          victim=_victim("한정민", "EXCLUDED-CANARY", "소좌"), pseudonym="W-202"))
    hq.add(make_testimony(T3, {"perpetrator_profiling": BOTH,
                               "government_partners": {"value": "granted", "anonymity": "initials"}},
                          victim=_victim("정미란", "Jong Mi-ran", "대위"), pseudonym="W-203"))
    hq.json("export", "org", "--name", "TJWG")
    out = tmp_path / "d"
    doc = hq.json("export", "dossier", "온성군 보위부", "--out", str(out), "--purpose", "government_partners")
    assert sorted(m["mention"] for m in doc["included"]) == [f"{T1}/v1", f"{T3}/v1"]
    assert doc["excluded"][0]["mention"] == f"{T2}/v1" and doc["excluded"][0]["purpose"] == "perpetrator_profiling"
    pdf = next(out.glob("*.pdf"))
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    text = pdf_text(pdf)
    for needle in ("Sanctions evidence dossier", "온성군 보위부", "Source 1", "Source 2", "상위", "대위",
                   "Sources disagree on the rank", "perpetrator_profiling: granted", "government_partners: granted",
                   "burn scar", "2011-09", "Hyesan", "최영수", "ㅈㅁㄹ"):
        assert needle in text, needle
    both = text + json.dumps(data, ensure_ascii=False)
    for absent in ("W-201", "W-202", "W-203", "EXCLUDED-CANARY", "한정민", "소좌", "정미란", "Jong Mi-ran", "I-03",
                   "NARRATIVE-CANARY"):
        assert absent not in both, absent
    arrest = next(a for a in data["acts"] if a["act"] == "arrest")
    assert arrest["date"] == "2011-09" and arrest["place"] == "Hyesan"
    assert {s["how_known"] for s in arrest["sources"]} == {"first_hand"}
    assert {s["identification"] for s in arrest["sources"]} == {"named"}
    assert [c["field"] for c in data["contradictions"]] == ["rank"]
    # The same target through the perpetrator registry (its unit id) gives the same decision and acts.
    units = [p for p in hq.json("perpetrators", "list")["perpetrators"] if p["kind"] == "unit"]
    assert len(units) == 1
    again = hq.json("export", "dossier", units[0]["perpetrator"], "--out", str(tmp_path / "r"), "--purpose",
                    "government_partners")
    assert [m["mention"] for m in again["included"]] == [m["mention"] for m in doc["included"]]
    registry_doc = json.loads(next((tmp_path / "r").glob("*.json")).read_text(encoding="utf-8"))
    assert registry_doc["acts"] == data["acts"] and registry_doc["target"]["en"] == units[0]["label"]["en"]
    assert units[0]["label"]["en"] in pdf_text(next((tmp_path / "r").glob("*.pdf")))
    log = hq.json("export", "log")["exports"]
    assert log[-1]["format"] == "dossier"
    assert log[-1]["also_required"] == ["perpetrator_profiling"]
    assert log[0]["subject"].startswith("sha256:") and "온성군" not in json.dumps(log, ensure_ascii=False)
    assert hq.json("audit", "verify")["ok"] is True


def test_dossier_refused_when_profiling_not_consented(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(T1, {"perpetrator_profiling": "not_asked", "government_partners": BOTH}))
    result = hq.run("export", "dossier", "온성군 보위부", "--out", str(tmp_path / "d"), "--purpose",
                    "government_partners")
    assert result.returncode == 1 and "perpetrator_profiling" in result.stderr
    assert not (tmp_path / "d").exists()
