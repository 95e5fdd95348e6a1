"""A perpetrator's profile: claims with their support, postings, attributed acts, counts and a timeline.

Every statement is a *claim*: a field (name, rank, role, unit, organ, description) with a value, the entries
(``TID/VID/AID/PID``) that support it, how each source knew (the act's ``source``: first-hand, hearsay, documentary),
the best identification confidence among them, and the dates of the acts it was said about. Claims of one field that
differ are listed side by side under ``disagreements``; nothing is dropped (a sanctions dossier needs the exculpatory
facts too). Each act carries its testimony's consent decision for ``perpetrator_profiling``: the profile shows it; what
may leave HQ is decided where exports enforce consent.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from intake_app.errors import UsageError
from intake_app.perpetrators.entries import IDENTIFICATION_ORDER
from intake_app.perpetrators.registry import Registry, kind_of, label_of
from intake_app.perpetrators.units import level_label, parse_key
from intake_app.persons.links import person_resolver
from intake_app.vault.vault import Vault

CLAIM_FIELDS = ("name", "rank", "role", "unit", "unit_words", "organ", "description")
# A unit's own claims: what it is called and which organ it belongs to (its people's ranks are claims about them).
UNIT_FIELDS = ("unit", "unit_words", "organ")
# Fields a person has one value of at a time: different values are a disagreement to show side by side.
SINGLE_VALUED = ("name", "rank", "unit", "organ")


@dataclass(frozen=True)
class Claim:
    field: str
    value: str
    mentions: tuple[str, ...]
    sources: tuple[str, ...]
    confidence: str
    dates: tuple[str, ...]


@dataclass(frozen=True)
class Posting:
    rank: str | None
    role: str | None
    unit: str | None
    unit_label: dict[str, str] | None
    start: str | None
    end: str | None
    mentions: tuple[str, ...]


@dataclass(frozen=True)
class ProfileAct:
    act: str
    entry: str
    victim: str
    victim_person: str
    act_type: str
    stage: str
    date: str | None
    date_lower: str | None
    date_upper: str | None
    place: str | None
    place_code: str | None
    facility: str | None
    testimony: str
    consent: str
    source: str | None
    identification: str | None
    identification_derived: bool
    interviewer: str


@dataclass(frozen=True)
class Profile:
    perpetrator: str
    kind: str
    label: dict[str, str]
    identifiers: tuple[Claim, ...]
    postings: tuple[Posting, ...]
    claims: tuple[Claim, ...]
    disagreements: tuple[dict[str, Any], ...]
    acts: tuple[ProfileAct, ...]
    counts: dict[str, int]
    timeline: tuple[dict[str, Any], ...]
    unit: dict[str, Any] | None = None
    subunits: tuple[dict[str, Any], ...] = field(default=())
    persons: tuple[dict[str, Any], ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The profile as JSON-ready data (``intake perpetrators show --json``)."""
        doc = dataclasses.asdict(self)
        for key in ("identifiers", "postings", "claims", "acts", "timeline", "subunits", "disagreements", "persons"):
            doc[key] = list(doc[key])
        return doc


def _best(levels: list[str]) -> str:
    known = [lvl for lvl in levels if lvl in IDENTIFICATION_ORDER]
    return min(known, key=IDENTIFICATION_ORDER.index) if known else "unknown"


def _claims(members: list[dict[str, Any]], fields: tuple[str, ...] = CLAIM_FIELDS) -> list[Claim]:
    support: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for m in members:
        for name in fields:
            # The unit claim is the parsed unit (three spellings of one unit are one claim); the words as said are
            # claims of their own, so nothing is lost.
            value = m.get("unit_text") if name == "unit_words" else m.get(name)
            if name == "unit" and not value:
                value = m.get("unit_text")
            if value:
                support[(name, str(value))].append(m)
    out = []
    for (name, value), ms in support.items():
        out.append(Claim(name, value, tuple(sorted(m["entry"] for m in ms)),
                         tuple(sorted({m.get("source") or "unknown" for m in ms})),
                         _best([m.get("identification") or "unknown" for m in ms]),
                         tuple(sorted({m["date"] for m in ms if m.get("date")}))))
    out.sort(key=lambda c: (CLAIM_FIELDS.index(c.field), -len(c.mentions), c.value))
    return out


def _postings(members: list[dict[str, Any]]) -> list[Posting]:
    groups: dict[tuple[str | None, str | None, str | None], list[dict[str, Any]]] = defaultdict(list)
    for m in members:
        if m.get("rank") or m.get("role") or m.get("unit"):
            groups[(m.get("rank"), m.get("role"), m.get("unit"))].append(m)
    out = []
    for (rank, role, unit), ms in groups.items():
        lows = [m["date_lower"] for m in ms if m.get("date_lower")]
        highs = [m["date_upper"] for m in ms if m.get("date_upper")]
        parsed = parse_key(unit) if unit else None
        out.append(Posting(rank, role, unit,
                           {"ko": parsed.label("ko"), "en": parsed.label("en")} if parsed else None,
                           min(lows) if lows else None, max(highs) if highs else None,
                           tuple(sorted(m["entry"] for m in ms))))
    out.sort(key=lambda p: (p.start or "9999", p.rank or "", p.unit or ""))
    return out


