"""Longest GUI event-loop stall during unlock, search, attach and export of a large vault (target: under 100 ms).

A QTimer ticks every 5 ms on the GUI thread and records the largest gap between ticks while each phase runs the way
the app runs it (unlock on a ``Task`` thread, search through ``SearchController``, attach through the attachments
panel, export on the ``DbWorker``). The reference is the same timer on an idle loop, measured in the same run.

    python -m bench.ui_latency [--records 20000] [--attach-mb 200] [--cache DIR]

Setup (cached between runs in DIR, default bench/out/cache/ui): a field vault with the default key-derivation
profile, N generated testimonies written through RecordStore, and a pinned HQ key.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script by `python -m bench`

from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from bench._report import CACHE
from intake_app.bundles.export import export_bundle
from intake_app.bundles.keyring import Keyring, parse_hq_key_file
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault, vault_exists
from ui.common.db_worker import DbWorker, JobContext, favour_the_gui_thread
from ui.common.search_results import SearchController, SearchResultsModel
from ui.common.tasks import start_task
from ui.field.attachments_panel import AttachmentsPanel

PASSPHRASE = "bench passphrase for the ui latency vault"
TARGET_MS = 100.0
PLACES = ("청진", "회령", "온성", "무산", "혜산", "연길", "도문", "평양")


class StallMeter(QObject):
    """Largest gap between 5 ms timer ticks on the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.worst * 1000


def run_phase(meter: StallMeter, begin: Callable[[Callable[[], None]], None], timeout_s: float = 900) -> tuple[float, float]:
    """Start the phase (it calls ``done`` when finished) inside a real event loop; (longest stall ms, seconds)."""
    loop = QEventLoop()
    finished = {"done": False}

    def done() -> None:
        finished["done"] = True
        loop.quit()

    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    meter.start()
    started = time.perf_counter()
    begin(done)
    if not finished["done"]:
        loop.exec()
    elapsed = time.perf_counter() - started
    if not finished["done"]:
        raise RuntimeError("phase timed out")
    return meter.stop(), elapsed


def make_testimony(i: int) -> bytes:
    place = PLACES[i % len(PLACES)]
    text = (f"{2000 + i % 20}년 봄쯤 {place}에서 언니가 잡혀갔다고 들었습니다. 증언 번호 {i}. " * 8).strip()
    return json.dumps({
        "interview": {"date": f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}", "language": "ko",
                      "interviewer": "I-03"},
        "interviewee": {"pseudonym": f"W-{i:05d}"},
        "narrative": text,
        "victims": [{"names": [{"hangul": f"김{i % 97}별", "roman": f"Kim {i}"}], "categories": [1 + i % 10],
                     "status": "missing", "acts": [{"type": "arrest", "date_text": f"{2000 + i % 20}년 봄쯤",
                                                     "place": place}]}],
    }, ensure_ascii=False).encode()


