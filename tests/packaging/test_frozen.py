"""The PyInstaller build: what goes into dist/testimony-intake/, and that the frozen programs work on their own.

The build (about a minute on 2 cores) is made by the first test that needs it and reused while it is newer than every
source, data and packaging file; ``make package`` builds the same folder. Without PyInstaller installed the tests skip,
except in CI (``CI=true``) or with ``INTAKE_PACKAGE_SMOKE=1``, where a missing build tool is a failure: the issue asks
for the frozen programs to be proven on every clean checkout.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import missing_tool, needs_tools

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "testimony-intake.spec"
DIST = REPO / "dist" / "testimony-intake"
INTERNAL = DIST / "_internal"
SOURCE_DIRS = ("crypto", "intake_app", "ui", "packaging")
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the build is checked on Linux here")


def _load_smoke() -> ModuleType:
    spec = importlib.util.spec_from_file_location("smoke_frozen", REPO / "packaging" / "smoke_frozen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


smoke = _load_smoke()


def _required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("INTAKE_PACKAGE_SMOKE") == "1"


def _newest_source_mtime() -> float:
    # site-packages changes when a dependency is installed or upgraded (e.g. PySide6-Addons for audio).
    newest = max((REPO / "pyproject.toml").stat().st_mtime, Path(sysconfig.get_paths()["purelib"]).stat().st_mtime)
    for top in SOURCE_DIRS:
        for path in (REPO / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                newest = max(newest, path.stat().st_mtime)
    return newest


def _build_is_current() -> bool:
    exe = DIST / f"intake{EXE_SUFFIX}"
    return exe.is_file() and (DIST / f"intake-app{EXE_SUFFIX}").is_file() and \
        exe.stat().st_mtime > _newest_source_mtime()


@pytest.fixture(scope="module")
def dist() -> Iterator[Path]:
    """dist/testimony-intake/, built now unless a build newer than the sources is already there."""
    if not _build_is_current():
        if importlib.util.find_spec("PyInstaller") is None:
            message = "PyInstaller is not installed (pip install -e '.[package]')"
            if _required():
                pytest.fail(message)
            missing_tool(message)
        log = REPO / "build" / "pyinstaller.log"
        log.parent.mkdir(exist_ok=True)
        with log.open("w", encoding="utf-8") as out:
            proc = subprocess.run(
                [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", str(SPEC)],
                cwd=REPO, stdout=out, stderr=subprocess.STDOUT, timeout=900, check=False,
            )
        if proc.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"PyInstaller failed (exit {proc.returncode}); end of {log}:\n{tail}")
    yield DIST


@pytest.fixture
def runner(dist: Path) -> Iterator[Any]:  # a smoke_frozen.Runner
    with tempfile.TemporaryDirectory(prefix="intake-smoke-") as tmp:
        yield smoke.Runner(dist, Path(tmp))


# ---- the frozen programs ---------------------------------------------------------------------------------------------
def test_frozen_cli_runs_the_whole_field_to_hq_cycle(runner: Any) -> None:
    smoke.cli_cycle(runner)  # raises SmokeFailure, naming the step, on any failure
    steps = [step.what for step in runner.steps]
    assert "bundle verify (auditor)" in steps and steps[-1] == "attachment extract at HQ"


def test_frozen_gui_starts_shows_its_first_window_and_exits_0(runner: Any) -> None:
    smoke.gui_self_test(runner)
    assert all(step.returncode == 0 for step in runner.steps)


def test_frozen_cli_refuses_cleanly_without_a_traceback(runner: Any) -> None:
    """An error a user can cause exits 1/2 with one line, never a Python traceback (which could carry content)."""
    step = runner.run("verify a file that is not a bundle",
                      [str(runner.intake), "bundle", "verify", str(SPEC), "--key", str(SPEC)],
                      expect=2)
    assert "Traceback" not in step.stderr and step.stderr.startswith("intake: ")


# ---- what is inside ----------------------------------------------------------------------------------------------------
def test_build_is_one_onedir_folder_with_both_programs_and_no_upx(dist: Path) -> None:
    for name in ("intake", "intake-app"):
        exe = dist / f"{name}{EXE_SUFFIX}"
        assert exe.is_file() and os.access(exe, os.X_OK)
        assert b"UPX!" not in exe.read_bytes()[:65536]
    # One shared copy of Python and Qt, not one per program.
    assert len(list(INTERNAL.glob("libpython3*.so*"))) == 1
    assert len(list(INTERNAL.rglob("QtCore.abi3.so"))) == 1


def test_sqlcipher_native_library_and_data_files_are_collected(dist: Path) -> None:
    assert list((INTERNAL / "sqlcipher3").glob("_sqlite3*.so")), "SQLCipher's extension module is missing"
    vocabularies = sorted(p.name for p in (REPO / "intake_app" / "data" / "vocabularies").glob("*.json"))
    assert sorted(p.name for p in (INTERNAL / "intake_app" / "data" / "vocabularies").glob("*.json")) == vocabularies
    for font in ("NanumGothic.ttf", "NanumGothicBold.ttf", "NotoSansJP-Regular.otf", "OFL.txt", "OFL-NotoSansCJK.txt"):
        assert (INTERNAL / "ui" / "resources" / "fonts" / font).is_file()


def test_only_qts_translations_of_the_apps_languages_ship(dist: Path) -> None:
    assert sorted(p.name for p in INTERNAL.rglob("*.qm")) == ["qtbase_en.qm", "qtbase_ja.qm", "qtbase_ko.qm"]
    catalogues = sorted(p.name for p in (REPO / "ui" / "i18n" / "locale").glob("*.po"))
    assert sorted(p.name for p in (INTERNAL / "ui" / "i18n" / "locale").glob("*.po")) == catalogues


def test_every_collected_pyside_module_has_the_pyside_modules_it_imports(dist: Path) -> None:
    """A PySide6 extension imports the PySide6 modules it names as it loads (QtMultimedia imports QtNetwork). One that
    was excluded makes the import fail in the frozen build only — and code that treats ImportError as "feature not
    installed" (audio playback) would hide it. The names are read from each collected extension's binary."""
    pyside = INTERNAL / "PySide6"
    collected = {p.name.split(".")[0] for p in pyside.glob("Qt*.abi3.so")}
    assert {"QtCore", "QtGui", "QtWidgets"} <= collected
    for module in sorted(collected):
        named = set(re.findall(rb"PySide6\.(Qt[A-Za-z0-9]+)", (pyside / f"{module}.abi3.so").read_bytes()))
        missing = sorted(n.decode() for n in named if n.decode() not in collected)
        assert not missing, f"PySide6.{module} imports {missing}, which the build left out"


