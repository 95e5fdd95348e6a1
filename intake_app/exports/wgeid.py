"""UN WGEID case: one person of the registry, as a PDF and a JSON file, in English, French or Spanish.

Built from the Working Group's minimum elements (external-bodies.md, "Minimum elements of a case"): (a) identity,
(b) date of disappearance (at least month and year), (c) place of arrest or last sighting, (d) forces believed
responsible, (e) steps taken, (f) the submitting organisation with its confidentiality request; and the procedure:
urgent when the disappearance falls within the three months before submission, standard otherwise. Only mentions whose
consent allows ``wgeid`` are used (the Release), at their anonymity level. File names carry no name (they stay
readable on a USB stick even when the content is encrypted): ``wgeid-<case reference>.pdf`` and ``.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from intake_app.exports import anonymity, consent, wgeid_fields
from intake_app.exports.base import ExportRequest, Rendered
from intake_app.exports.consent import Release
from intake_app.exports.pdf import Document
from intake_app.exports.released import ReleasedAct, ReleasedMention
from intake_app.exports.settings import Organisation
from intake_app.exports.wgeid_text import LANGUAGES, MISSING, VALUES, value, word
from intake_app.records import vocabularies
from intake_app.records.edtf import UncertainDate

DISAPPEARANCE_ACTS = ("arrest", "abduction", "capture_pow", "forced_repatriation", "handover", "detention", "last_seen")


def _label_in(vocab: str, code: str, lang: str) -> str:
    """A vocabulary value in the case's language (wgeid_text.VALUES), with the Korean label as recorded."""
    words = VALUES[vocab].get(code, {}).get(lang)
    if words is None:
        return _label(vocab, code)
    try:
        korean = vocabularies.load(vocab).get(code).label("ko")
    except Exception:  # noqa: BLE001 - a code missing from the vocabulary keeps the translated words alone
        return words
    return f"{words} ({korean})"


def _label(vocab: str, code: str | None) -> str:
    if not code:
        return ""
    try:
        entry = vocabularies.load(vocab).get(code)
    except Exception:  # an unknown code is shown as itself rather than dropped  # noqa: BLE001
        return code
    return f"{entry.label('en')} ({entry.label('ko')})" if entry.label("ko") != entry.label("en") else entry.label("en")


def _date_json(date: UncertainDate | None, said: str | None) -> dict[str, Any] | None:
    if date is None and said is None:
        return None
    doc: dict[str, Any] = {"as_said": said}
    if date is not None:
        doc.update(as_understood=date.edtf, lower=date.lower.isoformat() if date.lower != dt.date.min else None,
                   upper=date.upper.isoformat() if date.upper != dt.date.max else None,
                   qualifiers=[q for q, on in (("approximate", date.approximate), ("uncertain", date.uncertain))
                               if on] or None)
    return {k: v for k, v in doc.items() if v is not None}


def _month_known(date: UncertainDate | None) -> bool:
    return (date is not None and date.lower != dt.date.min and date.upper != dt.date.max
            and (date.lower.year, date.lower.month) == (date.upper.year, date.upper.month))


