"""A recording in progress, fed with PCM by whatever captures it (Qt Multimedia in the app): pause, markers, commits.

``CaptureSession`` owns the journal writer and is used from one thread (the capture thread). Audio is buffered in memory
and committed to the journal (written and fsync'ed) every ``COMMIT_SECONDS`` of audio, and at every pause, marker and
stop: a crash or a power cut loses at most the audio since the last commit (about two seconds, plus what the audio
system itself buffers). Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from intake_app.display import clean_text
from intake_app.errors import RefusedError
from intake_app.recording import journal, wav

COMMIT_SECONDS: Final = 2.0
MAX_NOTE: Final = 500
WARN_SECONDS: Final = 600  # warn when the disk will be full within ten minutes
# Kept free beyond the estimate: the database, its WAL and the system need room too.
_DISK_MARGIN: Final = 64 << 20


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Marker:
    at_ms: int
    note: str
    added_at: str


def clean_note(note: str) -> str:
    """A marker's note on one line, without control or bidi characters, at most 500 characters."""
    return clean_text(" ".join(note.split()))[:MAX_NOTE]


def seconds_of_space(free_bytes: int, recorded_bytes: int, byte_rate: int) -> float:
    """How long the recording can go on before the disk is full.

    Stopping turns the journal into a blob, a second copy of everything recorded: so the copy of what is recorded so
    far is reserved, and each further second costs two seconds' bytes (journal and blob).
    """
    spare = free_bytes - recorded_bytes - _DISK_MARGIN
    return max(0.0, spare / (2 * byte_rate))


class CaptureSession:
    """Feed PCM with :meth:`feed`; pause, resume, add markers; :meth:`stop` seals the end and closes the journal."""

    def __init__(self, writer: journal.JournalWriter, fmt: wav.PcmFormat, blobs_root: Path) -> None:
        self.writer = writer
        self.fmt = fmt
        self._root = blobs_root
        self._pending = bytearray()
        self._carry = b""  # a partial frame from the last feed
        self.data_bytes = 0  # committed and pending audio
        self.paused = False
        self.stopped = False
        self.full = False  # the WAV size limit was reached; the caller should stop
        self.markers: list[Marker] = []
        self.level_dbfs = -math.inf
        self._commit_bytes = int(COMMIT_SECONDS * fmt.byte_rate)

    @property
    def elapsed_ms(self) -> int:
        """Milliseconds of audio recorded (pauses excluded): the clock the markers use."""
        return self.fmt.duration_ms(self.data_bytes)

    @property
    def committed_bytes(self) -> int:
        return self.writer.bytes_on_disk

    def feed(self, pcm: bytes) -> None:
        """Add captured samples; ignored while paused. Commits when ``COMMIT_SECONDS`` of audio are pending."""
        if self.stopped:
            return
        self.level_dbfs = wav.peak_dbfs(pcm)
        if self.paused or not pcm:
            return
        data = self._carry + pcm
        whole = len(data) - len(data) % self.fmt.block_align
        self._carry = data[whole:]
        room = wav.MAX_DATA - self.data_bytes
        if whole > room:
            whole = room - room % self.fmt.block_align
            self.full = True
        self._pending += data[:whole]
        self.data_bytes += whole
        if len(self._pending) >= self._commit_bytes or self.full:
            self.commit()

    def commit(self) -> None:
        """Seal the pending audio and make the journal durable."""
        if self._pending:
            self.writer.append(journal.T_AUDIO, bytes(self._pending))
            self._pending.clear()
        self.writer.commit()

    def _event(self, kind: str, **fields: object) -> None:
        body = {"kind": kind, "at_ms": self.elapsed_ms, "wall": utc_now(), **fields}
        self.writer.append(journal.T_EVENT, json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def pause(self) -> None:
        if self.stopped or self.paused:
            return
        self._flush_pending()
        self._event("pause")
        self.writer.commit()
        self.paused = True

    def resume(self) -> None:
        if self.stopped or not self.paused:
            return
        self._carry = b""
        self._event("resume")
        self.writer.commit()
        self.paused = False

    def add_marker(self, note: str = "") -> Marker:
        """A time marker at the current position, committed at once with the audio before it."""
        if self.stopped:
            raise RefusedError("the recording was already stopped")
        self._flush_pending()
        marker = Marker(self.elapsed_ms, clean_note(note), utc_now())
        self._event("marker", note=marker.note)
        self.writer.commit()
        self.markers.append(marker)
        return marker

    def seconds_of_space(self) -> float:
        """Seconds left before the disk holding the vault is full (see :func:`seconds_of_space`)."""
        try:
            free = shutil.disk_usage(self._root).free
        except OSError:
            return math.inf
        return seconds_of_space(free, self.committed_bytes + len(self._pending), self.fmt.byte_rate)

    def disk_warning(self) -> bool:
        return self.seconds_of_space() < WARN_SECONDS

    def stop(self) -> None:
        """Commit what is pending, seal the end record, close the journal. Idempotent."""
        if self.stopped:
            return
        self.stopped = True
        try:
            self._flush_pending()
            self.writer.close(end={"ended_at": utc_now(), "data_bytes": self.data_bytes})
        except BaseException:
            self.writer.abandon()
            raise

    def abandon(self) -> None:
        """Close the journal as a crash would (no end record), keeping what was committed, e.g. after a disk error."""
        self.stopped = True
        self.writer.abandon()

    def _flush_pending(self) -> None:
        if self._pending:
            self.writer.append(journal.T_AUDIO, bytes(self._pending))
            self._pending.clear()
