"""Controlled vocabularies (victim categories, act types, organs, places, consent, ...) loaded from JSON data files.

Each file in ``intake_app/data/vocabularies/`` holds one vocabulary: entries with a stable ``code`` (what records
store), Korean and English labels, optional aliases, a ``confirm`` flag on draft labels, an optional ``parent`` (for
the small trees of organs and places), optional ``former`` names with the years they were used, and optional
``attrs``. Files are validated when loaded; a broken file is a packaging fault and raises :class:`VocabularyError`.
Lookups by label or alias are case-insensitive and Unicode-normalised (NFC, casefold), so "mss", "MSS" and "보위부"
all find the Ministry of State Security.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from intake_app.errors import UsageError
from intake_app.resources import data_path

Language = Literal["ko", "en", "ja"]

_ENTRY_KEYS = frozenset({"code", "ko", "en", "ja", "aliases", "confirm", "parent", "former", "attrs"})
_FORMER_KEYS = frozenset({"name", "lang", "from", "until"})
_MAX_FILE_BYTES = 1 << 20


class VocabularyError(UsageError):
    """A vocabulary file is malformed, or a code or vocabulary name does not exist."""


@dataclass(frozen=True)
class FormerName:
    """A name an organ or place had before, with the years it was in use when known."""

    name: str
    lang: Language
    from_year: int | None
    until_year: int | None


@dataclass(frozen=True)
class Entry:
    """One vocabulary term."""

    code: str
    ko: str
    en: str
    aliases: tuple[str, ...] = ()
    confirm: bool = False
    parent: str | None = None
    former: tuple[FormerName, ...] = ()
    attrs: tuple[tuple[str, str | int], ...] = ()
    ja: str | None = None  # the Japanese label, where the catalogue has one (docs/vocabularies-ja.md)

    def label(self, lang: Language = "ko") -> str:
        """The label in ``lang`` ("ko", "en" or "ja"; a term without a Japanese label shows its English one)."""
        if lang == "ja":
            return self.ja or self.en
        return self.ko if lang == "ko" else self.en

    def attr(self, name: str) -> str | int | None:
        """The value of an extra attribute (e.g. a province's ``capital``), or None."""
        return dict(self.attrs).get(name)


# How people separate a province from its city ("함경북도 회령", "Hoeryong, North Hamgyong", "함북/회령").
_SEPARATORS = re.compile(r"[\s,/·]+")
# Administrative suffixes said after a place name; longest first. Korean: city, county, district, town, village,
# workers' district; romanised and English forms.
_PLACE_SUFFIXES = ("로동자구", "노동자구", "구역", "시", "군", "구", "읍", "면", "리", "-si", "-gun", "-guyok", " city",
                   " county", " province", "-do")


def fold(text: str) -> str:
    """The comparison form of a label: NFC, case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class Vocabulary:
    """A loaded vocabulary: entries in file order plus indexes by code and by folded label/alias."""

    name: str
    description: str
    entries: tuple[Entry, ...]
    _by_code: dict[str, Entry] = field(repr=False, compare=False)
    _by_label: dict[str, Entry] = field(repr=False, compare=False)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def codes(self) -> tuple[str, ...]:
        """All codes, in file order."""
        return tuple(entry.code for entry in self.entries)

    def get(self, code: str) -> Entry:
        """The entry with exactly this code; raises VocabularyError if there is none."""
        try:
            return self._by_code[code]
        except KeyError:
            raise VocabularyError(f"{self.name}: no entry with that code") from None

    def lookup(self, text: str) -> Entry | None:
        """The entry whose code, label, alias or former name matches ``text`` (case-insensitive, NFC), or None.

        Places are also found the way people say them: with the province first or after a comma ("함경북도 회령",
        "함북 회령시", "Hoeryong, North Hamgyong") and with an administrative suffix the list does not carry
        ("혜산시", "Musan-gun"). A named outer place must really contain the inner one: "양강도 회령" matches nothing.
        """
        folded = fold(text)
        found = self._one(folded)
        if found is not None:
            return found
        parts = [p for p in _SEPARATORS.split(folded) if p]
        for i in range(1, len(parts)):
            first, rest = " ".join(parts[:i]), " ".join(parts[i:])
            for outer_text, inner_text in ((first, rest), (rest, first)):
                outer, inner = self._one(outer_text), self._one(inner_text)
                if outer is not None and inner is not None and outer is not inner and self._within(inner, outer):
                    return inner
        return None

    def _one(self, folded: str) -> Entry | None:
        found = self._by_label.get(folded)
        if found is None and self.name == "places":
            for suffix in _PLACE_SUFFIXES:
                if folded.endswith(suffix) and len(folded) > len(suffix):
                    found = self._by_label.get(folded[: -len(suffix)].rstrip(" -"))
                    if found is not None:
                        break
        return found

    def _within(self, inner: Entry, outer: Entry) -> bool:
        """Whether ``outer`` is ``inner``'s parent, grandparent, ... (the trees are a few levels deep)."""
        parent, steps = inner.parent, 0
        while parent is not None and steps < 16:
            if parent == outer.code:
                return True
            parent, steps = self._by_code[parent].parent, steps + 1
        return False

    def children(self, code: str) -> tuple[Entry, ...]:
        """Entries whose parent is ``code``."""
        return tuple(entry for entry in self.entries if entry.parent == code)


def _fail(vocab: str, where: str, problem: str) -> VocabularyError:
    return VocabularyError(f"vocabulary {vocab}: {where}: {problem}")


def _text(vocab: str, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(vocab, where, "expected a non-empty string")
    if unicodedata.normalize("NFC", value) != value:
        raise _fail(vocab, where, "not in Unicode NFC form")
    return value


def _year(vocab: str, where: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1800 <= value <= 2200:
        raise _fail(vocab, where, "expected a year or null")
    return value


def _former(vocab: str, where: str, raw: Any) -> tuple[FormerName, ...]:
    if not isinstance(raw, list):
        raise _fail(vocab, where, "expected a list")
    result = []
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(item, dict) or not set(item) <= _FORMER_KEYS or "name" not in item:
            raise _fail(vocab, here, "expected an object with name, lang, from, until")
        lang = item.get("lang", "ko")
        if lang not in ("ko", "en"):
            raise _fail(vocab, here, "lang must be ko or en")
        start, end = _year(vocab, here, item.get("from")), _year(vocab, here, item.get("until"))
        if start is not None and end is not None and start > end:
            raise _fail(vocab, here, "from is after until")
        result.append(FormerName(_text(vocab, here, item["name"]), lang, start, end))
    return tuple(result)


def _entry(vocab: str, i: int, raw: Any) -> Entry:
    where = f"entries[{i}]"
    if not isinstance(raw, dict):
        raise _fail(vocab, where, "expected an object")
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise _fail(vocab, where, f"unknown keys {sorted(unknown)}")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list):
        raise _fail(vocab, f"{where}.aliases", "expected a list")
    confirm = raw.get("confirm", False)
    if not isinstance(confirm, bool):
        raise _fail(vocab, f"{where}.confirm", "expected true or false")
    parent = raw.get("parent")
    attrs = raw.get("attrs", {})
    if not isinstance(attrs, dict) or not all(
        isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)) for v in attrs.values()
    ):
        raise _fail(vocab, f"{where}.attrs", "expected an object of strings and integers")
    return Entry(
        code=_text(vocab, f"{where}.code", raw.get("code")),
        ko=_text(vocab, f"{where}.ko", raw.get("ko")),
        en=_text(vocab, f"{where}.en", raw.get("en")),
        ja=None if raw.get("ja") is None else _text(vocab, f"{where}.ja", raw.get("ja")),
        aliases=tuple(_text(vocab, f"{where}.aliases[{j}]", a) for j, a in enumerate(aliases)),
        confirm=confirm,
        parent=None if parent is None else _text(vocab, f"{where}.parent", parent),
        former=_former(vocab, f"{where}.former", raw.get("former", [])),
        attrs=tuple(sorted(attrs.items())),
    )


