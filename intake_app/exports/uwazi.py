"""Uwazi (HURIDOCS) CSV import: one ZIP per template (victims, perpetrators, cases), thesauri as CSV, a README.

Import rules followed (external-bodies.md, "Uwazi (HURIDOCS) CSV import", read from huridocs/uwazi app/api/csv):
- each ZIP holds ``import.csv`` for one template; column names are property names (``title`` first, required);
- ``title`` is unique and stable, and carries our id, because a CSV import cannot update entities (#5157): a second
  import of the same export is recognisable, and our id travels in the ``our_id`` property too;
- multiple values are joined with ``|``; date ranges are written ``from:to`` with ``YYYY-MM-DD`` ends taken from the
  EDTF bounds (an open end is left empty), so an uncertain date never becomes 1 January;
- language columns ``__en`` and ``__ko`` (default language included) only on title, text and select properties;
- relationship columns hold titles; related entities are exported in the other ZIPs, imported first (the README
  gives the order), because unknown titles are silently created (#9220); no same-template relationship (#3254);
- thesauri: one CSV per select property, a column per language label (``English``, ``Korean``).
Consent and anonymity apply per row: a row exists only for released mentions, its names are at that row's level, and
each row states its consent basis and anonymity.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from intake_app import csv_cells
from intake_app.exports import anonymity, consent
from intake_app.exports.base import ExportRequest, Rendered
from intake_app.exports.consent import Release
from intake_app.exports.released import ReleasedMention, ReleasedPerpetrator
from intake_app.records import vocabularies
from intake_app.records.edtf import UncertainDate

SEP = "|"
LANGS = ("en", "ko")
LANGUAGE_LABELS = {"en": "English", "ko": "Korean"}
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed member times: the same export gives the same bytes
ZIP_LEVEL = 1
"""The deflate level of every ZIP member (docs/exports.md): level 1 takes a third of level 6's CPU (0.06 s against
0.19 s for the 26 MB of CSV of a 20,000-testimony archive) for files about a quarter larger (2.2 MB against 1.7 MB);
the members' bytes are the same at any level."""

# property -> (Uwazi type, thesaurus vocabulary or None); the property names are the CSV columns.
TEMPLATES: dict[str, dict[str, tuple[str, str | None]]] = {
    "victims": {
        "title": ("title", None), "our_id": ("text", None), "name": ("text", None), "sex": ("select", "sex"),
        "birth": ("daterange", None), "categories": ("multiselect", "victim_categories"),
        "status": ("select", "whereabouts_status"), "reasons": ("multiselect", "disappearance_reasons"),
        "home_place": ("select", "places"), "disappeared": ("daterange", None), "sources": ("numeric", None),
        "anonymity": ("select", "anonymity_levels"), "consent_basis": ("text", None),
        "group_size": ("numeric", None),  # a group of unnamed victims is one row: how many people it stands for
    },
    "perpetrators": {
        "title": ("title", None), "our_id": ("text", None), "organ": ("select", "organs"), "unit": ("text", None),
        "rank": ("text", None), "name": ("text", None), "identification": ("multiselect", "identification"),
        "sources": ("numeric", None),
    },
    "cases": {
        "title": ("title", None), "our_id": ("text", None), "act_type": ("select", "act_types"),
        "date": ("daterange", None), "date_as_said": ("text", None), "place": ("text", None),
        "place_code": ("select", "places"), "facility": ("text", None), "facility_type": ("select", "facility_types"),
        "victim": ("relationship", None), "perpetrators": ("relationship", None), "source_kind": ("select", "source_kinds"),
        "source": ("numeric", None), "anonymity": ("select", "anonymity_levels"), "consent_basis": ("text", None),
    },
}
MULTILINGUAL = frozenset({"title", "text", "select", "multiselect"})
IMPORT_ORDER = ("victims", "perpetrators", "cases")
_PLANS: dict[str, tuple[tuple[str, bool, str | None], ...]] = {
    template: tuple((prop, kind in MULTILINGUAL, vocab) for prop, (kind, vocab) in props.items())
    for template, props in TEMPLATES.items()}
"""Each template's properties as (name, written in ``__en``/``__ko`` columns, thesaurus), in column order."""


def columns(template: str) -> list[str]:
    """The header of a template's import.csv: each property, and ``__en``/``__ko`` for the multilingual ones."""
    out: list[str] = []
    for prop, (kind, _) in TEMPLATES[template].items():
        out.extend([f"{prop}__{lang}" for lang in LANGS] if kind in MULTILINGUAL else [prop])
    return out


