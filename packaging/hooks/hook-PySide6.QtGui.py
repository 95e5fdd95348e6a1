# Replaces PyInstaller's hook for PySide6.QtGui: the same collection, minus the plugins the app has no use for. Dropping
# them here (rather than from the finished file list) keeps their library dependencies out of the build too: the GTK3
# platform theme alone drags in GTK's ATK, Cairo and Pango from the build machine, the virtual keyboard drags in QtQuick
# and QML, the PDF image format drags in QtPdf.
from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)

DROPPED = {
    # Platform themes: GTK3's file dialog records recently used files in ~/.local/share/recently-used.xbel, which
    # would leave attachment names behind; Qt's own dialogs write nothing. (The desktop portal theme is kept: the
    # portal is the only way a sandboxed/Wayland session offers colours and fonts.)
    "libqgtk3.so",
    # Input: the on-screen virtual keyboard (QtQuick). ibus and compose stay: ibus is how Hangul is typed on Linux.
    "libqtvirtualkeyboardplugin.so",
    # Image formats nobody feeds us; PDF pulls in the whole of QtPdf.
    "libqpdf.so", "qpdf.dll", "libqpdf.dylib",
    # Framebuffer/EGL-only platforms and the touch/evdev input plugins they use; a desktop session never loads them.
    "libqminimalegl.so", "libqeglfs.so", "libqlinuxfb.so", "libqvnc.so", "libqvkkhrdisplay.so",
}
DROPPED_DIRS = {"egldeviceintegrations", "generic"}


def _keep(src: str, dest: str) -> bool:
    return PurePath(src).name not in DROPPED and PurePath(dest).name not in DROPPED_DIRS


binaries = [(src, dest) for src, dest in binaries if _keep(src, dest)]
