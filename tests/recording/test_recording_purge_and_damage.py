"""Issue 24, findings 3 and 5: a recording in progress (or a journal not yet recovered) keeps its testimony from the
purge; a journal whose testimony is gone is recovered into a new testimony marked for review; a damaged record in the
middle of a journal costs only that record, the gap is marked, and the journal is kept (with its key) for a later try.
"""

from __future__ import annotations

import json
from pathlib import Path

import rec_helpers
from rec_helpers import sine_pcm, wav_info

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.recording import capture, journal
from intake_app.recording.service import RecordingService
from intake_app.records.attachments import AttachmentStore
from intake_app.records.purge import purge_acknowledged
from intake_app.records.store import RecordStore
from intake_app.updates.field import import_update
from intake_app.updates.hq import export_updates
from intake_app.vault.blobstore import JOURNAL_PREFIX
from intake_app.vault.vault import BLOBS_DIR, Vault
from tests.updates.helpers import opened, setup_pair

CONSENT = {"storage": "granted", "recording": "granted"}


def _read(vault: Vault, sha256: str) -> bytes:
    with AttachmentStore(vault).open(sha256) as reader:
        return reader.read()


def test_a_recording_in_progress_keeps_its_testimony_from_the_purge_and_stop_stores_it(tmp_path: Path) -> None:
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        rid = RecordStore(f).add_json(rec_helpers.testimony(CONSENT)).record_id
        export_bundle(f, usb)
    with opened(hq_path) as hq:
        (bundle,) = usb.glob("*.bundle.tar")
        assert Importer(hq).import_file(bundle).status == "imported"
        (sent,) = export_updates(hq, usb, device)
    with opened(laptop) as f:
        service = RecordingService(f)
        recording_id, session = service.begin(rid, input_name="mic")
        audio = sine_pcm(440, capture.COMMIT_SECONDS)
        session.feed(audio)
        # The update acknowledges the testimony's bundle while it is being recorded (auto-purge takes this path).
        import_update(f, sent.path)
        assert purge_acknowledged(f).count == 0
        assert RecordStore(f).count() == 1
        session.stop()
        result = service.finish(recording_id)
        assert result is not None and result.record_id == rid
        assert wav_info(_read(f, result.sha256), tmp_path)[4] == audio


def test_a_journal_whose_testimony_is_gone_becomes_a_new_testimony_marked_for_review(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", "pw")
    rid = RecordStore(vault).add_json(rec_helpers.testimony(CONSENT)).record_id
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    audio = sine_pcm(330, capture.COMMIT_SECONDS)
    session.feed(audio)
    session.abandon()  # a crash
    # What an older purge left: the testimony's rows gone, its recording's row and journal still there.
    vault.conn.execute("DELETE FROM records WHERE id = ?", (rid,))
    (result,) = service.recover_interrupted()
    assert result.record_id != rid
    rescued = RecordStore(vault).show(result.record_id)
    assert rescued["notes"].startswith("REVIEW") and rid in rescued["notes"]
    assert wav_info(_read(vault, result.sha256), tmp_path)[4] == audio
    assert not (tmp_path / "v" / BLOBS_DIR / (JOURNAL_PREFIX + recording_id)).exists()  # stored in full: removed


def test_a_damaged_record_costs_only_itself_and_the_journal_is_kept(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", "pw")
    rid = RecordStore(vault).add_json(rec_helpers.testimony(CONSENT)).record_id
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    seconds = [sine_pcm(200 + 50 * i, capture.COMMIT_SECONDS) for i in range(10)]  # ten committed records
    for chunk in seconds:
        session.feed(chunk)
    session.stop()
    path = tmp_path / "v" / BLOBS_DIR / (JOURNAL_PREFIX + recording_id)
    raw = bytearray(path.read_bytes())
    offset = journal.HEADER_LEN
    for _ in range(3):  # past the metadata record and the first two audio records
        offset += 4 + int.from_bytes(raw[offset:offset + 4], "big")
    raw[offset + 4 + 1000] ^= 0x01  # one bit in the 3rd audio record
    path.write_bytes(bytes(raw))

    result = service.finish(recording_id)
    assert result is not None
    pcm = wav_info(_read(vault, result.sha256), tmp_path)[4]
    assert pcm == b"".join(seconds[:2] + seconds[3:])  # every authenticated record, in order
    gap = [m for m in result.markers if m.note.startswith("gap")]
    assert [m.at_ms for m in gap] == [int(2 * capture.COMMIT_SECONDS * 1000)]
    assert result.custody["damaged_records"] == 1 and result.custody["journal_kept"] is True
    assert path.exists()  # set aside, encrypted, with its key, for a later try
    key = vault.conn.execute("SELECT journal_key FROM recordings WHERE id = ?", (recording_id,)).fetchone()[0]
    assert key is not None
    assert service.recover_interrupted() == [] and path.exists()  # never deleted unread
    assert json.loads(json.dumps(result.custody))["interrupted"] is True
