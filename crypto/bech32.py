"""Bech32 (BIP-173) encoding, as age uses it for keys: strict decoding, no 90-character limit.

age encodes X25519 recipients as ``age1...`` and identities as ``AGE-SECRET-KEY-1...``. Like age's own decoder this
one skips BIP-173's 90-character cap (age's post-quantum keys exceed it) but keeps every other rule: one case only,
a valid checksum (the original Bech32 constant 1, not Bech32m), data characters from the charset, and canonical
8-to-5-bit padding. A caller-supplied bound on the length keeps hostile input from costing more than it should.
"""

from __future__ import annotations

from crypto.errors import MalformedError

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHARSET_REV = {c: i for i, c in enumerate(_CHARSET)}
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_CHECKSUM_LEN = 6
DEFAULT_MAX_LEN = 4096


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GENERATOR):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or (acc << (to_bits - bits)) & maxv:
        # Leftover bits must be fewer than one input group and all zero, or two strings would decode the same.
        raise MalformedError("invalid Bech32 padding")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode ``data`` under human-readable part ``hrp``, lower case (callers upper-case identities themselves)."""
    if not hrp or any(not 33 <= ord(c) <= 126 for c in hrp):
        raise ValueError("invalid Bech32 human-readable part")
    hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod([*_hrp_expand(hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(_CHECKSUM_LEN)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)


def decode(text: str, max_len: int = DEFAULT_MAX_LEN) -> tuple[str, bytes]:
    """Decode a Bech32 string; return (human-readable part in the case it was written, data bytes).

    Raises :class:`MalformedError` for mixed case, a bad checksum, characters outside the charset, bad padding, or a
    string longer than ``max_len``.
    """
    if len(text) > max_len:
        raise MalformedError("Bech32 string is too long")
    if any(not 33 <= ord(c) <= 126 for c in text):
        raise MalformedError("Bech32 string contains characters outside printable ASCII")
    lower = text.lower()
    if text != lower and text != text.upper():
        raise MalformedError("Bech32 string mixes upper and lower case")
    pos = lower.rfind("1")
    if pos < 1 or pos + 1 + _CHECKSUM_LEN > len(lower):
        raise MalformedError("Bech32 string has no valid separator")
    values: list[int] = []
    for c in lower[pos + 1 :]:
        value = _CHARSET_REV.get(c)
        if value is None:
            raise MalformedError("Bech32 string contains a character outside its alphabet")
        values.append(value)
    if _polymod([*_hrp_expand(lower[:pos]), *values]) != 1:
        raise MalformedError("Bech32 checksum does not match (a typo in the key?)")
    data = bytes(_convert_bits(values[:-_CHECKSUM_LEN], 5, 8, pad=False))
    return text[:pos], data
