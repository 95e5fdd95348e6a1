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