def _unit_info(registry: Registry, perpetrator: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    unit = parse_key(perpetrator)
    if unit is None:
        return None, []
    chain = []
    parent = unit.parent()
    while parent is not None:
        chain.append({"unit": parent.key, "label": {"ko": parent.label("ko"), "en": parent.label("en")}})
        parent = parent.parent()
    info = {"agency": unit.agency, "level": unit.level, "level_label": level_label(unit.level),
            "place_code": unit.place_code, "place": unit.place_text, "parents": chain}
    subunits = []
    for p in registry.listing("unit"):
        other = parse_key(p["perpetrator"])
        if other is None or other.key == unit.key:
            continue
        up = other.parent()
        while up is not None and up.key != unit.key:
            up = up.parent()
        if up is not None:
            subunits.append({"unit": other.key, "label": p["label"], "acts": p["acts"]})
    return info, subunits


def build_profile(vault: Vault, perpetrator: str) -> Profile:
    """The profile of one perpetrator (a ``P-…`` person, an unlinked entry, a ``unit:…`` or ``facility:…``)."""
    registry = Registry(vault)
    members = registry.members(perpetrator)
    name_row = vault.conn.execute("SELECT name FROM perpetrators WHERE id = ?", (perpetrator,)).fetchone()
    if not members and name_row is None:
        raise UsageError(f"no perpetrator {perpetrator}")
    person_of = person_resolver(vault)
    kind = kind_of(perpetrator)
    claims = _claims(members, UNIT_FIELDS if kind == "unit" else CLAIM_FIELDS) if kind != "facility" else []
    by_field: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_field[claim.field].append(claim)
    disagreements = [{"field": f, "claims": [dataclasses.asdict(c) for c in cs]}
                     for f, cs in by_field.items() if f in SINGLE_VALUED and len(cs) > 1]
    acts: dict[str, ProfileAct] = {}
    for m in members:
        if m["act"] in acts:
            continue
        acts[m["act"]] = ProfileAct(
            act=m["act"], entry=m["entry"], victim=m["victim"], victim_person=person_of(m["victim"]),
            act_type=m["act_type"], stage=m["act_type"], date=m.get("date"), date_lower=m.get("date_lower"),
            date_upper=m.get("date_upper"), place=m.get("place"), place_code=m.get("place_code"),
            facility=m.get("facility") or m.get("facility_code"), testimony=m["testimony"], consent=m["consent"],
            source=m.get("source"), identification=m.get("identification"),
            identification_derived=bool(m.get("identification_derived")), interviewer=m["interviewer"])
    ordered = sorted(acts.values(), key=lambda a: (a.date_lower or "9999", a.act))
    postings = _postings(members) if kind_of(perpetrator) == "person" else []
    timeline: list[dict[str, Any]] = [
        {"kind": "posting", "date_lower": p.start, "date_upper": p.end, "rank": p.rank, "role": p.role,
         "unit": p.unit, "mentions": list(p.mentions)} for p in postings]
    timeline += [{"kind": "act", "date_lower": a.date_lower, "date_upper": a.date_upper, "date": a.date,
                  "act_type": a.act_type, "act": a.act, "victim_person": a.victim_person} for a in ordered]
    timeline.sort(key=lambda e: (e["date_lower"] or "9999", e["kind"]))
    counts = {"acts": len(ordered), "victims": len({a.victim_person for a in ordered}),
              "testimonies": len({a.testimony for a in ordered}),
              "interviewers": len({a.interviewer for a in ordered}), "entries": len(members),
              "profiling_refused": sum(1 for a in ordered if a.consent in ("refused", "withdrawn"))}
    unit, subunits = _unit_info(registry, perpetrator) if kind == "unit" else (None, [])
    persons = _persons(registry, members) if kind != "person" else []
    return Profile(perpetrator=perpetrator, kind=kind_of(perpetrator),
                   label=label_of(perpetrator, members, name_row[0] if name_row else None),
                   identifiers=tuple(c for c in claims if c.field == "name"), postings=tuple(postings),
                   claims=tuple(claims), disagreements=tuple(disagreements), acts=tuple(ordered), counts=counts,
                   timeline=tuple(timeline), unit=unit, subunits=tuple(subunits), persons=tuple(persons))


def _persons(registry: Registry, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The individual perpetrators among a unit's (or facility's) entries, most acts first."""
    links = registry.links()
    names = {str(i): str(n) for i, n in registry.conn.execute("SELECT id, name FROM perpetrators WHERE name IS NOT NULL")}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in members:
        person = registry.perpetrators_of(m, links).get("person")
        if person is not None:
            groups[person].append(m)
    out: list[dict[str, Any]] = [
        {"perpetrator": p, "label": label_of(p, ms, names.get(p)), "acts": len({m["act"] for m in ms}),
         "entries": sorted(m["entry"] for m in ms)} for p, ms in groups.items()]
    out.sort(key=lambda p: (-p["acts"], p["perpetrator"]))
    return out
