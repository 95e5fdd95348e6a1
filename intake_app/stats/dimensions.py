"""The statistics dimensions and how a testimony's facts fall into their buckets.

Every fact belongs to a *mention*: a victim of a testimony (``TID/VID``), or the testimony itself for the interview's
own facts (``interview_year``, ``interviewer``, ``device``, ``relation``; these are copied to each victim of the
testimony too, so "victims by interviewer" needs no join). A mention may have several values for a dimension (a victim
in categories 4 and 7, acts in two countries); it counts in each.

Dates count by their EDTF bounds (qualifiers ignored): a date whose lower and upper bound fall in one bucket goes there;
one whose bounds span two buckets goes to none and is recorded as :data:`SPANS`, reported as such, never guessed.
The time dimensions (``year``, ``decade``, ``era``, ``age_band``) use the victim's *disappearance date*: the date of the
victim's earliest dated act (smallest lower bound; on a tie the narrower date). Rules in docs/statistics.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from intake_app.perpetrators.units import agency_of, parse_unit
from intake_app.records import vocabularies
from intake_app.records.edtf import UncertainDate
from intake_app.records.interchange_model import Act, Testimony, Victim

SPANS = "~spans"  # the value of a fact whose date bounds span buckets (no code of any dimension starts with "~")
UNKNOWN_CODES = frozenset({"unknown"})  # vocabulary codes that mean "not known": counted as unknown, not as a bucket

# Era boundaries as the issue gives them, at month granularity: Kim Il-sung until 1994-07, Kim Jong-il until 2011-12.
ERAS: tuple[tuple[str, dt.date, dt.date, str, str], ...] = (
    ("kim_il_sung", dt.date.min, dt.date(1994, 7, 31), "김일성 시대 (~1994.7)", "Kim Il-sung era (to July 1994)"),
    ("kim_jong_il", dt.date(1994, 8, 1), dt.date(2011, 12, 31), "김정일 시대 (1994.8~2011.12)",
     "Kim Jong-il era (Aug 1994 to Dec 2011)"),
    ("kim_jong_un", dt.date(2012, 1, 1), dt.date.max, "김정은 시대 (2012~)", "Kim Jong-un era (from 2012)"),
)
COUNTRIES = {"KP": ("북한 내", "Inside the DPRK"), "CN": ("중국", "China"), "RU": ("러시아", "Russia"),
             "other": ("기타 국가", "Other country")}

TESTIMONY_DIMS = ("relation", "interview_year", "interviewer", "device")
VICTIM_DIMS = ("category", "act_type", "organ", "facility_type", "reason", "year", "decade", "era", "country", "sex",
               "age_band", "status")
STAGED_DIMS = ("organ", "country")  # organ@arrest, country@arrest: the value among acts of that type only
DIMENSIONS = (*VICTIM_DIMS[:3], "organ@STAGE", *VICTIM_DIMS[3:9], "country@STAGE", *VICTIM_DIMS[9:], *TESTIMONY_DIMS)

Label = dict[str, str]
_VOCAB_OF = {"category": "victim_categories", "act_type": "act_types", "organ": "organs",
             "facility_type": "facility_types", "reason": "disappearance_reasons", "sex": "sex",
             "status": "whereabouts_status", "relation": "relations"}


@dataclass(frozen=True)
class DimSpec:
    """A parsed dimension name: ``organ@arrest`` is base ``organ`` at stage ``arrest``."""

    name: str
    base: str
    stage: str | None


def parse_dim(name: str) -> DimSpec:
    """Validate a dimension name; raises ValueError naming the known dimensions."""
    base, _, stage = name.partition("@")
    if base not in VICTIM_DIMS and base not in TESTIMONY_DIMS:
        raise ValueError(f"unknown dimension {name!r}; known: {', '.join(DIMENSIONS)}")
    if stage:
        if base not in STAGED_DIMS:
            raise ValueError(f"dimension {base!r} has no stages (only {', '.join(STAGED_DIMS)} do)")
        if stage not in vocabularies.load("act_types"):
            raise ValueError(f"unknown stage {stage!r}; stages are act types: "
                             f"{', '.join(vocabularies.load('act_types').codes())}")
    elif "@" in name:
        raise ValueError(f"dimension {name!r}: a stage must follow @")
    return DimSpec(name, base, stage or None)


def label(dim: str, value: str, device_names: dict[str, str] | None = None) -> Label:
    """Korean and English labels of a bucket."""
    base = dim.partition("@")[0]
    vocab = _VOCAB_OF.get(base)
    if vocab is not None and value in vocabularies.load(vocab):
        entry = vocabularies.load(vocab).get(value)
        return {"ko": entry.ko, "en": entry.en}
    if base == "era":
        for code, _, _, ko, en in ERAS:
            if code == value:
                return {"ko": ko, "en": en}
    if base == "country" and value in COUNTRIES:
        ko, en = COUNTRIES[value]
        return {"ko": ko, "en": en}
    if base == "decade":
        return {"ko": f"{value}년대", "en": f"{value}s"}
    if base in ("year", "interview_year"):
        return {"ko": f"{value}년", "en": value}
    if base == "age_band":
        low = int(value)
        return {"ko": f"{low}–{low + 9}세", "en": f"{low}–{low + 9}"}
    if base == "device" and device_names and value in device_names:
        return {"ko": device_names[value], "en": device_names[value]}
    return {"ko": value, "en": value}


def sort_key(dim: str, value: str) -> tuple[int, int | str]:
    """Buckets in a natural order: vocabulary order, time order, else by code."""
    base = dim.partition("@")[0]
    vocab = _VOCAB_OF.get(base)
    if vocab is not None and value in vocabularies.load(vocab):
        return 0, vocabularies.load(vocab).codes().index(value)
    if base in ("year", "decade", "age_band", "interview_year") and value.isdigit():
        return 0, int(value)
    if base == "era":
        return 0, [e[0] for e in ERAS].index(value) if value in [e[0] for e in ERAS] else 99
    if base == "country":
        return 0, list(COUNTRIES).index(value) if value in COUNTRIES else 99
    return 1, value


# ---- buckets of dates
def _bucket(date: UncertainDate | None, of: Callable[[dt.date], str]) -> str | None:
    if date is None:
        return None
    low, high = of(date.lower), of(date.upper)
    return low if low == high else SPANS


def _era(day: dt.date) -> str:
    for code, start, end, _, _ in ERAS:
        if start <= day <= end:
            return code
    raise AssertionError("eras cover every date")


def _is_open(date: UncertainDate) -> bool:
    return date.lower == dt.date.min or date.upper == dt.date.max


def year_bucket(date: UncertainDate | None) -> str | None:
    if date is not None and _is_open(date):
        return SPANS
    return _bucket(date, lambda d: str(d.year))


def decade_bucket(date: UncertainDate | None) -> str | None:
    if date is not None and _is_open(date):
        return SPANS
    return _bucket(date, lambda d: str(d.year // 10 * 10))


def era_bucket(date: UncertainDate | None) -> str | None:
    return _bucket(date, _era)


def _age(birth: dt.date, at: dt.date) -> int:
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def age_band(birth: UncertainDate | None, when: UncertainDate | None) -> str | None:
    """Age at disappearance in bands of ten years: youngest and oldest possible age must fall in one band."""
    if birth is None or when is None:
        return None
    if _is_open(birth) or _is_open(when):
        return SPANS
    youngest, oldest = _age(birth.upper, when.lower), _age(birth.lower, when.upper)
    if oldest < 0:
        return None  # a date before birth is an error in the record, not an age
    low, high = max(youngest, 0) // 10 * 10, oldest // 10 * 10
    return str(low) if low == high else SPANS


def disappearance_date(victim: Victim) -> UncertainDate | None:
    """The date of the earliest dated act (smallest lower bound, then the narrower)."""
    dated = [a.date for a in victim.acts if a.date is not None]
    if not dated:
        return None
    return min(dated, key=lambda d: (d.lower, d.upper))


# ---- acts
def act_country(act: Act) -> str | None:
    """Country of an act: its place code's root, else its place words in the place tree, else a foreign actor."""
    code = act.place_code
    if code is None and act.place:
        entry = vocabularies.lookup("places", act.place)
        code = entry.code if entry is not None else None
    if code is not None:
        root = code.split(".", 1)[0]
        return root if root in COUNTRIES else "other"
    for perp in act.perpetrators:
        if perp.foreign_actor:
            return perp.foreign_actor if perp.foreign_actor in COUNTRIES else "other"
    return None


