"""The chunked attachment format: round trips, random access, and every kind of tampering refused."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given, settings
from hypothesis import strategies as st

import crypto.blob_cipher as bc
from crypto.blob_cipher import HEADER_LEN, TAG_LEN, BlobReader, BlobWriter
from crypto.errors import AuthenticationError, CryptoError, MalformedError, UnsupportedError

KEY = bytes(range(32))
BLOB_ID = b"0123456789abcdef0123456789abcdef"
SMALL_LOG2 = 8  # 256-byte chunks keep the exhaustive tamper tests small
SMALL = 1 << SMALL_LOG2
CHUNK = 1 << bc.DEFAULT_CHUNK_LOG2
REFUSED = (AuthenticationError, MalformedError, UnsupportedError)


class _Stream(io.BytesIO):
    """A pipe-like source: no seeking, so the reader has to work in order."""

    def seekable(self) -> bool:
        return False


def _seal(plaintext: bytes, *, key: bytes = KEY, blob_id: bytes = BLOB_ID, chunk_log2: int = SMALL_LOG2,
          write_size: int | None = None) -> bytes:
    out = io.BytesIO()
    with BlobWriter(out, key, blob_id, chunk_log2=chunk_log2) as writer:
        step = write_size or max(1, len(plaintext))
        for i in range(0, len(plaintext), step):
            writer.write(plaintext[i : i + step])
    return out.getvalue()


def _open_all(blob: bytes, *, seekable: bool, key: bytes = KEY, blob_id: bytes = BLOB_ID) -> bytes:
    src = io.BytesIO(blob) if seekable else _Stream(blob)
    with BlobReader(src, key, blob_id) as reader:
        return reader.read()


def _chunks(blob: bytes, chunk_log2: int = SMALL_LOG2) -> list[bytes]:
    stride = (1 << chunk_log2) + TAG_LEN
    body = blob[HEADER_LEN:]
    return [body[i : i + stride] for i in range(0, len(body), stride)]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
@pytest.mark.parametrize("seekable", [True, False])
def test_round_trip_at_chunk_boundaries(size: int, seekable: bool) -> None:
    plaintext = os.urandom(size)
    blob = _seal(plaintext, chunk_log2=bc.DEFAULT_CHUNK_LOG2)
    chunks = max(1, -(-size // CHUNK))
    assert len(blob) == HEADER_LEN + size + chunks * TAG_LEN  # canonical: no empty final chunk unless empty
    assert _open_all(blob, seekable=seekable) == plaintext
    reader = BlobReader(io.BytesIO(blob) if seekable else _Stream(blob), KEY, BLOB_ID)
    assert reader.size == (size if seekable else None)


@pytest.mark.parametrize("write_size", [1, 7, SMALL - 1, SMALL, SMALL + 1, 5 * SMALL])
def test_output_does_not_depend_on_how_writes_are_split(write_size: int) -> None:
    plaintext = os.urandom(5 * SMALL)
    blob = _seal(plaintext, write_size=write_size)
    assert len(blob) == HEADER_LEN + len(plaintext) + 5 * TAG_LEN
    assert _open_all(blob, seekable=True) == plaintext
    assert _open_all(blob, seekable=False) == plaintext


def test_ciphertext_is_fresh_each_time_and_hides_plaintext() -> None:
    plaintext = b"\x00" * (4 * SMALL)
    first, second = _seal(plaintext), _seal(plaintext)
    assert first[HEADER_LEN:] != second[HEADER_LEN:]  # random salt: new subkeys, even under the same key
    assert b"\x00" * 32 not in first[HEADER_LEN:]


def test_header_layout_is_as_documented() -> None:
    blob = _seal(b"abc")
    magic, version, log2, salt = struct.unpack_from(">8sBB32s", blob)
    assert (magic, version, log2) == (b"\x89TIblob\n", 1, SMALL_LOG2)
    assert len(blob) == 74 + 3 + 16
    # A second implementation needs only HKDF, HMAC and ChaCha20-Poly1305 to read it: check that recipe here.
    info = b"testimony-intake blob v1\x00" + blob[:10] + len(BLOB_ID).to_bytes(2, "big") + BLOB_ID
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=info).derive(KEY)
    assert hmac.compare_digest(hmac.digest(okm[32:], blob[:42], hashlib.sha256), blob[42:74])
    nonce = (0).to_bytes(11, "big") + b"\x01"
    assert ChaCha20Poly1305(okm[:32]).decrypt(nonce, blob[74:], None) == b"abc"


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(min_value=0, max_value=6 * SMALL),
    ops=st.lists(
        st.tuples(st.integers(min_value=-8 * SMALL, max_value=8 * SMALL), st.sampled_from([0, 1, 2]),
                  st.integers(min_value=-1, max_value=3 * SMALL), st.booleans()),
        max_size=12,
    ),
)
def test_seek_and_read_match_the_plaintext(size: int, ops: list[tuple[int, int, int, bool]]) -> None:
    plaintext = os.urandom(size)
    model = io.BytesIO(plaintext)
    reader = BlobReader(io.BytesIO(_seal(plaintext)), KEY, BLOB_ID)
    assert reader.size == size
    for offset, whence, n, use_readinto in ops:
        expected_pos = offset + (0, model.tell(), size)[whence]
        if expected_pos < 0:  # as for a real file, not BytesIO (which clamps relative seeks at 0)
            with pytest.raises(ValueError, match="negative"):
                reader.seek(offset, whence)
            continue
        model.seek(expected_pos)
        assert reader.seek(offset, whence) == expected_pos
        if use_readinto and n >= 0:
            buf = bytearray(n)
            got = reader.readinto(buf)
            assert bytes(buf[:got]) == model.read(n)
        else:
            assert reader.read(n) == model.read(n)
        assert reader.tell() == model.tell()


def test_large_readinto_spanning_chunks_decrypts_in_place() -> None:
    plaintext = os.urandom(4 * CHUNK + 5)
    reader = BlobReader(io.BytesIO(_seal(plaintext, chunk_log2=bc.DEFAULT_CHUNK_LOG2)), KEY, BLOB_ID)
    reader.seek(CHUNK - 3)
    buf = bytearray(3 * CHUNK)
    assert reader.readinto(buf) == len(buf)
    assert bytes(buf) == plaintext[CHUNK - 3 : 4 * CHUNK - 3]
    assert reader.read() == plaintext[4 * CHUNK - 3 :]


def test_works_without_encrypt_into(monkeypatch: pytest.MonkeyPatch) -> None:
    """cryptography before 47 has no encrypt_into/decrypt_into; the fallback must produce the same format."""
    plaintext = os.urandom(3 * SMALL + 9)
    blob_new = _seal(plaintext)
    monkeypatch.setattr(bc, "_HAS_INTO", False)
    blob_old = _seal(plaintext)
    for blob in (blob_new, blob_old):
        assert _open_all(blob, seekable=True) == plaintext
        assert _open_all(blob, seekable=False) == plaintext
    tampered = bytearray(blob_new)
    tampered[-1] ^= 1
    with pytest.raises(AuthenticationError):
        _open_all(bytes(tampered), seekable=True)


# -- tampering ------------------------------------------------------------------------------------------------------

_PLAIN = bytes(range(256)) * 2 + b"tail bytes"  # three chunks of 256: full, full, partial
_BLOB = _seal(_PLAIN)


def _assert_refused(blob: bytes) -> None:
    for seekable in (True, False):
        with pytest.raises(REFUSED):
            _open_all(blob, seekable=seekable)


def test_every_single_byte_flip_is_refused() -> None:
    for i in range(len(_BLOB)):
        for mask in (0x01, 0x80):
            tampered = bytearray(_BLOB)
            tampered[i] ^= mask
            _assert_refused(bytes(tampered))


def test_every_truncation_is_refused() -> None:
    for length in range(len(_BLOB)):
        _assert_refused(_BLOB[:length])


def test_truncation_at_a_chunk_boundary_is_refused_for_full_final_chunk() -> None:
    plaintext = os.urandom(3 * SMALL)  # the final chunk is full, so dropping it leaves valid-looking chunks
    blob = _seal(plaintext)
    _assert_refused(blob[: HEADER_LEN + 2 * (SMALL + TAG_LEN)])


def test_extension_is_refused() -> None:
    chunks = _chunks(_BLOB)
    for extra in (b"\x00", os.urandom(TAG_LEN), chunks[-1], chunks[0]):
        _assert_refused(_BLOB + extra)


def test_reordered_duplicated_and_dropped_chunks_are_refused() -> None:
    header = _BLOB[:HEADER_LEN]
    c0, c1, c2 = _chunks(_BLOB)
    for body in ([c1, c0, c2], [c0, c0, c2], [c0, c1, c1, c2], [c0, c2], [c1, c2], [c0, c1, c2, c2]):
        _assert_refused(header + b"".join(body))


def test_chunks_from_another_blob_are_refused_even_under_the_same_key_and_id() -> None:
    other = _seal(_PLAIN)
    mine, theirs = _chunks(_BLOB), _chunks(other)
    for i in range(3):
        mixed = list(mine)
        mixed[i] = theirs[i]
        _assert_refused(_BLOB[:HEADER_LEN] + b"".join(mixed))
    _assert_refused(other[:HEADER_LEN] + b"".join(mine))


def test_wrong_key_or_wrong_blob_id_is_an_authentication_error() -> None:
    with pytest.raises(AuthenticationError, match="wrong key"):
        BlobReader(io.BytesIO(_BLOB), bytes(32), BLOB_ID)
    with pytest.raises(AuthenticationError):
        BlobReader(io.BytesIO(_BLOB), KEY, b"another blob")
    with pytest.raises(AuthenticationError):
        BlobReader(_Stream(_BLOB), KEY, BLOB_ID[:-1] + b"X")


def test_hostile_headers_are_refused_before_any_large_allocation() -> None:
    fields = bytearray(_BLOB[:HEADER_LEN])
    for log2 in (0, 7, 21, 63, 255):
        fields[9] = log2
        with pytest.raises(MalformedError, match="chunk size"):
            BlobReader(io.BytesIO(bytes(fields) + _BLOB[HEADER_LEN:]), KEY, BLOB_ID)
    with pytest.raises(UnsupportedError):
        BlobReader(io.BytesIO(_BLOB[:8] + b"\x02" + _BLOB[9:]), KEY, BLOB_ID)
    with pytest.raises(MalformedError, match="not an encrypted attachment"):
        BlobReader(io.BytesIO(b"%PDF-1.7\n" + bytes(100)), KEY, BLOB_ID)


def test_no_bytes_of_a_bad_chunk_are_returned() -> None:
    tampered = bytearray(_BLOB)
    tampered[HEADER_LEN + SMALL + TAG_LEN + 5] ^= 1  # inside chunk 1
    reader = BlobReader(io.BytesIO(bytes(tampered)), KEY, BLOB_ID)
    assert reader.read(SMALL) == _PLAIN[:SMALL]
    buf = bytearray(b"\xee" * SMALL)
    with pytest.raises(AuthenticationError):
        reader.readinto(buf)
    assert buf == bytearray(b"\xee" * SMALL) or buf == bytearray(SMALL)  # untouched, or zeroed: never plaintext
    reader.seek(2 * SMALL)
    assert reader.read() == _PLAIN[2 * SMALL :]  # the other chunks stay readable
    stream = BlobReader(_Stream(bytes(tampered)), KEY, BLOB_ID)
    assert stream.read(SMALL) == _PLAIN[:SMALL]
    with pytest.raises(AuthenticationError):
        stream.read(1)
    with pytest.raises(AuthenticationError):  # a failed stream stays failed
        stream.read(1)
    cut = BlobReader(_Stream(_BLOB[: HEADER_LEN + SMALL + TAG_LEN]), KEY, BLOB_ID)
    assert cut.read(SMALL) == _PLAIN[:SMALL]
    for _ in range(2):
        with pytest.raises(MalformedError, match="truncated"):
            cut.read(1)


def test_abandoned_writer_leaves_an_unreadable_blob() -> None:
    out = io.BytesIO()
    with pytest.raises(RuntimeError), BlobWriter(out, KEY, BLOB_ID, chunk_log2=SMALL_LOG2) as writer:
        writer.write(os.urandom(3 * SMALL))
        raise RuntimeError("source failed")
    assert len(out.getvalue()) > HEADER_LEN
    _assert_refused(out.getvalue())


def test_bad_arguments() -> None:
    with pytest.raises(MalformedError):
        BlobWriter(io.BytesIO(), b"short", BLOB_ID)
    with pytest.raises(MalformedError):
        BlobWriter(io.BytesIO(), KEY, b"")
    writer = BlobWriter(io.BytesIO(), KEY, BLOB_ID)
    writer.close()
    with pytest.raises(ValueError, match="closed"):
        writer.write(b"x")
    reader = BlobReader(io.BytesIO(_BLOB), KEY, BLOB_ID)
    reader.close()
    with pytest.raises(ValueError, match="closed"):
        reader.read(1)
    with pytest.raises(io.UnsupportedOperation):
        BlobReader(_Stream(_BLOB), KEY, BLOB_ID).seek(0)


def test_errors_are_crypto_errors_without_content() -> None:
    tampered = bytearray(_BLOB)
    tampered[-3] ^= 1
    with pytest.raises(CryptoError) as info:
        _open_all(bytes(tampered), seekable=True)
    assert "tail" not in str(info.value)


# -- the test vectors printed in docs/formats/blob-format.md ------------------------------------------------------

_VECTOR_SALT = bytes(range(0xA0, 0xC0))
VECTORS = [
    (
        16,
        b"hello, blob",
        "895449626c6f620a0110a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf5fd45f9e4cd5b24dff77ce517c9f"
        "2d947d1473376105dc829daa6d62e244f433e8e1dc4855ed28a22d7983bd8ff53d3af46316b991dd82e9216872",
    ),
    (
        8,
        bytes(range(256)) + b"end!",
        "895449626c6f620a0108a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfe02210b7399b76fe6dd2ff292c"
        "ea4dac9c8627f96a37e5abd43ee043d91d10ac6f68289730d7893fa5aca615171f787d68f6a7ab6c5c2b787c672068127d12757b59aee4"
        "57bd5adbab567dd5c2156db521baf52f281afa680c8316601d0e00e9c29e2c04115256f3f1920b69a3e601770966d458e13d3242ec2f2c"
        "de3a3872ecf972eb7563ee4fad7dc9ee1b0d72893d7a5f72430463bad93f980aa19a11bb7ac0c4df02506b17ef956eb59f261ac9aaa0ec"
        "25a761bf405e620f9435be2d9e12dc00028f8a28d84d1bc567989e294eb3540020adbeb6a32a8ab9f6ddb9352ad4bc209540b6c58ce82c"
        "85e01005c2cf5c7a54bdfd67221cc00df1ed7493afcac5f71ce5a5da0c55e8f3e9d84430490179319e6de6051f84f8495c58958591d8c6"
        "5a085e3dc364d16ce576423c7784771bb709fcc28ac3329284863b4174021e2c483c197a",
    ),
]


@pytest.mark.parametrize(("chunk_log2", "plaintext", "blob_hex"), VECTORS)
def test_documented_vectors(
    chunk_log2: int, plaintext: bytes, blob_hex: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    blob = bytes.fromhex(blob_hex)
    assert _open_all(blob, seekable=True) == plaintext
    assert _open_all(blob, seekable=False) == plaintext
    monkeypatch.setattr(bc.os, "urandom", lambda n: _VECTOR_SALT[:n])
    assert _seal(plaintext, chunk_log2=chunk_log2) == blob


def test_writer_is_unusable_after_an_output_error() -> None:
    class _FullDisk(io.BytesIO):
        def write(self, data: object) -> int:
            if self.tell() >= HEADER_LEN + SMALL + TAG_LEN:
                raise OSError(28, "No space left on device")
            return super().write(data)  # type: ignore[arg-type]

    out = _FullDisk()
    writer = BlobWriter(out, KEY, BLOB_ID, chunk_log2=SMALL_LOG2)
    writer.write(os.urandom(2 * SMALL))  # the first chunk is written, the second held back
    assert len(out.getvalue()) == HEADER_LEN + SMALL + TAG_LEN
    with pytest.raises(OSError, match="No space"):
        writer.write(os.urandom(4 * SMALL))
    writer.close()  # must not seal a final chunk over the lost ones
    with pytest.raises(ValueError, match="closed"):
        writer.write(b"more")
    _assert_refused(out.getvalue())


def test_writer_gathers_sealed_chunks_into_few_writes() -> None:
    """64 KiB chunks are written about 1 MiB at a time (one system call per 16 chunks, not per chunk), and what a
    write() call sealed is on the destination when it returns; the blob is the same format either way."""
    sizes: list[int] = []

    class _Counting(io.BytesIO):
        def write(self, data: object) -> int:
            sizes.append(len(memoryview(data)))  # type: ignore[arg-type]
            return super().write(data)  # type: ignore[arg-type]

    out = _Counting()
    plaintext = os.urandom(40 * 65536 + 5)
    writer = BlobWriter(out, KEY, BLOB_ID)
    writer.write(plaintext[: 3 * 65536])
    assert len(out.getvalue()) == HEADER_LEN + 2 * (65536 + TAG_LEN)  # the third chunk may still be the last
    writer.write(plaintext[3 * 65536 :])
    writer.close()
    assert sizes[0] == HEADER_LEN
    assert max(sizes) == 16 * (65536 + TAG_LEN)
    assert len(sizes) <= 6
    with BlobReader(io.BytesIO(out.getvalue()), KEY, BLOB_ID) as reader:
        assert reader.read() == plaintext
