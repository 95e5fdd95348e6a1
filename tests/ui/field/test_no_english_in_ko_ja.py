"""Issue 29 minors: the main error paths of the interviewer's app read in Korean and Japanese (no ASCII-only sentence
from the core), a kana or kanji passphrase is not described as Latin letters, the date and perpetrator boxes say what
they are, and the Japanese editor explains a date without an English month."""

from __future__ import annotations

import pytest

from intake_app.errors import RefusedError, UsageError
from ui.common.refusal_reasons import translate_reason
from ui.field.editor.act_form import PerpetratorRow
from ui.field.editor.date_field import UncertainDateField
from ui.field.editor.steps_form import StepRow
from ui.i18n import set_language, tr
from ui.start.passphrase_strength import assess
from ui.start.unlock_screen import describe_unlock_error

CORE_MESSAGES = [
    "wrong passphrase",
    "this update is for device 0A1B2C3D4E5F6071, not for this laptop (8899AABBCCDDEEFF)",
    "no testimony with id 0190f6b8-7a1c-7d2e-9f00-000000000001",
    "the failed-unlock record of this vault was altered or removed: as its failed-unlock limit requires, the vault "
    "erased itself",
]


def _has_words(text: str) -> bool:
    """True when the text is more than ids, numbers and punctuation in ASCII: a sentence a user reads."""
    return not text.isascii()


@pytest.mark.parametrize("lang", ["ko", "ja"])
@pytest.mark.parametrize("message", CORE_MESSAGES)
def test_core_messages_reach_the_user_in_their_language(lang: str, message: str) -> None:
    set_language(lang)
    shown = translate_reason(message)
    assert _has_words(shown), shown
    assert message.split(" ", maxsplit=1)[0] not in shown.split(" ")  # not the English text with a prefix


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_unlock_errors_in_korean_and_japanese(lang: str) -> None:
    set_language(lang)
    for exc in (RefusedError("wrong passphrase"), UsageError("no vault at /tmp/x (create one with `intake vault init`)")):
        assert _has_words(describe_unlock_error(exc))
    assert "wrong passphrase" not in describe_unlock_error(RefusedError("wrong passphrase"))


def test_kana_and_kanji_are_not_latin_letters() -> None:
    assert assess("わたしのいえのいぬはゆきがすき").classes == frozenset({"kana"})
    assert assess("東京特許許可局長今日急遽休暇許可拒否").classes == frozenset({"kanji"})
    assert "lower" not in assess("私の家の犬は雪の日が好きです").classes


def test_date_and_perpetrator_boxes_are_named(qtbot: object) -> None:
    set_language("ko")
    row = PerpetratorRow()
    for edit in (row.organ.edit, row.rank.edit):
        assert edit.placeholderText() and not edit.placeholderText().isascii()
    step = StepRow()
    texts = [w.placeholderText() + w.toolTip() + w.accessibleName() for w in step.findChildren(type(row.organ.edit))]
    assert not any("EDTF" in t for t in texts), texts
    assert "EDTF" not in tr("Date, as said (e.g. 2012년 3월, March 2012)")


def test_the_japanese_editor_explains_a_date_without_english(qtbot: object) -> None:
    set_language("ja")
    field = UncertainDateField()
    field.edit.setText("昭和53年7月")
    text = field.understood.text()
    assert "1978-07" in text and "July" not in text and not any(c.isascii() and c.isalpha() for c in text), text


def test_no_language_set_means_the_system_language_then_korean() -> None:
    from PySide6.QtCore import QLocale

    from ui.i18n import system_language

    assert system_language(QLocale("ja_JP")) == "ja"
    assert system_language(QLocale("ko_KR")) == "ko"
    assert system_language(QLocale("en_GB")) == "en"
    assert system_language(QLocale("zh_CN")) == "ko"  # not a language of the app: Korean, not English
    assert system_language(QLocale("ru_RU")) == "ko"


def test_the_language_boxes_show_the_language_on_screen(qtbot: object) -> None:
    from pathlib import Path

    from ui.common.settings_dialog import SettingsDialog
    from ui.common.settings_store import UiSettings
    from ui.gate_window import GateWindow

    set_language("ja")
    dialog = SettingsDialog(UiSettings(language="system", auto_lock_minutes=10))
    assert dialog.language_combo.currentData() == "ja"
    gate = GateWindow(Path("/nonexistent/vault"), "system")
    assert gate.language_combo.currentData() == "ja"
    dialog.deleteLater()
    gate.deleteLater()
