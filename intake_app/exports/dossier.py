"""Sanctions dossier: the evidence package for one perpetrator (a person, a unit or a facility), PDF and JSON.

Follows what a dossier holds (external-bodies.md, "Targeted sanctions": Human Rights First's template and the
"Fighting Impunity" guide; Security Force Monitor's claims with sources and confidence): the target's identifiers
and postings; each act attributed with its date, place and source count; how each source knew and the identification
confidence; contradicting and exculpatory claims (nothing dropped); the consent basis. Only mentions whose consent
allows both ``perpetrator_profiling`` and the purpose are used (the Release); witnesses are "source N", never a
pseudonym. Which perpetrator entries (``TID/VID/AID/PID``) belong to the target comes from the perpetrator registry
(:func:`load_subject`); every value shown is read from the released, redacted mentions.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from intake_app.errors import UsageError
from intake_app.exports import consent
from intake_app.exports.base import ExportRequest, Rendered
from intake_app.exports.consent import Release
from intake_app.exports.dossier_pdf import render_pdf
from intake_app.exports.released import ReleasedAct, ReleasedMention, ReleasedPerpetrator
from intake_app.exports.settings import Organisation

IDENTIFIER_FIELDS = ("name", "organ", "unit", "rank", "role", "description")


@dataclass(frozen=True)
class DossierSubject:
    """The target: its registry id and kind, and the perpetrator entries (ids only) grouped under it."""

    perpetrator: str
    kind: str
    entries: tuple[str, ...]
    contested: tuple[dict[str, Any], ...] = ()  # registry claims marked contradicting/exculpatory, with supports
    label: tuple[tuple[str, str], ...] = ()  # the registry's label (a unit's organ, level and place), by language

    @property
    def mentions(self) -> tuple[str, ...]:
        return tuple(sorted({"/".join(e.split("/")[:2]) for e in self.entries}))

    @property
    def reference(self) -> str:
        return "K-" + hashlib.sha256(b"perpetrator\x00" + self.perpetrator.encode("utf-8")).hexdigest()[:10]


def _entries_from_profile(profile: dict[str, Any]) -> set[str]:
    """The perpetrator entry ids (``TID/VID/AID/PID``) a registry profile rests on: its acts and its claims' support."""
    found = {str(a["entry"]) for a in profile.get("acts", []) if isinstance(a, dict) and a.get("entry")}
    for key in ("claims", "identifiers"):
        for claim in profile.get(key, []):
            if isinstance(claim, dict):
                found.update(str(m) for m in claim.get("mentions", []) if str(m).count("/") == 3)
    return found


def load_subject(vault: Any, perpetrator: str) -> DossierSubject:
    """The target from the perpetrator registry when it is present; else ``perpetrator`` is one perpetrator entry
    id (``TID/VID/AID/PID``) or a unit as written, matching every entry with that unit."""
    try:
        profile_mod = importlib.import_module("intake_app.perpetrators.profile")
    except ImportError:
        profile_mod = None
    if profile_mod is not None:
        try:
            profile = profile_mod.build_profile(vault, perpetrator).to_json()
        except (KeyError, LookupError, UsageError):
            profile = None
        if profile:
            contested = tuple(c for c in profile.get("claims", []) if isinstance(c, dict)
                              and (c.get("contradicts") or c.get("exculpatory") or c.get("contested")))
            label = profile.get("label") if isinstance(profile.get("label"), dict) else {}
            return DossierSubject(perpetrator, str(profile.get("kind", "unit")),
                                  tuple(sorted(_entries_from_profile(profile))), contested,
                                  tuple(sorted((str(k), str(v)) for k, v in label.items())))
    from intake_app.exports import sources  # noqa: PLC0415 - ids only, read when there is no registry

    entries = sources.perpetrator_entries(vault, perpetrator)
    if not entries:
        raise UsageError(f"no perpetrator {perpetrator!r} in this vault")
    return DossierSubject(perpetrator, "person" if perpetrator.count("/") == 3 else "unit", tuple(entries))


@dataclass(frozen=True)
class _Hit:
    mention: ReleasedMention
    act: ReleasedAct
    perpetrator: ReleasedPerpetrator


def _hits(release: Release, subject: DossierSubject) -> Iterator[_Hit]:
    wanted = set(subject.entries)
    for m in release.included:
        for a in m.acts:
            for p in a.perpetrators:
                if f"{m.mention}/{a.id}/{p.id}" in wanted:
                    yield _Hit(m, a, p)


def _victim_ref(m: ReleasedMention) -> dict[str, Any]:
    names = [n.display() for n in m.names]
    return {"reference": m.reference, "names": names, "anonymity": m.anonymity}


def _ids_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _ids_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from _ids_in(v)
    elif isinstance(value, str) and value.count("/") >= 1 and " " not in value:
        yield "/".join(value.split("/")[:2])


