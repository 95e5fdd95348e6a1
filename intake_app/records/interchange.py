"""The JSON interchange format for one testimony: strict parsing, validation, canonical output.

``parse_testimony(bytes)`` treats its input as hostile: size caps before decoding, strict UTF-8, duplicate keys,
NaN/Infinity and over-deep nesting refused, every key and type checked against :mod:`intake_app.records.interchange_schema`,
codes against the vocabularies, dates with :mod:`intake_app.records.edtf`. Errors are :class:`InterchangeError` with the
key path first (``victims[0].acts[1].perpetrators[0].rank: expected a string, got 3``); messages never repeat text
from the input, only key names, types, small numbers and code-like values.

Strings are normalised to NFC and CRLF line ends in multi-line text become LF; every other control character and
every bidirectional control is refused (never silently stripped, so what is stored is what was given). ``null`` for
an optional key means the key is absent. The round trip ``to_json(validate(to_json(t))) == to_json(t)`` holds, and
``dumps_canonical`` gives the bytes used for content hashes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
import unicodedata
import uuid
from collections.abc import Callable
from typing import Any

from crypto.canonical import canonical
from intake_app.errors import UsageError
from intake_app.records import vocabularies
from intake_app.records.edtf import DateError, UncertainDate, parse_edtf
from intake_app.records.interchange_model import (
    Act,
    ConsentDecision,
    Interview,
    Interviewee,
    Name,
    Perpetrator,
    Step,
    Testimony,
    Victim,
)
from intake_app.records.interchange_schema import (
    AT_LEAST_ONE,
    CONSENT_PURPOSES_VOCAB,
    FORBIDDEN_IN_LINE,
    FORBIDDEN_IN_TEXT,
    LANGUAGE_PATTERN,
    LOCAL_ID_PATTERN,
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_LINE_CHARS,
    MAX_NARRATIVE_BYTES,
    MAX_TEXT_CHARS,
    OBJECTS,
    UUID_PATTERN,
    FieldSpec,
    is_blank,
)
from intake_app.vault import forget

__all__ = [
    "InterchangeError", "Testimony", "canonical_sha256", "dumps_canonical", "parse_testimony", "record_summary",
    "to_json", "validate", "validation_problems",
]

CLASSES: dict[str, type[Any]] = {  # object name in OBJECTS -> its dataclass (also read by stored.py)
    "testimony": Testimony, "interview": Interview, "interviewee": Interviewee, "consent_decision": ConsentDecision,
    "victim": Victim, "name": Name, "act": Act, "perpetrator": Perpetrator,
    "step": Step,
}
_BAD_IN_TEXT = re.compile(f"[{FORBIDDEN_IN_TEXT}]")
_BAD_IN_LINE = re.compile(f"[{FORBIDDEN_IN_LINE}]")
_SHOWABLE = re.compile(r"^[A-Za-z0-9_+./~?%-]{1,32}$")
_PATTERNS = {"uuid": re.compile(UUID_PATTERN), "language": re.compile(LANGUAGE_PATTERN),
             "local_id": re.compile(LOCAL_ID_PATTERN)}
# Brackets anywhere (strings included) above this count are refused before decoding: 16 MiB of "{}," would
# otherwise become millions of Python dicts (hundreds of MB). Real testimonies have a few hundred containers.
MAX_CONTAINERS = 100_000


class InterchangeError(UsageError):
    """The testimony JSON is malformed or invalid; ``path`` names the offending key ("" for the whole document)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path or 'document'}: {problem}")
        self.path = path
        self.problem = problem


