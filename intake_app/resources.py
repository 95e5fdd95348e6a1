"""Where the program's bundled data files live, in a source checkout and in a PyInstaller build.

One function resolves every resource path so the frozen build only needs the data directory copied to
``intake_app/data`` inside the bundle (PyInstaller unpacks it under ``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath


def _data_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(frozen_root, str):
        return Path(frozen_root) / "intake_app" / "data"
    return Path(__file__).resolve().parent / "data"


def data_path(*parts: str) -> Path:
    """Return the path of a bundled data file, e.g. ``data_path("vocabularies", "act_types.json")``.

    Parts must be plain relative names: absolute paths and ``..`` are refused so a caller passing a name that came
    from input can never reach outside the data directory.
    """
    for part in parts:
        pure = PurePosixPath(part.replace("\\", "/"))
        if not part or pure.is_absolute() or ".." in pure.parts or ":" in part:
            raise ValueError("resource path parts must be plain relative names")
    return _data_root().joinpath(*parts)


def _fonts_root() -> Path:
    # The bundled font lives with the desktop app's resources (ui/resources/fonts, copied there by the PyInstaller
    # spec); the Qt-free core only reads the file, it never imports ui/.
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(frozen_root, str):
        return Path(frozen_root) / "ui" / "resources" / "fonts"
    return Path(__file__).resolve().parent.parent / "ui" / "resources" / "fonts"


# Where Debian's fonts-noto-cjk installs the Noto Sans CJK collections (the packaging copies them to the fonts folder).
NOTO_CJK_SYSTEM_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))


def noto_cjk_path(weight: str) -> Path | None:
    """``NotoSansCJK-<weight>.ttc`` (all five locale faces: JP, KR, SC, TC, HK): the program's copy, else the
    system's, else None. Used by the PDF exports and, for one CJK family in every screen, by the desktop app."""
    name = f"NotoSansCJK-{weight}.ttc"
    bundled = font_path(name)
    if bundled.is_file():
        return bundled
    return next((d / name for d in NOTO_CJK_SYSTEM_DIRS if (d / name).is_file()), None)


def font_path(name: str) -> Path:
    """The path of a bundled font file (``NanumGothic.ttf``, ``NanumGothicBold.ttf``), for PDF output in the core."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if not name or pure.is_absolute() or len(pure.parts) != 1 or ".." in pure.parts or ":" in name:
        raise ValueError("font names must be plain file names")
    return _fonts_root() / name
