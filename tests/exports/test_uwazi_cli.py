"""Uwazi export checked against the CSV import rules (huridocs/uwazi app/api/csv; external-bodies.md)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from intake_app.exports.uwazi import MULTILINGUAL, TEMPLATES
from intake_app.records import vocabularies
from tests.exports.conftest import FULL_HANGUL, FULL_ROMAN, TID_A, TID_B, Hq, make_testimony

TID_C = "0190f6b8-7a1c-7d2e-9f00-000000000003"
OTHER = {"id": "v1", "names": [{"hangul": "김철수", "roman": "Kim Chol-su"}], "sex": "M", "categories": [7],
         "acts": [{"type": "arrest", "date": "1998-21", "place": "Musan",
                   "perpetrators": [{"organ": "MSS", "rank": "대위"}]},
                  {"type": "last_seen", "date": "1999/..", "place": "Yodok"}]}
REFUSED = {"id": "v1", "names": [{"hangul": "박영희", "roman": "REFUSED-ROW-CANARY"}],
           "acts": [{"type": "arrest", "date": "2001"}]}
DATE_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})?:(\d{4}-\d{2}-\d{2})?$")


def _read(zip_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.namelist() == ["import.csv"]
        text = zf.read("import.csv").decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    rows = [dict(zip(header, row, strict=True)) for row in reader]
    return header, rows


@pytest.fixture
def archive(hq: Hq) -> Hq:
    hq.add(make_testimony(TID_A, {"publication": {"value": "granted", "anonymity": "initials"}}))
    hq.add(make_testimony(TID_B, {"publication": {"value": "granted", "anonymity": "full_name"}}, victim=OTHER))
    hq.add(make_testimony(TID_C, {"publication": "refused", "reports": "granted"}, victim=REFUSED))
    return hq


def test_uwazi_zips_follow_the_import_rules(archive: Hq, tmp_path: Path) -> None:
    out = tmp_path / "u1"
    doc = archive.json("export", "uwazi", "--out", str(out), "--purpose", "publication")
    assert sorted(m["mention"] for m in doc["included"]) == [f"{TID_A}/v1", f"{TID_B}/v1"]
    assert [e["reason"] for e in doc["excluded"]] == ["refused"]
    assert sorted(p.name for p in out.iterdir()) == ["README.txt", "cases.zip", "perpetrators.zip", "thesauri.zip",
                                                     "victims.zip"]
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert readme.index("victims.zip") < readme.index("perpetrators.zip") < readme.index("cases.zip")
    everything = ""
    for template in ("victims", "perpetrators", "cases"):
        header, rows = _read(out / f"{template}.zip")
        props = TEMPLATES[template]
        for column in header:
            prop, _, lang = column.partition("__")
            assert prop in props, column
            if lang:
                assert lang in ("en", "ko") and props[prop][0] in MULTILINGUAL, column
                assert f"{prop}__en" in header and f"{prop}__ko" in header  # default language always included
        assert "title__en" in header and "title__ko" in header
        titles = [r["title__en"] for r in rows]
        assert all(titles) and len(set(titles)) == len(titles)
        for row in rows:
            for column, value in row.items():
                if value and props[column.partition("__")[0]][0] == "daterange":
                    assert DATE_RANGE.match(value), (column, value)
                    low, high = value.split(":")
                    assert not (low.endswith("-01-01") and high == low), value  # never collapsed to 1 January
        everything += json.dumps(rows, ensure_ascii=False)
    _, victims = _read(out / "victims.zip")
    kim = next(r for r in victims if "Kim Chol-su" in r["title__en"])
    assert kim["birth"] == "" and kim["disappeared"] == "1998-03-01:1998-05-31"  # spring 1998, not 1 January
    ryu = next(r for r in victims if r["anonymity__en"] == "Initials")
    assert ryu["categories__en"].count("|") == 1 and ryu["name__ko"] == "ㄹㅇㅂ"
    assert ryu["birth"] == "1975-01-01:1975-12-31"
    _, cases = _read(out / "cases.zip")
    detention = next(r for r in cases if r["act_type__en"] == "Detention")
    assert detention["date"] == "2011-09-01:2011-11-30"
    seen = next(r for r in cases if r["act_type__en"] == "Last seen")
    assert seen["date"] == "1999-01-01:"  # an open end stays empty
    assert all(r["victim"] in {v["title__en"] for v in victims} for r in cases)
    for form in (FULL_HANGUL, FULL_ROMAN, "Un-byol", "柳銀星", "REFUSED-ROW-CANARY", "박영희", "W-117", "I-03"):
        assert form not in everything, form
    with zipfile.ZipFile(out / "thesauri.zip") as zf:
        sex = zf.read("thesaurus-sex.csv").decode("utf-8").splitlines()
    assert sex[0] == "English,Korean"
    assert f"{vocabularies.label('sex', 'F', 'en')},{vocabularies.label('sex', 'F', 'ko')}" in sex


def test_same_export_twice_gives_same_titles(archive: Hq, tmp_path: Path) -> None:
    archive.json("export", "uwazi", "--out", str(tmp_path / "a"), "--purpose", "publication")
    archive.json("export", "uwazi", "--out", str(tmp_path / "b"), "--purpose", "publication")
    for template in ("victims", "perpetrators", "cases"):
        first = [r["title__en"] for r in _read(tmp_path / "a" / f"{template}.zip")[1]]
        second = [r["title__en"] for r in _read(tmp_path / "b" / f"{template}.zip")[1]]
        assert first == second and first
        assert (tmp_path / "a" / f"{template}.zip").read_bytes() == (tmp_path / "b" / f"{template}.zip").read_bytes()
    log = archive.json("export", "log")["exports"]
    assert [e["format"] for e in log] == ["uwazi", "uwazi"]
    assert archive.json("audit", "verify")["ok"] is True


def test_reports_purpose_uses_its_own_consent(archive: Hq, tmp_path: Path) -> None:
    doc = archive.json("export", "uwazi", "--out", str(tmp_path / "r"), "--purpose", "reports")
    assert [m["mention"] for m in doc["included"]] == [f"{TID_C}/v1"]
    _, victims = _read(tmp_path / "r" / "victims.zip")
    assert len(victims) == 1 and victims[0]["anonymity__en"] == "Anonymised"
    assert "REFUSED-ROW-CANARY" not in json.dumps(victims) and victims[0]["title__en"].startswith("Unnamed victim [P-")


GROUP = {"id": "v1", "group": True, "group_size": 12, "origin_place": "KP.north_hamgyong.onsong",
         "acts": [{"type": "forced_repatriation", "date": "2019-04", "place_code": "CN.tumen"}]}


def _thesaurus(data: bytes, column: str) -> dict[str, set[str]]:
    """Read a thesaurus CSV as Uwazi's importThesauri does: a "-" row is a value of the row group above it."""
    groups: dict[str, set[str]] = {}
    last = None
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        nested = [v.startswith("-") for v in row.values()]
        assert all(nested) or not any(nested), row  # Uwazi refuses a row half nested
        value = row[column]
        if nested[0]:
            assert last is not None, "a nested value needs a value above it"
            groups[last].add(value[1:])
        else:
            groups.setdefault(value, set())
            last = value
    return groups


