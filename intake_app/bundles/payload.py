"""HQ's one pass over a bundle's payload: read once, hashed for its signature and decrypted from the same bytes.

The payload member (``payload.age``) is signed by the device over its BLAKE2b-512 prehash (minisign ED,
docs/bundle-format.md §5). :class:`SignedPayload` reads it from the bundle file in 1 MiB blocks; each block is fed to
the prehash and handed to the reader that consumes the payload (the age decryption). The bytes decrypted are exactly
the bytes whose signature is checked, even if the file changes while it is read, and the file is read once.
:meth:`SignedPayload.verify` checks the signature after the consumer has read the payload to its end; nothing read
through it may be trusted (committed) before that returns.

The prehash runs beside the decryption on a helper thread where the process may use a second core
(:class:`crypto.background_hash.BackgroundHasher`: the blocks are shared, not copied). Every read error is a
:class:`BundleRefused`.
"""

from __future__ import annotations

import hashlib

from crypto import minisign
from crypto.background_hash import BackgroundHasher
from crypto.errors import CryptoError
from intake_app.bundles.verify import BundleRefused, OuterBundle


class SignedPayload:
    """The payload's bytes for one consumer (``readinto``/``read``), each hashed exactly once; ``verify`` at the end."""

    def __init__(self, outer: OuterBundle, *, threaded: bool | None = None) -> None:
        try:
            self._file = outer.path.open("rb", buffering=0)
            self._file.seek(outer.payload_offset)
        except OSError as exc:
            raise BundleRefused(f"the bundle could not be read again: {exc.strerror}") from None
        self._outer = outer
        self.left = outer.payload_size  # bytes of the payload not yet read from the file
        # minisign's ED prehash, BLAKE2b-512 (the same hash as minisign.Blake2bPrehasher; hashlib's releases the GIL).
        self._prehash = hashlib.blake2b(digest_size=minisign.PREHASH_LEN)
        self._hashing = BackgroundHasher(self._prehash, threaded=threaded)
        self._block = memoryview(b"")  # the current block's bytes not yet handed to the consumer

    def _next_block(self) -> bool:
        if self.left <= 0:
            return False
        buffer = self._hashing.buffer()
        try:
            n = self._file.readinto(buffer[: min(len(buffer), self.left)])
        except OSError as exc:
            raise BundleRefused(f"the bundle could not be read again: {exc.strerror}") from None
        if not n:  # the file shrank since it was verified
            raise BundleRefused("the bundle is truncated")
        self.left -= n
        self._hashing.submit(buffer, n)
        self._block = buffer[:n]
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        """Copy up to ``len(buffer)`` bytes of the payload into ``buffer``; 0 at the payload's end."""
        if not self._block and not self._next_block():
            return 0
        with memoryview(buffer) as raw, raw.cast("B") as out:
            n = min(len(out), len(self._block))
            out[:n] = self._block[:n]
        self._block = self._block[n:]
        return n

    def peek_view(self, n: int) -> memoryview | None:
        """The next ``n`` bytes of the payload as a view of the current block (already handed to the hash), not
        consumed; None at the payload's end or when fewer than ``n`` bytes are left in the block (then read them)."""
        if not self._block and not self._next_block():
            return None
        return self._block[:n] if len(self._block) >= n else None

    def consume(self, n: int) -> None:
        """Skip ``n`` bytes seen through :meth:`peek_view` (they were hashed when their block was read)."""
        if n > len(self._block):
            raise ValueError("consumed past the current block")
        self._block = self._block[n:]

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (to the end of the current block if negative)."""
        if not self._block and not self._next_block():
            return b""
        n = len(self._block) if size is None or size < 0 else min(size, len(self._block))
        data = bytes(self._block[:n])
        self._block = self._block[n:]
        return data

    def verify(self) -> None:
        """Check the payload's signature over every byte of it; raise BundleRefused if it does not hold. The consumer
        must have read the payload to its end (an age stream read to its authenticated end has)."""
        if self.left or self._block:
            raise BundleRefused("the payload was not read to its end")
        self._hashing.finish()
        try:
            minisign.verify_digest(self._outer.key, self._prehash.digest(), self._outer.payload_signature)
        except CryptoError as exc:
            raise BundleRefused(str(exc)) from None

    def close(self) -> None:
        """Stop the hashing helper and close the file (idempotent)."""
        self._block = memoryview(b"")
        self._hashing.close()
        self._file.close()

    def __enter__(self) -> SignedPayload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
