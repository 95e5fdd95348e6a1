"""State-organ units from what sources say: "온성군 보위부" is the MSS, county level, in Onsong.

A unit is an *agency* (an organ code of the ``organs`` vocabulary, its level children folded in: the provincial and
county security departments are the MSS), a *level* (central, province, county, substation) and a *place* (a code of
the ``places`` vocabulary when the words name one, else the words themselves). The words → unit rules are data
(``intake_app/data/perpetrators/unit_rules.json``), not code, so the NGO can extend them. Units nest: a county unit
sits in the province unit of its province, which sits in the central agency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from intake_app.records import vocabularies
from intake_app.records.vocabularies import fold
from intake_app.resources import data_path

LEVELS = ("central", "province", "county", "substation")


@dataclass(frozen=True)
class Unit:
    """One unit of a state organ: ``key`` is ``unit:AGENCY/LEVEL[/PLACE]``, stable across testimonies."""

    agency: str
    level: str | None
    place_code: str | None = None
    place_text: str | None = None

    @property
    def key(self) -> str:
        parts = [self.agency, self.level or "unknown"]
        if self.place_code or self.place_text:
            parts.append(self.place_code or fold(self.place_text or ""))
        return "unit:" + "/".join(parts)

    def parent(self) -> Unit | None:
        """The unit this one belongs to: county → the province unit of its province → the central agency."""
        if self.level == "central":
            return None
        if self.level in ("county", "substation") and self.place_code and self.place_code.count(".") >= 2:
            return Unit(self.agency, "province", self.place_code.rsplit(".", 1)[0])
        return Unit(self.agency, "central")

    def label(self, lang: vocabularies.Language = "ko") -> str:
        organ = vocabularies.label("organs", self.agency, lang)
        level = _rules()["levels"].get(self.level or "", {}).get(lang, "")
        place = vocabularies.label("places", self.place_code, lang) if self.place_code else (self.place_text or "")
        return " ".join(p for p in (place, level if lang == "ko" else f"({level})" if level else "", organ) if p)


@cache
def _rules() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(data_path("perpetrators", "unit_rules.json").read_text("utf-8"))
    return loaded


@cache
def _organ_words() -> tuple[tuple[str, str, str | None, bool], ...]:
    """(folded word, organ, level, needs_place), longest words first so 국가보위성 wins over 보위성."""
    out = []
    for rule in _rules()["organ_words"]:
        for word in rule["words"]:
            out.append((fold(word), rule["organ"], rule.get("level"), bool(rule.get("needs_place"))))
    out.sort(key=lambda item: -len(item[0]))
    return tuple(out)


def agency_of(organ: str) -> str:
    """The agency an organ code belongs to (MSS_CITY_COUNTY → MSS); other codes are their own agency."""
    return str(_rules()["agency_of"].get(organ, organ))


def level_of(organ: str) -> str | None:
    value = _rules()["level_of"].get(organ)
    return None if value is None else str(value)


def _place(words: str) -> tuple[str | None, str | None, str | None]:
    """(place code, place words, level implied by the words) of what is left once the organ word is removed."""
    text = " ".join(words.replace(",", " ").replace("(", " ").replace(")", " ").split())
    if not text:
        return None, None, None
    suffix_level = None
    candidates = [text]
    for rule in _rules()["place_suffixes"]:
        suffix = fold(rule["suffix"])
        if fold(text).endswith(suffix) and len(text) > len(suffix.strip()):
            suffix_level = suffix_level or rule["level"]
            candidates.append(text[: len(text) - len(suffix)].strip())
    candidates += text.split()
    for candidate in candidates:
        entry = vocabularies.lookup("places", candidate) if candidate else None
        if entry is not None:
            depth = entry.code.count(".")
            level = "county" if depth >= 2 else "province" if depth == 1 else None
            return entry.code, None, level or suffix_level
    return None, text, suffix_level


# parse_unit's answers, for the places vocabulary they were read with (HQ's additions replace it: see
# vocabularies.install_from). An archive names the same units again and again; a testimony's facts are made at every
# save and import. Bounded: emptied when full.
_PARSED: dict[tuple[str | None, str | None], Unit | None] = {}
_PARSED_WITH: list[object] = [None]
_PARSED_MAX = 1 << 16


def parse_unit(text: str | None, organ: str | None = None) -> Unit | None:
    """The unit named by ``text`` (and/or the recorded organ code), or None if neither names an organ.

    The organ code, when recorded, decides the agency; the words add the place and, when the code does not say it,
    the level. Words naming no known organ with no organ code give None: they stay as said in the claims.
    """
    places = vocabularies.load("places")  # the object itself is kept and compared, so a new vocabulary is noticed
    if _PARSED_WITH[0] is not places or len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
        _PARSED_WITH[0] = places
    key = (text, organ)
    if key not in _PARSED:
        _PARSED[key] = _parse_unit(text, organ)
    return _PARSED[key]


def _parse_unit(text: str | None, organ: str | None) -> Unit | None:
    agency = agency_of(organ) if organ else None
    level = level_of(organ) if organ else None
    place_code = place_text = None
    if text:
        folded = fold(text)
        for word, word_organ, word_level, needs_place in _organ_words():
            at = folded.find(word)
            if at < 0:
                continue
            rest = text[:at] + " " + text[at + len(word):] if len(folded) == len(text) else folded.replace(word, " ")
            place_code, place_text, place_level = _place(rest)
            said_level = None if needs_place and place_code is None and place_text is None else word_level
            agency = agency or word_organ
            # A level-specific organ code (MSS_CITY_COUNTY) outranks the words; the words outrank nothing.
            level = level or said_level or place_level
            break
        else:
            place_code, place_text, place_level = _place(text) if agency else (None, None, None)
            level = level or place_level
    if agency is None:
        return None
    return Unit(agency, level, place_code, place_text)


def parse_key(key: str) -> Unit | None:
    """The unit of a ``unit:…`` key (its place words are the folded ones), or None if it is not one."""
    if not key.startswith("unit:"):
        return None
    parts = key[5:].split("/", 2)
    if len(parts) < 2 or parts[0] not in vocabularies.load("organs"):
        return None
    level = None if parts[1] == "unknown" else parts[1]
    place = parts[2] if len(parts) == 3 else None
    if place is not None and place in vocabularies.load("places"):
        return Unit(parts[0], level, place)
    return Unit(parts[0], level, None, place)


def level_label(level: str | None) -> dict[str, str]:
    info = _rules()["levels"].get(level or "")
    return {"ko": info["ko"], "en": info["en"]} if info else {"ko": "수준 미상", "en": "level unknown"}