def test_qtmultimedia_is_collected_when_installed(dist: Path) -> None:
    installed = importlib.util.find_spec("PySide6.QtMultimedia") is not None
    assert (INTERNAL / "PySide6" / "QtMultimedia.abi3.so").is_file() == installed
    # The PulseAudio client comes from the system (it must match the system's sound server), not the build machine.
    assert not list(INTERNAL.glob("libpulse*"))
    # Never any TLS or network-information backend: the program does not network.
    assert not (INTERNAL / "PySide6" / "Qt" / "plugins" / "tls").exists()
    assert not (INTERNAL / "PySide6" / "Qt" / "plugins" / "networkinformation").exists()


def test_qtcharts_ships_for_the_statistics_page(dist: Path) -> None:
    assert any(p.name.startswith("libQt6Charts") for p in INTERNAL.rglob("*"))


def test_unused_qt_parts_are_left_out(dist: Path) -> None:
    names = {p.name for p in INTERNAL.rglob("*")}
    unwanted = [n for n in names if n.startswith(("libQt6WebEngine", "libQt6Pdf", "libQt6VirtualKeyboard",
                                                   "libQt6Quick3D", "libQt63D", "libQt6Designer"))]
    unwanted += [n for n in ("libqgtk3.so", "libqtvirtualkeyboardplugin.so", "libqpdf.so", "libqsqlite.so") if n in names]
    assert not unwanted
    assert not (INTERNAL / "PySide6" / "Qt" / "qml").exists()
    platforms = {p.name for p in (INTERNAL / "PySide6" / "Qt" / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms


def test_desktop_entry_and_icons_are_installed_beside_the_programs(dist: Path) -> None:
    from ui.app import DESKTOP_FILE_NAME

    entry = dist / "share" / "applications" / f"{DESKTOP_FILE_NAME}.desktop"
    assert entry.read_bytes() == (REPO / "packaging" / f"{DESKTOP_FILE_NAME}.desktop").read_bytes()
    assert (dist / "share" / "icons" / "hicolor" / "256x256" / "apps" / f"{DESKTOP_FILE_NAME}.png").is_file()
    assert (dist / "share" / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_FILE_NAME}.svg").is_file()


# ---- the desktop entry (no build needed) --------------------------------------------------------------------------------
def test_desktop_entry_matches_the_app_id_the_program_sets() -> None:
    """Wayland matches a window to its .desktop file by app id (QGuiApplication.desktopFileName), X11 by WM_CLASS
    (the application name): both must equal the file's name, or the dock shows a generic icon and no name."""
    from ui.app import DESKTOP_FILE_NAME
    from ui.i18n.catalogs import translations

    path = REPO / "packaging" / f"{DESKTOP_FILE_NAME}.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["StartupWMClass"] == DESKTOP_FILE_NAME
    assert entry["Icon"] == DESKTOP_FILE_NAME
    assert entry["Exec"].split()[0] == "intake-app"
    assert entry["Name[ko]"] == translations("ko").gettext("Testimony Intake")
    assert entry["Name[ko]"] != "Testimony Intake"
    assert entry["Name[ja]"] == translations("ja").gettext("Testimony Intake") != "Testimony Intake"
    assert (REPO / "packaging" / "icons" / f"{DESKTOP_FILE_NAME}.svg").is_file()
    assert (REPO / "packaging" / "icons" / f"{DESKTOP_FILE_NAME}-256.png").is_file()


@needs_tools("desktop-file-validate", why="Debian package desktop-file-utils")
def test_desktop_entry_passes_desktop_file_validate() -> None:
    proc = subprocess.run(["desktop-file-validate", str(REPO / "packaging" / "testimony-intake.desktop")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr
