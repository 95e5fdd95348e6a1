"""Archive import at scale (issue 31): 100,000 Uwazi CSV rows into reference records, time and memory.

    .venv/bin/python bench/archive_import.py [--rows 100000] [--field 10000] [--seed 31] [--no-candidates]
        [--dir DIR] [--cache DIR]

Writes a synthetic FOOTPRINTS-style CSV (Korean labels, ``|`` categories, year-only and full dates; the persons come
from bench/_persons_synth.py, never real records) into ``--cache`` (bench/out/cache/archive-import, kept between runs:
the file is the same for the same rows and seed), then measures on a fresh HQ vault (real SQLCipher, throwaway key
parameters) in a private temporary folder under ``--dir``:

- reference in the same run: parsing the CSV alone (Python's csv reader over the file, every row), which no import
  can beat;
- the import of every row (``intake_app.archive.importer.run_import``: one transaction, text rules, dates, identity,
  versions, the person index), target <= 3 minutes;
- memory: peak RSS after importing a tenth of the rows into another vault, then after the whole file; flat means the
  second peak is within 200 MB and grows by little over the first (rows are streamed, never held);
- the same file again: every row unchanged;
- person candidates over the reference persons plus ``--field`` field mentions filed in the same index (the
  field mentions' features and filing are not timed): ``persons.candidates.scored_pairs`` at >= 0.5, as
  ``intake persons candidates`` runs it, streamed block by block; targets < 60 s and a peak RSS of the whole process
  < 500 MB; its same-run reference is the CSV parse alone.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")  # a throwaway vault

from bench._persons_synth import iter_mentions
from bench._report import CACHE, add_dir_argument, figure, peak_rss_mb, private_dir
from intake_app.archive.importer import run_import
from intake_app.persons import candidates as cand
from intake_app.persons.blocking import file_mentions, split_big_blocks
from intake_app.persons.features import features
from intake_app.records import vocabularies
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault

HEADER = ["제목", "식별번호", "성명", "영문 이름", "성별", "생년월일", "피해자 구분", "납북일", "납북장소"]
SEX = {"M": "남", "F": "여"}


def write_csv(path: Path, rows: int, seed: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i, (mention, _truth) in enumerate(iter_mentions(rows, seed)):
            v = mention.victim
            name = v.names[0]
            act = v.acts[0]
            cats = [vocabularies.label("victim_categories", str(c), "ko") for c in v.categories]
            if i % 3 == 0:
                cats.append("정치범")
            date = act.date.edtf if act.date else ""
            if date and i % 2:
                date = f"{date}-06-25" if len(date) == 4 else date
            place = act.place or (vocabularies.label("places", act.place_code, "ko") if act.place_code else "")
            writer.writerow([name.hangul or name.roman, f"FP-{i:07d}", name.hangul or "", name.roman or "",
                             SEX.get(v.sex or "", ""), v.birth_text or (v.birth.edtf if v.birth else ""),
                             "|".join(dict.fromkeys(cats)), date, place])


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


class Sampler(threading.Thread):
    """The resident set every 0.5 s while the import runs: memory is flat when the curve stops rising."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.samples.append(rss_mb())

    def quartiles(self) -> list[float]:
        n = len(self.samples)
        return [max(self.samples[: max(1, n * q // 4)]) for q in (1, 2, 3, 4)] if n else []


def parse_only(path: Path) -> tuple[int, float]:
    t0 = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        count = sum(1 for _ in csv.reader(fh)) - 1
    return count, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--field", type=int, default=10_000, help="field mentions for the candidates figure")
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--no-candidates", action="store_true")
    ap.add_argument("--cache", type=Path, default=CACHE / "archive-import",
                    help="folder for the synthetic CSV files, kept between runs (default: %(default)s)")
    add_dir_argument(ap)
    args = ap.parse_args()
    os.umask(0o077)
    cache = private_dir(args.cache)
    small, big = (cache / f"footprints-{n}-s{args.seed}.csv" for n in (max(1, args.rows // 10), args.rows))
    for path, rows in ((small, max(1, args.rows // 10)), (big, args.rows)):
        if not path.exists():
            part = path.with_suffix(".part")
            write_csv(part, rows, args.seed)
            part.replace(path)
    with tempfile.TemporaryDirectory(prefix="bench-archive-", dir=private_dir(args.dir)) as tmp:
        count, t_parse = parse_only(big)
        print(f"{count} rows, {big.stat().st_size / 1e6:.1f} MB; csv parse alone {t_parse:.2f} s", flush=True)

        warm, _ = Vault.create(Path(tmp) / "warm", "bench", "hq")
        run_import(warm, small, template="victims", source_name="FOOTPRINTS", lang="ko")
        warm.lock()
        rss_tenth = peak_rss_mb()

        vault, _ = Vault.create(Path(tmp) / "v", "bench", "hq")
        sampler = Sampler()
        sampler.start()
        t0 = time.perf_counter()
        first = run_import(vault, big, template="victims", source_name="FOOTPRINTS", lang="ko")
        t_import = time.perf_counter() - t0
        sampler.done.set()
        rss = peak_rss_mb()
        print("RSS during the import, highest by quarter of its time: "
              + ", ".join(f"{v:.0f} MB" for v in sampler.quartiles()), flush=True)
        print(f"import: {t_import:.1f} s ({first.created} created, {len(first.refusals)} refused, "
              f"{first.unknown_count} values kept as said); peak RSS {rss:.0f} MB (after a tenth: {rss_tenth:.0f} MB)",
              flush=True)
        t0 = time.perf_counter()
        again = run_import(vault, big, template="victims", source_name="FOOTPRINTS", lang="ko")
        t_again = time.perf_counter() - t0
        print(f"same file again: {t_again:.1f} s, unchanged {again.unchanged} of {again.rows}", flush=True)

        t_cand = None
        if not args.no_candidates:
            with Transaction(vault.conn):
                stream = (features(m) for m, _ in iter_mentions(args.field, args.seed + 1))
                file_mentions(vault.conn, stream)
                split_big_blocks(vault.conn)
            c0 = time.process_time()
            t0 = time.perf_counter()
            stats: dict[str, int] = {}
            found = cand.scored_pairs(vault.conn, min_score=0.5, stats=stats)
            t_cand, c_cand = time.perf_counter() - t0, time.process_time() - c0
            mixed = sum(1 for c in found if c[1].endswith("/ref") != c[2].endswith("/ref"))
            print(f"candidates over {args.rows} reference persons + {args.field} field mentions: {t_cand:.1f} s "
                  f"(CPU {c_cand:.1f} s); {stats['scored']} pairs scored, {len(found)} >= 0.5, {mixed} of them "
                  f"field-reference; load average {os.getloadavg()[0]:.2f}", flush=True)
            del found
        rss_end = peak_rss_mb()
        vault.lock()
    ok_time, ok_mem = t_import <= 180, rss <= 200
    figure(f"archive import of {args.rows} rows", t_import, "s", reference="csv parse alone", reference_value=t_parse,
           target="<= 180 s", ok=ok_time)
    figure("archive import: peak RSS", rss, "MB", reference=f"after {args.rows // 10} rows", reference_value=rss_tenth,
           target="<= 200 MB, flat", ok=ok_mem)
    figure("archive re-import, all unchanged", t_again, "s", reference="csv parse alone", reference_value=t_parse,
           ok=again.unchanged == again.rows)
    if t_cand is not None:
        figure(f"candidates, {args.rows} reference + {args.field} field", t_cand, "s",
               reference="csv parse alone", reference_value=t_parse, target="< 60 s", ok=t_cand < 60)
        figure("candidates: peak RSS of the whole run", rss_end, "MB", target="< 500 MB", ok=rss_end < 500)
    return 0 if ok_time and ok_mem and again.unchanged == again.rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
