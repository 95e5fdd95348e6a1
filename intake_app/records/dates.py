"""Dates as people say them: the words of a testimony ("주체87년 봄", "2011년 가을쯤", "음력 3월", "고난의 행군 때")
turned into an EDTF value with bounds and an explanation in Korean and English.

A date is stored as the words said, an EDTF value (:mod:`intake_app.records.edtf`, which parses and bounds it), and
inclusive lower/upper bounds derived from the EDTF value for sorting and filtering.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from intake_app.records import date_phrases, lunar
from intake_app.records import date_words as words
from intake_app.records.edtf import SEASON_MONTHS, DateError, UncertainDate, last_day, parse_edtf, season_bounds

# The value types are part of this module's interface too (callers interpret and parse through one import).
__all__ = ["DateError", "Interpretation", "UncertainDate", "anchor_bounds", "interpret", "mentions_age", "parse_edtf"]

# --- Interpreting what people say -------------------------------------------------------------------------------

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
    intercalary: bool = False
    anchor: str | None = None


@dataclass(frozen=True)
class _Context:
    """What a spoken date may be relative to: the victim's birth date and the interview date (else today)."""

    birth: UncertainDate | None
    reference: dt.date
    reference_is_interview: bool


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
    intercalary: bool = False
    two_digit: str | None = None
    relative: str | None = None

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


def _pivot(two_digits: int, reference: dt.date) -> int:
    """The year ending in ``two_digits`` that is not after the reference year (the latest such year)."""
    year = reference.year // 100 * 100 + two_digits
    return year if year <= reference.year else year - 100


def _take_year(said: _Said, ctx: _Context | None = None) -> bool:
    """Find the year (Juche, ISO, decade or plain); False if the text names an impossible month."""
    if (m := said.take(words.JUCHE)) is not None:
        said.juche = int(m[1] or m[2])
        said.year = said.juche + words.JUCHE_OFFSET
    if said.year is None and (m := said.take(words.ISO)) is not None:
        said.year, said.month = int(m[1]), int(m[2])
        said.day = int(m[3]) if m[3] else None
        if said.day is None and said.month in SEASON_MONTHS:
            said.season, said.month = said.month, None  # EDTF season written as 1998-21
        elif not 1 <= said.month <= 12:
            return False
    if said.year is None and (m := said.take(words.DECADE)) is not None:
        said.decade = int(m[1] or m[2])
    if said.year is None and said.decade is None and (m := said.take(words.YEAR)) is not None:
        said.year = int(m[1])
    if ctx is None:
        return True
    if said.year is None and said.decade is None and (m := said.take(words.RELATIVE_YEAR)) is not None:
        said.year = ctx.reference.year + words.RELATIVE_OFFSETS[m[0]]
        said.relative = m[0]
    if said.year is None and said.decade is None and (m := said.take(words.LAST_SEASON)) is not None:
        season = words.SEASONS[m[1] or m[2]]
        year = ctx.reference.year
        while season_bounds(year, season)[1] >= ctx.reference:
            year -= 1
        said.year, said.season, said.relative = year, season, m[0]
    if said.year is None and said.decade is None and (m := said.take(words.DECADE2)) is not None:
        said.decade = _pivot(int(m[1] or m[2]) * 10, ctx.reference) // 10
        said.two_digit = m[0].strip()
    if said.year is None and said.decade is None and (m := said.take(words.YEAR2)) is not None:
        said.year = _pivot(int(m[1] or m[2] or m[3]), ctx.reference)
        said.two_digit = (m[1] or m[2] or m[3])
    return True


