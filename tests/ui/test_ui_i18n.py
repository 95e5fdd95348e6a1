"""Every user-visible string in ui/ is translated into Korean with the same placeholders, and switching retranslates."""

from __future__ import annotations

import ast
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.i18n import current_language, placeholders, set_language, tr
from ui.i18n.catalog_ko import KO
from ui.session import Session

UI_DIR = Path(__file__).resolve().parents[2] / "ui"


def _marked_strings() -> tuple[dict[str, str], list[str]]:
    """(message → first place used) for every literal passed to tr()/N_(), and a list of suspicious calls."""
    found: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(UI_DIR.rglob("*.py")):  # ui/field/editor/ is a package
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "N_")):
                continue
            where = f"{path.name}:{node.lineno}"
            if not node.args:
                problems.append(f"{where}: {node.func.id}() without a message")
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, where)
            elif isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.Call) and
                                                    isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"):
                problems.append(f"{where}: formatted string inside {node.func.id}(); use named placeholders")
            elif node.func.id == "N_" or not isinstance(arg, ast.Subscript):
                # tr() may take a lookup into a table of N_()-marked strings; anything else escapes the check.
                problems.append(f"{where}: {node.func.id}() of a non-literal")
    return found, problems


def test_every_ui_string_has_a_korean_translation_with_matching_placeholders() -> None:
    found, problems = _marked_strings()
    assert len(found) > 80, "the scan found too few strings: is it looking in the right place?"
    assert not problems, problems
    missing = [f"{where}: {msg!r}" for msg, where in found.items() if msg not in KO]
    assert not missing, "untranslated:\n" + "\n".join(missing)
    mismatched = [msg for msg in found if placeholders(msg) != placeholders(KO[msg])]
    assert not mismatched, mismatched
    mnemonics = [msg for msg in found if msg.count("&") != KO[msg].count("&")]
    assert not mnemonics, f"keyboard mnemonic lost in translation: {mnemonics}"
    stale = sorted(set(KO) - set(found))
    assert not stale, f"catalogue entries no longer used: {stale}"


def test_korean_entries_are_not_english_copies() -> None:
    untranslated = [msg for msg, ko in KO.items() if not any("\uac00" <= ch <= "\ud7a3" for ch in ko)]
    assert not untranslated, untranslated


def test_tr_fills_named_placeholders_in_both_languages() -> None:
    assert tr("Vault: {vault_id}", vault_id="abc") == "Vault: abc"
    set_language("ko")
    assert current_language() == "ko"
    assert tr("Vault: {vault_id}", vault_id="abc") == "보관함: abc"
    assert tr("{count} of {total} characters typed.", count=3, total=56) == "56자 중 3자를 입력했습니다."


def test_language_switch_retranslates_visible_labels_at_run_time(qtbot: QtBot, session: Session,
                                                                 existing_vault: str, settings_path: Path) -> None:
    session.gate.show_start()
    heading = session.gate.unlock_screen.heading
    assert heading.isVisible()
    assert heading.text() == "Unlock the vault"
    index = session.gate.language_combo.findData("ko")
    session.gate.language_combo.setCurrentIndex(index)
    session.gate.language_combo.activated.emit(index)
    assert heading.text() == "보관함 잠금 해제"
    assert session.gate.unlock_screen.unlock_button.text() == "잠금 해제(&U)"
    assert session.gate.windowTitle() == "증언 접수"
    # The choice is remembered in the settings file, written private.
    assert '"language": "ko"' in settings_path.read_text(encoding="utf-8")
    assert settings_path.stat().st_mode & 0o777 == 0o600
    session.gate.language_combo.activated.emit(session.gate.language_combo.findData("en"))
    assert heading.text() == "Unlock the vault"
