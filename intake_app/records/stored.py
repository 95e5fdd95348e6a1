"""Reading stored revisions: validated once where they entered, checked for integrity (not re-parsed) where read.

A revision's content is validated at the boundary where it enters the vault, a local save
(:meth:`intake_app.records.store.RecordStore.save`) or a bundle import (:mod:`intake_app.bundles.importer`), and
stored as :func:`intake_app.records.interchange.dumps_canonical` of the validated testimony, next to its SHA-256
(``revisions.content_hash``, which the revision id commits to). Every later reader (summaries, statistics facts,
persons, the consent decision) loads it with :func:`load_trusted`: the SHA-256 of the bytes must equal the stored
``content_hash`` (an integrity check, constant-time), then the frozen dataclasses are built from the same
:data:`~intake_app.records.interchange_schema.OBJECTS` table the validator walks, without repeating the validator's
checks. A mismatch, or content the builder cannot read, raises :class:`StoredContentError` (an
:class:`~intake_app.records.interchange.InterchangeError`): exports then refuse that testimony as ``unreadable``,
exactly as they refuse content that does not validate, so consent keeps failing safe.

``load_trusted(c, sha256(c)) == validate(json.loads(c))`` for every content the vault stores; a test checks it over
every fixture and corpus of the test suite.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from intake_app.records import entity_ids, interchange
from intake_app.records.edtf import UncertainDate, parse_edtf
from intake_app.records.interchange import CLASSES, InterchangeError
from intake_app.records.interchange_model import ConsentDecision, Testimony
from intake_app.records.interchange_schema import CONSENT_PURPOSES_VOCAB, OBJECTS, FieldSpec
from intake_app.records.vocabularies import load as load_vocabulary
from intake_app.vault import forget

__all__ = ["StoredContentError", "content_json", "load_checked", "load_consent", "load_trusted", "read_content",
           "with_entity_ids", "with_ids"]


class StoredContentError(InterchangeError):
    """Stored content failed its integrity check or cannot be read back; nothing derived from it may be used."""

    def __init__(self, problem: str) -> None:
        super().__init__("", problem)


@forget.on_lock
@functools.lru_cache(maxsize=8192)
def _date(text: str) -> UncertainDate:
    return parse_edtf(text)  # UncertainDate is frozen: one parsed value may be shared


_PURPOSES: list[Any] = [None, (), frozenset()]  # the purposes vocabulary last seen, its codes in order, as a set


def _purposes() -> tuple[tuple[str, ...], frozenset[str]]:
    """The consent purposes in vocabulary order, and as a set: worked out again only when the vocabulary is replaced
    (HQ's additions installed), not for every testimony."""
    vocabulary = load_vocabulary(CONSENT_PURPOSES_VOCAB)
    if _PURPOSES[0] is not vocabulary:
        codes = vocabulary.codes()
        _PURPOSES[:] = [vocabulary, codes, frozenset(codes)]
    return _PURPOSES[1], _PURPOSES[2]


def _consent(value: dict[str, Any]) -> tuple[tuple[str, ConsentDecision], ...]:
    """:attr:`Testimony.consent` from the stored object. Most testimonies of an archive record one of a few consent
    objects: one made of strings only is built once (a bounded cache keyed by its items, in order, and the purposes'
    order) and the frozen result shared; any other is built each time. Either way the same value, or the same error."""
    order, _ = _purposes()
    try:
        key = tuple([(p, d if d.__class__ is str else tuple(d.items())) for p, d in value.items()])
        hash(key)
    except (TypeError, AttributeError):  # a value that is not a string or an object of strings: built, not cached
        return _built_consent(value)
    return _cached_consent(key, order)


@forget.on_lock
@functools.lru_cache(maxsize=4096)
def _cached_consent(key: tuple[tuple[str, Any], ...], order: tuple[str, ...]) -> tuple[tuple[str, ConsentDecision],
                                                                                        ...]:
    del order  # part of the key only: a cached result is for the vocabulary it was built with
    return _built_consent({p: d if d.__class__ is str else dict(d) for p, d in key})


def _built_consent(value: dict[str, Any]) -> tuple[tuple[str, ConsentDecision], ...]:
    order, known = _purposes()
    built = {p: ConsentDecision(value=d) if isinstance(d, str) else _build(d, "consent_decision")
             for p, d in value.items()}
    if len(built) != len(value) or not known.issuperset(built):
        raise KeyError("consent purpose")
    return tuple((p, built[p]) for p in order if p in built)


def load_consent(value: Any) -> tuple[tuple[str, ConsentDecision], ...]:
    """A stored ``consent`` object (purpose → value or decision object) as :attr:`Testimony.consent`, built the way
    :func:`load_trusted` builds it; raises :class:`StoredContentError` when it cannot be read back."""
    try:
        if not isinstance(value, dict):
            raise TypeError("consent")
        return _consent(value)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise StoredContentError("the stored consent cannot be read back") from None


def _converter(spec: FieldSpec) -> Callable[[Any], Any] | None:
    """How a key's stored JSON becomes the attribute's value (None: it already is); the same for every object of a
    kind, so worked out once per key of the table, not per value."""
    kind, target = spec.kind, spec.target
    if kind == "edtf":
        return _date
    if kind in ("object", "objects"):
        assert target is not None
        if kind == "object":
            return lambda value: _build(value, target)
        return lambda value: tuple([_build(item, target) for item in value])
    if kind in ("codes", "categories"):
        return tuple
    if kind == "consent":
        return _consent
    return None


# Per object: its dataclass, its keys, the keys whose stored JSON is not already the attribute's value (dates, nested
# objects, lists, consent) with their converters; every other key (strings, codes, booleans, integers) is passed
# through as stored. Then the dataclass's defaults and its fields without one: the trusted loader fills the frozen
# instance's attributes directly (a frozen dataclass's __init__ sets each field through object.__setattr__, most of
# the cost of a load).
_PLAIN_KINDS = frozenset({"line", "text", "narrative", "code", "bool", "int", "uuid", "language", "local_id"})

Shape = tuple[type, frozenset[str], tuple[tuple[str, Callable[[Any], Any]], ...], dict[str, Any], frozenset[str]]


def _shape(name: str, fields: dict[str, FieldSpec]) -> Shape:
    cls = CLASSES[name]
    declared = {f.name: f for f in dataclasses.fields(cls)}
    if not set(fields) <= declared.keys() or any(f.default_factory is not dataclasses.MISSING
                                                 for f in declared.values()):
        raise RuntimeError(f"the {name} dataclass does not match the interchange table")  # a programming error
    defaults = {n: f.default for n, f in declared.items() if f.default is not dataclasses.MISSING}
    special = tuple((key, convert) for key, spec in fields.items()
                    if spec.kind not in _PLAIN_KINDS and (convert := _converter(spec)) is not None)
    return cls, frozenset(fields), special, defaults, frozenset(declared.keys() - defaults.keys())


_SHAPES = {name: _shape(name, fields) for name, fields in OBJECTS.items()}


def _build(obj: dict[str, Any], name: str) -> Any:
    """The dataclass of ``name`` from stored JSON, walking the validator's table; an unknown key, or a missing field
    the dataclass requires, raises KeyError. Equal to ``cls(**fields)``, without its per-field cost. A key stored as
    null is left out (the attribute takes its default); ``obj`` is not changed."""
    cls, keys, special, defaults, required = _SHAPES[name]
    if not keys.issuperset(obj):
        raise KeyError(name)
    given = {key: value for key, value in obj.items() if value is not None} if None in obj.values() else obj
    if not required <= given.keys():
        raise KeyError(name)
    built: Any = object.__new__(cls)
    attributes = built.__dict__
    attributes.update(defaults)
    attributes.update(given)
    for key, convert in special:
        if key in given:
            attributes[key] = convert(given[key])
    return built


def load_trusted(content: bytes, content_hash: str) -> Testimony:
    """The testimony of a stored revision: its SHA-256 must equal ``content_hash`` (the ``revisions.content_hash``
    stored with it), then it is built without re-validating. Raises :class:`StoredContentError` otherwise."""
    actual = hashlib.sha256(content).hexdigest()
    if not isinstance(content_hash, str) or not hmac.compare_digest(actual, content_hash.lower()):
        raise StoredContentError("the stored content does not match its recorded SHA-256 (damaged or altered)")
    return _load_checked(content)


def load_checked(record_id: str, content: bytes) -> Testimony:
    """:func:`read_content` of bytes whose SHA-256 the caller has just compared with the revision's ``content_hash``
    (:func:`intake_app.records.consent_rows.read` does it for every revision it reads; the consent decision passes the
    current revision's bytes it checked there, the same immutable ``bytes``), without hashing them a second time.
    Raises :class:`StoredContentError` when they cannot be read back."""
    return with_ids(_load_checked(content), record_id)


def _load_checked(content: bytes) -> Testimony:
    try:
        decoded = json.loads(content)
        testimony = _build(decoded, "testimony")
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, UnicodeDecodeError):
        raise StoredContentError("the stored content cannot be read back as a testimony") from None
    if not isinstance(testimony, Testimony):
        raise StoredContentError("the stored content cannot be read back as a testimony")
    return testimony