def _extract(text: str, ctx: _Context | None = None) -> _Said | None:
    said = _Said(text.casefold())
    said.lunar = said.take(words.LUNAR) is not None
    said.rest = said.rest.replace("양력", " ")
    while said.take(words.UNCERTAIN):
        said.uncertain = True
    if not _take_year(said, ctx):
        return None
    if ctx is not None and (m := said.take(words.INTERCALARY)) is not None:
        said.lunar = said.intercalary = True
        if m[1] or m[2]:
            said.month = int(m[1] or m[2])
            if (d := said.take(words.DAY_KO)) is not None:
                said.day = int(d[1])
    if said.month is None and (m := said.take(words.MONTH_KO) or said.take(words.MONTH_EN)) is not None:
        said.month = int(m[1]) if m[1].isdigit() else words.MONTHS_EN[m[1]]
        if said.day is None and (d := said.take(words.DAY_KO) or said.take(words.DAY_EN)) is not None:
            said.day = int(d[1])
    if (m := said.take(words.SEASON)) is not None:
        said.season = words.SEASONS[m[0]]
    if (m := said.take(words.PART)) is not None:
        said.part = _part_code(m[0])
    while said.take(words.APPROX):
        said.approximate = True
    if words.FILLER.sub("", said.rest):
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
        days = {"early": (1, 10), "mid": (11, 20), "late": (21, last_day(said.year, said.month))}[part or "early"]
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
        en = f"{words.MONTH_NAMES_EN[said.month - 1]} {en}"
        if said.day is not None:
            ko += f" {said.day}일"
            en = f"{said.day} {en}"
    if said.season is not None:
        ko += f" {words.SEASON_NAMES[said.season][0]}"
        en = f"{words.SEASON_NAMES[said.season][1]} {en}"
    if said.part is not None:
        ko += f" {words.PART_NAMES[said.part][0]}"
        part_en = words.PART_NAMES[said.part][1]
        en = en.replace("the ", f"the {part_en} ") if said.decade else f"{part_en} {en}"
    quals_ko = [w for flag, w in ((said.approximate, "대략"), (said.uncertain, "불확실")) if flag]
    quals_en = [w for flag, w in ((said.approximate, "approximate"), (said.uncertain, "uncertain")) if flag]
    if said.juche is not None:
        quals_ko.append(f"주체{said.juche}년 = {said.year}년")
        quals_en.append(f"Juche {said.juche} = {said.year}")
    if said.two_digit is not None:
        quals_ko.append(f"두 자리 연도 {said.two_digit} → 면담일 이전의 가장 가까운 해")
        quals_en.append(f"two-digit year {said.two_digit}: the latest such year not after the interview")
    if said.relative is not None:
        quals_ko.append(f"'{said.relative}' = 면담일 기준")
        quals_en.append(f"'{said.relative}' counted from the interview date")
    if quals_ko:
        ko += f" ({', '.join(quals_ko)})"
        en += f" ({', '.join(quals_en)})"
    return ko, en


def _lunar_ends(said: _Said) -> tuple[dt.date, dt.date] | None:
    """The solar first and last days of a lunar date as said (a day, part of a month, a month, or a year)."""
    year, month, leap = said.year, said.month, said.intercalary
    if year is None or said.season is not None or said.decade is not None:
        return None
    try:
        if month is None:
            if leap or said.day is not None:
                return None
            if said.part is None:
                return lunar.year_span(year)
            first, last = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[said.part]
            end_leap = lunar.has_intercalary(year, last)
            return lunar.month_span(year, first)[0], lunar.month_span(year, last, end_leap)[1]
        if said.day is not None:
            day = lunar.to_solar(year, month, said.day, leap)
            return day, day
        start, end = lunar.month_span(year, month, leap)
        if said.part is None:
            return start, end
        length = (end - start).days + 1
        first, last = {"early": (1, 10), "mid": (11, 20), "late": (21, length)}[said.part]
        return start + dt.timedelta(days=first - 1), start + dt.timedelta(days=last - 1)
    except (lunar.LunarError, ValueError, OverflowError):
        return None


def _span_edtf(lower: dt.date, upper: dt.date, q: str = "") -> str:
    if lower == upper:
        return f"{lower.isoformat()}{q}"
    return f"{lower.isoformat()}{q}/{upper.isoformat()}{q}"


def _range_words(lower: dt.date, upper: dt.date) -> tuple[str, str]:
    lo = "" if lower == dt.date.min else lower.isoformat()
    hi = "" if upper == dt.date.max else upper.isoformat()
    if lower == upper:
        return lo, lo
    return f"{lo} ~ {hi}".strip(), (f"{lo} to {hi}" if lo and hi else f"from {lo}" if lo else f"until {hi}")


def _interpret_lunar(text: str, said: _Said) -> Interpretation | None:
    ends = _lunar_ends(said)
    if ends is None:
        return None
    parsed = parse_edtf(_span_edtf(*ends, _qualifier(said)))
    ko, en = _describe(replace(said, lunar=False, intercalary=False))
    leap_ko = "윤" if said.intercalary else ""
    ko = f"음력 {leap_ko}{ko}".replace(f"음력 {leap_ko}{said.year}년 {said.month}월",
                                     f"음력 {said.year}년 {leap_ko}{said.month}월")
    en = f"lunar {en}" + (" (intercalary month)" if said.intercalary else "")
    words_ko, words_en = _range_words(parsed.lower, parsed.upper)
    ko += f" = 양력 {words_ko}"
    en += f" = solar {words_en}"
    return Interpretation(text, parsed.edtf, parsed, ko, en, True, said.juche, said.intercalary)


