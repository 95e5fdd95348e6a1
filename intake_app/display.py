"""Cleaning untrusted strings before they reach a terminal, a log line or a label.

Imported text (names, file names, bundle fields) may carry terminal escape sequences or Unicode bidi controls that
make a display lie (e.g. "exe.txt" shown for "txt.exe"). They are replaced, not interpreted.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

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


# What --json output escapes as \\uXXXX although JSON allows it raw: C1 controls and DEL, every format control (bidi
# overrides and isolates, zero-width characters, BOM, tags), lone surrogates, line and paragraph separators. These occur
# only inside JSON strings, so escaping them in the serialised text changes no value. (C0 controls are escaped by json.)
_JSON_ESCAPE = re.compile(
    "[\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def _escape(match: re.Match[str]) -> str:
    return "".join(f"\\u{u:04x}" for u in _utf16(match.group()))


def _utf16(ch: str) -> list[int]:
    code = ord(ch)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


def json_text(doc: Any) -> str:
    """The one serialisation of every CLI --json document: readable UTF-8, but nothing a terminal or a bidi algorithm
    would act on is left raw."""
    return _JSON_ESCAPE.sub(_escape, json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True))
