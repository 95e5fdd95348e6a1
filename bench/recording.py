"""Recording (issue 18): what a commit costs while recording, and how long Stop takes to turn the journal into a blob.

    .venv/bin/python bench/recording.py [--minutes 60] [--commits 200]

* commit: one two-second audio record (192,000 bytes at 48 kHz mono) sealed, written and fsync'ed, as the capture
  thread does every two seconds; reference: the same bytes written in plaintext and fsync'ed (what any recorder that
  is crash-safe pays). Median and 99th percentile; the budget is the two seconds between commits.
* finish: Stop on a recording of ``--minutes`` (read and authenticate the journal twice, stream the WAV through the
  blob cipher, fsync, link); reference: copying the journal file with shutil.copyfile + fsync, in the same run.
Peak RSS shows the memory stays flat whatever the length. Samples are a generated sine (content does not matter).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")

from bench._report import add_dir_argument, figure, peak_rss_mb, private_dir
from intake_app.recording import capture, journal
from intake_app.recording.service import RecordingService
from intake_app.records.store import RecordStore
from intake_app.vault.blobstore import JOURNAL_PREFIX
from intake_app.vault.vault import Vault

RATE = 48_000
COMMIT_BYTES = int(capture.COMMIT_SECONDS * RATE * 2)


def _sine_block() -> bytes:
    return b"".join(struct.pack("<h", round(16000 * math.sin(2 * math.pi * 440 * i / RATE)))
                    for i in range(COMMIT_BYTES // 2))


def _testimony() -> bytes:
    return json.dumps({"interview": {"date": "2024-05-02", "language": "ko", "interviewer": "I-03"},
                       "interviewee": {"pseudonym": "W-1"}, "consent": {"recording": "granted"}}).encode()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--commits", type=int, default=200)
    add_dir_argument(parser)
    args = parser.parse_args()
    block = _sine_block()
    with tempfile.TemporaryDirectory(prefix="bench-recording-", dir=private_dir(args.dir)) as tmp:
        root = Path(tmp)
        vault, _ = Vault.create(root / "vault", "bench passphrase")
        rid = RecordStore(vault).add_json(_testimony()).record_id
        service = RecordingService(vault)
        recording_id, session = service.begin(rid, input_name="bench")

        plain = os.open(root / "plain", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        sealed_times, plain_times = [], []
        for _ in range(args.commits):  # interleaved, so both see the same disk
            t = time.perf_counter()
            session.writer.append(journal.T_AUDIO, block)  # what a commit does: seal, write, fsync
            session.writer.commit()
            sealed_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            os.write(plain, block)
            os.fsync(plain)
            plain_times.append(time.perf_counter() - t)
        os.close(plain)
        # What the capture thread does every 100 ms besides committing: the level meter and the buffering.
        piece = block[: RATE * 2 // 10]
        session.data_bytes += args.commits * len(block)  # the commits above went to the writer directly
        t = time.perf_counter()
        for _ in range(19):  # stays below one commit's worth
            session.feed(piece)
        feed_ms = (time.perf_counter() - t) / 19 * 1000
        session.commit()
        # Fill up to the requested length without timing each commit.
        target = int(args.minutes * 60 * RATE * 2)
        while session.data_bytes + len(block) <= target:
            session.feed(block)
        session.stop()
        journal_path = service.blobs.root / f"{JOURNAL_PREFIX}{recording_id}"
        size = journal_path.stat().st_size

        t = time.perf_counter()
        with journal_path.open("rb") as src, (root / "copy").open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        copy_s = time.perf_counter() - t
        t = time.perf_counter()
        result = service.finish(recording_id)
        finish_s = time.perf_counter() - t
        assert result is not None

    med_sealed, med_plain = statistics.median(sealed_times), statistics.median(plain_times)
    p99_sealed = sorted(sealed_times)[int(0.99 * (len(sealed_times) - 1))]
    p99_plain = sorted(plain_times)[int(0.99 * (len(plain_times) - 1))]
    print(f"commit of {COMMIT_BYTES:,} bytes ({capture.COMMIT_SECONDS:g} s of audio), {args.commits} commits:")
    print(f"  sealed + fsync   median {med_sealed * 1000:7.2f} ms   p99 {p99_sealed * 1000:7.2f} ms")
    print(f"  plain  + fsync   median {med_plain * 1000:7.2f} ms   p99 {p99_plain * 1000:7.2f} ms")
    print(f"  feed of 100 ms (level meter, buffering) {feed_ms:.3f} ms")
    print(f"finish (Stop) of {result.duration_ms / 60000:.1f} min, journal {size:,} bytes, blob {result.size:,} B:")
    print(f"  finish {finish_s:6.2f} s ({size / finish_s / 1e6:.0f} MB/s)   copy + fsync {copy_s:6.2f} s")
    print(f"peak RSS {peak_rss_mb():.1f} MB")
    figure("commit median", med_sealed * 1000, "ms", reference="plaintext write + fsync",
           reference_value=med_plain * 1000, target="< 2000 ms (one commit interval)", ok=p99_sealed < 2.0)
    figure("commit p99", p99_sealed * 1000, "ms", reference="plaintext write + fsync", reference_value=p99_plain * 1000)
    figure(f"finish {args.minutes:g} min", finish_s, "s", reference="copy + fsync of the journal",
           reference_value=copy_s)
    figure("peak RSS", peak_rss_mb(), "MB", target="flat (< 100 MB)", ok=peak_rss_mb() < 100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
