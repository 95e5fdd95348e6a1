"""The recorder's journal through the vault's own file calls keeps every byte (issue 27, W2): on Windows a raw os.open
without O_BINARY wrote \\n as \\r\\n and stopped reading at 0x1A, so a journal could not be read back ("too short to
hold its header"). make test-windows runs this under the Windows CPython."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from intake_app.recording import journal
from intake_app.vault.blobstore import JOURNAL_PREFIX, BlobStore

AWKWARD = (b"\n" * 7 + b"\r" * 5 + b"\x1a" * 9 + b"\r\n\x1a\x00") * 4096  # 100 KiB of what text mode mangles


def test_a_journal_full_of_newlines_and_ctrl_z_reads_back_identical(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    key, jid = secrets.token_bytes(journal.KEY_LEN), secrets.token_hex(16)
    fd = store.create_journal(jid)
    writer = journal.JournalWriter(fd, key, jid.encode(), {"sample_rate": 48000, "channels": 1, "bits": 16})
    bodies = [AWKWARD, b"\x1a", b"\n", b"\r", AWKWARD[::-1], bytes(range(256)) * 16]
    for body in bodies:
        writer.append(journal.T_AUDIO, body)
        writer.commit()
    writer.close(end={"duration_ms": 1})
    raw = (tmp_path / "blobs" / f"{JOURNAL_PREFIX}{jid}").read_bytes()
    assert len(raw) == writer.bytes_on_disk  # nothing added (\n -> \r\n) on the way to the disk
    for b in (b"\n", b"\r", b"\x1a"):
        assert b in raw  # the ciphertext holds every byte text mode would mangle

    rfd = store.open_journal(jid)
    assert rfd is not None
    try:
        reader = journal.JournalReader(rfd, key, jid.encode())
        got = [body for kind, body in reader.records() if kind == journal.T_AUDIO]
        assert reader.scan.clean_end
    finally:
        os.close(rfd)
    assert [hashlib.sha256(b).hexdigest() for b in got] == [hashlib.sha256(b).hexdigest() for b in bodies]
