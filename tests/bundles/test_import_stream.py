"""Issue 30: HQ reads a bundle's payload once. The bytes hashed for the payload's signature are the bytes decrypted, on
one thread or two; a file that changes or shrinks after it was verified is refused, and nothing changes then."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crypto import background_hash
from intake_app.bundles import importer as importer_mod
from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.bundles.payload import SignedPayload
from intake_app.bundles.verify import BundleRefused, OuterBundle, pinned, verify_outer
from intake_app.vault.blobstore import BlobStore
from intake_app.vault.vault import BLOBS_DIR, Vault
from tests.bundles.test_forwarding import World, _recipient, reencrypt
from tests.bundles.test_merge_properties import add, attach, connect, create_vault, digest_tables

SCAN = os.urandom(3 << 20)  # more than a few of SignedPayload's 1 MiB blocks


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    hq = create_vault(tmp_path / "hq", "hq")
    field = create_vault(tmp_path / "laptop")
    connect(field, hq, "laptop")
    rid = add(field, narrative="streamed once")
    attach(field, rid, SCAN, "scan.png")
    attach(field, rid, b"small note", "note.txt")
    usb = tmp_path / "usb"
    usb.mkdir()
    bundle = export_bundle(field, usb).path
    field.lock()
    yield World(hq, hq, bundle, tmp_path)
    hq.lock()


@pytest.fixture(params=[True, False], ids=["helper-thread", "one-thread"])
def threaded(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    spare = bool(request.param)
    monkeypatch.setattr(background_hash, "spare_core", lambda: spare)
    return spare


def _blob_files(hq: Vault) -> set[str]:
    return {p.name for p in (hq.path / BLOBS_DIR).iterdir()}


def _refused_unchanged(hq: Vault, path: Path, reason: str) -> None:
    before, blobs = digest_tables(hq.conn), _blob_files(hq)
    outcome = Importer(hq).import_file(path)
    assert outcome.status == "refused", outcome
    assert reason in (outcome.reason or ""), outcome.reason
    assert digest_tables(hq.conn) == before
    assert _blob_files(hq) == blobs  # the attachments staged before the refusal are gone


def test_import_on_one_thread_and_on_two(world: World, threaded: bool) -> None:
    outcome = Importer(world.hq1).import_file(world.bundle)
    assert outcome.status == "imported", outcome
    assert outcome.counts["attachments"] == 2
    blobs = BlobStore(world.hq1.path / BLOBS_DIR)
    for sha, blob_id, key in world.hq1.conn.execute("SELECT sha256, blob_id, blob_key FROM attachments"):
        blobs.verify(str(blob_id), bytes(key), str(sha))  # the stored plaintext hashes to its name


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts bytes read with Linux's /proc/self/io")
def test_import_reads_the_bundle_file_once(world: World) -> None:
    def bytes_read() -> int:
        return int(Path("/proc/self/io").read_text().split("rchar:")[1].split()[0])

    size = world.bundle.stat().st_size
    before = bytes_read()
    assert Importer(world.hq1).import_file(world.bundle).status == "imported"
    # Once through the payload (plus the outer members, the vault's own pages): a second pass for the signature's
    # hash, as before issue 30, would read the bundle twice.
    assert bytes_read() - before < 1.3 * size


def _after_verification(monkeypatch: pytest.MonkeyPatch, change: object) -> None:
    """Run ``change(outer)`` right after the importer's outer check, before it reads the payload."""
    real = importer_mod.verify_outer

    def verify_then_change(path: Path, *args: object, **kwargs: object) -> OuterBundle:
        outer = real(path, *args, **kwargs)  # type: ignore[arg-type]
        change(outer)  # type: ignore[operator]
        return outer

    monkeypatch.setattr(importer_mod, "verify_outer", verify_then_change)


def test_payload_swapped_after_verification_is_refused(world: World, threaded: bool,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Same size, same signatures, new ciphertext of the same inner archive to the same HQ: every member decrypts and
    # verifies, only the payload's signature over the bytes actually decrypted can tell.
    swapped = reencrypt(world, [_recipient(world.hq1)], "swapped.bundle.tar")
    assert swapped.stat().st_size == world.bundle.stat().st_size
    _after_verification(monkeypatch, lambda outer: shutil.copyfile(swapped, outer.path))
    _refused_unchanged(world.hq1, world.bundle, "signature")


def test_bundle_shrinking_after_verification_is_refused(world: World, threaded: bool,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def truncate(outer: OuterBundle) -> None:
        with outer.path.open("r+b") as fh:
            fh.truncate(outer.payload_offset + outer.payload_size // 2)

    _after_verification(monkeypatch, truncate)
    _refused_unchanged(world.hq1, world.bundle, "the bundle is truncated")


def test_signature_is_checked_only_over_the_whole_payload(world: World, threaded: bool) -> None:
    key = Importer(world.hq1)._resolve  # the enrolled device key, as the importer finds it
    outer = verify_outer(world.bundle, key, check_payload=False)
    with SignedPayload(outer) as payload:
        payload.read(4096)
        with pytest.raises(BundleRefused, match="not read to its end"):
            payload.verify()
    with SignedPayload(outer) as payload:
        buf = bytearray(70_000)
        while payload.readinto(buf):
            pass
        payload.verify()  # the same bytes, all of them: the signature holds
    assert verify_outer(world.bundle, pinned(outer.key)).comment == outer.comment
