"""Screenshots of the interviewer's screens (list, editor with Hangul text, export dialog), called by tools.screenshots.

A throwaway field vault (fast key derivation) in a temporary directory, with a few sample testimonies written in
Korean and a pinned throwaway HQ key; all of it is deleted afterwards.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from intake_app.bundles.keyring import Keyring, parse_hq_key_file
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tools.screen_wait import Save, wait_until
from ui.common.main_window import MainWindow
from ui.common.settings_store import UiSettings
from ui.field.export_dialog import ExportDialog
from ui.field.testimony_list_page import InterviewerPages
from ui.session import Session

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"  # noqa: S105 - a throwaway vault
SAMPLES = (
    ("2024-05-02", "W-117", "류은별", "Ryu Un-byol", 6, "missing",
     "언니는 2011년 가을쯤 연길에서 잡혀 북송되었습니다. 그 뒤 온성군 보위부 구류장에 있었다고 이웃에게 들었습니다. "
     "2012년 봄에 15호 관리소로 이송되었다는 소문이 있었지만 확인하지 못했습니다."),
    ("2024-04-18", "W-102", "김철민", "Kim Chol-min", 7, "seen_in_detention",
     "아버지는 1998년(주체87년) 겨울 회령에서 보위부원 두 명에게 끌려갔습니다."),
    ("2023-11-30", "W-088", "박영희", "Pak Yong-hui", 6, "released",
     "동생은 2005년 무산에서 체포되었다가 2008년에 풀려났습니다."),
)


_wait = wait_until


def _prepare(root: Path) -> Path:
    path = root / "vault"
    vault, _ = Vault.create(path, PASSPHRASE, "field")
    hq, _ = Vault.create(root / "hq", PASSPHRASE, "hq")
    Keyring(vault).pin_recipient(parse_hq_key_file(Keyring(hq).export_public()), "HQ")
    hq.lock()
    store = RecordStore(vault)
    for date, pseudonym, hangul, roman, category, status, narrative in SAMPLES:
        store.add_json(json.dumps({
            "interview": {"date": date, "language": "ko", "interviewer": "I-03", "place": "서울"},
            "interviewee": {"pseudonym": pseudonym, "relation": "sister"},
            "narrative": narrative,
            "consent": {"recording": "granted", "storage": "granted",
                        "reports": {"value": "conditional", "anonymity": "initials",
                                    "conditions": "인용 금지; 가족이 안전해진 뒤에만"},
                        "wgeid": {"value": "granted", "anonymity": "full_name"}, "publication": "refused"},
            "victims": [{"names": [{"hangul": hangul, "roman": roman}], "sex": "F", "categories": [category],
                         "status": status,
                         "acts": [{"type": "arrest", "date": "2011-23~", "date_text": "2011년 가을쯤",
                                   "place": "연길", "place_code": "CN.yanji",
                                   "perpetrators": [{"organ": "MSS_CITY_COUNTY", "unit": "온성군 보위부",
                                                     "rank": "상위"}]}]}],
        }, ensure_ascii=False).encode())
    vault.lock()
    return path


def unlocked_session(app: QApplication, vault_path: Path, lang: str,
                     width: int = 1100, height: int = 700) -> tuple[Session, InterviewerPages, MainWindow]:
    """Start the app on the field vault at ``vault_path`` in ``lang`` (its settings file beside the vault), unlock it
    with :data:`PASSPHRASE` through the unlock screen, and size the window for the shots."""
    session = Session(vault_path, UiSettings(language=lang), vault_path.parent / "ui-settings.json")
    session.start()
    session.gate.unlock_screen.passphrase.setText(PASSPHRASE)
    session.gate.unlock_screen.start_unlock()
    _wait(app, lambda: session.interviewer_pages is not None)
    pages, window = session.interviewer_pages, session.main_window
    assert pages is not None and window is not None
    window.resize(width, height)
    return session, pages, window


def render_interviewer(app: QApplication, out_dir: Path, lang: str, save: Save) -> list[Path]:
    """List, detail, editor (interview, narrative, victims) and export dialog in ``lang``."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        session, pages, window = unlocked_session(app, _prepare(root), lang)
        page = pages.list_page
        _wait(app, lambda: page.model.rowCount() == len(SAMPLES))
        page.table.selectRow(0)
        _wait(app, page.detail.edit_button.isEnabled)
        written.append(save(app, window, out_dir / f"{lang}-20-testimony-list.png"))
        page.search_edit.setText("보위부")
        _wait(app, lambda: page.views.currentWidget() is page.results and page.search_model.rowCount() > 0)
        written.append(save(app, window, out_dir / f"{lang}-21-search.png"))
        page.search_edit.clear()
        record_id = page.model.record_id(0)
        assert record_id is not None
        pages.open_testimony(record_id)
        editor = pages.editor
        _wait(app, lambda: bool(editor.narrative.toPlainText()))
        written.append(save(app, window, out_dir / f"{lang}-22-editor-interview.png"))
        editor.tabs.setCurrentIndex(2)
        written.append(save(app, window, out_dir / f"{lang}-23-editor-narrative.png"))
        editor.tabs.setCurrentIndex(3)
        written.append(save(app, window, out_dir / f"{lang}-24-editor-victims.png"))
        editor.tabs.setCurrentIndex(1)
        written.append(save(app, window, out_dir / f"{lang}-25-editor-consent.png"))
        pages.show_list()
        usb = root / "USB"
        usb.mkdir()
        pages.open_export()
        dialog = pages.dialog
        assert isinstance(dialog, ExportDialog)
        dialog.folder_edit.setText(str(usb))
        _wait(app, dialog.export_button.isEnabled)
        written.append(save(app, dialog, out_dir / f"{lang}-26-export-ready.png"))
        dialog.start_export()
        _wait(app, lambda: dialog.result_info is not None)
        written.append(save(app, dialog, out_dir / f"{lang}-27-export-done.png"))
        dialog.reject()
        session.shutdown()
    return written
