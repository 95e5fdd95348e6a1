"""Dates said relative to something: events people date by (date anchors), ages, and the interview date.

Used by :func:`intake_app.dates.interpret`; the rules and the anchor table with its sources are in docs/dates.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from intake_app.records import date_words as words
from intake_app.resources import data_path

_SEP = re.compile(r"\s*[·ㆍ‧・.\-]\s*")


@dataclass(frozen=True)
class Anchor:
    """One event from intake_app/data/date_anchors.json."""

    code: str
    ko: str
    en: str
    edtf: str
    aliases: tuple[str, ...]
    source: str


def normalise(text: str) -> str:
    """Case-folded, inner spaces collapsed, 6·25 / 6.25 / 6-25 written one way (6·25)."""
    text = " ".join(text.casefold().split())
    return re.sub(r"(?<=\d)" + _SEP.pattern + r"(?=\d)", "·", text)


@cache
def anchors() -> tuple[Anchor, ...]:
    """The anchors of the bundled data file, in file order."""
    with data_path("date_anchors.json").open(encoding="utf-8") as fh:
        doc = json.load(fh)
    return tuple(Anchor(a["code"], a["ko"], a["en"], a["edtf"],
                        tuple(dict.fromkeys(normalise(s) for s in [a["ko"], a["en"], *a["aliases"]])), a["source"])
                 for a in doc["anchors"])


def find_anchor(text: str) -> tuple[Anchor, str] | None:
    """The anchor whose longest alias occurs in ``text`` (normalised), and the text with that alias removed."""
    best: tuple[int, Anchor, re.Match[str]] | None = None
    for anchor in anchors():
        for alias in anchor.aliases:
            boundary = r"\b" if alias[-1].isascii() and alias[-1].isalnum() else ""
            lead = r"\b" if alias[0].isascii() and alias[0].isalnum() else r"(?<![\d가-힣])" if alias[0].isdigit() else ""
            match = re.search(lead + re.escape(alias) + boundary, text)
            if match is not None and (best is None or len(alias) > best[0]):
                best = (len(alias), anchor, match)
    if best is None:
        return None
    match = best[2]
    return best[1], text[: match.start()] + " " + text[match.end():]


# --- numbers ------------------------------------------------------------------------------------------------------

_NATIVE_TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80,
                "아흔": 90}
_NATIVE_UNITS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7,
                 "여덟": 8, "아홉": 9}
_SINO = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_EN_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
             "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
_EN_NUMBERS = {w: i for i, w in enumerate(_EN_WORDS)} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1,
    "a couple of": 2, "couple of": 2}

_TENS_RE = "|".join(sorted(_NATIVE_TENS, key=len, reverse=True))
_UNITS_RE = "|".join(sorted(_NATIVE_UNITS, key=len, reverse=True))
NATIVE_NUMBER = rf"(?:(?:{_TENS_RE})\s*(?:{_UNITS_RE})?|(?:{_UNITS_RE}))"
SINO_NUMBER = r"(?:[이삼사오육칠팔구]?십[일이삼사오육칠팔구]?|[일이삼사오육칠팔구])"
EN_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted((re.escape(w) for w in _EN_NUMBERS), key=len, reverse=True)) + \
    r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)"


def korean_number(word: str) -> int | None:
    """Digits, native Korean (스무, 마흔다섯, 세) or Sino-Korean (이십, 삼십오) numbers; None otherwise."""
    word = word.replace(" ", "")
    if word.isdigit():
        return int(word)
    for tens_word, tens in sorted(_NATIVE_TENS.items(), key=lambda kv: -len(kv[0])):
        if word.startswith(tens_word):
            rest = word[len(tens_word):]
            return tens + _NATIVE_UNITS[rest] if rest in _NATIVE_UNITS else tens if not rest else None
    if word in _NATIVE_UNITS:
        return _NATIVE_UNITS[word]
    if re.fullmatch(SINO_NUMBER, word):
        if "십" not in word:
            return _SINO[word]
        tens_text, _, unit_text = word.partition("십")
        return (_SINO[tens_text] if tens_text else 1) * 10 + (_SINO[unit_text] if unit_text else 0)
    return None


def english_number(word: str) -> int | None:
    """Digits or English number words up to ninety-nine (``two``, ``twenty-one``)."""
    word = word.strip().replace("-", " ")
    if word.isdigit():
        return int(word)
    parts = word.rsplit(" ", 1)
    if word in _EN_NUMBERS:
        return _EN_NUMBERS[word]
    if len(parts) == 2 and parts[0] in _EN_NUMBERS and parts[1] in _EN_NUMBERS and _EN_NUMBERS[parts[1]] < 10:
        return _EN_NUMBERS[parts[0]] + _EN_NUMBERS[parts[1]]
    return None


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February becomes 28 February); ValueError/OverflowError out of range."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        if day.month == 2 and day.day == 29:
            return day.replace(year=day.year + years, day=28)
        raise


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    import calendar  # noqa: PLC0415 (small helper, keeps the module's imports to what most callers need)

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Japanese -----------------------------------------------------------------------------------------------------

def _kanji_number(text: str) -> int | None:
    """一 … 九十九 and digit-by-digit forms (一九七八); None for anything else."""
    if "十" not in text:
        digits = [words.KANJI_DIGITS.get(ch) for ch in text]
        return None if any(d is None for d in digits) else int("".join(str(d) for d in digits))
    tens_text, _, units_text = text.partition("十")
    tens = 1 if not tens_text else words.KANJI_DIGITS.get(tens_text) if len(tens_text) == 1 else None
    units = 0 if not units_text else words.KANJI_DIGITS.get(units_text) if len(units_text) == 1 else None
    return None if tens is None or units is None else tens * 10 + units


def from_japanese(text: str) -> str | None:
    """Japanese date words rewritten into the Korean forms :mod:`dates` reads (昭和53年7月頃 → 1978년 7월 쯤), the
    text unchanged when it has no Japanese, or None when it names an era year that never existed (昭和65年)."""
    if not words.JAPANESE_CHARS.search(text):
        return text  # Korean and English untouched (NFKC would rewrite the ㆍ of 6ㆍ25)
    text = unicodedata.normalize("NFKC", text)  # full-width digits and ？～ as ASCII

    def kanji(match: re.Match[str]) -> str:
        number = _kanji_number(match[0])
        return match[0] if number is None else str(number)

    text = words.KANJI_NUMBER.sub(kanji, text)
    bad = False

    def era(match: re.Match[str]) -> str:
        nonlocal bad
        first, last = words.JAPANESE_ERAS[match[1]]
        number = 1 if match[2] == "元" else _kanji_number(match[2]) if not match[2].isdigit() else int(match[2])
        if number is None or not 1 <= number <= last:
            bad = True
            return match[0]
        return f"{first + number - 1}년 "

    text = words.JAPANESE_ERA.sub(era, text)
    if bad:
        return None
    for japanese, korean in words.JAPANESE_WORDS:
        text = text.replace(japanese, korean)
    return text
