"""Redacted copies of released mentions: the only testimony data an exporter ever holds.

:func:`release_mention` is called by :func:`intake_app.exports.consent.decide` alone. It copies what an export may
use from one victim of one testimony, with the anonymity level already applied to the victim's names and to every
free-text field that could repeat them. It never copies the narrative, the interviewer's notes, act descriptions or
source notes (free words that can name anyone), the interviewee's pseudonym or the interviewer code (unless the
purpose is a prosecutor's file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from intake_app.exports import anonymity
from intake_app.exports.anonymity import ShownName
from intake_app.records.edtf import UncertainDate, parse_edtf
from intake_app.records.interchange_model import Act, ConsentDecision, Perpetrator, Testimony
from intake_app.vault import forget


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class ReleasedStep:
    date: UncertainDate | None
    body: str | None
    action: str
    response: str | None


@dataclass(frozen=True, slots=True)
class SourceIdentity:
    """Only for a prosecutor's file."""

    pseudonym: str
    interviewer: str
    relation: str | None


@dataclass(frozen=True, slots=True)
class ReleasedDecision:
    """A consent decision as it may leave: whether conditions were recorded, never their words (they can hold a phone
    number or a full name), and whether the coordinator acknowledged them."""

    value: str
    date: UncertainDate | None
    anonymity: str
    conditions: bool
    conditions_acknowledged: bool

    @staticmethod
    def of(decision: ConsentDecision, acknowledged: bool) -> ReleasedDecision:
        has = decision.value == "conditional" or decision.conditions is not None
        return ReleasedDecision(decision.value, decision.date, decision.anonymity or anonymity.DEFAULT_LEVEL, has,
                                has and acknowledged)


@dataclass(frozen=True, slots=True)
class ReleasedMention:
    mention: str
    testimony_id: str
    victim_id: str
    person_key: str
    reference: str
    source_number: int
    anonymity: str
    basis: Mapping[str, tuple[ReleasedDecision, ...]]
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
    # Who stands behind the consent (the interviewee's relation code, never a name) and the WGEID form's fields:
    # nationality (a code) always; identity document and occupation (free text) only at ``full_name``.
    interviewee_relation: str | None = None
    nationality: str | None = None
    identity_document: str | None = None
    occupation: str | None = None

    def basis_json(self) -> dict[str, Any]:
        """The consent basis by purpose: value, date, level, and whether conditions existed and were acknowledged
        (never the conditions' words)."""
        out: dict[str, Any] = {}
        for purpose, decisions in self.basis.items():
            out[purpose] = [{k: v for k, v in (("value", d.value), ("date", d.date.edtf if d.date else None),
                                                ("anonymity", d.anonymity),
                                                ("conditions", True if d.conditions else None),
                                                ("conditions_acknowledged", True if d.conditions else None))
                             if v is not None} for d in decisions]
        return out


_T = TypeVar("_T")


def _constructor(cls: type[_T]) -> Callable[..., _T]:
    """A function building ``cls`` (a frozen dataclass with slots, no field with a default factory) exactly as its
    ``__init__`` does, with the same signature and defaults, at half the cost: a frozen dataclass's ``__init__`` sets
    each field through ``object.__setattr__`` looked up per field, this one through the slot's own setter. An archive
    export builds hundreds of thousands of released copies (tests/exports/test_released.py compares the two)."""
    fields = dataclasses.fields(cast(Any, cls))
    plain = all(f.name.isidentifier() and not f.kw_only and f.default_factory is dataclasses.MISSING
                and isinstance(cls.__dict__.get(f.name), types.MemberDescriptorType) for f in fields)
    if not plain or hasattr(cls, "__post_init__"):
        raise RuntimeError(f"{cls.__name__}: not a frozen dataclass with slots")  # a programming error
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    parameters = []
    for f in fields:
        scope[f"_set_{f.name}"] = cls.__dict__[f.name].__set__  # the slot's member descriptor
        if f.default is dataclasses.MISSING:
            parameters.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"    _set_{f.name}(o, {f.name})\n" for f in fields)
    exec(f"def new({', '.join(parameters)}):\n    o = _new(_cls)\n{body}    return o\n", scope)  # noqa: S102
    new: Callable[..., _T] = scope["new"]
    new.__qualname__ = new.__name__ = f"new_{cls.__name__}"
    return new


_new_perpetrator = _constructor(ReleasedPerpetrator)
_new_act = _constructor(ReleasedAct)
_new_step = _constructor(ReleasedStep)
_new_mention = _constructor(ReleasedMention)


@forget.on_lock
@functools.lru_cache(maxsize=4096)  # a pure function of a frozen date: birth years repeat across an archive
def _year_only(date: UncertainDate | None) -> UncertainDate | None:
    if date is None:
        return None
    low, high = date.lower.year, date.upper.year
    if date.lower == dt.date.min or date.upper == dt.date.max:
        return None
    return parse_edtf(f"{low}" if low == high else f"{low}/{high}")


Clean = Callable[[str | None], str | None]


def _perpetrator(p: Perpetrator, clean: Clean) -> ReleasedPerpetrator:
    return _new_perpetrator(p.id, clean(p.name), p.organ, clean(p.unit), clean(p.rank), clean(p.role),
                               clean(p.description), p.identification, p.foreign_actor)


def _act(a: Act, clean: Clean) -> ReleasedAct:
    return _new_act(a.id, a.type, a.date, clean(a.date_text), a.date_lunar, clean(a.place), a.place_code,
                       clean(a.facility), a.facility_code, a.facility_type, a.whereabouts, a.source,
                       tuple([_perpetrator(p, clean) for p in a.perpetrators]))


def release_mention(mention: str, testimony: Testimony, victim_id: str, *, source_number: int, level: str,
                    basis: Mapping[str, tuple[ReleasedDecision, ...]], person_key: str, reference: str,
                    scrub_forms: AbstractSet[str], with_source_identity: bool) -> ReleasedMention:
    """The redacted copy of one victim of ``testimony`` at anonymity ``level``. ``scrub_forms`` are the name forms
    taken out of every free-text field (consent.decide passes every form of every person of the testimony that may
    not be named here)."""
    victim = next(v for v in testimony.victims if v.id == victim_id)
    full = level == "full_name"
    clean = anonymity.scrubber(scrub_forms)
    identity = None
    if with_source_identity:
        identity = SourceIdentity(testimony.interviewee.pseudonym, testimony.interview.interviewer,
                                  testimony.interviewee.relation)
    return _new_mention(
        mention=mention, testimony_id=str(testimony.id), victim_id=victim_id, person_key=person_key,
        reference=reference, source_number=source_number, anonymity=level, basis=dict(basis),
        names=anonymity.shown_names(victim.names, level, reference),
        pseudonym=reference if level == "pseudonym" else None,
        group=victim.group, group_size=victim.group_size, sex=victim.sex,
        birth=victim.birth if full else _year_only(victim.birth),
        birth_text=victim.birth_text if full else None,
        origin=victim.origin if full else None, origin_place=victim.origin_place,
        categories=victim.categories, status=victim.status, reasons=victim.reasons,
        acts=tuple([_act(a, clean) for a in victim.acts]),
        steps_taken=tuple([_new_step(s.date, clean(s.body), clean(s.action) or "", clean(s.response))
                           for s in victim.steps_taken]),
        source_identity=identity,
        interviewee_relation=testimony.interviewee.relation,
        nationality=victim.nationality,
        identity_document=clean(victim.identity_document) if full else None,
        occupation=clean(victim.occupation) if full else None,
    )
