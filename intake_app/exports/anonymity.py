"""The four anonymity levels of a consent decision, applied to a disappeared person's names before anything leaves.

``anonymised`` (no name at all), ``pseudonym`` (a stable code made from our person id, never a name), ``initials``
(the first letter of each romanised part, the initial consonant of each Hangul syllable, no hanja) and ``full_name``
(every written form as recorded). When several mentions of one person are released together, the most restrictive
of their levels applies to the person, because any name form shown would name the person for every mention.

Levels below ``full_name`` also coarsen what identifies a person besides the name: the birth date is reduced to its
year(s), and the home place as said (free words) is left out; the coded home place stays.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from intake_app.records.interchange_model import Name

LEVELS = ("anonymised", "pseudonym", "initials", "full_name")
"""From the most to the least restrictive (the order :func:`most_restrictive` uses)."""
DEFAULT_LEVEL = "anonymised"
"""What applies when a decision records no level: the safest, so forgetting to ask never names anyone."""

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_ROMAN_PART = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class ShownName:
    """A name as it may leave: ``hangul`` and ``roman`` already reduced to the level; ``hanja`` only at full name."""

    hangul: str | None = None
    roman: str | None = None
    hanja: str | None = None
    kind: str | None = None

    def display(self) -> str:
        native = self.hangul or self.hanja
        if native and self.roman:
            return f"{self.roman} ({native})"
        return native or self.roman or ""


def most_restrictive(levels: list[str] | tuple[str, ...]) -> str:
    """The most protective of ``levels`` (``anonymised`` if empty or unknown)."""
    ranks = [LEVELS.index(level) for level in levels if level in LEVELS]
    return LEVELS[min(ranks)] if ranks and len(ranks) == len(levels) else DEFAULT_LEVEL


def pseudonym_for(person_key: str) -> str:
    """A stable pseudonym for a person: the same person key always gives the same code, and the code reveals
    nothing about the name (it is derived from our ids only)."""
    return "P-" + hashlib.sha256(b"testimony-intake person pseudonym\x00" + person_key.encode("utf-8")).hexdigest()[:8]


def hangul_initials(text: str) -> str:
    """The initial consonant of each Hangul syllable (류은별 → ㄹㅇㅂ); other letters give their first letter."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            out.append(_CHOSEONG[(code - _HANGUL_FIRST) // 588])
        elif ch.isalpha():
            out.append(ch.upper())
    return "".join(out)


def roman_initials(text: str) -> str:
    """``Ryu Un-byol`` → ``R. U. B.``: one capital per letter run, so no run of a name survives."""
    return " ".join(f"{part[0].upper()}." for part in _ROMAN_PART.findall(text))


def shown_names(names: tuple[Name, ...], level: str, person_key: str) -> tuple[ShownName, ...]:
    """The names of one person as ``level`` allows them to leave."""
    if level == "full_name":
        return tuple(ShownName(n.hangul, n.roman, n.hanja, n.type) for n in names)
    if level == "initials":
        seen: list[ShownName] = []
        for n in names:
            shown = ShownName(hangul_initials(n.hangul) if n.hangul else None,
                              roman_initials(n.roman) if n.roman else None)
            if (shown.hangul or shown.roman) and shown not in seen:
                seen.append(shown)
        return tuple(seen)
    if level == "pseudonym":
        return (ShownName(roman=pseudonym_for(person_key), kind="pseudonym"),)
    return ()


def name_forms(names: tuple[Name, ...]) -> set[str]:
    """Every written form of the names, whole, without spaces or hyphens, and the given name alone, for scrubbing
    free text. Surnames alone are not included: 김 or Kim also names perpetrators and places."""
    forms: set[str] = set()
    for n in names:
        for text, native in ((n.hangul, True), (n.hanja, True), (n.roman, False)):
            if not text:
                continue
            forms.add(text)
            compact = re.sub(r"[\s\-·]+", "", text)
            forms.add(compact)
            if native and len(compact) >= 3:
                forms.add(compact[1:])  # the given name (Korean surnames of two syllables are rare)
            parts = [p for p in re.split(r"\s+", text.strip()) if p]
            if not native and len(parts) >= 2:
                given = " ".join(parts[1:])
                forms.update({given, re.sub(r"[\s\-]+", "", given), re.sub(r"-", " ", given)})
    return {f for f in forms if len(f) >= 2}


def scrubber(forms: set[str], replacement: str = "[…]") -> Callable[[str | None], str | None]:
    """A function replacing every occurrence of a name form in free text (a unit, a note about a step) with
    ``replacement``; one compiled pattern, longest forms first so a full name is not half-replaced by its given name."""
    if not forms:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)), re.IGNORECASE)

    def clean(text: str | None) -> str | None:
        return None if text is None else pattern.sub(replacement, text)

    return clean


def scrub(text: str | None, forms: set[str], replacement: str = "[…]") -> str | None:
    """:func:`scrubber` applied once."""
    return scrubber(forms, replacement)(text)
