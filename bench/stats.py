"""Benchmark ``intake stats`` and the Statistics page on a real SQLCipher vault, at two sizes.

    .venv/bin/python bench/stats.py [--testimonies 100000] [--small 20000] [--seed 15] [--repeat 3]
                                    [--cache DIR] [--rebuild] [--no-page]

The corpus (bench/_stats_corpus.py): an HQ vault whose fact table holds N synthetic testimonies of the statistics
tests' seeded generator, filled as the record store would fill it and kept between runs under ``--cache``
(default bench/out/cache/stats; ``--rebuild`` fills it again and prints the fill time). 2 % of the victim mentions are
linked into persons for the person unit. At each size (``--small``, then ``--testimonies``) it measures, for each
query class and each unit (victim, person, testimony):

- **two dimensions** (``--by organ,era`` …), **filtered** (one dimension and ``--where``), and **two dimensions
  filtered**: ``query.run`` as ``intake stats`` calls it (the staleness check, then the counting in SQL);
- reference, in the same run and interleaved with it: a plain SQL ``GROUP BY`` over the fact table that reads the
  same dimensions' fact rows (joined by mention for two dimensions, the filters as ``IN`` sub-queries) and counts fact
  rows per value: no units, no spans, no unknown, no total;
- target (issue 30): every query ≤ 0.5 s at 100k on a quiet machine, and ≤ 1.5 × its reference.

Each time is the median of ``--repeat`` runs. At the large size it also measures every single-dimension query (the
maintained counts, target ≤ 1 s) and, unless ``--no-page``, the Statistics page's redraw offscreen (target ≤ 1 s).
The load average is printed beside each class: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import CACHE, figure, peak_rss_mb

Query = tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]  # unit, by, where
PAIRS = (("organ", "era"), ("category", "decade"), ("country@arrest", "sex"))
FILTERED = ((("category",), (("organ", "MSS"),)), (("year",), (("sex", "F"),)),
            (("country@arrest",), (("sex", "F"), ("sex", "M"), ("era", "kim_jong_il"))))
BOTH = ((("organ", "era"), (("sex", "F"),)), (("category", "age_band"), (("country", "CN"),)))
UNITS = ("victim", "person", "testimony")
CLASSES: dict[str, list[Query]] = {
    "two dimensions": [(u, by, ()) for by in PAIRS for u in UNITS],
    "filtered": [(u, by, where) for by, where in FILTERED for u in UNITS],
    "two dimensions, filtered": [(u, by, where) for by, where in BOTH for u in UNITS],
}
TARGET_S, TARGET_RATIO = 0.5, 1.5


def reference_sql(by: Sequence[str], where: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """The plain SQL GROUP BY over the fact table for a query: fact rows per value (pair), filters as IN."""
    wanted: dict[str, list[str]] = {}
    for dim, value in where:
        wanted.setdefault(dim, []).append(value)
    params: list[str] = []
    sql = "SELECT a.value" + (", b.value" if len(by) == 2 else "") + ", count(*) FROM stat_facts a"
    if len(by) == 2:
        sql += " JOIN stat_facts b ON b.mid = a.mid AND b.dim = ?"
        params.append(by[1])
    sql += " WHERE a.dim = ?"
    params.append(by[0])
    for dim, values in wanted.items():
        sql += f" AND +a.mid IN (SELECT mid FROM stat_facts WHERE dim = ? AND value IN ({', '.join('?' * len(values))}))"
        params += [dim, *values]
    return sql + " GROUP BY a.value" + (", b.value" if len(by) == 2 else ""), params


def _fetch(conn: Any, sql: str, params: list[str]) -> list[Any]:
    return list(conn.execute(sql, params).fetchall())


def _timed(run: Callable[[], object], times: list[float]) -> None:
    started = time.perf_counter()
    run()
    times.append(time.perf_counter() - started)


def measure_class(conn: Any, name: str, queries: list[Query], persons: dict[str, str], repeat: int,
                  size: int) -> bool:
    from intake_app.stats import query  # noqa: PLC0415 - after the path is set

    load = os.getloadavg()
    print(f"{name} (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}):")
    results = []
    for unit, by, where in queries:
        sql, params = reference_sql(by, where)
        ours: list[float] = []
        ref: list[float] = []
        linked = persons if unit == "person" else None
        for _ in range(repeat):  # interleaved, so a burst of load falls on both
            _timed(partial(_fetch, conn, sql, params), ref)
            _timed(partial(query.run, conn, list(by), unit, list(where), linked), ours)
        t, r = statistics.median(ours), statistics.median(ref)
        results.append((t, r, unit, by, where))
        shown = ",".join(by) + "".join(f" {d}={v}" for d, v in where)
        print(f"  {unit:<9} {shown:<52} {t * 1000:7.0f} ms   SQL GROUP BY {r * 1000:7.0f} ms   {t / r:5.2f}x")
    worst = max(results, key=lambda x: x[0])
    worst_ratio = max(results, key=lambda x: x[0] / x[1])
    ok = all(t <= TARGET_S and t / r <= TARGET_RATIO for t, r, *_ in results)
    label = f"{name} at {size // 1000}k (load {load[0]:.1f})"
    figure(f"{label}, slowest query ({worst[2]} by {','.join(worst[3])})", worst[0], "s",
           reference="plain SQL GROUP BY over the fact table, same query, same run", reference_value=worst[1],
           target=f"<= {TARGET_S} s at 100k, <= {TARGET_RATIO}x the SQL", ok=ok if size >= 100_000 else None)
    figure(f"{label}, highest ratio to its SQL ({worst_ratio[2]} by {','.join(worst_ratio[3])})",
           worst_ratio[0] / worst_ratio[1], "x", target=f"<= {TARGET_RATIO}",
           ok=worst_ratio[0] / worst_ratio[1] <= TARGET_RATIO)
    return ok


def linked_persons(conn: Any) -> dict[str, str]:
    """2 % of the victim mentions linked to the mention before them (persons of two mentions)."""
    victims = [m for (m,) in conn.execute("SELECT t.record_id || '/' || m.victim FROM stat_mentions m"
                                          " JOIN stat_testimonies t ON t.tid = m.tid WHERE m.victim != ''"
                                          " ORDER BY m.mid")]
    return {m: f"person-{i}" for i, m in enumerate(victims) if i % 50 in (0, 1)}


def single_dimension(conn: Any, persons: dict[str, str]) -> None:
    from intake_app.stats import dimensions, query  # noqa: PLC0415

    times = {}
    for dim in [d.replace("@STAGE", "@arrest") for d in dimensions.DIMENSIONS]:
        started = time.perf_counter()
        query.run(conn, [dim], "victim")
        times[("victim", dim)] = time.perf_counter() - started
    for unit in ("person", "testimony"):
        for dim in ("organ", "year", "category", "age_band", "interviewer"):
            started = time.perf_counter()
            query.run(conn, [dim], unit, (), persons if unit == "person" else None)
            times[(unit, dim)] = time.perf_counter() - started
    worst = max(times, key=lambda k: times[k])
    print(f"single dimension: worst {worst[0]} by {worst[1]} {times[worst] * 1000:.0f} ms, median (victim) "
          f"{statistics.median(t for (u, _), t in times.items() if u == 'victim') * 1000:.0f} ms")
    figure("single-dimension stats query, worst of all dimensions and units", times[worst], "s", target="<= 1 s",
           ok=times[worst] <= 1.0)


def redraw_times(vault: Any, dims: list[str]) -> list[float]:
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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--testimonies", type=int, default=100_000, help="the large size (default: %(default)s)")
    parser.add_argument("--small", type=int, default=20_000, help="the smaller size, measured first (0: skip it; "
                        "default: %(default)s)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query and its reference")
    parser.add_argument("--cache", type=Path, default=CACHE / "stats",
                        help="folder for the vaults kept between runs (default: %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="fill the vaults again (and print the fill time)")
    parser.add_argument("--no-page", action="store_true", help="skip the Statistics page redraw")
    args = parser.parse_args()
    os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")  # throwaway vaults
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench._stats_corpus import cached_vault  # noqa: PLC0415 - imports the product: after --help

    ok = True
    for size in [s for s in (args.small, args.testimonies) if s]:
        vault, fill_s = cached_vault(args.cache, size, args.seed, args.rebuild)
        conn = vault.conn
        victims = conn.execute("SELECT count(*) FROM stat_mentions WHERE mid > 0").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM stat_facts").fetchone()[0]
        print(f"\n== {size} testimonies: {victims} victims, {rows} fact rows"
              + (f"; filled in {fill_s:.0f} s" if fill_s is not None else " (cached)"))
        if fill_s is not None:
            figure(f"fact table fill per testimony ({size // 1000}k)", fill_s / size * 1000, "ms")
        persons = linked_persons(conn)
        for name, queries in CLASSES.items():
            ok = measure_class(conn, name, queries, persons, args.repeat, size) and ok
        if size == args.testimonies:
            single_dimension(conn, persons)
            if not args.no_page:
                redraws = redraw_times(vault, ["organ", "year", "category", "country", "age_band", "era",
                                               "interviewer"])
                print("page redraw: " + ", ".join(f"{t * 1000:.0f} ms" for t in redraws))
                figure("statistics page redraw (query on the DB worker + chart and table), worst", max(redraws), "s",
                       target="<= 1 s", ok=max(redraws) <= 1.0)
        vault.lock()
    figure("peak RSS", peak_rss_mb(), "MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
