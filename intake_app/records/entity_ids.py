"""Stable ids for the entities inside a testimony: victims, acts and perpetrator entries.

A victim, an act or a perpetrator entry keeps one id across all revisions of its testimony, so that HQ can refer to it
from outside the testimony: a *mention* of a victim is ``TID/VID``, an act ``TID/VID/AID``, a perpetrator entry
``TID/VID/AID/PID`` (:func:`mention_id`).

Ids given in the content (short local ids such as ``"v1"`` used by ``follows``, or UUIDs written by an earlier save)
are kept. An entity without one gets an id by these rules, in this order (see docs/interchange.md, "Entity ids"):

1. **Same entity as in the current revision.** When saving over an existing head, an id-less entity whose content
   equals (ids aside) an entity of the head takes that entity's id: re-adding the same file changes nothing.
2. **Derived.** Otherwise the id is ``uuid5(ENTITY_NAMESPACE, "<record>|<salt>|<path>")`` where ``path`` is the
   entity's position under its parent (``victims[0]``, ``<victim id>|acts[1]``, ``<victim id>|<act id>|perpetrators[0]``)
   and ``salt`` is the id of the revision the new content is saved over ("" for a record's first revision).

Stored revisions are immutable and content-addressed, so revisions written before ids existed are never rewritten:
readers derive their missing ids with rule 2 and salt "" (:func:`legacy_ids`), which is a pure function of the record
id and the stored content, identical on every laptop and at HQ. The next save on the field writes those ids into
the content (the editor carries them; rule 1 covers files re-added without them).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

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


def _given(items: tuple[Any, ...]) -> set[str]:
    return {item.id for item in items if item.id is not None}


def _fill_perpetrators(act: Act, base: Act | None, rec: str, salt: str, prefix: str) -> Act:
    pool = [(_bare_perpetrator(p), p.id) for p in (base.perpetrators if base else ()) if p.id is not None]
    used = _given(act.perpetrators)
    out = []
    for i, given in enumerate(act.perpetrators):
        perp = given
        if perp.id is None:
            pid = _match(_bare_perpetrator(perp), pool, used) or derived_id(rec, salt, f"{prefix}|perpetrators[{i}]")
            used.add(pid)
            perp = dataclasses.replace(perp, id=pid)
        out.append(perp)
    return dataclasses.replace(act, perpetrators=tuple(out))


def _fill_acts(victim: Victim, base: Victim | None, rec: str, salt: str) -> Victim:
    assert victim.id is not None
    base_acts = {a.id: a for a in (base.acts if base else ()) if a.id is not None}
    pool = [(_bare_act(a), aid) for aid, a in base_acts.items()]
    used = _given(victim.acts)
    out = []
    for i, given in enumerate(victim.acts):
        aid = given.id or _match(_bare_act(given), pool, used) or derived_id(rec, salt, f"{victim.id}|acts[{i}]")
        used.add(aid)
        act = dataclasses.replace(given, id=aid)
        out.append(_fill_perpetrators(act, base_acts.get(aid), rec, salt, f"{victim.id}|{aid}"))
    return dataclasses.replace(victim, acts=tuple(out))


def assign_ids(testimony: Testimony, record_id: str, *, base: Testimony | None = None, salt: str = "") -> Testimony:
    """Give every victim, act and perpetrator entry of ``testimony`` an id, keeping the ids it has.

    ``base`` is the current revision the content is saved over (with its ids), ``salt`` that revision's id; both
    absent for a first revision and for reading legacy content. The caller validates the result again (ids must
    stay unique in the testimony).
    """
    base_victims = {v.id: v for v in (base.victims if base else ()) if v.id is not None}
    pool = [(_bare_victim(v), vid) for vid, v in base_victims.items()]
    used = _given(testimony.victims)
    out = []
    for i, given in enumerate(testimony.victims):
        vid = given.id or _match(_bare_victim(given), pool, used) or derived_id(record_id, salt, f"victims[{i}]")
        used.add(vid)
        out.append(_fill_acts(dataclasses.replace(given, id=vid), base_victims.get(vid), record_id, salt))
    return dataclasses.replace(testimony, victims=tuple(out))


def legacy_ids(testimony: Testimony, record_id: str) -> Testimony:
    """The ids a stored revision written without them is read with (rule 2, salt ""): the migration of old vaults."""
    return assign_ids(testimony, record_id)
