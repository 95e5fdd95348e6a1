"""The attachment store: atomic encrypted puts, no plaintext or partial files left behind, full disks handled."""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_app.errors import RefusedError, UsageError
from intake_app.vault.blobstore import AttachmentCancelled, BlobStore, StoredBlob
from tests.conftest import missing_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
CHUNK = 64 * 1024


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def _put_bytes(store: BlobStore, data: bytes) -> StoredBlob:
    return store.put(io.BytesIO(data))


def _files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir())


class _FailingSource(io.RawIOBase):
    """Yields ``good`` bytes, then fails the way a yanked USB stick or a buggy source would."""

    def __init__(self, good: int, exc: BaseException) -> None:
        self._left = good
        self._exc = exc

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            raise self._exc
        n = min(len(buffer), self._left)
        buffer[:n] = os.urandom(n)
        self._left -= n
        return n


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 20 * CHUNK + 3])
def test_put_open_round_trip(store: BlobStore, size: int) -> None:
    data = os.urandom(size)
    stored = _put_bytes(store, data)
    assert stored.size == size
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert len(stored.key) == 32
    assert len(stored.blob_id) == 32 and int(stored.blob_id, 16) >= 0
    assert _files(store.root) == [stored.blob_id]
    with store.open(stored.blob_id, stored.key) as reader:
        assert reader.seekable()
        assert reader.size == size
        assert reader.read() == data
        if size > 10:
            reader.seek(size // 2)
            assert reader.read(7) == data[size // 2 : size // 2 + 7]
    store.verify(stored.blob_id, stored.key, stored.sha256)
    assert stored.key.hex() not in repr(stored) and repr(stored.key) not in repr(stored)


def test_ids_are_random_not_content_hashes(store: BlobStore) -> None:
    data = b"the same scan twice"
    first, second = _put_bytes(store, data), _put_bytes(store, data)
    assert first.blob_id != second.blob_id
    assert first.key != second.key
    assert hashlib.sha256(data).hexdigest()[:32] not in (first.blob_id, second.blob_id)
    assert (store.root / first.blob_id).read_bytes() != (store.root / second.blob_id).read_bytes()
    assert sorted(store.iter_ids()) == sorted([first.blob_id, second.blob_id])


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only (modes, symlinks, RLIMIT_FSIZE, tmpfs); Windows privacy: "
                    "tests/crypto/test_fs.py and tests/vault/test_vault.py")
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_private_modes_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        store = BlobStore(tmp_path / "blobs")
        stored = _put_bytes(store, b"x" * 1000)
        out = tmp_path / "out.bin"
        store.extract(stored.blob_id, stored.key, out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert stat.S_IMODE((store.root / stored.blob_id).stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only (modes, symlinks, RLIMIT_FSIZE, tmpfs); Windows privacy: "
                    "tests/crypto/test_fs.py and tests/vault/test_vault.py")
def test_existing_loose_directory_is_tightened(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    BlobStore(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only (modes, symlinks, RLIMIT_FSIZE, tmpfs); Windows privacy: "
                    "tests/crypto/test_fs.py and tests/vault/test_vault.py")
def test_symlinked_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "blobs").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(RefusedError, match="symbolic link"):
        BlobStore(tmp_path / "blobs")


def test_progress_reports_growing_sizes(store: BlobStore) -> None:
    seen: list[int] = []
    stored = store.put(io.BytesIO(os.urandom(5 * 1024 * 1024 + 1)), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == stored.size and len(seen) > 1


def test_cancel_midway_leaves_nothing(store: BlobStore) -> None:
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    with pytest.raises(AttachmentCancelled, match="cancelled"):
        store.put(io.BytesIO(os.urandom(8 * 1024 * 1024)), cancel=cancel)
    assert _files(store.root) == []
    assert isinstance(AttachmentCancelled("x"), RefusedError)


def test_source_failing_midway_leaves_nothing(store: BlobStore) -> None:
    with pytest.raises(RefusedError, match="could not read the file to attach"):
        store.put(_FailingSource(3 * 1024 * 1024, OSError(5, "Input/output error")))  # type: ignore[arg-type]
    assert _files(store.root) == []
    with pytest.raises(RuntimeError, match="bug"):
        store.put(_FailingSource(100_000, RuntimeError("bug in source")))  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        store.put(_FailingSource(100_000, KeyboardInterrupt()))  # type: ignore[arg-type]
    assert _files(store.root) == []


def test_verify_detects_damage_and_hash_mismatch(store: BlobStore) -> None:
    data = os.urandom(3 * CHUNK + 10)
    stored = _put_bytes(store, data)
    with pytest.raises(RefusedError, match="does not match the recorded hash"):
        store.verify(stored.blob_id, stored.key, hashlib.sha256(b"other").hexdigest())
    path = store.root / stored.blob_id
    raw = bytearray(path.read_bytes())
    raw[100 + CHUNK] ^= 0x40  # inside the second chunk: passes open(), fails while streaming
    path.write_bytes(bytes(raw))
    with pytest.raises(RefusedError, match="failed verification"):
        store.verify(stored.blob_id, stored.key, stored.sha256)


def test_open_refuses_wrong_key_swapped_file_and_bad_ids(store: BlobStore) -> None:
    a, b = _put_bytes(store, b"first"), _put_bytes(store, b"second")
    with pytest.raises(RefusedError, match="cannot be read"):
        store.open(a.blob_id, b.key)
    # An attacker swaps the files: each name now holds the other blob, which its recorded key must not open.
    pa, pb, tmp = store.root / a.blob_id, store.root / b.blob_id, store.root / "swap"
    pa.rename(tmp)
    pb.rename(pa)
    tmp.rename(pb)
    with pytest.raises(RefusedError):
        store.open(a.blob_id, a.key)
    for bad in ("../keyslots.json", "/etc/passwd", "", "A" * 32, a.blob_id + "0"):
        with pytest.raises(RefusedError, match="invalid attachment id"):
            store.open(bad, a.key)
    with pytest.raises(RefusedError, match="missing"):
        store.open("0" * 32, a.key)


def test_extract_writes_plaintext_atomically(store: BlobStore, tmp_path: Path) -> None:
    data = os.urandom(2 * CHUNK + 1)
    stored = _put_bytes(store, data)
    out_dir = tmp_path / "export"
    out_dir.mkdir()
    target = out_dir / "recording.wav"
    store.extract(stored.blob_id, stored.key, target)
    assert target.read_bytes() == data
    assert _files(out_dir) == ["recording.wav"]

    target.write_bytes(b"keep me")
    with pytest.raises(UsageError, match="already exists"):
        store.extract(stored.blob_id, stored.key, target)
    assert target.read_bytes() == b"keep me"
    store.extract(stored.blob_id, stored.key, target, overwrite=True)
    assert target.read_bytes() == data

    with pytest.raises(UsageError, match="does not exist"):
        store.extract(stored.blob_id, stored.key, tmp_path / "nowhere" / "x.wav")
    with pytest.raises(UsageError, match="folder"):
        store.extract(stored.blob_id, stored.key, out_dir)
    with pytest.raises(UsageError, match="vault's own attachment folder"):
        store.extract(stored.blob_id, stored.key, store.root / "plain.wav")
    assert list(store.iter_ids()) == [stored.blob_id] and len(_files(store.root)) == 1


def test_extract_of_a_damaged_blob_leaves_no_partial_file(store: BlobStore, tmp_path: Path) -> None:
    stored = _put_bytes(store, os.urandom(6 * CHUNK))
    path = store.root / stored.blob_id
    raw = bytearray(path.read_bytes())
    raw[100 + 3 * CHUNK] ^= 1  # a middle chunk: the first chunks are already written when it fails
    path.write_bytes(bytes(raw))
    out_dir = tmp_path / "export"
    out_dir.mkdir()
    with pytest.raises(RefusedError, match="could not be extracted"):
        store.extract(stored.blob_id, stored.key, out_dir / "scan.pdf")
    assert _files(out_dir) == []


def test_delete_iter_and_sweep(store: BlobStore) -> None:
    kept, orphan = _put_bytes(store, b"kept"), _put_bytes(store, b"orphan")
    (store.root / ".tmp-deadbeef").write_bytes(b"crash leftover")
    (store.root / "README").write_bytes(b"not ours")
    removed = store.sweep_orphans([kept.blob_id])
    assert sorted(removed) == sorted([".tmp-deadbeef", orphan.blob_id])
    assert _files(store.root) == sorted(["README", kept.blob_id])
    assert list(store.iter_ids()) == [kept.blob_id]
    assert store.delete(kept.blob_id) is True
    assert store.delete(kept.blob_id) is False
    assert list(store.iter_ids()) == []


def test_sweep_spares_a_put_in_progress(store: BlobStore) -> None:
    swept: list[list[str]] = []

    def progress(_: int) -> None:
        if not swept:
            swept.append(store.sweep_orphans([]))

    stored = store.put(io.BytesIO(os.urandom(3 * 1024 * 1024)), progress=progress)
    assert swept == [[]]
    store.verify(stored.blob_id, stored.key, stored.sha256)


# -- full disks -----------------------------------------------------------------------------------------------------

_FSIZE_SCRIPT = r"""
import io, json, os, resource, signal, sys
from pathlib import Path
from intake_app.vault.blobstore import BlobStore
from intake_app.errors import RefusedError

# Without this the kernel kills the process (SIGXFSZ) instead of failing the write with EFBIG.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
store = BlobStore(Path(sys.argv[1]))
resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, resource.RLIM_INFINITY))
try:
    store.put(io.BytesIO(os.urandom(2_000_000)))
except RefusedError as exc:
    print(json.dumps({"refused": str(exc)}))
else:
    print(json.dumps({"stored": True}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only (modes, symlinks, RLIMIT_FSIZE, tmpfs); Windows privacy: "
                    "tests/crypto/test_fs.py and tests/vault/test_vault.py")
def test_file_size_limit_gives_a_clear_error_and_no_file(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", _FSIZE_SCRIPT, str(root)], capture_output=True, text=True, env=env, timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome == {"refused": "not enough space on the disk to store the attachment"}
    assert _files(root) == []


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs: a disk that really fills up (ENOSPC). Needs root and permission to mount."""
    if os.geteuid() != 0:
        missing_tool("root (mounting a tiny tmpfs; CI runs as root)")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mnt)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        missing_tool(f"tmpfs mount: {result.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only (modes, symlinks, RLIMIT_FSIZE, tmpfs); Windows privacy: "
                    "tests/crypto/test_fs.py and tests/vault/test_vault.py")
def test_full_disk_on_put_gives_a_clear_error_and_no_file(tiny_fs: Path) -> None:
    store = BlobStore(tiny_fs / "blobs")
    small = _put_bytes(store, b"already there")
    with pytest.raises(RefusedError, match=r"^not enough space on the disk to store the attachment$"):
        _put_bytes(store, os.urandom(3 * 1024 * 1024))
    assert _files(store.root) == [small.blob_id]
    store.verify(small.blob_id, small.key, small.sha256)
    # The space is given back: a blob that fits can still be stored.
    fits = _put_bytes(store, os.urandom(200_000))
    store.verify(fits.blob_id, fits.key, fits.sha256)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only (modes, symlinks, RLIMIT_FSIZE, tmpfs); Windows privacy: "
                    "tests/crypto/test_fs.py and tests/vault/test_vault.py")
def test_full_disk_on_extract_gives_a_clear_error_and_no_file(store: BlobStore, tiny_fs: Path) -> None:
    stored = _put_bytes(store, os.urandom(3 * 1024 * 1024))
    with pytest.raises(RefusedError, match=r"^not enough space on the disk to extract the attachment$"):
        store.extract(stored.blob_id, stored.key, tiny_fs / "audio.m4a")
    assert _files(tiny_fs) == []


# -- plaintext canary -----------------------------------------------------------------------------------------------

def _files_containing(paths: list[Path], needles: list[bytes]) -> list[str]:
    overlap = max(len(n) for n in needles)
    hits = []
    for path in paths:
        try:
            with path.open("rb") as f:
                tail = b""
                while block := f.read(1 << 20):
                    window = tail + block
                    if any(n in window for n in needles):
                        hits.append(str(path))
                        break
                    tail = window[-overlap:]
        except OSError:
            continue
    return hits


def _regular_files(root: Path, newer_than: float | None = None) -> list[Path]:
    found = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            try:
                st = path.lstat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and (newer_than is None or st.st_mtime >= newer_than):
                found.append(path)
    return found


def test_plaintext_canary_never_reaches_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = time.time() - 1
    system_tmp = Path(tempfile.gettempdir())
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))

    marker = f"CANARY-{secrets.token_hex(16)}-증언"
    needles = [marker.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    # The marker sits at the start, across a chunk boundary, and at the end, in every encoding.
    body = b"".join(needles)
    data = body + os.urandom(CHUNK - len(body) // 2) + body + os.urandom(3 * CHUNK) + body
    (tmp_path / "vault").mkdir()
    store = BlobStore(tmp_path / "vault" / "blobs")
    stored = store.put(io.BytesIO(data))
    with store.open(stored.blob_id, stored.key) as reader:
        assert reader.read() == data
        reader.seek(CHUNK - 10)
        assert reader.read(20) == data[CHUNK - 10 : CHUNK + 10]
    store.verify(stored.blob_id, stored.key, stored.sha256)

    scanned = _regular_files(tmp_path) + _regular_files(system_tmp, newer_than=started)
    assert any(p.name == stored.blob_id for p in scanned)
    assert _files_containing(scanned, needles) == []
    # The scan itself must be able to find the marker, or the assertion above proves nothing.
    probe = tmp_path / "probe"
    probe.write_bytes(b"xx" + needles[1] + b"yy")
    assert _files_containing([probe], needles) == [str(probe)]


def test_a_blob_larger_than_the_writeback_step_round_trips(store: BlobStore) -> None:
    """put() asks the kernel to start writing every 8 MiB of ciphertext (blobstore._WRITEBACK_STEP) while it goes on
    encrypting; the blob on disk is complete and reads back whole."""
    data = os.urandom((17 << 20) + 321)
    stored = store.put(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    with store.open(stored.blob_id, stored.key) as reader:
        assert reader.read() == data
