"""Frozen dataclasses for one testimony as the interchange format carries it.

Attribute names equal the JSON keys (see :mod:`intake_app.records.interchange_schema`). Optional values are ``None``,
optional lists are empty tuples. Dates are :class:`~intake_app.records.edtf.UncertainDate` values, so their derived bounds
are at hand (``act.date.lower``); the EDTF text and the words as said (``date_text``) are both kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake_app.records.edtf import UncertainDate


@dataclass(frozen=True, kw_only=True)
class Name:
    """One written form of a person's name."""

    hangul: str | None = None
    hanja: str | None = None
    roman: str | None = None
    system: str | None = None
    type: str | None = None

    def display(self) -> str:
        """Hangul (or hanja) with the romanised form in brackets when both exist."""
        native = self.hangul or self.hanja
        if native and self.roman:
            return f"{native} ({self.roman})"
        return native or self.roman or ""


@dataclass(frozen=True, kw_only=True)
class Perpetrator:
    """Involvement of a perpetrator (a person and/or a state organ unit) in an act."""

    id: str | None = None
    name: str | None = None
    organ: str | None = None
    unit: str | None = None
    rank: str | None = None
    role: str | None = None
    description: str | None = None
    identification: str | None = None
    foreign_actor: str | None = None


@dataclass(frozen=True, kw_only=True)
class Act:
    """Something that happened to a victim; ``follows`` names the act before it in a chain."""

    type: str
    id: str | None = None
    date: UncertainDate | None = None
    date_text: str | None = None
    date_lunar: bool = False
    place: str | None = None
    place_code: str | None = None
    facility: str | None = None
    facility_code: str | None = None
    facility_type: str | None = None
    follows: str | None = None
    whereabouts: str | None = None
    source: str | None = None
    source_note: str | None = None
    perpetrators: tuple[Perpetrator, ...] = ()
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class Step:
    """A step taken by relatives or others to find the person (HURIDOCS intervention; WGEID element (e))."""

    action: str
    date: UncertainDate | None = None
    body: str | None = None
    response: str | None = None


@dataclass(frozen=True, kw_only=True)
class Victim:
    """A disappeared person (or a group of people) named in the testimony."""

    id: str | None = None
    names: tuple[Name, ...] = ()
    group: bool = False
    group_size: int | None = None
    sex: str | None = None
    birth: UncertainDate | None = None
    birth_text: str | None = None
    birth_lunar: bool = False
    origin: str | None = None
    origin_place: str | None = None
    categories: tuple[int, ...] = ()
    status: str | None = None
    reasons: tuple[str, ...] = ()
    acts: tuple[Act, ...] = ()
    steps_taken: tuple[Step, ...] = ()
    notes: str | None = None
    nationality: str | None = None
    identity_document: str | None = None
    occupation: str | None = None

    @property
    def display_name(self) -> str | None:
        """The first recorded name for lists, or None if the person is unnamed."""
        for name in self.names:
            if shown := name.display():
                return shown
        return None


@dataclass(frozen=True, kw_only=True)
class ConsentDecision:
    """The decision for one consent purpose."""

    value: str
    anonymity: str | None = None
    conditions: str | None = None
    date: UncertainDate | None = None

    @property
    def is_simple(self) -> bool:
        """True when only the value is set (written as a bare string in JSON)."""
        return self.anonymity is None and self.conditions is None and self.date is None


@dataclass(frozen=True, kw_only=True)
class Interview:
    """The testimony session."""

    date: UncertainDate
    language: str
    interviewer: str
    place: str | None = None
    interpreter: str | None = None
    mode: str | None = None


@dataclass(frozen=True, kw_only=True)
class Interviewee:
    """Who gave the testimony, by pseudonym only."""

    pseudonym: str
    relation: str | None = None


@dataclass(frozen=True, kw_only=True)
class Testimony:
    """One testimony: the interview, the interviewee, the narrative, consent and the victims it is about."""

    interview: Interview
    interviewee: Interviewee
    id: str | None = None
    narrative: str | None = None
    consent: tuple[tuple[str, ConsentDecision], ...] = ()
    victims: tuple[Victim, ...] = ()
    notes: str | None = None

    def consent_for(self, purpose: str) -> ConsentDecision | None:
        """The decision recorded for ``purpose``, or None if none was recorded (treat as not asked)."""
        return dict(self.consent).get(purpose)
