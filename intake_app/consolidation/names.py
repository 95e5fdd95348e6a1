"""Comparison keys for spotting the same person written differently, for duplicate-person candidates.

Two name spellings are candidate duplicates when their key sets intersect. Keys are deliberately loose (a
coordinator confirms every link): they equate the North and South Korean spellings of initial sounds (리/이, 류/유,
림/임, 량/양, 로/노 ...), the common romanisations of surnames (Lee/Yi/Rhee/Ri/I/Li ...), and the usual variation in
romanised given names (Young-hee / Younghee / Yŏng-hŭi / Yeonghui). A Hangul name is also romanised (Revised
Romanization, syllable by syllable) so that 류은별 and "Ryu Un-byol" share a key.
"""

from __future__ import annotations

import re
import unicodedata

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_MEDIALS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi",
            "yu", "eu", "ui", "i"]
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "l", "l", "l", "l", "l", "l", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t"]
_RIEUL, _NIEUN, _IEUNG = 5, 2, 11
# Medials after which an initial ㄹ/ㄴ becomes silent (ㅇ) under the South Korean initial-sound rule: ㅑ ㅕ ㅖ ㅛ ㅠ ㅣ.
_Y_MEDIALS = frozenset({2, 6, 7, 12, 17, 20})

# Surname romanisations from the reference list, keyed by the South Korean Hangul spelling (after the initial-sound
# rule, so 리 and 이 share the key 이).
SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "김": ("kim", "gim"), "이": ("lee", "yi", "rhee", "ri", "i", "li", "ree"), "박": ("park", "pak", "bak"),
    "최": ("choi", "choe", "chey"), "정": ("jung", "jeong", "chung", "chong", "jong"), "강": ("kang", "gang"),
    "조": ("cho", "jo", "joe"), "윤": ("yoon", "yun"), "장": ("jang", "chang"), "임": ("lim", "im", "rim"),
    "오": ("oh", "o"), "서": ("seo", "suh", "so"), "신": ("shin", "sin"), "권": ("kwon", "gwon", "kweon"),
    "안": ("ahn", "an"), "유": ("ryu", "yu", "yoo", "you", "ryoo"), "전": ("jeon", "jun", "chon"),
    "고": ("ko", "go", "koh"), "문": ("moon", "mun"), "양": ("yang", "ryang"), "손": ("son", "sohn"),
    "배": ("bae", "pae"), "백": ("baek", "paek", "paik"), "허": ("heo", "huh", "ho"), "노": ("noh", "roh", "ro", "no"),
    "심": ("shim", "sim"), "곽": ("kwak", "gwak"), "성": ("sung", "seong"), "주": ("joo", "ju", "chu"),
    "구": ("koo", "gu", "ku"),
}
_SURNAME_BY_ROMAN = {roman: hangul for hangul, romans in SURNAME_VARIANTS.items() for roman in romans}
_TWO_SYLLABLE_SURNAMES = frozenset({"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방"})

# Applied in order to a romanised given name: vowels first (ŏ/eo/o, ŭ/eu/u, ee/i ...), then consonants whose
# spelling depends on the system or position (g/k, d/t, b/p, j/ch, r/l, sh/s). Customary spellings write 어 as "u"
# (Hyun, Chul, Jun), so o and u are collapsed too: loose on purpose, a coordinator confirms every candidate.
_GIVEN_RULES: tuple[tuple[str, str], ...] = (
    ("eo", "o"), ("eu", "u"), ("ou", "o"), ("oo", "u"), ("ee", "i"), ("ui", "i"), ("ae", "e"), ("o", "u"),
    ("sh", "s"), ("ng", "N"), ("ch", "j"), ("g", "k"), ("d", "t"), ("b", "p"), ("j", "ch"), ("r", "l"), ("N", "ng"),
)
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


def _plain_latin(text: str) -> str:
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


def _hangul_keys(name: str) -> set[str]:
    compact = "".join(name.split())
    if not compact:
        return set()
    normalised = initial_sound_rule(compact[0]) + compact[1:]
    keys = {f"hangul:{normalised}"}
    surname_len = 2 if compact[:2] in _TWO_SYLLABLE_SURNAMES and len(compact) > 2 else 1
    surname = initial_sound_rule(compact[0]) + compact[1:surname_len]
    given = compact[surname_len:]
    if given:
        keys.add(f"name:{surname}:{given_name_key(romanise_hangul(given))}")
    return keys


def _roman_keys(name: str) -> set[str]:
    comma = "," in name
    tokens = [t for t in _SPLIT.split(_plain_latin(name)) if t.strip("-")]
    if not tokens:
        return set()
    if len(tokens) == 1:
        return {f"roman:{given_name_key(tokens[0])}"}
    keys: set[str] = set()
    # Korean order (surname first) is the norm here; Western order is tried too unless a comma fixed the order.
    orders = [(tokens[0], tokens[1:])]
    if not comma:
        orders.append((tokens[-1], tokens[:-1]))
    for surname, given in orders:
        group = _surname_group_roman(surname)
        if group is not None:
            keys.add(f"name:{group}:{given_name_key(''.join(given))}")
    if all(_surname_group_roman(s) is None for s, _ in orders):
        keys.add(f"name:{given_name_key(tokens[0])}:{given_name_key(''.join(tokens[1:]))}")
    return keys


def name_keys(name: str) -> set[str]:
    """Comparison keys of one written name (Hangul, romanised or hanja); two names may be the same person if their
    key sets intersect. Empty or unrecognised input gives an empty set."""
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        return set()
    if _HANGUL_TEXT.match(text):
        return _hangul_keys(text)
    if _CJK.search(text):
        return {"hanja:" + "".join(ch for ch in text if _CJK.match(ch))}
    return _roman_keys(text)
