"""The one place that decides what may leave HQ: for a purpose and a set of mentions, which mentions are released, at
which anonymity level, and under which conditions (issue 16; COI record-keeping rule, A/HRC/25/63 §23).

Every exporter receives a :class:`Release` and nothing else from the vault. A ``Release`` can only be built by
:func:`decide` (its constructor demands a private token), and it carries redacted copies of the released mentions
(:mod:`intake_app.exports.released`), never the testimonies: the narrative, the interviewee's pseudonym and the
interviewer code are not in it, except for the one purpose that needs them (``prosecutors``).

The rules, per testimony and purpose (the rule functions are in :mod:`intake_app.exports.decision`, docs/exports.md
§1 states them):

- only the version HQ's ownership rule makes current is read (:func:`intake_app.records.revisions.record_state`);
  while versions are in dispute (concurrent heads, a version from another device waiting) nothing leaves: ``disputed``;
- a purpose not recorded, or recorded as ``not_asked``, counts as refused; ``refused`` and ``withdrawn`` refuse;
- a withdrawal anywhere in the record's history beats a grant unless the grant was first recorded in a revision that
  descends from the withdrawal: ordered by the revision graph, never by a date a laptop or a person wrote;
- ``conditional`` releases the mention only with ``accept_conditions``; the conditions are shown to the coordinator
  either way, and never leave (an export says only that conditions existed and were acknowledged);
- the anonymity level is the one recorded with the decision (``anonymised`` when none is), the most restrictive over
  every purpose required and over every mention of the same person released together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from intake_app import collector
from intake_app.archive import store as reference_store
from intake_app.errors import RefusedError, UsageError
from intake_app.exports import anonymity, references
from intake_app.exports.decision import History, Verdict, Version, verdict
from intake_app.exports.released import ReleasedDecision, ReleasedMention, release_mention
from intake_app.records import consent_rows, revisions, vocabularies
from intake_app.records.consent_rows import RevisionConsent
from intake_app.records.interchange_model import Testimony
from intake_app.records.stored import load_checked
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
    "withdrawn_earlier": {"en": "consent was withdrawn, and the grant was not recorded after the withdrawal (in a "
                                "version that descends from it)",
                          "ko": "동의가 철회되었고, 그 이후(철회를 이어받은 판)에 새로 기록된 동의가 없음"},
    "disputed": {"en": "the testimony has versions in dispute; a coordinator must resolve them first",
                 "ko": "증언에 충돌하는 판이 있음; 조정자가 먼저 해결해야 함"},
    "unreadable": {"en": "the current version of the testimony cannot be read", "ko": "증언의 현재 판을 읽을 수 없음"},
    "not_asked": {"en": "consent not asked", "ko": "동의를 묻지 않음"},
    "versions_disagree": {"en": "unresolved versions of the testimony disagree about this consent (no longer given: "
                                "see disputed)", "ko": "증언의 충돌하는 판들이 이 동의에 대해 서로 다름"},
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


@dataclass(frozen=True, slots=True)
class Exclusion:
    mention: str
    reason: str  # a key of REASONS
    purpose: str

    def to_json(self) -> dict[str, Any]:
        return {"mention": self.mention, "purpose": self.purpose, "reason": self.reason, "why": REASONS[self.reason]}


@dataclass(frozen=True, slots=True)
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


def _parse_mention(mention: str) -> tuple[str, str]:
    parts = mention.split("/")
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"{mention!r} is not a mention (TESTIMONY_ID/VICTIM_ID)")
    return parts[0], parts[1]


def load_history(vault: Vault, record_id: str, keys: revisions.DeviceKeys | None = None) -> History | str:
    """The testimony's revision graph with HQ's reading of it (:func:`revisions.record_state`: the current version
    by the ownership rule, and whether versions are in dispute), or an exclusion reason.

    Each revision is read for its consent only (:func:`intake_app.records.consent_rows.read`): its stored bytes are
    checked against their SHA-256, and its consent is taken from the row derived where it entered when that row was
    derived from those same bytes, from the bytes otherwise. A revision that fails the check, or whose consent cannot
    be read, is ``unreadable``: counted as a possible withdrawal, and refused when current. ``keys``: the vault's
    device keys, loaded once by a caller deciding many testimonies."""
    found = _load(vault, record_id, keys)
    return found if isinstance(found, str) else found[0]


def _load(vault: Vault, record_id: str, keys: revisions.DeviceKeys | None,
          any_reference: bool = True) -> tuple[History, RevisionConsent] | str:
    """:func:`load_history`, with the current revision's row (its bytes, to read the whole testimony if released).
    ``any_reference``: False when the caller saw that the vault holds no reference record at all."""
    if any_reference and reference_store.is_reference(vault.conn, record_id):  # issue 31: they never leave
        return "reference_only"
    return _history(vault, record_id, consent_rows.read(vault.conn, record_id), keys)


def _parents(stored: str) -> tuple[str, ...]:
    """A revision's stored parents list (JSON) as a tuple; a first revision's ``[]`` without parsing it."""
    return () if stored == "[]" else tuple(json.loads(stored))


def _history(vault: Vault, record_id: str, rows: list[RevisionConsent],
             keys: revisions.DeviceKeys | None) -> tuple[History, RevisionConsent] | str:
    """The history of a testimony from every one of its revisions as :mod:`consent_rows` read them, with the current
    revision's row; ``unknown_testimony`` when there is none."""
    if len(rows) == 1:  # one revision (its parents are not here): it is current and alone, whoever owns the record
        row = rows[0]
        parents = _parents(row.parents)
        if row.id not in parents:
            return History({row.id: Version(row.id, parents, row.consent, row.unreadable)}, row.id), row
    found = revisions.current_and_sides(vault.conn, record_id, rows, keys)
    if found is None:
        return "unknown_testimony"
    current_id, sides = found
    versions = {row.id: Version(row.id, _parents(row.parents), row.consent, row.unreadable) for row in rows}
    current = next(row for row in rows if row.id == current_id)
    return History(versions, current_id, disputed=len(sides) > 1), current