def test_group_size_and_places_as_parent_child(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(TID_A, {"publication": {"value": "granted", "anonymity": "full_name"}}, victim=GROUP))
    out = tmp_path / "g"
    hq.json("export", "uwazi", "--out", str(out), "--purpose", "publication")
    _, victims = _read(out / "victims.zip")
    (row,) = victims
    assert row["group_size"] == "12"
    assert (row["home_place__en"], row["home_place__ko"]) == ("North Hamgyong::Onsong", "함경북도::온성")
    _, cases = _read(out / "cases.zip")
    assert cases[0]["place_code__en"] == "China::Tumen"
    with zipfile.ZipFile(out / "thesauri.zip") as zf:
        places = zf.read("thesaurus-places.csv")
        others = {n: zf.read(n) for n in zf.namelist()}
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "default language" in readme and "duplicate" in readme and "North Hamgyong::Onsong" in readme
    lines = places.decode("utf-8").splitlines()
    assert lines.index("-Onsong,-온성") > lines.index("North Hamgyong,함경북도")
    # Every select value of every entity CSV resolves in its thesaurus, as Uwazi's select parser would look it up.
    for template in ("victims", "perpetrators", "cases"):
        for entity in _read(out / f"{template}.zip")[1]:
            for prop, (kind, vocab) in TEMPLATES[template].items():
                if kind not in ("select", "multiselect") or vocab is None:
                    continue
                for lang, column in (("en", "English"), ("ko", "Korean")):
                    groups = _thesaurus(others[f"thesaurus-{vocab}.csv"], column)
                    for value in filter(None, entity[f"{prop}__{lang}"].split("|")):
                        parent, _, child = value.partition("::")
                        assert parent in groups and (not child or child in groups[parent]), (vocab, value)