# --- anchors, holidays and ages -----------------------------------------------------------------------------------

_N_YEARS = re.compile(
    r"(\d{1,3}|" + date_phrases.SINO_NUMBER + r"|" + date_phrases.NATIVE_NUMBER + r")\s*(?:년|해)\s*(전|이전|후|뒤|이후)"
    r"|\b(" + date_phrases.EN_NUMBER + r")\s+years?\s+(before|after|ago|later)\b")
_MODIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("right_after", re.compile(r"직후|바로\s*(?:후|뒤|다음)|\b(?:right|just|immediately|soon|shortly)\s+after\b")),
    ("right_before", re.compile(r"직전|바로\s*전|\b(?:right|just|immediately|shortly)\s+before\b")),
    ("around", re.compile(r"무렵|즈음|쯤|\baround(?:\s+the\s+time\s+of)?\b|\babout\s+the\s+time\s+of\b")),
    ("after", re.compile(r"이후|다음|후|뒤|나서|\bafter\b|\bsince\b|\bfollowing\b")),
    ("before", re.compile(r"이전|전|\bbefore\b|\bprior\s+to\b|\buntil\b")),
    ("during", re.compile(r"때|당시|시기|시절|동안|중에|\bduring\b|\bwhen\b|\bat\s+the\s+time\s+of\b|\bin\b")),
)
_MODIFIER_WORDS = {
    "during": ("때", "during"), "around": ("무렵", "around the time of"), "right_after": ("직후", "right after"),
    "right_before": ("직전", "right before"), "after": ("이후", "after"), "before": ("이전", "before"),
}
_ENDINGS = re.compile(
    r"[\s,.]|했을|하였을|되었을|됐을|었을|았을|였을|하던|되던|하고|되고|했던|였던|었던|이었|이던|던|했|하여|해서|되어|돼|된|한|"
    r"\bthe\b|\bof\b|\bdied\b|\bwas\b|\bhappened\b|\byears?\b|[은는이가을를의에도고서]")


def _anchor_span(anchor: date_phrases.Anchor) -> UncertainDate:
    return parse_edtf(anchor.edtf)


