"""The testimony interchange format: corpus of good and bad files, limits, canonical form, round trips, schema."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_app.errors import UsageError
from intake_app.records import vocabularies
from intake_app.records.interchange import (
    InterchangeError,
    canonical_sha256,
    dumps_canonical,
    parse_testimony,
    record_summary,
    to_json,
    validate,
)
from intake_app.records.interchange_schema import MAX_DOCUMENT_BYTES, MAX_NARRATIVE_BYTES, OBJECTS, build_json_schema

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "interchange"
GOOD = sorted((CORPUS / "good").glob("*.json"))
BAD_EXPECTED: dict[str, str] = json.loads((CORPUS / "bad" / "expected.json").read_text(encoding="utf-8"))
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _example() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((CORPUS / "good" / "example.json").read_text(encoding="utf-8"))
    return doc


def _error(doc: Any) -> InterchangeError:
    with pytest.raises(InterchangeError) as info:
        validate(doc)
    return info.value


# --- good corpus ----------------------------------------------------------------------------------------------------


def test_corpus_has_the_three_good_files() -> None:
    assert {p.name for p in GOOD} == {"example.json", "rich.json", "english.json"}


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_files_round_trip(path: Path) -> None:
    testimony = parse_testimony(path.read_bytes())
    exported = to_json(testimony)
    again = validate(copy.deepcopy(exported))
    assert again == testimony
    assert to_json(again) == exported
    canonical = dumps_canonical(testimony)
    assert parse_testimony(canonical) == testimony
    assert dumps_canonical(parse_testimony(canonical)) == canonical


def test_rich_file_uses_every_key() -> None:
    doc = json.loads((CORPUS / "good" / "rich.json").read_text(encoding="utf-8"))
    used: dict[str, set[str]] = {name: set() for name in OBJECTS}

    def walk(obj: dict[str, Any], name: str) -> None:
        used[name] |= set(obj)
        for key, spec in OBJECTS[name].items():
            if key not in obj:
                continue
            if spec.kind == "object":
                walk(obj[key], str(spec.target))
            elif spec.kind == "objects":
                for item in obj[key]:
                    walk(item, str(spec.target))
            elif spec.kind == "consent":
                for decision in obj[key].values():
                    if isinstance(decision, dict):
                        walk(decision, "consent_decision")

    walk(doc, "testimony")
    assert used == {name: set(fields) for name, fields in OBJECTS.items()}
    assert set(doc["consent"]) == set(vocabularies.load("consent_purposes").codes())


def test_example_content_and_derived_values() -> None:
    testimony = parse_testimony((CORPUS / "good" / "example.json").read_bytes())
    victim = testimony.victims[0]
    act = victim.acts[0]
    assert act.date is not None and act.date.edtf == "2011-23"
    assert (act.date.lower.isoformat(), act.date.upper.isoformat()) == ("2011-09-01", "2011-11-30")
    assert act.date_text == "2011년 가을쯤"
    assert victim.birth is not None and victim.birth.approximate
    assert victim.categories == (6, 7)
    assert act.perpetrators[0].rank == "상위"
    consent = testimony.consent_for("reports")
    assert consent is not None and consent.value == "conditional"
    assert testimony.consent_for("publication") is None
    assert record_summary(testimony) == {
        "id": "0190f6b8-7a1c-7d2e-9f00-3c4b5a6d7e8f",
        "interview_date": "2024-05-02",
        "interview_date_lower": "2024-05-02",
        "interview_date_upper": "2024-05-02",
        "interviewee": "W-117",
        "victims": ["류은별 (Ryu Un-byol)"],
        "categories": [6, 7],
    }


def test_rich_file_chains_and_consent_objects() -> None:
    testimony = parse_testimony((CORPUS / "good" / "rich.json").read_bytes())
    acts = {act.id: act for act in testimony.victims[0].acts}
    assert acts["a4"].follows == "a3" and acts["a3"].follows == "a2" and acts["a2"].follows == "a1"
    reports = testimony.consent_for("reports")
    assert reports is not None and reports.anonymity == "pseudonym" and not reports.is_simple
    assert testimony.narrative is not None and "\r" not in testimony.narrative  # CRLF became LF
    summary = record_summary(testimony)
    assert summary["victims"] == ["류은별 (Ryu Un-byol)", "three other women from Onsong"]
    assert to_json(testimony)["consent"]["storage"] == "granted"


def test_canonical_form_and_hash() -> None:
    doc = _example()
    pretty = json.dumps(doc, ensure_ascii=True, indent=4).encode()
    reordered = json.dumps(dict(reversed(list(doc.items()))), ensure_ascii=False).encode()
    a, b = parse_testimony(pretty), parse_testimony(reordered)
    assert dumps_canonical(a) == dumps_canonical(b)
    assert canonical_sha256(a) == canonical_sha256(b)
    canonical = dumps_canonical(a)
    assert canonical == json.dumps(
        json.loads(canonical), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert b"\n" not in canonical
    assert "류은별".encode() in canonical  # UTF-8, not \u escapes
    keys = list(json.loads(canonical))
    assert keys == sorted(keys)
    doc["narrative"] = "changed"
    assert canonical_sha256(validate(doc)) != canonical_sha256(a)


def test_strings_are_normalised_to_nfc() -> None:
    doc = _example()
    doc["victims"][0]["names"][0]["hangul"] = unicodedata.normalize("NFD", "류은별")
    doc["narrative"] = unicodedata.normalize("NFD", "언니는 잡혀갔다")
    testimony = validate(doc)
    assert testimony.victims[0].names[0].hangul == "류은별"
    assert dumps_canonical(testimony) == dumps_canonical(validate(_example() | {"narrative": "언니는 잡혀갔다"}))


def test_null_means_absent_for_optional_keys() -> None:
    doc = _example()
    doc["id"] = None
    doc["interview"]["place"] = None
    testimony = validate(doc)
    assert testimony.id is None and testimony.interview.place is None
    assert "place" not in to_json(testimony)["interview"]
    doc["interview"]["date"] = None
    assert str(_error(doc)) == "interview.date: required key is missing"


def test_simple_consent_object_is_written_as_a_string() -> None:
    doc = _example()
    doc["consent"]["storage"] = {"value": "granted"}
    assert to_json(validate(doc))["consent"]["storage"] == "granted"


def test_empty_optional_lists_are_left_out() -> None:
    doc = _example()
    doc["victims"][0]["acts"][0]["perpetrators"] = []
    assert "perpetrators" not in to_json(validate(doc))["victims"][0]["acts"][0]


# --- bad corpus -----------------------------------------------------------------------------------------------------


def test_bad_corpus_manifest_lists_every_file() -> None:
    files = {p.name for p in (CORPUS / "bad").glob("*.json")} - {"expected.json"}
    assert files == set(BAD_EXPECTED)
    assert len(files) >= 50


@pytest.mark.parametrize(("name", "expected"), sorted(BAD_EXPECTED.items()))
def test_bad_files_are_refused_naming_the_key(name: str, expected: str) -> None:
    with pytest.raises(InterchangeError) as info:
        parse_testimony((CORPUS / "bad" / name).read_bytes())
    message = str(info.value)
    assert expected in message
    assert message.startswith(info.value.path or "document")
    assert not HANGUL.search(message), "error messages must not repeat testimony text"
    assert isinstance(info.value, UsageError) and info.value.exit_code == 2


def test_hundred_megabyte_narrative_is_refused_before_decoding() -> None:
    head, tail = b'{"interview":{"date":"2024","language":"ko","interviewer":"I"},"narrative":"', b'"}'
    data = head + b"a" * (100 * 1024 * 1024) + tail
    with pytest.raises(InterchangeError, match=r"^document: larger than the 16 MiB limit$"):
        parse_testimony(data)


def test_narrative_cap_counts_utf8_bytes() -> None:
    doc = _example()
    doc["narrative"] = "가" * (MAX_NARRATIVE_BYTES // 3 + 1)  # fewer characters than the cap, more bytes
    data = json.dumps(doc, ensure_ascii=False).encode()
    assert len(data) < MAX_DOCUMENT_BYTES
    with pytest.raises(InterchangeError, match=r"^narrative: longer than the 4 MiB limit$"):
        parse_testimony(data)
    doc["narrative"] = "가" * (MAX_NARRATIVE_BYTES // 3 - 10)
    assert parse_testimony(json.dumps(doc, ensure_ascii=False).encode()).narrative == doc["narrative"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["victims"][0]["names"][0].update(roman="x" * 513), "victims[0].names[0].roman: longer than 512"),
        (lambda d: d.update(notes="x" * (64 * 1024 + 1)), "notes: longer than 65536"),
        (lambda d: d.update(victims=[d["victims"][0]] * 501), "victims: more than 500 items"),
        (lambda d: d.update(narrative="line one\rline two"), "narrative: contains a control"),
        (lambda d: d.update(narrative="a\u2028b"), "narrative: contains a control"),
        (lambda d: d.update(narrative="\u200fabc"), "(U+200F)"),
        (lambda d: d["interview"].update(place="Seoul\tKorea"), "interview.place: contains a control"),
        (lambda d: d["victims"][0].update(categories=[6.0]), "got a decimal number"),
        (lambda d: d["victims"][0].update(categories=(6,)), "victims[0].categories: expected an array"),
        (lambda d: d.update({"weird key\u202e": 1}), "<key not shown>: unknown key"),
        (lambda d: d["victims"][0]["acts"][0].update(follows="x"), "victims[0].acts[0].follows: no act has the id"),
        (lambda d: d["victims"][0]["acts"][0].update(id="a1", follows="a1"), "cannot follow itself"),
        (lambda d: d["victims"][0]["names"][0].update(roman="!" * 40, system="XX"), "unknown code 'XX'"),
    ],
)
def test_limits_and_characters(mutate: Any, message: str) -> None:
    doc = _example()
    mutate(doc)
    assert message in str(_error(doc))


def test_an_error_deep_in_a_long_array_names_its_index() -> None:
    """Error paths of long arrays are made apart from the cached short ones (interchange._item_paths): the index is
    still the item's own, at the start, near the cache's bound and far past it."""
    for count, bad in ((40, 0), (40, 31), (40, 32), (40, 37), (500, 499)):
        doc = _example()
        doc["victims"] = [copy.deepcopy(doc["victims"][0]) for _ in range(count)]
        doc["victims"][bad]["names"][0]["system"] = "XX"
        error = _error(doc)
        assert error.path == f"victims[{bad}].names[0].system", (count, bad, error.path)


def test_tab_and_newline_are_allowed_in_narrative() -> None:
    doc = _example()
    doc["narrative"] = "첫째 줄\n\t둘째 줄\r\n셋째"
    assert validate(doc).narrative == "첫째 줄\n\t둘째 줄\n셋째"


def test_values_are_not_echoed_unless_code_like() -> None:
    doc = _example()
    doc["victims"][0]["status"] = "사라짐 in Onsong"
    message = str(_error(doc))
    assert message == "victims[0].status: unknown code a string (see vocabulary whereabouts_status)"


def test_non_bytes_and_top_level_types() -> None:
    with pytest.raises(InterchangeError, match="expected bytes"):
        parse_testimony("{}")  # type: ignore[arg-type]
    assert str(_error("증언")) == "document: expected an object, got a string"
    assert str(_error(["x"])) == "document: expected an object, got an array"
    assert str(_error({})) == "interview: required key is missing"


# --- property: round trip -------------------------------------------------------------------------------------------

_TEXT_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))
_LINE = st.text(_TEXT_CHARS, min_size=1, max_size=12).filter(lambda s: bool(s.strip()))
_MULTI = st.text(st.one_of(_TEXT_CHARS, st.sampled_from("\n\t")), min_size=1, max_size=40).filter(
    lambda s: bool(s.strip()))
_EDTF = st.sampled_from(["1998", "1998-21", "2011-23~", "197X", "1985-XX", "2011-05-02?", "../1998", "2011-03/..",
                         "2011-03-01/2011-03-10", "2004-06~/2006-08?", "1975%"])


def _code(vocab: str) -> st.SearchStrategy[str]:
    return st.sampled_from(vocabularies.load(vocab).codes())


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _object(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


_NAME = st.builds(lambda h, r, s: {"hangul": h, "roman": r, **({"system": s} if s else {})},
                  _LINE, _LINE, _opt(_code("romanisation_systems")))
_PERPETRATOR = st.builds(
    lambda unit, extra: {"unit": unit, **extra}, _LINE,
    _object(name=_LINE, organ=_code("organs"), rank=_LINE, role=_LINE, description=_MULTI,
            identification=_code("identification"), foreign_actor=_code("foreign_actors")))
_ACT = st.builds(
    lambda t, extra: {"type": t, **extra}, _code("act_types"),
    _object(date=_EDTF, date_text=_LINE, date_lunar=st.booleans(), place=_LINE, place_code=_code("places"), facility=_LINE,
            facility_code=_code("facilities"), facility_type=_code("facility_types"),
            whereabouts=_code("whereabouts_status"), source=_code("source_kinds"), source_note=_MULTI,
            perpetrators=st.lists(_PERPETRATOR, max_size=2), description=_MULTI))
_VICTIM = _object(
    names=st.lists(_NAME, max_size=2), sex=_code("sex"), birth=_EDTF, birth_text=_LINE, birth_lunar=st.booleans(),
    origin=_LINE, origin_place=_code("places"), categories=st.lists(st.integers(1, 10), unique=True, max_size=3),
    status=_code("whereabouts_status"), reasons=st.lists(_code("disappearance_reasons"), unique=True, max_size=2),
    acts=st.lists(_ACT, max_size=3), notes=_MULTI)
_DECISION = st.one_of(_code("consent_values"), st.builds(
    lambda v, extra: {"value": v, **extra}, _code("consent_values"),
    _object(anonymity=_code("anonymity_levels"), conditions=_MULTI, date=_EDTF)))
_TESTIMONY = st.builds(
    lambda interview, interviewee, extra: {"interview": interview, "interviewee": interviewee, **extra},
    st.builds(lambda d, lang, who, extra: {"date": d, "language": lang, "interviewer": who, **extra},
              _EDTF, st.sampled_from(["ko", "en", "zh-Hans"]), _LINE,
              _object(place=_LINE, interpreter=_LINE, mode=_code("interview_modes"))),
    st.builds(lambda p, extra: {"pseudonym": p, **extra}, _LINE, _object(relation=_code("relations"))),
    _object(id=st.uuids().map(str), narrative=_MULTI, notes=_MULTI,
            consent=st.dictionaries(_code("consent_purposes"), _DECISION, max_size=4),
            victims=st.lists(_VICTIM, max_size=2)),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(_TESTIMONY)
def test_round_trip_is_stable(doc: dict[str, Any]) -> None:
    testimony = validate(doc)
    exported = to_json(testimony)
    assert to_json(validate(exported)) == exported
    canonical = dumps_canonical(testimony)
    assert parse_testimony(canonical) == testimony
    assert dumps_canonical(parse_testimony(canonical)) == canonical


# --- JSON Schema ----------------------------------------------------------------------------------------------------

SCHEMA_PATH = ROOT / "docs" / "interchange.schema.json"


def test_committed_schema_is_generated_from_the_validator_table() -> None:
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == build_json_schema()


def test_schema_key_sets_match_the_validator() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert set(schema["$defs"]) == set(OBJECTS)
    for name, fields in OBJECTS.items():
        definition = schema["$defs"][name]
        assert set(definition["properties"]) == set(fields), name
        assert set(definition["required"]) == {k for k, spec in fields.items() if spec.required}, name
        assert definition["additionalProperties"] is False


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_files_validate_against_the_schema(path: Path) -> None:
    import jsonschema
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "name", ["unknown_key_perpetrator", "unknown_key_consent_decision", "wrong_type_rank", "category_11",
             "unknown_act_type", "missing_interview_date", "bidi_override_in_narrative", "empty_name"])
def test_schema_also_refuses_structural_errors(name: str) -> None:
    import jsonschema
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    doc = json.loads((CORPUS / "bad" / f"{name}.json").read_text(encoding="utf-8"))
    assert not jsonschema.Draft202012Validator(schema).is_valid(doc)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(_TESTIMONY)
def test_everything_the_validator_accepts_fits_the_schema(doc: dict[str, Any]) -> None:
    import jsonschema
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    validator.validate(to_json(validate(doc)))


def test_domain_modules_import_neither_qt_nor_sqlcipher() -> None:
    code = (
        "import sys\n"
        "import intake_app.records.interchange, intake_app.records.dates, intake_app.records.vocabularies\n"
        "import intake_app.consolidation.names\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlcipher3', 'sqlite3')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_documentation_lists_every_key() -> None:
    text = (ROOT / "docs" / "interchange.md").read_text(encoding="utf-8")
    for name, fields in OBJECTS.items():
        section = text.split(f"### {name}\n", 1)
        assert len(section) == 2, f"docs/interchange.md has no section for {name}"
        body = section[1].split("\n### ", 1)[0]
        for key in fields:
            assert f"| `{key}` |" in body, f"{name}.{key} is not documented"


def test_unterminated_string_of_escaped_quotes_is_refused_in_linear_time() -> None:
    # A regex-based pre-scan of strings would go quadratic here; the decoder must report it directly.
    data = b'{"narrative": "' + b'\\"' * (4 * 1024 * 1024)
    with pytest.raises(InterchangeError, match=r"^document: not valid JSON: Unterminated string"):
        parse_testimony(data)


def test_depth_limit_applies_below_the_recursion_limit() -> None:
    doc = _example()
    nested: Any = "x"
    for _ in range(20):
        nested = {"a": nested}
    doc["victims"][0]["acts"][0]["perpetrators"][0]["description"] = nested
    with pytest.raises(InterchangeError, match=r"^document: JSON nesting is deeper than 16 levels$"):
        parse_testimony(json.dumps(doc).encode())
