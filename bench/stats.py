"""Benchmark ``intake stats`` and the Statistics page at 100k testimonies, on a real SQLCipher vault.

    .venv/bin/python bench/stats.py [--testimonies 100000] [--seed 15]

Fills an HQ vault's fact table with N synthetic testimonies (tests/stats/generator.py: the statistics tests' seeded
generator, never real testimony) exactly as the record store would (``facts.store_facts`` on each validated testimony,
with a ``records`` row per testimony so the sync finds nothing stale), then measures:

- every single-dimension query for the victim unit, and several for the person and testimony units (``query.run``:
  the sync check, the range scan of one dimension and the counting), target ≤ 1 s each;
- the Statistics page's redraw offscreen: from ``refresh()`` to the drawn chart and table, the query running on the
  DB worker thread (the GUI thread only draws), target ≤ 1 s;
- reference in the same run: the same single-dimension count computed the naive way, by parsing every testimony's
  JSON for the query (measured on a tenth of the corpus and scaled up).

Filling through ``RecordStore.save`` (revisions, audit, search index) would take most of an hour on this machine and
measures the store, not the statistics; the fill time of the fact table itself is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")  # a throwaway vault
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench._report import add_dir_argument, figure, peak_rss_mb, private_dir
from intake_app.records import interchange
from intake_app.records.ids import uuid7
from intake_app.stats import dimensions, facts, query
from intake_app.vault.vault import Vault
from tests.stats import generator

DIMS = [d.replace("@STAGE", "@arrest") for d in dimensions.DIMENSIONS]


def fill(vault: Vault, n: int, seed: int) -> tuple[list[bytes], float]:
    """N testimonies into the fact table; returns the JSON of the first tenth (for the reference) and the fill time."""
    conn = vault.conn
    device = vault.signing_key().public_key.key_id_hex
    docs: list[bytes] = []
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for i, t in enumerate(generator.corpus(seed, n, duplicates=n // 100)):
        record_id, rev = uuid7(), f"{i:064x}"
        t.doc["id"] = record_id
        data = json.dumps(t.doc, ensure_ascii=False).encode()
        if i < max(1, n // 10):  # the reference runs on a tenth: keep only those in memory
            docs.append(data)
        testimony = interchange.parse_testimony(data)
        conn.execute("INSERT INTO records (id, kind, current_rev, deleted, conflicted, created_at, updated_at, summary)"
                     " VALUES (?, 'testimony', ?, 0, 0, 't', 't', ?)",
                     (record_id, rev, json.dumps({"first_device": device})))
        facts.store_facts(conn, record_id, rev, testimony, device)
        if i % 10000 == 9999:
            conn.execute("COMMIT")
            print(f"  {i + 1} testimonies in the fact table ({time.perf_counter() - started:.0f} s)", flush=True)
            conn.execute("BEGIN IMMEDIATE")
    conn.execute("COMMIT")
    return docs, time.perf_counter() - started


def naive_count(docs: list[bytes], dim: str) -> dict[str, int]:
    """The reference: parse every testimony and bucket it for this one query."""
    counts: dict[str, int] = defaultdict(int)
    for data in docs:
        testimony = interchange.parse_testimony(data)
        for victim in testimony.victims:
            for value in {v for d, v in dimensions.victim_facts(victim) if d == dim}:
                counts[value] += 1
    return counts


def time_query(conn: object, by: str, unit: str, persons: query.Persons | None = None) -> float:
    started = time.perf_counter()
    query.run(conn, [by], unit, (), persons)
    return time.perf_counter() - started


def redraw_times(vault: Vault, dims: list[str]) -> list[float]:
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415 - Qt only for this part

    from ui.common.db_worker import DbWorker  # noqa: PLC0415
    from ui.common.fonts import install_application_font  # noqa: PLC0415
    from ui.hq.stats_page import StatsPage  # noqa: PLC0415

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    install_application_font(app)
    worker = DbWorker(vault)
    page = StatsPage(worker)
    page.resize(1200, 800)
    page.show()
    done: list[float] = []
    page.refreshed.connect(lambda: done.append(time.perf_counter()))

    def wait(count: int) -> None:
        deadline = time.monotonic() + 120
        while len(done) < count and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)

    wait(1)  # the first draw, on show
    times = []
    for dim in dims:
        before = len(done)
        started = time.perf_counter()
        page.set_choice(dim=dim)
        wait(before + 1)
        app.processEvents()  # the repaint of chart and table
        times.append(time.perf_counter() - started)
    worker.shutdown()
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--testimonies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    add_dir_argument(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-stats-", dir=private_dir(args.dir)) as tmp:
        vault = Vault.create(Path(tmp) / "hq", "bench passphrase", "hq")[0]
        docs, fill_s = fill(vault, args.testimonies, args.seed)
        conn = vault.conn
        mentions = conn.execute("SELECT count(*) FROM stat_mentions WHERE victim != ''").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM stat_facts").fetchone()[0]
        print(f"{args.testimonies} testimonies, {mentions} victims, {rows} fact rows; fill {fill_s:.0f} s "
              f"({fill_s / args.testimonies * 1000:.2f} ms per testimony)")
        figure("fact table fill per testimony", fill_s / args.testimonies * 1000, "ms")
        victim_times = {d: time_query(conn, d, "victim") for d in DIMS}
        for d, t in victim_times.items():
            print(f"  victim    by {d:<20} {t * 1000:7.0f} ms")
        victims = [m for (m,) in conn.execute("SELECT t.record_id || '/' || m.victim FROM stat_mentions m"
                                              " JOIN stat_testimonies t ON t.tid = m.tid WHERE m.victim != ''")]
        links = {m: victims[i - 1] for i, m in enumerate(victims) if i % 50 == 1}  # 2% of mentions linked
        other = {}
        for unit in ("person", "testimony"):
            for d in ("organ", "year", "category", "age_band", "interviewer"):
                other[(unit, d)] = time_query(conn, d, unit, links if unit == "person" else None)
                print(f"  {unit:<9} by {d:<20} {other[(unit, d)] * 1000:7.0f} ms")
        worst = max([*victim_times.values(), *other.values()])
        subset = docs
        started = time.perf_counter()
        naive_count(subset, "organ")
        naive = (time.perf_counter() - started) * args.testimonies / len(subset)
        print(f"reference: parsing every testimony per query ≈ {naive:.1f} s (measured on {len(subset)}, scaled)")
        figure("single-dimension stats query, worst of all dimensions and units", worst, "s",
               reference="JSON parsed per query", reference_value=naive, target="<= 1 s", ok=worst <= 1.0)
        figure("single-dimension stats query, median (victim unit)", statistics.median(victim_times.values()), "s")
        redraws = redraw_times(vault, ["organ", "year", "category", "country", "age_band", "era", "interviewer"])
        print("page redraw: " + ", ".join(f"{t * 1000:.0f} ms" for t in redraws))
        figure("statistics page redraw (query on the DB worker + chart and table), worst", max(redraws), "s",
               target="<= 1 s", ok=max(redraws) <= 1.0)
        figure("peak RSS", peak_rss_mb(), "MB")
        vault.lock()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
