"""Perpetrator entries and named facilities of a testimony, as the registry and the profiles read them.

An *entry* is one perpetrator of one act (``TID/VID/AID/PID``); a *facility entry* is an act that names a facility
(``TID/VID/AID``). Each carries what a profile needs about its act (type = stage, date, place, facility, how the source
knew, the testimony's consent for perpetrator profiling) so a profile never re-reads testimonies. They are derived
data kept next to the statistics facts (table ``perp_entries``), rebuilt whenever the testimony's revision changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from intake_app.perpetrators.units import parse_unit
from intake_app.records import vocabularies
from intake_app.records.interchange_model import Act, Perpetrator, Testimony
from intake_app.records.vocabularies import fold

# The person registry's identification scale, derived when the interviewer left it empty (flagged as derived).
IDENTIFICATION_ORDER = ("named", "partial_name", "rank+unit", "unit_only", "unknown")


@dataclass(frozen=True)
class EntryRow:
    entry: str
    kind: str  # "perpetrator" | "facility"
    unit: str | None
    facility: str | None
    data: str


def facility_key(act: Act) -> str | None:
    """``facility:<code>`` for a known facility, ``facility:named:<words>`` for one the source named, else None."""
    code = act.facility_code
    if code is None and act.facility:
        entry = vocabularies.lookup("facilities", act.facility)
        code = entry.code if entry is not None else None
    if code is not None:
        return f"facility:{code}"
    if act.facility:
        return f"facility:named:{fold(act.facility)}"
    return None


def derived_identification(perp: Perpetrator) -> str:
    """What the entry allows, when the interviewer did not say: a name, a rank with a unit, a unit, or nothing."""
    if perp.name:
        return "partial_name" if len(perp.name.replace(" ", "")) <= 2 else "named"
    if perp.rank and (perp.unit or perp.organ):
        return "rank+unit"
    if perp.unit or perp.organ:
        return "unit_only"
    return "unknown"


def is_individual(data: dict[str, Any]) -> bool:
    """An entry describing a person (a name, rank, role or description), not just a unit."""
    return any(data.get(k) for k in ("name", "rank", "role", "description"))


def _act_data(testimony: Testimony, record_id: str, vid: str, act: Act) -> dict[str, Any]:
    consent = testimony.consent_for("perpetrator_profiling")
    return {
        "testimony": record_id, "victim": f"{record_id}/{vid}", "act": f"{record_id}/{vid}/{act.id}",
        "act_type": act.type, "date": act.date.edtf if act.date else None,
        "date_lower": act.date.lower.isoformat() if act.date else None,
        "date_upper": act.date.upper.isoformat() if act.date else None,
        "date_text": act.date_text, "place": act.place, "place_code": act.place_code, "facility": act.facility,
        "facility_code": act.facility_code, "facility_type": act.facility_type, "source": act.source,
        "consent": consent.value if consent is not None else "not_asked",
        "interviewer": testimony.interview.interviewer,
    }


def entries_of(testimony: Testimony | None, record_id: str) -> list[EntryRow]:
    """Every perpetrator entry and facility entry of ``testimony`` (whose entities all have ids)."""
    if testimony is None:
        return []
    rows: list[EntryRow] = []
    for victim in testimony.victims:
        if victim.id is None:
            continue
        for act in victim.acts:
            if act.id is None:
                continue
            base = _act_data(testimony, record_id, victim.id, act)
            fkey = facility_key(act)
            if fkey is not None:
                rows.append(EntryRow(base["act"], "facility", None, fkey,
                                     json.dumps({**base, "entry": base["act"]}, ensure_ascii=False)))
            for perp in act.perpetrators:
                if perp.id is None:
                    continue
                unit = parse_unit(perp.unit, perp.organ)
                entry = f"{base['act']}/{perp.id}"
                data = {**base, "entry": entry, "name": perp.name, "organ": perp.organ, "unit_text": perp.unit,
                        "rank": perp.rank, "role": perp.role, "description": perp.description,
                        "identification": perp.identification or derived_identification(perp),
                        "identification_derived": perp.identification is None, "foreign_actor": perp.foreign_actor,
                        "unit": unit.key if unit else None}
                rows.append(EntryRow(entry, "perpetrator", data["unit"], None, json.dumps(data, ensure_ascii=False)))
    return rows
