"""WGEID case export through the CLI: consent cases, elements in the PDF (pdftotext), refusals, audit log."""

from __future__ import annotations

import json
from pathlib import Path

from tests.exports.conftest import FULL_HANGUL, FULL_ROMAN, TID_A, TID_B, Hq, make_testimony, pdf_text

GRANT = {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}


def test_two_mentions_one_granting_uses_only_that_one(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(TID_A, {"wgeid": GRANT}))
    other = make_testimony(TID_B, {"wgeid": "refused"})
    other["victims"][0]["steps_taken"] = [{"action": "REFUSED-MENTION-CANARY letter"}]
    hq.add(other)
    hq.json("export", "org", "--name", "Transitional Justice Working Group", "--contact", "cases@example.org")
    out = tmp_path / "out"
    # Without the registry the person is one mention; ask with the granting mention and the refusing one linked
    # through --dry-run first to see the decision.
    doc = hq.json("export", "wgeid", f"{TID_A}/v1", "--out", str(out))
    assert [m["mention"] for m in doc["included"]] == [f"{TID_A}/v1"]
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2 and names[0].endswith(".json") and names[1].endswith(".pdf")
    case = json.loads((out / names[0]).read_text(encoding="utf-8"))
    assert case["identity"]["names"][0]["hangul"] == FULL_HANGUL
    text = pdf_text(out / names[1])
    for needle in (FULL_ROMAN, FULL_HANGUL, "Date of the disappearance", "2011-09", "Hyesan", "온성군 보위부",
                   "대한적십자사", "Transitional Justice Working Group", "kept confidential", "Standard procedure"):
        assert needle in text, needle
    for canary in ("REFUSED-MENTION-CANARY", "NARRATIVE-CANARY", "NOTES-CANARY", "W-117", "I-03"):
        assert canary not in text and canary not in json.dumps(case, ensure_ascii=False)
    assert doc["missing"] == []


def test_refused_wgeid_consent_exits_1_and_writes_nothing(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(TID_A, {"wgeid": "refused"}))
    out = tmp_path / "out"
    result = hq.run("export", "wgeid", f"{TID_A}/v1", "--out", str(out))
    assert result.returncode == 1, str(result)
    assert "consent refused" in result.stderr
    assert not out.exists()
    out.mkdir()
    assert hq.run("export", "wgeid", f"{TID_A}/v1", "--out", str(out)).returncode == 1
    assert list(out.iterdir()) == []
    assert hq.json("export", "log")["exports"] == []


def test_withdrawn_after_granted_is_refused(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(TID_A, {"wgeid": GRANT}))
    hq.add(make_testimony(TID_A, {"wgeid": {"value": "withdrawn", "date": "2024-08-01"}}))
    result = hq.run("export", "wgeid", f"{TID_A}/v1", "--out", str(tmp_path / "o"))
    assert result.returncode == 1 and "withdrawn" in result.stderr
    # A later version re-stating the old grant (a laptop that never saw the withdrawal) does not undo it.
    hq.add(make_testimony(TID_A, {"wgeid": GRANT}))
    result = hq.run("export", "wgeid", f"{TID_A}/v1", "--out", str(tmp_path / "o"))
    assert result.returncode == 1 and "withdrawn" in result.stderr
    assert not (tmp_path / "o").exists()
    # A new grant dated after the withdrawal counts.
    hq.add(make_testimony(TID_A, {"wgeid": {**GRANT, "date": "2024-09-15"}}))
    doc = hq.json("export", "wgeid", f"{TID_A}/v1", "--out", str(tmp_path / "o"), "--allow-incomplete")
    assert len(doc["missing"]) == 1 and "(element f)" in doc["missing"][0]


def test_conditional_needs_accept_conditions(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(TID_A, {"wgeid": {"value": "conditional", "anonymity": "full_name",
                                      "conditions": "only after the family is told"}}))
    hq.json("export", "org", "--name", "TJWG")
    out = tmp_path / "o"
    result = hq.run("export", "wgeid", f"{TID_A}/v1", "--out", str(out))
    assert result.returncode == 1 and "--accept-conditions" in result.stderr
    assert not out.exists()
    dry = hq.run("export", "wgeid", f"{TID_A}/v1", "--out", str(out), "--dry-run")
    assert "only after the family is told" in dry.stdout and not out.exists()
    doc = hq.json("export", "wgeid", f"{TID_A}/v1", "--out", str(out), "--accept-conditions")
    assert doc["conditions"][0]["acknowledged"] is True
    assert hq.json("export", "log")["exports"][0]["conditions_acknowledged"] is True


