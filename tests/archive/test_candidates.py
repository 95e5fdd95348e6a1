"""A field laptop's testimony about a person in the imported archive: proposed as a candidate pair, and linked; the
linked person's exports still refuse the reference content (reference_only) and release the testimony."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.bundles.test_bundles_cli import cli, cli_ok, export_cli, import_cli, setup
from tests.conftest import Runner
from tests.exports.conftest import Hq

ARCHIVE = ("제목,성명,영문 이름,성별,생년월일,납북일,납북장소\r\n"
           "리영길,리영길,Ri Yong-gil,남,1950,1998,혜산\r\n"
           "김순옥,김순옥,Kim Sun-ok,여,1941,1970-05-01,평양\r\n")
FATHER = {"id": "v1", "names": [{"hangul": "이영길"}], "sex": "M", "birth": "1950~",
          "acts": [{"id": "a1", "type": "arrest", "date": "1998", "place": "Hyesan"}]}


def test_field_testimony_meets_the_archive_person_and_links(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), _ = setup(tmp_path)
    csv_path = tmp_path / "footprints.csv"
    csv_path.write_text(ARCHIVE, encoding="utf-8")
    imported = cli_ok(intake, hq, "import", "uwazi", str(csv_path), "--template", "victims", "--source",
                      "FOOTPRINTS", "--lang", "ko")
    assert imported["created"] == 2 and imported["unmapped_columns"] == []

    doc: dict[str, Any] = {"interview": {"date": "2024-05-02", "language": "ko", "interviewer": "면담자"},
                           "interviewee": {"pseudonym": "딸", "relation": "daughter"}, "victims": [FATHER],
                           "consent": {"wgeid": "granted"}}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    tid = cli_ok(intake, laptop, "testimony", "add", str(path))["id"]
    code, results = import_cli(intake, hq, export_cli(intake, laptop, tmp_path / "usb"))
    assert code == 0 and results[0]["status"] == "imported"

    found = cli_ok(intake, hq, "persons", "candidates")["candidates"]
    assert len(found) == 1, found
    top = found[0]
    sides = {top["a"]["mention"]: top["a"], top["b"]["mention"]: top["b"]}
    field = sides.pop(f"{tid}/v1")
    (ref_mention, ref), = sides.items()
    assert ref_mention.endswith("/ref") and ref["reference"] == "FOOTPRINTS" and field["reference"] is None
    assert top["score"] >= 0.8 and any("Hyesan" in r for r in top["reasons"])

    linked = cli_ok(intake, hq, "persons", "link", f"{tid}/v1", ref_mention, "--reason", "FOOTPRINTS record")
    assert linked["mentions"] == 2
    listed = {p["person"]: p for p in cli_ok(intake, hq, "persons", "list")["persons"]}
    assert listed[linked["person"]]["reference"] == ["FOOTPRINTS"] and listed[linked["person"]]["mentions"] == 2
    shown = cli_ok(intake, hq, "persons", "show", linked["person"])
    assert {m["mention"] for m in shown["mentions"]} == {f"{tid}/v1", ref_mention}
    assert cli_ok(intake, hq, "persons", "candidates")["candidates"] == []

    # The person's WGEID case: the testimony may leave, the reference record may not (the same consent decision).
    dry = cli(intake, hq, "export", "wgeid", linked["person"], "--out", str(tmp_path / "w"), "--dry-run",
              "--allow-incomplete")
    out = json.loads(dry.stdout)
    assert [m["mention"] for m in out["included"]] == [f"{tid}/v1"]
    assert [(e["mention"], e["reason"]) for e in out["excluded"]] == [(ref_mention, "reference_only")]


def test_cases_lend_their_acts_to_the_person_they_name(hq: Hq, tmp_path: Path) -> None:
    """An archive's victims carry no place; its cases name the victim by title (a relationship column): the
    person's features take the case's act, so a field testimony's arrest in Hyesan counts for the pair."""
    victims, cases = tmp_path / "victims.csv", tmp_path / "cases.csv"
    victims.write_text("title,name__ko,sex__en,birth\r\n리영길 [P-1],리영길,Male,1950\r\n", encoding="utf-8")
    cases.write_text("title,act_type__en,date,place,victim\r\n\"Arrest, 리영길 [C-1]\",Arrest,1998,Hyesan,리영길 [P-1]\r\n",
                     encoding="utf-8")
    args = ("--source", "KFPD")
    assert hq.json("import", "uwazi", str(cases), "--template", "cases", *args)["created"] == 1
    assert hq.json("import", "uwazi", str(victims), "--template", "victims", *args)["created"] == 1
    hq.add({"id": "0190f6b8-7a1c-7d2e-9f00-0000000000aa",
            "interview": {"date": "2024-05-02", "language": "ko", "interviewer": "I-1"},
            "interviewee": {"pseudonym": "딸", "relation": "daughter"}, "victims": [FATHER]})
    found = hq.json("persons", "candidates", "--min-score", "0")["candidates"]
    assert len(found) == 1 and any("Hyesan" in r for r in found[0]["reasons"]), found
    # A later export of the cases moves the arrest elsewhere: the person is re-filed, the Hyesan reason is gone.
    cases.write_text("title,act_type__en,date,place,victim\r\n\"Arrest, 리영길 [C-1]\",Arrest,1998,Musan,리영길 [P-1]\r\n",
                     encoding="utf-8")
    assert hq.json("import", "uwazi", str(cases), "--template", "cases", *args)["updated"] == 1
    again = hq.json("persons", "candidates", "--min-score", "0")["candidates"]
    assert len(again) == 1 and not any("Hyesan" in r for r in again[0]["reasons"])
    assert again[0]["score"] < found[0]["score"]
