"""The sanctions dossier as a PDF (English, with names in Hangul as recorded), from the dossier JSON."""

from __future__ import annotations

from typing import Any

from intake_app.exports.pdf import Document
from intake_app.records import vocabularies

_FIELDS = {"name": "Name", "organ": "State organ", "unit": "Unit", "rank": "Rank", "role": "Role",
           "description": "Description"}
_KIND = {"person": "Person", "unit": "Unit", "facility": "Facility"}


def _label(vocab: str, code: str | None) -> str:
    if not code:
        return ""
    voc = vocabularies.load(vocab)
    if code not in voc:
        return code
    entry = voc.get(code)
    return f"{entry.label('en')} ({entry.label('ko')})"


def _sources(numbers: list[int]) -> str:
    return ", ".join(f"source {n}" for n in numbers)


def render_pdf(doc: dict[str, Any]) -> bytes:
    pdf = Document("Sanctions evidence dossier")
    target = doc.get("target") or {}
    pdf.fields([("Target", " / ".join(v for v in (target.get("en"), target.get("ko")) if v) or doc["reference"]),
                ("Reference", doc["reference"]), ("Target type", _KIND.get(doc["kind"], doc["kind"])),
                ("Purpose", f"{doc['purpose']} (with {', '.join(doc['also_required'])})"),
                ("Submitted by", doc["submitted_by"]["organisation"] or "not set"),
                ("Contact", doc["submitted_by"]["contact"] or "not set")])
    pdf.heading("1. Identifiers")
    rows = []
    for field, values in doc["identifiers"].items():
        shown = "; ".join(f"{_label('organs', v['value']) if field == 'organ' else v['value']} ({_sources(v['sources'])})"
                          for v in values)
        rows.append((_FIELDS[field], shown))
    pdf.fields(rows)
    pdf.heading("2. Postings (rank, role and unit as reported, with the date of the act)")
    if doc["postings"]:
        pdf.table(["Rank", "Role", "Unit", "Organ", "Date", "Source"],
                  [[p["rank"], p["role"], p["unit"], _label("organs", p["organ"]), p["date"], str(p["source"])]
                   for p in doc["postings"]],
                  [22, 25, 40, 35, 28, 20])
    else:
        pdf.para("None reported.")
    pdf.heading("3. Acts attributed")
    for i, act in enumerate(doc["acts"], start=1):
        victim = act["victim"]
        who = "; ".join(victim["names"]) or f"victim {victim['reference']}"
        when = act["date"] or "date unknown"
        if act.get("date_as_said"):
            when += f" (as said: {act['date_as_said']})"
        where = "; ".join(v for v in (act.get("place"), _label("places", act.get("place_code")), act.get("facility"))
                          if v) or "place unknown"
        pdf.para(f"{i}. {_label('act_types', act['act'])} — {who} [{victim['reference']}] — {when} — {where} — "
                 f"{act['source_count']} source(s)")
        pdf.bullets([f"Source {s['source']}: knew it {_label('source_kinds', s['how_known']) or s['how_known']}; "
                     f"identification: {_label('identification', s['identification']) or s['identification']}; "
                     "described as " + ", ".join(f"{_FIELDS[k].lower()} {_label('organs', v) if k == 'organ' else v}"
                                                 for k, v in s["as_described"].items())
                     for s in act["sources"]])
    pdf.heading("4. Contradicting and exculpatory information")
    if not doc["contradictions"] and not doc["contested_claims"]:
        pdf.para("No source contradicts another on the identifiers above, and no exculpatory claim is recorded.")
    for c in doc["contradictions"]:
        pdf.para(f"Sources disagree on the {_FIELDS[c['field']].lower()}: "
                 + "; ".join(f"{v['value']} ({_sources(v['sources'])})" for v in c["values"]))
    for claim in doc["contested_claims"]:
        pdf.para("Contested claim: " + ", ".join(f"{k} {v}" for k, v in claim.items() if k != "sources")
                 + f" ({_sources(claim['sources'])})")
    pdf.heading("5. Consent basis")
    pdf.para("Every source below consented to use in perpetrator profiles and sanctions advocacy and to sharing with "
             "government bodies or partner organisations (COI record-keeping rule, A/HRC/25/63 §23). Witnesses are "
             "referred to by source number only.")
    for s in doc["sources"]:
        parts = []
        for purpose, decisions in s["consent"].items():
            for d in decisions:
                parts.append(f"{purpose}: {d['value']}" + (f" on {d['date']}" if d.get("date") else "")
                             + (f" (conditions: {d['conditions']})" if d.get("conditions") else ""))
        pdf.para(f"Source {s['source']}: " + "; ".join(parts) + f"; names shown: {s['anonymity']}", "small")
    if doc["not_used"]["count"]:
        pdf.para(f"{doc['not_used']['count']} further mention(s) were not used: {'; '.join(doc['not_used']['reasons'])}.",
                 "small")
    return pdf.render(f"Dossier {doc['reference']}")