def test_initials_leave_no_full_name_anywhere(hq: Hq, tmp_path: Path) -> None:
    hq.add(make_testimony(TID_A, {"wgeid": {"value": "granted", "anonymity": "initials"}}))
    out = tmp_path / "o"
    result = hq.run("export", "wgeid", f"{TID_A}/v1", "--out", str(out))
    assert result.returncode == 1 and "full name" in result.stderr  # element (a) is then missing
    assert not out.exists()
    doc = hq.json("export", "wgeid", f"{TID_A}/v1", "--out", str(out), "--allow-incomplete")
    assert doc["anonymity"] == "initials"
    pdf = next(out.glob("*.pdf"))
    everything = pdf_text(pdf) + next(out.glob("*.json")).read_text(encoding="utf-8")
    for form in (FULL_HANGUL, FULL_ROMAN, "柳銀星", "Un-byol", "은별", "Ryu"):
        assert form not in everything, form
    assert "ㄹㅇㅂ" in everything and "R. U. B." in everything


def test_missing_elements_named_and_urgency(hq: Hq, tmp_path: Path) -> None:
    import datetime as dt
    recent = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=20)).isoformat()[:7]
    victim = {"id": "v1", "names": [{"hangul": FULL_HANGUL}], "acts": [{"type": "arrest", "date": recent}]}
    hq.add(make_testimony(TID_A, {"wgeid": GRANT}, victim=victim))
    result = hq.run("export", "wgeid", f"{TID_A}/v1", "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    for element in ("(element c)", "(element d)", "(element e)", "(element f)"):
        assert element in result.stderr
    assert "(element a)" not in result.stderr and "(element b)" not in result.stderr
    doc = hq.json("export", "wgeid", f"{TID_A}/v1", "--out", str(tmp_path / "o"), "--allow-incomplete",
                  "--lang", "fr")
    assert doc["facts"]["procedure"] == "urgent"
    text = pdf_text(next((tmp_path / "o").glob("*.pdf")))
    assert "Procédure d'action urgente" in text and "Éléments manquants" in text and FULL_HANGUL in text


def test_person_with_two_mentions_one_granting_one_refusing(hq: Hq, tmp_path: Path) -> None:
    """The core decision for one person of two mentions (as the registry hands them to the export)."""
    from intake_app.exports import pipeline
    from intake_app.exports.base import ExportRequest
    from intake_app.exports.settings import Organisation
    from intake_app.vault.vault import Vault
    from tests.exports.conftest import PASSPHRASE

    hq.add(make_testimony(TID_A, {"wgeid": GRANT}))
    refusing = make_testimony(TID_B, {"wgeid": "refused"})
    refusing["victims"][0]["steps_taken"] = [{"action": "REFUSED-MENTION-CANARY letter"}]
    refusing["victims"][0]["acts"][0]["place"] = "REFUSED-PLACE-CANARY"
    hq.add(refusing)
    out = tmp_path / "o"
    with Vault.open(hq.path, PASSPHRASE) as vault:
        person = {f"{TID_A}/v1": "person-1", f"{TID_B}/v1": "person-1"}
        result = pipeline.run_export(vault, ExportRequest(
            format="wgeid", purpose="wgeid", mentions=tuple(person), out_dir=out, subject="person-1",
            person_of=person, options={"organisation": Organisation(name="TJWG")}))
    assert [m.mention for m in result.release.included] == [f"{TID_A}/v1"]
    assert [(e.mention, e.reason) for e in result.release.excluded] == [(f"{TID_B}/v1", "refused")]
    everything = pdf_text(next(out.glob("*.pdf"))) + next(out.glob("*.json")).read_text(encoding="utf-8")
    assert "REFUSED-MENTION-CANARY" not in everything and "REFUSED-PLACE-CANARY" not in everything
    assert "Hyesan" in everything and "대한적십자사" in everything


def test_person_of_the_registry_through_the_cli(hq: Hq, tmp_path: Path) -> None:
    """With the person registry (issue 14): link the two mentions and export the person by its id."""
    hq.add(make_testimony(TID_A, {"wgeid": GRANT}))
    hq.add(make_testimony(TID_B, {"wgeid": "refused"}))
    hq.json("export", "org", "--name", "TJWG")
    person = hq.json("persons", "link", f"{TID_A}/v1", f"{TID_B}/v1", "--reason", "same person")["person"]
    doc = hq.json("export", "wgeid", person, "--out", str(tmp_path / "o"))
    assert [m["mention"] for m in doc["included"]] == [f"{TID_A}/v1"]
    assert [e["mention"] for e in doc["excluded"]] == [f"{TID_B}/v1"]