def act_organs(act: Act) -> set[str]:
    """Agencies of the act's perpetrators: the organ code, else the unit words (온성군 보위부 → MSS)."""
    found = set()
    for perp in act.perpetrators:
        unit = parse_unit(perp.unit, perp.organ)
        if unit is not None:
            found.add(agency_of(unit.agency))
    return found


def act_facility_type(act: Act) -> str | None:
    if act.facility_type:
        return act.facility_type
    code = act.facility_code
    if code is None and act.facility:
        entry = vocabularies.lookup("facilities", act.facility)
        code = entry.code if entry is not None else None
    if code is not None and code in vocabularies.load("facilities"):
        value = vocabularies.load("facilities").get(code).attr("facility_type")
        return None if value is None else str(value)
    return None


# ---- facts of a testimony
Fact = tuple[str, str]


def _known(values: Iterable[str | None]) -> list[str]:
    return [v for v in values if v is not None and v not in UNKNOWN_CODES]


def testimony_facts(testimony: Testimony, device: str | None) -> list[Fact]:
    interview = testimony.interview
    facts: list[Fact] = [("interviewer", interview.interviewer)]
    year = year_bucket(interview.date)
    if year is not None:
        facts.append(("interview_year", year))
    if device:
        facts.append(("device", device))
    if testimony.interviewee.relation:
        facts.append(("relation", testimony.interviewee.relation))
    return facts


def victim_facts(victim: Victim) -> list[Fact]:
    """Every (dimension, value) of one victim, duplicates removed, SPANS kept as a value."""
    facts: set[Fact] = set()
    facts.update(("category", str(c)) for c in victim.categories)
    facts.update(("reason", r) for r in victim.reasons)
    for dim, value in (("sex", victim.sex), ("status", victim.status)):
        facts.update((dim, v) for v in _known([value]))
    when = disappearance_date(victim)
    for dim, value in (("year", year_bucket(when)), ("decade", decade_bucket(when)), ("era", era_bucket(when)),
                       ("age_band", age_band(victim.birth, when))):
        if value is not None:
            facts.add((dim, value))
    for act in victim.acts:
        facts.add(("act_type", act.type))
        organs = act_organs(act)
        facts.update(("organ", o) for o in organs)
        facts.update((f"organ@{act.type}", o) for o in organs)
        country = act_country(act)
        if country is not None:
            facts.add(("country", country))
            facts.add((f"country@{act.type}", country))
        facility = act_facility_type(act)
        if facility is not None:
            facts.add(("facility_type", facility))
    return sorted(facts)


def victim_key(victim: Victim, index: int) -> str:
    """The victim's part of a mention: its stable id, or ``#index`` for a record saved before ids existed."""
    return victim.id or f"#{index}"
