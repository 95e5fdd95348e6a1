"""BackgroundHasher: the same digest as hashing on one thread, a buffer never refilled before it is hashed, errors
handed back, buffers wiped; threaded and inline."""

from __future__ import annotations

import hashlib
import os
import threading
import time

import pytest

from crypto import background_hash
from crypto.background_hash import BackgroundHasher


class _SlowHash:
    """A hashlib wrapper that takes its time, so that a buffer handed back too early would be refilled first."""

    def __init__(self, delay: float) -> None:
        self.inner = hashlib.sha256()
        self.delay = delay
        self.threads: set[int] = set()

    def update(self, data: memoryview) -> None:
        self.threads.add(threading.get_ident())
        time.sleep(self.delay)
        self.inner.update(data)


def _stream(hasher: BackgroundHasher, data: bytes, step: int) -> None:
    pos = 0
    while pos < len(data):
        buf = hasher.buffer()
        n = min(step, len(buf), len(data) - pos)
        buf[:n] = data[pos : pos + n]
        hasher.submit(buf, n)
        pos += n
    hasher.finish()


@pytest.mark.parametrize("threaded", [True, False])
@pytest.mark.parametrize("step", [1, 1000, 4096, 5000])
def test_digest_is_the_one_pass_digest(threaded: bool, step: int) -> None:
    data = os.urandom(50_000)
    h = hashlib.blake2b(digest_size=64)
    _stream(BackgroundHasher(h, block=4096, pool=3, threaded=threaded), data, step)
    assert h.digest() == hashlib.blake2b(data, digest_size=64).digest()


def test_a_buffer_comes_back_only_once_hashed() -> None:
    # The caller refills every buffer it gets at once; with a slow hash, a buffer returned to the pool before it was
    # hashed would be hashed with the next block's bytes.
    data = os.urandom(40 * 256)
    slow = _SlowHash(0.002)
    _stream(BackgroundHasher(slow, block=256, pool=2, threaded=True), data, 256)
    assert slow.inner.digest() == hashlib.sha256(data).digest()
    assert threading.get_ident() not in slow.threads  # it did run on the helper


def test_inline_without_a_spare_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background_hash, "spare_core", lambda: False)
    slow = _SlowHash(0)
    _stream(BackgroundHasher(slow, block=256), b"x" * 1000, 256)
    assert slow.threads == {threading.get_ident()}
    assert slow.inner.digest() == hashlib.sha256(b"x" * 1000).digest()


@pytest.mark.parametrize("threaded", [True, False])
def test_an_error_in_the_hash_reaches_the_caller(threaded: bool) -> None:
    class Broken:
        def update(self, data: memoryview) -> None:
            raise ValueError("hash failed")

    hasher = BackgroundHasher(Broken(), block=16, pool=2, threaded=threaded)
    with pytest.raises(ValueError, match="hash failed"):
        _stream(hasher, b"y" * 100, 16)
    hasher.close()


def test_close_stops_the_helper_and_wipes_the_buffers() -> None:
    before = threading.active_count()
    hasher = BackgroundHasher(hashlib.sha256(), block=64, pool=2, threaded=True)
    assert threading.active_count() == before + 1
    buf = hasher.buffer()
    buf[:] = b"\xaa" * 64
    hasher.submit(buf, 64)
    hasher.close()
    hasher.close()  # idempotent
    assert threading.active_count() == before
    assert bytes(buf) == bytes(64)
