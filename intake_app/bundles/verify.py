"""Verifying a bundle's outer layer, with no secret: what an auditor checks, and the first stage of an HQ import.

Checks, in order: the archive is exactly the five expected members; the payload's minisign signature (by the device
key the caller pins or looks up from the signature's key id); the checkpoint and its signature; that the trusted comment
and the checkpoint name the same log size and root; and that the ``leaves`` hash to that root. Nothing is decrypted.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crypto import checkpoint as cp_mod
from crypto import minisign
from crypto.checkpoint import Checkpoint
from crypto.errors import CryptoError
from crypto.signing import PublicKey
from intake_app.bundles import format as bf
from intake_app.bundles.ustar import Member, TarReader
from intake_app.errors import RefusedError, UsageError

KeyResolver = Callable[[bytes], PublicKey]


class BundleRefused(RefusedError):
    """A bundle failed verification; the message says why in plain words."""


@dataclass(frozen=True)
class OuterBundle:
    path: Path
    comment: bf.OuterComment
    key: PublicKey
    checkpoint: Checkpoint
    leaves: bytes
    payload_offset: int
    payload_size: int
    payload_signature: bytes


def pinned(key: PublicKey) -> KeyResolver:
    def resolve(key_id: bytes) -> PublicKey:
        if not hmac.compare_digest(key_id, key.key_id):
            raise BundleRefused(
                f"the bundle is signed by key {key_id[::-1].hex().upper()}, not by the given device key {key.key_id_hex}"
            )
        return key

    return resolve


def _expect_member(members: Iterator[Member], name: str) -> int:
    member = next(members, None)
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
    if not bf.is_strict_signature(sig, comment):
        raise BundleRefused("a signature file in the bundle is not exactly four lines each ending in LF"
                            " (a CR, a missing final LF or anything after the fourth line)")


def verify_outer(path: Path, resolve_key: KeyResolver, *, check_payload: bool = True) -> OuterBundle:
    """Verify everything an auditor can verify without a decryption key; raise BundleRefused with the reason.

    With ``check_payload=False`` everything but the payload's signature over its bytes is checked (the payload is
    skipped, not hashed): the caller MUST then check it before trusting anything from it — with
    :func:`check_payload_signature`, or, as HQ import does, by reading the payload through
    :class:`intake_app.bundles.payload.SignedPayload` and calling its ``verify`` before committing anything.
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    with fh:
        try:
            return _verify_outer(path, fh, resolve_key, check_payload)
        except CryptoError as exc:
            raise BundleRefused(str(exc)) from None


def _payload_digest(fh: BinaryIO, size: int) -> bytes:
    prehasher = minisign.Blake2bPrehasher()
    while size > 0:
        chunk = fh.read(min(1 << 20, size))
        if not chunk:
            raise BundleRefused("the bundle is truncated")
        prehasher.update(chunk)
        size -= len(chunk)
    return prehasher.digest()


def check_payload_signature(outer: OuterBundle) -> None:
    """The payload's own signature, over its bytes (BLAKE2b-512 prehash, minisign ED)."""
    try:
        with outer.path.open("rb") as fh:
            fh.seek(outer.payload_offset)
            minisign.verify_digest(outer.key, _payload_digest(fh, outer.payload_size), outer.payload_signature)
    except CryptoError as exc:
        raise BundleRefused(str(exc)) from None
    except OSError as exc:
        raise BundleRefused(f"the bundle could not be read again: {exc.strerror}") from None


def _verify_outer(path: Path, fh: BinaryIO, resolve_key: KeyResolver, check_payload: bool) -> OuterBundle:
    reader = TarReader(fh, max_members=len(bf.OUTER_MEMBERS))
    members = reader.members()
    payload_size = _expect_member(members, "payload.age")
    payload_offset = fh.tell()
    digest = None
    if check_payload:
        digest = _payload_digest(fh, payload_size)
    else:
        if payload_offset + payload_size > path.stat().st_size:
            raise BundleRefused("the bundle is truncated")
        fh.seek(payload_size, 1)
    reader.skip_consumed(payload_size)
    _expect_member(members, "payload.age.minisig")
    payload_sig = reader.read_all(bf.MAX_SIGNATURE)
    _expect_untrusted_comment(payload_sig, bf.PAYLOAD_SIG_COMMENT)
    key = resolve_key(minisign.signature_key_id(payload_sig))
    if digest is not None:
        verified = minisign.verify_digest(key, digest, payload_sig)
    else:
        verified = minisign.verify_comment(key, payload_sig)
    comment = bf.OuterComment.parse(verified.trusted_comment)
    if comment.device != key.key_id_hex:
        raise BundleRefused("the bundle's signed comment names another device than the key that signed it")
    if comment.log_size > bf.MAX_LOG_LEAVES:  # the same limit with or without HQ's key (bundle-format.md §4)
        raise BundleRefused(f"the bundle's audit log has {comment.log_size} entries, more than the"
                            f" {bf.MAX_LOG_LEAVES} a device's log may hold")
    _expect_member(members, "checkpoint")
    cp_text = reader.read_all(bf.MAX_CHECKPOINT)
    _expect_member(members, "checkpoint.minisig")
    cp_sig = reader.read_all(bf.MAX_SIGNATURE)
    _expect_untrusted_comment(cp_sig, bf.CHECKPOINT_SIG_COMMENT)
    checkpoint = cp_mod.verify_checkpoint(key, cp_text, cp_sig)
    if checkpoint.size != comment.log_size or not hmac.compare_digest(checkpoint.root, comment.log_root):
        raise BundleRefused("the checkpoint does not match the log named in the payload signature "
                            "(parts of two different bundles were combined)")
    _expect_member(members, "leaves")
    leaves = reader.read_all(bf.MAX_LEAVES)
    cp_mod.verify_leaves(checkpoint, leaves)
    if next(members, None) is not None:
        raise BundleRefused("the bundle has members after the leaves")
    reader.finish(allow_trailing_zeros=False)
    return OuterBundle(path, comment, key, checkpoint, leaves, payload_offset, payload_size, payload_sig)
