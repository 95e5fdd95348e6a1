"""A recording that fills the disk: the warning shows first, the write fails with a clear message, what was committed
is kept, and it becomes an interrupted attachment once there is room. A real small tmpfs (root only, as CI runs)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from rec_helpers import sine_pcm, vault_with_testimony, wav_info

from intake_app.errors import RefusedError
from intake_app.recording import capture
from intake_app.recording.service import RecordingService
from intake_app.records.attachments import AttachmentStore
from tests.conftest import missing_tool, needs_root

pytestmark = needs_root("mounting a small tmpfs; CI runs as root")


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "small"
    mnt.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", str(mnt)],
                         capture_output=True, check=False)
    if res.returncode != 0:
        missing_tool(f"tmpfs mount: {res.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_recording_until_the_disk_is_full(small_fs: Path, tmp_path: Path) -> None:
    vault, rid = vault_with_testimony(small_fs / "vault")
    free = os.statvfs(small_fs).f_bavail * os.statvfs(small_fs).f_frsize
    filler = small_fs / "filler"
    filler.write_bytes(b"\0" * (free - 3_000_000))  # leave about 3 MB: some 30 s of audio
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    assert session.disk_warning() and session.seconds_of_space() < capture.WARN_SECONDS
    block = sine_pcm(440, 1.0)
    committed_audio = 0
    with pytest.raises(RefusedError, match="the disk is full: the recording stopped; everything up to now is kept"):
        for _ in range(120):
            before = session.writer.bytes_on_disk
            session.feed(block)
            if session.writer.bytes_on_disk != before:
                committed_audio = session.data_bytes
    session.abandon()
    # No room for the blob yet: storing refuses, and changes nothing (the journal and its key stay).
    with pytest.raises(RefusedError, match="space"):
        service.finish(recording_id)
    assert vault.conn.execute("SELECT state FROM recordings").fetchone()[0] == "recording"
    filler.unlink()
    (result,) = service.recover_interrupted()
    assert result.interrupted
    with AttachmentStore(vault).open(result.sha256) as reader:
        pcm = wav_info(reader.read(), tmp_path)[4]
    assert len(pcm) == committed_audio > 0
