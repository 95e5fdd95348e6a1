"""Render packaging/icons/testimony-intake.svg to the PNG sizes desktops ask for, and to a Windows .ico.

Run from the repository root when the SVG changes (the PNGs and the .ico are committed, so a build needs no renderer):
``QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py``. Qt's own SVG renderer is used so no extra
tool is needed; macOS .icns is made from the 1024 px PNG on the Mac (``iconutil``), see docs/packaging.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent / "icons"
NAME = "testimony-intake"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """Draw the SVG into a transparent ``size`` x ``size`` image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    """Write every PNG size and the .ico; return the exit status."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / f"{NAME}.svg"))
    if not renderer.isValid():
        sys.stderr.write("render_icons: the SVG does not parse\n")
        return 1
    for size in PNG_SIZES:
        if not render(renderer, size).save(str(ICONS / f"{NAME}-{size}.png")):
            sys.stderr.write(f"render_icons: could not write the {size} px PNG\n")
            return 1
    # Qt's ICO writer stores one image per file; 256 px is what Windows Explorer and the taskbar scale from.
    if not render(renderer, 256).save(str(ICONS / f"{NAME}.ico")):  # format from the suffix
        sys.stderr.write("render_icons: Qt's ico image plugin is missing; the .ico was not written\n")
        return 1
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