def _contested(claim: dict[str, Any], release: Release) -> dict[str, Any] | None:
    """A registry claim marked contradicting or exculpatory, kept only if a released mention supports it, with its
    supports turned into source numbers (the ids of other mentions do not leave)."""
    numbers = sorted({m.source_number for ref in _ids_in(claim) if (m := release.mention(ref)) is not None})
    if not numbers:
        return None
    shown = {k: v for k, v in claim.items()
             if isinstance(v, (str, int, float, bool)) and not any(s in k for s in ("mention", "support", "testimony"))
             and not (isinstance(v, str) and "/" in v and " " not in v)}
    return {**shown, "sources": numbers}


def build(release: Release, subject: DossierSubject, org: Organisation) -> dict[str, Any]:
    """The dossier as JSON: every value comes from the release."""
    hits = list(_hits(release, subject))
    identifiers: dict[str, dict[str, set[int]]] = {f: {} for f in IDENTIFIER_FIELDS}
    for h in hits:
        for f in IDENTIFIER_FIELDS:
            value = getattr(h.perpetrator, f)
            if value:
                identifiers[f].setdefault(value, set()).add(h.mention.source_number)
    acts: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for h in hits:
        key = (h.mention.person_key, h.act.type, h.act.date.edtf if h.act.date else "", h.act.place or "")
        item = acts.setdefault(key, {
            "act": h.act.type, "date": h.act.date.edtf if h.act.date else None, "date_as_said": h.act.date_text,
            "lower": h.act.date.lower.isoformat() if h.act.date else None,
            "upper": h.act.date.upper.isoformat() if h.act.date else None,
            "place": h.act.place, "place_code": h.act.place_code, "facility": h.act.facility,
            "facility_type": h.act.facility_type, "victim": _victim_ref(h.mention), "sources": []})
        source = {"source": h.mention.source_number, "how_known": h.act.source or "unknown",
                  "identification": h.perpetrator.identification or "unknown",
                  "as_described": {f: getattr(h.perpetrator, f) for f in IDENTIFIER_FIELDS if getattr(h.perpetrator, f)}}
        if source not in item["sources"]:
            item["sources"].append(source)
    for item in acts.values():
        item["source_count"] = len({s["source"] for s in item["sources"]})
    postings = sorted({(h.perpetrator.rank or "", h.perpetrator.role or "", h.perpetrator.unit or "",
                        h.perpetrator.organ or "", h.act.date.edtf if h.act.date else "", h.mention.source_number)
                       for h in hits if h.perpetrator.rank or h.perpetrator.role or h.perpetrator.unit})
    contested = [c for c in (_contested(claim, release) for claim in subject.contested) if c]
    disagreements = [{"field": f, "values": [{"value": v, "sources": sorted(s)} for v, s in sorted(vals.items())]}
                     for f, vals in identifiers.items() if len(vals) > 1 and f != "description"]
    return {
        "format": "dossier", "format_version": 1, "reference": subject.reference, "kind": subject.kind,
        "target": dict(subject.label) or None,
        "purpose": release.purpose, "also_required": list(release.also_required),
        "identifiers": {f: [{"value": v, "sources": sorted(s)} for v, s in sorted(vals.items())]
                        for f, vals in identifiers.items() if vals},
        "postings": [{"rank": r, "role": ro, "unit": u, "organ": o, "date": d, "source": s}
                     for r, ro, u, o, d, s in postings],
        "acts": sorted(acts.values(), key=lambda a: (a["lower"] or "9999", a["act"], a["victim"]["reference"])),
        "contradictions": disagreements,
        "contested_claims": contested,
        "sources": [{"source": m.source_number, "consent": m.basis_json(), "anonymity": m.anonymity}
                    for m in release.included if any(h.mention is m for h in hits)],
        "not_used": {"count": len(release.excluded),
                     "reasons": sorted({consent.REASONS[e.reason]["en"] for e in release.excluded})},
        "submitted_by": {"organisation": org.name, "contact": org.contact},
    }


class DossierExporter:
    format: str = "dossier"
    purposes: tuple[str, ...] = ("government_partners",)
    also_required: tuple[str, ...] = ("perpetrator_profiling",)

    def render(self, release: Release, request: ExportRequest) -> Rendered:
        consent.require(release, request.purpose, *self.also_required)
        subject = request.options.get("profile")
        if not isinstance(subject, DossierSubject):
            subject = DossierSubject(request.subject, "unit", ())
        org = request.options.get("organisation") or Organisation()
        doc = build(release, subject, org)
        stem = f"dossier-{doc['reference']}"
        data = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        missing = () if doc["acts"] else ("an act attributed to the target in the released testimony",)
        return Rendered(((f"{stem}.pdf", render_pdf(doc)), (f"{stem}.json", data)), missing=missing,
                        facts={"format": "dossier", "reference": doc["reference"], "acts": len(doc["acts"])})


EXPORTER = DossierExporter()
