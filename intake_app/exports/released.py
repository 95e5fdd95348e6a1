"""Redacted copies of released mentions: the only testimony data an exporter ever holds.

:func:`release_mention` is called by :func:`intake_app.exports.consent.decide` alone. It copies what an export may
use from one victim of one testimony, with the anonymity level already applied to the victim's names and to every
free-text field that could repeat them. It never copies the narrative, the interviewer's notes, act descriptions or
source notes (free words that can name anyone), the interviewee's pseudonym or the interviewer code (unless the
purpose is a prosecutor's file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intake_app.exports import anonymity
from intake_app.exports.anonymity import ShownName
from intake_app.records.edtf import UncertainDate, parse_edtf
from intake_app.records.interchange_model import Act, ConsentDecision, Perpetrator, Testimony


@dataclass(frozen=True)
class ReleasedPerpetrator:
    id: str | None
    name: str | None
    organ: str | None
    unit: str | None
    rank: str | None
    role: str | None
    description: str | None
    identification: str | None
    foreign_actor: str | None


@dataclass(frozen=True)
class ReleasedAct:
    id: str | None
    type: str
    date: UncertainDate | None
    date_text: str | None
    date_lunar: bool
    place: str | None
    place_code: str | None
    facility: str | None
    facility_code: str | None
    facility_type: str | None
    whereabouts: str | None
    source: str | None
    perpetrators: tuple[ReleasedPerpetrator, ...]


@dataclass(frozen=True)
class ReleasedStep:
    date: UncertainDate | None
    body: str | None
    action: str
    response: str | None


@dataclass(frozen=True)
class SourceIdentity:
    """Only for a prosecutor's file."""

    pseudonym: str
    interviewer: str
    relation: str | None


@dataclass(frozen=True)
class ReleasedMention:
    mention: str
    testimony_id: str
    victim_id: str
    person_key: str
    source_number: int
    anonymity: str
    basis: Mapping[str, tuple[ConsentDecision, ...]]
    names: tuple[ShownName, ...]
    pseudonym: str | None
    group: bool
    group_size: int | None
    sex: str | None
    birth: UncertainDate | None
    birth_text: str | None
    origin: str | None
    origin_place: str | None
    categories: tuple[int, ...]
    status: str | None
    reasons: tuple[str, ...]
    acts: tuple[ReleasedAct, ...]
    steps_taken: tuple[ReleasedStep, ...]
    source_identity: SourceIdentity | None

    def basis_json(self) -> dict[str, Any]:
        """The consent basis by purpose: value, date and conditions as recorded (no other content)."""
        out: dict[str, Any] = {}
        for purpose, decisions in self.basis.items():
            out[purpose] = [{k: v for k, v in (("value", d.value), ("date", d.date.edtf if d.date else None),
                                                ("anonymity", d.anonymity or anonymity.DEFAULT_LEVEL),
                                                ("conditions", d.conditions)) if v is not None} for d in decisions]
        return out


def _year_only(date: UncertainDate | None) -> UncertainDate | None:
    if date is None:
        return None
    low, high = date.lower.year, date.upper.year
    if date.lower == dt.date.min or date.upper == dt.date.max:
        return None
    return parse_edtf(f"{low}" if low == high else f"{low}/{high}")


def _perpetrator(p: Perpetrator, forms: set[str]) -> ReleasedPerpetrator:
    clean = anonymity.scrub
    return ReleasedPerpetrator(p.id, clean(p.name, forms), p.organ, clean(p.unit, forms), clean(p.rank, forms),
                               clean(p.role, forms), clean(p.description, forms), p.identification, p.foreign_actor)


def _act(a: Act, forms: set[str]) -> ReleasedAct:
    clean = anonymity.scrub
    return ReleasedAct(a.id, a.type, a.date, clean(a.date_text, forms), a.date_lunar, clean(a.place, forms),
                       a.place_code, clean(a.facility, forms), a.facility_code, a.facility_type, a.whereabouts, a.source,
                       tuple(_perpetrator(p, forms) for p in a.perpetrators))


def release_mention(mention: str, testimony: Testimony, victim_id: str, *, source_number: int, level: str,
                    basis: Mapping[str, tuple[ConsentDecision, ...]], person_key: str,
                    with_source_identity: bool) -> ReleasedMention:
    """The redacted copy of one victim of ``testimony`` at anonymity ``level``."""
    victim = next(v for v in testimony.victims if v.id == victim_id)
    full = level == "full_name"
    # Free text is scrubbed of the victim's names unless the full name may leave anyway.
    forms = set() if full else anonymity.name_forms(victim.names)
    clean = anonymity.scrub
    identity = None
    if with_source_identity:
        identity = SourceIdentity(testimony.interviewee.pseudonym, testimony.interview.interviewer,
                                  testimony.interviewee.relation)
    return ReleasedMention(
        mention=mention, testimony_id=str(testimony.id), victim_id=victim_id, person_key=person_key,
        source_number=source_number, anonymity=level, basis=dict(basis),
        names=anonymity.shown_names(victim.names, level, person_key),
        pseudonym=anonymity.pseudonym_for(person_key) if level == "pseudonym" else None,
        group=victim.group, group_size=victim.group_size, sex=victim.sex,
        birth=victim.birth if full else _year_only(victim.birth),
        birth_text=victim.birth_text if full else None,
        origin=victim.origin if full else None, origin_place=victim.origin_place,
        categories=victim.categories, status=victim.status, reasons=victim.reasons,
        acts=tuple(_act(a, forms) for a in victim.acts),
        steps_taken=tuple(ReleasedStep(s.date, clean(s.body, forms), clean(s.action, forms) or "",
                                       clean(s.response, forms)) for s in victim.steps_taken),
        source_identity=identity,
    )
