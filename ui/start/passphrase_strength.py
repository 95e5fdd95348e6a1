"""A rough, offline strength hint for a new passphrase: length, character classes, repetition, a few notorious choices.

It is a hint, not a guarantee: no network, no large dictionary. The estimate is deliberately conservative (at most 5
bits per character whatever the alphabet, since people choose words, not random characters), which favours what we
recommend: a long sentence, in Korean or any language. Only two things block: fewer than MIN_LENGTH characters and the
handful of passphrases every guessing tool tries first.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from enum import Enum

MIN_LENGTH = 8
_MAX_BITS_PER_CHAR = 5.0
_NOTORIOUS = frozenset({
    "password", "password1", "passw0rd", "12345678", "123456789", "1234567890", "qwertyui", "qwerty123",
    "iloveyou", "11111111", "00000000", "abcd1234", "1q2w3e4r", "1q2w3e4r5t", "qwer1234", "asdf1234",
    "sarang123", "dlwmdgur", "letmein1", "welcome1", "admin123", "87654321", "aaaaaaaa", "changeme",
})


class Strength(Enum):
    TOO_SHORT = "too_short"
    NOTORIOUS = "notorious"
    WEAK = "weak"
    FAIR = "fair"
    STRONG = "strong"


@dataclass(frozen=True)
class Assessment:
    strength: Strength
    length: int
    classes: frozenset[str]
    bits: int

    @property
    def acceptable(self) -> bool:
        return self.strength not in (Strength.TOO_SHORT, Strength.NOTORIOUS)


def _char_class(ch: str) -> str:
    if "\uac00" <= ch <= "\ud7a3" or "\u3130" <= ch <= "\u318f" or "\u1100" <= ch <= "\u11ff":
        return "hangul"
    if "\u3040" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f":
        return "kana"
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff":
        return "kanji"
    if ch.isdigit():
        return "digit"
    if ch.isalpha() and ch < "\u0250":  # Latin (with accents): only these have a case worth naming
        return "upper" if ch.isupper() else "lower"
    if ch.isalpha():
        return "letter"
    return "symbol"


_POOL = {"lower": 26, "upper": 26, "digit": 10, "symbol": 33, "hangul": 40, "kana": 80, "kanji": 2000,
         "letter": 40}


def assess(passphrase: str) -> Assessment:
    """Rate ``passphrase`` (NFC-normalised first, as the key derivation does)."""
    text = unicodedata.normalize("NFC", passphrase)
    length = len(text)
    classes = frozenset(_char_class(ch) for ch in text)
    pool = sum(_POOL[c] for c in classes) or 1
    # Repetition ("aaaaaaaaaa", "abababab") earns little: count at most two characters per distinct one.
    effective = min(length, 2 * len(set(text)))
    bits = int(effective * min(math.log2(pool), _MAX_BITS_PER_CHAR))
    if length < MIN_LENGTH:
        strength = Strength.TOO_SHORT
    elif text.lower().replace(" ", "") in _NOTORIOUS:
        strength = Strength.NOTORIOUS
    elif bits < 50:
        strength = Strength.WEAK
    elif bits < 75:
        strength = Strength.FAIR
    else:
        strength = Strength.STRONG
    return Assessment(strength, length, classes, bits)
