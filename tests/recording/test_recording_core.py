"""The Qt-free core of in-app recording on a real vault: consent, the encrypted journal, WAV, markers, custody, recovery.

Samples are generated here (a sine computed independently) and fed as the capture would; the stored attachment is read
back through the vault and checked with the standard library's ``wave`` module.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rec_helpers import dominant_frequency, sine_pcm, vault_with_testimony, wav_info

from intake_app.errors import RefusedError, UsageError
from intake_app.recording import capture, journal, wav
from intake_app.recording.consent import recording_consent
from intake_app.recording.service import RecordingService, describe_custody
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault.blobstore import JOURNAL_PREFIX
from intake_app.vault.vault import BLOBS_DIR, Vault

RATE = 48_000


def _read_attachment(vault: Vault, sha256: str) -> bytes:
    with AttachmentStore(vault).open(sha256) as reader:
        return reader.read()


def test_a_recording_becomes_a_wav_attachment_with_markers_and_custody(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v")
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="Built-in microphone")
    first = sine_pcm(440, 1.5)
    second = sine_pcm(440, 1.0, phase=len(first) // 2)
    for i in range(0, len(first), 9601):  # odd-sized pieces: frames split across feeds must be rejoined
        session.feed(first[i:i + 9601])
    marker = session.add_marker("  증언자가 \u202e울기 시작함\n")
    session.pause()
    session.feed(sine_pcm(1000, 0.5))  # while paused: not recorded
    session.resume()
    session.feed(second)
    session.add_marker()
    session.stop()
    # One line, the bidi override neutralised (shown as U+FFFD by the project's cleaning), the words kept.
    assert marker.at_ms == 1500 and "\u202e" not in marker.note and "\n" not in marker.note
    assert marker.note.startswith("증언자가 ") and marker.note.endswith("울기 시작함")

    result = service.finish(recording_id)
    assert result is not None and not result.interrupted
    assert result.duration_ms == 2500
    data = _read_attachment(vault, result.sha256)
    channels, width, rate, frames, pcm = wav_info(data, tmp_path)
    assert (channels, width, rate, frames) == (1, 2, RATE, int(2.5 * RATE))
    assert pcm == first + second
    assert abs(dominant_frequency(pcm[: 2 * RATE], RATE) - 440) < 12

    infos = AttachmentStore(vault).list_for(rid)
    assert [i.media_type for i in infos] == ["audio/wav"] and infos[0].sha256 == result.sha256
    (detail,) = service.custody_details(result.sha256)
    assert detail["markers"] == 2 and detail["input"] == "Built-in microphone" and detail["interrupted"] is False
    assert detail["from"] < detail["to"] and detail["device"] == service.device
    words = describe_custody(detail)["en"]
    assert words.startswith(f"recorded in app, device {service.device}") and "2 markers" in words
    assert [(m.at_ms, m.note) for m in service.markers_for(rid)] == [(1500, marker.note), (2500, "")]
    # The journal is gone and its key dropped; only the blob remains.
    assert not [p for p in (tmp_path / "v" / BLOBS_DIR).iterdir() if p.name.startswith(JOURNAL_PREFIX)]
    assert vault.conn.execute("SELECT journal_key FROM recordings").fetchone()[0] is None


@pytest.mark.parametrize(("decision", "ack", "allowed"), [
    ("granted", False, True),
    ({"value": "conditional", "conditions": "얼굴 사진 없이, 이름은 녹음하지 않음"}, True, True),
    ({"value": "conditional", "conditions": "이름은 녹음하지 않음"}, False, False),
    ("refused", True, False),
    ("withdrawn", True, False),
    ("not_asked", True, False),
    (None, True, False),
])
def test_consent_decides_before_anything_is_written(tmp_path: Path, decision: object, ack: bool,
                                                    allowed: bool) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v", decision)
    service = RecordingService(vault)
    consent = service.consent(rid)
    assert consent.allowed(acknowledged=ack) is allowed
    if allowed:
        _, session = service.begin(rid, input_name="mic", acknowledged=ack)
        session.stop()
        return
    reason = consent.reason(acknowledged=ack)
    assert reason is not None and reason["ko"] and reason["en"]
    with pytest.raises(RefusedError, match=reason["en"].split(":")[0][:20]):
        service.begin(rid, input_name="mic", acknowledged=ack)
    assert vault.conn.execute("SELECT count(*) FROM recordings").fetchone()[0] == 0
    assert not list((tmp_path / "v" / BLOBS_DIR).iterdir())


def test_conditions_are_shown_as_recorded(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v", {"value": "conditional", "conditions": "  가족 이름 제외  "})
    consent = recording_consent(RecordStore(vault).get(rid))
    assert consent.needs_acknowledgement and consent.conditions == "가족 이름 제외"


def test_unknown_or_deleted_testimony_is_a_usage_error(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v")
    service = RecordingService(vault)
    with pytest.raises(UsageError):
        service.begin("0190f6b8-7a1c-7d2e-9f00-3c4b5a6d7e8f", input_name="mic")
    RecordStore(vault).delete(rid)
    with pytest.raises(UsageError):
        service.begin(rid, input_name="mic")


def _crash(session: capture.CaptureSession) -> None:
    """What kill -9 leaves: the descriptor closes, no end record, nothing pending is written."""
    session.abandon()


def test_an_interrupted_recording_is_recovered_up_to_the_last_commit(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v")
    service = RecordingService(vault)
    _, session = service.begin(rid, input_name="USB mic")
    committed = sine_pcm(440, capture.COMMIT_SECONDS * 2)
    session.feed(committed)  # two full commits
    session.add_marker("before the crash")
    session.feed(sine_pcm(440, 0.7))  # pending, never committed
    _crash(session)
    vault.lock()

    reopened = Vault.open(tmp_path / "v", "녹음 테스트 passphrase")
    (result,) = RecordingService(reopened).recover_interrupted()
    assert result.interrupted and result.original_name.endswith("-interrupted.wav")
    assert result.duration_ms == int(capture.COMMIT_SECONDS * 2 * 1000)
    _, _, _, frames, pcm = wav_info(_read_attachment(reopened, result.sha256), tmp_path)
    assert pcm == committed and frames == len(committed) // 2
    assert result.custody["interrupted"] is True and result.custody["markers"] == 1
    assert "interrupted" in describe_custody(result.custody)["en"]
    assert RecordingService(reopened).recover_interrupted() == []


def test_a_torn_last_record_is_dropped_and_reported(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v")
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    good = sine_pcm(440, capture.COMMIT_SECONDS)
    session.feed(good)
    _crash(session)
    path = tmp_path / "v" / BLOBS_DIR / (JOURNAL_PREFIX + recording_id)
    with path.open("ab") as f:  # a write the crash cut in the middle: a length, then half a record
        f.write((5000).to_bytes(4, "big") + os.urandom(1234))
    result = service.recover_interrupted()[0]
    assert result.custody["lost_tail_bytes"] == 4 + 1234
    assert wav_info(_read_attachment(vault, result.sha256), tmp_path)[4] == good


def test_a_recording_running_elsewhere_is_left_alone(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v")
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    session.feed(sine_pcm(440, capture.COMMIT_SECONDS))
    assert service.recover_interrupted() == []  # the writer holds the journal's lock
    with pytest.raises(RefusedError, match="still running"):
        service.finish(recording_id)
    session.stop()
    assert service.finish(recording_id) is not None


def test_a_recording_with_no_audio_leaves_nothing(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v")
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    session.stop()
    assert service.finish(recording_id) is None
    assert vault.conn.execute("SELECT state, journal_key FROM recordings").fetchone() == ("discarded", None)
    assert not list((tmp_path / "v" / BLOBS_DIR).iterdir())
    assert AttachmentStore(vault).list_for(rid) == []


def test_journal_refuses_wrong_key_other_id_and_tampering(tmp_path: Path) -> None:
    key, jid = os.urandom(32), b"a" * 32
    path = tmp_path / "j"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
    writer = journal.JournalWriter(fd, key, jid, {"sample_rate": RATE, "channels": 1, "bits": 16})
    writer.append(journal.T_AUDIO, b"\x01\x00" * 1000)
    writer.append(journal.T_AUDIO, b"\x02\x00" * 1000)
    writer.close(end={"ended_at": "t"})
    raw = path.read_bytes()
    assert b"\x01\x00" * 16 not in raw  # ciphertext only

    def read(data: bytes, k: bytes = key, i: bytes = jid) -> tuple[list[tuple[int, bytes]], journal.JournalScan]:
        path.write_bytes(data)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            reader = journal.JournalReader(fd, k, i)
            return list(reader.records()), reader.scan
        finally:
            os.close(fd)

    records, scan = read(raw)
    assert [k for k, _ in records] == [journal.T_META, journal.T_AUDIO, journal.T_AUDIO, journal.T_END]
    assert scan.clean_end and scan.tail_bytes == 0
    with pytest.raises(RefusedError, match="does not open"):
        read(raw, k=os.urandom(32))
    with pytest.raises(RefusedError, match="does not open"):
        read(raw, i=b"b" * 32)
    with pytest.raises(RefusedError, match="not a recording journal"):
        read(b"\x89TIblob\n" + raw[8:])
    with pytest.raises(RefusedError, match="version"):
        read(raw[:8] + b"\x02" + raw[9:])
    # A flipped byte in the second audio record: it is skipped and reported as a gap; what follows still opens.
    offset = journal.HEADER_LEN
    for _ in range(2):
        offset += 4 + int.from_bytes(raw[offset:offset + 4], "big")
    flipped = bytearray(raw)
    flipped[offset + 4 + 100] ^= 1
    records, scan = read(bytes(flipped))
    assert [k for k, _ in records] == [journal.T_META, journal.T_AUDIO, journal.T_GAP, journal.T_END]
    assert scan.clean_end and scan.gaps == 1 and not scan.fully_read
    # Records swapped: the index in the nonce refuses the first out-of-order one.
    first_len = 4 + int.from_bytes(raw[journal.HEADER_LEN:journal.HEADER_LEN + 4], "big")
    meta, rest = raw[journal.HEADER_LEN:journal.HEADER_LEN + first_len], raw[journal.HEADER_LEN + first_len:]
    records, _ = read(raw[:journal.HEADER_LEN] + rest[:2016 + 4] + meta)
    assert records == []


def test_wav_header_matches_the_standard_library(tmp_path: Path) -> None:
    fmt = wav.PcmFormat(16_000, 1, 16)
    pcm = sine_pcm(300, 0.25, rate=16_000)
    assert wav_info(wav.header(fmt, len(pcm)) + pcm, tmp_path)[:4] == (1, 2, 16_000, len(pcm) // 2)
    assert wav.parse_header(wav.header(fmt, len(pcm))) == (fmt, len(pcm))
    with pytest.raises(RefusedError):
        wav.header(fmt, 3)
    with pytest.raises(RefusedError):
        wav.parse_header(b"RIFX" + wav.header(fmt, 2)[4:])


def test_level_and_disk_estimate() -> None:
    assert wav.peak_dbfs(b"") == float("-inf")
    assert abs(wav.peak_dbfs(sine_pcm(440, 0.1, amplitude=0.5)) - (-6.02)) < 0.1
    rate = wav.PcmFormat().byte_rate
    # 10 minutes of headroom need 2 x 600 s of bytes beyond the copy of what was recorded and the margin.
    margin = 64 << 20
    assert capture.seconds_of_space(margin + 1000 + 2 * rate * 600, 1000, rate) == 600
    assert capture.seconds_of_space(100, 1000, rate) == 0


def test_old_blobs_still_read_and_sweep_keeps_journals(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v")
    info = AttachmentStore(vault).attach_stream(rid, __import__("io").BytesIO(b"scan"), "scan.png")
    recording_id, session = RecordingService(vault).begin(rid, input_name="mic")
    session.feed(sine_pcm(440, capture.COMMIT_SECONDS))
    session.abandon()
    assert vault.sweep_orphan_blobs() == []
    assert AttachmentStore(vault).sweep_orphans() == []
    assert _read_attachment(vault, info.sha256) == b"scan"
    assert (tmp_path / "v" / BLOBS_DIR / (JOURNAL_PREFIX + recording_id)).exists()


def test_custody_detail_is_json_without_notes(tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(tmp_path / "v")
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    session.feed(sine_pcm(440, 0.5))
    session.add_marker("비밀 메모 secret-note")
    session.stop()
    service.finish(recording_id)
    entries = [bytes(r[0]) for r in vault.conn.execute("SELECT entry FROM audit_log")]
    assert entries and not any(b"secret-note" in e for e in entries)
    last = json.loads(entries[-1])
    assert last["action"] == "attach" and last["detail"]["recorded"] is True and last["detail"]["markers"] == 1


def test_the_bundle_manifest_lists_the_recording_by_its_sha256(tmp_path: Path) -> None:
    from intake_app.bundles.export import _plan, _Selection

    vault, rid = vault_with_testimony(tmp_path / "v")
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    session.feed(sine_pcm(440, 1.0))
    session.stop()
    result = service.finish(recording_id)
    assert result is not None
    files, _ = _plan(_Selection(vault, everything=True))
    entry = next(f for f in files if f.path == f"attachments/{result.sha256}")
    assert (entry.sha256, entry.size) == (result.sha256, result.size)
    links = _Selection(vault, everything=True).links()
    assert [(link["media_type"], link["original_name"]) for link in links] == [("audio/wav", result.original_name)]
