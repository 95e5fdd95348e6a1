"""BlobStore.put reads any source: one with ``readinto`` (files, the importer's decrypting reader) into its pooled
buffers, one with ``read`` only, one that returns short reads; the SHA-256 beside the encryption, on one thread or two,
is the plaintext's, and the same whatever the source."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from crypto import background_hash
from intake_app.errors import RefusedError
from intake_app.vault.blobstore import BlobStore

DATA = os.urandom((3 << 20) + 12345)  # several of put's 1 MiB blocks and a partial one


class _ReadOnly:
    """A source with read() and nothing else."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._inner.read(n)


class _Trickle(io.RawIOBase):
    """readinto() that never fills the buffer: at most 1000 bytes per call."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer)[:1000]
        return self._inner.readinto(view)


class _WouldBlock(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> None:  # type: ignore[override]
        return None  # a non-blocking source with nothing to give


@pytest.fixture(params=[True, False], ids=["helper-thread", "one-thread"])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BlobStore:
    spare = bool(request.param)
    monkeypatch.setattr(background_hash, "spare_core", lambda: spare)
    return BlobStore(tmp_path / "blobs")


@pytest.mark.parametrize("source", [io.BytesIO, _ReadOnly, _Trickle], ids=["readinto", "read-only", "short-reads"])
def test_every_kind_of_source_stores_the_same_plaintext(store: BlobStore, source: type) -> None:
    stored = store.put(source(DATA))
    assert stored.size == len(DATA)
    assert stored.sha256 == hashlib.sha256(DATA).hexdigest()
    with store.open(stored.blob_id, stored.key) as reader:
        assert reader.read() == DATA


def test_a_source_that_would_block_is_refused_and_leaves_nothing(store: BlobStore) -> None:
    with pytest.raises(RefusedError, match="could not read the file to attach"):
        store.put(_WouldBlock())
    assert list(store.root.iterdir()) == []
