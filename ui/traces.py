"""Keep Qt from leaving traces of what the user did on disk, outside the vault.

Qt's own file dialog remembers the last folder, the folder history, the sidebar and view state in a ``QtProject``
settings file (``~/.config/QtProject.conf`` on Linux, ``~/Library/Preferences/com.qtproject.plist`` on macOS, the
``HKCU\\Software\\QtProject`` registry key on Windows), written when every dialog closes; Qt offers no switch to turn
that off. A folder name on a USB stick ("wgeid-2024-hoeryong") is exactly what must not be left on a laptop that may be
seized. So every user-scope ``QSettings`` of the process is pointed at a place that cannot be written: the default
format becomes the INI file format (so Windows does not use the registry either) and its path a directory inside the
null device, which no system can create. Qt then reads nothing there and fails every write silently; the dialog
starts in the folder the app passes it, with an empty history. The app's own settings (language, auto-lock minutes)
are a JSON file written by ``ui.common.settings_store`` and do not go through ``QSettings``.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

# "/dev/null/qt" (POSIX) or "nul\qt" (Windows): a directory under a device, which mkdir refuses everywhere.
NOWHERE = str(Path(os.devnull) / "qt-settings")


def keep_qt_state_off_disk() -> None:
    """Point every Qt settings file of this process where nothing can be written. Call before the first dialog."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, NOWHERE)
        QSettings.setPath(QSettings.Format.NativeFormat, scope, NOWHERE)  # a no-op for the Windows registry
