"""The printed recovery key: 32 random bytes people write down, with a checksum that catches typos.

Encoding: the 32-byte key followed by a 3-byte checksum (the first bytes of SHA-256 over a domain tag and the key), in
Crockford base32 (digits and upper-case letters without I, L, O, U), 56 characters shown as 14 groups of 4. Reading it
back ignores case, spaces and dashes, and accepts the usual look-alikes (O for 0, I and L for 1). A mistyped character is
caught by the checksum before any key derivation runs; the probability that a random typo passes is 2**-24.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from crypto.errors import MalformedError

KEY_LEN = 32
_CHECK_LEN = 3
_DOMAIN = b"testimony-intake recovery key v1\x00"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(_ALPHABET)}
_DECODE.update({"O": 0, "I": 1, "L": 1})
_CHARS = 56
GROUP = 4


def generate() -> bytes:
    return os.urandom(KEY_LEN)


def _checksum(key: bytes) -> bytes:
    return hashlib.sha256(_DOMAIN + key).digest()[:_CHECK_LEN]


def encode(key: bytes) -> str:
    """Format a recovery key for writing down: ``"4F8K-..."`` in 14 groups of 4 characters."""
    if len(key) != KEY_LEN:
        raise ValueError("a recovery key is 32 bytes")
    n = int.from_bytes(key + _checksum(key), "big")
    chars = [_ALPHABET[(n >> (5 * (_CHARS - 1 - i))) & 31] for i in range(_CHARS)]
    return "-".join("".join(chars[i : i + GROUP]) for i in range(0, _CHARS, GROUP))


def decode(text: str) -> bytes:
    """Parse a recovery key as typed, returning the 32-byte key; a typo raises :class:`MalformedError`."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    if len(cleaned) != _CHARS:
        raise MalformedError(
            f"a recovery key has {_CHARS} characters (14 groups of 4); this one has {len(cleaned)}"
        )
    n = 0
    for pos, ch in enumerate(cleaned):
        value = _DECODE.get(ch)
        if value is None:
            raise MalformedError(f"the recovery key has a character it cannot contain at position {pos + 1}")
        n = (n << 5) | value
    raw = n.to_bytes(KEY_LEN + _CHECK_LEN, "big")
    key, check = raw[:KEY_LEN], raw[KEY_LEN:]
    if not hmac.compare_digest(check, _checksum(key)):
        raise MalformedError("the recovery key has a typo: its checksum does not match; compare it group by group")
    return key
