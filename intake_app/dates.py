"""Uncertain dates: a subset of EDTF (ISO 8601-2) and the interpretation of dates as people say them.

Testimony dates are rarely exact ("주체87년 봄", "2011년 가을쯤", "197X"). A date is stored as the words said, an EDTF
value, and inclusive lower/upper bounds derived from the EDTF value for sorting and filtering.

Supported EDTF: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``; unspecified digits ``197X``, ``19XX``, ``1985-XX``,
``1985-04-XX``; seasons ``YYYY-21..24`` (spring Mar–May, summer Jun–Aug, autumn Sep–Nov, winter Dec–Feb of the next
year); one qualifier on a whole date: ``?`` uncertain, ``~`` approximate, ``%`` both; intervals ``A/B`` with open
(``..``) or unknown (empty) ends. Bounds are the literal extent of the value: a qualifier does not widen them (a search
UI may widen them itself). Years run from 1 to 9999.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

SEASON_MONTHS: dict[int, tuple[int, int]] = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 2)}
_MAX_LEN = 64
_SINGLE = re.compile(r"(?P<year>[0-9X]{1,16})(?:-(?P<month>[0-9X]{2})(?:-(?P<day>[0-9X]{2}))?)?(?P<q>[?~%]?)")


class DateError(ValueError):
    """A date value is not valid EDTF of the supported subset; the message says what is wrong."""


@dataclass(frozen=True)
class UncertainDate:
    """A parsed EDTF value with inclusive bounds.

    ``edtf`` is the canonical text; ``lower``/``upper`` are inclusive bounds (``date.min``/``date.max`` for open or
    unknown interval ends); ``approximate`` (``~`` or ``%``) and ``uncertain`` (``?`` or ``%``) apply if any part of
    the value carries the qualifier.
    """

    edtf: str
    lower: dt.date
    upper: dt.date
    approximate: bool = False
    uncertain: bool = False

    @property
    def is_interval(self) -> bool:
        """True for ``A/B`` values."""
        return "/" in self.edtf

    def __str__(self) -> str:
        return self.edtf


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _year_bounds(text: str) -> tuple[int, int]:
    if len(text) != 4:
        raise DateError("year must have exactly four digits (years 1 to 9999)")
    if text[0] == "X" or "X" in text.rstrip("X"):
        raise DateError("only trailing year digits may be unspecified (X), as in 197X or 19XX")
    low, high = int(text.replace("X", "0")), int(text.replace("X", "9"))
    low = max(low, 1)  # 00XX: the years 1-99
    if high < 1:
        raise DateError("year 0 is not supported")
    return low, high


def _season_bounds(year: int, season: int) -> tuple[dt.date, dt.date]:
    first, last = SEASON_MONTHS[season]
    end_year = year + 1 if last < first else year
    if end_year > 9999:
        raise DateError("winter 9999 ends after year 9999")
    return dt.date(year, first, 1), dt.date(end_year, last, _last_day(end_year, last))


def _month_day_bounds(y_low: int, y_high: int, month_text: str, day_text: str | None) -> tuple[dt.date, dt.date]:
    if "X" in month_text:
        raise DateError("a month must be two digits or XX")
    month = int(month_text)
    if not 1 <= month <= 12:
        raise DateError(f"month {month} does not exist (use 01-12, or 21-24 for seasons)")
    if day_text is None or day_text == "XX":
        return dt.date(y_low, month, 1), dt.date(y_high, month, _last_day(y_high, month))
    if "X" in day_text:
        raise DateError("a day must be two digits or XX")
    if y_low != y_high:
        raise DateError("a full day needs a fully specified year")
    day = int(day_text)
    if not 1 <= day <= _last_day(y_low, month):
        raise DateError(f"day {day} does not exist in month {month} of year {y_low}")
    return dt.date(y_low, month, day), dt.date(y_low, month, day)


def _single(text: str) -> UncertainDate:
    match = _SINGLE.fullmatch(text)
    if match is None:
        raise DateError("not a date of the form YYYY, YYYY-MM or YYYY-MM-DD (with optional ?, ~ or %)")
    year_text, month_text, day_text, qualifier = match["year"], match["month"], match["day"], match["q"]
    y_low, y_high = _year_bounds(year_text)
    if month_text is None:
        lower, upper = dt.date(y_low, 1, 1), dt.date(y_high, 12, 31)
    elif month_text.isdigit() and 21 <= int(month_text) <= 24:
        if day_text is not None:
            raise DateError("a season (21-24) cannot have a day")
        if "X" in year_text:
            raise DateError("a season needs a fully specified year")
        lower, upper = _season_bounds(y_low, int(month_text))
    elif month_text == "XX":
        if day_text not in (None, "XX"):
            raise DateError("a day cannot be given when the month is unspecified (XX)")
        lower, upper = dt.date(y_low, 1, 1), dt.date(y_high, 12, 31)
    else:
        lower, upper = _month_day_bounds(y_low, y_high, month_text, day_text)
    return UncertainDate(text, lower, upper, qualifier in ("~", "%"), qualifier in ("?", "%"))


def parse_edtf(value: str) -> UncertainDate:
    """Parse an EDTF value of the supported subset; raise :class:`DateError` naming the problem.

    Lower-case ``x`` is accepted and canonicalised to ``X``; nothing else is rewritten, so ``.edtf`` of a parsed
    value reparses to the same bounds.
    """
    if not isinstance(value, str):
        raise DateError("a date must be text")
    if len(value) > _MAX_LEN:
        raise DateError("date value is too long")
    text = value.replace("x", "X")
    if not text:
        raise DateError("date value is empty")
    if text.startswith(("-", "Y")):
        raise DateError("years before 1 or after 9999 are not supported")
    if text.count("/") > 1:
        raise DateError("an interval has exactly one '/'")
    if "/" not in text:
        return _single(text)
    start_text, end_text = text.split("/")
    if start_text in ("", "..") and end_text in ("", ".."):
        raise DateError("an interval needs at least one known end")
    start = None if start_text in ("", "..") else _single(start_text)
    end = None if end_text in ("", "..") else _single(end_text)
    lower = start.lower if start is not None else dt.date.min
    upper = end.upper if end is not None else dt.date.max
    if start is not None and end is not None and start.lower > end.upper:
        raise DateError("the interval starts after it ends")
    parts = [p for p in (start, end) if p is not None]
    return UncertainDate(
        text, lower, upper, any(p.approximate for p in parts), any(p.uncertain for p in parts)
    )


# --- Interpreting what people say -------------------------------------------------------------------------------

JUCHE_OFFSET = 1911  # Juche 1 = 1912

_SEASONS = {"봄": 21, "여름": 22, "가을": 23, "겨울": 24, "spring": 21, "summer": 22, "autumn": 23, "fall": 23,
            "winter": 24}
_SEASON_NAMES = {21: ("봄", "spring"), 22: ("여름", "summer"), 23: ("가을", "autumn"), 24: ("겨울", "winter")}
# Fixed English names: calendar.month_name follows the process locale, which a Korean desktop may have set.
MONTH_NAMES_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")
_MONTHS_EN = {name.lower(): i for i, name in enumerate(MONTH_NAMES_EN, 1)} | {
    name[:3].lower(): i for i, name in enumerate(MONTH_NAMES_EN, 1)} | {"sept": 9}
_PART_NAMES = {"early": ("초", "early"), "mid": ("중반", "mid"), "late": ("말", "late")}

_APPROX = re.compile(
    r"쯤|경|무렵|즈음|정도|대략|약|approximately|approx\.?|around|about|circa|roughly|\bca\.|\bc\.|~")
_UNCERTAIN = re.compile(r"\?|아마도?|\bprobably\b|\bmaybe\b|\bperhaps\b|\bpossibly\b")
_LUNAR = re.compile(r"음력|\blunar(?: calendar)?\b")
_JUCHE = re.compile(r"주체\s*(\d{1,3})\s*년?|\bjuche\s*(?:year\s*)?(\d{1,3})\b")
_ISO = re.compile(r"\b(\d{4})[-./](\d{1,2})(?:[-./](\d{1,2}))?\b")
_DECADE = re.compile(r"(\d{3})0\s*년대|\b(?:the\s+)?(\d{3})0'?s\b")
_YEAR = re.compile(r"(\d{4})\s*년?")
_MONTH_KO = re.compile(r"(\d{1,2})\s*월")
_DAY_KO = re.compile(r"(\d{1,2})\s*일")
_MONTH_EN = re.compile(r"\b(" + "|".join(sorted(_MONTHS_EN, key=len, reverse=True)) + r")\b\.?")
_DAY_EN = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\b")
_SEASON = re.compile(r"봄|여름|가을|겨울|\bspring\b|\bsummer\b|\bautumn\b|\bfall\b|\bwinter\b")
_PART = re.compile(
    r"초순|초반|초기|초|중순|중반|중엽|하순|후반|말기|말|\bearly\b|\bmid(?:dle)?\b(?:\s+of\b)?-?|\blate\b|\bend\s+of\b")
_FILLER = re.compile(r"[\s,.\-/]|년|\bof\b|\bin\b|\bthe\b|\bon\b|\bsometime\b|\byear\b|에|께")


@dataclass(frozen=True)
class Interpretation:
    """How a spoken date was understood: the EDTF value, its bounds and a Korean and English explanation."""

    text: str
    edtf: str
    date: UncertainDate
    explanation_ko: str
    explanation_en: str
    lunar: bool = False
    juche_year: int | None = None


@dataclass
class _Said:
    """Pieces found in the text; anything left over makes the text unknown."""

    rest: str
    approximate: bool = False
    uncertain: bool = False
    lunar: bool = False
    juche: int | None = None
    year: int | None = None
    decade: int | None = None
    month: int | None = None
    day: int | None = None
    season: int | None = None
    part: str | None = None

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.search(self.rest)
        if match is not None:
            self.rest = self.rest[: match.start()] + " " + self.rest[match.end():]
        return match


def _part_code(word: str) -> str:
    if word.startswith(("초", "early")):
        return "early"
    if word.startswith(("중", "mid")):
        return "mid"
    return "late"


def _take_year(said: _Said) -> bool:
    """Find the year (Juche, ISO, decade or plain); False if the text names an impossible month."""
    if (m := said.take(_JUCHE)) is not None:
        said.juche = int(m[1] or m[2])
        said.year = said.juche + JUCHE_OFFSET
    if said.year is None and (m := said.take(_ISO)) is not None:
        said.year, said.month = int(m[1]), int(m[2])
        said.day = int(m[3]) if m[3] else None
        if said.day is None and said.month in SEASON_MONTHS:
            said.season, said.month = said.month, None  # EDTF season written as 1998-21
        elif not 1 <= said.month <= 12:
            return False
    if said.year is None and (m := said.take(_DECADE)) is not None:
        said.decade = int(m[1] or m[2])
    if said.year is None and said.decade is None and (m := said.take(_YEAR)) is not None:
        said.year = int(m[1])
    return True


def _extract(text: str) -> _Said | None:
    said = _Said(text.casefold())
    said.lunar = said.take(_LUNAR) is not None
    said.rest = said.rest.replace("양력", " ")
    while said.take(_UNCERTAIN):
        said.uncertain = True
    if not _take_year(said):
        return None
    if said.month is None and (m := said.take(_MONTH_KO) or said.take(_MONTH_EN)) is not None:
        said.month = int(m[1]) if m[1].isdigit() else _MONTHS_EN[m[1]]
        if said.day is None and (d := said.take(_DAY_KO) or said.take(_DAY_EN)) is not None:
            said.day = int(d[1])
    if (m := said.take(_SEASON)) is not None:
        said.season = _SEASONS[m[0]]
    if (m := said.take(_PART)) is not None:
        said.part = _part_code(m[0])
    while said.take(_APPROX):
        said.approximate = True
    if _FILLER.sub("", said.rest):
        return None
    return said


def _qualifier(said: _Said) -> str:
    if said.approximate and said.uncertain:
        return "%"
    return "~" if said.approximate else "?" if said.uncertain else ""


def _part_interval(said: _Said) -> tuple[str, str] | None:
    """Early/mid/late of a month (days 1-10/11-20/21-end), a year (Jan-Apr/May-Aug/Sep-Dec) or a decade (0-3/4-6/7-9)."""
    part = said.part
    if said.decade is not None:
        first, last = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}[part or "early"]
        return f"{said.decade}{first}", f"{said.decade}{last}"
    if said.year is None:
        return None
    if said.month is not None:
        days = {"early": (1, 10), "mid": (11, 20), "late": (21, _last_day(said.year, said.month))}[part or "early"]
        return tuple(f"{said.year:04d}-{said.month:02d}-{d:02d}" for d in days)  # type: ignore[return-value]
    first, last = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part or "early"]
    return f"{said.year:04d}-{first:02d}", f"{said.year:04d}-{last:02d}"


def _to_edtf(said: _Said) -> str | None:
    q = _qualifier(said)
    if said.year is not None and not 1 <= said.year <= 9999:
        return None
    if said.day is not None and (said.month is None or said.part or said.season):
        return None
    if said.season is not None and (said.month is not None or said.part or said.year is None):
        return None
    if said.decade is not None and (said.month is not None or said.day is not None):
        return None
    if said.part is not None:
        ends = _part_interval(said)
        return None if ends is None else f"{ends[0]}{q}/{ends[1]}{q}"
    if said.decade is not None:
        return f"{said.decade}X{q}"
    if said.year is None:
        return None
    if said.season is not None:
        return f"{said.year:04d}-{said.season}{q}"
    if said.month is None:
        return f"{said.year:04d}{q}"
    if said.day is None:
        return f"{said.year:04d}-{said.month:02d}{q}"
    return f"{said.year:04d}-{said.month:02d}-{said.day:02d}{q}"


def _describe(said: _Said) -> tuple[str, str]:
    if said.decade is not None:
        ko, en = f"{said.decade}0년대", f"the {said.decade}0s"
    else:
        ko, en = f"{said.year}년", f"{said.year}"
    if said.month is not None:
        ko += f" {said.month}월"
        en = f"{MONTH_NAMES_EN[said.month - 1]} {en}"
        if said.day is not None:
            ko += f" {said.day}일"
            en = f"{said.day} {en}"
    if said.season is not None:
        ko += f" {_SEASON_NAMES[said.season][0]}"
        en = f"{_SEASON_NAMES[said.season][1]} {en}"
    if said.part is not None:
        ko += f" {_PART_NAMES[said.part][0]}"
        en = en.replace("the ", f"the {_PART_NAMES[said.part][1]} ") if said.decade else f"{_PART_NAMES[said.part][1]} {en}"
    quals_ko = [w for flag, w in ((said.approximate, "대략"), (said.uncertain, "불확실")) if flag]
    quals_en = [w for flag, w in ((said.approximate, "approximate"), (said.uncertain, "uncertain")) if flag]
    if said.juche is not None:
        quals_ko.append(f"주체{said.juche}년 = {said.year}년")
        quals_en.append(f"Juche {said.juche} = {said.year}")
    if said.lunar:
        quals_ko.append("음력 날짜, 양력으로 변환하지 않음")
        quals_en.append("lunar calendar date, not converted")
    if quals_ko:
        ko += f" ({', '.join(quals_ko)})"
        en += f" ({', '.join(quals_en)})"
    return ko, en


def interpret(text: str) -> Interpretation | None:
    """Understand a date as people say it (Korean or English); None if the text is not understood.

    Handles years, Juche years (주체87년 = 1998), decades (1990년대, 1990s), months, days, seasons (봄/spring...),
    early/mid/late (초/중순/말) of a month, year or decade as intervals, approximation words (쯤, 경, 무렵, 약, 대략,
    around, about, circa) as ``~``, "?" and "probably" as ``?``, and 음력/lunar as a flag (never converted). Text that
    is already EDTF is accepted as is. Unknown words give None so the caller keeps the words as said.
    """
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        return None
    stripped = text.strip()
    try:
        parsed = parse_edtf(stripped)
    except DateError:
        parsed = None
    said = _extract(stripped)
    if parsed is not None:
        if said is not None and _to_edtf(said) == parsed.edtf:
            ko, en = _describe(said)
        else:
            ko = f"{parsed.edtf} ({parsed.lower.isoformat()} ~ {parsed.upper.isoformat()})"
            en = f"{parsed.edtf} ({parsed.lower.isoformat()} to {parsed.upper.isoformat()})"
        return Interpretation(text, parsed.edtf, parsed, ko, en)
    if said is None:
        return None
    edtf = _to_edtf(said)
    if edtf is None:
        return None
    try:
        parsed = parse_edtf(edtf)
    except DateError:
        return None  # e.g. "2월 30일": well-formed words naming a day that does not exist
    ko, en = _describe(said)
    return Interpretation(text, parsed.edtf, parsed, ko, en, said.lunar, said.juche)
