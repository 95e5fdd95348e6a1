"""The shape of the testimony interchange format: limits and one table of keys, shared by the validator
(:mod:`intake_app.records.interchange`) and the published JSON Schema (``docs/interchange.schema.json``).

Keeping both in one table means the schema cannot drift from what the validator accepts; a test compares the
committed schema file with :func:`build_json_schema`. Regenerate it with
``python -m intake_app.records.interchange_schema > docs/interchange.schema.json``.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from intake_app.records import vocabularies

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_NARRATIVE_BYTES = 4 * 1024 * 1024  # UTF-8 bytes of the narrative
MAX_TEXT_CHARS = 64 * 1024  # notes, descriptions, conditions
MAX_LINE_CHARS = 512  # names, places, units, dates as said
MAX_DEPTH = 16  # the format itself needs 7 levels
LOCAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# A loose pre-check for the schema; the validator parses every date fully with intake_app.dates.
EDTF_PATTERN = r"^[0-9Xx./~?%-]{1,64}$"
# Characters refused in every string: C0/C1 controls (tab and newline are allowed in multi-line text), line and
# paragraph separators, lone surrogates, and bidirectional marks, embeddings, overrides and isolates.
FORBIDDEN_IN_TEXT = "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069\\ud800-\\udfff"
FORBIDDEN_IN_LINE = "\\x00-\\x1f" + FORBIDDEN_IN_TEXT[len("\\x00-\\x08\\x0b-\\x1f"):]
# Characters that show nothing, besides whitespace: a value made only of these and whitespace is blank (issue 11).
# Format characters (Unicode category Cf: zero-width space/joiners, word joiner, BOM, soft hyphen, ...) plus the
# default-ignorable letters and marks: combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian
# and other variation selectors.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
                       + "".join(map(chr, range(0xFE00, 0xFE10))))


def is_blank(value: str) -> bool:
    """True when ``value`` shows nothing: only whitespace (``str.isspace``), format characters (category Cf) and the
    invisible letters and marks above (docs/formats/bundle-bytes.md §8)."""
    for ch in value:  # a loop, not all() over a generator: most values are decided at their first character
        if not (ch.isspace() or ch in _INVISIBLE or 0xE0100 <= ord(ch) <= 0xE01EF or unicodedata.category(ch) == "Cf"):
            return False
    return True

Kind = Literal[
    "line", "text", "narrative", "code", "codes", "categories", "edtf", "bool", "int", "uuid", "language",
    "local_id", "object", "objects", "consent",
]


@dataclass(frozen=True)
class FieldSpec:
    """One key of one object: its kind, whether it is required, and its vocabulary or nested object."""

    kind: Kind
    required: bool = False
    vocab: str | None = None
    target: str | None = None
    max_items: int = 0
    minimum: int = 0
    maximum: int = 0


def _f(kind: Kind, required: bool = False, **extra: Any) -> FieldSpec:
    return FieldSpec(kind, required, **extra)


OBJECTS: dict[str, dict[str, FieldSpec]] = {
    "testimony": {
        "id": _f("uuid"),
        "interview": _f("object", True, target="interview"),
        "interviewee": _f("object", True, target="interviewee"),
        "narrative": _f("narrative"),
        "consent": _f("consent"),
        "victims": _f("objects", target="victim", max_items=500),
        "notes": _f("text"),
    },
    "interview": {
        "date": _f("edtf", True),
        "place": _f("line"),
        "language": _f("language", True),
        "interviewer": _f("line", True),
        "interpreter": _f("line"),
        "mode": _f("code", vocab="interview_modes"),
    },
    "interviewee": {
        "pseudonym": _f("line", True),
        "relation": _f("code", vocab="relations"),
    },
    "consent_decision": {
        "value": _f("code", True, vocab="consent_values"),
        "anonymity": _f("code", vocab="anonymity_levels"),
        "conditions": _f("text"),
        "date": _f("edtf"),
    },
    "victim": {
        "id": _f("local_id"),
        "names": _f("objects", target="name", max_items=50),
        "group": _f("bool"),
        "group_size": _f("int", minimum=2, maximum=1_000_000),
        "sex": _f("code", vocab="sex"),
        "birth": _f("edtf"),
        "birth_text": _f("line"),
        "birth_lunar": _f("bool"),
        "origin": _f("line"),
        "origin_place": _f("code", vocab="places"),
        "categories": _f("categories", vocab="victim_categories", max_items=10),
        "status": _f("code", vocab="whereabouts_status"),
        "reasons": _f("codes", vocab="disappearance_reasons", max_items=10),
        "acts": _f("objects", target="act", max_items=500),
        "steps_taken": _f("objects", target="step", max_items=100),
        "notes": _f("text"),
        # Fields of the WGEID communication form (format 1 additions; older bundles simply lack them).
        "nationality": _f("code", vocab="nationalities"),
        "identity_document": _f("line"),
        "occupation": _f("line"),
    },
    # A step taken to find the person (HURIDOCS "intervention", WGEID element (e)): an inquiry, a complaint, a letter.
    "step": {
        "date": _f("edtf"),
        "body": _f("line"),
        "action": _f("text", True),
        "response": _f("text"),
    },
    "name": {
        "hangul": _f("line"),
        "hanja": _f("line"),
        "roman": _f("line"),
        "system": _f("code", vocab="romanisation_systems"),
        "type": _f("code", vocab="name_types"),
    },
    "act": {
        "id": _f("local_id"),
        "type": _f("code", True, vocab="act_types"),
        "date": _f("edtf"),
        "date_text": _f("line"),
        "date_lunar": _f("bool"),
        "place": _f("line"),
        "place_code": _f("code", vocab="places"),
        "facility": _f("line"),
        "facility_code": _f("code", vocab="facilities"),
        "facility_type": _f("code", vocab="facility_types"),
        "follows": _f("local_id"),
        "whereabouts": _f("code", vocab="whereabouts_status"),
        "source": _f("code", vocab="source_kinds"),
        "source_note": _f("text"),
        "perpetrators": _f("objects", target="perpetrator", max_items=100),
        "description": _f("text"),
    },
    "perpetrator": {
        "id": _f("local_id"),
        "name": _f("line"),
        "organ": _f("code", vocab="organs"),
        "unit": _f("line"),
        "rank": _f("line"),
        "role": _f("line"),
        "description": _f("text"),
        "identification": _f("code", vocab="identification"),
        "foreign_actor": _f("code", vocab="foreign_actors"),
    },
}

# Objects that must carry at least one of these keys (an empty name or an empty perpetrator says nothing).
AT_LEAST_ONE: dict[str, tuple[str, ...]] = {
    "name": ("hangul", "hanja", "roman"),
    "perpetrator": ("name", "organ", "unit", "rank", "role", "description"),
}
CONSENT_PURPOSES_VOCAB = "consent_purposes"


def _text_schema(max_length: int, multiline: bool) -> dict[str, Any]:
    # Multi-line text may use CRLF line ends (the validator turns them into LF); a lone CR is refused.
    pattern = f"^(?:[^{FORBIDDEN_IN_TEXT}]|\\r\\n)*$" if multiline else f"^[^{FORBIDDEN_IN_LINE}]*$"
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": pattern}


def _codes(vocab: str) -> list[str]:
    return list(vocabularies.load(vocab).codes())


def _field_schema(spec: FieldSpec) -> dict[str, Any]:
    kind = spec.kind
    if kind in ("line", "text", "narrative"):
        limit = {"line": MAX_LINE_CHARS, "text": MAX_TEXT_CHARS, "narrative": MAX_NARRATIVE_BYTES}[kind]
        return _text_schema(limit, kind != "line")
    if kind == "code":
        assert spec.vocab is not None
        return {"enum": _codes(spec.vocab)}
    if kind in ("codes", "categories"):
        assert spec.vocab is not None
        items: dict[str, Any] = (
            {"enum": [int(c) for c in _codes(spec.vocab)]} if kind == "categories" else {"enum": _codes(spec.vocab)}
        )
        return {"type": "array", "items": items, "uniqueItems": True, "maxItems": spec.max_items}
    if kind == "edtf":
        return {"type": "string", "pattern": EDTF_PATTERN}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "int":
        return {"type": "integer", "minimum": spec.minimum, "maximum": spec.maximum}
    if kind in ("uuid", "language", "local_id"):
        pattern = {"uuid": UUID_PATTERN, "language": LANGUAGE_PATTERN, "local_id": LOCAL_ID_PATTERN}[kind]
        return {"type": "string", "pattern": pattern}
    if kind == "object":
        return {"$ref": f"#/$defs/{spec.target}"}
    if kind == "objects":
        return {"type": "array", "items": {"$ref": f"#/$defs/{spec.target}"}, "maxItems": spec.max_items}
    # consent: purpose -> "value" or a decision object
    return {
        "type": "object",
        "propertyNames": {"enum": _codes(CONSENT_PURPOSES_VOCAB)},
        "additionalProperties": {"oneOf": [{"enum": _codes("consent_values")}, {"$ref": "#/$defs/consent_decision"}]},
    }


def _object_schema(name: str) -> dict[str, Any]:
    fields = OBJECTS[name]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {key: _field_schema(spec) for key, spec in fields.items()},
        "required": [key for key, spec in fields.items() if spec.required],
        "additionalProperties": False,
    }
    if name in AT_LEAST_ONE:
        schema["anyOf"] = [{"required": [key]} for key in AT_LEAST_ONE[name]]
    return schema


def build_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of one testimony, generated from :data:`OBJECTS` and the vocabularies.

    The schema states shapes, codes and limits; the validator additionally checks what a schema cannot say well:
    real calendar dates, local id references, duplicate JSON keys and the narrative's byte size.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.invalid/testimony-intake/interchange.schema.json",
        "title": "Testimony Intake interchange: one testimony",
        "$ref": "#/$defs/testimony",
        "$defs": {name: _object_schema(name) for name in OBJECTS},
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(build_json_schema(), ensure_ascii=False, indent=2) + "\n")
