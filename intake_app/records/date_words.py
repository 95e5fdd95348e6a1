"""The words and patterns a spoken date is read with: seasons, months, parts of a period, qualifiers, Juche years,
relative years, fillers — in Korean and English. Data for :mod:`intake_app.records.dates`; no logic.
"""

from __future__ import annotations

import re

JUCHE_OFFSET = 1911  # Juche 1 = 1912

SEASONS = {"봄": 21, "여름": 22, "가을": 23, "겨울": 24, "spring": 21, "summer": 22, "autumn": 23, "fall": 23,
            "winter": 24}
SEASON_NAMES = {21: ("봄", "spring"), 22: ("여름", "summer"), 23: ("가을", "autumn"), 24: ("겨울", "winter")}
# Fixed English names: calendar.month_name follows the process locale, which a Korean desktop may have set.
MONTH_NAMES_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")
MONTHS_EN = {name.lower(): i for i, name in enumerate(MONTH_NAMES_EN, 1)} | {
    name[:3].lower(): i for i, name in enumerate(MONTH_NAMES_EN, 1)} | {"sept": 9}
PART_NAMES = {"early": ("초", "early"), "mid": ("중반", "mid"), "late": ("말", "late")}

APPROX = re.compile(
    r"쯤|경|무렵|즈음|정도|대략|약|approximately|approx\.?|around|about|circa|roughly|\bca\.|\bc\.|~")
UNCERTAIN = re.compile(r"\?|아마도?|\bprobably\b|\bmaybe\b|\bperhaps\b|\bpossibly\b")
LUNAR = re.compile(r"음력|\blunar(?: calendar)?\b")
JUCHE = re.compile(r"주체\s*(\d{1,3})\s*년?|\bjuche\s*(?:year\s*)?(\d{1,3})\b")
ISO = re.compile(r"\b(\d{4})[-./](\d{1,2})(?:[-./](\d{1,2}))?\b")
DECADE = re.compile(r"(\d{3})0\s*년대|\b(?:the\s+)?(\d{3})0'?s\b")
YEAR = re.compile(r"(\d{4})\s*년?도?")
YEAR2 = re.compile(r"(?<![\d\w'])(\d{2})\s*년도?(?!\s*대)|(?<!\w)'(\d{2})\b|\bin\s+(\d{2})$")
DECADE2 = re.compile(r"(?<!\d)(\d)0\s*년대|\b(?:the\s+)?'?(\d)0'?s\b")
RELATIVE_YEAR = re.compile(r"재작년|그러께|작년|지난해|올해|금년|\bthe year before last\b|\blast year\b|\bthis year\b")
RELATIVE_OFFSETS = {"재작년": -2, "그러께": -2, "작년": -1, "지난해": -1, "올해": 0, "금년": 0, "the year before last": -2,
                     "last year": -1, "this year": 0}
LAST_SEASON = re.compile(r"지난\s*(봄|여름|가을|겨울)|\blast\s+(spring|summer|autumn|fall|winter)\b")
INTERCALARY = re.compile(r"윤\s*달?\s*(\d{1,2})\s*월|(\d{1,2})\s*월\s*윤달|윤달")
MONTH_KO = re.compile(r"(\d{1,2})\s*월")
DAY_KO = re.compile(r"(\d{1,2})\s*일")
MONTH_EN = re.compile(r"\b(" + "|".join(sorted(MONTHS_EN, key=len, reverse=True)) + r")\b\.?")
DAY_EN = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\b")
SEASON = re.compile(r"봄|여름|가을|겨울|\bspring\b|\bsummer\b|\bautumn\b|\bfall\b|\bwinter\b")
PART = re.compile(
    r"초순|초반|초기|초|중순|중반|중엽|하순|후반|말기|말|\bearly\b|\bmid(?:dle)?\b(?:\s+of\b)?-?|\blate\b|\bend\s+of\b")
FILLER = re.compile(r"[\s,.\-/]|년|\bof\b|\bin\b|\bthe\b|\bon\b|\bsometime\b|\byear\b|에|께")

# --- Japanese (issue 29): read by rewriting into the forms above (date_phrases.from_japanese) ---------------------
# Japanese eras: first Gregorian year (元年) and the last year number each reached. Sources: the Cabinet Office's
# era-name announcements (平成 1989-01-08, 令和 2019-05-01) and the 元号法 of 1979; see docs/dates.md.
JAPANESE_ERAS = {"明治": (1868, 45), "大正": (1912, 15), "昭和": (1926, 64), "平成": (1989, 31), "令和": (2019, 99)}
JAPANESE_ERA = re.compile(r"(明治|大正|昭和|平成|令和)\s*(元|[0-9〇一二三四五六七八九十]{1,4})\s*年(?!代)")
KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
KANJI_NUMBER = re.compile(r"[〇零一二三四五六七八九十]{1,4}(?=\s*[年月日])")
JAPANESE_CHARS = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Longest first: each pair rewrites a Japanese word into the Korean word the rules above already understand.
JAPANESE_WORDS: tuple[tuple[str, str], ...] = (
    ("チュチェ", "주체"), ("主体", "주체"), ("旧暦", "음력"), ("陰暦", "음력"), ("新暦", "양력"),
    ("年代", "년대"), ("年初め", "년 초"), ("年始", "년 초"), ("年初", "년 초"), ("年末", "년 말"), ("月末", "월 말"),
    ("の初め", " 초"), ("初め", " 초"), ("はじめ", " 초"), ("上旬", " 초순"), ("初旬", " 초순"),
    ("の半ば", " 중반"), ("半ば", " 중반"), ("中旬", " 중순"), ("中頃", " 중반"), ("なかば", " 중반"),
    ("の終わり", " 말"), ("終わり", " 말"), ("下旬", " 하순"), ("の末", " 말"), ("末", " 말"),
    ("ごろ", " 쯤"), ("ころ", " 쯤"), ("頃", " 쯤"), ("ぐらい", " 쯤"), ("くらい", " 쯤"), ("約", "약 "),
    ("たぶん", "아마 "), ("多分", "아마 "), ("おそらく", "아마 "),
    ("春", " 봄 "), ("夏", " 여름 "), ("秋", " 가을 "), ("冬", " 겨울 "),
    ("年", "년 "), ("月", "월 "), ("日", "일 "), ("の", " "), ("に", " "), ("、", " "), ("。", " "),
)
