"""Names, acts, perpetrators and steps are added and removed one way (ui/field/editor/row_list.py): a removal through
the row's own button takes it out of the form and the layout, and the form reports the change."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.field.editor.victim_form import VictimForm


def test_rows_added_and_removed_through_their_buttons(qtbot: QtBot) -> None:
    form = VictimForm()
    qtbot.addWidget(form)
    names_before, widgets_before = len(form.names), form.name_box.count()
    with qtbot.waitSignal(form.changed):
        second = form.add_name({"hangul": "김철수"})
    assert form.names[-1] is second and len(form.names) == names_before + 1
    assert form.name_box.indexOf(second) >= 0
    with qtbot.waitSignal(form.changed):
        second.remove.click()
    assert second not in form.names and len(form.names) == names_before
    # Deleted later, then gone from the layout.
    qtbot.waitUntil(lambda: form.name_box.count() == widgets_before, timeout=20_000)
    act = form.add_act()
    perpetrator = act.add_perpetrator({"name": "보위부원"})
    assert act.perpetrators == [perpetrator]
    with qtbot.waitSignal(form.changed):  # a change inside an act is a change of the victim
        perpetrator.remove_requested.emit(perpetrator)
    assert act.perpetrators == []
    with qtbot.waitSignal(form.changed):
        act.remove_button.click()
    assert form.acts == []
    kept = form.add_name()
    kept.remove_requested.emit(object())  # not a row of this form: nothing happens
    assert form.names[-1] is kept and len(form.names) == names_before + 1