def date_range(date: UncertainDate | None) -> str:
    """``from:to`` from the EDTF bounds (``YYYY-MM-DD``), an open end left empty; "" when unknown."""
    if date is None:
        return ""
    low = "" if date.lower == dt.date.min else date.lower.isoformat()
    high = "" if date.upper == dt.date.max else date.upper.isoformat()
    return "" if not low and not high else f"{low}:{high}"


# Vocabularies exported as a two-level Uwazi thesaurus (Uwazi nests one level: a group and its values). An entry is
# nested under its parent when every child of that parent is a leaf (the parent is a lowest-level group): "-" rows in
# the thesaurus CSV, ``parent::child`` in the entity CSVs. Other entries are top-level values. So Onsong is under North
# Hamgyong and Yanji under China, while North Korea's provinces (which have counties) stand beside North Korea.
NESTED_VOCABS = frozenset({"places"})


_MEMO: dict[tuple[str, ...], tuple[object, str | None]] = {}


def _memo(key: tuple[str, ...], vocab: str, make: Callable[[], str | None]) -> str | None:
    """``make()`` remembered for ``key`` while ``vocab`` is the same loaded vocabulary (a vault's additions reload it,
    and then the remembered values are made again)."""
    current = vocabularies.load(vocab)
    found = _MEMO.get(key)
    if found is not None and found[0] is current:
        return found[1]
    value = make()
    _MEMO[key] = (current, value)
    return value


def nested_parent(vocab: str, code: str) -> str | None:
    """The parent under which ``code`` is nested in the Uwazi thesaurus, or None for a top-level value."""
    if vocab not in NESTED_VOCABS:
        return None
    return _memo(("parent", vocab, code), vocab, lambda: _nested_parent(vocab, code))


def _nested_parent(vocab: str, code: str) -> str | None:
    entries = vocabularies.load(vocab).entries
    parent = next((e.parent for e in entries if e.code == code), None)
    if parent is None:
        return None
    has_children = {e.parent for e in entries if e.parent is not None}
    siblings = [e.code for e in entries if e.parent == parent]
    return None if any(c in has_children for c in siblings) else parent


def _label(vocab: str, code: str | int | None, lang: str) -> str:
    if code is None or code == "":
        return ""
    return str(_memo(("label", vocab, str(code), lang), vocab, lambda: _make_label(vocab, str(code), lang)))


def _make_label(vocab: str, code: str, lang: str) -> str:
    try:
        label = vocabularies.load(vocab).get(str(code)).label("ko" if lang == "ko" else "en")
        parent = nested_parent(vocab, str(code))
        return label if parent is None else f"{_label(vocab, parent, lang)}::{label}"
    except Exception:  # a code the bundled vocabulary no longer has is exported as itself  # noqa: BLE001
        return str(code)


def _short_id(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:10]


def _basis(mentions: Iterable[ReleasedMention], purpose: str, number: Callable[[ReleasedMention], int]) -> str:
    items: list[str] = []
    for m in mentions:  # each decision's value and date as ReleasedMention.basis_json gives them
        items.extend(f"source {number(m)}: {purpose} {d.value}" + (f" {d.date.edtf}" if d.date else "")
                     for d in m.basis.get(purpose, ()))
    return SEP.join(items)


def _own_number(m: ReleasedMention) -> int:
    return m.source_number


def _perp_key(p: ReleasedPerpetrator) -> tuple[str, ...]:
    return tuple((v or "").strip() for v in (p.organ, p.unit, p.rank, p.name, p.foreign_actor))


