"""The consent decision over a whole archive in batches, so that an export's memory does not grow with the archive.

:func:`intake_app.exports.consent.decide` stays the only decision; this module only chooses what to hand it at once.
A batch is a set of whole *groups*: the mentions that :func:`consent.decide` must see together to decide each of them
as it would over the whole request. Two mentions are in one group when

- they belong to the same person (the person's level is the most restrictive over all its released mentions), or
- they are victims of the same testimony (each victim's free text is scrubbed according to the levels of the
  testimony's other persons),

closed transitively, and a testimony with a victim linked to a person joins that person's group even when that victim
is not requested. The person of each mention comes from the maintained registry table ``person_links`` (a mention
never linked is its own person), read with SQL: nothing is indexed inside an export.

:func:`batch_requests` says what each batch is; the pipeline (the decision's only caller) asks ``consent.decide``
batch by batch. Within a batch, ``consent.decide`` numbers the released mentions 1, 2, … in mention order; over the
whole request a mention's source number is its rank among every released mention in mention order (what one
``decide`` over the request gives). :class:`Decided` collects what the audit entry and the coordinator's summary
need (ids, levels, consent basis, exclusions, conditions: never testimony content) and gives each released mention
its rank.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from intake_app.exports import anonymity, consent
from intake_app.exports.consent import Condition, Exclusion, Release
from intake_app.persons import links
from intake_app.vault.vault import Vault

BATCH_MENTIONS = 400
"""Mentions handed to one ``consent.decide`` (a group larger than this is one batch of its own)."""


EXPORT_CACHE_KIB = 8192
"""The vault connection's page cache while a streamed export runs (it reads every current revision once: a larger
cache holds pages that are not read again, and the process's memory would follow the archive up to 64 MiB)."""


