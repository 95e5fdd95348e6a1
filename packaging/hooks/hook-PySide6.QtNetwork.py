# Replaces PyInstaller's hook for PySide6.QtNetwork. The Python module is collected only because PySide6.QtMultimedia
# imports it when it loads (without it, `import PySide6.QtMultimedia` fails); the program itself never opens a
# network connection, so none of QtNetwork's plugins (TLS backends, network-information backends) are shipped.
from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)

binaries = [(src, dest) for src, dest in binaries if "plugins" not in dest.replace("\\", "/").split("/")]
