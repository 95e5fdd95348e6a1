"""Dates as Uwazi collections display them, and coded values in three languages (no vault needed)."""

from __future__ import annotations

import pytest

from intake_app.archive.values import code_for, parse_date
from intake_app.records.edtf import DateError


@pytest.mark.parametrize(("text", "fmt", "lang", "edtf"), [
    ("1950", None, "en", "1950"),  # a year alone stays a year, whatever the format
    ("1950", "DD/MM/YYYY", "en", "1950"),
    ("1950-06", "DD/MM/YYYY", "en", "1950-06"),
    ("25/06/1950", "DD/MM/YYYY", "en", "1950-06-25"),
    ("June 25, 1950", "LL", "en", "1950-06-25"),
    ("Jun 25, 1950", "MMM D, YYYY", "en", "1950-06-25"),
    ("1950년 6월 25일", "LL", "ko", "1950-06-25"),
    ("1950年6月25日", "LL", "ja", "1950-06-25"),
    ("1950/06/25", "YYYY/MM/DD", "en", "1950-06-25"),
    ("1950 06 25", "YYYY MM DD", "en", "1950-06-25"),
    ("1950-06-01:1950-06-30", None, "en", "1950-06"),  # our export's month range comes back as the month
    ("1950-01-01:1950-12-31", None, "en", "1950"),
    ("1978-08-05 ~ 1978-08-10", None, "en", "1978-08-05/1978-08-10"),  # Uwazi's export writes ranges with ~
    (":1999-12-31", None, "en", "../1999-12-31"),
    ("1950~", None, "en", "1950~"),
])
def test_dates(text: str, fmt: str | None, lang: str, edtf: str) -> None:
    assert parse_date(text, fmt, lang) == edtf


@pytest.mark.parametrize(("text", "fmt"), [("31/02/1950", "DD/MM/YYYY"), ("어느날", None), ("1950-13-01", None),
                                           ("Juno 25, 1950", "LL"), ("1951-01-01:1950-01-01", None), ("a~b~c", None)])
def test_unreadable_dates(text: str, fmt: str | None) -> None:
    with pytest.raises((DateError, ValueError)):
        parse_date(text, fmt, "en")


def test_coded_values_by_code_and_label_in_three_languages() -> None:
    assert [code_for("sex", v) for v in ("M", "Male", "남", "男性", "Femme")] == ["M", "M", "M", "M", None]
    assert [code_for("act_types", v) for v in ("arrest", "Abduction", "납치", "拉致")] == [
        "arrest", "abduction", "abduction", "abduction"]
    assert [code_for("victim_categories", v) for v in ("7", "정치범", "Political prisoners", "政治犯")] == ["7"] * 4
