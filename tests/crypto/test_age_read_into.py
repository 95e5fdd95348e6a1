"""Reading an age payload straight into the caller's buffer (no copy) keeps the reader's guarantees: the bytes equal
the plaintext however the reads fall across chunks, a chunk that fails to authenticate leaves nothing of itself in
the caller's buffer, and the caller's buffer is not held after the read returns."""

from __future__ import annotations

import io
import os

import pytest

from crypto import age
from crypto.age_stream import CHUNK_SIZE, ENC_CHUNK_SIZE, AgePayloadError

IDENTITY = age.generate_x25519_identity()
PLAIN = os.urandom(5 * CHUNK_SIZE + 1234)


def _sealed() -> bytes:
    return age.encrypt_bytes(PLAIN, [IDENTITY.recipient])


def _payload_start(sealed: bytes) -> int:
    # header ends with the MAC line ("--- " ... "\n"), then the 16-byte payload nonce
    return sealed.index(b"\n", sealed.index(b"\n---") + 1) + 1 + 16


@pytest.mark.parametrize("sizes", [[1 << 20], [100, 1 << 20], [CHUNK_SIZE], [CHUNK_SIZE - 1, CHUNK_SIZE + 7, 3],
                                   [7, 2 * CHUNK_SIZE + 5, 1 << 20]])
def test_reads_of_any_size_give_the_plaintext(sizes: list[int]) -> None:
    got = bytearray()
    with age.open_decrypt(io.BytesIO(_sealed()), [IDENTITY]) as reader:
        k = 0
        while True:
            buf = bytearray(sizes[min(k, len(sizes) - 1)])
            n = reader.readinto(buf)
            if not n:
                break
            got += buf[:n]
            buf.extend(b"x")  # the reader holds no view of the buffer after returning (else: BufferError)
            k += 1
    assert bytes(got) == PLAIN


def test_a_bad_chunk_leaves_no_unverified_plaintext_in_the_callers_buffer() -> None:
    sealed = bytearray(_sealed())
    bad = 2  # chunks 0 and 1 verify, chunk 2 does not
    sealed[_payload_start(bytes(sealed)) + bad * ENC_CHUNK_SIZE + 100] ^= 1
    with age.open_decrypt(io.BytesIO(bytes(sealed)), [IDENTITY]) as reader:
        buf = bytearray(b"\xaa" * (1 << 20))
        n = reader.readinto(buf)
        assert n == bad * CHUNK_SIZE  # the verified chunks are delivered, the failure surfaces next call
        assert buf[:n] == PLAIN[:n]
        # Chunk 2 was decrypted into buf[n:n + CHUNK_SIZE] and failed its tag: none of its bytes may remain.
        assert buf[n : n + CHUNK_SIZE] == bytes(CHUNK_SIZE)
        with pytest.raises(AgePayloadError, match="chunk 2"):
            reader.readinto(buf)
