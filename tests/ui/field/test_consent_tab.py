"""The Consent tab records, per purpose, how the person may be named and the conditions they set (issue 29, item 3),
and the export core then applies them: a WGEID release of a witness who agreed to be named carries the full name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from intake_app.exports import consent
from intake_app.records import interchange
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.exports.conftest import TID_A, make_testimony
from ui.field.editor.consent_checklist import ConsentChecklist
from ui.i18n import set_language

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"


@pytest.fixture
def checklist(qtbot: QtBot) -> Iterator[ConsentChecklist]:
    widget = ConsentChecklist()
    qtbot.addWidget(widget)
    widget.show()
    yield widget


def test_naming_and_conditions_are_entered_per_purpose(checklist: ConsentChecklist) -> None:
    wgeid, reports, publication = (checklist.rows[c] for c in ("wgeid", "reports", "publication"))
    wgeid.value.set_code("granted")
    wgeid.anonymity.set_code("full_name")
    reports.value.set_code("conditional")
    reports.anonymity.set_code("initials")
    reports.conditions.setText("  인용 금지; 가족이 안전해진 뒤에만  ")
    publication.value.set_code("refused")
    assert not publication.anonymity.isEnabled() and not publication.conditions.isEnabled()
    assert wgeid.anonymity.isEnabled() and reports.conditions.isEnabled()
    dumped = checklist.dump()
    assert dumped["wgeid"] == {"value": "granted", "anonymity": "full_name"}
    assert dumped["reports"] == {"value": "conditional", "anonymity": "initials",
                                 "conditions": "인용 금지; 가족이 안전해진 뒤에만"}
    assert dumped["publication"] == "refused"
    # a naming level left on a use later refused is not written (nothing is released under it)
    wgeid.value.set_code("refused")
    assert checklist.dump()["wgeid"] == "refused"


def test_a_decision_round_trips_with_keys_the_form_does_not_edit(checklist: ConsentChecklist) -> None:
    stored = {"reports": {"value": "conditional", "anonymity": "pseudonym", "conditions": "no quotes",
                          "date": "2024-05-02"}, "storage": "granted"}
    checklist.load(stored)
    assert checklist.rows["reports"].conditions.text() == "no quotes"
    assert checklist.rows["reports"].anonymity.code() == "pseudonym"
    assert checklist.dump() == stored


def test_the_core_releases_the_name_the_witness_agreed_to(checklist: ConsentChecklist, tmp_path: Path) -> None:
    for purpose in ("storage", "wgeid"):
        checklist.rows[purpose].value.set_code("granted")
    checklist.rows["wgeid"].anonymity.set_code("full_name")
    doc = make_testimony(TID_A, checklist.dump())
    assert not [p for p in interchange.validation_problems(doc) if p.path.startswith("consent")]
    vault, _ = Vault.create(tmp_path / "v", PASSPHRASE, "hq")
    with vault:
        RecordStore(vault).add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        release = consent.decide(vault, "wgeid", [f"{TID_A}/v1"])
    assert [m.anonymity for m in release.included] == ["full_name"]


def test_the_help_and_headers_are_translated(checklist: ConsentChecklist) -> None:
    for lang in ("ko", "ja"):
        set_language(lang)
        checklist.retranslate()
        assert checklist.help.text() and not checklist.help.text().isascii(), lang
        assert all(not h.text().replace("<b>", "").replace("</b>", "").isascii() for h in checklist.headers), lang
        assert not checklist.rows["wgeid"].conditions.placeholderText().isascii()