@contextlib.contextmanager
def small_page_cache(conn: Any) -> Iterator[None]:
    previous = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = -{EXPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {previous}")


def linked_persons(vault: Vault) -> dict[str, str]:
    """mention → person id for every linked mention, from the registry table (no index is refreshed)."""
    return links.person_links(vault)


def _testimony(mention: str) -> str:
    return mention.split("/", 1)[0]


def groups(mentions: Sequence[str], person_of: Mapping[str, str]) -> Iterator[list[str]]:
    """The requested ``mentions`` (deduplicated) in groups (module text), each sorted, ordered by their first mention.
    Only testimonies touched by a link enter the union-find; every other testimony is a group of its own."""
    ordered = sorted(set(mentions))
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:
            parent[node], node = root, parent[node]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    tids = [_testimony(m) for m in ordered]  # each mention's testimony, worked out once
    requested_testimonies = {_testimony(m) for m in person_of if "/" in m} & set(tids)
    for mention, person in person_of.items():
        if person != mention and _testimony(mention) in requested_testimonies:
            union("t:" + _testimony(mention), "p:" + person)
    members: dict[str, list[str]] = {}
    if parent:
        for mention, tid in zip(ordered, tids, strict=True):
            node = "t:" + tid
            if node in parent:  # a testimony touched by a link (every such node is a child: "t:" sorts after "p:")
                members.setdefault(find(node), []).append(mention)
    emitted: set[str] = set()
    index = 0
    for tid, run in itertools.groupby(tids):  # sorted: a testimony's mentions are next to each other
        end = index + len(list(run))
        node = "t:" + tid
        if node in parent:
            root = find(node)
            if root not in emitted:
                emitted.add(root)
                yield members[root]
        else:
            yield ordered[index:end]
        index = end


def batches(mentions: Sequence[str], person_of: Mapping[str, str], size: int = BATCH_MENTIONS) -> Iterator[list[str]]:
    """Whole groups packed into batches of about ``size`` mentions."""
    batch: list[str] = []
    for group in groups(mentions, person_of):
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


class Exclusions(Sequence[Exclusion]):
    """The excluded mentions of a whole request, kept compactly: each mention id once (the str the request holds) and
    one 16-bit code naming its (reason, purpose) pair; an :class:`~intake_app.exports.consent.Exclusion` is made when read.
    An object per exclusion (about 150 bytes) grew with the archive: 120,000 exclusions at 100,000 testimonies."""

    def __init__(self) -> None:
        self._mentions: list[str] = []
        self._codes = array("H")
        self._pairs: list[tuple[str, str]] = []  # (reason, purpose) by code
        self._code: dict[tuple[str, str], int] = {}

    def extend(self, exclusions: Iterable[Exclusion]) -> None:
        for e in exclusions:
            pair = (e.reason, e.purpose)
            code = self._code.get(pair)
            if code is None:
                code = self._code[pair] = len(self._pairs)
                self._pairs.append(pair)
            self._mentions.append(e.mention)
            self._codes.append(code)

    def sort_by_mention(self) -> None:
        """Mention order (stable: exclusions of one mention keep their order)."""
        order = sorted(range(len(self._mentions)), key=self._mentions.__getitem__)
        self._mentions = [self._mentions[i] for i in order]
        self._codes = array("H", (self._codes[i] for i in order))

    def reasons(self) -> Iterator[tuple[str, str]]:
        """(mention, reason code) of each exclusion, in the order held."""
        pairs = self._pairs
        return ((m, pairs[c][0]) for m, c in zip(self._mentions, self._codes, strict=True))

    def __len__(self) -> int:
        return len(self._mentions)

    @overload
    def __getitem__(self, index: int) -> Exclusion: ...

    @overload
    def __getitem__(self, index: slice) -> list[Exclusion]: ...

    def __getitem__(self, index: int | slice) -> Exclusion | list[Exclusion]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        reason, purpose = self._pairs[self._codes[index]]
        return Exclusion(self._mentions[index], reason, purpose)


@dataclass
class Decided:
    """The decision over a whole request, gathered batch by batch: what :class:`consent.Release` would say in its
    summary, without holding any released mention. ``included`` are the released mention ids in mention order."""

    purpose: str
    also_required: tuple[str, ...]
    accept_conditions: bool
    source_identity: bool = False
    included: list[str] = field(default_factory=list)
    excluded: Exclusions = field(default_factory=Exclusions)
    conditions: list[Condition] = field(default_factory=list)
    _of: dict[str, tuple[str, str]] = field(default_factory=dict)  # mention → (level, basis JSON), values shared
    _interned: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _sorted: bool = True

    @property
    def purposes(self) -> tuple[str, ...]:
        return (self.purpose, *self.also_required)

    def add(self, release: Release) -> None:
        """Take one batch's decision in (its released mentions keep their batch numbers until :meth:`close`)."""
        self.source_identity = release.source_identity
        basis: Mapping[str, Any] | None = None
        text = ""
        for m in release.included:
            self.included.append(m.mention)
            if m.basis != basis:  # a testimony's mentions are released on one basis: written once for them
                basis, text = m.basis, json.dumps(m.basis_json(), sort_keys=True, separators=(",", ":"))
            value = (m.anonymity, text)
            self._of[m.mention] = self._interned.setdefault(value, value)
        self.excluded.extend(release.excluded)
        self.conditions.extend(release.conditions)
        self._sorted = False

    def close(self) -> None:
        """Put everything in mention order (the order one decision over the whole request gives)."""
        if self._sorted:
            return
        self.included.sort()
        self.excluded.sort_by_mention()
        self.conditions.sort(key=lambda c: c.mention)
        self._sorted = True

    def source_number(self, mention: str) -> int:
        """The source number one decision over the request gives ``mention`` (its rank among the released)."""
        self.close()
        return bisect.bisect_left(self.included, mention) + 1

    def numbers(self, order: Sequence[str]) -> array[int]:
        """The source number of each mention of ``order`` (released mentions, in the order they were produced)."""
        self.close()
        return array("L", (bisect.bisect_left(self.included, m) + 1 for m in order))

    @property
    def anonymity(self) -> str:
        return anonymity.most_restrictive(list({v[0] for v in self._interned})) if self.included else "anonymised"

    def anonymity_by_mention(self) -> dict[str, str]:
        self.close()
        return {m: self._of[m][0] for m in self.included}

    def released_levels(self) -> Iterator[tuple[str, str]]:
        """(mention, anonymity level) of each released mention, in mention order (the export's listing)."""
        self.close()
        return ((m, self._of[m][0]) for m in self.included)

    def excluded_reasons(self) -> Iterator[tuple[str, str]]:
        """(mention, reason code) of each excluded mention, in mention order (the export's listing)."""
        self.close()
        return self.excluded.reasons()

    def summary(self) -> dict[str, Any]:
        """As :meth:`consent.Release.summary` for the whole request."""
        self.close()
        return {
            "purpose": self.purpose,
            "also_required": list(self.also_required),
            "included": [{"mention": m, "source": n, "anonymity": self._of[m][0], "basis": json.loads(self._of[m][1])}
                         for n, m in enumerate(self.included, start=1)],
            "excluded": [e.to_json() for e in self.excluded],
            "conditions": [{"mention": c.mention, "purpose": c.purpose, "text": c.text, "acknowledged": c.acknowledged}
                           for c in self.conditions],
            "anonymity": self.anonymity,
            "source_identity": self.source_identity,
        }


def new_decided(purpose: str, also_required: Sequence[str], accept_conditions: bool) -> Decided:
    return Decided(purpose, tuple(dict.fromkeys(p for p in also_required if p != purpose)), accept_conditions)


def refusal(decided: Decided | None) -> consent.ConsentRefused:
    """Nothing released over the whole request: the message :func:`consent.refusal_message` gives a Release."""
    excluded: Sequence[Exclusion] = decided.excluded if decided is not None else []
    purposes = decided.purposes if decided is not None else ()
    reasons = sorted({consent.REASONS[e.reason]["en"] for e in excluded}) or ["no mention was given"]
    hint = ""
    if any(e.reason == "conditional" for e in excluded):
        hint = "; read the conditions and pass --accept-conditions to acknowledge them"
    return consent.ConsentRefused(f"no mention allows {' + '.join(purposes)} ({len(excluded)} excluded: "
                                  f"{'; '.join(reasons)}){hint}; nothing was written")


def batch_requests(mentions: Sequence[str], person_of: Mapping[str, str],
                   size: int = BATCH_MENTIONS) -> Iterator[tuple[list[str], dict[str, str]]]:
    """Each batch's mentions with the person map ``consent.decide`` needs for it (the links of its testimonies'
    victims); one empty batch when nothing is requested (the decision still says so)."""
    by_testimony: dict[str, list[tuple[str, str]]] = {}
    for m, p in person_of.items():
        by_testimony.setdefault(_testimony(m), []).append((m, p))
    any_batch = False
    for batch in batches(mentions, person_of, size):
        any_batch = True
        yield batch, {m: p for tid in dict.fromkeys(_testimony(x) for x in batch) for m, p in by_testimony.get(tid, ())}
    if not any_batch:
        yield [], {}
