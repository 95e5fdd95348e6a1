"""A perpetrator's profile as HTML for a QTextBrowser: counts, claims (disagreements side by side), postings, the
acts attributed (victim as a registry person, act type and stage, date, place, testimony and its consent for
perpetrator profiling, source and identification), and the timeline. Every string from a testimony is cleaned and
escaped: it came from a field laptop."""

from __future__ import annotations

import html
from typing import Any

from intake_app.display import clean_text
from intake_app.perpetrators.units import parse_key
from intake_app.records import vocabularies
from ui.i18n import N_, tr

FIELD_NAMES = {"name": N_("Name"), "rank": N_("Rank"), "role": N_("Role"), "unit": N_("Unit"),
               "unit_words": N_("Unit as said"), "organ": N_("Organ"), "description": N_("Description")}


def _e(value: object) -> str:
    return html.escape(clean_text(str(value)) if value is not None else "—")


def _vocab(name: str, code: str | None, lang: str) -> str:
    if code and code in vocabularies.load(name):
        return _e(vocabularies.label(name, code, "ko" if lang == "ko" else "en"))
    return _e(code or "—")


def _headers(names: tuple[str, ...]) -> list[str]:
    return [_e(tr(names[i])) for i in range(len(names))]


def _field(name: str) -> str:
    return _e(tr(FIELD_NAMES[name])) if name in FIELD_NAMES else _e(name)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th align='left'>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>"


def _sources(codes: list[str], lang: str) -> str:
    return ", ".join(_vocab("source_kinds", c, lang) if c != "unknown" else _e(tr("not said")) for c in codes)


def _dates(dates: list[str]) -> str:
    """First and last date said, and how many dates: a unit named in hundreds of acts would fill the page."""
    if len(dates) <= 3:
        return _e(", ".join(dates))
    return _e(tr("{first} … {last} ({n} dates)", first=dates[0], last=dates[-1], n=len(dates)))


def _claim_value(claim: dict[str, Any], lang: str) -> str:
    if claim["field"] == "organ":
        return _vocab("organs", claim["value"], lang)
    if claim["field"] == "unit" and str(claim["value"]).startswith("unit:"):
        unit = parse_key(claim["value"])
        if unit is not None:
            return _e(unit.label("ko" if lang == "ko" else "en"))
    return _e(claim["value"])


def profile_html(doc: dict[str, Any], lang: str) -> str:
    """The profile JSON (``Profile.to_json()``) as HTML in ``lang``."""
    label = doc["label"]["ko" if lang == "ko" else "en"]
    c = doc["counts"]
    parts = [f"<h2>{_e(label)}</h2><p><small>{_e(doc['perpetrator'])}</small></p>",
             "<p>" + _e(tr("{acts} acts · {victims} victims · {testimonies} testimonies · {interviewers} interviewers",
                           acts=c["acts"], victims=c["victims"], testimonies=c["testimonies"],
                           interviewers=c["interviewers"])) + "</p>"]
    if c.get("profiling_refused"):
        parts.append("<p><b>" + _e(tr("{n} of these acts come from testimonies that refused (or withdrew) consent to "
                                      "perpetrator profiling.", n=c["profiling_refused"])) + "</b></p>")
    if doc.get("unit"):
        parents = " › ".join(_e(p["label"]["ko" if lang == "ko" else "en"]) for p in doc["unit"]["parents"])
        if parents:
            parts.append("<p>" + _e(tr("Part of:")) + " " + parents + "</p>")
    if doc["disagreements"]:
        parts.append(f"<h3>{_e(tr('Disagreeing claims (side by side)'))}</h3>")
        for d in doc["disagreements"]:
            cells = [f"{_claim_value(cl, lang)}<br><small>{_e(tr('{n} entries', n=len(cl['mentions'])))}, "
                     f"{_sources(cl['sources'], lang)}</small>" for cl in d["claims"]]
            parts.append(_table([_field(d["field"])] + [""] * (len(cells) - 1),
                                [cells]))
    if doc["claims"]:
        parts.append(f"<h3>{_e(tr('Claims'))}</h3>")
        rows = [[_field(cl["field"]), _claim_value(cl, lang),
                 _e(len(cl["mentions"])), _sources(cl["sources"], lang),
                 _vocab("identification", cl["confidence"], lang), _dates(cl["dates"])]
                for cl in doc["claims"]]
        parts.append(_table(_headers((N_("Field"), N_("Value"), N_("Entries"), N_("Source"), N_("Identification"),
                                      N_("Dates"))), rows))
    if doc.get("persons"):
        parts.append(f"<h3>{_e(tr('Persons named in it'))}</h3><ul>")
        for p in doc["persons"][:50]:
            parts.append(f"<li>{_e(p['label']['ko' if lang == 'ko' else 'en'])} — "
                         f"{_e(tr('{n} acts', n=p['acts']))}</li>")
        parts.append("</ul>")
    parts.append(f"<h3>{_e(tr('Acts attributed'))}</h3>")
    rows = [[_e(a["date"] or "?"), _vocab("act_types", a["stage"], lang), _e(a["place"] or a["place_code"]),
             _e(a["victim_person"]), _sources([a["source"] or "unknown"], lang),
             _vocab("identification", a["identification"], lang), _vocab("consent_values", a["consent"], lang),
             _e(a["testimony"][:13] + "…")] for a in doc["acts"]]
    parts.append(_table(_headers((N_("Date"), N_("Stage"), N_("Place"), N_("Victim (person)"), N_("Source"),
                                  N_("Identification"), N_("Consent to profiling"), N_("Testimony"))), rows))
    parts += _postings_and_timeline(doc, lang)
    return "".join(parts)


def _postings_and_timeline(doc: dict[str, Any], lang: str) -> list[str]:
    parts: list[str] = []
    if doc["postings"]:
        parts.append(f"<h3>{_e(tr('Postings'))}</h3>")
        rows = [[_e(p["rank"]), _e(p["role"]), _e((p["unit_label"] or {}).get("ko" if lang == "ko" else "en")
                                                  or p["unit"]), _e(p["start"]), _e(p["end"])]
                for p in doc["postings"]]
        parts.append(_table(_headers((N_("Rank"), N_("Role"), N_("Unit"), N_("From"), N_("Until"))), rows))
    if doc["timeline"]:
        parts.append(f"<h3>{_e(tr('Timeline'))}</h3><ul>")
        for event in doc["timeline"]:
            when = _e(event.get("date") or event.get("date_lower") or "?")
            if event["kind"] == "posting":
                what = _e(tr("posting: {rank} {role}", rank=event.get("rank") or "", role=event.get("role") or ""))
            else:
                what = _vocab("act_types", event["act_type"], lang) + " — " + _e(event["victim_person"])
            parts.append(f"<li>{when}: {what}</li>")
        parts.append("</ul>")
    return parts
