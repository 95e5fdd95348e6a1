"""Render every screen in each language to PNG files, offscreen: ``python -m tools.screenshots OUTDIR [LANG…]``.

Languages: Korean, English, Japanese and the pseudo-locale (long accented English in brackets: a label cut at either
end, or text without brackets, shows at a glance), or those named after OUTDIR. For documentation and for checking by
eye that Hangul and kana render (not boxes). It drives the real screens on a throwaway
vault in a temporary directory made with the deliberately weak ``fast`` key-derivation profile; the recovery key and
fingerprint shown belong to that throwaway vault, which is erased afterwards.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from tools.screen_wait import wait_until
from tools.screenshots_field import render_field
from tools.screenshots_hq import render_coordinator
from tools.screenshots_interviewer import render_interviewer
from tools.screenshots_recorder import render_recorder
from tools.screenshots_stats import render_statistics
from tools.screenshots_usable import render_usable
from ui.common.fonts import install_application_font
from ui.common.settings_store import UiSettings
from ui.i18n import SUPPORTED, set_language
from ui.session import Session
from ui.start.first_run_wizard import FINGERPRINT, SHOW_KEY

SAMPLE_PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"  # noqa: S105 - typed into a throwaway vault
SCREENSHOT_LANGUAGES = ("ko", "en", "ja", "pseudo")




def _save(app: QApplication, widget: QWidget, path: Path) -> Path:
    app.processEvents()
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not write {path}")
    return path


def render_all(out_dir: Path, lang: str) -> list[Path]:
    """Walk first run → main window → lock → recovery in ``lang`` and save one PNG per screen."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    set_language(lang)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(Path(tmp) / "vault", UiSettings(language=lang), Path(tmp) / "ui-settings.json")
        session.start()
        gate = session.gate
        wizard = gate.wizard
        assert wizard is not None
        written.append(_save(app, gate, out_dir / f"{lang}-1-wizard-role.png"))
        wizard.go_next()
        wizard.passphrase_page.fields.first.setText(SAMPLE_PASSPHRASE)
        wizard.passphrase_page.fields.second.setText(SAMPLE_PASSPHRASE)
        written.append(_save(app, gate, out_dir / f"{lang}-2-wizard-passphrase.png"))
        wizard.go_next()
        wait_until(app, lambda: wizard.current() == SHOW_KEY)
        written.append(_save(app, gate, out_dir / f"{lang}-3-wizard-recovery-key.png"))
        groups = [label.text() for label in wizard.show_key_page.group_labels]
        wizard.show_key_page.written.setChecked(True)
        wizard.go_next()
        written.append(_save(app, gate, out_dir / f"{lang}-4-wizard-check.png"))
        for edit, index in zip(wizard.check_key_page.fields, wizard.check_key_page.indices, strict=True):
            edit.setText(groups[index])
        wizard.go_next()
        wait_until(app, lambda: wizard.current() == FINGERPRINT)
        written.append(_save(app, gate, out_dir / f"{lang}-5-wizard-fingerprint.png"))
        wizard.go_next()
        assert session.main_window is not None
        written.append(_save(app, session.main_window, out_dir / f"{lang}-6-main-window.png"))
        session.lock()
        unlock = gate.unlock_screen
        unlock.passphrase.setText("wrong passphrase")
        unlock.start_unlock()
        wait_until(app, lambda: not unlock.is_busy())
        written.append(_save(app, gate, out_dir / f"{lang}-7-unlock-wrong.png"))
        gate.show_recovery()
        gate.recovery_screen.key_edit.setText("-".join(groups[:9]))
        written.append(_save(app, gate, out_dir / f"{lang}-8-recovery.png"))
        gate.show_unlock()
        written.append(_save(app, gate, out_dir / f"{lang}-9-unlock.png"))
        session.shutdown()
    return written


def main(argv: list[str] | None = None) -> int:
    """Render every screen in every language (or those given after OUTDIR) into OUTDIR."""
    args = sys.argv[1:] if argv is None else argv
    languages = tuple(args[1:]) or SCREENSHOT_LANGUAGES
    if not args or any(lang not in SUPPORTED for lang in languages):
        print(f"usage: python -m tools.screenshots OUTDIR [{'|'.join(SUPPORTED)} ...]", file=sys.stderr)
        return 2
    out_dir = Path(args[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["INTAKE_KDF_PROFILE"] = "fast"  # a throwaway vault; never the default for real ones
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    install_application_font(app)
    for lang in languages:
        for path in render_all(out_dir, lang):
            print(path)
        set_language(lang)
        for path in render_coordinator(app, out_dir, lang, _save):
            print(path)
        for path in render_interviewer(app, out_dir, lang, _save):
            print(path)
        for path in render_field(app, out_dir, lang, _save):
            print(path)
        for path in render_recorder(app, out_dir, lang, _save):
            print(path)
        for path in render_usable(app, out_dir, lang, _save):
            print(path)
        for path in render_statistics(app, out_dir, lang, _save):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
