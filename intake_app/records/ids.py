"""Identifiers.

Records made since bundle format 1.1 get a **device-bound** id (a UUIDv8, docs/bundle-format.md §3.1): 48 bits of
Unix milliseconds (so ids still sort by creation time, like UUIDv7), 26 random bits, and a 48-bit commitment to the
creating device's signing key and to the rest of the id. Only that device can start the record: HQ refuses, at
import, a first version (a revision without parents) of a device-bound record from any other device, so the owner
of a record is a property of its id, whatever order bundles arrive in. Records made before keep their UUIDv7 ids and
today's ownership rule (the devices of the root revisions; see ``revisions.choose_owner``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import time
import uuid
from collections.abc import Sequence
from typing import Any

from crypto.signing import PublicKey

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
RECORD_ID_DOMAIN = b"testimony-intake record id v1\x00"
RANDOM_BITS = 26
COMMIT_BITS = 48


def uuid7() -> str:
    """A version-7 UUID: 48-bit Unix milliseconds, then 74 random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def is_uuid(value: str) -> bool:
    return bool(_UUID_RE.match(value))


def record_commitment(key: PublicKey, ms: int, rand: int) -> int:
    """The 48-bit commitment: the first 6 bytes (big-endian) of SHA-256(domain ‖ key id[8] ‖ Ed25519 key[32] ‖
    milliseconds as 6 bytes big-endian ‖ random as 4 bytes big-endian). ``key_id`` is the 8 bytes as they appear in
    the minisign key blob (minisign prints them reversed)."""
    digest = hashlib.sha256(RECORD_ID_DOMAIN + key.key_id + key.public + ms.to_bytes(6, "big")
                            + rand.to_bytes(4, "big")).digest()
    return int.from_bytes(digest[:6], "big")


def bound_record_id(key: PublicKey, ms: int, rand: int) -> str:
    """The device-bound record id for these inputs (UUIDv8, RFC 9562 §5.8). Bit layout, most significant first:
    ``ms`` (48) | version 8 (4) | ``rand`` bits 25..14 (12) | variant 0b10 (2) | ``rand`` bits 13..0 (14) |
    commitment (48)."""
    if not 0 <= ms < 1 << 48 or not 0 <= rand < 1 << RANDOM_BITS:
        raise ValueError("milliseconds or random part out of range")
    value = ms << 80 | 0x8 << 76 | (rand >> 14) << 64 | 0b10 << 62 | (rand & 0x3FFF) << 48
    value |= record_commitment(key, ms, rand)
    return str(uuid.UUID(int=value))


def new_record_id(key: PublicKey) -> str:
    """A new record id bound to the device holding ``key`` (its signing public key)."""
    rand = int.from_bytes(os.urandom(4), "big") >> (32 - RANDOM_BITS)
    return bound_record_id(key, (time.time_ns() // 1_000_000) & ((1 << 48) - 1), rand)


def is_device_bound(record_id: str) -> bool:
    """A version-8, variant-10 UUID: the record's first version must come from the device its id commits to."""
    return is_uuid(record_id) and record_id[14] == "8" and record_id[19] in "89ab"


def commitment_prefix(key: PublicKey) -> Any:
    """The SHA-256 state after the part of :func:`record_commitment`'s input that depends on the key alone: a caller
    testing many record ids against the same keys copies it instead of hashing the key again."""
    return hashlib.sha256(RECORD_ID_DOMAIN + key.key_id + key.public)


def bound_parts(record_id: str) -> tuple[bytes, bytes] | None:
    """For a device-bound id: the milliseconds and random part as :func:`record_commitment` hashes them (10 bytes),
    and the 48-bit commitment the id carries (6 bytes). ``None`` for any other id."""
    if not is_device_bound(record_id):
        return None
    value = int(record_id.replace("-", ""), 16)  # the form was checked: 32 hex digits and four hyphens
    ms = value >> 80
    rand = ((value >> 64) & 0xFFF) << 14 | (value >> 48) & 0x3FFF
    return ms.to_bytes(6, "big") + rand.to_bytes(4, "big"), (value & ((1 << 48) - 1)).to_bytes(6, "big")


def bound_among(record_id: str, prefixes: Sequence[tuple[str, Any]]) -> list[str]:
    """The names of the keys (``prefixes``: name and :func:`commitment_prefix` of each key) that the device-bound
    ``record_id`` commits to, each compared in constant time: :func:`bound_to` for many keys at once."""
    parts = bound_parts(record_id)
    if parts is None:
        return []
    inputs, commitment = parts
    found = []
    for name, prefix in prefixes:
        digest = prefix.copy()
        digest.update(inputs)
        if hmac.compare_digest(digest.digest()[:6], commitment):
            found.append(name)
    return found


def bound_to(record_id: str, key: PublicKey) -> bool:
    """True when the device-bound ``record_id`` commits to ``key`` (constant-time comparison of the commitment)."""
    return bool(bound_among(record_id, (("", commitment_prefix(key)),)))
