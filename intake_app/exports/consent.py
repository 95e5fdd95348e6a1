"""The one place that decides what may leave HQ: for a purpose and a set of mentions, which mentions are released, at
which anonymity level, and under which conditions (issue 16; COI record-keeping rule, A/HRC/25/63 §23).

Every exporter receives a :class:`Release` and nothing else from the vault. A ``Release`` can only be built by
:func:`decide` (its constructor demands a private token), and it carries redacted copies of the released mentions
(:mod:`intake_app.exports.released`), never the testimonies: the narrative, the interviewee's pseudonym and the
interviewer code are not in it, except for the one purpose that needs them (``prosecutors``).

The rules, per testimony and purpose:

- a purpose not recorded, or recorded as ``not_asked``, counts as refused; ``refused`` and ``withdrawn`` refuse;
- ``withdrawn`` wins over every earlier grant: if any revision of the testimony (from any device, any branch of its
  history) withdrew the purpose, a grant counts only if it is dated strictly after the withdrawal (the withdrawal's
  date, or the day its revision was saved when undated). A laptop that never saw the withdrawal cannot undo it;
- while a testimony has unresolved concurrent versions, every version must allow the purpose, and the most
  restrictive of their levels and all of their conditions apply;
- ``conditional`` releases the mention only with ``accept_conditions``; the conditions are shown either way;
- the anonymity level is the one recorded with the decision (``anonymised`` when none is), the most restrictive over
  every purpose required; names of a person released through several mentions take the most restrictive of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from intake_app.archive import store as reference_store
from intake_app.errors import RefusedError, UsageError
from intake_app.exports import anonymity
from intake_app.exports.released import ReleasedMention, release_mention
from intake_app.records import interchange, vocabularies
from intake_app.records.interchange_model import ConsentDecision, Testimony
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault

EXPORT_PURPOSES = ("wgeid", "un_other", "publication", "reports", "prosecutors", "government_partners",
                   "perpetrator_profiling", "photos_documents")
SOURCE_IDENTITY_PURPOSES = frozenset({"prosecutors"})
"""The only purpose for which the interviewee's pseudonym and the interviewer code may leave (a prosecutor's file)."""

_GATE = object()

REASONS: dict[str, dict[str, str]] = {
    "granted": {"en": "consent granted", "ko": "동의함"},
    "conditional_accepted": {"en": "consent given with conditions, acknowledged", "ko": "조건부 동의 (조건 확인함)"},
    "conditional": {"en": "consent given with conditions that were not acknowledged",
                    "ko": "조건부 동의이나 조건을 확인하지 않음"},
    "refused": {"en": "consent refused", "ko": "동의하지 않음"},
    "withdrawn": {"en": "consent withdrawn", "ko": "동의 철회"},
    "withdrawn_earlier": {"en": "consent was withdrawn in an earlier version; no grant is dated after the withdrawal",
                          "ko": "이전 판에서 동의가 철회됨; 철회 이후 날짜의 동의가 없음"},
    "not_asked": {"en": "consent not asked", "ko": "동의를 묻지 않음"},
    "versions_disagree": {"en": "unresolved versions of the testimony disagree about this consent",
                          "ko": "증언의 충돌하는 판들이 이 동의에 대해 서로 다름"},
    "deleted": {"en": "the testimony was deleted", "ko": "증언이 삭제됨"},
    "unknown_testimony": {"en": "no such testimony in this vault", "ko": "이 금고에 없는 증언"},
    "unknown_victim": {"en": "the testimony no longer has this victim", "ko": "증언에 이 피해자가 더 이상 없음"},
}
# Issue 31 (archive import): a reference record comes from an outside archive; its consent is unknown, so it never
# leaves, whatever the purpose (docs/archive-import.md, "Consent").
REASONS["reference_only"] = {"en": "a reference record from an outside archive (consent unknown): it never leaves",
                             "ko": "외부 기록물의 참조 기록 (동의 알 수 없음): 반출하지 않음"}


class ConsentRefused(RefusedError):
    """Nothing may leave for this purpose (exit 1); the message names the reasons, never content."""


@dataclass(frozen=True)
class Exclusion:
    mention: str
    reason: str  # a key of REASONS
    purpose: str

    def to_json(self) -> dict[str, Any]:
        return {"mention": self.mention, "purpose": self.purpose, "reason": self.reason, "why": REASONS[self.reason]}


@dataclass(frozen=True)
class Condition:
    """Conditions recorded with a ``conditional`` decision, shown before export and acknowledged or not."""

    mention: str
    purpose: str
    text: str
    acknowledged: bool


@dataclass(frozen=True)
class Release:
    """What may leave for one export. Only :func:`decide` builds one; exporters read nothing else."""

    token: object = field(repr=False, compare=False)
    purpose: str
    also_required: tuple[str, ...]
    included: tuple[ReleasedMention, ...]
    excluded: tuple[Exclusion, ...]
    conditions: tuple[Condition, ...]
    accept_conditions: bool
    source_identity: bool

    def __post_init__(self) -> None:
        if self.token is not _GATE:
            raise TypeError("a Release is made only by intake_app.exports.consent.decide")

    @property
    def purposes(self) -> tuple[str, ...]:
        return (self.purpose, *self.also_required)

    @property
    def anonymity(self) -> str:
        """The level applied to names released through several mentions at once (the most restrictive)."""
        return anonymity.most_restrictive([m.anonymity for m in self.included]) if self.included else "anonymised"

    def anonymity_for(self, mentions: Iterable[str]) -> str:
        wanted = set(mentions)
        return anonymity.most_restrictive([m.anonymity for m in self.included if m.mention in wanted])

    def mention(self, mention: str) -> ReleasedMention | None:
        return next((m for m in self.included if m.mention == mention), None)

    def summary(self) -> dict[str, Any]:
        """What the coordinator sees before writing, and what the audit entry records (ids and reasons only)."""
        return {
            "purpose": self.purpose,
            "also_required": list(self.also_required),
            "included": [{"mention": m.mention, "source": m.source_number, "anonymity": m.anonymity,
                          "basis": m.basis_json()} for m in self.included],
            "excluded": [e.to_json() for e in self.excluded],
            "conditions": [{"mention": c.mention, "purpose": c.purpose, "text": c.text, "acknowledged": c.acknowledged}
                           for c in self.conditions],
            "anonymity": self.anonymity,
            "source_identity": self.source_identity,
        }


def require(release: Release, *purposes: str) -> None:
    """Every exporter's first call: ``release`` must be a genuine Release made by :func:`decide` for these purposes,
    with something in it. A look-alike object, or a release made for another purpose, is refused."""
    if type(release) is not Release or release.token is not _GATE:
        raise TypeError("not a Release made by consent.decide")
    if not set(purposes) <= set(release.purposes):
        raise ConsentRefused(f"this release was made for {', '.join(release.purposes)}, not {', '.join(purposes)}")
    if not release.included:
        raise ConsentRefused(refusal_message(release))


def refusal_message(release: Release) -> str:
    reasons = sorted({REASONS[e.reason]["en"] for e in release.excluded}) or ["no mention was given"]
    hint = ""
    if any(e.reason == "conditional" for e in release.excluded):
        hint = "; read the conditions and pass --accept-conditions to acknowledge them"
    return (f"no mention allows {' + '.join(release.purposes)} ({len(release.excluded)} excluded: "
            f"{'; '.join(reasons)}){hint}; nothing was written")


@dataclass(frozen=True)
class _Verdict:
    reason: str
    decisions: tuple[ConsentDecision, ...]

    @property
    def allowed(self) -> bool:
        return self.reason in ("granted", "conditional_accepted")


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def _verdict(purpose: str, heads: Sequence[Testimony], history: Sequence[tuple[str, Testimony]],
             accept_conditions: bool) -> _Verdict:
    decisions = [t.consent_for(purpose) for t in heads]
    values = {d.value if d is not None else "not_asked" for d in decisions}
    if "withdrawn" in values:
        return _Verdict("withdrawn", ())
    if "refused" in values:
        return _Verdict("refused", ())
    if "not_asked" in values:
        return _Verdict("not_asked" if len(values) == 1 else "versions_disagree", ())
    present = tuple(d for d in decisions if d is not None)
    # The latest withdrawal anywhere in the history; a grant must be dated after it.
    withdrawn_at: dt.date | None = None
    for saved_at, version in history:
        d = version.consent_for(purpose)
        if d is not None and d.value == "withdrawn":
            when = d.date.upper if d.date is not None else _day(saved_at)
            withdrawn_at = when if withdrawn_at is None or when > withdrawn_at else withdrawn_at
    if withdrawn_at is not None and any(d.date is None or d.date.lower <= withdrawn_at for d in present):
        return _Verdict("withdrawn_earlier", ())
    if "conditional" in values:
        return _Verdict("conditional_accepted" if accept_conditions else "conditional", present)
    return _Verdict("granted", present)


def _parse_mention(mention: str) -> tuple[str, str]:
    parts = mention.split("/")
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"{mention!r} is not a mention (TESTIMONY_ID/VICTIM_ID)")
    return parts[0], parts[1]


def _versions(store: RecordStore, record_id: str) -> tuple[list[Testimony], list[tuple[str, Testimony]]] | str:
    """(current heads, every revision with its save time), or an exclusion reason."""
    try:
        entries = store.history(record_id)
    except UsageError:
        return "unknown_testimony"
    history: list[tuple[str, Testimony]] = []
    heads: list[Testimony] = []
    for entry in entries:
        content = store.revision_content(entry.revision)
        if content is None:
            if entry.is_current:
                return "deleted"
            continue
        version = interchange.validate(content)
        history.append((entry.created_at, version))
        if entry.is_head:
            heads.append(version)
    return (heads, history) if heads else "deleted"


def decide(vault: Vault, purpose: str, mentions: Iterable[str], *, also_required: Sequence[str] = (),
           accept_conditions: bool = False, person_of: dict[str, str] | None = None) -> Release:
    """Decide, for ``purpose`` (and every purpose in ``also_required``), which of ``mentions`` may leave.

    ``person_of`` maps a mention to its person key (for pseudonyms); a mention missing from it is its own person.
    Returns the :class:`Release` (possibly with nothing included: exporters then refuse). Never raises for refused
    consent; raises :class:`UsageError` for an unknown purpose or a malformed mention id.
    """
    wanted = (purpose, *[p for p in also_required if p != purpose])
    purposes_vocab = vocabularies.load("consent_purposes")
    for p in wanted:
        if p not in EXPORT_PURPOSES or p not in purposes_vocab:
            raise UsageError(f"unknown export purpose {p!r} (one of {', '.join(EXPORT_PURPOSES)})")
    ordered = sorted(dict.fromkeys(mentions))
    store = RecordStore(vault)
    cache: dict[str, tuple[list[Testimony], list[tuple[str, Testimony]]] | str] = {}
    included: list[ReleasedMention] = []
    excluded: list[Exclusion] = []
    conditions: list[Condition] = []
    for mention in ordered:
        record_id, victim_id = _parse_mention(mention)
        if reference_store.is_reference(vault.conn, record_id):  # issue 31: reference records never leave
            excluded.append(Exclusion(mention, "reference_only", purpose))
            continue
        if record_id not in cache:
            cache[record_id] = _versions(store, record_id)
        loaded = cache[record_id]
        if isinstance(loaded, str):
            excluded.append(Exclusion(mention, loaded, purpose))
            continue
        heads, history = loaded
        current = heads[-1]
        if not any(v.id == victim_id for v in current.victims):
            excluded.append(Exclusion(mention, "unknown_victim", purpose))
            continue
        verdicts = {p: _verdict(p, heads, history, accept_conditions) for p in wanted}
        for p, verdict in verdicts.items():
            conditions.extend(Condition(mention, p, d.conditions or "", accept_conditions)
                              for d in verdict.decisions if d.value == "conditional")
        refused = next(((p, v) for p, v in verdicts.items() if not v.allowed), None)
        if refused is not None:
            excluded.append(Exclusion(mention, refused[1].reason, refused[0]))
            continue
        levels = [d.anonymity or anonymity.DEFAULT_LEVEL for v in verdicts.values() for d in v.decisions]
        basis = {p: v.decisions for p, v in verdicts.items()}
        included.append(release_mention(
            mention, current, victim_id, source_number=len(included) + 1,
            level=anonymity.most_restrictive(levels), basis=basis,
            person_key=(person_of or {}).get(mention, mention),
            with_source_identity=bool(SOURCE_IDENTITY_PURPOSES & set(wanted))))
    return Release(_GATE, purpose, tuple(wanted[1:]), tuple(included), tuple(excluded), tuple(dict.fromkeys(conditions)),
                   accept_conditions, bool(SOURCE_IDENTITY_PURPOSES & set(wanted)))