def anchor_bounds(anchor: date_phrases.Anchor, modifier: str, years: int = 0,
                  cap: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The bounds a modifier gives around an anchor's span [S, E] (docs/dates.md, "Events people date by")."""
    span = _anchor_span(anchor)
    start, end = span.lower, span.upper
    if modifier == "years_before":
        middle = date_phrases.add_years(start, -years)
        return date_phrases.add_months(middle, -6), date_phrases.add_months(middle, 6)
    if modifier == "years_after":
        middle = date_phrases.add_years(end, years)
        return date_phrases.add_months(middle, -6), date_phrases.add_months(middle, 6)
    if modifier == "during":
        return start, end
    if modifier == "around":
        return date_phrases.add_years(start, -1), date_phrases.add_years(end, 1)
    if modifier == "right_after":
        return end, date_phrases.add_years(end, 1)
    if modifier == "right_before":
        return date_phrases.add_years(start, -1), start
    if modifier == "after":
        return end, cap if cap is not None and cap >= end else dt.date.max
    return dt.date.min, start  # before


@dataclass
class _AnchorSaid:
    rest: str
    modifier: str = "during"
    years: int = 0
    approximate: bool = False
    uncertain: bool = False


def _anchor_modifier(rest: str) -> _AnchorSaid | None:
    """The modifier said with an anchor ("직후", "2년 전", "right after"); None if words are left over."""
    said = _AnchorSaid(rest)
    while (m := words.UNCERTAIN.search(said.rest)) is not None:
        said.uncertain, said.rest = True, said.rest[: m.start()] + " " + said.rest[m.end():]
    if (m := _N_YEARS.search(said.rest)) is not None:
        count_word, direction = (m[1], m[2]) if m[1] else (m[3], m[4])
        count = date_phrases.korean_number(count_word) if m[1] else date_phrases.english_number(count_word)
        if count is None or direction in ("ago", "later"):
            return None
        said.years = count
        said.modifier = "years_before" if direction in ("전", "이전", "before") else "years_after"
        said.rest = said.rest[: m.start()] + " " + said.rest[m.end():]
    else:
        for name, pattern in _MODIFIERS:
            if (m := pattern.search(said.rest)) is not None:
                said.modifier, said.rest = name, said.rest[: m.start()] + " " + said.rest[m.end():]
                break
    for name, pattern in _MODIFIERS:  # "전쟁 때 무렵": a second word that agrees, or "때" after another, is allowed
        if name in ("during", "around") and (m := pattern.search(said.rest)) is not None:
            said.approximate = said.approximate or name == "around"
            said.rest = said.rest[: m.start()] + " " + said.rest[m.end():]
    if _ENDINGS.sub("", said.rest):
        return None
    said.approximate = said.approximate or said.modifier in (
        "around", "right_after", "right_before", "years_before", "years_after")
    return said


def _anchor_edtf(anchor: date_phrases.Anchor, said: _AnchorSaid, lower: dt.date, upper: dt.date) -> str:
    q = "%" if said.approximate and said.uncertain else "~" if said.approximate else "?" if said.uncertain else ""
    if said.modifier == "during":
        return "/".join(p + q for p in anchor.edtf.split("/"))
    if upper == dt.date.max:
        return f"{lower.isoformat()}{q}/.."
    if lower == dt.date.min:
        return f"../{upper.isoformat()}{q}"
    return _span_edtf(lower, upper, q)


def _interpret_anchor(text: str, ctx: _Context) -> Interpretation | None:
    found = date_phrases.find_anchor(date_phrases.normalise(text))
    if found is None:
        return None
    anchor, rest = found
    said = _anchor_modifier(rest)
    if said is None:
        return None
    cap = ctx.reference if ctx.reference_is_interview else None
    try:
        lower, upper = anchor_bounds(anchor, said.modifier, said.years, cap)
    except (ValueError, OverflowError):
        return None
    parsed = parse_edtf(_anchor_edtf(anchor, said, lower, upper))
    words_ko, words_en = _range_words(parsed.lower, parsed.upper)
    span = _anchor_span(anchor)
    span_ko, span_en = _range_words(span.lower, span.upper)
    if said.modifier in ("years_before", "years_after"):
        before = said.modifier == "years_before"
        word_ko = f"{said.years}년 {'전' if before else '후'}"
        word_en = f"{said.years} year{'s' if said.years != 1 else ''} {'before' if before else 'after'}"
    else:
        word_ko, word_en = _MODIFIER_WORDS[said.modifier]
    ko = f"{anchor.ko}({span_ko}) {word_ko}: {words_ko}"
    en = f"{word_en} {anchor.en} ({span_en}): {words_en}"
    if said.modifier == "after" and cap is not None:
        ko, en = ko + " (면담일까지)", en + " (until the interview)"
    flags = ((said.approximate, "대략", "approximate"), (said.uncertain, "불확실", "uncertain"))
    if said.uncertain or said.approximate:
        ko += " (" + ", ".join(k for f, k, _ in flags if f) + ")"
        en += " (" + ", ".join(e for f, _, e in flags if f) + ")"
    ko += f" [기준 사건 {anchor.code}, 출처는 docs/dates.md]"
    en += f" [anchor {anchor.code}, sourced in docs/dates.md]"
    return Interpretation(text, parsed.edtf, parsed, ko, en, anchor=anchor.code)


_HOLIDAYS = {"설날": (1, 1, "설날", "Lunar New Year"), "구정": (1, 1, "설날", "Lunar New Year"),
             "설": (1, 1, "설날", "Lunar New Year"), "lunar new year": (1, 1, "설날", "Lunar New Year"),
             "정월 대보름": (1, 15, "정월 대보름", "Daeboreum"), "대보름": (1, 15, "정월 대보름", "Daeboreum"),
             "추석": (8, 15, "추석", "Chuseok"), "한가위": (8, 15, "추석", "Chuseok"), "chuseok": (8, 15, "추석", "Chuseok")}
_HOLIDAY = re.compile(r"(lunar new year|chuseok|정월\s*대보름|대보름|설날|구정|추석|한가위|(?<![가-힣])설(?![가-힣]))")


def _interpret_holiday(text: str, ctx: _Context) -> Interpretation | None:
    folded = " ".join(text.casefold().split())
    m = _HOLIDAY.search(folded)
    if m is None:
        return None
    said = _extract(folded[: m.start()] + " " + folded[m.end():], ctx)
    if said is None or said.year is None or said.month is not None or said.season or said.part or said.decade:
        return None
    month, day, ko_name, en_name = _HOLIDAYS[" ".join(m[1].split())]
    try:
        solar = lunar.to_solar(said.year, month, day)
    except lunar.LunarError:
        return None
    parsed = parse_edtf(f"{solar.isoformat()}{_qualifier(said)}")
    ko = f"{said.year}년 {ko_name} (음력 {month}월 {day}일) = 양력 {solar.isoformat()}"
    en = f"{en_name} {said.year} (lunar {month}/{day}) = solar {solar.isoformat()}"
    return Interpretation(text, parsed.edtf, parsed, ko, en, True, said.juche)


_AGE = re.compile(
    r"(만\s*)?(\d{1,3}|" + date_phrases.SINO_NUMBER + r"|" + date_phrases.NATIVE_NUMBER + r")\s*(?:살|세)"
    r"|\b(?:when\s+(?:he|she|they|i|we|you)\s+(?:was|were)|at\s+(?:the\s+)?age(?:\s+of)?|aged|at)\s+("
    + date_phrases.EN_NUMBER + r")(?:\s+years?\s+old)?\b")
_AGE_FILLER = re.compile(r"[\s,.]|때|적|무렵|쯤|경|에|이었을|였을|였던|이던|던|되던|되었을|됐을|\bthe\b|\bold\b|\bfull\b")


def mentions_age(text: str) -> bool:
    """True if the text gives an age ("47살 때", "when he was 20"), which needs the victim's birth date."""
    return _AGE.search(text.casefold()) is not None


def _interpret_age(text: str, ctx: _Context) -> Interpretation | None:
    folded = " ".join(text.casefold().split())
    m = _AGE.search(folded)
    if m is None or ctx.birth is None:
        return None
    full_age = bool(m[1]) or "full age" in folded
    age = date_phrases.korean_number(m[2]) if m[2] else date_phrases.english_number(m[3])
    rest = folded[: m.start()] + " " + folded[m.end():]
    approximate = False
    if (a := words.APPROX.search(rest)) is not None:
        approximate, rest = True, rest[: a.start()] + " " + rest[a.end():]
    if age is None or age > 130 or _AGE_FILLER.sub("", rest).replace("age", ""):
        return None
    born_low, born_high = ctx.birth.lower.year, ctx.birth.upper.year
    if ctx.birth.lower == dt.date.min or ctx.birth.upper == dt.date.max:
        return None
    # 만 나이 N: the event falls between the Nth and the (N+1)th birthday, so in year born+N or born+N+1.
    # 세는 나이 N: year - born + 1 = N, so the year born+N-1. Unless 만 is said, both are covered.
    first, last = (born_low + age, born_high + age + 1) if full_age else (born_low + age - 1, born_high + age + 1)
    if first < 1 or last > 9999:
        return None
    q = "~" if approximate else ""
    parsed = parse_edtf(f"{first:04d}{q}/{last:04d}{q}")
    if full_age:
        ko = f"만 {age}세: 출생 {ctx.birth.edtf} 기준 {first}년 ~ {last}년"
        en = f"aged {age} (full years): born {ctx.birth.edtf}, so {first} to {last}"
    else:
        ko = f"{age}살: 출생 {ctx.birth.edtf} 기준 {first}년 ~ {last}년 (세는 나이와 만 나이 모두 포함)"
        en = f"age {age}: born {ctx.birth.edtf}, so {first} to {last} (Korean age counting and full years both covered)"
    return Interpretation(text, parsed.edtf, parsed, ko, en)


_AGO = re.compile(
    r"(\d{1,3}|" + date_phrases.SINO_NUMBER + r"|" + date_phrases.NATIVE_NUMBER + r")\s*(?:년|해)\s*(?:전|이전)"
    r"|\b(" + date_phrases.EN_NUMBER + r")\s+years?\s+ago\b")


def _interpret_ago(text: str, ctx: _Context) -> Interpretation | None:
    folded = " ".join(text.casefold().split())
    m = _AGO.search(folded)
    if m is None:
        return None
    count = date_phrases.korean_number(m[1]) if m[1] else date_phrases.english_number(m[2])
    rest = folded[: m.start()] + " " + folded[m.end():]
    rest = words.APPROX.sub("", rest)
    if count is None or _AGE_FILLER.sub("", rest):
        return None
    try:
        middle = date_phrases.add_years(ctx.reference, -count)
        lower, upper = date_phrases.add_months(middle, -6), date_phrases.add_months(middle, 6)
    except (ValueError, OverflowError):
        return None
    parsed = parse_edtf(_span_edtf(lower, upper, "~"))
    what_ko, what_en = ("면담일", "the interview") if ctx.reference_is_interview else ("오늘", "today")
    ko = f"{what_ko}({ctx.reference.isoformat()}) {count}년 전, 앞뒤 6개월: {lower.isoformat()} ~ {upper.isoformat()}"
    en = (f"{count} year{'s' if count != 1 else ''} before {what_en} ({ctx.reference.isoformat()}), give or take six "
          f"months: {lower.isoformat()} to {upper.isoformat()}")
    return Interpretation(text, parsed.edtf, parsed, ko, en)


def _context(birth: str | None, interview_date: str | dt.date | None) -> _Context:
    born = parse_edtf(birth) if birth else None
    if isinstance(interview_date, dt.date):
        return _Context(born, interview_date, True)
    if interview_date:
        parsed = parse_edtf(interview_date)
        if parsed.upper == dt.date.max:
            raise DateError("the interview date needs a known end")
        return _Context(born, parsed.upper, True)
    return _Context(born, dt.date.today(), False)


def interpret(text: str, *, birth: str | None = None,
              interview_date: str | dt.date | None = None) -> Interpretation | None:
    """Understand a date as people say it (Korean, English or Japanese); None if the text is not understood.

    Handles years, Juche years (주체87년 = 1998), two-digit years (98년: the latest such year not after the interview),
    decades (1990년대, 90년대, 1990s), months, days, seasons (봄/spring...), early/mid/late (초/중순/말) of a month,
    year or decade as intervals, approximation words (쯤, 경, 무렵, 약, 대략, around, about, circa) as ``~``, "?" and
    "probably" as ``?``; lunar dates (음력, 윤달, 설날, 추석) converted to the solar calendar; events people date by
    (고난의 행군 때, 김일성 사망 직후, two years before Kim Il-sung died; intake_app/data/date_anchors.json); ages
    (스무 살 때, 만 47세, when he was 20) given ``birth`` (an EDTF value); and dates relative to ``interview_date``
    (EDTF text or a date; today when not given): 작년 겨울, 재작년, 3년 전, last winter, three years ago. Text that is
    already EDTF is accepted as is. Unknown words give None so the caller keeps the words as said. A ``birth`` or
    ``interview_date`` that is not valid EDTF raises :class:`DateError`. The rules are in docs/dates.md.
    """
    ctx = _context(birth, interview_date)
    # Japanese is read by rewriting it into the Korean forms; None for an era year that never was (昭和65年).
    stripped = date_phrases.from_japanese(text.strip()) if isinstance(text, str) and len(text) <= 200 else None
    if not stripped:
        return None
    try:
        parsed = parse_edtf(stripped)
    except DateError:
        parsed = None
    said = _extract(stripped, ctx)
    if parsed is not None:
        if said is not None and _to_edtf(said) == parsed.edtf:
            ko, en = _describe(said)
        else:
            ko = f"{parsed.edtf} ({parsed.lower.isoformat()} ~ {parsed.upper.isoformat()})"
            en = f"{parsed.edtf} ({parsed.lower.isoformat()} to {parsed.upper.isoformat()})"
        return Interpretation(text, parsed.edtf, parsed, ko, en)
    if said is None:
        for special in (_interpret_holiday, _interpret_age, _interpret_ago, _interpret_anchor):
            try:
                found = special(stripped, ctx)
            except DateError:
                found = None
            if found is not None:
                return found
        return None
    if said.lunar:
        return _interpret_lunar(text, said)
    edtf = _to_edtf(said)
    if edtf is None:
        return None
    try:
        parsed = parse_edtf(edtf)
    except DateError:
        return None  # e.g. "2월 30일": well-formed words naming a day that does not exist
    ko, en = _describe(said)
    return Interpretation(text, parsed.edtf, parsed, ko, en, said.lunar, said.juche)
