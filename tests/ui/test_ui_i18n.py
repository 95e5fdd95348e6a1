"""Every user-visible string in ui/ is translated in every shipped language with the same placeholders and mnemonics,
plural forms follow each language's rule, the pseudo-locale keeps what must be kept, and switching retranslates."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from pytestqt.qtbot import QtBot

from tools import i18n_extract
from ui.i18n import LANGUAGE_CHOICES, current_language, placeholders, set_language, tr, trn
from ui.i18n.catalogs import CATALOGUED, LANGUAGES, po_path
from ui.i18n.pseudo import pseudo_localise
from ui.session import Session

HANGUL = re.compile("[\uac00-\ud7a3]")
KANA = re.compile("[\u3040-\u30ff]")
KANJI = re.compile("[\u4e00-\u9fff]")
# Korean and Japanese put the mnemonic letter in parentheses at the end: "저장(&S)", "保存(&S)".
MNEMONIC = re.compile(r"&([^&\s])")


def _catalogue(lang: str) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(po_path(lang)), encoding="utf-8") if not e.obsolete}


def _forms(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]


def _mnemonic(text: str) -> str | None:
    found = MNEMONIC.findall(text.replace("&&", ""))
    return found[0].lower() if found else None


def _expected(lang: str) -> dict[str, i18n_extract.Message]:
    found, _ = i18n_extract.scan()
    skipped = LANGUAGES[lang].untranslated_areas
    return {msgid: m for msgid, m in found.items() if not skipped or any(
        not f.startswith(tuple(f"ui/{area}/" for area in skipped)) for f in m.files)}


def test_the_scan_finds_the_strings_and_no_call_escapes_it() -> None:
    found, problems = i18n_extract.scan()
    assert len(found) > 400, "the scan found too few strings: is it looking in the right place?"
    assert not problems, problems
    assert any(m.plural for m in found.values()), "no trn() found: plural forms are not being extracted"


def test_the_template_is_up_to_date() -> None:
    assert i18n_extract.update(check=True) == 0, "run python -m tools.i18n_extract"


@pytest.mark.parametrize("lang", CATALOGUED)
def test_every_ui_string_is_translated_with_matching_placeholders_and_mnemonics(lang: str) -> None:
    catalogue = _catalogue(lang)
    expected = _expected(lang)
    assert len(expected) > 250
    missing = [f"{m.files[0]}: {msgid!r}" for msgid, m in expected.items()
               if msgid not in catalogue or not catalogue[msgid].translated()]
    assert not missing, f"untranslated in {lang}.po:\n" + "\n".join(missing)
    problems: list[str] = []
    for msgid, message in expected.items():
        entry = catalogue[msgid]
        if (entry.msgid_plural or None) != message.plural:
            problems.append(f"plural form differs from the source: {msgid!r}")
            continue
        for form in _forms(entry):
            # Every form must name what the English plural names (the singular may leave the number out).
            if placeholders(form) != placeholders(message.plural or msgid):
                problems.append(f"placeholders: {msgid!r} → {form!r}")
            if _mnemonic(form) != _mnemonic(msgid):
                problems.append(f"mnemonic: {msgid!r} → {form!r}")
    assert not problems, "\n".join(problems)
    stale = sorted(set(catalogue) - set(i18n_extract.scan()[0]))
    assert not stale, f"{lang}.po entries no longer used (run python -m tools.i18n_extract): {stale}"


def test_plural_rules_come_from_the_catalogues() -> None:
    for lang in CATALOGUED:
        header = polib.pofile(str(po_path(lang))).metadata["Plural-Forms"]
        assert header.replace(" ", "") == "nplurals=1;plural=0;", (lang, header)  # one form in Korean and Japanese


def test_translations_are_in_their_script_not_english_copies() -> None:
    not_korean = [e.msgid for e in _catalogue("ko").values() if not any(HANGUL.search(f) for f in _forms(e))]
    assert not not_korean, not_korean
    borrowed = {"OK"}  # written in Latin letters in Japanese user interfaces too
    not_japanese = [e.msgid for e in _catalogue("ja").values() if e.translated() and e.msgid not in borrowed
                    and not any(KANA.search(f) or KANJI.search(f) for f in _forms(e))]
    assert not not_japanese, not_japanese
    # Hangul in Japanese only where the English has it too (an example of Korean date words the parser understands).
    hangul_in_japanese = [e.msgid for e in _catalogue("ja").values()
                          if any(HANGUL.search(f) for f in _forms(e)) and not HANGUL.search(e.msgid)]
    assert not hangul_in_japanese, hangul_in_japanese


def test_tr_and_trn_in_every_language() -> None:
    one, many = "{count} testimony.", "{count} testimonies."
    assert trn(one, many, 1, count=1) == "1 testimony."
    assert trn(one, many, 2, count=2) == "2 testimonies."
    assert trn(one, many, 0, count=0) == "0 testimonies."
    set_language("ko")
    assert current_language() == "ko"
    assert tr("Vault: {vault_id}", vault_id="abc") == "보관함: abc"
    assert tr("{count} of {total} characters typed.", count=3, total=56) == "56자 중 3자를 입력했습니다."
    assert trn(one, many, 1, count=1) == trn(one, many, 2, count=1) == "증언 1건."
    set_language("ja")
    assert trn(one, many, 1, count=1) == trn(one, many, 7, count=1)
    assert KANA.search(tr("Unlock the vault")) or KANJI.search(tr("Unlock the vault"))
    # HQ screens are not translated into Japanese: English, not a blank.
    hq_only = next(m for m in i18n_extract.scan()[0].values() if all(f.startswith("ui/hq/") for f in m.files)
                   and m.plural is None and not placeholders(m.msgid))
    assert tr(hq_only.msgid) == hq_only.msgid


def test_pseudo_locale_lengthens_and_keeps_placeholders_and_mnemonics() -> None:
    found, _ = i18n_extract.scan()
    for msgid in found:
        pseudo = pseudo_localise(msgid)
        assert placeholders(pseudo) == placeholders(msgid), msgid
        assert _mnemonic(pseudo) == _mnemonic(msgid), msgid
        assert pseudo.startswith("[") and pseudo.endswith("]"), msgid
        visible, visible_pseudo = (re.sub(r"\{[^{}]*\}", "", t) for t in (msgid, pseudo))
        assert len(visible_pseudo) >= len(visible) * 1.3, msgid
    set_language("pseudo")
    text = tr("{count} of {total} characters typed.", count=3, total=56)
    assert "3" in text and "56" in text and "characters" not in text
    assert trn("{count} testimony.", "{count} testimonies.", 1, count=1) != trn(
        "{count} testimony.", "{count} testimonies.", 2, count=1)


def test_language_chooser_offers_each_language_in_its_own_name() -> None:
    labels = dict(LANGUAGE_CHOICES)
    assert labels["ja"] == "日本語" and labels["ko"] == "한국어" and labels["en"] == "English"
    assert "pseudo" not in labels  # for screenshots (--lang pseudo), not for users


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
    session.gate.language_combo.activated.emit(session.gate.language_combo.findData("ja"))
    assert heading.text() == "保管庫のロック解除"
    assert '"language": "ja"' in settings_path.read_text(encoding="utf-8")
    session.gate.language_combo.activated.emit(session.gate.language_combo.findData("en"))
    assert heading.text() == "Unlock the vault"
