"""Keep screens that show secrets (the recovery key, passphrases) out of screenshots and screen sharing where possible.

- Windows 10 2004 and later: ``SetWindowDisplayAffinity(hwnd, WDA_EXCLUDEFROMCAPTURE)``: the window is left out of
  screenshots, recordings and screen sharing (it shows as absent, not black). Older Windows: ``WDA_MONITOR`` (the
  window is captured as black). Called through ``ctypes`` on the top-level window's HWND.
- macOS: the window's ``sharingType`` is set to ``NSWindowSharingNone`` through the Objective-C runtime (``libobjc``
  via ``ctypes``, no extra dependency): ``[[view window] setSharingType:0]`` on the top-level widget's ``NSView``.
  The screenshot tools and ``CGWindowListCreateImage`` then leave the window out (macOS 15 lets ScreenCaptureKit
  ignore the flag; see docs/security.md).
- Linux (X11 and Wayland) and everything else: nothing stops another program of the same user from reading the
  screen, so the page says so (``capture_notice``) and nothing is pretended.

A page opts in with ``CaptureShield(page)``: while the page is shown, its window is protected; when the last shielded
page of a window is hidden, the protection is lifted so ordinary screens stay capturable (for support, screenshots of
the manual). Failures of the platform call are reported as "not protected", never raised: the key must still show.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QWidget

from ui.i18n import tr

WDA_NONE = 0x00
WDA_MONITOR = 0x01
WDA_EXCLUDEFROMCAPTURE = 0x11
NS_WINDOW_SHARING_NONE = 0
NS_WINDOW_SHARING_READ_ONLY = 1


def _set_window_display_affinity(hwnd: int, affinity: int) -> bool:
    user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
    user32.SetWindowDisplayAffinity.argtypes = (ctypes.c_void_p, ctypes.c_uint32)
    user32.SetWindowDisplayAffinity.restype = ctypes.c_int
    return bool(user32.SetWindowDisplayAffinity(ctypes.c_void_p(hwnd), affinity))


def _protect_windows(window: QWidget, on: bool) -> bool:
    hwnd = int(window.winId())
    if not on:
        return _set_window_display_affinity(hwnd, WDA_NONE)
    # WDA_EXCLUDEFROMCAPTURE needs Windows 10 2004; before it only WDA_MONITOR (captured as black) exists.
    return _set_window_display_affinity(hwnd, WDA_EXCLUDEFROMCAPTURE) or _set_window_display_affinity(hwnd, WDA_MONITOR)


def _set_ns_window_sharing_type(ns_view: int, sharing_type: int) -> bool:
    path = ctypes.util.find_library("objc")
    if path is None:
        return False
    objc = ctypes.cdll.LoadLibrary(path)
    objc.sel_registerName.restype = ctypes.c_void_p
    objc.sel_registerName.argtypes = (ctypes.c_char_p,)
    send = objc.objc_msgSend
    # objc_msgSend must be called with the exact prototype of the method (arm64 ABI): one cast per signature.
    get_window = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(ctypes.addressof(send))
    set_sharing = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong)(ctypes.addressof(send))
    ns_window = get_window(ns_view, objc.sel_registerName(b"window"))
    if not ns_window:
        return False
    set_sharing(ns_window, objc.sel_registerName(b"setSharingType:"), sharing_type)
    return True


def _protect_macos(window: QWidget, on: bool) -> bool:
    return _set_ns_window_sharing_type(int(window.winId()),
                                       NS_WINDOW_SHARING_NONE if on else NS_WINDOW_SHARING_READ_ONLY)


PLATFORM_GUARDS: dict[str, Callable[[QWidget, bool], bool]] = {"win32": _protect_windows, "darwin": _protect_macos}


def capture_can_be_prevented() -> bool:
    """Whether this platform has a way to keep a window out of screenshots."""
    return sys.platform in PLATFORM_GUARDS


def set_capture_protection(window: QWidget, on: bool) -> bool:
    """Exclude ``window`` (a top-level widget) from screen capture, or allow it again; False where not possible."""
    guard = PLATFORM_GUARDS.get(sys.platform)
    if guard is None:
        return False
    try:
        return guard(window, on)
    except (OSError, AttributeError, ValueError):
        return False  # an old system or a missing library: the notice-less page still works


_shielded: dict[int, set[int]] = {}  # id(top-level window) → ids of its shielded pages now shown


class CaptureShield(QObject):
    """While ``page`` is shown, its window is kept out of screen capture (where the platform allows)."""

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self._page = page
        self.protected = False
        page.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._page and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            window = self._page.window()
            shown = _shielded.setdefault(id(window), set())
            before = bool(shown)
            if event.type() == QEvent.Type.Show:
                shown.add(id(self._page))
            else:
                shown.discard(id(self._page))
            if bool(shown) != before:
                self.protected = set_capture_protection(window, bool(shown)) and bool(shown)
        return super().eventFilter(watched, event)


def capture_notice() -> QLabel:
    """A notice for pages showing secrets, visible only where capture cannot be prevented; call ``retranslate``."""
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(not capture_can_be_prevented())
    return label


def capture_notice_text() -> str:
    return tr("This system cannot stop other programs from taking pictures of the screen. Make sure nobody is sharing "
              "or recording the screen, and that no camera can see it.")