def perpetrator_title(key: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """A perpetrator's reference (``K-`` and a hash of what identifies it) and its title by language."""
    organ, unit, rank, name, _foreign = key
    ref = "K-" + _short_id("perpetrator", *key)
    label = {lang: " ".join(v for v in (_label("organs", organ, lang), unit, rank, name) if v) or ref
             for lang in LANGS}
    return ref, {lang: f"{label[lang]} [{ref}]" for lang in LANGS}


def perpetrator_values(key: tuple[str, ...], sources: int, identification: Iterable[str]) -> dict[str, Any]:
    """The perpetrators row of ``key``, seen in ``sources`` released mentions with these identification codes."""
    organ, unit, rank, name, _foreign = key
    ref, title = perpetrator_title(key)
    return {"title": title, "our_id": ref, "organ": [organ] if organ else [], "unit": unit, "rank": rank,
            "name": name, "identification": sorted(set(identification)), "sources": str(sources)}


class _Builder:
    """The rows of one set of released mentions. ``included`` holds whole persons (every released mention of each)."""

    def __init__(self, purpose: str, included: Sequence[ReleasedMention], person_of: Mapping[str, str],
                 numbers: Mapping[str, int] | None = None) -> None:
        """``numbers`` (mention -> number) replaces each mention's own ``source_number`` in the rows when given."""
        self.purpose = purpose
        self.number: Callable[[ReleasedMention], int] = (
            _own_number if numbers is None else lambda m: numbers[m.mention])
        self.included = included
        self.person_of = person_of
        self.persons: dict[str, list[ReleasedMention]] = {}
        for m in included:
            self.persons.setdefault(person_of.get(m.mention, m.person_key), []).append(m)
        self.victim_keys: list[str] = []
        self.victim_titles: dict[str, dict[str, str]] = {}
        self.perp_titles: dict[tuple[str, ...], dict[str, str]] = {}
        self._label_cache: dict[tuple[str, str | int | None, str], str] = {}
        self._pairs: dict[tuple[str, str | int | None], tuple[str, str]] = {}
        self._perp_keys: dict[int, tuple[str, ...]] = {}  # id(perpetrator) -> _perp_key (``included`` holds them)

    def _pair(self, vocab: str, code: str | int | None) -> tuple[str, str]:
        """The (English, Korean) cells of one code of a select property, as :meth:`_row` writes ``[code]`` ("" for
        none), remembered for this builder's rows."""
        pair = self._pairs.get((vocab, code))
        if pair is None:
            pair = self._pairs[vocab, code] = (self._labels(vocab, (code,), "en"), self._labels(vocab, (code,), "ko"))
        return pair

    def _pairs_of(self, vocab: str, codes: Iterable[str | int | None]) -> tuple[str, str]:
        """The (English, Korean) cells of a multiselect property (:meth:`_row` of a list of codes)."""
        pairs = [self._pair(vocab, code) for code in codes]
        return SEP.join([p[0] for p in pairs]), SEP.join([p[1] for p in pairs])

    def _key(self, p: ReleasedPerpetrator) -> tuple[str, ...]:
        key = self._perp_keys.get(id(p))
        if key is None:
            key = self._perp_keys[id(p)] = _perp_key(p)
        return key

    def _labels(self, vocab: str, codes: Iterable[str | int | None], lang: str) -> str:
        """The ``|``-joined labels of ``codes`` (as :func:`_label`, remembered for this builder's rows)."""
        cache = self._label_cache
        out = []
        for code in codes:
            key = (vocab, code, lang)
            label = cache.get(key)
            if label is None:
                label = cache[key] = _label(vocab, code, lang)
            out.append(label)
        return SEP.join(out)

    def _row(self, template: str, values: dict[str, Any]) -> list[str]:
        row: list[str] = []
        append = row.append
        for prop, multilingual, vocab in _PLANS[template]:
            value = values.get(prop)
            if value.__class__ is str:  # the common case: one text cell (or the same text under each language)
                if multilingual:
                    if vocab is None:
                        append(value)
                        append(value)
                    else:
                        one = [value] if value else []
                        append(self._labels(vocab, one, "en"))
                        append(self._labels(vocab, one, "ko"))
                else:
                    append(value)
            elif multilingual:
                if isinstance(value, dict):
                    append(str(value.get("en", "")))
                    append(str(value.get("ko", "")))
                elif vocab is not None:
                    codes = value if isinstance(value, (list, tuple)) else [value] if value not in (None, "") else []
                    append(self._labels(vocab, codes, "en"))
                    append(self._labels(vocab, codes, "ko"))
                else:
                    text = "" if value is None else str(value)
                    append(text)
                    append(text)
            else:
                append(SEP.join(value) if isinstance(value, list) else "" if value is None else str(value))
        return row

    def victims(self) -> list[list[str]]:
        rows = []
        for person, mentions in sorted(self.persons.items()):
            level = anonymity.most_restrictive([m.anonymity for m in mentions])
            ref = mentions[0].reference  # the person's keyed reference for this purpose and level (same in each)
            names: list[anonymity.ShownName] = []
            for m in mentions:
                names.extend(n for n in m.names if n not in names and level == m.anonymity)
            roman = next((n.roman for n in names if n.roman), None) if level not in ("anonymised",) else None
            hangul = next((n.hangul for n in names if n.hangul), None) if level not in ("anonymised",) else None
            shown_en = roman or hangul or "Unnamed victim"
            shown_ko = hangul or roman or "이름 없는 피해자"
            title = {"en": f"{shown_en} [{ref}]", "ko": f"{shown_ko} [{ref}]"}
            self.victim_titles[person] = title
            self.victim_keys.append(person)
            first = min((a.date for m in mentions for a in m.acts if a.date is not None),
                        key=lambda d: d.lower, default=None)
            births = [m.birth for m in mentions if m.birth is not None]
            name_en = SEP.join(n.roman for n in names if n.roman)
            name_ko = SEP.join(n.hangul for n in names if n.hangul)
            sex = self._pairs_of("sex", sorted({m.sex for m in mentions if m.sex})[:1])
            codes: list[str] = sorted({str(c) for m in mentions for c in m.categories}, key=int)
            categories = self._pairs_of("victim_categories", codes)
            status = self._pairs_of("whereabouts_status", sorted({m.status for m in mentions if m.status})[:1])
            reasons = self._pairs_of("disappearance_reasons", sorted({r for m in mentions for r in m.reasons}))
            home = self._pairs_of("places", sorted({m.origin_place for m in mentions if m.origin_place})[:1])
            level_cells = self._pair("anonymity_levels", level)
            basis = _basis(mentions, self.purpose, self.number)
            rows.append([  # the columns of columns("victims"), as _row writes them (tests/exports/test_uwazi_rows.py)
                title["en"], title["ko"], ref, ref, name_en, name_ko, *sex,
                date_range(births[0] if births else None), *categories, *status, *reasons, *home,
                date_range(first), str(len(mentions)), *level_cells, basis, basis,
                str(max(m.group_size or 0 for m in mentions) or ""),
            ])
        return rows

    def perpetrators(self) -> list[list[str]]:
        groups: dict[tuple[str, ...], list[tuple[ReleasedMention, ReleasedPerpetrator]]] = {}
        for m in self.included:
            for a in m.acts:
                for p in a.perpetrators:
                    groups.setdefault(self._key(p), []).append((m, p))
        rows = []
        for key, items in sorted(groups.items()):
            values = perpetrator_values(key, len({m.mention for m, _ in items}),
                                        (p.identification for _, p in items if p.identification))
            self.perp_titles[key] = values["title"]
            rows.append(self._row("perpetrators", values))
        return rows

    def perpetrator_titles(self) -> None:
        """The titles :meth:`cases` needs (as :meth:`perpetrators` leaves them), without making the rows."""
        titles = self.perp_titles
        for m in self.included:
            for a in m.acts:
                for p in a.perpetrators:
                    key = self._key(p)
                    if key not in titles:
                        titles[key] = perpetrator_title(key)[1]

    def perpetrator_items(self) -> Iterator[tuple[tuple[str, ...], str, str]]:
        """(perpetrator key, mention, identification code or "") for every perpetrator of every released act."""
        for m in self.included:
            for a in m.acts:
                for p in a.perpetrators:
                    yield self._key(p), m.mention, p.identification or ""

    def cases(self, *, ordered: bool = True) -> list[list[str]]:
        """The cases rows, in CSV order (by their cells), or as made when not ``ordered``: the cells of each case in
        the columns of columns("cases"), as :meth:`_row` writes them (tests/exports/test_uwazi_rows.py compares the
        two). What is the mention's (its victim, number, level, ``consent_basis``) is worked out once per mention."""
        rows = []
        titles, key, pair = self.perp_titles, self._key, self._pair
        for m in self.included:
            victim = self.victim_titles[self.person_of.get(m.mention, m.person_key)]
            shown_en, shown_ko = victim["en"].rsplit(" [", 1)[0], victim["ko"].rsplit(" [", 1)[0]
            basis = _basis([m], self.purpose, self.number)  # the same in each of the mention's cases
            tail = (str(self.number(m)), *pair("anonymity_levels", m.anonymity), basis, basis)
            for index, a in enumerate(m.acts):
                ref = "C-" + _short_id("case", m.mention, a.id or f"#{index}")
                act = pair("act_types", a.type)
                date_text, place, facility = _text(a.date_text), _text(a.place), _text(a.facility)
                rows.append([
                    f"{act[0]}, {shown_en} [{ref}]", f"{act[1]}, {shown_ko} [{ref}]", ref, ref, *act,
                    date_range(a.date), date_text, date_text, place, place, *pair("places", a.place_code or None),
                    facility, facility, *pair("facility_types", a.facility_type or None), victim["en"],
                    SEP.join(sorted({titles[key(p)]["en"] for p in a.perpetrators})),
                    *pair("source_kinds", a.source or None), *tail,
                ])
        return sorted(rows) if ordered else rows


def _text(value: object) -> str:
    """A text property's cell (:meth:`_Builder._row`): "" for none."""
    return "" if value is None else str(value)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:  # a row may hold csv_cells.Nested (a str)
    return csv_cells.to_csv(header, rows).encode("utf-8")  # every cell escaped against formula injection


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, data, compresslevel=ZIP_LEVEL)
    return buffer.getvalue()


