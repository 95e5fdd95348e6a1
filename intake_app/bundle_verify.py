"""Verifying a bundle's outer layer, with no secret: what an auditor checks, and the first stage of an HQ import.

Checks, in order: the archive is exactly the five expected members; the payload's minisign signature (by the device
key the caller pins or looks up from the signature's key id); the checkpoint and its signature; that the trusted comment
and the checkpoint name the same log size and root; and that the ``leaves`` hash to that root. Nothing is decrypted.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crypto import checkpoint as cp_mod
from crypto import minisign
from crypto.checkpoint import Checkpoint
from crypto.errors import CryptoError
from crypto.signing import PublicKey
from intake_app import bundle_format as bf
from intake_app.errors import RefusedError, UsageError
from intake_app.ustar import TarReader

KeyResolver = Callable[[bytes], PublicKey]


class BundleRefused(RefusedError):
    """A bundle failed verification; the message says why in plain words."""


class _HashingReader:
    """Reads from a file while hashing everything read (the bundle file's own sha256, for records of refusals)."""

    def __init__(self, src: BinaryIO) -> None:
        self.src = src
        self.hash = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.src.read(n)
        self.hash.update(data)
        return data

    def tell(self) -> int:
        return self.src.tell()


@dataclass(frozen=True)
class OuterBundle:
    path: Path
    comment: bf.OuterComment
    key: PublicKey
    checkpoint: Checkpoint
    leaves: bytes
    payload_offset: int
    payload_size: int
    file_sha256: str


def pinned(key: PublicKey) -> KeyResolver:
    def resolve(key_id: bytes) -> PublicKey:
        if not hmac.compare_digest(key_id, key.key_id):
            raise BundleRefused(
                f"the bundle is signed by key {key_id[::-1].hex().upper()}, not by the given device key {key.key_id_hex}"
            )
        return key

    return resolve


def _expect_member(reader: TarReader, members: object, name: str) -> int:
    member = next(members, None)  # type: ignore[call-overload]
    if member is None:
        raise BundleRefused(f"the bundle is incomplete: {name} is missing")
    if member.name != name:
        raise BundleRefused(f"the bundle has an unexpected member {member.name!r} where {name!r} belongs")
    return int(member.size)


def _expect_untrusted_comment(sig: bytes, comment: str) -> None:
    # minisign does not sign the first ("untrusted comment") line; bundles fix it, so that no byte of a bundle can
    # change unnoticed.
    if not sig.startswith(f"untrusted comment: {comment}\n".encode("ascii")):
        raise BundleRefused("a signature file in the bundle was altered (its first line is not the one bundles carry)")


def verify_outer(path: Path, resolve_key: KeyResolver) -> OuterBundle:
    """Verify everything an auditor can verify without a decryption key; raise BundleRefused with the reason."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    with fh:
        try:
            return _verify_outer(path, fh, resolve_key)
        except CryptoError as exc:
            raise BundleRefused(str(exc)) from None


def _verify_outer(path: Path, fh: BinaryIO, resolve_key: KeyResolver) -> OuterBundle:
    src = _HashingReader(fh)
    reader = TarReader(src, max_members=len(bf.OUTER_MEMBERS))  # type: ignore[arg-type]
    members = reader.members()
    payload_size = _expect_member(reader, members, "payload.age")
    payload_offset = src.tell()
    prehasher = minisign.Blake2bPrehasher()
    while chunk := reader.read(1 << 20):
        prehasher.update(chunk)
    _expect_member(reader, members, "payload.age.minisig")
    payload_sig = reader.read_all(bf.MAX_SIGNATURE)
    _expect_untrusted_comment(payload_sig, bf.PAYLOAD_SIG_COMMENT)
    key = resolve_key(minisign.signature_key_id(payload_sig))
    verified = minisign.verify_digest(key, prehasher.digest(), payload_sig)
    comment = bf.OuterComment.parse(verified.trusted_comment)
    if comment.device != key.key_id_hex:
        raise BundleRefused("the bundle's signed comment names another device than the key that signed it")
    _expect_member(reader, members, "checkpoint")
    cp_text = reader.read_all(bf.MAX_CHECKPOINT)
    _expect_member(reader, members, "checkpoint.minisig")
    cp_sig = reader.read_all(bf.MAX_SIGNATURE)
    _expect_untrusted_comment(cp_sig, bf.CHECKPOINT_SIG_COMMENT)
    checkpoint = cp_mod.verify_checkpoint(key, cp_text, cp_sig)
    if checkpoint.size != comment.log_size or not hmac.compare_digest(checkpoint.root, comment.log_root):
        raise BundleRefused("the checkpoint does not match the log named in the payload signature "
                            "(parts of two different bundles were combined)")
    _expect_member(reader, members, "leaves")
    leaves = reader.read_all(bf.MAX_LEAVES)
    cp_mod.verify_leaves(checkpoint, leaves)
    if next(members, None) is not None:
        raise BundleRefused("the bundle has members after the leaves")
    reader.finish(allow_trailing_zeros=False)
    return OuterBundle(path, comment, key, checkpoint, leaves, payload_offset, payload_size, src.hash.hexdigest())
