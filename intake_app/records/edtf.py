"""Uncertain dates as stored: a subset of EDTF (ISO 8601-2) and its inclusive bounds.

Supported EDTF: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``; unspecified digits ``197X``, ``19XX``, ``1985-XX``,
``1985-04-XX``; seasons ``YYYY-21..24`` (spring Mar–May, summer Jun–Aug, autumn Sep–Nov, winter Dec–Feb of the next
year); one qualifier on a whole date: ``?`` uncertain, ``~`` approximate, ``%`` both; intervals ``A/B`` with open
(``..``) or unknown (empty) ends. Bounds are the literal extent of the value: a qualifier does not widen them (a search
UI may widen them itself). Years run from 1 to 9999. The grammar is docs/formats/edtf.md.
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

    def __str__(self) -> str:
        return self.edtf


def last_day(year: int, month: int) -> int:
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


def season_bounds(year: int, season: int) -> tuple[dt.date, dt.date]:
    first, last = SEASON_MONTHS[season]
    end_year = year + 1 if last < first else year
    if end_year > 9999:
        raise DateError("winter 9999 ends after year 9999")
    return dt.date(year, first, 1), dt.date(end_year, last, last_day(end_year, last))


def _month_day_bounds(y_low: int, y_high: int, month_text: str, day_text: str | None) -> tuple[dt.date, dt.date]:
    if "X" in month_text:
        raise DateError("a month must be two digits or XX")
    month = int(month_text)
    if not 1 <= month <= 12:
        raise DateError(f"month {month} does not exist (use 01-12, or 21-24 for seasons)")
    if day_text is None or day_text == "XX":
        return dt.date(y_low, month, 1), dt.date(y_high, month, last_day(y_high, month))
    if "X" in day_text:
        raise DateError("a day must be two digits or XX")
    if y_low != y_high:
        raise DateError("a full day needs a fully specified year")
    day = int(day_text)
    if not 1 <= day <= last_day(y_low, month):
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
        lower, upper = season_bounds(y_low, int(month_text))
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