def thesauri() -> list[tuple[str, bytes]]:
    """One CSV per vocabulary used by a select property: a column per language label, nested values prefixed '-'."""
    used = sorted({vocab for props in TEMPLATES.values() for _, vocab in props.values() if vocab})
    out = []
    for vocab in used:
        entries = vocabularies.load(vocab).entries
        rows = []
        for e in entries:
            if nested_parent(vocab, e.code) is not None:
                continue
            rows.append([e.label("en"), e.label("ko")])
            rows += [[csv_cells.nested(c.label("en")), csv_cells.nested(c.label("ko"))]
                     for c in entries if nested_parent(vocab, c.code) == e.code]
        out.append((f"thesaurus-{vocab}.csv", _csv([LANGUAGE_LABELS["en"], LANGUAGE_LABELS["ko"]], rows)))
    return out


def readme(purpose: str, counts: dict[str, int]) -> bytes:
    lines = [
        "Testimony Intake: Uwazi CSV import",
        "",
        f"Purpose of this export: {purpose}. Every row comes from testimony whose witness consented to it, with the",
        "anonymity level stated in the row.",
        "",
        "Before importing: set the collection's default language (Settings > Languages) to English or Korean and",
        "leave it unchanged until every file below is imported. Uwazi reads a thesaurus CSV in the default language",
        "(the other column becomes its translation); with another default language, or one changed half-way,",
        "the values of the entity files do not match and Uwazi adds them again as duplicate values.",
        "",
        "Import order (relationship columns hold titles; Uwazi creates an empty entity for an unknown title):",
        "  1. Create the thesauri from thesauri.zip (one CSV per thesaurus, columns English and Korean; a value",
        "     starting with '-' belongs to the value above it, e.g. Onsong under North Hamgyong, and the entity",
        "     files write it North Hamgyong::Onsong).",
        "  2. Create the templates victims, perpetrators and cases with the properties named in each import.csv",
        "     header (the __en/__ko columns are one property in two languages; English and Korean must be",
        "     languages of the collection). Date ranges are written from:to, YYYY-MM-DD.",
        *[f"  {i}. Import {name}.zip into the template {name} ({counts[name]} rows)." for i, name in
          enumerate(IMPORT_ORDER, start=3)],
        "",
        "A CSV import cannot update entities: importing the same ZIP again creates duplicates. Titles carry our ids",
        "([P-...] victims, [K-...] perpetrators, [C-...] cases), also in the our_id property, so duplicates are found.",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


class UwaziExporter:
    format: str = "uwazi"
    purposes: tuple[str, ...] = ("publication", "reports")
    also_required: tuple[str, ...] = ()

    def render(self, release: Release, request: ExportRequest) -> Rendered:
        consent.require(release, request.purpose)
        builder = _Builder(release.purpose, release.included, dict(request.person_of))
        tables = {"victims": builder.victims(), "perpetrators": builder.perpetrators()}
        tables["cases"] = builder.cases()
        files: list[tuple[str, bytes]] = []
        for name in IMPORT_ORDER:
            files.append((f"{name}.zip", _zip([("import.csv", _csv(columns(name), tables[name]))])))
        files.append(("thesauri.zip", _zip(thesauri())))
        counts = {name: len(rows) for name, rows in tables.items()}
        files.append(("README.txt", readme(release.purpose, counts)))
        return Rendered(tuple(files), facts={"format": "uwazi", "rows": counts})


EXPORTER = UwaziExporter()
