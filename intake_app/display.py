"""Cleaning untrusted strings before they reach a terminal, a log line or a label.

Imported text (names, file names, bundle fields) may carry terminal escape sequences or Unicode bidi controls that
make a display lie (e.g. "exe.txt" shown for "txt.exe"). They are replaced, not interpreted.
"""

from __future__ import annotations

import unicodedata

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
REPLACEMENT = "\ufffd"


def clean_text(value: str, *, keep_newlines: bool = False) -> str:
    """Replace control, format-control (bidi) and unpaired-surrogate characters with U+FFFD."""
    out = []
    for ch in value:
        if keep_newlines and ch in "\n\t":
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if ch in _BIDI_CONTROLS or category in ("Cc", "Cs") or (category == "Cf" and ch != "\u200d"):
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)
