"""The pseudo-locale: English made longer and accented at load time, so that truncation and hard-coded text show.

Every letter is swapped for an accented look-alike (``Unlock`` → ``Ûñļöçķ``), the text is padded by about 40 % (German
and Finnish labels run that much longer than English) and bracketed, so a label cut at either end is visible in a
screenshot. Placeholders (``{name}``) and the mnemonic letter after ``&`` stay as they are: the first are filled in
after translation, the second must still be a key on the keyboard. A string that is not bracketed on screen was never
passed through ``tr``.
"""

from __future__ import annotations

import re

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥîĵķļɱñöþǫŕšŧûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŦÛṼŴẊÝŽ",
)
# A placeholder, an escaped brace, or a mnemonic (& and the letter after it, or && for a literal ampersand).
_KEEP = re.compile(r"\{[^{}]*\}|\{\{|\}\}|&&|&.")
_PAD = " ·"
EXPANSION = 0.4


def pseudo_localise(text: str) -> str:
    """Return ``text`` accented, padded by ~40 % and bracketed, with placeholders and mnemonics kept."""
    if not text.strip():
        return text
    out: list[str] = []
    pos = 0
    for match in _KEEP.finditer(text):
        out.append(text[pos:match.start()].translate(_ACCENTED))
        out.append(match.group(0))
        pos = match.end()
    out.append(text[pos:].translate(_ACCENTED))
    body = "".join(out)
    visible = len(_KEEP.sub("", text))
    padding = (_PAD * max(1, round(visible * EXPANSION / len(_PAD))))[: max(2, round(visible * EXPANSION))]
    return f"[{body}{padding}]"
