"""Where the desktop app's bundled files (fonts) live, in a source checkout and in a PyInstaller build.

The PyInstaller spec copies ``ui/resources`` to ``ui/resources`` inside the bundle, which is unpacked under
``sys._MEIPASS``; from source the directory sits beside this module.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath


def _resources_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(frozen_root, str):
        return Path(frozen_root) / "ui" / "resources"
    return Path(__file__).resolve().parent / "resources"


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled resource, e.g. ``resource_path("fonts", "NanumGothic.ttf")``.

    Parts must be plain relative names; absolute paths and ``..`` are refused so no caller can reach outside the
    resources directory.
    """
    for part in parts:
        pure = PurePosixPath(part.replace("\\", "/"))
        if not part or pure.is_absolute() or ".." in pure.parts or ":" in part:
            raise ValueError("resource path parts must be plain relative names")
    return _resources_root().joinpath(*parts)
