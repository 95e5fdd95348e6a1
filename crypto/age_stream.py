"""age's STREAM payload encryption: 64 KiB ChaCha20-Poly1305 chunks with a counter nonce and a last-chunk flag.

The payload key is HKDF-SHA256(ikm = file key, salt = 16-byte nonce, info = "payload"). Chunk ``i`` is sealed under
the 12-byte nonce ``i`` (11 bytes, big endian) || flag, where the flag byte is 1 on the final chunk only. Every chunk
but the last is exactly 64 KiB of plaintext; the last may be shorter or full, and is empty only when the whole
payload is.

Memory is constant: one chunk-sized plaintext buffer and one ciphertext buffer per stream. The reader releases a
chunk's plaintext only after its tag has verified, so a caller never sees a byte that was not authenticated; a chunk
that fails is wiped from the internal buffer and the stream refuses any further reads.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.age_header import ByteSource
from crypto.errors import AuthenticationError, CryptoError

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
PAYLOAD_NONCE_SIZE = 16
_MAX_CHUNKS = 1 << 64  # the 11-byte counter could go further; no file reaches this (it is 2^80 bytes)
# 3 zero bytes + 8-byte counter = the 11-byte big-endian counter, then the last-chunk flag.
_NONCE = struct.Struct(">3xQB")


class AgePayloadError(AuthenticationError):
    """The encrypted payload failed to authenticate: altered, truncated, reordered or with trailing data."""


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    """HKDF-SHA256(ikm = file key, salt = payload nonce, info = "payload")."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=b"payload").derive(file_key)


class StreamEncryptor:
    """Seals a plaintext stream chunk by chunk and writes the ciphertext to ``dst``.

    A full chunk is held back until more data arrives, because only then is it known not to be the last one.
    """

    def __init__(self, dst: BinaryIO, key: bytes) -> None:
        self._dst = dst
        self._aead = ChaCha20Poly1305(key)
        self._encrypt_into: Callable[..., int] | None = getattr(self._aead, "encrypt_into", None)
        self._buf = bytearray(CHUNK_SIZE)
        self._buf_view = memoryview(self._buf)
        self._fill = 0
        self._out = bytearray(ENC_CHUNK_SIZE)
        self._out_view = memoryview(self._out)
        self._counter = 0

    def _seal(self, chunk: memoryview, last: bool) -> None:
        if self._counter >= _MAX_CHUNKS:
            raise CryptoError("age payload is too large")
        nonce = _NONCE.pack(self._counter, last)
        self._counter += 1
        if self._encrypt_into is not None:
            out = self._out_view[: len(chunk) + TAG_SIZE]
            self._encrypt_into(nonce, chunk, None, out)
            write_all(self._dst, out)
        else:
            write_all(self._dst, memoryview(self._aead.encrypt(nonce, chunk, None)))

    def write(self, data: memoryview) -> None:
        """Encrypt and write every full chunk that is known not to be the last."""
        pos = 0
        size = len(data)
        while pos < size:
            if self._fill == CHUNK_SIZE:
                self._seal(self._buf_view, last=False)
                self._fill = 0
            if self._fill == 0 and size - pos > CHUNK_SIZE:
                # Seal straight from the caller's buffer: no copy when whole chunks are written.
                self._seal(data[pos : pos + CHUNK_SIZE], last=False)
                pos += CHUNK_SIZE
                continue
            take = min(CHUNK_SIZE - self._fill, size - pos)
            self._buf_view[self._fill : self._fill + take] = data[pos : pos + take]
            self._fill += take
            pos += take

    def finish(self) -> None:
        """Seal what is buffered as the last chunk (empty only if nothing was ever written)."""
        self._seal(self._buf_view[: self._fill], last=True)
        self._fill = 0

    def wipe(self) -> None:
        """Clear the plaintext buffer (best effort: Python may hold other copies)."""
        self._buf_view[:] = bytes(CHUNK_SIZE)
        self._fill = 0


def write_all(dst: BinaryIO, data: memoryview) -> None:
    """Write all of ``data`` to ``dst``, even if it is a raw file that accepts less per call."""
    written = 0
    while written < len(data):
        n = dst.write(data[written:])
        # Raw (unbuffered) files may write less than asked and report how much; buffered ones write all.
        written += len(data) - written if n is None else n


