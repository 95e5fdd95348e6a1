"""Reference records in perpetrator profiles (marked by source) and in statistics only with --include-reference."""

from __future__ import annotations

from pathlib import Path

from tests.exports.conftest import TID_A, Hq, make_testimony

VICTIMS = ("제목,성명,성별,피해자 구분,납북일\r\n"
           "홍길동,홍길동,남,6·25전쟁 납북자|정치범,1950-07-15\r\n"
           "김순옥,김순옥,여,전후납북자,1970\r\n"
           "박철,박철,,,\r\n")
UNITS = ("title,organ__en,unit,rank,name\r\n"
         "Onsong MSS [K-1],MSS_CITY_COUNTY,온성군 보위부,,\r\nOther [K-2],MSS,,대위,박무개\r\n")


def test_stats_count_reference_persons_only_when_asked(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(TID_A, {"publication": "granted"}))
    path = tmp_path / "v.csv"
    path.write_text(VICTIMS, encoding="utf-8")
    assert hq.json("import", "uwazi", str(path), "--template", "victims", "--source", "FOOTPRINTS")["created"] == 3
    plain = hq.json("stats", "--by", "category")
    assert plain["total"] == 1 and "reference" not in plain  # the testimonies' victims only
    doc = hq.json("stats", "--by", "category", "--include-reference")
    assert doc["total"] == plain["total"] and doc["rows"] == plain["rows"]  # never added into the testimonies' counts
    ref = doc["reference"]
    assert ref["sources"] == ["FOOTPRINTS"] and ref["total"] == 3 and ref["unknown"] == 1
    assert "Reference records" in ref["label"]["en"]
    assert {r["key"]["category"]: r["count"] for r in ref["rows"]} == {"2": 1, "3": 1, "7": 1}
    by_decade = hq.json("stats", "--by", "decade", "--include-reference", "--where", "sex=M")["reference"]
    assert by_decade["total"] == 1 and [r["key"]["decade"] for r in by_decade["rows"]] == ["1950"]
    text = hq.run("stats", "--by", "category", "--include-reference")
    assert "Reference records from outside archives" in text.stdout and "[FOOTPRINTS]" in text.stdout
    assert hq.run("stats", "--by", "interviewer", "--include-reference").returncode == 2


def test_perpetrator_profile_lists_reference_records_marked_by_source(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(TID_A, {"perpetrator_profiling": "granted"}))
    path = tmp_path / "p.csv"
    path.write_text(UNITS, encoding="utf-8")
    assert hq.json("import", "uwazi", str(path), "--template", "perpetrators", "--source", "KFPD")["created"] == 2
    listed = hq.json("perpetrators", "list")["perpetrators"]
    unit = next(p["perpetrator"] for p in listed if p["kind"] == "unit" and "onsong" in p["perpetrator"])
    shown = hq.json("perpetrators", "show", unit)
    assert [(r["source"], r["title"], r["reference"]) for r in shown["reference"]] == [
        ("KFPD", "Onsong MSS [K-1]", True)]
    assert all(c["value"] != "Onsong MSS [K-1]" for c in shown["claims"])  # never a claim
    text = hq.run("perpetrators", "show", unit)
    assert "reference (KFPD): Onsong MSS [K-1]" in text.stdout
