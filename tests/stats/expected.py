"""Expected statistics computed from the generator's truth with plain Python (no product code).

The rules, restated from docs/statistics.md: a mention (a victim, or a testimony's own interview facts) has a set of
values per dimension; a date goes to the bucket holding both its bounds, else it "spans"; a unit counts in a bucket
when one of its mentions passing every filter has that value; total = units with a passing mention.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from tests.stats.generator import MAX, MIN, GDate, GTestimony, GVictim

SPANS = "SPANS"
KIS_END, KJI_END = dt.date(1994, 7, 31), dt.date(2011, 12, 31)


def _era(day: dt.date) -> str:
    return "kim_il_sung" if day <= KIS_END else "kim_jong_il" if day <= KJI_END else "kim_jong_un"


def _bucket(d: GDate | None, f: Any, open_spans: bool = True) -> str | None:
    if d is None:
        return None
    if open_spans and (d.lower == MIN or d.upper == MAX):
        return SPANS
    a, b = f(d.lower), f(d.upper)
    return a if a == b else SPANS


def _age(birth: dt.date, at: dt.date) -> int:
    years = at.year - birth.year
    if (at.month, at.day) < (birth.month, birth.day):
        years -= 1
    return years


def _age_band(birth: GDate | None, when: GDate | None) -> str | None:
    if birth is None or when is None:
        return None
    if MIN in (birth.lower, when.lower) or MAX in (birth.upper, when.upper):
        return SPANS
    lo = _age(birth.upper, when.lower)
    hi = _age(birth.lower, when.upper)
    if hi < 0:
        return None
    lo = max(lo, 0)
    return str(lo - lo % 10) if lo // 10 == hi // 10 else SPANS


def mention_values(t: GTestimony, v: GVictim | None, device: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    out["interviewer"].add(t.doc["interview"]["interviewer"])
    iy = _bucket(t.interview, lambda d: str(d.year))
    if iy:
        out["interview_year"].add(iy)
    out["device"].add(device)
    if t.doc["interviewee"].get("relation"):
        out["relation"].add(t.doc["interviewee"]["relation"])
    if v is None:
        return out
    doc = v.doc
    out["category"].update(str(c) for c in doc.get("categories", []))
    out["reason"].update(doc.get("reasons", []))
    if doc.get("sex") not in (None, "unknown"):
        out["sex"].add(doc["sex"])
    if doc.get("status") not in (None, "unknown"):
        out["status"].add(doc["status"])
    dated = [a["date"] for a in v.acts if a["date"] is not None]
    when = min(dated, key=lambda d: (d.lower, d.upper)) if dated else None
    for dim, value in (("year", _bucket(when, lambda d: str(d.year))),
                       ("decade", _bucket(when, lambda d: str(d.year - d.year % 10))),
                       ("era", _bucket(when, _era, open_spans=False)),
                       ("age_band", _age_band(v.birth, when))):
        if value is not None:
            out[dim].add(value)
    for act in v.acts:
        out["act_type"].add(act["type"])
        for agency in act["agencies"]:
            out["organ"].add(agency)
            out[f"organ@{act['type']}"].add(agency)
        if act["country"]:
            out["country"].add(act["country"])
            out[f"country@{act['type']}"].add(act["country"])
        if act["ftype"]:
            out["facility_type"].add(act["ftype"])
    return out


def expected(corpus: list[tuple[GTestimony, str, list[str]]], unit: str, by: list[str],
             where: list[tuple[str, str]] = (), person_of: dict[str, str] | None = None) -> dict[str, Any]:
    """``corpus``: (testimony, device, the stored mention id of each victim). Returns total, unknown, spans, rows."""
    mentions: list[tuple[Any, dict[str, set[str]]]] = []
    for index, (t, device, mention_ids) in enumerate(corpus):
        if unit == "testimony":
            mentions.append((index, mention_values(t, None, device)))
        for v, mention in zip(t.victims, mention_ids, strict=True):
            key: Any = index if unit == "testimony" else mention
            if unit == "person" and person_of is not None:
                key = person_of.get(mention, mention)
            mentions.append((key, mention_values(t, v, device)))
    wanted: dict[str, set[str]] = defaultdict(set)
    for dim, value in where:
        wanted[dim].add(value)
    counts: dict[tuple[str, ...], set[Any]] = defaultdict(set)
    population: set[Any] = set()
    spanning: set[Any] = set()
    for key, values in mentions:
        if any(not (values.get(dim, set()) & options) for dim, options in wanted.items()):
            continue
        population.add(key)
        combos: list[tuple[str, ...]] = [()]
        for dim in by:
            known = values.get(dim, set()) - {SPANS}
            if SPANS in values.get(dim, set()):
                spanning.add(key)
            combos = [(*c, x) for c in combos for x in known]
        for combo in combos:
            counts[combo].add(key)
    counted = set().union(*counts.values()) if counts else set()
    unknown = population - counted
    return {"total": len(population), "unknown": len(unknown), "spans": len(spanning & unknown),
            "rows": {combo: len(keys) for combo, keys in counts.items()}}
