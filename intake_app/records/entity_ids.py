"""Stable ids for the entities inside a testimony: victims, acts and perpetrator entries.

A victim, an act or a perpetrator entry keeps one id across all revisions of its testimony, so that HQ can refer to it
from outside the testimony: a *mention* of a victim is ``TID/VID``, an act ``TID/VID/AID``, a perpetrator entry
``TID/VID/AID/PID`` (:func:`mention_id`).

Ids given in the content (short local ids such as ``"v1"`` used by ``follows``, or UUIDs written by an earlier save)
are kept. An entity without one gets an id by these rules, in this order (see docs/interchange.md, "Entity ids"):

1. **Same entity as in the current revision.** When saving over an existing head, an id-less entity whose content
   equals (ids aside) an entity of the head takes that entity's id: re-adding the same file changes nothing.
2. **Same place, same count.** Otherwise, when the list holding it (victims, a victim's acts, an act's perpetrators)
   has as many entries as in the head, the entity takes the id of the head's entry at the same position, if no other
   entity of the new content claims it: an edit in place ("arrest" corrected to "abduction") keeps the victim's
   mention and the act's id. When entries were added or removed, positions prove nothing and rule 3 applies.
3. **Derived.** Otherwise the id is ``uuid5(ENTITY_NAMESPACE, "<record>|<salt>|<path>")`` where ``path`` is the
   entity's position under its parent (``victims[0]``, ``<victim id>|acts[1]``, ``<victim id>|<act id>|perpetrators[0]``)
   and ``salt`` is the id of the revision the new content is saved over ("" for a record's first revision).

Stored revisions are immutable and content-addressed, so revisions written before ids existed are never rewritten:
readers derive their missing ids with rule 3 and salt "" (:func:`legacy_ids`), which is a pure function of the record
id and the stored content, identical on every laptop and at HQ. The next save on the field writes those ids into
the content (the editor carries them; rule 1 covers files re-added without them).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from intake_app.records.interchange_model import Act, Perpetrator, Testimony, Victim

# Fixed forever: changing it would change every derived id.
ENTITY_NAMESPACE = uuid.UUID("5b0e6f0c-2d3a-4c1e-9a57-6f1d2b8e4c30")


def derived_id(record_id: str, salt: str, path: str) -> str:
    """The UUIDv5 given to an entity without an id at ``path`` (see the module docstring)."""
    return str(uuid.uuid5(ENTITY_NAMESPACE, f"{record_id}|{salt}|{path}"))


def mention_id(testimony_id: str, *parts: str) -> str:
    """``TID/VID`` for a victim, ``TID/VID/AID`` for an act, ``TID/VID/AID/PID`` for a perpetrator entry."""
    return "/".join((testimony_id, *parts))


def missing_ids(content: Any) -> bool:
    """True if a decoded interchange document has a victim, act or perpetrator entry without an id."""
    for victim in content.get("victims") or () if isinstance(content, dict) else ():
        if not isinstance(victim, dict) or victim.get("id") is None:
            return True
        for act in victim.get("acts") or ():
            if not isinstance(act, dict) or act.get("id") is None:
                return True
            for perp in act.get("perpetrators") or ():
                if not isinstance(perp, dict) or perp.get("id") is None:
                    return True
    return False


def _bare_perpetrator(p: Perpetrator) -> Perpetrator:
    return dataclasses.replace(p, id=None)


def _bare_act(a: Act) -> Act:
    return dataclasses.replace(a, id=None, perpetrators=tuple(_bare_perpetrator(p) for p in a.perpetrators))


def _bare_victim(v: Victim) -> Victim:
    return dataclasses.replace(v, id=None, acts=tuple(_bare_act(a) for a in v.acts))


def _match(bare: Any, pool: list[tuple[Any, str]], used: set[str]) -> str | None:
    """The id of the first unused entity of ``pool`` equal to ``bare`` (ids aside)."""
    for candidate, cid in pool:
        if cid not in used and candidate == bare:
            return cid
    return None


def _positional(i: int, items: tuple[Any, ...], base_items: tuple[Any, ...], used: set[str]) -> str | None:
    """Rule 2: the id of the head's entry at position ``i`` when the list kept its length and nobody claims it."""
    if len(items) != len(base_items):
        return None
    cid = base_items[i].id
    return cid if cid is not None and cid not in used else None


def _given(items: tuple[Any, ...]) -> set[str]:
    return {item.id for item in items if item.id is not None}


class _Entity(Protocol):
    @property
    def id(self) -> str | None: ...


E = TypeVar("E", bound=_Entity)


def _ids(items: tuple[E, ...], base_items: tuple[E, ...], bare: Callable[[E], E], rec: str, salt: str,
         path: str) -> list[str]:
    """The id of each of ``items`` (a list of the new content) by the module's rules, the head's entries of the same
    list being ``base_items``: the id given, else rule 1, 2 or 3; ``path`` names the list for rule 3."""
    pool = [(bare(b), b.id) for b in base_items if b.id is not None]
    used = _given(items)
    ids = []
    for i, given in enumerate(items):
        eid = (given.id or _match(bare(given), pool, used) or _positional(i, items, base_items, used)
               or derived_id(rec, salt, f"{path}[{i}]"))
        used.add(eid)
        ids.append(eid)
    return ids


def _fill_perpetrators(act: Act, base: Act | None, rec: str, salt: str, prefix: str) -> Act:
    ids = _ids(act.perpetrators, base.perpetrators if base else (), _bare_perpetrator, rec, salt,
               f"{prefix}|perpetrators")
    return dataclasses.replace(act, perpetrators=tuple(
        dataclasses.replace(p, id=pid) for p, pid in zip(act.perpetrators, ids, strict=True)))


def _fill_acts(victim: Victim, base: Victim | None, rec: str, salt: str) -> Victim:
    assert victim.id is not None
    base_acts = base.acts if base else ()
    ids = _ids(victim.acts, base_acts, _bare_act, rec, salt, f"{victim.id}|acts")
    by_id = {a.id: a for a in base_acts if a.id is not None}
    return dataclasses.replace(victim, acts=tuple(
        _fill_perpetrators(dataclasses.replace(a, id=aid), by_id.get(aid), rec, salt, f"{victim.id}|{aid}")
        for a, aid in zip(victim.acts, ids, strict=True)))


def assign_ids(testimony: Testimony, record_id: str, *, base: Testimony | None = None, salt: str = "") -> Testimony:
    """Give every victim, act and perpetrator entry of ``testimony`` an id, keeping the ids it has.

    ``base`` is the current revision the content is saved over (with its ids), ``salt`` that revision's id; both
    absent for a first revision and for reading legacy content. The caller validates the result again (ids must
    stay unique in the testimony).
    """
    base_victims = base.victims if base else ()
    ids = _ids(testimony.victims, base_victims, _bare_victim, record_id, salt, "victims")
    by_id = {v.id: v for v in base_victims if v.id is not None}
    return dataclasses.replace(testimony, victims=tuple(
        _fill_acts(dataclasses.replace(v, id=vid), by_id.get(vid), record_id, salt)
        for v, vid in zip(testimony.victims, ids, strict=True)))


def legacy_ids(testimony: Testimony, record_id: str) -> Testimony:
    """The ids a stored revision written without them is read with (rule 3, salt ""): the migration of old vaults."""
    return assign_ids(testimony, record_id)
