"""A seeded generator of interchange testimonies for the statistics tests and benchmark.

Each generated value comes with what it means, decided here and not by the product: dates carry their inclusive
bounds, perpetrators their agency, places their country, facilities their type. The tests compute the expected counts
from these with plain Python, so the product's own parsing and bucketing are checked, not reused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

MIN, MAX = dt.date.min, dt.date.max


@dataclass
class GDate:
    text: str
    lower: dt.date
    upper: dt.date


def _year(y: int) -> GDate:
    return GDate(str(y), dt.date(y, 1, 1), dt.date(y, 12, 31))


def random_date(rng: random.Random, lo: int = 1950, hi: int = 2023) -> GDate:
    """A date in one of the EDTF forms people's answers become, with its bounds."""
    y = rng.randint(lo, hi)
    m = rng.randint(1, 12)
    form = rng.choice(["year", "year", "month", "day", "approx", "season", "winter", "decade", "interval",
                       "era_edge", "open"])
    if form == "year":
        return _year(y)
    if form == "approx":
        return GDate(f"{y}~", dt.date(y, 1, 1), dt.date(y, 12, 31))
    if form == "month":
        return GDate(f"{y}-{m:02d}", dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]))
    if form == "day":
        d = rng.randint(1, calendar.monthrange(y, m)[1])
        return GDate(f"{y}-{m:02d}-{d:02d}", dt.date(y, m, d), dt.date(y, m, d))
    if form == "season":
        s, (a, b) = rng.choice([(21, (3, 5)), (22, (6, 8)), (23, (9, 11))])
        return GDate(f"{y}-{s}", dt.date(y, a, 1), dt.date(y, b, calendar.monthrange(y, b)[1]))
    if form == "winter":  # Dec of y to Feb of y+1: spans two years
        return GDate(f"{y}-24", dt.date(y, 12, 1), dt.date(y + 1, 2, calendar.monthrange(y + 1, 2)[1]))
    if form == "decade":  # 199X: one decade, ten years
        d = y // 10 * 10
        return GDate(f"{str(d)[:3]}X", dt.date(d, 1, 1), dt.date(d + 9, 12, 31))
    if form == "interval":
        y2 = y + rng.randint(0, 2)
        return GDate(f"{y}/{y2}", dt.date(y, 1, 1), dt.date(y2, 12, 31))
    if form == "era_edge":  # June–September 1994, or December 2011 – January 2012: across an era boundary
        if rng.random() < 0.5:
            return GDate("1994-06/1994-09", dt.date(1994, 6, 1), dt.date(1994, 9, 30))
        return GDate("2011-12/2012-01", dt.date(2011, 12, 1), dt.date(2012, 1, 31))
    return GDate(f"../{y}", MIN, dt.date(y, 12, 31))


# (organ code or None, unit words or None, agency the source means, or None when no organ is named)
PERPETRATORS: list[tuple[str | None, str | None, str | None]] = [
    ("MSS", None, "MSS"), (None, "온성군 보위부", "MSS"), ("MSS_CITY_COUNTY", "회령시 보위부", "MSS"),
    ("MSS_PROVINCE", None, "MSS"), (None, "혜산 분주소", "MSOS"), ("MSOS_LOCAL", None, "MSOS"),
    ("BORDER_GUARD", None, "BORDER_GUARD"), ("CN_PSB", None, "CN_PSB"), (None, "도문 공안국", "CN_PSB"),
    ("MSB", None, "MSB"), (None, "모르는 사람들", None),
]
# (place_code, place words, country) — country None when the place is not in the place tree
PLACES: list[tuple[str | None, str | None, str | None]] = [
    ("KP.north_hamgyong.onsong", None, "KP"), ("KP.ryanggang.hyesan", "혜산", "KP"), (None, "혜산", "KP"),
    ("CN.yanji", None, "CN"), (None, "Yanji", "CN"), ("RU.vladivostok", None, "RU"), (None, "어딘가 산골", None),
    (None, None, None),
]
# (facility_code, facility words, facility_type code, expected type)
FACILITIES: list[tuple[str | None, str | None, str | None, str | None]] = [
    ("kwalliso_15", None, None, "kwalliso"), (None, "요덕", None, "kwalliso"), (None, None, "kyohwaso", "kyohwaso"),
    (None, None, "jipkyulso", "jipkyulso"), (None, "어느 창고", None, None), (None, None, None, None),
]
ACT_TYPES = ["arrest", "detention", "interrogation", "forced_repatriation", "transfer", "last_seen", "abduction"]
STATUSES = ["missing", "deceased", "acknowledged", "unknown", None]
RELATIONS = ["self", "mother", "sister", "fellow_detainee", "neighbour", None]
REASONS = ["escape_related", "guilt_by_association", "outside_contact", "religion", "other"]


@dataclass
class GVictim:
    doc: dict[str, Any]
    birth: GDate | None
    acts: list[dict[str, Any]] = field(default_factory=list)  # each: type, date (GDate|None), agencies, country, ftype
    person: int = -1  # the true person this victim is (several testimonies may report one person)


