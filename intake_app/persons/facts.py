"""A person's merged facts: every value any mention gives, with the mentions that give it, disagreements shown.

Nothing is resolved here: when two testimonies give two birth years, both are listed with their sources and the fact
is marked ``disagree``; ``compatible`` says whether the values' EDTF bounds still overlap (1950 vs 1950~).
"""

from __future__ import annotations

import json
from typing import Any

from intake_app.persons.candidates import refresh_index
from intake_app.persons.mentions import Mention, find_mention
from intake_app.persons.registry import mentions_of, preferred_name
from intake_app.records.edtf import parse_edtf
from intake_app.records.entity_ids import mention_id
from intake_app.records.interchange_model import Name
from intake_app.vault.vault import Vault

# Single-valued facts of a victim: (key, Korean label, English label).
_FACTS = (("sex", "성별", "sex"), ("birth", "출생", "born"), ("origin", "고향", "home place"),
          ("origin_place", "고향 (코드)", "home place (code)"), ("status", "현재 상태", "status now"))
_MULTI = (("categories", "피해자 범주", "victim categories"), ("reasons", "사유", "reasons"))


def _value(mention: Mention, key: str) -> Any:
    value = getattr(mention.victim, key)
    return value.edtf if key == "birth" and value is not None else value


def _overlap(values: list[str]) -> bool:
    dates = [parse_edtf(v) for v in values]
    return max(d.lower for d in dates) <= min(d.upper for d in dates)


def merged_facts(found: list[Mention]) -> list[dict[str, Any]]:
    """Each fact with its values and sources; ``disagree`` when the mentions give more than one value."""
    out: list[dict[str, Any]] = []
    for key, ko, en in _FACTS:
        values: dict[str, list[str]] = {}
        for m in found:
            value = _value(m, key)
            if value is not None:
                values.setdefault(str(value), []).append(m.mention)
        if not values:
            continue
        fact: dict[str, Any] = {"fact": key, "label": {"ko": ko, "en": en}, "disagree": len(values) > 1,
                                "values": [{"value": v, "sources": s} for v, s in values.items()]}
        if key == "birth" and len(values) > 1:
            fact["compatible"] = _overlap(list(values))
        out.append(fact)
    for key, ko, en in _MULTI:
        multi: dict[str, list[str]] = {}
        for m in found:
            for value in getattr(m.victim, key):
                multi.setdefault(str(value), []).append(m.mention)
        if multi:
            out.append({"fact": key, "label": {"ko": ko, "en": en},
                        "disagree": any(len(s) != len(found) for s in multi.values()),
                        "values": [{"value": v, "sources": s} for v, s in sorted(multi.items())]})
    return out


def _written(name: Name) -> list[str]:
    """Every written form of one name: its display form, and its hanja when the display shows the Hangul."""
    forms = [shown] if (shown := name.display()) else []
    if name.hanja and name.hangul:
        forms.append("".join(name.hanja.split()))
    return forms


def _names(found: list[Mention]) -> list[dict[str, Any]]:
    names: dict[str, list[str]] = {}
    for m in found:
        for name in m.victim.names:
            for shown in _written(name):
                if m.mention not in names.setdefault(shown, []):
                    names[shown].append(m.mention)
    return [{"name": n, "sources": s} for n, s in names.items()]


def show_person(vault: Vault, person: str) -> dict[str, Any]:
    """``intake persons show``: the person's mentions, names, merged facts with sources, and acts."""
    refresh_index(vault)
    mentions = mentions_of(vault, person)
    found = [find_mention(vault, m) for m in mentions]
    linked = "/" not in person
    acts = []
    for m in found:
        for act in m.victim.acts:
            assert act.id is not None
            acts.append({"act": mention_id(m.testimony_id, m.victim_id, act.id), "mention": m.mention,
                         "type": act.type, "date": act.date.edtf if act.date else None, "date_text": act.date_text,
                         "place": act.place, "place_code": act.place_code, "facility": act.facility,
                         "facility_code": act.facility_code})
    return {
        "person": person, "linked": linked, "preferred_name": preferred_name(vault, person) if linked else None,
        "names": _names(found),
        "mentions": [{"mention": m.mention, "testimony": m.testimony_id,
                      "names": [w for n in m.victim.names for w in _written(n)],
                      "interviewee": m.testimony.interviewee.pseudonym, "relation": m.testimony.interviewee.relation,
                      "interview_date": m.testimony.interview.date.edtf} for m in found],
        "facts": merged_facts(found),
        "acts": acts,
    }


def list_persons(vault: Vault) -> list[dict[str, Any]]:
    """``intake persons list``: every person (linked ones and mentions never linked), with names and mention count."""
    refresh_index(vault)
    links = {str(m): str(p) for m, p in vault.conn.execute("SELECT mention, person FROM person_links")}
    preferred = {str(r[0]): [n for n in (r[1], r[2]) if n] for r in vault.conn.execute(
        "SELECT id, preferred_hangul, preferred_roman FROM persons")}
    groups: dict[str, dict[str, Any]] = {}
    for mention, feat in vault.conn.execute("SELECT mention, features FROM person_mentions ORDER BY mention"):
        key = links.get(str(mention), str(mention))
        entry = groups.setdefault(key, {"person": key, "names": list(preferred.get(key, [])), "mentions": 0,
                                        "linked": key != mention})
        entry["mentions"] += 1
        feature = json.loads(feat)
        if feature.get("src") and feature["src"] not in entry.setdefault("reference", []):
            entry["reference"].append(feature["src"])  # issue 31: a reference person, with its archive's name
        for name in feature["names"]:
            if name not in entry["names"]:
                entry["names"].append(name)
    return sorted(groups.values(), key=lambda e: (not e["linked"], e["person"]))
