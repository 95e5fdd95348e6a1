"""The victim form captures the WGEID communication form's fields (issue 28, item 4): nationality, identity document,
occupation; they load, change, clear, and what the form writes is a valid interchange file."""

from __future__ import annotations

import json

from pytestqt.qtbot import QtBot

from intake_app.records.interchange import parse_testimony
from ui.field.editor.victim_form import VictimForm


def test_the_form_fields_round_trip(qtbot: QtBot) -> None:
    form = VictimForm()
    qtbot.addWidget(form)
    form.load({"id": "v1", "names": [{"hangul": "류은별"}], "nationality": "KP",
               "identity_document": "공민증 123456", "occupation": "광부"})
    fields = form.form_fields
    assert (fields.nationality.code(), fields.identity_document.text(), fields.occupation.text()) == (
        "KP", "공민증 123456", "광부")
    assert {k: form.dump()[k] for k in ("nationality", "identity_document", "occupation")} == {
        "nationality": "KP", "identity_document": "공민증 123456", "occupation": "광부"}
    fields.nationality.set_code("KR")
    fields.occupation.clear()
    dumped = form.dump()
    assert dumped["nationality"] == "KR" and "occupation" not in dumped
    doc = {"interview": {"date": "2024", "language": "ko", "interviewer": "면담자"},
           "interviewee": {"pseudonym": "증언자"}, "victims": [dumped]}
    victim = parse_testimony(json.dumps(doc, ensure_ascii=False).encode()).victims[0]
    assert (victim.nationality, victim.identity_document, victim.occupation) == ("KR", "공민증 123456", None)
    assert "nationality" in form.fields and "occupation" in form.fields  # a refused value names its field
