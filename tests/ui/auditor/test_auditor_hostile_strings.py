"""Strings an auditor sees come from the bundle a (possibly hostile) device signed: device, time, messages are cleaned
of control and bidi characters before they reach the report text or the tree widget (issue 11, finding 7)."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from ui.auditor.auditor_mode import AuditorMode
from ui.auditor.auditor_report import AuditReport, BundleResult, report_text

HOSTILE = ["\u202e", "\u009b", "\u2066", "\x1b", "\u200f"]


def _report() -> AuditReport:
    result = BundleResult(file="good\u202egat.bundle.tar", valid=False, steps={}, reason="bad \x1b[31m\u202ereason",
                          device="laptop\u202e3", seq=2, created_at="2026-01-01T00:00:00Z\u009b2J", log_size=5,
                          sequence="gap", note="missing \u2066 1")
    return AuditReport(generated_at="2026-12-01T00:00:00Z", state_folder_used=False, trusted_keys=[], results=[result])


def _texts(item: QTreeWidgetItem) -> list[str]:
    out = [item.text(c) for c in range(item.columnCount())]
    for i in range(item.childCount()):
        out += _texts(item.child(i))
    return out


def test_report_text_carries_no_control_or_bidi_character() -> None:
    text = report_text(_report())
    assert "laptop" in text and "2026-01-01" in text  # the values are shown, cleaned
    assert not [ch for ch in HOSTILE if ch in text]


def test_auditor_tree_carries_no_control_or_bidi_character(qtbot: QtBot) -> None:
    page = AuditorMode()
    qtbot.addWidget(page)
    page.report = _report()
    page._show_report()
    shown = [t for i in range(page.results.topLevelItemCount()) for t in _texts(page.results.topLevelItem(i))]
    joined = "\n".join(shown)
    assert "laptop" in joined and "2026-01-01" in joined
    assert not [ch for ch in HOSTILE if ch in joined]