@dataclass(frozen=True)
class _Case:
    release: Release
    lang: str
    today: dt.date
    org: Organisation

    @property
    def mentions(self) -> tuple[ReleasedMention, ...]:
        return self.release.included

    def reference(self) -> str:
        # The keyed reference of the person for wgeid at the applied level (consent.decide gives every mention of a
        # person the same level, hence the same reference); never our ids themselves.
        return sorted({m.reference for m in self.mentions})[0]

    def disappearance(self) -> tuple[ReleasedMention, ReleasedAct] | None:
        return wgeid_fields.constituting_act(self.mentions)

    def names(self) -> list[anonymity.ShownName]:
        # Only the names of mentions at the applied (most restrictive) level: another mention's fuller form of the
        # same person's name would name them against the stricter consent.
        level = self.release.anonymity
        seen: list[anonymity.ShownName] = []
        for m in self.mentions:
            seen.extend(n for n in m.names if n not in seen and m.anonymity == level)
        return seen

    def forces(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for m in self.mentions:
            for a in m.acts:
                for p in a.perpetrators:
                    item = {k: v for k, v in (("organ", p.organ), ("organ_label", _label("organs", p.organ) or None),
                                              ("unit", p.unit), ("rank", p.rank), ("role", p.role), ("name", p.name),
                                              ("foreign_actor", p.foreign_actor), ("act", a.type),
                                              ("source", m.source_number)) if v}
                    if item not in out:
                        out.append(item)
        return out

    def to_json(self) -> dict[str, Any]:
        found = self.disappearance()
        date = found[1].date if found else None
        procedure, urgency = wgeid_fields.urgency(date, self.today)
        level = self.release.anonymity
        births = [d for m in self.mentions if (d := _date_json(m.birth, m.birth_text))]
        doc: dict[str, Any] = {
            "format": "wgeid", "format_version": 1, "language": self.lang,
            "case_reference": self.reference(), "state": "KP",
            "procedure": procedure, "urgency": urgency,
            "identity": {
                "anonymity": level,
                "names": [{k: v for k, v in (("hangul", n.hangul), ("roman", n.roman), ("hanja", n.hanja)) if v}
                          for n in self.names()],
                "sex": sorted({m.sex for m in self.mentions if m.sex}),
                "birth": [b for i, b in enumerate(births) if b not in births[:i]],
                "origin": sorted({m.origin for m in self.mentions if m.origin}),
                "origin_place": sorted({m.origin_place for m in self.mentions if m.origin_place}),
                "status": sorted({m.status for m in self.mentions if m.status}),
                "group_size": max((m.group_size or 0 for m in self.mentions), default=0) or None,
                **wgeid_fields.form_fields(self.mentions, self.names(), date, level),
            },
            "disappearance": None if found is None else {
                "act": found[1].type, "source": found[0].source_number,
                "date": _date_json(found[1].date, found[1].date_text),
                "place": {k: v for k, v in (("as_said", found[1].place), ("code", found[1].place_code),
                                            ("facility", found[1].facility)) if v} or None,
            },
            "last_seen": [{"date": _date_json(a.date, a.date_text), "place": a.place, "source": m.source_number}
                          for m in self.mentions for a in m.acts if a.type == "last_seen"],
            "forces": self.forces(),
            "steps_taken": [{k: v for k, v in (("date", s.date.edtf if s.date else None), ("body", s.body),
                                               ("action", s.action), ("response", s.response),
                                               ("source", m.source_number)) if v}
                            for m in self.mentions for s in m.steps_taken],
            "submitted_by": {"organisation": self.org.name, "contact": self.org.contact,
                             "confidential": self.org.confidential, "date": self.today.isoformat(),
                             "relation": "organisation_with_family_consent"},
            "family_consent": wgeid_fields.family_consent(self.mentions),
            "sources": [{"source": m.source_number, "consent": m.basis_json()["wgeid"], "anonymity": m.anonymity}
                        for m in self.mentions],
        }
        doc["missing"] = self.missing(doc)
        return doc

    @staticmethod
    def missing(doc: dict[str, Any]) -> list[str]:
        lacks: list[str] = []
        names = doc["identity"]["names"]
        if doc["identity"]["anonymity"] != "full_name" or not any(n.get("hangul") or n.get("roman") for n in names):
            lacks.append("a")
        found = doc["disappearance"]
        date = found and found["date"]
        if not date or not date.get("lower") or not date.get("upper") or date["lower"][:7] != date["upper"][:7]:
            lacks.append("b")
        if not found or not found.get("place"):
            lacks.append("c")
        if not doc["forces"]:
            lacks.append("d")
        if not doc["steps_taken"]:
            lacks.append("e")
        if not doc["submitted_by"]["organisation"]:
            lacks.append("f")
        return lacks


def _date_words(date: dict[str, Any] | None, lang: str) -> str:
    if not date:
        return word("none_recorded", lang)
    parts = []
    if date.get("as_said"):
        parts.append(f"{date['as_said']} ({word('as_said', lang)})")
    if date.get("as_understood"):
        bounds = "".join(", " + word(q, lang) for q in date.get("qualifiers") or ())
        if date.get("lower") and date.get("upper") and date["lower"] != date["upper"]:
            bounds += "; " + word("between", lang, a=date["lower"], b=date["upper"])
        parts.append(f"{date['as_understood']} ({word('understood', lang)}{bounds})")
    return " — ".join(parts)


def _form_rows(ident: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The communication form's identity rows (family and given names, nationality, document, occupation, age)."""
    rows: list[tuple[str, str]] = []
    for split in ident["names_split"]:
        rows.append((word("family_name", lang), " / ".join(v for k in ("family_roman", "family_hangul", "family_hanja")
                                                           if (v := split.get(k)))))
        rows.append((word("given_names", lang), " / ".join(v for k in ("given_roman", "given_hangul", "given_hanja")
                                                           if (v := split.get(k)))))
    rows.append((word("nationality", lang), ", ".join(_nationality(c, lang) for c in ident["nationality"])))
    rows.append((word("identity_document", lang), "; ".join(ident["identity_document"])))
    rows.append((word("occupation", lang), "; ".join(ident["occupation"])))
    age = ident["age_at_disappearance"]
    if age:
        rows.append((word("age", lang), word("age_exact", lang, a=age["min"]) if age["min"] == age["max"]
                     else word("age_range", lang, a=age["min"], b=age["max"])))
    return rows


def _nationality(code: str, lang: str) -> str:
    entry = vocabularies.load("nationalities").get(code)
    return entry.label("en") if lang == "en" else str(dict(entry.attrs).get(lang, entry.label("en")))


def _pdf(doc: dict[str, Any]) -> bytes:
    return document(doc).render(f"WGEID {doc['case_reference']}")


def document(doc: dict[str, Any]) -> Document:
    """The case's PDF, laid out but not yet rendered (its strings are what a rendering test compares)."""
    lang = doc["language"]
    pdf = Document(word("title", lang))
    pdf.fields([(word("case", lang), doc["case_reference"]), (word("state", lang), word("dprk", lang)),
                (word("procedure", lang), word(doc["procedure"] if doc["disappearance"] else "undated", lang))])
    ident = doc["identity"]
    pdf.heading(word("a", lang))
    names = "; ".join(" / ".join(v for v in (n.get("roman"), n.get("hangul"), n.get("hanja")) if v)
                      for n in ident["names"]) or word("none_recorded", lang)
    rows = [(word("name", lang), names), (word("sex", lang), ", ".join(_label_in("sex", s, lang) for s in ident["sex"])),
            (word("birth", lang), "; ".join(_date_words(b, lang) for b in ident["birth"]) or word("none_recorded", lang)),
            (word("origin", lang), "; ".join(ident["origin"] + [_label("places", p) for p in ident["origin_place"]])),
            (word("status", lang), ", ".join(_label_in("whereabouts_status", s, lang) for s in ident["status"]))]
    if ident["group_size"]:
        rows.append(("", word("group", lang, n=ident["group_size"])))
    rows += _form_rows(ident, lang)
    pdf.fields([(k, v) for k, v in rows if v])
    found = doc["disappearance"]
    pdf.heading(word("b", lang))
    pdf.para(_date_words(found and found["date"], lang))
    pdf.heading(word("c", lang))
    place = found and found.get("place")
    pdf.para("; ".join(v for v in (place.get("as_said"), _label("places", place.get("code")), place.get("facility"))
                       if v) if place else word("none_recorded", lang))
    for seen in doc["last_seen"]:
        pdf.para(f"{_label_in('act_types', 'last_seen', lang)}: {_date_words(seen['date'], lang)}; "
                 f"{seen.get('place') or ''}")
    pdf.heading(word("d", lang))
    pdf.bullets([", ".join(str(f[k]) for k in ("organ_label", "unit", "rank", "role", "name") if f.get(k))
                 + f" — {_label_in('act_types', f['act'], lang)}" for f in doc["forces"]] or [word("none_recorded", lang)])
    pdf.heading(word("e", lang))
    if doc["steps_taken"]:
        pdf.table([word("date", lang), word("body", lang), word("done", lang), word("response", lang)],
                  [[s.get("date", ""), s.get("body", ""), s["action"], s.get("response", "")]
                   for s in doc["steps_taken"]], [25, 40, 60, 45])
    else:
        pdf.para(word("none_recorded", lang))
    pdf.heading(word("f", lang))
    org = doc["submitted_by"]
    pdf.fields([(word("organisation", lang), org["organisation"] or word("none_recorded", lang)),
                (word("contact", lang), org["contact"] or word("none_recorded", lang)),
                (word("submitter_relation", lang), word(org["relation"], lang)),
                (word("submitted_on", lang), org["date"])])
    pdf.para(word("confidential" if org["confidential"] else "not_confidential", lang))
    pdf.heading(word("consent_heading", lang))
    for given in doc["family_consent"]:
        pdf.para(word("consent_line", lang, n=given["source"], relation=value("relations", given.get("given_by"), lang),
                      value=value("consent_values", given.get("decision"), lang),
                      date=word("decided_on", lang, d=given["date"]) if given.get("date") else ""))
    pdf.heading(word("sources", lang))
    for src in doc["sources"]:
        decision = src["consent"][0] if src["consent"] else {}
        pdf.para(word("source_line", lang, n=src["source"], value=value("consent_values", decision.get("value"), lang),
                      date=f", {decision['date']}" if decision.get("date") else "",
                      level=value("anonymity_levels", src["anonymity"], lang)), "small")
    if doc["missing"]:
        pdf.heading(word("missing", lang))
        pdf.para(word("missing_note", lang))
        pdf.bullets([MISSING[k] for k in doc["missing"]])
    return pdf


class WgeidExporter:
    format: str = "wgeid"
    purposes: tuple[str, ...] = ("wgeid",)
    also_required: tuple[str, ...] = ()

    def render(self, release: Release, request: ExportRequest) -> Rendered:
        consent.require(release, "wgeid")
        lang = str(request.options.get("lang", "en"))
        if lang not in LANGUAGES:
            raise ValueError(f"WGEID language must be one of {', '.join(LANGUAGES)}")
        org = request.options.get("organisation") or Organisation()
        today = request.options.get("today") or dt.datetime.now(dt.UTC).date()
        case = _Case(release, lang, today, org)
        doc = case.to_json()
        stem = f"wgeid-{doc['case_reference']}"
        data = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        return Rendered(((f"{stem}.pdf", _pdf(doc)), (f"{stem}.json", data)),
                        missing=tuple(MISSING[k] for k in doc["missing"]),
                        facts={"format": "wgeid", "procedure": doc["procedure"], "language": lang,
                               "case_reference": doc["case_reference"]})


EXPORTER = WgeidExporter()
