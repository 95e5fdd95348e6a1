"""Comparison keys for spotting the same person written differently, for duplicate-person candidates.

Two name spellings are candidate duplicates when their key sets intersect. Keys are deliberately loose (a
coordinator confirms every link): they equate the North and South Korean spellings of initial sounds (리/이, 류/유,
림/임, 량/양, 로/노 ...), the common romanisations of surnames (Lee/Yi/Rhee/Ri/I/Li ...), and the usual variation in
romanised given names (Young-hee / Younghee / Yŏng-hŭi / Yeonghui). A Hangul name is also romanised (Revised
Romanization, syllable by syllable) so that 류은별 and "Ryu Un-byol" share a key. Cyrillic and Greek letters drawn like
Latin ones, mixed into a romanised name, are read as those Latin letters ("Ryе" with a Cyrillic е is "Rye").
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from typing import Any

from intake_app.resources import data_path
from intake_app.vault import forget

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_MEDIALS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi",
            "yu", "eu", "ui", "i"]
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "l", "l", "l", "l", "l", "l", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t"]
_RIEUL, _NIEUN, _IEUNG = 5, 2, 11
# Medials after which an initial ㄹ/ㄴ becomes silent (ㅇ) under the South Korean initial-sound rule: ㅑ ㅕ ㅖ ㅛ ㅠ ㅣ.
_Y_MEDIALS = frozenset({2, 6, 7, 12, 17, 20})

def _table(name: str) -> dict[str, Any]:
    """A rule table from ``intake_app/data/names`` (bundled with the program, not user input)."""
    loaded: dict[str, Any] = json.loads(data_path("names", f"{name}.json").read_text(encoding="utf-8"))
    return loaded


_SURNAMES = _table("surnames")
# Surname romanisations keyed by the South Korean Hangul spelling (after the initial-sound rule, so 리 and 이 share
# the key 이). The table lives in intake_app/data/names/surnames.json with its sources.
SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {h: tuple(r) for h, r in _SURNAMES["surnames"].items()}
_SURNAME_BY_ROMAN = {roman: hangul for hangul, romans in SURNAME_VARIANTS.items() for roman in romans}
_TWO_SYLLABLE_SURNAMES = frozenset(_SURNAMES["two_syllable_surnames"])
HANJA_SURNAMES: dict[str, str] = dict(_SURNAMES["hanja_surnames"])
# Hanja -> Hangul reading, one per character (intake_app/data/names/hanja_readings.json, built by
# tools/make_hanja_table.py from the `hanja` package's table). Surnames come from HANJA_SURNAMES first (金 -> 김).
_HANJA_READINGS: dict[str, str] = dict(_table("hanja_readings")["readings"])
_HANJA_DOUBLE_SURNAMES: dict[str, str] = {"南宮": "남궁", "諸葛": "제갈", "鮮于": "선우", "皇甫": "황보",
                                          "司空": "사공", "西門": "서문", "獨孤": "독고", "東方": "동방"}

# Applied in order to a romanised given name: vowels first (ŏ/eo/o, ŭ/eu/u, ee/i ...), then consonants whose
# spelling depends on the system or position (g/k, d/t, b/p, j/ch, r/l, sh/s). Customary spellings write 어 as "u"
# (Hyun, Chul, Jun), so o and u are collapsed too: loose on purpose, a coordinator confirms every candidate.
_GIVEN_RULES: tuple[tuple[str, str], ...] = tuple(
    (str(a), str(b)) for a, b in _table("romanisation_rules")["given_name_rules"])
_SPLIT = re.compile(r"[\s,]+")
_HANGUL_TEXT = re.compile(r"^[\uac00-\ud7a3\s]+$")
_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")


def _syllable(ch: str) -> tuple[int, int, int] | None:
    code = ord(ch) - _HANGUL_FIRST
    if not 0 <= code <= _HANGUL_LAST - _HANGUL_FIRST:
        return None
    return code // 588, (code % 588) // 28, code % 28


def _compose(initial: int, medial: int, final: int) -> str:
    return chr(_HANGUL_FIRST + initial * 588 + medial * 28 + final)


def initial_sound_rule(syllable: str) -> str:
    """The South Korean spelling of a word-initial syllable: 리→이, 류→유, 로→노, 녀→여 (두음법칙)."""
    parts = _syllable(syllable)
    if parts is None:
        return syllable
    initial, medial, final = parts
    if initial == _RIEUL:
        initial = _IEUNG if medial in _Y_MEDIALS else _NIEUN
    elif initial == _NIEUN and medial in _Y_MEDIALS:
        initial = _IEUNG
    return _compose(initial, medial, final)


def romanise_hangul(text: str) -> str:
    """Syllable-by-syllable Revised Romanization (no sound-change rules), other characters dropped."""
    out = []
    for ch in text:
        parts = _syllable(ch)
        if parts is not None:
            out.append(_INITIALS[parts[0]] + _MEDIALS[parts[1]] + _FINALS[parts[2]])
    return "".join(out)


# Cyrillic and Greek letters drawn like a Latin letter, and that letter. Romanised names typed on a Russian keyboard
# or pasted from Russian papers (refugees repatriated from Russia) mix them into Latin words: "Ryе" with a Cyrillic
# е (U+0435) must meet "Rye". Only letters whose shape is the Latin letter's in common fonts are listed; a look-alike
# is read as Latin only inside a word that also holds a Latin letter and no other Cyrillic or Greek letter
# (:func:`_fold_lookalikes`), so a name written wholly in Cyrillic ("Ри Ен") is never read as a Latin one.
_LOOKALIKES: dict[str, str] = {
    # Cyrillic capitals, then small letters
    "А": "A", "В": "B", "Е": "E", "І": "I", "Ј": "J", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Ѕ": "S", "Т": "T", "У": "Y", "Х": "X", "Ү": "Y", "Һ": "H", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "і": "i", "ј": "j", "о": "o", "р": "p", "с": "c", "ѕ": "s", "у": "y", "х": "x", "ү": "y",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    # Greek capitals, then small letters
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X",
    "ο": "o", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "υ": "u", "χ": "x",
}
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES)
_LOOKALIKE_SET = frozenset(_LOOKALIKES)
_WORD = re.compile(r"[^\s,]+")


@lru_cache(maxsize=4096)
def _foreign_script(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CYRILLIC", "GREEK"))


def _fold_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if not any(ch in _LOOKALIKES for ch in word) or not any("a" <= ch <= "z" or "A" <= ch <= "Z" for ch in word):
        return word
    if any(_foreign_script(ch) and ch not in _LOOKALIKES for ch in word):
        return word  # a Cyrillic or Greek word (or a mixed one holding letters with no Latin twin): not Latin
    return word.translate(_LOOKALIKE_TABLE)


def _fold_lookalikes(text: str) -> str:
    """``text`` (NFKD) with the Cyrillic and Greek look-alikes of Latin letters read as Latin in every word that
    also holds a Latin letter and no other Cyrillic or Greek letter (see :data:`_LOOKALIKES`)."""
    if _LOOKALIKE_SET.isdisjoint(text):
        return text  # almost every name: nothing to fold, no regular expression run
    return _WORD.sub(_fold_word, text)


def _plain_latin(text: str) -> str:
    if not text.isascii():
        text = _fold_lookalikes(unicodedata.normalize("NFKD", text))
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if "a" <= ch <= "z" or ch in " ,-")


def given_name_key(romanised: str) -> str:
    """A loose comparison form of a romanised given name: Young-hee, Younghee, Yŏng-hŭi, Yeonghui → ``yunghi``."""
    key = re.sub(r"[^a-z]", "", _plain_latin(romanised))
    for old, new in _GIVEN_RULES:
        key = key.replace(old, new)
    return key


def _surname_group_roman(token: str) -> str | None:
    return _SURNAME_BY_ROMAN.get(re.sub(r"[^a-z]", "", _plain_latin(token)))


def _hangul_readings(compact: str) -> list[tuple[str, str]]:
    surname_len = 2 if compact[:2] in _TWO_SYLLABLE_SURNAMES and len(compact) > 2 else 1
    surname = initial_sound_rule(compact[0]) + compact[1:surname_len]
    given = compact[surname_len:]
    if not given:
        return []
    given_key = given_name_key(romanise_hangul(given))
    if surname in SURNAME_VARIANTS or surname_len == 2:
        return [(surname, given_key)]
    # A surname the table does not list meets its romanisation through the same loose key ("~han").
    return [(surname, given_key), ("~" + given_name_key(romanise_hangul(surname)), given_key)]


def split_hangul_name(name: str) -> tuple[str, str]:
    """(family name, given name) of a Hangul name as written: a two-syllable surname from the table (남궁, 제갈 ...)
    when the name is longer than two syllables, else the first syllable."""
    compact = "".join(name.split())
    cut = 2 if compact[:2] in _TWO_SYLLABLE_SURNAMES and len(compact) > 2 else 1
    return compact[:cut], compact[cut:]


def _roman_tokens(name: str) -> list[str]:
    return [t for t in _SPLIT.split(_plain_latin(name)) if t.strip("-")]


def _roman_readings(name: str) -> list[tuple[str, str]]:
    tokens = _roman_tokens(name)
    if len(tokens) < 2:
        return []
    # Korean order (surname first) is the norm here; Western order is tried too unless a comma fixed the order.
    orders = [(tokens[0], tokens[1:])]
    if "," not in name:
        orders.append((tokens[-1], tokens[:-1]))
    out = []
    for surname, given in orders:
        group = _surname_group_roman(surname)
        if group is not None:
            out.append((group, given_name_key("".join(given))))
    if not out:
        out.append(("~" + given_name_key(tokens[0]), given_name_key("".join(tokens[1:]))))
    return out


def _hanja(text: str) -> str:
    return "".join(ch for ch in text if _CJK.match(ch))


def hanja_to_hangul(text: str) -> str | None:
    """The Hangul reading of a hanja name (surname from the surname table, given name character by character), or
    None when a character has no known reading or the name has no given name (a reading must never be partial: a
    surname alone would match every namesake)."""
    hanja = _hanja(unicodedata.normalize("NFC", text))
    if len(hanja) < 2:
        return None
    if hanja[:2] in _HANJA_DOUBLE_SURNAMES and len(hanja) > 2:
        surname, rest = _HANJA_DOUBLE_SURNAMES[hanja[:2]], hanja[2:]
    else:
        first = HANJA_SURNAMES.get(hanja[0]) or _HANJA_READINGS.get(hanja[0])
        if first is None:
            return None
        surname, rest = first, hanja[1:]
    given = [_HANJA_READINGS.get(ch) for ch in rest]
    if not given or any(g is None for g in given):
        return None
    return surname + "".join(g for g in given if g)


def name_readings(name: str) -> list[tuple[str, str]]:
    """The (surname group, given-name key) readings of one written name: the Hangul surname group (이 for 리, 이,
    Lee, Yi, Rhee, Ri; 李 too when written in hanja) or ``~key`` for a surname the table lacks, and the loose key of
    the given name. A hanja name is read to Hangul first (:func:`hanja_to_hangul`), given name included; a hanja name
    that cannot be read whole gives no reading."""
    return list(_readings(name))


@forget.on_lock
@lru_cache(maxsize=65536)
def _readings(name: str) -> tuple[tuple[str, str], ...]:
    return tuple(_name_readings(name))


def _name_readings(name: str) -> list[tuple[str, str]]:
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        return []
    if _HANGUL_TEXT.match(text):
        return _hangul_readings("".join(text.split()))
    if _CJK.search(text):
        reading = hanja_to_hangul(text)
        return _hangul_readings(reading) if reading else []
    return _roman_readings(text)


@forget.on_lock
@lru_cache(maxsize=65536)
def _keys(text: str) -> frozenset[str]:
    if not text:
        return frozenset()
    if _HANGUL_TEXT.match(text):
        compact = "".join(text.split())
        keys = {f"hangul:{initial_sound_rule(compact[0])}{compact[1:]}"}
        keys |= {f"name:{s}:{g}" for s, g in _hangul_readings(compact)}
        return frozenset(keys)
    if _CJK.search(text):
        keys = {"hanja:" + _hanja(text)}
        reading = hanja_to_hangul(text)
        if reading:
            keys.add(f"hangul:{initial_sound_rule(reading[0])}{reading[1:]}")
            keys |= {f"name:{s}:{g}" for s, g in _hangul_readings(reading)}
        return frozenset(keys)
    tokens = _roman_tokens(text)
    if len(tokens) == 1:
        return frozenset({f"roman:{given_name_key(tokens[0])}"})
    return frozenset(f"name:{s}:{g}" for s, g in _roman_readings(text))


def name_keys(name: str) -> set[str]:
    """Comparison keys of one written name (Hangul, romanised or hanja); two names may be the same person if their
    key sets intersect. Empty or unrecognised input gives an empty set."""
    return set(_keys(unicodedata.normalize("NFC", name).strip()))
