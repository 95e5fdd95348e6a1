"""Screens of issue 13's usability work, for ``tools.screenshots``: a refused save, the history comparison, the
auto-lock countdown and the unlock screen's reason, "Give HQ this laptop's key", and the attachments tab offering to
delete the plaintext original. A throwaway field vault in a temporary directory (fast key derivation)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from intake_app.records import interchange
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tools.screen_wait import Save
from tools.screenshots_interviewer import PASSPHRASE, _wait, unlocked_session
from ui.field.give_key_dialog import GiveKeyDialog
from ui.field.history_view import HistoryDialog


def _testimony(interviewer: str, act: str, narrative: str) -> dict[str, object]:
    return {"interview": {"date": "2024-05-02", "language": "ko", "interviewer": interviewer, "mode": "in_person"},
            "interviewee": {"pseudonym": "W-17", "relation": "sister"}, "narrative": narrative,
            "victims": [{"names": [{"hangul": "류은별", "roman": "Ryu Eun-byeol"}], "categories": [2],
                         "acts": [{"type": act, "date": "2011-23~", "date_text": "2011년 가을쯤", "place": "함경북도 회령",
                                   "place_code": "KP.north_hamgyong.hoeryong"}]}]}


def render_usable(app: QApplication, out_dir: Path, lang: str, save: Save) -> list[Path]:
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        vault, _ = Vault.create(root / "vault", PASSPHRASE, "field")
        store = RecordStore(vault)
        later = "그 뒤 소식이 없습니다."
        first = store.save(interchange.validate(_testimony("I-03", "arrest", f"언니는 연길에서 잡혔습니다.\n{later}")))
        edited = _testimony("I-07", "abduction", f"언니는 연길에서 끌려갔습니다.\n{later}")
        store.save(interchange.validate({**edited, "id": first.record_id}))
        vault.lock()
        session, pages, window = unlocked_session(app, root / "vault", lang)

        pages.new_testimony()
        editor = pages.editor
        editor.victims[0].add_act().place.edit.setText("함북 회령시")
        editor.save()
        written.append(save(app, window, out_dir / f"{lang}-30-save-problems.png"))
        editor.close_editor()

        history = HistoryDialog(pages.worker, first.record_id, window)
        history.show()
        _wait(app, lambda: history.diff.model.rowCount() > 0 and len(history.entries) == 2)
        written.append(save(app, history, out_dir / f"{lang}-31-history-comparison.png"))
        history.reject()

        give = GiveKeyDialog(pages.worker, window)
        give.show()
        _wait(app, lambda: give.key is not None)
        usb = root / "USB"
        usb.mkdir()
        give.folder_edit.setText(str(usb))
        give.write()
        written.append(save(app, give, out_dir / f"{lang}-32-give-hq-key.png"))
        give.reject()

        session.idle.set_timeout_ms(60 * 60_000)
        session.idle._warn()  # the countdown as it shows 30 seconds before the lock
        session.lock_warning.show_seconds(30, window)
        written.append(save(app, session.lock_warning, out_dir / f"{lang}-33-lock-countdown.png"))
        session.settings_dialog = None
        pages.open_testimony(first.record_id)
        _wait(app, lambda: bool(pages.editor.narrative.toPlainText()))
        pages.editor.tabs.setCurrentIndex(4)
        scan = root / "USB" / "편지 스캔.txt"
        scan.write_bytes("편지\n".encode() * 100)
        pages.editor.attachments.attach(scan)
        _wait(app, pages.editor.attachments.original_box.isVisible)
        written.append(save(app, window, out_dir / f"{lang}-34-attachment-original.png"))
        pages.open_export()
        session.idle.set_timeout_ms(5 * 60_000)
        session.idle.idle.emit()
        written.append(save(app, session.gate, out_dir / f"{lang}-35-unlock-reason.png"))
        session.shutdown()
    return written
