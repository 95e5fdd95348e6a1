"""Dates as people say them (issue 18): lunar dates, events people date by, two-digit years, ages, relative dates.

Lunar conversions are checked against korean-lunar-calendar itself (the real library, solar→lunar back) and against
published 설날 and 윤달 dates; anchors against the sourced table in intake_app/data/date_anchors.json.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from korean_lunar_calendar import KoreanLunarCalendar

from intake_app.records import lunar
from intake_app.records.dates import interpret, parse_edtf
from intake_app.resources import data_path
from tests.conftest import Runner

D = dt.date
INTERVIEW = "2024-05-02"


def _to_lunar(day: dt.date) -> tuple[int, int, int, bool]:
    calendar = KoreanLunarCalendar()
    assert calendar.setSolarDate(day.year, day.month, day.day)
    return calendar.lunarYear, calendar.lunarMonth, calendar.lunarDay, calendar.isIntercalation


def _random_lunar_dates(count: int) -> list[tuple[int, int, int, bool]]:
    """Lunar dates drawn from random solar days 1900–2030 (so intercalary months come up as often as they occur),
    plus the first and last day of every intercalary month in that range."""
    rng = random.Random(18)
    start, end = D(1900, 3, 1), D(2030, 12, 31)
    picked = [_to_lunar(start + dt.timedelta(days=rng.randrange((end - start).days))) for _ in range(count)]
    for year in range(1900, 2031):
        for month in range(1, 13):
            if lunar.has_intercalary(year, month):
                picked += [(year, month, 1, True), (year, month, lunar.month_length(year, month, True), True)]
    return picked


LUNAR_SAMPLE = _random_lunar_dates(300)


def test_sample_has_many_intercalary_dates() -> None:
    assert len(LUNAR_SAMPLE) >= 300
    assert sum(leap for *_, leap in LUNAR_SAMPLE) >= 80


@pytest.mark.parametrize(("year", "month", "day", "leap"), LUNAR_SAMPLE)
def test_lunar_day_round_trips_through_the_library(year: int, month: int, day: int, leap: bool) -> None:
    said = f"{year}년 {'윤' if leap else '음력 '}{month}월 {day}일"
    result = interpret(said)
    assert result is not None and result.lunar and result.intercalary == leap
    solar = result.date.lower
    assert result.date.upper == solar
    assert _to_lunar(solar) == (year, month, day, leap)  # the reverse conversion gives the lunar date said


@pytest.mark.parametrize(("year", "solar"), [(1997, D(1997, 2, 8)), (1998, D(1998, 1, 28)), (2000, D(2000, 2, 5)),
                                             (2023, D(2023, 1, 22)), (2024, D(2024, 2, 10)), (2020, D(2020, 1, 25))])
def test_seollal_published_dates(year: int, solar: dt.date) -> None:
    # 1997: Korea's 설날 fell on 8 February, a day after the Chinese New Year (7 February), because KASI computes the
    # new moon for Korean time; a library using Chinese tables would give the 7th.
    for said in (f"{year}년 설날", f"lunar new year {year}", f"음력 {year}년 1월 1일"):
        result = interpret(said)
        assert result is not None, said
        assert result.edtf == solar.isoformat(), said


def test_known_intercalary_months() -> None:
    leap4 = interpret("2020년 윤4월 1일")
    assert leap4 is not None and leap4.edtf == "2020-05-23"  # 2020 윤4월 began 23 May 2020
    leap2 = interpret("2023년 윤2월 1일")
    assert leap2 is not None and leap2.edtf == "2023-03-22"  # 2023 윤2월 began 22 March 2023
    assert interpret("2023년 윤3월 1일") is None  # 2023 has no 윤3월


def test_lunar_month_said_approximately_is_the_solar_range_it_spans() -> None:
    result = interpret("음력 1998년 3월쯤")
    assert result is not None and result.lunar
    assert (result.date.lower, result.date.upper) == (D(1998, 3, 28), D(1998, 4, 25))
    assert result.date.approximate
    assert _to_lunar(result.date.lower) == (1998, 3, 1, False)
    assert _to_lunar(result.date.upper + dt.timedelta(days=1)) == (1998, 4, 1, False)


def test_lunar_explanation_and_words_kept() -> None:
    result = interpret("음력 1998년 3월 5일")
    assert result is not None
    assert result.edtf == "1998-04-01" and result.text == "음력 1998년 3월 5일"
    assert "음력" in result.explanation_ko and "양력 1998-04-01" in result.explanation_ko
    assert "lunar" in result.explanation_en and "solar 1998-04-01" in result.explanation_en


# --- anchors -------------------------------------------------------------------------------------------------------

ANCHORS = json.loads(data_path("date_anchors.json").read_text(encoding="utf-8"))["anchors"]


def _years(day: dt.date, n: int) -> dt.date:
    try:
        return day.replace(year=day.year + n)
    except ValueError:
        return day.replace(year=day.year + n, day=28)


def _expected(span: tuple[dt.date, dt.date], modifier: str, cap: dt.date) -> tuple[dt.date, dt.date]:
    """The bounds docs/dates.md gives each modifier, written out independently of the implementation."""
    s, e = span
    return {
        "때": (s, e), "during": (s, e),
        "무렵": (_years(s, -1), _years(e, 1)), "around the time of": (_years(s, -1), _years(e, 1)),
        "직후": (e, _years(e, 1)), "right after": (e, _years(e, 1)),
        "직전": (_years(s, -1), s), "right before": (_years(s, -1), s),
        "이후": (e, cap), "after": (e, cap),
        "전": (dt.date.min, s), "before": (dt.date.min, s),
    }[modifier]


def test_anchor_table_is_sourced() -> None:
    assert len(ANCHORS) >= 12
    for anchor in ANCHORS:
        assert anchor["source"].strip() and anchor["aliases"], anchor["code"]
    march = next(a for a in ANCHORS if a["code"] == "arduous_march")
    assert march["edtf"] == "1994/1998" and march["alternatives"] == ["1995/1999", "1996/2000"]


@pytest.mark.parametrize("anchor", ANCHORS, ids=lambda a: a["code"])
@pytest.mark.parametrize("modifier", ["때", "무렵", "직후", "직전", "이후", "전"])
def test_every_anchor_and_korean_modifier(anchor: dict[str, str], modifier: str) -> None:
    span = parse_edtf(anchor["edtf"])
    cap = D(2024, 5, 2)
    result = interpret(f"{anchor['ko']} {modifier}", interview_date=INTERVIEW)
    assert result is not None, anchor["ko"]
    assert (result.date.lower, result.date.upper) == _expected((span.lower, span.upper), modifier, cap)
    assert result.anchor == anchor["code"]


@pytest.mark.parametrize("anchor", ANCHORS, ids=lambda a: a["code"])
@pytest.mark.parametrize("modifier", ["during", "around the time of", "right after", "right before", "after", "before"])
def test_every_anchor_and_english_modifier(anchor: dict[str, str], modifier: str) -> None:
    span = parse_edtf(anchor["edtf"])
    result = interpret(f"{modifier} {anchor['en']}", interview_date=INTERVIEW)
    assert result is not None, anchor["en"]
    assert (result.date.lower, result.date.upper) == _expected((span.lower, span.upper), modifier, D(2024, 5, 2))


@pytest.mark.parametrize("anchor", ANCHORS, ids=lambda a: a["code"])
def test_every_alias_is_found(anchor: dict[str, str]) -> None:
    span = parse_edtf(anchor["edtf"])
    for alias in anchor["aliases"]:
        result = interpret(f"{alias} 때")
        assert result is not None, alias
        assert (result.date.lower, result.date.upper) == (span.lower, span.upper), alias


@pytest.mark.parametrize(("said", "lower", "upper"), [
    ("고난의 행군 때", D(1994, 1, 1), D(1998, 12, 31)),
    ("during the Arduous March", D(1994, 1, 1), D(1998, 12, 31)),
    ("김일성이 죽었을 때", D(1994, 7, 8), D(1994, 7, 8)),
    ("two years before Kim Il-sung died", D(1992, 1, 8), D(1993, 1, 8)),
    ("김일성 사망 2년 전", D(1992, 1, 8), D(1993, 1, 8)),
    ("화폐개혁 3년 후", D(2012, 5, 30), D(2013, 5, 30)),
    ("6.25 전쟁 때", D(1950, 6, 25), D(1953, 7, 27)),
    ("해방 직후", D(1945, 8, 15), D(1946, 8, 15)),
])
def test_anchor_phrases(said: str, lower: dt.date, upper: dt.date) -> None:
    result = interpret(said)
    assert result is not None, said
    assert (result.date.lower, result.date.upper) == (lower, upper)
    assert result.explanation_ko and result.explanation_en


def test_after_without_interview_date_is_open() -> None:
    result = interpret("화폐개혁 이후")
    assert result is not None and result.edtf == "2009-11-30/.." and result.date.upper == dt.date.max


# --- two-digit years, ages, relative dates -------------------------------------------------------------------------

@pytest.mark.parametrize(("said", "interview", "edtf"), [
    ("98년", "2024-05-02", "1998"),
    ("05년 겨울", "2024-05-02", "2005-24"),
    ("24년", "2024-05-02", "2024"),
    ("25년", "2024-05-02", "1925"),
    ("in 98", "2024-05-02", "1998"),
    ("'05", "2024-05-02", "2005"),
    ("90년대", "2024-05-02", "199X"),
    ("98년", "1999-06-01", "1998"),
    ("05년", "1999-06-01", "1905"),
])
def test_two_digit_years(said: str, interview: str, edtf: str) -> None:
    result = interpret(said, interview_date=interview)
    assert result is not None and result.edtf == edtf


@pytest.mark.parametrize(("said", "birth", "first", "last"), [
    ("47살 때", "1950", 1996, 1998),            # 세는 나이 47 → 1996; 만 47 → 1997 or 1998
    ("스무 살 때", "1950-03-02", 1969, 1971),
    ("스물다섯 살 때", "1950", 1974, 1976),
    ("마흔 살쯤", "1950", 1989, 1991),
    ("이십 세 때", "1950", 1969, 1971),
    ("20세 때", "1950", 1969, 1971),
    ("세 살 때", "1950", 1952, 1954),
    ("만 20세", "1950", 1970, 1971),
    ("만 스무 살 때", "1950", 1970, 1971),
    ("when he was 20", "1950", 1969, 1971),
    ("at the age of twenty", "1950", 1969, 1971),
    ("47살 때", "195X", 1996, 2007),
])
def test_ages(said: str, birth: str, first: int, last: int) -> None:
    result = interpret(said, birth=birth)
    assert result is not None, said
    assert (result.date.lower, result.date.upper) == (D(first, 1, 1), D(last, 12, 31))


def test_age_without_birth_is_not_understood() -> None:
    assert interpret("스무 살 때") is None


@pytest.mark.parametrize(("said", "lower", "upper"), [
    ("작년 겨울", D(2023, 12, 1), D(2024, 2, 29)),
    ("재작년", D(2022, 1, 1), D(2022, 12, 31)),
    ("올해 봄", D(2024, 3, 1), D(2024, 5, 31)),
    ("작년 3월", D(2023, 3, 1), D(2023, 3, 31)),
    ("3년 전", D(2020, 11, 2), D(2021, 11, 2)),
    ("three years ago", D(2020, 11, 2), D(2021, 11, 2)),
    ("last year", D(2023, 1, 1), D(2023, 12, 31)),
    ("last winter", D(2023, 12, 1), D(2024, 2, 29)),
    ("last summer", D(2023, 6, 1), D(2023, 8, 31)),
])
def test_relative_to_interview(said: str, lower: dt.date, upper: dt.date) -> None:
    result = interpret(said, interview_date=INTERVIEW)
    assert result is not None, said
    assert (result.date.lower, result.date.upper) == (lower, upper)


def test_existing_callers_still_work_without_context() -> None:
    result = interpret("2011년 가을쯤")
    assert result is not None and result.edtf == "2011-23~"


# --- CLI -----------------------------------------------------------------------------------------------------------

def test_cli_interpret_json(intake: Runner) -> None:
    res = intake("dates", "interpret", "음력 1998년 3월 5일", "--json")
    assert res.returncode == 0, res
    doc = json.loads(res.stdout)
    assert set(doc) == {"edtf", "lower", "upper", "explanation"}
    assert (doc["edtf"], doc["lower"], doc["upper"]) == ("1998-04-01", "1998-04-01", "1998-04-01")
    assert set(doc["explanation"]) == {"ko", "en"}


def test_cli_context_options(intake: Runner) -> None:
    res = intake("dates", "interpret", "스무 살 때", "--birth", "1950", "--interview-date", INTERVIEW, "--json")
    assert res.returncode == 0, res
    assert json.loads(res.stdout)["edtf"] == "1969/1971"
    text = intake("dates", "interpret", "작년 겨울", "--interview-date", INTERVIEW)
    assert text.returncode == 0 and text.stdout.startswith("2023-24")


def test_cli_not_understood_exits_1(intake: Runner) -> None:
    for args in (("어제", "--json"), ("어제",), ("스무 살 때", "--json")):
        res = intake("dates", "interpret", *args)
        assert res.returncode == 1, res
        assert res.stdout == ""
        assert "not understood" in res.stderr and "Traceback" not in res.stderr
        assert "어제" not in res.stderr  # messages never repeat testimony text


def test_cli_bad_context_is_usage_error(intake: Runner) -> None:
    res = intake("dates", "interpret", "98년", "--interview-date", "May 2024")
    assert res.returncode == 2 and "--interview-date" in res.stderr and "Traceback" not in res.stderr
