"""A GUI session leaves nothing on disk outside the vault but the app's own settings file (language, minutes).

The session runs in a child process so that Qt computes its settings paths from this test's HOME and XDG directories
(Qt caches them per process). It starts the application as ``intake-app`` does (``ui.app.prepare_application``),
unlocks a vault, picks an export folder on a "USB stick" through the real file dialog, changes the settings, searches,
locks and quits. Then every file under HOME is listed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"
SECRET_FOLDER = "wgeid-2024-hoeryong-witnesses"

SESSION = """
import os, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from intake_app.vault.private_fs import harden_process
from intake_app.vault.vault import Vault
from ui.app import prepare_application
from ui.common.settings_store import UiSettings, default_settings_path, load_settings
from ui.session import Session

sys.excepthook = lambda *exc: (sys.__excepthook__(*exc), os._exit(3))  # never hang on worker threads
harden_process()
app = QApplication([sys.argv[0]])
prepare_application(app)
vault_path, usb, passphrase = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
Vault.create(vault_path, passphrase, "field")[0].lock()


def pump(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


settings_path = default_settings_path()
session = Session(vault_path, load_settings(settings_path), settings_path)
session.start()
session.gate.unlock_screen.passphrase.setText(passphrase)
session.gate.unlock_screen.start_unlock()
end = time.monotonic() + 30
while not session.unlocked and time.monotonic() < end:
    pump(0.05)
assert session.unlocked
pages = session.interviewer_pages
pages.list_page.search_edit.setText("회령")
pump(0.5)
pages.open_export()
pump(0.5)
chosen = []


def pick():
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible())
    dialog.setDirectory(str(usb))
    dialog.selectFile(str(usb))
    chosen.append(dialog.directory().absolutePath())
    dialog.accept()


QTimer.singleShot(500, pick)
pages.dialog.browse_button.click()  # the real QFileDialog, opened as the export dialog opens it
pump(0.5)
assert chosen, "the file dialog never showed"
session.apply_settings(UiSettings(language="ko", auto_lock_minutes=7))
pump(0.2)
session.lock()
pump(0.2)
session.shutdown()
app.processEvents()
print("session done", flush=True)
os._exit(0)
"""


@pytest.fixture
def private_home(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local" / "state"),
               XDG_RUNTIME_DIR=str(tmp_path / "run"), QT_QPA_PLATFORM="offscreen", INTAKE_KDF_PROFILE="fast")
    home.mkdir()
    (tmp_path / "run").mkdir(mode=0o700)
    return env


def test_a_gui_session_leaves_only_the_apps_settings_file_outside_the_vault(tmp_path: Path,
                                                                           private_home: dict[str, str]) -> None:
    usb = tmp_path / "usb" / SECRET_FOLDER
    usb.mkdir(parents=True)
    proc = subprocess.run([sys.executable, "-c", SESSION, str(tmp_path / "vault"), str(usb), PASSPHRASE],
                          capture_output=True, text=True, timeout=180, env=private_home,
                          cwd=Path(__file__).parents[2], check=False)
    assert proc.returncode == 0 and "session done" in proc.stdout, proc.stderr[-3000:]
    home = Path(private_home["HOME"])
    written = sorted(p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file())
    assert written == [".config/testimony-intake/ui-settings.json"], written
    settings = (home / ".config" / "testimony-intake" / "ui-settings.json").read_text(encoding="utf-8")
    assert SECRET_FOLDER not in settings and "usb" not in settings
    assert '"language": "ko"' in settings
    # Nothing was left in the runtime directory or beside the USB folder either.
    assert not [p for p in (tmp_path / "run").rglob("*") if p.is_file()]
    assert sorted(p.name for p in (tmp_path / "usb").rglob("*")) == [SECRET_FOLDER]
