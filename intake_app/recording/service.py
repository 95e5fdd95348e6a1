"""Recordings in the vault: start one (consent first), turn a stopped or interrupted one into an attachment, markers.

Lifecycle (docs/recording.md):

1. ``begin`` checks consent, commits a ``recordings`` row holding a fresh journal key, then creates the journal
   ``blobs/.rec-<id>`` and returns a :class:`CaptureSession` for the capture thread. The key is in the database before
   the first sample is written, so no committed audio is ever unreadable.
2. The capture thread feeds samples; the journal commits every two seconds.
3. ``finish`` (after a stop, or at the next unlock after a crash: ``recover_interrupted``) reads the journal,
   authenticating every record, and streams a WAV file — header, then the samples — through the blob cipher into an
   ordinary blob. In one transaction it links the attachment, writes the ``recorded`` custody event, the markers and an
   audit entry, and marks the row finished (dropping the key); then it deletes the journal. Plaintext exists only in
   memory. A crash at any step leaves a state the next unlock finishes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from intake_app.errors import RefusedError, UsageError
from intake_app.recording import journal, wav
from intake_app.recording.capture import CaptureSession, Marker, clean_note, utc_now
from intake_app.recording.consent import RecordingConsent, recording_consent, require_recording_consent
from intake_app.records import interchange
from intake_app.records.attachments import Link, clean_file_name, put_link, require_live_record
from intake_app.records.store import RecordStore
from intake_app.vault.audit import AuditLog
from intake_app.vault.blobstore import BlobStore
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import BLOBS_DIR, Vault

MEDIA_TYPE = "audio/wav"
MAX_INPUT_NAME = 200


@dataclass(frozen=True)
class RecordingResult:
    """A recording that became an attachment."""

    recording_id: str
    record_id: str
    sha256: str
    size: int
    duration_ms: int
    original_name: str
    started_at: str
    ended_at: str
    markers: tuple[Marker, ...]
    interrupted: bool
    custody: dict[str, Any]


@dataclass(frozen=True)
class MarkerInfo:
    sha256: str
    original_name: str
    at_ms: int
    note: str


def describe_custody(detail: dict[str, Any]) -> dict[str, str]:
    """The ``recorded`` custody event in words, Korean and English."""
    device, input_name = str(detail.get("device", "?")), str(detail.get("input", "?"))
    start, end, n = str(detail.get("from", "?")), str(detail.get("to", "?")), int(detail.get("markers", 0))
    en = f"recorded in app, device {device} ({input_name}), from {start} to {end}, {n} marker{'s' if n != 1 else ''}"
    ko = f"앱에서 녹음, 기기 {device} ({input_name}), {start}부터 {end}까지, 표시 {n}개"
    if detail.get("interrupted"):
        en += "; interrupted (recovered up to the last committed chunk)"
        ko += "; 중단됨 (마지막으로 저장된 부분까지 복구)"
    return {"ko": ko, "en": en}


def _iso_from_timestamp(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _compact(stamp: str) -> str:
    digits = "".join(c for c in stamp[:19] if c.isdigit())
    return f"{digits[:8]}-{digits[8:14]}" if len(digits) >= 14 else "unknown"


class _WavStream(io.RawIOBase):
    """Header, then the journal's audio records, decrypted one record at a time: what ``BlobStore.put`` encrypts."""

    def __init__(self, fd: int, key: bytes, journal_id: str, fmt: wav.PcmFormat, data_bytes: int) -> None:
        super().__init__()
        self._pending = memoryview(wav.header(fmt, data_bytes))
        self._left = data_bytes
        reader = journal.JournalReader(fd, key, journal_id.encode("ascii"))
        self._audio = (body for kind, body in reader.records() if kind == journal.T_AUDIO)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        out = memoryview(buffer).cast("B")
        while not self._pending and self._left:
            body = next(self._audio, None)
            if body is None or len(body) > self._left:
                raise RefusedError("the recording's journal changed while it was being stored")
            self._left -= len(body)
            self._pending = memoryview(body)
        n = min(len(out), len(self._pending))
        out[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


TABLES = ("recordings", "recording_markers")


def remove_testimonies(conn: Connection, record_ids: Sequence[str]) -> None:
    """Purge: the finished or discarded recordings of these testimonies and their markers (notes are content), in
    the caller's transaction. A testimony with a recording in progress is never purged (see records/purge.py)."""
    for record_id in record_ids:
        conn.execute("DELETE FROM recording_markers WHERE recording_id IN (SELECT id FROM recordings"
                     " WHERE record_id = ?)", (record_id,))
        conn.execute("DELETE FROM recordings WHERE record_id = ?", (record_id,))


class RecordingService:
    """Recordings of one unlocked vault. Database work must run on the thread that owns the vault's connection."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn
        self.device = vault.signing_key().public_key.key_id_hex
        self.blobs = BlobStore(vault.path / BLOBS_DIR)

    # -- consent and start -----------------------------------------------------------------------------------------

    def consent(self, record_id: str) -> RecordingConsent:
        """The testimony's saved decision for recording (what the recorder's button shows)."""
        require_live_record(self.conn, record_id)
        return recording_consent(RecordStore(self.vault).get(record_id))

    def begin(self, record_id: str, *, input_name: str, fmt: wav.PcmFormat | None = None,
              acknowledged: bool = False) -> tuple[str, CaptureSession]:
        """Start a recording of ``record_id``: refused unless consent allows it. Returns its id and the session."""
        fmt = fmt or wav.PcmFormat()
        require_live_record(self.conn, record_id)
        consent = require_recording_consent(RecordStore(self.vault).get(record_id), acknowledged=acknowledged)
        recording_id = os.urandom(16).hex()
        key = os.urandom(journal.KEY_LEN)
        name = clean_note(input_name)[:MAX_INPUT_NAME] or "default input"
        started = utc_now()
        with Transaction(self.conn):
            self.conn.execute(
                "INSERT INTO recordings (id, record_id, journal_key, state, started_at, device, input_name,"
                " sample_rate, channels, bits, consent) VALUES (?, ?, ?, 'recording', ?, ?, ?, ?, ?, ?, ?)",
                (recording_id, record_id, key, started, self.device, name, fmt.sample_rate, fmt.channels, fmt.bits,
                 consent.value),
            )
        try:
            fd = self.blobs.create_journal(recording_id)
            meta = {"v": 1, "record": record_id, "started_at": started, "input": name, "sample_rate": fmt.sample_rate,
                    "channels": fmt.channels, "bits": fmt.bits, "consent": consent.value,
                    "conditions_acknowledged": bool(acknowledged and consent.needs_acknowledgement)}
            try:
                writer = journal.JournalWriter(fd, key, recording_id.encode("ascii"), meta)
            except BaseException:
                os.close(fd)
                raise
        except BaseException:
            self._discard(recording_id)
            raise
        return recording_id, CaptureSession(writer, fmt, self.blobs.root)

    # -- finishing -------------------------------------------------------------------------------------------------

    def finish(self, recording_id: str) -> RecordingResult | None:
        """Turn a stopped (or crashed) recording into an attachment; None if it held no audio (nothing is kept)."""
        row = self.conn.execute(
            "SELECT record_id, journal_key, state, started_at, input_name, consent FROM recordings WHERE id = ?",
            (recording_id,)).fetchone()
        if row is None:
            raise UsageError(f"no recording {recording_id}")
        record_id, key, state, started_at, input_name, consent = (str(row[0]), row[1], str(row[2]), str(row[3]),
                                                                  str(row[4]), str(row[5]))
        if state != "recording" or key is None:
            raise UsageError("this recording was already stored")
        fd = self.blobs.open_journal(recording_id)
        if fd is None:
            self._discard(recording_id)
            return None
        try:
            if not journal.lock_exclusive(fd, wait=False):
                raise RefusedError("this recording is still running in another window or program")
            scan = self._scan(fd, bytes(key), recording_id)
            if scan["data_bytes"] == 0 and not scan["fully_read"]:
                raise RefusedError("the recording's journal is damaged and no audio in it could be read yet; it is"
                                   " kept, with its key, for a later try")
            if scan["data_bytes"] == 0:
                result = None
            else:
                if self.conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone() is None:
                    # The testimony is gone (a purge by a version that did not spare recordings, or an orphan
                    # journal): audio is never discarded; it goes into a new testimony that says it needs review.
                    record_id = self._rescue_testimony(record_id, started_at)
                    with Transaction(self.conn):
                        self.conn.execute("UPDATE recordings SET record_id = ? WHERE id = ?", (record_id, recording_id))
                fmt = wav.PcmFormat(scan["meta"]["sample_rate"], scan["meta"]["channels"], scan["meta"]["bits"])
                stream = _WavStream(fd, bytes(key), recording_id, fmt, scan["data_bytes"])
                stored = self.blobs.put(stream)  # type: ignore[arg-type]
                ended_at = scan["ended_at"] or _iso_from_timestamp(os.fstat(fd).st_mtime)
                result = self._link(recording_id, record_id, started_at, ended_at, input_name, consent, fmt,
                                    scan, stored)
        finally:
            os.close(fd)
        if result is None:
            self._discard(recording_id)
        elif scan["fully_read"]:
            self.blobs.delete_journal(recording_id)
        # Otherwise the journal stays, encrypted, and its row keeps the key (set aside: never deleted unread).
        return result

    def _scan(self, fd: int, key: bytes, recording_id: str) -> dict[str, Any]:
        reader = journal.JournalReader(fd, key, recording_id.encode("ascii"))
        meta: dict[str, Any] = {}
        data_bytes = 0
        markers: list[Marker] = []
        ended_at: str | None = None
        for kind, body in reader.records():
            if kind == journal.T_META:
                meta = journal.parse_json(body)
                fmt = wav.PcmFormat(int(meta["sample_rate"]), int(meta["channels"]), int(meta["bits"]))
            elif kind == journal.T_AUDIO:
                if len(body) % fmt.block_align or data_bytes + len(body) > wav.MAX_DATA:
                    raise RefusedError("the recording's journal holds a partial sample")
                data_bytes += len(body)
            elif kind == journal.T_EVENT:
                event = journal.parse_json(body)
                if event.get("kind") == "marker":
                    at = event.get("at_ms")
                    if not isinstance(at, int) or at < 0:
                        raise RefusedError("a marker in the recording's journal has no valid time")
                    markers.append(Marker(at, clean_note(str(event.get("note", ""))), str(event.get("wall", ""))))
            elif kind == journal.T_END:
                ended_at = str(journal.parse_json(body).get("ended_at") or "") or None
            elif kind == journal.T_GAP and meta:
                # A damaged stretch: the audio on both sides is kept as it was recorded, and the gap is marked where
                # it falls in the stored file (no silence is invented in its place).
                lost = journal.parse_json(body)
                markers.append(Marker(fmt.duration_ms(data_bytes), clean_note(
                    f"gap: {lost.get('records', '?')} damaged journal record(s), about {lost.get('bytes', '?')} bytes"
                    " of the recording could not be read here (the journal is kept for a later try)"), utc_now()))
        if not meta:
            raise RefusedError("the recording's journal has no header record")
        return {"meta": meta, "data_bytes": data_bytes, "markers": markers, "ended_at": ended_at,
                "clean": reader.scan.clean_end, "tail_bytes": reader.scan.tail_bytes, "gaps": reader.scan.gaps,
                "fully_read": reader.scan.fully_read}

    def _link(self, recording_id: str, record_id: str, started_at: str, ended_at: str, input_name: str,
              consent: str, fmt: wav.PcmFormat, scan: dict[str, Any], stored: Any) -> RecordingResult:
        interrupted = not scan["clean"] or bool(scan["gaps"])
        markers: list[Marker] = scan["markers"]
        duration = fmt.duration_ms(scan["data_bytes"])
        name = clean_file_name(f"recording-{_compact(started_at)}{'-interrupted' if interrupted else ''}.wav")
        detail = {"record": record_id, "source": "recorded_in_app", "device": self.device, "input": input_name,
                  "from": started_at, "to": ended_at, "markers": len(markers), "duration_ms": duration,
                  "interrupted": interrupted, "consent": consent,
                  "format": f"WAV PCM {fmt.bits}-bit {fmt.channels}ch {fmt.sample_rate} Hz"}
        if interrupted:
            detail["lost_tail_bytes"] = scan["tail_bytes"]
        if scan["gaps"] or not scan["fully_read"]:
            detail["damaged_records"] = scan["gaps"]
            detail["journal_kept"] = True
        now = utc_now()
        duplicate = False
        try:
            with Transaction(self.conn):
                if self.conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone() is None:
                    raise UsageError(f"no testimony with id {record_id}")
                duplicate = self.conn.execute(
                    "SELECT 1 FROM attachments WHERE sha256 = ?", (stored.sha256,)).fetchone() is not None
                if not duplicate:
                    self.conn.execute(
                        "INSERT INTO attachments (sha256, blob_id, blob_key, size, media_type, added_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (stored.sha256, stored.blob_id, stored.key, stored.size, MEDIA_TYPE, now))
                put_link(self.conn, Link(record_id, stored.sha256, name, started_at, now, self.device),
                         custody=("recorded", now, detail))
                self.conn.executemany(
                    "INSERT INTO recording_markers (recording_id, at_ms, note, added_at) VALUES (?, ?, ?, ?)",
                    [(recording_id, m.at_ms, m.note, m.added_at or now) for m in markers])
                # The key goes with the journal: kept while the journal is set aside for a later try.
                self.conn.execute(
                    "UPDATE recordings SET state = 'finished', journal_key = CASE WHEN ? THEN NULL ELSE journal_key END,"
                    " ended_at = ?, sha256 = ?, duration_ms = ?, interrupted = ? WHERE id = ?",
                    (scan["fully_read"], ended_at, stored.sha256, duration, int(interrupted), recording_id))
                # Ids, hashes and counts only: the audit log never holds content (marker notes stay out).
                AuditLog(self.conn, self.device).append("attach", now, record_id, {
                    "sha256": stored.sha256, "size": stored.size, "recorded": True, "duration_ms": duration,
                    "markers": len(markers), "interrupted": interrupted})
        except BaseException:
            self.blobs.delete(stored.blob_id)
            raise
        if duplicate:
            self.blobs.delete(stored.blob_id)
        return RecordingResult(recording_id, record_id, stored.sha256, stored.size, duration, name, started_at,
                               ended_at, tuple(markers), interrupted, detail)

    def recover_interrupted(self) -> list[RecordingResult]:
        """At unlock: store every recording a crash left unfinished (up to its last committed chunk), marked as
        interrupted; skip those still running in another process; remove journals no recording needs any more."""
        recovered: list[RecordingResult] = []
        for (recording_id,) in self.conn.execute("SELECT id FROM recordings WHERE state = 'recording'").fetchall():
            if self._busy(str(recording_id)):
                continue
            result = self.finish(str(recording_id))
            if result is not None:
                recovered.append(result)
        # Only a journal whose audio is stored and that was read in full (its key dropped) is deleted; one without a
        # row, or set aside with its key after damage, is never deleted here.
        done = {str(r[0]) for r in self.conn.execute(
            "SELECT id FROM recordings WHERE state IN ('finished', 'discarded') AND journal_key IS NULL")}
        for journal_id in list(self.blobs.iter_journal_ids()):
            if journal_id in done and not self._busy(journal_id):
                self.blobs.delete_journal(journal_id)
        return recovered

    # -- queries ---------------------------------------------------------------------------------------------------

    def markers_for(self, record_id: str) -> list[MarkerInfo]:
        """The markers of the testimony's stored recordings, in recording and time order (the narrative tab)."""
        rows = self.conn.execute(
            "SELECT r.sha256, coalesce(l.original_name, ''), m.at_ms, m.note FROM recording_markers m"
            " JOIN recordings r ON r.id = m.recording_id"
            " LEFT JOIN attachment_links l ON l.sha256 = r.sha256 AND l.record_id = r.record_id"
            " WHERE r.record_id = ? AND r.state = 'finished' ORDER BY r.started_at, m.at_ms, m.rowid", (record_id,))
        return [MarkerInfo(str(a), str(b), int(c), str(d)) for a, b, c, d in rows]

    def custody_details(self, sha256: str) -> list[dict[str, Any]]:
        """The ``recorded`` custody events of an attachment (their JSON detail)."""
        out = []
        for (detail,) in self.conn.execute(
                "SELECT detail FROM custody_events WHERE sha256 = ? AND action = 'recorded' ORDER BY id", (sha256,)):
            value = json.loads(str(detail))
            if isinstance(value, dict):
                out.append(value)
        return out

    # -- helpers ---------------------------------------------------------------------------------------------------

    def _busy(self, journal_id: str) -> bool:
        fd = self.blobs.open_journal(journal_id)
        if fd is None:
            return False
        try:
            return not journal.lock_exclusive(fd, wait=False)
        finally:
            os.close(fd)

    def _rescue_testimony(self, lost_record: str, started_at: str) -> str:
        """A new testimony, marked for review, to hold a recording whose testimony is no longer in the vault."""
        doc = {"interview": {"date": started_at[:10], "language": "und", "interviewer": "review"},
               "interviewee": {"pseudonym": "recovered recording"},
               "notes": (f"REVIEW: this testimony was made by the app to keep a recording whose testimony ({lost_record})"
                         f" is no longer in this vault. Recording started {started_at}.")}
        return RecordStore(self.vault).save(interchange.validate(doc)).record_id

    def _discard(self, recording_id: str) -> None:
        with Transaction(self.conn):
            self.conn.execute("UPDATE recordings SET state = 'discarded', journal_key = NULL WHERE id = ?",
                              (recording_id,))
        self.blobs.delete_journal(recording_id)
