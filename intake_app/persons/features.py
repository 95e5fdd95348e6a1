"""What candidate scoring compares about a mention, reduced to a small JSON-able dict (cached in the vault).

Keys: ``m`` mention, ``t`` testimony id, ``names`` written forms as shown, ``nk`` name keys (blocking),
``rd`` name readings ``[surname group, given key]``, ``hg`` Hangul names (initial-sound rule applied), ``hj`` hanja,
``by`` birth years ``[lower, upper]`` or None, ``bt`` birth EDTF, ``sex``, ``cat`` categories, ``home`` home place
(a place code, else folded text), ``acts`` ``[[type, place, [y0, y1] | None, facility], ...]``, ``rel`` the
interviewee's relation, ``iv`` the interviewee's pseudonym (folded), ``bk`` extra blocking keys, ``hr`` the Hangul
readings of the hanja names, ``v`` the version of these rules (:data:`FEATURES_VERSION`; cached features of another
version are recomputed).
"""

from __future__ import annotations

from typing import Any

from intake_app.consolidation.names import hanja_to_hangul, initial_sound_rule, name_keys, name_readings
from intake_app.persons.mentions import Mention
from intake_app.records import vocabularies
from intake_app.records.edtf import UncertainDate
from intake_app.records.vocabularies import fold

# 2: hanja names are read to Hangul with their given names (issue 28); features cached without "v" are stale.
# 3: the ``ng:`` blocking keys (issue 30, third pass).
# 4: Cyrillic and Greek look-alikes of Latin letters read as Latin in romanised names (consolidation/names.py; issue 30,
#    fourth pass): name keys and readings change for names typed with them.
FEATURES_VERSION = 4

# Bounds wider than this say nothing useful about the year (open intervals, "before 1990").
_MAX_YEAR_SPAN = 30


def years(date: UncertainDate | None) -> list[int] | None:
    """Inclusive year bounds of an uncertain date, or None when unknown or too wide to compare."""
    if date is None:
        return None
    lo, hi = date.lower.year, date.upper.year
    if lo <= 1 or hi >= 9999 or hi - lo > _MAX_YEAR_SPAN:
        return None
    return [lo, hi]


def place_key(code: str | None, text: str | None, vocab: str = "places") -> str | None:
    """A place (or facility) as comparable text: the vocabulary code when known or recognised, else folded words."""
    if code:
        return code
    if not text:
        return None
    entry = vocabularies.lookup(vocab, text)
    return entry.code if entry is not None else "~" + fold(text)


def _name_strings(mention: Mention) -> tuple[list[str], list[str], list[str]]:
    shown, hangul, hanja = [], [], []
    for name in mention.victim.names:
        if shown_name := name.display():
            shown.append(shown_name)
        if name.hangul:
            compact = "".join(name.hangul.split())
            if compact:
                hangul.append(initial_sound_rule(compact[0]) + compact[1:])
        if name.hanja:
            hanja.append("".join(name.hanja.split()))
    return shown, hangul, hanja


def _hanja_readings(hanja: list[str]) -> list[str]:
    """The Hangul readings of the hanja names (initial-sound rule applied to the surname), for explanations."""
    out = []
    for text in hanja:
        reading = hanja_to_hangul(text)
        if reading and (shown := initial_sound_rule(reading[0]) + reading[1:]) not in out:
            out.append(shown)
    return out


def sound_keys(readings: list[list[str]]) -> list[str]:
    """Third blocking route (issue 30, third pass): ``ng:<surname group>:<given key with ng read as nk>`` for each
    reading whose given key holds ``ng`` or ``nk``. The reduction rules keep ``ng`` (a final ㅇ) apart from ``n`` + ``k``
    (a final ㄴ before ㄱ), but romanisations split the syllables either way: 정은기 reads ``ungi`` and "Jung Ŭn Ki"
    ``unki``, 전순길 ``sungil`` and "Chon Soon Kil" ``sunkil``; such pairs share no name key (their names score as
    close, not equal) and met only through the same exact birth year."""
    return sorted({f"ng:{s}:{g.replace('ng', 'nk')}" for s, g in readings if "ng" in g or "nk" in g})


def features(mention: Mention) -> dict[str, Any]:
    """The comparison features of one mention (see the module docstring)."""
    victim = mention.victim
    shown, hangul, hanja = _name_strings(mention)
    keys: set[str] = set()
    readings: list[list[str]] = []
    for name in victim.names:
        for text in (name.hangul, name.roman, name.hanja):
            if text:
                keys |= name_keys(text)
                readings += [[s, g] for s, g in name_readings(text) if [s, g] not in readings]
    birth = years(victim.birth)
    # Second blocking route for given names spelt beyond the rules: same surname group and same birth year.
    extra = sorted({f"sb:{s}:{birth[0]}:{g[:2]}" for s, g in readings} if birth and birth[0] == birth[1] else set())
    extra += sound_keys(readings)
    acts = []
    for act in victim.acts:
        acts.append([act.type, place_key(act.place_code, act.place), years(act.date),
                     place_key(act.facility_code, act.facility, "facilities")])
    interviewee = mention.testimony.interviewee
    return {
        "v": FEATURES_VERSION, "m": mention.mention, "t": mention.testimony_id, "names": shown, "nk": sorted(keys),
        "rd": readings,
        "hg": hangul, "hj": hanja, "hr": _hanja_readings(hanja),
        "by": birth, "bt": victim.birth.edtf if victim.birth else None,
        "sex": victim.sex, "cat": list(victim.categories),
        "home": place_key(victim.origin_place, victim.origin), "acts": acts,
        "rel": interviewee.relation, "iv": fold(interviewee.pseudonym), "bk": extra,
    }


def blocking_keys(feat: dict[str, Any]) -> list[str]:
    """Every key a mention is filed under for blocking: its name keys and the surname+birth-year keys."""
    return list(feat["nk"]) + list(feat["bk"])
