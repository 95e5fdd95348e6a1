"""Which column of an archive CSV holds which of our fields.

Uwazi's CSV export writes property *labels* in the collection's UI language as headers, so a header is matched after
folding (NFC, case-folded, whitespace collapsed). Without a map file, the headers our own ``intake export uwazi``
writes, and common English and Korean labels, are mapped (``DEFAULTS``); with ``--map MAP.json`` only the map counts:

    {"columns": {"HEADER": "FIELD", ...}, "date_format": "YYYY-MM-DD"}

A FIELD of ``null`` says "leave this column out" without reporting it as unmapped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake_app.errors import UsageError
from intake_app.records.vocabularies import fold

TEMPLATES = ("victims", "cases", "perpetrators")
KIND_OF = {"victims": "person", "cases": "act", "perpetrators": "perpetrator"}

# Our fields: name -> (multi-valued with '|', kind of value). Kinds: line, text, code:<vocab>, categories, date.
FIELDS: dict[str, tuple[bool, str]] = {
    "title": (False, "line"),
    "source_id": (False, "line"),
    "notes": (False, "text"),
    "victim.name.hangul": (True, "line"),
    "victim.name.roman": (True, "line"),
    "victim.name.hanja": (True, "line"),
    "victim.sex": (False, "code:sex"),
    "victim.birth": (False, "date"),
    "victim.categories": (True, "categories"),
    "victim.status": (False, "code:whereabouts_status"),
    "victim.home": (False, "place"),
    "act.type": (False, "code:act_types"),
    "act.date": (False, "date"),
    "act.date_text": (False, "line"),
    "act.place": (False, "place"),
    "act.facility": (False, "line"),
    "act.unit": (True, "line"),
    "act.victim": (True, "line"),
    "act.perpetrators": (True, "line"),
    "perpetrator.name": (False, "line"),
    "perpetrator.organ": (False, "code:organs"),
    "perpetrator.unit": (False, "line"),
    "perpetrator.rank": (False, "line"),
}

# Default header -> field (folded headers). Our own export's property names with their language suffix, then
# English and Korean labels an Uwazi collection commonly uses.
_OUR_EXPORT = {
    "title__en": "title", "title__ko": "title", "our_id": "source_id",
    "name__en": "victim.name.roman", "name__ko": "victim.name.hangul",
    "sex__en": "victim.sex", "sex__ko": "victim.sex", "birth": "victim.birth",
    "categories__en": "victim.categories", "categories__ko": "victim.categories",
    "status__en": "victim.status", "status__ko": "victim.status",
    "home_place__en": "victim.home", "home_place__ko": "victim.home", "disappeared": "act.date",
    "act_type__en": "act.type", "act_type__ko": "act.type", "date": "act.date", "date_as_said": "act.date_text",
    "place": "act.place", "place_code__en": "act.place", "place_code__ko": "act.place", "facility": "act.facility",
    "victim": "act.victim", "perpetrators": "act.perpetrators",
    "organ__en": "perpetrator.organ", "organ__ko": "perpetrator.organ", "unit": "perpetrator.unit",
    "rank": "perpetrator.rank",
}
_LABELS = {
    "title": ("Title", "제목"),
    "source_id": ("ID", "Our id", "Record id", "식별번호", "고유번호"),
    "notes": ("Notes", "Description", "비고", "설명"),
    "victim.name.hangul": ("Name (Hangul)", "Korean name", "이름", "성명", "한글 이름"),
    "victim.name.roman": ("Name (romanised)", "Name (romanized)", "English name", "영문 이름", "로마자 이름"),
    "victim.name.hanja": ("Name (hanja)", "한자 이름", "한자"),
    "victim.sex": ("Sex", "Gender", "성별"),
    "victim.birth": ("Birth", "Date of birth", "Born", "생년월일", "출생", "출생일"),
    "victim.categories": ("Categories", "Victim category", "Category", "피해자 범주", "피해자 구분", "분류"),
    "victim.status": ("Status", "Current status", "현재 상태", "상태"),
    "victim.home": ("Home place", "Hometown", "고향", "본적"),
    "act.type": ("Act type", "Type of act", "Violation", "피해 유형"),
    "act.date": ("Date of disappearance", "Disappeared", "Date of abduction", "납북일", "납북 일자", "실종일", "날짜"),
    "act.place": ("Place of disappearance", "Place of abduction", "납북 장소", "납북장소", "실종 장소", "장소"),
    "act.facility": ("Facility", "Detention facility", "수용시설", "구금 시설"),
    "act.unit": ("Unit", "Perpetrator unit", "가해 기관", "부대"),
    "act.victim": ("Victim", "Victims", "피해자"),
    "act.perpetrators": ("Perpetrators", "Perpetrator", "가해자"),
    "perpetrator.name": ("Perpetrator name", "가해자 이름"),
    "perpetrator.organ": ("Organ", "State organ", "기관"),
    "perpetrator.rank": ("Rank", "계급", "직위"),
}
DEFAULTS: dict[str, str] = {fold(h): f for h, f in _OUR_EXPORT.items()}
for _field, _labels in _LABELS.items():
    for _label in _labels:
        DEFAULTS.setdefault(fold(_label), _field)

_LANG_SUFFIX = re.compile(r"__([a-z]{2,3})$")
MAX_MAP_BYTES = 256 * 1024


@dataclass(frozen=True)
class Mapping:
    """Column index -> field, in the order values are taken (preferred language first for a single-valued field)."""

    header: tuple[str, ...]
    fields: dict[int, str]
    unmapped: tuple[str, ...]
    date_format: str | None

    def columns_of(self, field: str) -> list[int]:
        return [i for i, f in self.fields.items() if f == field]

    def to_json(self) -> dict[str, str]:
        return {self.header[i]: f for i, f in sorted(self.fields.items())}


def read_map(path: Path) -> tuple[dict[str, str | None], str | None]:
    """Parse a map file; a usage error naming the problem for anything but the documented shape."""
    try:
        data = path.read_bytes()[: MAX_MAP_BYTES + 1]
    except OSError as exc:
        raise UsageError(f"cannot read the map file {path}: {exc.strerror}") from None
    if len(data) > MAX_MAP_BYTES:
        raise UsageError("the map file is larger than 256 KiB")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UsageError("the map file is not UTF-8 JSON") from None
    if not isinstance(doc, dict) or not set(doc) <= {"columns", "date_format"} or "columns" not in doc:
        raise UsageError('the map file must be {"columns": {"HEADER": "FIELD", ...}, "date_format": "..."}')
    columns, date_format = doc["columns"], doc.get("date_format")
    if not isinstance(columns, dict) or not columns:
        raise UsageError('the map file\'s "columns" must be an object of HEADER: FIELD')
    if date_format is not None and not isinstance(date_format, str):
        raise UsageError('the map file\'s "date_format" must be a string')
    out: dict[str, str | None] = {}
    for header, field in columns.items():
        if field is not None and field not in FIELDS:
            raise UsageError(f"the map file maps a column to {field!r}, which is not a field "
                             f"(fields: {', '.join(FIELDS)})")
        out[fold(header)] = field
    return out, date_format


def resolve(header: list[str], lang: str, column_map: dict[str, str | None] | None,
            date_format: str | None) -> Mapping:
    """Map the file's header; refuse a header without a title column, or a map naming columns the file lacks."""
    folded = [fold(h) for h in header]
    if len(set(folded)) != len(folded):
        raise UsageError("two columns of the file have the same header")
    fields: dict[int, str] = {}
    unmapped: list[str] = []
    if column_map is not None:
        missing = sorted(set(column_map) - set(folded))
        if missing:
            raise UsageError(f"the map names {len(missing)} column(s) the file does not have: {', '.join(missing)}")
    for i, h in enumerate(folded):
        field = column_map.get(h) if column_map is not None else DEFAULTS.get(h)
        if field is None and column_map is None and (m := _LANG_SUFFIX.search(h)):
            field = DEFAULTS.get(h[: m.start()])
        if field is not None:
            fields[i] = field
        elif column_map is None or h not in column_map:
            unmapped.append(header[i])
    if "title" not in fields.values():
        raise UsageError("no column is mapped to title (the file's headers: " + ", ".join(header) + "); "
                         "give --map MAP.json naming the title column")

    def order(i: int) -> tuple[int, int]:
        m = _LANG_SUFFIX.search(folded[i])
        return (0 if m is None or m.group(1) == lang else 1, i)

    ordered = dict(sorted(fields.items(), key=lambda item: order(item[0])))
    return Mapping(tuple(header), ordered, tuple(unmapped), date_format)


def describe(mapping: Mapping) -> dict[str, Any]:
    return {"columns": mapping.to_json(), "unmapped_columns": list(mapping.unmapped),
            "date_format": mapping.date_format}