class _JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers keys it saw twice, so the validator can name them with their path."""

    duplicates: tuple[str, ...] = ()


class _BadNumber:
    """Stands in for NaN, Infinity, or a number too large, so the validator reports it at its key path."""

    def __init__(self, what: str) -> None:
        self.what = what


def _object_pairs(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        duplicates = []
        for key, _value in pairs:
            if key in seen:
                duplicates.append(key)
            seen.add(key)
        obj.duplicates = tuple(duplicates)
    return obj


def _parse_float(text: str) -> float | _BadNumber:
    value = float(text)
    return value if math.isfinite(value) else _BadNumber("a number too large")


def _parse_int(text: str) -> int | _BadNumber:
    return int(text) if len(text) <= 20 else _BadNumber("a number too large")


def _show(value: Any) -> str:
    """Describe a wrong value without repeating input text: types, small numbers, code-like strings only."""
    if isinstance(value, _BadNumber):
        return value.what
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**15 else "a large integer"
    if isinstance(value, float):
        return "NaN or Infinity" if not math.isfinite(value) else "a decimal number"
    if isinstance(value, str):
        return repr(value) if _SHOWABLE.match(value) else "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a value that is not JSON"


@functools.lru_cache(maxsize=65536)
def _key(path: str, key: str) -> str:
    # Cached: the same paths recur in every testimony (victims[0].acts[1].type), and the validator builds one for
    # every key it reads.
    shown = key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_+]{0,40}", key) else "<key not shown>"
    return f"{path}.{shown}" if path else shown


def _check_depth(decoded: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH; iterative, so hostile input cannot exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(decoded, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InterchangeError("", f"JSON nesting is deeper than {MAX_DEPTH} levels")
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def parse_testimony(data: bytes) -> Testimony:
    """Decode and validate one testimony from UTF-8 JSON bytes; raise :class:`InterchangeError` if anything is wrong."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InterchangeError("", "expected bytes")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InterchangeError("", f"larger than the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB limit")
    raw = bytes(data)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InterchangeError("", "starts with a byte-order mark; save as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise InterchangeError("", f"not valid UTF-8 (byte offset {exc.start})") from None
    if text.count("{") + text.count("[") > MAX_CONTAINERS:
        raise InterchangeError("", f"more than {MAX_CONTAINERS} objects and arrays")
    try:
        decoded = json.loads(
            text, object_pairs_hook=_object_pairs, parse_float=_parse_float, parse_int=_parse_int,
            parse_constant=lambda _name: _BadNumber("NaN or Infinity"),
        )
    except json.JSONDecodeError as exc:
        raise InterchangeError("", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        # The C decoder stops at the interpreter's recursion limit (about 1000 levels) with a clean exception.
        raise InterchangeError("", f"JSON nesting is deeper than {MAX_DEPTH} levels") from None
    if isinstance(decoded, dict | list):
        _check_depth(decoded)
    return validate(decoded)


def _string(path: str, raw: Any, kind: str) -> str:
    if not isinstance(raw, str):
        raise InterchangeError(path, f"expected a string, got {_show(raw)}")
    multiline = kind in ("text", "narrative")
    value = unicodedata.normalize("NFC", raw.replace("\r\n", "\n") if multiline else raw)
    bad = (_BAD_IN_TEXT if multiline else _BAD_IN_LINE).search(value)
    if bad is not None:
        what = "line break" if bad.group() == "\n" else "control or bidirectional-control character"
        raise InterchangeError(path, f"contains a {what} (U+{ord(bad.group()):04X}) at position {bad.start()}")
    if is_blank(value):  # zero-width characters alone are blank too
        raise InterchangeError(path, "must not be empty (leave the key out instead)")
    if kind == "narrative":
        if len(value) > MAX_NARRATIVE_BYTES or len(value.encode("utf-8")) > MAX_NARRATIVE_BYTES:
            raise InterchangeError(path, f"longer than the {MAX_NARRATIVE_BYTES // (1024 * 1024)} MiB limit")
    elif len(value) > (MAX_TEXT_CHARS if kind == "text" else MAX_LINE_CHARS):
        raise InterchangeError(path, f"longer than {MAX_TEXT_CHARS if kind == 'text' else MAX_LINE_CHARS} characters")
    return value


def _code(path: str, value: Any, vocab: str) -> str:
    if not isinstance(value, str):
        raise InterchangeError(path, f"expected a code from {vocab}, got {_show(value)}")
    if value not in vocabularies.load(vocab):
        raise InterchangeError(path, f"unknown code {_show(value)} (see vocabulary {vocab})")
    return value


def _array(path: str, value: Any, spec: FieldSpec) -> list[Any]:
    if not isinstance(value, list):
        raise InterchangeError(path, f"expected an array, got {_show(value)}")
    if len(value) > spec.max_items:
        raise InterchangeError(path, f"more than {spec.max_items} items")
    return value


def _unique(path: str, items: list[Any]) -> tuple[Any, ...]:
    for i, item in enumerate(items):
        if item in items[:i]:
            raise InterchangeError(f"{path}[{i}]", "listed twice")
    return tuple(items)


# parse_edtf is a function of its text alone and its result is immutable: the same dates recur across testimonies (years
# of birth, interview days), so parsed ones are kept. A refused text raises every time (exceptions are not cached).
_parse_date = forget.on_lock(functools.lru_cache(maxsize=8192)(parse_edtf))


def _date(path: str, value: Any) -> UncertainDate:
    if not isinstance(value, str):
        raise InterchangeError(path, f"expected an EDTF date string, got {_show(value)}")
    try:
        return _parse_date(value)
    except DateError as exc:
        raise InterchangeError(path, f"not a valid EDTF date: {exc}") from None


def _category(path: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InterchangeError(path, f"expected a category number 1-10, got {_show(value)}")
    if str(value) not in vocabularies.load("victim_categories"):
        raise InterchangeError(path, f"no victim category {_show(value)} (categories are 1-10)")
    return value


def _consent(path: str, value: Any) -> tuple[tuple[str, ConsentDecision], ...]:
    obj = _mapping(path, value)
    purposes = vocabularies.load(CONSENT_PURPOSES_VOCAB)
    decisions = {}
    for purpose, decision in obj.items():
        here = _key(path, purpose)
        if purpose not in purposes:
            raise InterchangeError(here, "unknown consent purpose (see vocabulary consent_purposes)")
        if isinstance(decision, str):
            decisions[purpose] = ConsentDecision(value=_code(here, decision, "consent_values"))
        elif isinstance(decision, dict):
            decisions[purpose] = _build(here, decision, "consent_decision")
        else:
            raise InterchangeError(here, f"expected a consent value or an object, got {_show(decision)}")
    return tuple((p, decisions[p]) for p in purposes.codes() if p in decisions)


def _bool(path: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InterchangeError(path, f"expected true or false, got {_show(value)}")
    return value


def _int(path: str, value: Any, spec: FieldSpec) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InterchangeError(path, f"expected an integer, got {_show(value)}")
    if not spec.minimum <= value <= spec.maximum:
        raise InterchangeError(path, f"must be between {spec.minimum} and {spec.maximum}, got {_show(value)}")
    return value


def _patterned(path: str, value: Any, kind: str) -> str:
    if not isinstance(value, str):
        raise InterchangeError(path, f"expected a string, got {_show(value)}")
    if not _PATTERNS[kind].match(value) or (kind == "uuid" and str(uuid.UUID(value)) != value):
        raise InterchangeError(path, f"not a valid {kind.replace('_', ' ')}, got {_show(value)}")
    return value


def _item_paths(path: str, count: int) -> tuple[str, ...]:
    # Cached like _key for the short arrays that recur in every testimony (victims[0].acts); a long one (a hostile
    # document's up to max_items) is not kept, so the cache holds at most 4096 × 32 paths whatever the input.
    if count > 32:
        return tuple(f"{path}[{i}]" for i in range(count))
    return _short_item_paths(path, count)


@functools.lru_cache(maxsize=4096)
def _short_item_paths(path: str, count: int) -> tuple[str, ...]:
    return tuple(f"{path}[{i}]" for i in range(count))


def _list(path: str, value: Any, spec: FieldSpec) -> tuple[Any, ...]:
    items = _array(path, value, spec)
    paths = _item_paths(path, len(items))
    if spec.kind == "objects":
        assert spec.target is not None
        target = spec.target
        return tuple([_build(here, v, target) for here, v in zip(paths, items, strict=True)])
    if spec.kind == "categories":
        return _unique(path, [_category(here, v) for here, v in zip(paths, items, strict=True)])
    assert spec.vocab is not None
    vocab = spec.vocab
    return _unique(path, [_code(here, v, vocab) for here, v in zip(paths, items, strict=True)])


def _string_field(path: str, value: Any, spec: FieldSpec) -> str:
    return _string(path, value, spec.kind)


def _patterned_field(path: str, value: Any, spec: FieldSpec) -> str:
    return _patterned(path, value, spec.kind)


def _code_field(path: str, value: Any, spec: FieldSpec) -> str:
    assert spec.vocab is not None
    return _code(path, value, spec.vocab)


def _date_field(path: str, value: Any, _spec: FieldSpec) -> UncertainDate:
    return _date(path, value)


def _bool_field(path: str, value: Any, _spec: FieldSpec) -> bool:
    return _bool(path, value)


def _object_field(path: str, value: Any, spec: FieldSpec) -> Any:
    assert spec.target is not None
    return _build(path, value, spec.target)


def _consent_field(path: str, value: Any, _spec: FieldSpec) -> tuple[tuple[str, ConsentDecision], ...]:
    return _consent(path, value)


# The check of each kind of field (FieldSpec.kind): every kind has one, looked up once per field.
_CHECKS: dict[str, Callable[[str, Any, FieldSpec], Any]] = {
    "line": _string_field, "text": _string_field, "narrative": _string_field,
    "codes": _list, "categories": _list, "objects": _list,
    "uuid": _patterned_field, "language": _patterned_field, "local_id": _patterned_field,
    "code": _code_field, "edtf": _date_field, "bool": _bool_field, "int": _int, "object": _object_field,
    "consent": _consent_field,
}


def _value(path: str, value: Any, spec: FieldSpec) -> Any:
    return _CHECKS[spec.kind](path, value, spec)


@functools.cache
def _fields(name: str) -> tuple[tuple[str, FieldSpec, Callable[[str, Any, FieldSpec], Any]], ...]:
    """The keys of object ``name`` in schema order, each with its spec and its check (the schema is constant)."""
    return tuple((key, spec, _CHECKS[spec.kind]) for key, spec in OBJECTS[name].items())


@functools.lru_cache(maxsize=16384)
def _field_paths(path: str, name: str) -> tuple[str, ...]:
    # The path of each key of an object at ``path``, in _fields order: one cached look-up per object.
    return tuple(_key(path, key) for key in OBJECTS[name])


def _mapping(path: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InterchangeError(path, f"expected an object, got {_show(value)}")
    if isinstance(value, _JsonObject) and value.duplicates:
        raise InterchangeError(_key(path, value.duplicates[0]), "duplicate key")
    for key in value:
        if not isinstance(key, str):
            raise InterchangeError(path, "object keys must be strings")
    return value


def _build(path: str, value: Any, name: str) -> Any:
    obj = _mapping(path, value)
    fields = OBJECTS[name]
    if not obj.keys() <= fields.keys():
        for key in obj:
            if key not in fields:
                raise InterchangeError(_key(path, key), "unknown key")
    kwargs: dict[str, Any] = {}
    for (key, spec, check), here in zip(_fields(name), _field_paths(path, name), strict=True):
        raw = obj.get(key)
        if raw is None:
            if spec.required:
                raise InterchangeError(here, "required key is missing")
            continue
        kwargs[key] = check(here, raw, spec)
    if name in AT_LEAST_ONE and not any(k in kwargs for k in AT_LEAST_ONE[name]):
        raise InterchangeError(path, f"needs at least one of {', '.join(AT_LEAST_ONE[name])}")
    _check_object(path, name, kwargs)
    return CLASSES[name](**kwargs)


def _check_object(path: str, name: str, fields: dict[str, Any]) -> None:
    if name == "victim" and "group_size" in fields and not fields.get("group"):
        raise InterchangeError(_key(path, "group_size"), "only allowed when group is true")
    if name == "name" and "system" in fields and "roman" not in fields:
        raise InterchangeError(_key(path, "system"), "only allowed with a roman name")
    for key in _NAME_KEYS.get(name, ()):
        _check_name_chars(_key(path, key), fields.get(key))


# Names are matched against free text before anything leaves HQ (docs/exports.md §1, "Scrubbing"): an invisible
# character inside a name (a zero-width space, a soft hyphen, a joiner: Unicode category Cf) would make one written
# name look like another, so names holding one are refused rather than stripped.
_NAME_KEYS = {"name": ("hangul", "hanja", "roman"), "perpetrator": ("name",)}


def _check_name_chars(path: str, value: Any) -> None:
    if isinstance(value, str):
        bad = next((c for c in value if unicodedata.category(c) == "Cf"), None)
        if bad is not None:
            raise InterchangeError(path, f"a name must not contain an invisible format character (U+{ord(bad):04X}); "
                                         "type the name without it")


DECISION_DATE_SLACK_DAYS = 1


def check_decision_dates(testimony: Testimony, saved_at: str) -> None:
    """Refuse a consent decision dated after the day it is saved (``saved_at``: RFC 3339, the save time at a save, the
    revision's time or HQ's clock, whichever is earlier, at an import) plus one day (time zones). A decision dated in
    the future could otherwise pose as a later grant; docs/exports.md §1."""
    limit = dt.date.fromisoformat(saved_at[:10]) + dt.timedelta(days=DECISION_DATE_SLACK_DAYS)
    for purpose, decision in testimony.consent:
        if decision.date is not None and decision.date.lower > limit:
            raise InterchangeError(f"consent.{purpose}.date", f"dated after the day it was saved ({limit.isoformat()} "
                                                               "at the latest); record the day the decision was made")


def _check_ids(testimony: Testimony) -> dict[str, str]:
    """Local ids (victims, acts and perpetrator entries share one namespace) are unique; returns id -> where."""
    seen: dict[str, str] = {}
    for v, victim in enumerate(testimony.victims):
        entries = [(f"victims[{v}].id", victim.id)]
        for a, act in enumerate(victim.acts):
            entries.append((f"victims[{v}].acts[{a}].id", act.id))
            entries += [(f"victims[{v}].acts[{a}].perpetrators[{p}].id", perp.id)
                        for p, perp in enumerate(act.perpetrators)]
        for where, local_id in entries:
            if local_id is None:
                continue
            if local_id in seen:
                raise InterchangeError(where, f"id {_show(local_id)} is already used at {seen[local_id]}")
            seen[local_id] = where
    return seen


def _check_links(testimony: Testimony) -> None:
    """``follows`` names another act of the testimony, and chains of acts have no cycles."""
    seen = _check_ids(testimony)
    act_ids = {act.id for victim in testimony.victims for act in victim.acts if act.id is not None}
    follows: dict[str, str] = {}
    for v, victim in enumerate(testimony.victims):
        for a, act in enumerate(victim.acts):
            where = f"victims[{v}].acts[{a}].follows"
            if act.follows is not None and act.follows not in act_ids:
                raise InterchangeError(where, f"no act has the id {_show(act.follows)}")
            if act.follows is not None and act.follows == act.id:
                raise InterchangeError(where, "an act cannot follow itself")
            if act.follows is not None and act.id is not None:
                follows[act.id] = act.follows
    for start in follows:
        current, steps = start, 0
        while current in follows:
            current, steps = follows[current], steps + 1
            if current == start or steps > len(follows):
                raise InterchangeError(seen[start].removesuffix(".id") + ".follows", "the chain of acts is a cycle")


def validate(obj: Any) -> Testimony:
    """Validate decoded JSON (dicts, lists, strings, ints, bools) and build a :class:`Testimony`."""
    testimony: Testimony = _build("", obj, "testimony")
    _check_links(testimony)
    return testimony


def validation_problems(obj: Any) -> list[InterchangeError]:
    """Every problem :func:`validate` would find one at a time, listed at once (an empty list: ``validate`` accepts).

    Used by the editor to name every field to fix in one go. Keys are checked independently; the links between acts
    (ids, ``follows``) are checked only when the rest is well formed, as they depend on it.
    """
    problems: list[InterchangeError] = []
    _collect("", obj, "testimony", problems)
    if not problems:
        try:
            validate(obj)
        except InterchangeError as exc:
            problems.append(exc)
    return problems


def _collect(path: str, value: Any, name: str, problems: list[InterchangeError]) -> None:
    try:
        obj = _mapping(path, value)
    except InterchangeError as exc:
        problems.append(exc)
        return
    fields = OBJECTS[name]
    problems += [InterchangeError(_key(path, key), "unknown key") for key in obj if key not in fields]
    for key, spec in fields.items():
        here = _key(path, key)
        if obj.get(key) is None:
            if spec.required:
                problems.append(InterchangeError(here, "required key is missing"))
            continue
        try:
            if spec.kind == "object" and spec.target is not None:
                _collect(here, obj[key], spec.target, problems)
            elif spec.kind == "objects" and spec.target is not None:
                for i, item in enumerate(_array(here, obj[key], spec)):
                    _collect(f"{here}[{i}]", item, spec.target, problems)
            else:
                _value(here, obj[key], spec)
        except InterchangeError as exc:
            problems.append(exc)
    if name in AT_LEAST_ONE and not any(obj.get(k) is not None for k in AT_LEAST_ONE[name]):
        problems.append(InterchangeError(path, f"needs at least one of {', '.join(AT_LEAST_ONE[name])}"))


def _field_json(value: Any, spec: FieldSpec) -> Any:
    if spec.kind == "edtf":
        return value.edtf
    if spec.kind == "object":
        assert spec.target is not None
        return _object_json(value, spec.target)
    if spec.kind == "objects":
        assert spec.target is not None
        target = spec.target
        return [_object_json(item, target) for item in value]
    if spec.kind in ("codes", "categories"):
        return list(value)
    if spec.kind == "consent":
        return {
            purpose: decision.value if decision.is_simple else _object_json(decision, "consent_decision")
            for purpose, decision in value
        }
    return value


def _object_json(obj: Any, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, spec in OBJECTS[name].items():
        value = getattr(obj, key)
        if not spec.required and (value is None or value is False or value == ()):
            continue
        out[key] = _field_json(value, spec)
    return out


def to_json(testimony: Testimony) -> dict[str, Any]:
    """The JSON object of a testimony (absent optional keys left out); ``validate`` of it gives the same testimony."""
    return _object_json(testimony, "testimony")


def dumps_canonical(testimony: Testimony) -> bytes:
    """Canonical bytes: sorted keys, no insignificant whitespace, NFC strings, UTF-8 (not ASCII-escaped)."""
    return canonical(to_json(testimony))


def canonical_sha256(testimony: Testimony) -> str:
    """Hex SHA-256 of :func:`dumps_canonical`: equal content gives an equal hash whatever the input formatting."""
    return hashlib.sha256(dumps_canonical(testimony)).hexdigest()


def record_summary(testimony: Testimony) -> dict[str, Any]:
    """What a list view shows: id, interview date (EDTF and bounds), interviewee pseudonym, victims' display names
    (None for an unnamed person), and the union of victim categories."""
    date = testimony.interview.date
    return {
        "id": testimony.id,
        "interview_date": date.edtf,
        "interview_date_lower": date.lower.isoformat(),
        "interview_date_upper": date.upper.isoformat(),
        "interviewee": testimony.interviewee.pseudonym,
        "victims": [victim.display_name for victim in testimony.victims],
        "categories": sorted({c for victim in testimony.victims for c in victim.categories}),
    }