def _index(name: str, entries: tuple[Entry, ...]) -> tuple[dict[str, Entry], dict[str, Entry]]:
    by_code: dict[str, Entry] = {}
    for entry in entries:
        if entry.code in by_code:
            raise _fail(name, entry.code, "duplicate code")
        by_code[entry.code] = entry
    by_label: dict[str, Entry] = {}
    for entry in entries:
        if entry.parent is not None and entry.parent not in by_code:
            raise _fail(name, entry.code, "parent is not a code of this vocabulary")
        names = {entry.code, entry.ko, entry.en, *([entry.ja] if entry.ja else []), *entry.aliases,
                 *(f.name for f in entry.former)}
        for text in {fold(n) for n in names}:
            other = by_label.get(text)
            if other is not None and other is not entry:
                raise _fail(name, entry.code, f"label or alias also used by {other.code}")
            by_label[text] = entry
    return by_code, by_label


def parse_vocabulary(name: str, raw_bytes: bytes) -> Vocabulary:
    """Validate the bytes of one vocabulary file and build the :class:`Vocabulary`."""
    if len(raw_bytes) > _MAX_FILE_BYTES:
        raise _fail(name, "file", "too large")
    try:
        doc = json.loads(raw_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(name, "file", f"not valid UTF-8 JSON ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or set(doc) != {"vocabulary", "version", "description", "entries"}:
        raise _fail(name, "file", "expected keys vocabulary, version, description, entries")
    if doc["vocabulary"] != name or doc["version"] != 1:
        raise _fail(name, "file", "vocabulary name or version does not match")
    if not isinstance(doc["entries"], list) or not doc["entries"]:
        raise _fail(name, "entries", "expected a non-empty list")
    entries = tuple(_entry(name, i, raw) for i, raw in enumerate(doc["entries"]))
    by_code, by_label = _index(name, entries)
    description = _text(name, "description", doc["description"])
    return Vocabulary(name, description, entries, by_code, by_label)


def available() -> tuple[str, ...]:
    """Names of all bundled vocabularies."""
    return tuple(sorted(p.stem for p in data_path("vocabularies").glob("*.json")))


# Entries HQ added in signed updates (issue 17), merged on top of the packaged files: new codes only. Set from the open
# vault's ``vocabulary_additions`` table by :func:`install_from` (CLI and app do it on every unlock).
_ADDITIONS: dict[str, tuple[str, ...]] = {}


def _with_additions(name: str, raw: bytes) -> bytes:
    extra = _ADDITIONS.get(name)
    if not extra:
        return raw
    doc = json.loads(raw.decode("utf-8"))
    doc["entries"] = [*doc["entries"], *(json.loads(e) for e in extra)]
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@cache
def load(name: str) -> Vocabulary:
    """Load (once) and return a bundled vocabulary by name, e.g. ``load("act_types")``, with HQ's additions."""
    if name not in available():
        raise VocabularyError(f"no vocabulary named {name!r}")
    return parse_vocabulary(name, _with_additions(name, data_path("vocabularies", f"{name}.json").read_bytes()))


def install_from(conn: Any) -> None:
    """Use the vocabulary additions stored in this vault (HQ's, or those a field laptop received) from now on.

    Each merged vocabulary is validated before it replaces the current one; one that does not validate (a damaged
    row) is left out, so the packaged codes always stay as they are."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    rows = [] if "vocabulary_additions" not in tables else conn.execute(
        "SELECT vocabulary, entry FROM vocabulary_additions ORDER BY added_at, code").fetchall()
    grouped: dict[str, list[str]] = {}
    for name, entry in rows:
        if str(name) in available():
            grouped.setdefault(str(name), []).append(str(entry))
    wanted = {name: tuple(entries) for name, entries in grouped.items()}
    if wanted == _ADDITIONS:
        return
    checked = {}
    for name, entries in wanted.items():
        doc = json.loads(data_path("vocabularies", f"{name}.json").read_bytes())
        doc["entries"] = [*doc["entries"], *(json.loads(e) for e in entries)]
        try:
            parse_vocabulary(name, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        except VocabularyError:
            continue
        checked[name] = entries
    _ADDITIONS.clear()
    _ADDITIONS.update(checked)
    load.cache_clear()


def lookup(vocab: str, text: str) -> Entry | None:
    """The entry of vocabulary ``vocab`` matching a code, label or alias, or None."""
    return load(vocab).lookup(text)


def label(vocab: str, code: str, lang: Language = "ko") -> str:
    """The Korean or English label of ``code`` in vocabulary ``vocab``."""
    return load(vocab).get(code).label(lang)
