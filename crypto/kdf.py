"""Argon2id passphrase key derivation with parameters stored beside the salt.

Profiles: ``default`` (m=256 MiB, t=3, p=4: about 0.7 s here) for real vaults; the floor ``minimum``
(m=64 MiB, t=3, p=4) below which a slot is refused; and ``fast``, deliberately weak, for tests only. A slot made with
``fast`` records that name, so ``vault info`` can show it, and it is accepted only while ``INTAKE_KDF_PROFILE=fast`` is
set in the environment of the process opening it.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw

from crypto.errors import MalformedError, WeakParametersError

SALT_LEN = 16
KEY_LEN = 32
FAST_PROFILE_ENV = "INTAKE_KDF_PROFILE"

# Upper bounds refuse absurd parameters from a hostile file before Argon2 tries to allocate them.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_TIME = 64
_MAX_PARALLELISM = 64


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost parameters. ``memory_kib`` is in KiB, as Argon2 counts it."""

    memory_kib: int
    time_cost: int
    parallelism: int
    profile: str

    def to_json(self) -> dict[str, Any]:
        return {
            "alg": "argon2id",
            "version": 19,
            "m_kib": self.memory_kib,
            "t": self.time_cost,
            "p": self.parallelism,
            "profile": self.profile,
        }

    @classmethod
    def from_json(cls, obj: Any) -> Argon2Params:
        if not isinstance(obj, dict):
            raise MalformedError("key slot: KDF parameters are not an object")
        if obj.get("alg") != "argon2id" or obj.get("version") != 19:
            raise MalformedError("key slot: unknown key-derivation algorithm")
        values = []
        for name, upper in (("m_kib", _MAX_MEMORY_KIB), ("t", _MAX_TIME), ("p", _MAX_PARALLELISM)):
            v = obj.get(name)
            if type(v) is not int or not 1 <= v <= upper:
                raise MalformedError(f"key slot: KDF parameter {name} is missing or out of range")
            values.append(v)
        profile = obj.get("profile")
        if not isinstance(profile, str) or profile not in PROFILES:
            raise MalformedError("key slot: unknown KDF profile")
        return cls(values[0], values[1], values[2], profile)

    def at_least(self, floor: Argon2Params) -> bool:
        return (
            self.memory_kib >= floor.memory_kib
            and self.time_cost >= floor.time_cost
            and self.parallelism >= floor.parallelism
        )


PROFILES: dict[str, Argon2Params] = {
    "default": Argon2Params(256 * 1024, 3, 4, "default"),
    "minimum": Argon2Params(64 * 1024, 3, 4, "minimum"),
    "fast": Argon2Params(1024, 1, 1, "fast"),
}
FLOOR = PROFILES["minimum"]


def fast_profile_requested() -> bool:
    """True when the environment asks for the deliberately weak test profile."""
    return os.environ.get(FAST_PROFILE_ENV, "") == "fast"


def profile_for_new_slot() -> Argon2Params:
    """The parameters a new passphrase slot gets: ``fast`` only when explicitly requested for tests."""
    return PROFILES["fast"] if fast_profile_requested() else PROFILES["default"]


def check_acceptable(params: Argon2Params) -> None:
    """Refuse parameters below the floor, unless they are the test profile and the test profile was asked for."""
    if params.at_least(FLOOR):
        return
    if params.profile == "fast" and params == PROFILES["fast"] and fast_profile_requested():
        return
    raise WeakParametersError(
        "key slot: the key-derivation parameters are weaker than this program accepts "
        f"(m={params.memory_kib} KiB, t={params.time_cost}, p={params.parallelism}); the file may have been altered"
    )


def normalize_passphrase(passphrase: str) -> bytes:
    """NFC-normalise so the same Korean passphrase typed through different input methods derives the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive(passphrase: str, salt: bytes, params: Argon2Params) -> bytes:
    """Argon2id(passphrase, salt) -> 32-byte key-encryption key."""
    if len(salt) != SALT_LEN:
        raise MalformedError("key slot: the salt must be 16 bytes")
    return hash_secret_raw(
        secret=normalize_passphrase(passphrase),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_LEN,
        type=Type.ID,
    )
