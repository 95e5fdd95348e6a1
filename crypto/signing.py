"""Ed25519 signing keys with a minisign-compatible key id, and fingerprints people can compare aloud.

A device's signing key is the identity HQ enrols. Its public half is exported as a standard minisign public key file
(see :mod:`crypto.minisign`), so the key id is minisign's: 8 random bytes chosen when the key is made.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from crypto.errors import MalformedError

KEY_ID_LEN = 8
PUBLIC_KEY_LEN = 32
SEED_LEN = 32

_FINGERPRINT_DOMAIN = b"testimony-intake fingerprint v1\x00"
FINGERPRINT_GROUPS = 8
FINGERPRINT_GROUP_DIGITS = 5


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key and its minisign key id."""

    key_id: bytes
    public: bytes

    def __post_init__(self) -> None:
        if len(self.key_id) != KEY_ID_LEN or len(self.public) != PUBLIC_KEY_LEN:
            raise MalformedError("a signing public key is an 8-byte key id and a 32-byte Ed25519 key")

    @property
    def key_id_hex(self) -> str:
        """Key id as minisign prints it: 16 upper-case hex digits of the id read as a little-endian integer."""
        return self.key_id[::-1].hex().upper()

    def fingerprint(self) -> str:
        return fingerprint(self)

    def verify(self, signature: bytes, message: bytes) -> bool:
        """True when ``signature`` is a valid Ed25519 signature of ``message`` by this key."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except Exception:  # noqa: BLE001 - cryptography raises InvalidSignature or ValueError; both mean "no"
            return False
        return True

    def same_as(self, other: PublicKey) -> bool:
        return hmac.compare_digest(self.key_id + self.public, other.key_id + other.public)


class SigningKey:
    """An Ed25519 private key with its key id. The seed never leaves the vault database unencrypted."""

    __slots__ = ("_key", "key_id", "public_key")

    def __init__(self, seed: bytes, key_id: bytes) -> None:
        if len(seed) != SEED_LEN:
            raise MalformedError("an Ed25519 seed is 32 bytes")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        pub = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id
        self.public_key = PublicKey(key_id, pub)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(os.urandom(SEED_LEN), os.urandom(KEY_ID_LEN))

    def seed(self) -> bytes:
        """The 32-byte private seed, for storage inside the encrypted vault only."""
        return self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


def fingerprint(key: PublicKey) -> str:
    """Eight groups of five digits derived from the key id and public key, e.g. ``"04217 88310 ..."``.

    Digits read the same in Korean and English over a phone line. Each group is five bytes of a SHA-512 digest reduced
    modulo 100000 (the approach of Signal's safety numbers), so the 40 digits carry about 132 bits.
    """
    digest = hashlib.sha512(_FINGERPRINT_DOMAIN + key.key_id + key.public).digest()
    groups = []
    for i in range(FINGERPRINT_GROUPS):
        chunk = int.from_bytes(digest[i * 5 : i * 5 + 5], "big")
        groups.append(f"{chunk % 10**FINGERPRINT_GROUP_DIGITS:0{FINGERPRINT_GROUP_DIGITS}d}")
    return " ".join(groups)


def material_fingerprint(kind: str, material: bytes) -> str:
    """Digit-group fingerprint (as :func:`fingerprint`) of other public key material, e.g. an age recipient.

    ``kind`` separates domains, so an age recipient and a signing key never share a fingerprint.
    """
    digest = hashlib.sha512(_FINGERPRINT_DOMAIN + kind.encode("ascii") + b"\x00" + material).digest()
    return " ".join(
        f"{int.from_bytes(digest[i * 5 : i * 5 + 5], 'big') % 10**FINGERPRINT_GROUP_DIGITS:0{FINGERPRINT_GROUP_DIGITS}d}"
        for i in range(FINGERPRINT_GROUPS)
    )
