"""The consent decision for one testimony and one purpose, as a pure function of the testimony's revision graph.

:func:`intake_app.exports.consent.decide` reads the graph from the vault (HQ's ownership rule says which revision is
current and whether versions are in dispute: :func:`intake_app.records.revisions.record_state`) and calls
:func:`verdict`; nothing here reads a vault, so the rules are unit-tested table by table (tests/exports/
test_decision_table.py) in milliseconds.

Nothing here compares a date that a laptop or a person wrote. Which decision came after which is read from the
revision graph alone: a revision *descends from* another when the other is among its ancestors (its parents, their
parents, …). docs/exports.md §1 states the rules; :data:`RULES` is the ordered list of refusal rules, each a small
function returning its reason code or ``None``. Adding a refusal reason is: one entry in ``REASONS`` (consent.py), one
rule function, one place in :data:`RULES`, one row in the docs table and in the unit test's table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from intake_app.records.interchange_model import ConsentDecision, Testimony


@dataclass(frozen=True)
class Version:
    """One revision of a testimony: its id, its parents' ids, and its consent by purpose (``None``: a deletion, or
    content that can no longer be read; see ``unreadable``). The rules read nothing else of a revision."""

    id: str
    parents: tuple[str, ...]
    consent: Mapping[str, ConsentDecision] | None
    unreadable: bool = False

    @staticmethod
    def of(rev: str, parents: tuple[str, ...], testimony: Testimony | None, unreadable: bool = False) -> Version:
        """The version of a revision whose whole testimony is at hand (``None``: a deletion, or unreadable)."""
        return Version(rev, parents, None if testimony is None else dict(testimony.consent), unreadable)


@dataclass(frozen=True)
class History:
    """A testimony's revisions as HQ holds them, with HQ's reading of them.

    ``current`` is the revision HQ's ownership rule makes current; ``disputed`` is true while more than one version is
    in play (concurrent heads, or a version from a device that does not own the record waiting for the coordinator).
    """

    versions: Mapping[str, Version]
    current: str
    disputed: bool = False
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def ancestors(self, rev: str) -> frozenset[str]:
        """Every revision ``rev`` descends from (not ``rev`` itself); parents not present are skipped."""
        cached = self._ancestors.get(rev)
        if cached is not None:
            return cached
        seen: set[str] = set()
        stack = [p for p in self.versions[rev].parents if p in self.versions]
        while stack:
            item = stack.pop()
            if item not in seen:
                seen.add(item)
                stack.extend(p for p in self.versions[item].parents if p in self.versions and p not in seen)
        found = frozenset(seen)
        self._ancestors[rev] = found
        return found

    def decision(self, rev: str, purpose: str) -> ConsentDecision | None:
        consent = self.versions[rev].consent
        return None if consent is None else consent.get(purpose)


@dataclass(frozen=True)
class Verdict:
    """The reason code (a key of ``consent.REASONS``) and, when released, the decision it rests on."""

    reason: str
    decision: ConsentDecision | None = None

    @property
    def allowed(self) -> bool:
        return self.reason in ALLOWING


ALLOWING = frozenset({"granted", "conditional_accepted"})

Rule = Callable[[str, History, bool], str | None]


def _disputed(purpose: str, history: History, accept_conditions: bool) -> str | None:
    """Versions in play that the coordinator has not resolved: nothing leaves until one version is current."""
    del purpose, accept_conditions
    return "disputed" if history.disputed else None


def _current_readable(purpose: str, history: History, accept_conditions: bool) -> str | None:
    del purpose, accept_conditions
    current = history.versions[history.current]
    if current.unreadable:
        return "unreadable"
    return "deleted" if current.consent is None else None


def _value(purpose: str, history: History, accept_conditions: bool) -> str | None:
    """The current version's own decision: absent or ``not_asked``, ``refused`` and ``withdrawn`` refuse."""
    del accept_conditions
    decision = history.decision(history.current, purpose)
    if decision is None or decision.value == "not_asked":
        return "not_asked"
    if decision.value in ("refused", "withdrawn"):
        return decision.value
    if decision.value not in ("granted", "conditional"):
        return "not_asked"  # a value this code does not know never releases anything
    return None


def _withdrawn_earlier(purpose: str, history: History, accept_conditions: bool) -> str | None:
    """A withdrawal anywhere in the record beats the grant unless the grant was first recorded in a revision that
    descends from the withdrawal. The grant is the current decision as a whole (value, level, conditions, date); every
    revision carrying that same decision must descend from every withdrawing revision. So restoring a version saved
    before the withdrawal, re-typing the old grant, or a laptop that never saw the withdrawal cannot undo it, whatever
    dates anyone wrote; an unreadable revision counts as a withdrawal (it could have been one)."""
    del accept_conditions
    grant = history.decision(history.current, purpose)
    withdrawals = [rev for rev, v in history.versions.items()
                   if v.unreadable or ((d := history.decision(rev, purpose)) is not None and d.value == "withdrawn")]
    if not withdrawals:
        return None
    carrying = [rev for rev in history.versions if history.decision(rev, purpose) == grant]
    for withdrawal in withdrawals:
        if not all(withdrawal in history.ancestors(rev) for rev in carrying):
            return "withdrawn_earlier"
    return None


def _conditions(purpose: str, history: History, accept_conditions: bool) -> str | None:
    decision = history.decision(history.current, purpose)
    if decision is not None and decision.value == "conditional" and not accept_conditions:
        return "conditional"
    return None


RULES: tuple[Rule, ...] = (_disputed, _current_readable, _value, _withdrawn_earlier, _conditions)
"""The refusal rules, in order; the first that returns a reason decides. Order matters only for which reason is
reported: any one of them refuses."""


def verdict(purpose: str, history: History, accept_conditions: bool = False) -> Verdict:
    """Whether the current version of a testimony releases ``purpose``, and why (docs/exports.md §1)."""
    for rule in RULES:
        reason = rule(purpose, history, accept_conditions)
        if reason is not None:
            return Verdict(reason)
    decision = history.decision(history.current, purpose)
    assert decision is not None  # _value refused otherwise
    return Verdict("conditional_accepted" if decision.value == "conditional" else "granted", decision)