@dataclass
class GTestimony:
    doc: dict[str, Any]
    interview: GDate
    victims: list[GVictim]


def _act(rng: random.Random, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    kind = rng.choice(ACT_TYPES)
    doc: dict[str, Any] = {"id": f"a{index}", "type": kind}
    truth: dict[str, Any] = {"type": kind, "date": None, "agencies": set(), "country": None, "ftype": None}
    if rng.random() < 0.85:
        date = random_date(rng)
        doc["date"] = date.text
        truth["date"] = date
    code, words, country = rng.choice(PLACES)
    if code:
        doc["place_code"] = code
    if words:
        doc["place"] = words
    truth["country"] = country
    perps = []
    for _ in range(rng.choice([0, 1, 1, 2])):
        organ, unit, agency = rng.choice(PERPETRATORS)
        perp: dict[str, Any] = {}
        if organ:
            perp["organ"] = organ
        if unit:
            perp["unit"] = unit
        if rng.random() < 0.3:
            perp["rank"] = "상위"
        if agency:
            truth["agencies"].add(agency)
        perps.append(perp)
    if perps and rng.random() < 0.2 and not code and not words:
        perps[0]["foreign_actor"] = "CN"
        truth["country"] = "CN"
    if perps:
        doc["perpetrators"] = perps
    fcode, fwords, ftype, expected = rng.choice(FACILITIES)
    for key, value in (("facility_code", fcode), ("facility", fwords), ("facility_type", ftype)):
        if value:
            doc[key] = value
    truth["ftype"] = expected
    if rng.random() < 0.7:
        doc["source"] = rng.choice(["first_hand", "hearsay", "documentary"])
    return doc, truth


def victim(rng: random.Random, vid: str) -> GVictim:
    doc: dict[str, Any] = {"id": vid, "names": [{"hangul": rng.choice(["김철수", "리영길", "박순희", "최명호"])}]}
    birth = None
    if rng.random() < 0.8:
        birth = random_date(rng, 1930, 1995) if rng.random() < 0.3 else _year(rng.randint(1930, 1995))
        if birth.lower == MIN:
            birth = _year(1960)
        doc["birth"] = birth.text
    sex = rng.choice(["F", "M", "M", "unknown", None])
    if sex:
        doc["sex"] = sex
    cats = sorted(rng.sample(range(1, 11), rng.choice([0, 1, 1, 1, 2, 3])))
    if cats:
        doc["categories"] = cats
    status = rng.choice(STATUSES)
    if status:
        doc["status"] = status
    reasons = sorted(rng.sample(REASONS, rng.choice([0, 1, 1, 2])))
    if reasons:
        doc["reasons"] = reasons
    g = GVictim(doc, birth)
    acts = []
    for i in range(rng.choice([0, 1, 2, 2, 3])):
        act_doc, truth = _act(rng, i)
        acts.append(act_doc)
        g.acts.append(truth)
    if acts:
        doc["acts"] = [dict(a, id=f"{vid}a{j}") for j, a in enumerate(acts)]
    return g


def testimony(rng: random.Random, number: int) -> GTestimony:
    interview = rng.choice([GDate("2023-05-02", dt.date(2023, 5, 2), dt.date(2023, 5, 2)), _year(2024),
                            GDate("2023/2024", dt.date(2023, 1, 1), dt.date(2024, 12, 31))])
    doc: dict[str, Any] = {"interview": {"date": interview.text, "language": "ko",
                                         "interviewer": rng.choice(["I-01", "I-02", "I-03"])},
                           "interviewee": {"pseudonym": f"W-{number}"},
                           "consent": {"perpetrator_profiling": rng.choice(["granted", "refused"])}}
    relation = rng.choice(RELATIONS)
    if relation:
        doc["interviewee"]["relation"] = relation
    victims = [victim(rng, f"v{i}") for i in range(rng.choice([0, 1, 1, 2, 3]))]
    if victims:
        doc["victims"] = [v.doc for v in victims]
    return GTestimony(doc, interview, victims)


def corpus(seed: int, n: int, duplicates: int = 0) -> list[GTestimony]:
    """``n`` testimonies; the first ``duplicates`` victims found are reported again by a later testimony (same person,
    copied facts), so the person unit has persons of two mentions."""
    rng = random.Random(seed)
    out = [testimony(rng, i) for i in range(n)]
    person = 0
    for t in out:
        for v in t.victims:
            v.person = person
            person += 1
    copied = 0
    for i, t in enumerate(out):
        if copied >= duplicates:
            break
        if not t.victims:
            continue
        target = out[(i + n // 2) % n]
        original = t.victims[0]
        vid = f"dup{copied}"
        doc = dict(original.doc, id=vid)
        if "acts" in doc:
            doc["acts"] = [dict(a, id=f"{vid}a{j}") for j, a in enumerate(doc["acts"])]
        twin = GVictim(doc, original.birth, list(original.acts), original.person)
        target.victims.append(twin)
        target.doc["victims"] = [v.doc for v in target.victims]
        copied += 1
    return out