class StreamDecryptor:
    """Opens a STREAM payload chunk by chunk from ``source``; each plaintext chunk is returned only once verified."""

    def __init__(self, source: ByteSource, key: bytes) -> None:
        self._source = source
        self._aead = ChaCha20Poly1305(key)
        self._decrypt_into: Callable[..., int] | None = getattr(self._aead, "decrypt_into", None)
        # One byte more than a chunk, to learn whether another chunk follows without a separate peek.
        self._in = bytearray(ENC_CHUNK_SIZE + 1)
        self._in_view = memoryview(self._in)
        self._carry = 0
        # Whether the source lends its bytes as views (then full chunks are decrypted where they lie, see
        # ByteSource.peek_view) or every chunk is copied into self._in.
        self._lending = source.lends_views
        self._plain = bytearray(CHUNK_SIZE)
        self._plain_view = memoryview(self._plain)
        self._counter = 0
        self._deferred: AgePayloadError | None = None
        self.done = False

    def _open(self, sealed: memoryview, last: bool, into: memoryview | None) -> memoryview | None:
        nonce = _NONCE.pack(self._counter, last)
        size = len(sealed) - TAG_SIZE
        target = self._plain_view if into is None else into
        try:
            if self._decrypt_into is not None:
                out = target[:size]
                self._decrypt_into(nonce, sealed, None, out)
                return out
            plain = self._aead.decrypt(nonce, sealed, None)
            if into is None:
                return memoryview(plain)
            target[:size] = plain
            return target[:size]
        except InvalidTag:
            # The backend may have written unverified plaintext into the buffer before checking the tag.
            target[:size] = bytes(size)
            return None

    def next_chunk(self, into: memoryview | None = None) -> memoryview:
        """Return the next verified plaintext chunk (a view valid until the next call); empty at the verified end.

        With ``into`` (a writable byte view of at least :data:`CHUNK_SIZE` bytes) the chunk is decrypted straight
        into it, saving a copy, and the view returned is a slice of it. If the chunk fails to authenticate, what the
        backend wrote there is zeroed before the error is raised.

        A chunk that verifies is returned even when the stream turns out bad right after it (data after a final
        chunk, or a non-final chunk at end of input); the error is raised by the next call, before any end-of-stream
        signal, so a caller can never mistake a damaged file for a complete one.
        """
        self._check_can_go_on(into)
        if self.done:
            return self._plain_view[:0]
        if self._lending and (ahead := self._source.peek_view(ENC_CHUNK_SIZE + 1)) is not None:
            # A whole chunk and at least one byte after it, lent by the source: decrypted where it lies (no copy).
            return self._next_full_chunk(ahead[:ENC_CHUNK_SIZE], into)
        sealed, at_end = self._read_sealed()
        plain = self._open(sealed, at_end, into)
        if plain is None:
            # A full chunk may still be authentic with the other flag: then the damage is in the framing, not here.
            # (A short chunk can only ever be a final one, so it gets no second try.)
            if len(sealed) == ENC_CHUNK_SIZE:
                plain = self._open(sealed, not at_end, into)
            if plain is None:
                raise AgePayloadError(f"age payload chunk {self._counter} failed to authenticate (altered)")
            self._deferred = AgePayloadError(
                "the age file is truncated: its final chunk is missing"
                if at_end
                else "the age file has data after its final chunk"
            )
        elif at_end:
            if len(plain) == 0 and self._counter > 0:
                raise AgePayloadError("the age file ends in an empty chunk, which the format forbids")
            self.done = True
        elif not self._lending:
            # Keep the look-ahead byte as the first byte of the next chunk.
            self._in[0] = self._in[ENC_CHUNK_SIZE]
            self._carry = 1
        self._counter += 1
        return plain

    def _read_sealed(self) -> tuple[memoryview, bool]:
        """Copy the next sealed chunk into the input buffer; return it and whether it is the input's last."""
        if self._lending:
            # A source that lends views tells whether more follows without our consuming a look-ahead byte.
            n = self._source.fill(self._in_view[:ENC_CHUNK_SIZE])
            at_end = n < ENC_CHUNK_SIZE or self._source.at_end()
        else:
            n = self._carry + self._source.fill(self._in_view[self._carry :])
            self._carry = 0
            at_end = n <= ENC_CHUNK_SIZE
        if n < TAG_SIZE:
            if n == 0 and self._counter > 0:
                raise AgePayloadError("the age file is truncated: its final chunk is missing")
            raise AgePayloadError("the age file is truncated in the middle of a chunk")
        return self._in_view[: min(n, ENC_CHUNK_SIZE)], at_end

    def _check_can_go_on(self, into: memoryview | None) -> None:
        if into is not None and len(into) < CHUNK_SIZE:
            raise ValueError("a buffer to decrypt into holds a whole chunk")
        if self._deferred is not None:
            raise self._deferred
        if self._counter >= _MAX_CHUNKS:
            raise AgePayloadError("age payload is too large")

    def _next_full_chunk(self, sealed: memoryview, into: memoryview | None) -> memoryview:
        """A full chunk known to be followed by more data: the same checks as in :meth:`next_chunk`."""
        plain = self._open(sealed, False, into)
        if plain is None:
            plain = self._open(sealed, True, into)
            if plain is None:
                raise AgePayloadError(f"age payload chunk {self._counter} failed to authenticate (altered)")
            self._deferred = AgePayloadError("the age file has data after its final chunk")
        self._source.consume(ENC_CHUNK_SIZE)
        self._counter += 1
        return plain
