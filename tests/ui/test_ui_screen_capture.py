"""Screens showing secrets ask the platform to keep their window out of screen capture, or say that it cannot.

On Linux nothing can prevent capture: the recovery-key page and the recovery screen show the notice. The Windows and
macOS paths are chosen by ``sys.platform`` exactly as on those systems; only the final system call (user32's
``SetWindowDisplayAffinity``, ``-[NSWindow setSharingType:]``) is replaced by a recorder, so the test checks which
window is protected, with which value, and when the protection is lifted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.common import screen_capture
from ui.common.settings_store import UiSettings
from ui.i18n import set_language
from ui.session import Session
from ui.start.first_run_wizard import FINGERPRINT, SHOW_KEY

WAIT_MS = 20_000
PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"


def _to_fingerprint(qtbot: QtBot, session: Session, on_key_page: object = None) -> None:
    wizard = session.gate.wizard
    assert wizard is not None
    wizard.go_next()
    wizard.passphrase_page.fields.first.setText(PASSPHRASE)
    wizard.passphrase_page.fields.second.setText(PASSPHRASE)
    wizard.go_next()
    qtbot.waitUntil(lambda: wizard.current() == SHOW_KEY, timeout=WAIT_MS)
    if callable(on_key_page):
        on_key_page()
    groups = [label.text() for label in wizard.show_key_page.group_labels]
    wizard.show_key_page.written.setChecked(True)
    wizard.go_next()
    for edit, index in zip(wizard.check_key_page.fields, wizard.check_key_page.indices, strict=True):
        edit.setText(groups[index])
    wizard.go_next()
    assert wizard.current() == FINGERPRINT


def _session(qtbot: QtBot, tmp_path: Path) -> Session:
    session = Session(tmp_path / "vault", UiSettings(), tmp_path / "ui-settings.json")
    qtbot.addWidget(session.gate)
    session.start()
    return session


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux behaviour")
def test_on_linux_the_secret_pages_say_that_capture_cannot_be_prevented(qtbot: QtBot, tmp_path: Path) -> None:
    assert not screen_capture.capture_can_be_prevented()
    set_language("ko")
    session = _session(qtbot, tmp_path)
    seen: list[str] = []
    try:
        page = session.gate.wizard.show_key_page  # type: ignore[union-attr]
        _to_fingerprint(qtbot, session, lambda: seen.append(page.capture_notice.text())
                        if page.capture_notice.isVisible() else None)
        assert seen and "캡처" in seen[0]  # shown, and in Korean
        assert not page.shield.protected
        session.lock()
        session.gate.show_recovery()
        notice = session.gate.recovery_screen.capture_notice
        assert notice.isVisible() and notice.text() == seen[0]
    finally:
        session.shutdown()


def test_on_windows_the_key_window_is_excluded_from_capture_while_secrets_show(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []

    def record(hwnd: int, affinity: int) -> bool:
        calls.append((hwnd, affinity))
        return True

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(screen_capture, "_set_window_display_affinity", record)
    session = _session(qtbot, tmp_path)
    try:
        gate = session.gate
        page = gate.wizard.show_key_page  # type: ignore[union-attr]
        assert page.capture_notice.isHidden()  # capture can be prevented here: no notice
        during: list[tuple[int, int]] = []
        _to_fingerprint(qtbot, session, lambda: during.extend(calls[-1:]))
        hwnd = int(gate.winId())
        assert during == [(hwnd, screen_capture.WDA_EXCLUDEFROMCAPTURE)]
        assert page.shield.protected is False  # the page is hidden again
        assert calls[-1] == (hwnd, screen_capture.WDA_NONE)  # the fingerprint page may be photographed
        assert {h for h, _ in calls} == {hwnd}
    finally:
        session.shutdown()


def test_windows_before_2004_falls_back_to_a_black_window(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QWidget

    calls: list[int] = []

    def refuse_exclusion(hwnd: int, affinity: int) -> bool:
        calls.append(affinity)
        return affinity != screen_capture.WDA_EXCLUDEFROMCAPTURE

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(screen_capture, "_set_window_display_affinity", refuse_exclusion)
    window = QWidget()
    qtbot.addWidget(window)
    assert screen_capture.set_capture_protection(window, True)
    assert calls == [screen_capture.WDA_EXCLUDEFROMCAPTURE, screen_capture.WDA_MONITOR]


def test_on_macos_the_ns_window_of_the_key_page_is_not_shared(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []

    def record(ns_view: int, sharing_type: int) -> bool:
        calls.append((ns_view, sharing_type))
        return True

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(screen_capture, "_set_ns_window_sharing_type", record)
    session = _session(qtbot, tmp_path)
    try:
        during: list[tuple[int, int]] = []
        _to_fingerprint(qtbot, session, lambda: during.extend(calls[-1:]))
        view = int(session.gate.winId())
        assert during == [(view, screen_capture.NS_WINDOW_SHARING_NONE)]
        assert calls[-1] == (view, screen_capture.NS_WINDOW_SHARING_READ_ONLY)
    finally:
        session.shutdown()


def test_a_failing_platform_call_does_not_stop_the_page(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QWidget

    def broken(hwnd: int, affinity: int) -> bool:
        raise OSError("user32 not found")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(screen_capture, "_set_window_display_affinity", broken)
    window = QWidget()
    qtbot.addWidget(window)
    assert screen_capture.set_capture_protection(window, True) is False
