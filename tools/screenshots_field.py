"""Screenshots for issue 29, called by tools.screenshots: the editor's choice lists opened (act types, consent answers,
naming levels) and the unlock-protection dialog (duress passphrase, failed-unlock limit), in each language.

Uses the interviewer's throwaway vault (tools.screenshots_interviewer); everything is deleted afterwards.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QComboBox

from tools.screen_wait import Save
from tools.screen_wait import wait_until as _wait
from tools.screenshots_interviewer import _prepare, unlocked_session


def _popup(app: QApplication, combo: QComboBox, save: Save, path: Path) -> Path:
    """The combo's list, opened: the popup is its own top-level window, saved with the combo above it."""
    combo.showPopup()
    _wait(app, lambda: combo.view().isVisible())
    saved = save(app, combo.view().window(), path)
    combo.hidePopup()
    return saved


def render_field(app: QApplication, out_dir: Path, lang: str, save: Save) -> list[Path]:
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        session, pages, window = unlocked_session(app, _prepare(Path(tmp)), lang, height=760)
        _wait(app, lambda: pages.list_page.model.rowCount() > 0)
        record_id = pages.list_page.model.record_id(0)
        assert record_id is not None
        pages.open_testimony(record_id)
        editor = pages.editor
        _wait(app, lambda: bool(editor.narrative.toPlainText()))
        editor.tabs.setCurrentIndex(1)
        written.append(save(app, window, out_dir / f"{lang}-40-consent-naming-conditions.png"))
        rows = editor.consent.rows
        written.append(_popup(app, rows["reports"].value, save, out_dir / f"{lang}-41-choices-consent-answers.png"))
        written.append(_popup(app, rows["wgeid"].anonymity, save, out_dir / f"{lang}-42-choices-naming.png"))
        editor.tabs.setCurrentIndex(3)
        act_type = editor.victims[0].acts[0].type
        written.append(_popup(app, act_type, save, out_dir / f"{lang}-43-choices-act-types.png"))
        written.append(_popup(app, editor.victims[0].status, save, out_dir / f"{lang}-44-choices-status.png"))
        written.append(_popup(app, editor.interview.relation, save, out_dir / f"{lang}-45-choices-relation.png"))
        session.open_unlock_protection()
        dialog = session.protection_dialog
        assert dialog is not None
        _wait(app, lambda: dialog.state is not None)
        dialog.use_duress.setChecked(True)
        dialog.duress.setText("xxxxxxxxxxxx")
        dialog.duress_again.setText("xxxxxxxxxxxx")
        dialog.use_limit.setChecked(True)
        dialog.limit.setValue(10)
        written.append(save(app, dialog, out_dir / f"{lang}-46-unlock-protection.png"))
        dialog.reject()
        session.shutdown()
    return written
