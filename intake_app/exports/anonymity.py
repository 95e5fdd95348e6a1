"""The four anonymity levels of a consent decision, applied to a disappeared person's names before anything leaves.

``anonymised`` (no name at all), ``pseudonym`` (the person's reference for the export: a keyed code, never a name),
``initials`` (the first letter of each romanised part, the initial consonant of each Hangul syllable, no hanja) and
``full_name`` (every written form as recorded). When several mentions of one person are released together, the most
restrictive of their levels applies to the person, because any name form shown would name the person for every mention.

Levels below ``full_name`` also coarsen what identifies a person besides the name: the birth date is reduced to its
year(s), and the home place as said (free words) is left out; the coded home place stays.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from intake_app.records.interchange_model import Name
from intake_app.vault import forget

LEVELS = ("anonymised", "pseudonym", "initials", "full_name")
"""From the most to the least restrictive (the order :func:`most_restrictive` uses)."""
DEFAULT_LEVEL = "anonymised"
"""What applies when a decision records no level: the safest, so forgetting to ask never names anyone."""

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_ROMAN_PART = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
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


def reference(key: bytes, purpose: str, level: str, person_key: str) -> str:
    """The reference under which a person appears in exports for ``purpose`` at anonymity ``level``: ``P-`` and 10 hex
    digits of HMAC-SHA256 under HQ's reference key (:mod:`intake_app.exports.references`, never leaves HQ). The same
    person, purpose and level always give the same reference (so a second export is recognisable), but a reference
    shown with no name (an anonymised public row) cannot be joined to the reference shown next to a name in an export
    for another purpose or at another level, and without the key nobody can compute one from our ids."""
    keyed = _keyed(key).copy()  # HMAC of the message "testimony-intake person reference v2\0purpose\0level\0person"
    keyed.update("\x00".join((purpose, level, person_key)).encode("utf-8"))
    return "P-" + keyed.hexdigest()[:10]


_REFERENCE_PREFIX = b"testimony-intake person reference v2\x00"


@forget.on_lock
@functools.lru_cache(maxsize=1)  # one reference key per archive: the key's HMAC set up once, not once per mention
def _keyed(key: bytes) -> hmac.HMAC:
    """HMAC-SHA256 under ``key`` with the fixed prefix of every reference message already fed: :func:`reference`
    continues a copy of it, which gives the same digest as one HMAC over the whole message."""
    return hmac.new(key, _REFERENCE_PREFIX, hashlib.sha256)


def forget_keys() -> None:
    """Drop the prepared HMAC, and the reference key held as its cache key. The consent decision calls it when it
    ends (also on a refusal), so no copy of HQ's reference key outlives the decision that needed it: the app may stay
    open with the vault locked."""
    _keyed.cache_clear()


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


def shown_names(names: tuple[Name, ...], level: str, reference_code: str) -> tuple[ShownName, ...]:
    """The names of one person as ``level`` allows them to leave (``reference_code``: the person's reference for this
    export, shown as the name at ``pseudonym``)."""
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
        return (ShownName(roman=reference_code, kind="pseudonym"),)
    return ()


def name_forms(names: tuple[Name, ...]) -> set[str]:
    """Every written form of the names, whole and the given name alone, for scrubbing free text. Surnames alone are
    not included: 김 or Kim also names perpetrators and places. Spacing, hyphens, punctuation, invisible characters and
    case are ignored when matching (:func:`skeleton`), so each form stands for all its spellings."""
    return set(_name_forms(names))


@forget.on_lock
@functools.lru_cache(maxsize=4096)  # a pure function of frozen values: one testimony's names are asked per mention
def _name_forms(names: tuple[Name, ...]) -> frozenset[str]:
    forms: set[str] = set()
    for n in names:
        for text, native in ((n.hangul, True), (n.hanja, True), (n.roman, False)):
            if not text:
                continue
            forms.add(text)
            compact = skeleton(text)
            if native and len(compact) >= 3:
                forms.add(compact[1:])  # the given name (Korean surnames of two syllables are rare)
            parts = [p for p in re.split(r"\s+", text.strip()) if p]
            if not native and len(parts) >= 2:
                forms.add(" ".join(parts[1:]))
    return frozenset(f for f in forms if len(skeleton(f)) >= 2)


@functools.lru_cache(maxsize=8192)  # a pure function of one character, called for every character of free text
def _ignored(ch: str) -> bool:
    """Characters matching skips: spaces and separators (Z*), punctuation (P*: hyphens, dots, middle dots …),
    control and format characters (C*: zero-width spaces and joiners, soft hyphens, bidirectional marks)."""
    return unicodedata.category(ch)[0] in "ZPC"


@functools.lru_cache(maxsize=8192)
def _fold(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", ch).casefold() if not _ignored(c))


class _FoldTable(dict[int, str]):
    """``str.translate`` table giving each character's contribution to the skeleton: ``""`` for an ignored character,
    its NFKC case fold otherwise (:func:`_fold`, possibly several characters). Filled on first sight of a character,
    so folding a text is one C-level pass; bounded (a text of every code point cannot grow it without limit)."""

    LIMIT = 65536

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = "" if _ignored(ch) else _fold(ch)
        if len(self) < self.LIMIT:
            self[code] = value
        return value


_FOLDS = _FoldTable()


def skeleton(text: str) -> str:
    """The normalised form names are matched in: NFC, then each remaining character NFKC-folded and case-folded, with
    the characters of :func:`_ignored` removed. ``류 은-별``, ``류\u200b은별`` and ``R-y-u  UN byol`` reduce to
    ``류은별`` and ``ryuunbyol``."""
    return unicodedata.normalize("NFC", text).translate(_FOLDS)


def _latin(form: str) -> bool:
    return all("a" <= c <= "z" or c.isdigit() for c in form)


def scrubber(forms: AbstractSet[str], replacement: str = "[…]") -> Callable[[str | None], str | None]:
    """A function replacing every occurrence of a name form in free text with ``replacement``.

    The text is put in NFC, then matched through its skeleton (:func:`skeleton`), so a name written with spaces,
    hyphens or other punctuation between its syllables or letters, with zero-width or other invisible characters
    inside, or in another case, is found too; the whole stretch of the original text it covers is replaced. Hangul and
    hanja forms match anywhere (Korean attaches particles to names); a form of Latin letters only matches where the
    original text has no letter right before or after it, so "Chol" is not taken out of "Cholera".

    Where several forms match, the leftmost match wins, and among matches starting at the same place the longest
    (the forms are tried longest first); a Latin match refused for a neighbouring letter moves the search on by one
    character of the skeleton. The text's skeleton is made in one pass; the position of each skeleton character in the
    original text is worked out only for a text in which some form occurs."""
    return _scrubber(frozenset(forms), replacement)


@forget.on_lock
@functools.lru_cache(maxsize=1024)  # the mentions of one testimony released together share their forms
def _scrubber(forms: frozenset[str], replacement: str) -> Callable[[str | None], str | None]:
    keys = tuple(sorted({k for k in (skeleton(f) for f in forms) if len(k) >= 2}, key=len, reverse=True))
    if not keys:
        return lambda text: text

    def search(flat: str, pos: int) -> tuple[int, str] | None:
        """The leftmost occurrence at or after ``pos`` of any key, the longest of those starting there."""
        best: tuple[int, str] | None = None
        for key in keys:  # longest first: a later key of the same start is never longer
            at = flat.find(key, pos)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, key)
        return best

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        text = unicodedata.normalize("NFC", text)
        flat = text.translate(_FOLDS)
        if not any(map(flat.__contains__, keys)):
            return text
        origin: list[int] = []
        for index, ch in enumerate(text):
            origin.extend((index,) * len(_FOLDS[ord(ch)]))
        spans: list[tuple[int, int]] = []
        pos = 0
        while (found := search(flat, pos)) is not None:
            at, key = found
            start, end = origin[at], origin[at + len(key) - 1] + 1
            if _latin(key) and ((start > 0 and text[start - 1].isalpha())
                                or (end < len(text) and text[end].isalpha())):
                pos = at + 1
                continue
            spans.append((start, end))
            pos = at + len(key)
        if not spans:
            return text
        out: list[str] = []
        last = 0
        for start, end in spans:
            if start < last:  # overlapping with the previous match: extend it
                continue
            out.append(text[last:start])
            out.append(replacement)
            last = end
        out.append(text[last:])
        return "".join(out)

    return clean


def scrub(text: str | None, forms: AbstractSet[str], replacement: str = "[…]") -> str | None:
    """:func:`scrubber` applied once."""
    return scrubber(forms, replacement)(text)
