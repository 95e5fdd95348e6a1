"""Every choice list of the interviewer's editor is in Japanese in the Japanese UI, from the vocabulary catalogues'
``ja`` labels (issue 29, item 4), and Japanese labels find their terms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from intake_app.records import vocabularies
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.field.editor import TestimonyEditor
from ui.field.editor.vocab_picker import VocabCombo
from ui.i18n import set_language

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"
CHOICE_LISTS = ("consent_purposes", "consent_values", "anonymity_levels", "interview_modes", "relations", "sex",
                "whereabouts_status", "victim_categories", "act_types")


@pytest.mark.parametrize("vocab", CHOICE_LISTS)
def test_every_term_of_a_choice_list_has_ko_en_and_ja_labels(vocab: str) -> None:
    for entry in vocabularies.load(vocab).entries:
        assert entry.ko and entry.en and entry.ja, (vocab, entry.code)
        assert not entry.ja.isascii() and entry.label("ja") == entry.ja
        assert vocabularies.load(vocab).lookup(entry.ja) is entry  # a Japanese label finds its term


@pytest.fixture
def editor(qtbot: QtBot, tmp_path: Path) -> Iterator[TestimonyEditor]:
    vault, _ = Vault.create(tmp_path / "vault", PASSPHRASE, "field")
    worker = DbWorker(vault)
    widget = TestimonyEditor(worker, autosave_ms=60_000)
    qtbot.addWidget(widget)
    widget.show()
    widget.new_testimony()
    yield widget
    widget.autosave.stop()
    worker.shutdown()
    vault.lock()


def test_the_japanese_editor_shows_every_choice_in_japanese(editor: TestimonyEditor) -> None:
    editor.add_victim().add_act().add_perpetrator()
    set_language("ja")
    combos = [c for c in editor.findChildren(QComboBox) if isinstance(c, VocabCombo)]
    assert {c.vocab.name for c in combos} >= {"consent_values", "anonymity_levels", "interview_modes", "relations",
                                              "sex", "whereabouts_status", "act_types"}
    for combo in combos:
        items = [combo.itemText(i) for i in range(1, combo.count())]
        assert items and all(not text.isascii() for text in items), (combo.vocab.name, items)
    # the consent rows are named in Japanese too: the family's consent can be read back to them
    labels = [row.label.text() for row in editor.consent.rows.values()]
    assert all(not text.isascii() for text in labels), labels
    assert editor.consent.rows["wgeid"].label.text() == vocabularies.label("consent_purposes", "wgeid", "ja")
