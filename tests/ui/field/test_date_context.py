"""The act date field understands ages and dates relative to the interview, and keeps the lunar flag (issue 18)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.field.editor.interview_form import InterviewForm
from ui.field.editor.victim_form import VictimForm


def test_act_date_uses_birth_and_interview_date(qtbot: QtBot) -> None:
    interview = InterviewForm()
    victim = VictimForm()
    qtbot.addWidget(interview)
    qtbot.addWidget(victim)
    victim.interview_date_source = interview.date.edtf
    interview.date.edit.setText("2024-05-02")
    act = victim.add_act({"type": "arrest"})
    act.date.edit.setText("스무 살 때")
    assert act.date.edtf() is None  # no birth date yet
    victim.birth.edit.setText("1950")
    assert act.date.edtf() == "1969/1971"
    assert "1969" in act.date.understood.text()  # the explanation was refreshed when the birth date changed
    act.date.edit.setText("작년 겨울")
    assert act.date.edtf() == "2023-24"
    act.date.edit.setText("음력 1998년 3월 5일")
    dumped = act.dump()
    assert (dumped["date"], dumped["date_text"], dumped["date_lunar"]) == ("1998-04-01", "음력 1998년 3월 5일", True)
    act.date.edit.setText("1998년 3월 5일")
    assert "date_lunar" not in act.dump()

