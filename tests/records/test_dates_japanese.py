"""Japanese dates as a Japanese family says them (issue 29, item 5): era years (明治…令和, 元年), 年月日, seasons,
頃 / 初め / 半ば / 末, kanji numerals, 主体 years, in the table style of the Korean one; and `intake dates interpret`."""

from __future__ import annotations

import json

import pytest

from intake_app.records.dates import interpret
from tests.conftest import Runner

INTERVIEW = "2024-05-02"

JAPANESE = [
    # the forms the newcomer's Japanese family gave (issue 29)
    ("昭和53年7月", "1978-07"),
    ("昭和35年", "1960"),
    ("1960年7月", "1960-07"),
    ("平成3年", "1991"),
    # every era, its first year (元年) and its last
    ("明治元年", "1868"), ("明治45年", "1912"), ("大正元年", "1912"), ("大正15年", "1926"), ("昭和元年", "1926"),
    ("昭和64年", "1989"), ("平成元年", "1989"), ("平成31年", "2019"), ("令和元年", "2019"), ("令和6年", "2024"),
    # 年月日, full-width and kanji numerals
    ("令和元年5月1日", "2019-05-01"), ("昭和52年11月15日", "1977-11-15"), ("１９７８年７月", "1978-07"),
    ("昭和五十三年七月", "1978-07"), ("昭和三十五年", "1960"), ("一九七八年", "1978"), ("1977年11月15日", "1977-11-15"),
    # seasons
    ("昭和53年春", "1978-21"), ("1978年の夏", "1978-22"), ("昭和53年秋", "1978-23"), ("1978年冬", "1978-24"),
    # 頃 / 初め / 半ば / 末 and their kin
    ("昭和53年頃", "1978~"), ("1978年ごろ", "1978~"), ("昭和53年7月頃", "1978-07~"), ("1978年春頃", "1978-21~"),
    ("昭和53年初め", "1978-01/1978-04"), ("昭和53年半ば", "1978-05/1978-08"), ("昭和53年末", "1978-09/1978-12"),
    ("平成3年の終わり", "1991-09/1991-12"), ("1978年7月初め", "1978-07-01/1978-07-10"),
    ("1978年7月上旬", "1978-07-01/1978-07-10"), ("1978年7月中旬", "1978-07-11/1978-07-20"),
    ("1978年7月下旬", "1978-07-21/1978-07-31"), ("1978年7月末", "1978-07-21/1978-07-31"),
    ("昭和53年7月下旬頃", "1978-07-21~/1978-07-31~"), ("1960年代", "196X"), ("たぶん昭和53年", "1978?"),
    # 主体 (Juche) years written in Japanese
    ("主体87年", "1998"), ("主体87年春", "1998-21"), ("チュチェ87年", "1998"),
    # lunar
    ("旧暦1978年3月", "1978-04-08/1978-05-06"),
]


@pytest.mark.parametrize(("said", "edtf"), JAPANESE)
def test_japanese_dates(said: str, edtf: str) -> None:
    found = interpret(said, interview_date=INTERVIEW)
    assert found is not None, said
    assert found.edtf == edtf
    assert found.text == said  # the words as said are kept


@pytest.mark.parametrize("said", ["昭和65年", "大正16年", "明治46年", "平成32年", "昭和0年", "令和100年", "昭和53年13月",
                                  "昭和五十三年の日本", "日本", "年"])
def test_era_years_that_never_were_and_other_words_are_not_understood(said: str) -> None:
    assert interpret(said, interview_date=INTERVIEW) is None


def test_korean_is_untouched() -> None:
    for said, edtf in (("2011년 가을쯤", "2011-23~"), ("주체87년 봄", "1998-21"), ("6ㆍ25 때", None)):
        found = interpret(said, interview_date=INTERVIEW)
        if edtf is not None:
            assert found is not None and found.edtf == edtf
        else:
            assert found is not None  # the anchor with its compatibility-jamo dot is still found


@pytest.mark.parametrize(("said", "edtf"), [("昭和53年7月", "1978-07"), ("昭和35年", "1960"), ("1960年7月", "1960-07"),
                                            ("平成3年", "1991"), ("令和元年", "2019"), ("主体87年春", "1998-21")])
def test_cli_dates_interpret_reads_japanese(intake: Runner, said: str, edtf: str) -> None:
    res = intake("--json", "dates", "interpret", said)
    assert res.returncode == 0, res
    assert json.loads(res.stdout)["edtf"] == edtf
