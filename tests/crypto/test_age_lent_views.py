"""A source that lends its blocks as views (HQ's signed payload, intake_app/bundles/payload.py) lets the age reader
decrypt full chunks where they lie instead of copying them. The reader must come to exactly the same result as from
an ordinary file, byte for byte and error for error, for intact streams and for every framing attack: altered,
swapped, truncated, extended, and a full final chunk followed by more data."""

from __future__ import annotations

import io

import pytest

from crypto import age
from crypto.age_stream import CHUNK_SIZE, ENC_CHUNK_SIZE
from crypto.errors import CryptoError

IDENTITY = age.generate_x25519_identity()


class BlockSource:
    """Bytes served in fixed-size blocks, each lent through peek_view/consume or copied through readinto, the way
    SignedPayload serves the bundle file's blocks."""

    def __init__(self, data: bytes, block: int) -> None:
        self._data = memoryview(data)
        self._block_size = block
        self._pos = 0
        self._block = memoryview(b"")
        self.lent = 0  # views lent and consumed

    def _next_block(self) -> bool:
        if self._pos >= len(self._data):
            return False
        self._block = memoryview(bytearray(self._data[self._pos : self._pos + self._block_size]))
        self._pos += len(self._block)
        return True

    def readinto(self, buffer: memoryview) -> int:
        if not self._block and not self._next_block():
            return 0
        n = min(len(buffer), len(self._block))
        buffer[:n] = self._block[:n]
        self._block = self._block[n:]
        return n

    def read(self, size: int) -> bytes:
        buf = bytearray(size)
        n = self.readinto(memoryview(buf))
        return bytes(buf[:n])

    def peek_view(self, n: int) -> memoryview | None:
        if not self._block and not self._next_block():
            return None
        return self._block[:n] if len(self._block) >= n else None

    def consume(self, n: int) -> None:
        assert n <= len(self._block)
        self._block = self._block[n:]
        self.lent += 1


def _outcome(src: object, read_size: int) -> tuple[bytes, str | None]:
    released = bytearray()
    try:
        with age.open_decrypt(src, [IDENTITY], armor=False) as reader:  # type: ignore[arg-type]
            buf = bytearray(read_size)
            while n := reader.readinto(buf):
                released += buf[:n]
    except CryptoError as exc:
        return bytes(released), f"{type(exc).__name__}: {exc}"
    return bytes(released), None


def _cases() -> dict[str, bytes]:
    plain = bytes(range(256)) * (CHUNK_SIZE * 5 // 256) + b"tail"
    exact = bytes(range(256)) * (CHUNK_SIZE * 3 // 256)  # the final chunk is full
    good = age.encrypt_bytes(plain, [IDENTITY.recipient])
    full_last = age.encrypt_bytes(exact, [IDENTITY.recipient])
    start = len(good) - (5 * ENC_CHUNK_SIZE + 4 + 16)  # where the payload's chunks begin
    start_exact = len(full_last) - 3 * ENC_CHUNK_SIZE

    def chunk(data: bytes, first: int, i: int) -> bytes:
        return data[first + i * ENC_CHUNK_SIZE : first + (i + 1) * ENC_CHUNK_SIZE]

    flipped = bytearray(good)
    flipped[start + 2 * ENC_CHUNK_SIZE + 5] ^= 0x40
    swapped = good[:start] + chunk(good, start, 1) + chunk(good, start, 0) + good[start + 2 * ENC_CHUNK_SIZE :]
    return {
        "intact": good,
        "final chunk full": full_last,
        "bit flipped in chunk 2": bytes(flipped),
        "chunks 0 and 1 swapped": swapped,
        "cut after chunk 2 (a non-final chunk at the end)": good[: start + 3 * ENC_CHUNK_SIZE],
        "cut inside chunk 3": good[: start + 3 * ENC_CHUNK_SIZE + 100],
        "data after a full final chunk": full_last + b"\x00" * 40,
        "a whole chunk after a full final chunk": full_last + chunk(full_last, start_exact, 0),
        "data after the final chunk": good + b"x",
    }


@pytest.mark.parametrize("block", [1 << 20, ENC_CHUNK_SIZE + 1, ENC_CHUNK_SIZE, 2 * ENC_CHUNK_SIZE + 1, 70_000])
@pytest.mark.parametrize("read_size", [1 << 20, 10_007])
@pytest.mark.parametrize("case", list(_cases()))
def test_lent_views_give_what_a_file_gives(case: str, block: int, read_size: int) -> None:
    data = _cases()[case]
    expected = _outcome(io.BytesIO(data), read_size)
    source = BlockSource(data, block)
    assert _outcome(source, read_size) == expected
    if block == 1 << 20 and case == "intact":
        assert source.lent >= 3  # the lending path really ran (not only the copying one)
    if case == "intact":
        assert expected[1] is None
    elif case != "final chunk full":
        assert expected[1] is not None
