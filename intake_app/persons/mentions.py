"""Mentions: each victim of the current revision of each testimony, named ``TESTIMONY_ID/VICTIM_ID``.

The victim id is the stable id of :mod:`intake_app.records.entity_ids` (derived for revisions written before ids
existed), so a mention names the same victim whatever revision of the testimony is current.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from intake_app.errors import UsageError
from intake_app.records import revisions
from intake_app.records.entity_ids import mention_id
from intake_app.records.interchange_model import Testimony, Victim
from intake_app.records.stored import read_content
from intake_app.vault.database import Connection
from intake_app.vault.vault import Vault


@dataclass(frozen=True)
class Mention:
    """One victim as one testimony reports it."""

    mention: str
    testimony_id: str
    victim_id: str
    victim: Victim
    testimony: Testimony


def current_testimonies(vault: Vault) -> Iterator[tuple[str, str, Testimony]]:
    """(record id, current revision id, testimony with entity ids) of every non-deleted testimony, by record id."""
    rows = vault.conn.execute(
        "SELECT id, current_rev FROM records WHERE kind = 'testimony' AND deleted = 0 ORDER BY id").fetchall()
    for record_id, rev_id in rows:
        rev = revisions.load(vault.conn, str(rev_id))
        if rev is None or rev.tombstone:
            continue
        yield str(record_id), str(rev_id), read_content(str(record_id), rev.content, rev.content_hash)


def mentions_of_testimony(record_id: str, testimony: Testimony) -> list[Mention]:
    """The mentions of one testimony, in the order of its victims."""
    out = []
    for victim in testimony.victims:
        assert victim.id is not None  # read_content gives every victim an id
        out.append(Mention(mention_id(record_id, victim.id), record_id, victim.id, victim, testimony))
    return out


def load_mentions(vault: Vault) -> list[Mention]:
    """Every mention of every non-deleted testimony (current revisions), ordered by testimony id then position."""
    return [m for record_id, _rev, t in current_testimonies(vault) for m in mentions_of_testimony(record_id, t)]


def split_mention(mention: str) -> tuple[str, str]:
    """``TID/VID`` → (TID, VID); a clear usage error for anything else."""
    parts = mention.split("/")
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"{mention!r} is not a mention (TESTIMONY_ID/VICTIM_ID)")
    return parts[0], parts[1]


ReferenceFinder = Callable[[Connection, str], Mention | None]
_reference_finder: ReferenceFinder | None = None


def register_reference_finder(finder: ReferenceFinder) -> None:
    """Let ``find_mention`` read ``REF_ID/ref`` as an archive's reference person (issue 31). The archive package sits
    above this one and imports it, so it registers from above (``intake_app.wiring.install``) instead of being called."""
    global _reference_finder  # noqa: PLW0603 - one registration, made at start-up
    _reference_finder = finder


def find_mention(vault: Vault, mention: str) -> Mention:
    """The mention named ``TID/VID`` in the current revision of its testimony, or a usage error (exit 2)."""
    record_id, victim_id = split_mention(mention)
    row = vault.conn.execute("SELECT current_rev, deleted FROM records WHERE id = ? AND kind = 'testimony'",
                             (record_id,)).fetchone()
    if row is None and victim_id == "ref" and _reference_finder is not None:  # issue 31: an imported archive's person
        found = _reference_finder(vault.conn, record_id)
        if found is not None:
            return found
    if row is None or row[1]:
        raise UsageError(f"no testimony {record_id!r} (mention {mention!r})")
    rev = revisions.load(vault.conn, str(row[0]))
    assert rev is not None
    for m in mentions_of_testimony(record_id, read_content(record_id, rev.content, rev.content_hash)):
        if m.victim_id == victim_id:
            return m
    raise UsageError(f"testimony {record_id} has no victim {victim_id!r} (mention {mention!r})")
