"""The Korean lunar calendar, converted to the solar (Gregorian) calendar with ``korean-lunar-calendar``.

The package carries the Korea Astronomy and Space Science Institute (KASI) tables, which differ from the Chinese
calendar on some dates (the two are computed for different meridians). It covers lunar 1000-01-01 to 2050-11-18.
A lunar month is named by its number and whether it is the intercalary (윤달) month that follows the ordinary month of
the same number; intercalary months exist only in some years.
"""

from __future__ import annotations

import datetime as dt

from korean_lunar_calendar import KoreanLunarCalendar

MIN_YEAR = 1000
MAX_YEAR = 2050


class LunarError(ValueError):
    """The lunar date does not exist (no such intercalary month, day 30 of a short month) or is out of range."""


def to_solar(year: int, month: int, day: int, intercalary: bool = False) -> dt.date:
    """The solar date of a lunar date; :class:`LunarError` if it does not exist or the tables do not cover it."""
    calendar = KoreanLunarCalendar()
    if not MIN_YEAR <= year <= MAX_YEAR or not calendar.setLunarDate(year, month, day, intercalary):
        raise LunarError("this lunar date does not exist or is outside the years the tables cover")
    return dt.date(calendar.solarYear, calendar.solarMonth, calendar.solarDay)


def has_intercalary(year: int, month: int) -> bool:
    """True if lunar ``year`` has an intercalary month after ``month``."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return False
    return bool(KoreanLunarCalendar().setLunarDate(year, month, 1, True))


def month_span(year: int, month: int, intercalary: bool = False) -> tuple[dt.date, dt.date]:
    """The first and last solar days of a lunar month (the last is the day before the next lunar month starts)."""
    start = to_solar(year, month, 1, intercalary)
    if not intercalary and has_intercalary(year, month):
        following = (year, month, True)
    elif month < 12:
        following = (year, month + 1, False)
    else:
        following = (year + 1, 1, False)
    return start, to_solar(*following[:2], 1, following[2]) - dt.timedelta(days=1)


def month_length(year: int, month: int, intercalary: bool = False) -> int:
    """29 or 30: the days of a lunar month."""
    start, end = month_span(year, month, intercalary)
    return (end - start).days + 1


def year_span(year: int) -> tuple[dt.date, dt.date]:
    """The first and last solar days of lunar ``year`` (설날 to the day before the next 설날)."""
    return to_solar(year, 1, 1), to_solar(year + 1, 1, 1) - dt.timedelta(days=1)
