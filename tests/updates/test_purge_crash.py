"""The purge is crash-safe (issue 17): kill -9 at random moments of a purge, then reopen. Either nothing was purged
(every testimony and attachment still there and readable) or the purge committed (every acknowledged testimony gone,
its blobs overwritten and removed at the latest when the vault is next opened); the testimony HQ has not received is
always intact, the database passes its integrity check and the audit log still verifies."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.records import purge
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.updates.field import import_update
from intake_app.updates.hq import export_updates
from intake_app.vault import blobstore
from tests.bundles.test_merge_properties import PASSPHRASE
from tests.conftest import REPO
from tests.updates.helpers import add_marked, opened, setup_pair

DRIVER = r"""
import sys
from pathlib import Path
from intake_app.records.purge import purge_acknowledged
from intake_app.vault.vault import Vault
vault = Vault.open(Path(sys.argv[1]), sys.argv[2])
sys.stdout.write("STARTED\n"); sys.stdout.flush()
result = purge_acknowledged(vault)
sys.stdout.write(f"DONE {result.count}\n"); sys.stdout.flush()
vault.lock()
"""
PURGED = 30


def _template(tmp: Path) -> tuple[Path, set[str], str, dict[str, str]]:
    hq_path, (laptop,), (device,) = setup_pair(tmp)
    rng = random.Random(17)
    shas: dict[str, str] = {}
    with opened(laptop) as f:
        ids = set()
        for i in range(PURGED):
            rid = add_marked(f, f"P{i}", with_attachment=False)
            data = rng.randbytes(150_000)
            shas[rid] = AttachmentStore(f).attach_stream(rid, io.BytesIO(data), "scan.bin").sha256
            ids.add(rid)
        bundle = export_bundle(f, tmp).path
        kept = add_marked(f, "KEPT")
        (info,) = AttachmentStore(f).list_for(kept)
        shas[kept] = info.sha256
    with opened(hq_path) as hq:
        assert Importer(hq).import_file(bundle).status == "imported"
        (sent,) = export_updates(hq, tmp, device)
    with opened(laptop) as f:
        import_update(f, sent.path)
    return laptop, ids, kept, shas


def _readable(f: object, sha: str) -> bool:
    with AttachmentStore(f).open(sha) as reader:  # type: ignore[arg-type]
        data = reader.read(1 << 24)
    return hashlib.sha256(data).hexdigest() == sha


def test_kill_during_purge_leaves_all_or_nothing(tmp_path: Path) -> None:
    template, ids, kept, shas = _template(tmp_path / "template")
    outcomes = []
    rng = random.Random(4)
    for round_ in range(8):
        laptop = tmp_path / f"round-{round_}"
        shutil.copytree(template, laptop)
        proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(laptop), PASSPHRASE], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline() == "STARTED\n"
        time.sleep(rng.uniform(0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with opened(laptop) as f:  # reopening finishes a committed purge's blob removal
            assert f.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            present = {s["id"] for s in RecordStore(f).summaries()}
            assert kept in present and _readable(f, shas[kept])
            gone = ids - present
            assert gone in (set(), ids), f"a partial purge: {len(gone)} of {len(ids)}"
            purged = f.conn.execute("SELECT count(DISTINCT record_id) FROM purged_revisions").fetchone()[0]
            assert purged == len(gone)
            if gone:
                blob_ids = {p.name for p in (laptop / "blobs").iterdir()}
                known = {str(r[0]) for r in f.conn.execute("SELECT blob_id FROM attachments")}
                assert blob_ids == known and len(known) == 1  # only the kept testimony's blob remains
                assert f.conn.execute("SELECT count(*) FROM purge_pending_blobs").fetchone()[0] == 0
            else:
                assert all(_readable(f, shas[r]) for r in sorted(ids)[:3])
            assert RecordStore(f).audit.verify([]).ok
        outcomes.append("purged" if gone else "intact")
    print("outcomes:", outcomes)


def test_interrupted_after_the_commit_the_next_open_destroys_the_queued_blobs(tmp_path: Path) -> None:
    """A purge cut off after its commit, before its blobs were overwritten (as a power cut would): the blob ids were
    queued in the same transaction, and the next open overwrites and removes them, never the kept testimony's."""
    template, ids, kept, shas = _template(tmp_path / "t")
    with opened(template) as f:
        kept_blob = f.conn.execute("SELECT blob_id FROM attachments WHERE sha256 = ?", (shas[kept],)).fetchone()[0]
    before = {p.name for p in (template / "blobs").iterdir()}
    destroyed: list[str] = []
    real = blobstore.BlobStore.destroy_many

    def cut_off(self: blobstore.BlobStore, blob_ids: object) -> int:
        raise KeyboardInterrupt  # the process stops here

    mp = pytest.MonkeyPatch()
    mp.setattr(blobstore.BlobStore, "destroy_many", cut_off)
    with opened(template) as f, pytest.raises(KeyboardInterrupt):
        purge.purge_acknowledged(f)
    mp.undo()
    assert {p.name for p in (template / "blobs").iterdir()} == before  # committed, but no blob destroyed yet

    def counting(self: blobstore.BlobStore, blob_ids: list[str]) -> int:
        destroyed.extend(blob_ids)
        return real(self, blob_ids)

    mp.setattr(blobstore.BlobStore, "destroy_many", counting)
    try:
        with opened(template) as f:
            assert len(destroyed) == len(ids)  # exactly the purged testimonies' blobs, on opening
            assert f.conn.execute("SELECT count(*) FROM purge_pending_blobs").fetchone()[0] == 0
            assert {s["id"] for s in RecordStore(f).summaries()} == {kept} and _readable(f, shas[kept])
    finally:
        mp.undo()
    after = {p.name for p in (template / "blobs").iterdir()}
    assert after == {kept_blob} and kept_blob not in destroyed