def setup(cache: Path, records: int) -> Path:
    """The cached vault (default KDF profile), with ``records`` testimonies and a pinned HQ key."""
    path = cache / f"vault-{records}"
    if vault_exists(path):
        return path
    os.environ.pop("INTAKE_KDF_PROFILE", None)
    cache.mkdir(parents=True, exist_ok=True)
    print(f"setup: creating {records} testimonies in {path} (cached for later runs)…", flush=True)
    vault, _ = Vault.create(path, PASSPHRASE, "field")
    hq, _ = Vault.create(cache / f"hq-{records}", PASSPHRASE, "hq")
    keyring = Keyring(vault)
    keyring.pin_recipient(parse_hq_key_file(Keyring(hq).export_public()), "HQ")
    hq.lock()
    store = RecordStore(vault)
    started = time.perf_counter()
    for i in range(records):
        store.add_json(make_testimony(i))
        if i and i % 2000 == 0:
            print(f"  {i} ({time.perf_counter() - started:.0f} s)", flush=True)
    vault.lock()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--attach-mb", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=CACHE / "ui", help="folder for the vault kept between runs "
                        "(default: %(default)s)")
    args = parser.parse_args(argv)
    path = setup(args.cache, args.records)
    favour_the_gui_thread()  # as ui.app.main does
    app = QApplication.instance() or QApplication([sys.argv[0]])
    meter = StallMeter()
    results: list[tuple[str, float, float]] = []

    idle, _ = run_phase(meter, lambda done: QTimer.singleShot(1000, done))
    results.append(("idle loop (reference)", idle, 1.0))

    opened: dict[str, Vault] = {}

    def unlock(done: Callable[[], None]) -> None:
        def ok(vault: object) -> None:
            assert isinstance(vault, Vault)
            opened["vault"] = vault
            done()
        opened["task"] = start_task(lambda: Vault.open(path, PASSPHRASE), ok, lambda exc: done(), app)  # type: ignore[assignment]

    stall, secs = run_phase(meter, unlock)
    results.append(("unlock (default KDF)", stall, secs))
    vault = opened["vault"]
    worker = DbWorker(vault)

    model = SearchResultsModel()
    controller = SearchController(worker, model)

    def search(done: Callable[[], None]) -> None:
        queries = iter(["청", "청진", "청진에서", "회령", "Kim 1", "언니가 잡혀"])

        def next_query(_: int = 0) -> None:
            query = next(queries, None)
            if query is None:
                done()
                return
            for i in range(1, len(query) + 1):  # typed a character at a time: the debounce keeps one search
                controller.set_query(query[:i])
        controller.finished.connect(next_query)
        next_query()

    stall, secs = run_phase(meter, search)
    results.append((f"search ({args.records} testimonies, 6 queries typed)", stall, secs))

    big = args.cache / f"attach-{args.attach_mb}mb.bin"
    if not big.exists() or big.stat().st_size != args.attach_mb << 20:
        with big.open("wb") as fh:
            for _ in range(args.attach_mb):
                fh.write(os.urandom(1 << 20))
    record_id = RecordStoreIds.first(worker, app)
    panel = AttachmentsPanel(worker)

    def attach(done: Callable[[], None]) -> None:
        panel.record_id = record_id
        job = panel.attach(big)
        assert job is not None

        def check() -> None:
            if panel._job is None:
                done()
            else:
                QTimer.singleShot(20, check)
        check()

    stall, secs = run_phase(meter, attach)
    results.append((f"attach {args.attach_mb} MB", stall, secs))

    out = args.cache / "export"
    out.mkdir(exist_ok=True)
    for old in out.glob("*"):
        old.unlink()

    def export(done: Callable[[], None]) -> None:
        def job(ctx: JobContext) -> object:
            return export_bundle(ctx.vault, out, everything=True, progress=ctx.progress)
        def failed(exc: BaseException) -> None:
            print("export failed:", exc)
            done()
        worker.submit(job, on_done=lambda _: done(), on_error=failed, on_progress=lambda d, t: None)

    stall, secs = run_phase(meter, export)
    size = sum(f.stat().st_size for f in out.glob("*"))
    results.append((f"export everything ({args.records} testimonies + attachments, {size >> 20} MB)", stall, secs))
    worker.shutdown()
    vault.lock()

    print(f"\n{'phase':<62} {'longest stall':>14} {'vs target':>10} {'vs idle':>8} {'duration':>9}")
    for name, stall_ms, secs in results:
        print(f"{name:<62} {stall_ms:>11.1f} ms {stall_ms / TARGET_MS:>9.2f}x {stall_ms / idle:>7.1f}x "
              f"{secs:>8.1f}s")
    worst = max(r[1] for r in results[1:])
    print(f"\nworst stall {worst:.1f} ms: {'within' if worst <= TARGET_MS else 'OVER'} the {TARGET_MS:.0f} ms target")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench._report import figure  # noqa: PLC0415

    for name, stall_ms, _ in results[1:]:
        figure(f"longest GUI stall: {name}", stall_ms, "ms", reference="idle loop, same run", reference_value=idle,
               target="<= 100 ms", ok=stall_ms <= TARGET_MS)
    return 0


class RecordStoreIds:
    @staticmethod
    def first(worker: DbWorker, app: object) -> str:
        """Any record id, read on the worker (the bench obeys the one-thread rule too)."""
        box: dict[str, str] = {}
        loop = QEventLoop()

        def got(rows: object) -> None:
            assert isinstance(rows, list)
            box["id"] = str(rows[0]["id"])
            loop.quit()
        worker.submit(lambda ctx: ctx.records.summaries(limit=1), on_done=got)
        loop.exec()
        return box["id"]


if __name__ == "__main__":
    sys.exit(main())
