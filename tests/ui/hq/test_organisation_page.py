"""HQ Settings → Organisation (issue 28, item 6): the coordinator sets the submitting organisation in the window; a bad
value is refused with the core's message and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from intake_app.exports import settings
from intake_app.exports.wgeid_text import MISSING
from tools import demo_bundles as demo
from ui.common.settings_store import UiSettings
from ui.session import Session

WAIT_MS = 20_000


@pytest.fixture
def hq_session(qtbot: QtBot, tmp_path: Path, settings_path: Path) -> Iterator[Session]:
    demo.create_vault(tmp_path / "hq", "hq").lock()
    s = Session(tmp_path / "hq", UiSettings(), settings_path)
    qtbot.addWidget(s.gate)
    s.start()
    s.gate.unlocked.emit(demo.reopen(tmp_path / "hq"))
    yield s
    s.shutdown()


def _stored(session: Session) -> settings.Organisation:
    assert session.vault is not None
    return settings.load(session.vault)


def test_the_organisation_is_set_in_the_window(qtbot: QtBot, hq_session: Session) -> None:
    assert hq_session.hq_pages is not None
    page = hq_session.hq_pages.organisation
    hq_session.hq_pages.show("organisation")
    page.name.setText("Transitional Justice Working Group")
    page.contact.setText("cases@example.org")
    page.confidential.setChecked(False)
    with qtbot.waitSignal(page.saved, timeout=WAIT_MS):
        page.save_button.click()
    qtbot.waitUntil(lambda: _stored(hq_session).name == "Transitional Justice Working Group", timeout=WAIT_MS)
    assert _stored(hq_session) == settings.Organisation("Transitional Justice Working Group", "cases@example.org",
                                                        False)
    # Too long: refused by the core, shown, and nothing changes.
    page.name.setText("x" * 1000)
    page.save_button.click()
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=WAIT_MS)
    assert "x" * 1000 not in page.message.text()
    assert _stored(hq_session).name == "Transitional Justice Working Group"


def test_no_output_names_a_command() -> None:
    for text in MISSING.values():
        assert "intake" not in text and "`" not in text and "--" not in text
