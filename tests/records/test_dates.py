"""Uncertain dates: the EDTF subset, its bounds, and the interpretation of dates as people say them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake_app.records.dates import DateError, interpret, parse_edtf

D = dt.date


@pytest.mark.parametrize(
    ("value", "lower", "upper"),
    [
        ("1998", D(1998, 1, 1), D(1998, 12, 31)),
        ("1998-02", D(1998, 2, 1), D(1998, 2, 28)),
        ("2000-02", D(2000, 2, 1), D(2000, 2, 29)),
        ("2011-05-02", D(2011, 5, 2), D(2011, 5, 2)),
        ("2004-02-29", D(2004, 2, 29), D(2004, 2, 29)),
        ("1998-21", D(1998, 3, 1), D(1998, 5, 31)),
        ("1998-22", D(1998, 6, 1), D(1998, 8, 31)),
        ("2011-23", D(2011, 9, 1), D(2011, 11, 30)),
        ("2011-24", D(2011, 12, 1), D(2012, 2, 29)),
        ("2010-24", D(2010, 12, 1), D(2011, 2, 28)),
        ("197X", D(1970, 1, 1), D(1979, 12, 31)),
        ("19XX", D(1900, 1, 1), D(1999, 12, 31)),
        ("1985-XX", D(1985, 1, 1), D(1985, 12, 31)),
        ("1985-04-XX", D(1985, 4, 1), D(1985, 4, 30)),
        ("198X-02", D(1980, 2, 1), D(1989, 2, 28)),
        ("2011~", D(2011, 1, 1), D(2011, 12, 31)),
        ("../1998", dt.date.min, D(1998, 12, 31)),
        ("2011-03/..", D(2011, 3, 1), dt.date.max),
        ("2011-03/", D(2011, 3, 1), dt.date.max),
        ("2011-03-01/2011-03-10", D(2011, 3, 1), D(2011, 3, 10)),
        ("1997/1999", D(1997, 1, 1), D(1999, 12, 31)),
    ],
)
def test_bounds(value: str, lower: dt.date, upper: dt.date) -> None:
    parsed = parse_edtf(value)
    assert (parsed.lower, parsed.upper) == (lower, upper)
    assert parsed.edtf == value


@pytest.mark.parametrize(
    ("value", "approximate", "uncertain"),
    [("1975", False, False), ("1975~", True, False), ("1975?", False, True), ("1975%", True, True),
     ("2004-06~/2006-08?", True, True), ("197X~", True, False)],
)
def test_qualifiers(value: str, approximate: bool, uncertain: bool) -> None:
    parsed = parse_edtf(value)
    assert (parsed.approximate, parsed.uncertain) == (approximate, uncertain)


def test_lowercase_x_is_canonicalised() -> None:
    assert parse_edtf("197x").edtf == "197X"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2011-13", "month 13 does not exist"),
        ("2011-00", "month 0 does not exist"),
        ("2011-02-30", "day 30 does not exist in month 2"),
        ("2011-02-29", "day 29 does not exist in month 2 of year 2011"),
        ("1900-02-29", "day 29"),
        ("garbage", "not a date of the form"),
        ("", "empty"),
        ("2011-3", "not a date of the form"),
        (" 2011", "not a date of the form"),
        ("1998-25", "month 25 does not exist"),
        ("1998-21-03", r"a season \(21-24\) cannot have a day"),
        ("199X-21", "a season needs a fully specified year"),
        ("1X98", "only trailing year digits"),
        ("XXXX", "only trailing year digits"),
        ("0000", "year 0"),
        ("20111", "four digits"),
        ("-0500", "years before 1"),
        ("Y170000002", "after 9999"),
        ("2011/2010", "starts after it ends"),
        ("../..", "at least one known end"),
        ("1/2/3", "exactly one"),
        ("2011~?", "not a date of the form"),
        ("1985-XX-05", "a day cannot be given when the month is unspecified"),
        ("1985-1X", "a month must be two digits or XX"),
        ("198X-02-03", "a full day needs a fully specified year"),
        ("9999-24", "after year 9999"),
        ("1" * 100, "too long"),
    ],
)
def test_invalid(value: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_edtf(value)


def test_date_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="month 13"):
        parse_edtf("2011-13")


_YEAR = st.integers(1, 9998).map(lambda y: f"{y:04d}")
_SINGLE = st.one_of(
    _YEAR,
    st.builds(lambda y, m: f"{y}-{m:02d}", _YEAR, st.integers(1, 12)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", _YEAR, st.integers(1, 12), st.integers(1, 28)),
    st.builds(lambda y, s: f"{y}-{s}", _YEAR, st.integers(21, 24)),
    st.builds(lambda y, n: y[: 4 - n] + "X" * n, _YEAR.filter(lambda y: y[0] != "0"), st.integers(1, 3)),
    st.builds(lambda y: f"{y}-XX", _YEAR),
)
_QUALIFIED = st.builds(lambda d, q: d + q, _SINGLE, st.sampled_from(["", "?", "~", "%"]))


@given(_QUALIFIED)
def test_single_dates_reparse_to_same_bounds(value: str) -> None:
    parsed = parse_edtf(value)
    assert parsed.lower <= parsed.upper
    again = parse_edtf(parsed.edtf)
    assert (again.lower, again.upper, again.approximate, again.uncertain) == (
        parsed.lower, parsed.upper, parsed.approximate, parsed.uncertain)


@given(_QUALIFIED, _QUALIFIED)
def test_intervals_are_ordered_or_refused(start: str, end: str) -> None:
    a, b = parse_edtf(start), parse_edtf(end)
    if a.lower > b.upper:
        with pytest.raises(DateError, match="starts after it ends"):
            parse_edtf(f"{start}/{end}")
        return
    interval = parse_edtf(f"{start}/{end}")
    assert (interval.lower, interval.upper) == (a.lower, b.upper)
    assert interval.lower <= interval.upper
    assert parse_edtf(interval.edtf) == interval


@given(st.text(max_size=30))
def test_arbitrary_text_is_refused_cleanly_or_ordered(value: str) -> None:
    try:
        parsed = parse_edtf(value)
    except DateError:
        return
    assert parsed.lower <= parsed.upper


# --- interpretation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "edtf"),
    [
        ("주체87년 봄", "1998-21"),
        ("주체 60년", "1971"),
        ("Juche 87", "1998"),
        ("2011년 가을쯤", "2011-23~"),
        ("1998", "1998"),
        ("around 1975", "1975~"),
        ("about 1975", "1975~"),
        ("circa 1960", "1960~"),
        ("c. 1960", "1960~"),
        ("약 2000년", "2000~"),
        ("1985년경", "1985~"),
        ("1985년 무렵", "1985~"),
        ("1985년경?", "1985%"),
        ("1975?", "1975?"),
        ("아마 1975년", "1975?"),
        ("197X", "197X"),
        ("1970s", "197X"),
        ("the 1990s", "199X"),
        ("1990년대", "199X"),
        ("1990년대 말", "1997/1999"),
        ("1990년대 초", "1990/1993"),
        ("mid-1990s", "1994/1996"),
        ("2011년 3월 초", "2011-03-01/2011-03-10"),
        ("2011년 3월 중순", "2011-03-11/2011-03-20"),
        ("2011년 2월 말", "2011-02-21/2011-02-28"),
        ("1999년 12월 말경", "1999-12-21~/1999-12-31~"),
        ("late March 2011", "2011-03-21/2011-03-31"),
        ("2011년 초", "2011-01/2011-04"),
        ("early 2011", "2011-01/2011-04"),
        ("2011년 말", "2011-09/2011-12"),
        ("2011-05-02", "2011-05-02"),
        ("2011.5.2", "2011-05-02"),
        ("2011년 5월 2일", "2011-05-02"),
        ("May 2, 2011", "2011-05-02"),
        ("2 May 2011", "2011-05-02"),
        ("March 2011", "2011-03"),
        ("2011년 3월", "2011-03"),
        ("spring 1998", "1998-21"),
        ("fall 2001?", "2001-23?"),
        ("winter 2010", "2010-24"),
        ("2001년 여름 무렵", "2001-22~"),
        ("1998-21", "1998-21"),
    ],
)
def test_interpret(said: str, edtf: str) -> None:
    result = interpret(said)
    assert result is not None
    assert result.edtf == edtf
    assert result.text == said
    assert result.date == parse_edtf(edtf)


def test_explanations_in_both_languages() -> None:
    result = interpret("1998년 봄쯤")
    assert result is not None
    assert result.explanation_ko == "1998년 봄 (대략)"
    assert result.explanation_en == "spring 1998 (approximate)"


def test_juche_year_is_recorded_and_explained() -> None:
    result = interpret("주체87년 봄")
    assert result is not None
    assert result.juche_year == 87
    assert "주체87년 = 1998년" in result.explanation_ko
    assert "Juche 87 = 1998" in result.explanation_en


def test_lunar_birthday_is_converted_and_flagged() -> None:
    result = interpret("음력 1975년 3월 2일")
    assert result is not None
    assert result.lunar
    assert result.edtf == "1975-04-13"  # KASI: lunar 1975-03-02 = solar 1975-04-13
    assert "양력" in result.explanation_ko
    assert "solar" in result.explanation_en
    plain = interpret("1975년 3월 2일")
    assert plain is not None and not plain.lunar


@pytest.mark.parametrize(
    "said",
    ["어제", "", "   ", "1998년 봄 이후", "3월", "about 3월", "2011년 2월 30일", "경원", "sometime", "98년 3년",
     "1998 and 2001", "x" * 500, "spring", "1990년대 3월"],
)
def test_unknown_text_gives_none(said: str) -> None:
    assert interpret(said) is None


_PHRASES = st.builds(
    lambda prefix, year, month, season, part, suffix: " ".join(
        p for p in (prefix, f"{year}년", month, season, part, suffix) if p),
    st.sampled_from(["", "약", "대략", "아마", "음력"]),
    st.integers(1, 9998),
    st.sampled_from(["", "1월", "2월", "12월"]),
    st.sampled_from(["", "봄", "겨울"]),
    st.sampled_from(["", "초", "중순", "말"]),
    st.sampled_from(["", "쯤", "경", "무렵", "?"]),
)


@given(_PHRASES)
def test_interpretations_reparse_to_same_bounds(said: str) -> None:
    result = interpret(said)
    if result is None:
        return
    assert result.date.lower <= result.date.upper
    again = parse_edtf(result.edtf)
    assert (again.lower, again.upper) == (result.date.lower, result.date.upper)


@given(st.text(max_size=40))
def test_interpret_never_raises(said: str) -> None:
    result = interpret(said)
    if result is not None:
        assert result.date.lower <= result.date.upper
