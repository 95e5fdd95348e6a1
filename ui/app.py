"""``intake-app``: the desktop application's entry point.

Start-up order matters: the process is hardened (umask 077, no core dumps) before anything else; the application
gets a name and desktop file name (the Wayland app id), and Qt's own settings files are pointed nowhere
(``ui/traces.py``: the file dialog would otherwise record folder names in ~/.config/QtProject.conf); the
bundled Korean font is registered before the first widget exists; the language comes from ``--lang``, else the saved
setting, else the system locale.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from intake_app.vault.private_fs import harden_process, resolve_vault_path

APP_DISPLAY_NAME = "Testimony Intake"
DESKTOP_FILE_NAME = "testimony-intake"

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options; anything else (e.g. ``-platform offscreen``) is left for Qt."""
    parser = argparse.ArgumentParser(prog="intake-app", description="Testimony Intake desktop application")
    parser.add_argument("--vault", metavar="PATH", help="vault directory (default: $INTAKE_VAULT or the user data dir)")
    parser.add_argument("--lang", choices=("ko", "en", "ja", "pseudo"),
                        help="language for this run (default: settings, then system); pseudo: long accented English")
    parser.add_argument("--self-test", action="store_true", help="start, show the first window, exit 0 (smoke test)")
    parser.add_argument("--screenshot", metavar="PNG", help="render the first window to a PNG file and exit")
    return parser.parse_known_args(list(argv))


def prepare_application(app: QApplication) -> None:
    """Name the application, keep Qt's own state off the disk (ui/traces.py) and register the bundled fonts."""
    from ui.common.fonts import install_application_font  # noqa: PLC0415
    from ui.traces import keep_qt_state_off_disk  # noqa: PLC0415

    keep_qt_state_off_disk()
    app.setApplicationName(DESKTOP_FILE_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setOrganizationName(APP_DISPLAY_NAME)
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    install_application_font(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the application; return the process exit status."""
    harden_process()
    from intake_app import wiring  # noqa: PLC0415

    wiring.install()
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)

    # Qt is imported only now, after the umask is set.
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from ui.common.db_worker import favour_the_gui_thread  # noqa: PLC0415
    from ui.common.settings_store import default_settings_path, load_settings  # noqa: PLC0415
    from ui.i18n import resolve_language, set_language  # noqa: PLC0415
    from ui.session import Session  # noqa: PLC0415

    existing = QApplication.instance()
    favour_the_gui_thread()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_args])
    prepare_application(app)

    settings_path = default_settings_path()
    settings = load_settings(settings_path)
    set_language(args.lang or resolve_language(settings.language))
    session = Session(resolve_vault_path(args.vault), settings, settings_path)
    session.start()
    try:
        if args.self_test or args.screenshot:
            app.processEvents()
            window = session.first_window()
            if args.screenshot:
                return 0 if window.grab().save(str(Path(args.screenshot))) else 1
            return 0 if window.isVisible() else 1
        return int(app.exec())
    finally:
        session.shutdown()


if __name__ == "__main__":
    sys.exit(main())
