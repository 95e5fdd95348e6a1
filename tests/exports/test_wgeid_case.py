"""A WGEID case built in process from a real vault: the date of disappearance, the urgency rule, the family's consent
and the communication form's fields (issue 28, items 1-4)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from intake_app.exports import consent
from intake_app.exports.base import ExportRequest
from intake_app.exports.settings import Organisation
from intake_app.exports.wgeid import EXPORTER
from intake_app.records.interchange import InterchangeError, parse_testimony
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.exports.conftest import FULL_HANGUL, TID_A, TID_B, VICTIM, make_testimony

GRANT = {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}
TODAY = dt.date(2026, 12, 6)
ORG = Organisation(name="Transitional Justice Working Group", contact="cases@example.org", confidential=True)


def _victim(acts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    victim = copy.deepcopy(VICTIM)
    victim["acts"] = acts
    victim.update(extra)
    return victim


def _case(tmp_path: Path, victims: list[dict[str, Any]], *, grant: dict[str, Any] | None = None,
          relation: str = "sister", lang: str = "en", today: dt.date = TODAY) -> tuple[dict[str, Any], bytes]:
    vault, _ = Vault.create(tmp_path / "hq", "pass phrase for the case tests", "hq")
    try:
        mentions = []
        for tid, victim in zip((TID_A, TID_B), victims, strict=False):
            doc = make_testimony(tid, {"wgeid": grant or GRANT}, victim=victim)
            doc["interviewee"]["relation"] = relation
            RecordStore(vault).add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
            mentions.append(f"{tid}/v1")
        person = {m: "person-1" for m in mentions}
        release = consent.decide(vault, "wgeid", mentions, person_of=person)
    finally:
        vault.lock()
    request = ExportRequest("wgeid", "wgeid", tuple(mentions), tmp_path / "out", subject="person-1",
                            person_of=person, options={"lang": lang, "organisation": ORG, "today": today})
    files = dict(EXPORTER.render(release, request).files)
    case = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
    return case, next(v for k, v in files.items() if k.endswith(".pdf"))


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def _arrest(date: str, kind: str = "arrest", place: str = "Hyesan") -> dict[str, Any]:
    return {"type": kind, "date": date, "place": place, "perpetrators": [{"organ": "MSS_CITY_COUNTY"}]}


# --- item 1: the date of disappearance ----------------------------------------------------------------------------

def test_the_most_precise_form_of_the_arrest_wins_over_a_vaguer_one(tmp_path: Path) -> None:
    case, _ = _case(tmp_path, [_victim([_arrest("1953")]), _victim([_arrest("1953-07")])])
    assert case["disappearance"]["date"]["as_understood"] == "1953-07"
    assert "b" not in case["missing"]


def test_an_arrest_dates_the_disappearance_before_a_detention_with_an_earlier_lower_bound(tmp_path: Path) -> None:
    case, _ = _case(tmp_path, [_victim([_arrest("1975", "detention"), _arrest("1975-03")])])
    assert case["disappearance"]["act"] == "arrest"
    assert case["disappearance"]["date"]["as_understood"] == "1975-03"
    assert "b" not in case["missing"]


def test_last_seen_comes_after_detention_and_before_any_other_act(tmp_path: Path) -> None:
    case, _ = _case(tmp_path, [_victim([_arrest("1990", "transfer"), _arrest("2001-05", "last_seen")])])
    assert case["disappearance"]["act"] == "last_seen"
    case, _ = _case(tmp_path / "2", [_victim([_arrest("2001-05", "last_seen"), _arrest("2001", "detention")])])
    assert case["disappearance"]["act"] == "detention"


def test_the_uncertainty_is_stated_as_said(tmp_path: Path) -> None:
    victim = _victim([{**_arrest("2011-09~"), "date_text": "2011년 9월쯤"}])
    case, pdf = _case(tmp_path, [victim])
    date = case["disappearance"]["date"]
    assert date["as_said"] == "2011년 9월쯤" and date["qualifiers"] == ["approximate"]
    text = _pdf_text(pdf)
    assert "2011년 9월쯤" in text and "approximate" in text


# --- item 2: urgency -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("date", "procedure"), [
    ("2026", "standard"),          # the year began before the window: not known to be within it
    ("2026-11", "urgent"),         # the whole month lies in the window
    ("2026-09-06", "urgent"),      # the first day of the window
    ("2026-09-05", "standard"),    # the day before
    ("2027", "standard"),          # a date after the submission day is not urgent
    ("2026-10/..", "urgent"),      # open upper bound: the lower bound decides
    ("../2026-11", "standard"),    # open lower bound: never urgent
    ("2025-12/2026-11", "standard"),
])
def test_urgent_only_when_the_lower_bound_is_within_three_months(tmp_path: Path, date: str, procedure: str) -> None:
    case, _ = _case(tmp_path, [_victim([_arrest(date)])])
    assert case["procedure"] == procedure, case["urgency"]
    assert case["urgency"]["urgent_if_after"] == "2026-09-06"


# --- item 3: the family's consent ----------------------------------------------------------------------------------

def test_the_case_states_whose_consent_and_when_never_a_name(tmp_path: Path) -> None:
    case, pdf = _case(tmp_path, [_victim([_arrest("2011-09")])], relation="mother")
    assert case["family_consent"] == [{"source": 1, "given_by": "mother", "decision": "granted",
                                       "date": "2024-05-02"}]
    text = _pdf_text(pdf)
    assert "consent given by the person's mother (granted, decided on 2024-05-02)" in " ".join(text.split())
    for never in ("W-117", "I-03"):
        assert never not in text and never not in json.dumps(case)
    _, fr_pdf = _case(tmp_path / "fr", [_victim([_arrest("2011-09")])], relation="mother", lang="fr")
    fr_text = " ".join(_pdf_text(fr_pdf).split())
    assert "la mère de la personne (accordé, décision du 2024-05-02)" in fr_text
    assert "full_name" not in fr_text and "granted" not in fr_text


# --- item 4: the form's fields -------------------------------------------------------------------------------------

def test_the_form_fields_are_filled(tmp_path: Path) -> None:
    victim = _victim([_arrest("2011-09")], birth="1975-03-02", nationality="KP",
                     identity_document="공민증 123456", occupation="광부")
    case, pdf = _case(tmp_path, [victim])
    ident = case["identity"]
    assert ident["names_split"] == [{"family_hangul": "류", "given_hangul": "은별", "family_hanja": "柳",
                                     "given_hanja": "銀星", "family_roman": "Ryu", "given_roman": "Un-byol"}]
    assert ident["nationality"] == ["KP"]
    assert ident["identity_document"] == ["공민증 123456"] and ident["occupation"] == ["광부"]
    assert ident["age_at_disappearance"] == {"min": 36, "max": 36}
    assert case["submitted_by"]["date"] == "2026-12-06"
    assert case["submitted_by"]["relation"] == "organisation_with_family_consent"
    text = " ".join(_pdf_text(pdf).split())
    for needle in ("Family name Ryu / 류 / 柳", "Given names Un-byol / 은별 / 銀星",
                   "Nationality Democratic People's Republic of Korea", "Identity document 공민증 123456",
                   "Occupation 광부", "Age at the time of the disappearance 36 years", "Date of submission 2026-12-06",
                   "acting with the consent of the family"):
        assert needle in text, needle
    assert "intake export" not in text


def test_age_is_a_range_when_the_dates_are_vague(tmp_path: Path) -> None:
    case, _ = _case(tmp_path, [_victim([_arrest("2011")], birth="1975")])
    assert case["identity"]["age_at_disappearance"] == {"min": 35, "max": 36}


def test_document_and_occupation_stay_home_below_full_name(tmp_path: Path) -> None:
    victim = _victim([_arrest("2011-09")], nationality="KP", identity_document="공민증 123456", occupation="광부")
    case, pdf = _case(tmp_path, [victim], grant={**GRANT, "anonymity": "initials"})
    ident = case["identity"]
    assert ident["identity_document"] == [] and ident["occupation"] == [] and ident["names_split"] == []
    assert ident["nationality"] == ["KP"]
    everything = _pdf_text(pdf) + json.dumps(case, ensure_ascii=False)
    for never in ("123456", "광부", FULL_HANGUL):
        assert never not in everything


def test_old_bundles_stay_valid_and_a_bad_nationality_is_refused() -> None:
    old = make_testimony(TID_A, {"wgeid": GRANT})
    assert parse_testimony(json.dumps(old, ensure_ascii=False).encode()).victims[0].nationality is None
    new = make_testimony(TID_A, {"wgeid": GRANT}, victim=_victim([], nationality="KR", occupation="교사"))
    parsed = parse_testimony(json.dumps(new, ensure_ascii=False).encode()).victims[0]
    assert (parsed.nationality, parsed.occupation) == ("KR", "교사")
    bad = make_testimony(TID_A, {"wgeid": GRANT}, victim=_victim([], nationality="North Korea"))
    with pytest.raises(InterchangeError, match="nationality"):
        parse_testimony(json.dumps(bad, ensure_ascii=False).encode())


# --- item 5: language ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ("Féminin (여)", "Disparue (toujours disparue)", "Arrestation (체포)", "nom complet", "accordé")),
    ("es", ("Femenino (여)", "Desaparecida (sigue desaparecida)", "Detención (체포)", "nombre completo", "otorgado")),
])
def test_french_and_spanish_cases_print_no_code_and_no_english_value(tmp_path: Path, lang: str,
                                                                     words: tuple[str, ...]) -> None:
    victim = _victim([{**_arrest("2011-09"), "perpetrators": [{"organ": "MSS_CITY_COUNTY", "unit": "온성군 보위부"}]},
                      _arrest("2012", "last_seen")], nationality="KP")
    _, pdf = _case(tmp_path, [victim], lang=lang)
    text = " ".join(_pdf_text(pdf).split())
    for needle in words:
        assert needle in text, needle
    for never in ("full_name", "granted", "Female", "Missing (still", "Arrest (", "Last seen", "MSS_CITY_COUNTY",
                  "organisation_with_family_consent", "sister", "intake "):
        assert never not in text, never