def _missing_ids(testimony: Testimony) -> bool:
    for victim in testimony.victims:
        if victim.id is None:
            return True
        for act in victim.acts:
            if act.id is None:
                return True
            for perpetrator in act.perpetrators:
                if perpetrator.id is None:
                    return True
    return False


def with_ids(testimony: Testimony, record_id: str) -> Testimony:
    """``testimony`` (validated or loaded from storage) as readers see it: legacy content gets its derived ids."""
    return with_entity_ids(testimony, record_id) if _missing_ids(testimony) else testimony


def with_entity_ids(testimony: Testimony, record_id: str, *, base: Testimony | None = None,
                    salt: str = "") -> Testimony:
    """``testimony`` with every victim, act and perpetrator entry given a stable id (see
    :mod:`intake_app.records.entity_ids`), validated again so the new ids are unique in the testimony."""
    filled = entity_ids.assign_ids(testimony, record_id, base=base, salt=salt)
    if filled is not testimony and filled != testimony:
        filled = interchange.validate(interchange.to_json(filled))
    return filled


def read_content(record_id: str, content: bytes, content_hash: str | None = None) -> Testimony:
    """A stored revision's content as a testimony whose entities all have ids (legacy revisions written before
    entity ids get the derived ones; the stored bytes are never rewritten).

    With ``content_hash`` (the revision's stored SHA-256) the content is loaded by :func:`load_trusted`; without it
    (a caller that has only the bytes) it is validated in full, as before.
    """
    if content_hash is not None:
        return with_ids(load_trusted(content, content_hash), record_id)
    decoded = json.loads(content)
    testimony = interchange.validate(decoded)
    return with_entity_ids(testimony, record_id) if entity_ids.missing_ids(decoded) else testimony


def content_json(record_id: str, content: bytes) -> dict[str, Any]:
    """Like :func:`read_content`, in interchange form; content that already has every id is returned as stored."""
    loaded: dict[str, Any] = json.loads(content)
    if not entity_ids.missing_ids(loaded):
        return loaded
    return interchange.to_json(read_content(record_id, content))