def _current_testimony(record_id: str, row: RevisionConsent) -> Testimony | None:
    """The whole current testimony of a released record; None if it cannot be read. Its bytes are the row's, whose
    SHA-256 :mod:`consent_rows` compared with the revision's ``content_hash`` when it read them (a mismatch made the
    row ``unreadable``, and the rules refuse an unreadable current revision before a testimony is loaded): they are
    not hashed again."""
    if row.unreadable or row.tombstone:
        return None
    try:
        return load_checked(record_id, row.content)
    except (UsageError, ValueError):
        return None


def _conditions(mention: str, history: History, verdicts: dict[str, Verdict], accept: bool) -> list[Condition]:
    """The conditions of the current version's conditional decisions that the verdicts rest on."""
    consent = history.versions[history.current].consent
    if consent is None:
        return []
    return [Condition(mention, p, d.conditions or "", accept) for p, v in verdicts.items()
            if (d := consent.get(p)) is not None and d.value == "conditional" and v.reason.startswith("conditional")]


def _by_testimony(ordered: list[str]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The sorted mentions by testimony, each as (mention, victim id): sorted, the mentions of one testimony are next
    to each other (a record id holds no "/")."""
    record_id, group = "", list[tuple[str, str]]()
    for mention in ordered:
        mention_record, victim_id = _parse_mention(mention)
        if group and mention_record != record_id:
            yield record_id, group
            group = []
        record_id = mention_record
        group.append((mention, victim_id))
    if group:
        yield record_id, group


def _in_batches(ordered: list[str]) -> Iterator[list[tuple[str, list[tuple[str, str]]]]]:
    batch: list[tuple[str, list[tuple[str, str]]]] = []
    for item in _by_testimony(ordered):
        batch.append(item)
        if len(batch) == consent_rows.READ_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


Allowed = tuple[int, str, str, dict[str, Verdict]]
"""A released mention before redaction: its rank among the released (0, 1, …), mention id, victim id, verdicts."""


@dataclass
class _Releaser:
    """The redacted copies, made testimony by testimony as the decision goes (module text of :func:`decide`)."""

    vault: Vault
    purpose: str
    persons: dict[str, str]
    accept_conditions: bool
    source_identity: bool
    out: list[ReleasedMention | None] = field(default_factory=list)
    own_level: dict[str, str] = field(default_factory=dict)
    person_level: dict[str, str] = field(default_factory=dict)
    waiting: list[tuple[Testimony, list[Allowed]]] = field(default_factory=list)
    linked: frozenset[str] = frozenset()
    _key: bytes | None = None

    def __post_init__(self) -> None:
        self.linked = frozenset(self.persons) | frozenset(self.persons.values())

    def allow(self, testimony: Testimony, record_id: str, mentions: list[tuple[str, str, dict[str, Verdict]]]) -> None:
        """Every released mention of one testimony, in mention order."""
        allowed = []
        levels: dict[int, str] = {}  # the mentions of a testimony share their verdicts: one level per verdicts
        for mention, victim_id, verdicts in mentions:
            allowed.append((len(self.out), mention, victim_id, verdicts))
            self.out.append(None)
            level = levels.get(id(verdicts))
            if level is None:
                level = anonymity.most_restrictive([v.decision.anonymity or anonymity.DEFAULT_LEVEL
                                                    for v in verdicts.values() if v.decision is not None])
                levels[id(verdicts)] = level
            self.own_level[mention] = level
            person = self.persons.get(mention, mention)
            known = self.person_level.get(person)
            self.person_level[person] = level if known is None else anonymity.most_restrictive([known, level])
        # A testimony none of whose victims is linked to a person (nor is a person key) has every level it needs:
        # its persons are its own mentions. Any other waits until every mention has been decided.
        if str(testimony.id) == record_id and not any(f"{testimony.id}/{v.id}" in self.linked
                                                      for v in testimony.victims):
            self._release(testimony, allowed)
        else:
            self.waiting.append((testimony, allowed))

    def finish(self) -> tuple[ReleasedMention, ...]:
        for testimony, allowed in self.waiting:
            self._release(testimony, allowed)
        self.waiting = []
        assert all(m is not None for m in self.out)
        return tuple(m for m in self.out if m is not None)

    def _release(self, testimony: Testimony, allowed: list[Allowed]) -> None:
        """The redacted copies of one testimony's released mentions. A person released through several mentions
        takes the most restrictive of their levels in every one of them (names, birth, free text). Free text is
        scrubbed of every name form of every person of the testimony unless that person may be named at full name
        here. Each person gets its reference for this purpose and level (anonymity.reference)."""
        if self._key is None:
            self._key = references.key(self.vault)
        persons, person_level = self.persons, self.person_level
        # The forms scrubbed from the testimony's free text are the same for each of its mentions released at the
        # same choice of persons left unnamed: worked out once per choice.
        forms_of: dict[tuple[bool, ...], frozenset[str]] = {}
        bases: dict[int, dict[str, tuple[ReleasedDecision, ...]]] = {}  # the mentions of a testimony share verdicts
        for index, mention, victim_id, verdicts in allowed:
            person = persons.get(mention, mention)
            level = person_level[person]
            unnamed = []
            for victim in testimony.victims:
                other = f"{testimony.id}/{victim.id}"
                other_level = person_level.get(persons.get(other, other), self.own_level[mention])
                unnamed.append(level != "full_name" or other_level != "full_name")
            choice = tuple(unnamed)
            forms = forms_of.get(choice)
            if forms is None:
                forms = frozenset().union(*(anonymity.name_forms(victim.names)
                                            for victim, scrubbed in zip(testimony.victims, unnamed, strict=True)
                                            if scrubbed))
                forms_of[choice] = forms
            basis = bases.get(id(verdicts))
            if basis is None:
                basis = {p: (ReleasedDecision.of(v.decision, self.accept_conditions),) for p, v in verdicts.items()
                         if v.decision is not None}
                bases[id(verdicts)] = basis
            self.out[index] = release_mention(
                mention, testimony, victim_id, source_number=index + 1, level=level, basis=basis, person_key=person,
                reference=anonymity.reference(self._key, self.purpose, level, person), scrub_forms=forms,
                with_source_identity=self.source_identity)


def decide(vault: Vault, purpose: str, mentions: Iterable[str], *, also_required: Sequence[str] = (),
           accept_conditions: bool = False, person_of: dict[str, str] | None = None) -> Release:
    """Decide, for ``purpose`` (and every purpose in ``also_required``), which of ``mentions`` may leave.

    ``person_of`` maps a mention to its person key (for references and for the person's most restrictive level); a
    mention missing from it is its own person. Returns the :class:`Release` (possibly with nothing included:
    exporters then refuse). Never raises for refused consent; raises :class:`UsageError` for an unknown purpose or a
    malformed mention id.

    The rules read only the consent of each revision; the whole current testimony is loaded (with its integrity
    check) only for a testimony with a mention that every rule releases, and one that cannot be loaded is excluded as
    ``unreadable``.

    The testimonies are read in batches (:func:`consent_rows.read_many`), in mention order, and nothing of one is kept
    after its mentions: the released mentions of a testimony none of whose victims is linked to a person are redacted
    as soon as its mentions are decided (each of its persons is one of its own mentions, so its levels are known);
    a testimony with a linked victim is redacted at the end, once every level of every person is known. The result
    is the same as deciding every mention first and redacting after (tests/exports/test_decide_equivalence.py).
    """
    try:
        with collector.paused():
            return _decide(vault, purpose, mentions, also_required, accept_conditions, person_of)
    finally:
        anonymity.forget_keys()  # the reference key's prepared HMAC lives no longer than this decision


def _decide(vault: Vault, purpose: str, mentions: Iterable[str], also_required: Sequence[str],
            accept_conditions: bool, person_of: dict[str, str] | None) -> Release:
    wanted = (purpose, *[p for p in also_required if p != purpose])
    purposes_vocab = vocabularies.load("consent_purposes")
    for p in wanted:
        if p not in EXPORT_PURPOSES or p not in purposes_vocab:
            raise UsageError(f"unknown export purpose {p!r} (one of {', '.join(EXPORT_PURPOSES)})")
    ordered = sorted(dict.fromkeys(mentions))
    source_identity = bool(SOURCE_IDENTITY_PURPOSES & set(wanted))
    releaser = _Releaser(vault, purpose, person_of or {}, accept_conditions, source_identity)
    keys = revisions.DeviceKeys.load(vault.conn)
    any_reference = reference_store.any_reference(vault.conn)
    excluded: list[Exclusion] = []
    conditions: list[Condition] = []
    for batch in _in_batches(ordered):
        references_here = {r for r, _ in batch if any_reference and reference_store.is_reference(vault.conn, r)}
        rows = consent_rows.read_many(vault.conn, [r for r, _ in batch if r not in references_here])
        for record_id, group in batch:
            found = "reference_only" if record_id in references_here else _history(vault, record_id, rows.pop(record_id),
                                                                                  keys)
            if isinstance(found, str):
                excluded += [Exclusion(mention, found, purpose) for mention, _ in group]
                continue
            history, row = found
            verdicts = {p: verdict(p, history, accept_conditions) for p in wanted}  # the same for every mention
            refused = next(((p, v) for p, v in verdicts.items() if not v.allowed), None)
            current: Testimony | None = None
            victim_ids: set[str | None] = set()
            released: list[tuple[str, str, dict[str, Verdict]]] = []
            conditional = any(v.reason.startswith("conditional") for v in verdicts.values())
            for mention, victim_id in group:
                if conditional:
                    conditions += _conditions(mention, history, verdicts, accept_conditions)
                if refused is not None:
                    excluded.append(Exclusion(mention, refused[1].reason, refused[0]))
                    continue
                if current is None:
                    current = _current_testimony(record_id, row)
                    victim_ids = set() if current is None else {v.id for v in current.victims}
                if current is None:
                    excluded.append(Exclusion(mention, "unreadable", purpose))
                    continue
                if victim_id not in victim_ids:
                    excluded.append(Exclusion(mention, "unknown_victim", purpose))
                    continue
                released.append((mention, victim_id, verdicts))
            if released:
                assert current is not None
                releaser.allow(current, record_id, released)
    return Release(_GATE, purpose, tuple(wanted[1:]), releaser.finish(), tuple(excluded),
                   tuple(dict.fromkeys(conditions)), accept_conditions, source_identity)
