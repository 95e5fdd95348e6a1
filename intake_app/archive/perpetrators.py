"""Reference records in perpetrator profiles: what an outside archive says about the same unit or person.

A profile (``intake perpetrators show``) is built from testimonies only; the reference records whose unit (parsed by
the same rules, ``intake_app.perpetrators.units.parse_unit``) is the profile's unit or one of its unit claims, whose
unit words are the same, or whose person name is one of the profile's name claims are listed beside it, each marked
with its source. They never become claims: consent and provenance differ.
"""

from __future__ import annotations

import json
from typing import Any

from intake_app.perpetrators.profile import Profile
from intake_app.perpetrators.units import parse_unit
from intake_app.records.vocabularies import fold
from intake_app.vault.database import Connection


def _said(content: dict[str, Any]) -> list[tuple[str | None, str | None, str | None]]:
    """(unit words, organ code, person name) the record names."""
    perp = content.get("perpetrator", {})
    out = [(perp.get("unit"), perp.get("organ"), perp.get("name"))] if perp else []
    out += [(unit, None, None) for act in content.get("acts", []) for unit in act.get("units", [])]
    return out


def reference_for(conn: Connection, profile: Profile) -> list[dict[str, Any]]:
    units = {c.value for c in profile.claims if c.field == "unit"}
    if profile.perpetrator.startswith("unit:"):
        units.add(profile.perpetrator)
    words = {fold(c.value) for c in profile.claims if c.field in ("unit", "unit_words")}
    names = {fold(c.value) for c in profile.claims if c.field == "name"}
    found: list[dict[str, Any]] = []
    rows = conn.execute("""SELECT r.id, r.source, r.kind, v.content FROM reference_records r JOIN reference_versions v
                           ON v.record_id = r.id AND v.version = r.version WHERE r.kind IN ('perpetrator', 'act')
                           ORDER BY r.source, r.id""")
    for record_id, source, kind, raw in rows:
        content = json.loads(raw)
        for unit, organ, name in _said(content):
            parsed = parse_unit(unit, organ) if unit or organ else None
            if ((parsed is not None and parsed.key in units) or (unit and fold(unit) in words)
                    or (name and fold(name) in names)):
                found.append({"record": str(record_id), "source": str(source), "kind": str(kind), "reference": True,
                              "title": content.get("title"), "unit": unit, "organ": organ, "name": name,
                              "rank": content.get("perpetrator", {}).get("rank")})
                break
    return found
