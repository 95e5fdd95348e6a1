"""Person-registry candidates at scale (issues 14, 30): time, peak memory and quality at 100k and 400k mentions.

    .venv/bin/python bench/persons.py [--mentions 100000 400000] [--subset 2000] [--seed 14] [--repeat 1] [--dir DIR]

For each size, in a fresh child process (so each peak RSS is its own): synthetic mentions with known duplicates
(bench/_persons_synth.py) are made one at a time, reduced to features and stored in a real SQLCipher vault (fast KDF
profile) as they come (never all held), then filed in the blocking index as ``refresh_index`` files a refresh
(``with blocking.Filing(...)``: each block under the layout it ends with, oversized blocks split; the cyclic garbage
collector paused from the first mention made to the last row filed, as ``refresh_index`` pauses it while it reads
testimonies), then every blocked pair is
scored and the pairs at >= 0.5 kept (``persons.candidates.scored_pairs``, what ``intake persons candidates``
runs after bringing the index up to date). Reading testimonies from a vault is measured by the record-store
benchmarks, not here. Printed per size: time (features + index, pairs + scoring), peak RSS, recall of the true pairs
at >= 0.5 and precision at >= 0.8; then the growth per doubling of the size, in total time and in time per mention.
The reference, measured in the same run: every pair scored on the first ``--subset`` mentions ("all pairs on a
subsample"), with its recall and precision, and the blocked run on the same subsample.

``--repeat N`` measures every size N times, in rounds (100k, 400k, 100k, 400k, ...), so that a slow spell of the
machine falls on every size alike; each size's figures are its fastest run's, and every run's time is printed. On
this 2-core machine the same code's time at one size moved by 15 % between runs minutes apart, more than the growth
target's margin (issue 30, eighth pass).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")

from bench._persons_synth import iter_mentions, true_pairs
from bench._report import add_dir_argument, figure, peak_rss_mb, private_dir
from intake_app.persons import candidates as cand
from intake_app.persons.blocking import Filing
from intake_app.persons.features import features
from intake_app.persons.scoring import score_pair
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault

BATCH = 5000


def quality(found: dict[tuple[str, str], float], truth: dict[str, int]) -> dict[str, float]:
    """Recall of true pairs among candidates scoring >= 0.5, precision among those scoring >= 0.8."""
    pairs = true_pairs({m: p for m, p in truth.items()})
    hit_05 = sum(1 for p in pairs if found.get(p, -1.0) >= 0.5)
    high = [p for p, s in found.items() if s >= 0.8]
    true_high = sum(1 for p in high if p in pairs)
    return {"true_pairs": len(pairs), "recall_05": hit_05 / len(pairs) if pairs else 1.0,
            "high": len(high), "precision_08": true_high / len(high) if high else 1.0,
            "candidates_05": sum(1 for s in found.values() if s >= 0.5)}


def run_blocked(vault: Vault, feats: list[dict[str, Any]]) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """Index ``feats`` and score the blocked pairs (small sets: the subsample)."""
    t0 = time.perf_counter()
    cand.index_features(vault.conn, feats)
    t1 = time.perf_counter()
    found = cand.scored_pairs(vault.conn, min_score=0.5, links={}, distinct=set())
    t2 = time.perf_counter()
    return {(c[1], c[2]): c[0] for c in found}, {"index_s": t1 - t0, "pairs_s": t2 - t1, "candidates": len(found)}


def run_all_pairs(feats: list[dict[str, Any]]) -> tuple[dict[tuple[str, str], float], float]:
    """Every pair scored (the reference): the same name frequencies the blocked run uses."""
    t0 = time.perf_counter()
    counts = cand.name_counts(feats)
    shares = cand.value_counts(feats)
    found = {}
    for i, a in enumerate(feats):
        for b in feats[i + 1:]:
            x, y = (a, b) if a["m"] < b["m"] else (b, a)
            shared = [counts[k] for k in x["nk"] if k in counts and k in y["nk"]]
            score = score_pair(x, y, min(shared) if shared else 1, explain=False, shares=shares)[0]
            if score >= 0.5:
                found[(x["m"], y["m"])] = score
    return found, time.perf_counter() - t0


def _number(mention: str) -> int:
    return int(mention.rsplit("/v", 1)[1])  # the synthetic mentions are "t0000123/v123"


def drain_cli(vault: Vault) -> tuple[int, int]:
    """What ``intake --json persons candidates --min-score 0.5`` (no ``--limit``) does after the pairs are kept: every
    candidate with its features and worded reasons, serialised and thrown away. (candidates, bytes)"""
    from intake_app.cli.person_cmds import candidate_json  # noqa: PLC0415 - only for --stream
    from intake_app.display import json_text  # noqa: PLC0415

    n = size = 0
    for c in cand.iter_candidates(vault, min_score=0.5):
        size += len(json_text(candidate_json(c)))
        n += 1
    return n, size


def one_size(count: int, seed: int, work: Path, drain: bool = False) -> dict[str, Any]:
    """One size, in this process: index as the mentions come, then pair and score; figures as a dict."""
    person = array("i")
    with tempfile.TemporaryDirectory(prefix="bench-persons-", dir=private_dir(work)) as tmp:
        vault, _ = Vault.create(Path(tmp) / "v", "bench", "hq")
        rss_before = peak_rss_mb()
        c0 = time.process_time()
        t0 = time.perf_counter()
        stream = iter_mentions(count, seed)
        with Transaction(vault.conn):
            vault.conn.execute("DELETE FROM person_keys")
            vault.conn.execute("DELETE FROM person_mentions")
            with Filing(vault.conn) as filing:  # what refresh_index files with, as it does (the collector paused)
                while True:
                    batch = []
                    for mention, truth in stream:
                        person.append(truth)
                        batch.append(features(mention))
                        if len(batch) == BATCH:
                            break
                    if not batch:
                        break
                    filing.add(batch)
                filing.close()
        t_index = time.perf_counter() - t0
        c_index = time.process_time() - c0
        c0 = time.process_time()
        t0 = time.perf_counter()
        stats: dict[str, int] = {}
        kept = cand.scored_pairs(vault.conn, min_score=0.5, links={}, distinct=set(), stats=stats)
        t_pairs = time.perf_counter() - t0
        c_pairs = time.process_time() - c0
        blocks = dict(vault.conn.execute(
            "SELECT 'rows', count(*) FROM person_keys UNION ALL SELECT 'split', count(DISTINCT substr(key, 1,"
            " instr(key, '#'))) FROM person_keys WHERE key >= '!' AND key < '\"'").fetchall())
        rss = peak_rss_mb()
        streamed: dict[str, float] = {}
        if drain:
            t0 = time.perf_counter()
            n, size = drain_cli(vault)
            streamed = {"stream_s": time.perf_counter() - t0, "stream_n": n, "stream_mb": size / 1e6,
                        "stream_rss_mb": peak_rss_mb()}
        vault.lock()
    per_person = Counter(person)
    true_total = sum(n * (n - 1) // 2 for n in per_person.values())
    found_true = sum(1 for c in kept if person[_number(c[1])] == person[_number(c[2])])
    high = [c for c in kept if c[0] >= 0.8]
    high_true = sum(1 for c in high if person[_number(c[1])] == person[_number(c[2])])
    return {"mentions": count, "index_s": t_index, "pairs_s": t_pairs, "total_s": t_index + t_pairs,
            "cpu_index_s": c_index, "cpu_pairs_s": c_pairs, "cpu_s": c_index + c_pairs,
            "rss_mb": rss, "rss_before_mb": rss_before, "kept": len(kept), "scored": stats["scored"],
            "true_pairs": true_total,
            "recall": found_true / true_total if true_total else 1.0, "high": len(high),
            "precision": high_true / len(high) if high else 1.0, "key_rows": blocks.get("rows", 0),
            "split_blocks": blocks.get("split", 0), "load": os.getloadavg(), **streamed}


def report(r: dict[str, Any]) -> None:
    """One run's figures, as they come."""
    print(f"  features + index {r['index_s']:.1f} s, pairs + scoring {r['pairs_s']:.1f} s, total "
          f"{r['total_s']:.1f} s (CPU {r['cpu_index_s']:.1f} + {r['cpu_pairs_s']:.1f} s); peak RSS {r['rss_mb']:.0f} MB "
          f"(vault open, before the data: "
          f"{r['rss_before_mb']:.0f} MB); {r['scored']} pairs scored, {r['kept']} >= 0.5 kept; "
          f"{r['key_rows']} key rows, "
          f"{r['split_blocks']} blocks split; recall {r['recall']:.4f} of {r['true_pairs']} true pairs, "
          f"precision {r['precision']:.4f} of {r['high']} pairs >= 0.8; load {r['load'][0]:.2f}", flush=True)
    if "stream_s" in r:
        print(f"  candidates written as the CLI does: {r['stream_n']} in {r['stream_s']:.1f} s "
              f"({r['stream_mb']:.0f} MB of JSON); peak RSS after {r['stream_rss_mb']:.0f} MB", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mentions", type=int, nargs="+", default=[100_000, 400_000], metavar="N",
                    help="sizes, each measured in its own process (default: 100000 400000)")
    ap.add_argument("--subset", type=int, default=2000, help="mentions scored all-pairs for the reference")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="measure every size N times, in rounds; each size's figures are its fastest run's (default: 1)")
    ap.add_argument("--stream", action="store_true",
                    help="also write every candidate >= 0.5 as `intake persons candidates --json` does (streamed, "
                         "no --limit), and report its time and the peak RSS after it")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size, JSON on stdout
    add_dir_argument(ap)
    args = ap.parse_args()
    os.umask(0o077)
    if args.one:
        print(json.dumps(one_size(args.one, args.seed, args.dir, args.stream)))
        return 0
    runs: dict[int, list[dict[str, Any]]] = {count: [] for count in args.mentions}
    for round_ in range(1, args.repeat + 1):
        for count in args.mentions:
            print(f"{count} mentions{f', round {round_} of {args.repeat}' if args.repeat > 1 else ''} (load average "
                  f"{os.getloadavg()[0]:.2f}) ...", flush=True)
            out = subprocess.run([sys.executable, __file__, "--one", str(count), "--seed", str(args.seed), "--dir",
                                  str(args.dir), *(["--stream"] if args.stream else [])],
                                 check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            runs[count].append(r)
            report(r)
    results = [min(runs[count], key=lambda r: r["total_s"]) for count in args.mentions]
    if args.repeat > 1:
        for r in results:
            times = ", ".join(f"{x['total_s']:.1f}" for x in runs[r["mentions"]])
            print(f"{r['mentions']} mentions: fastest of {args.repeat} runs {r['total_s']:.1f} s (index "
                  f"{r['index_s']:.1f} + pairs {r['pairs_s']:.1f}); all runs {times} s")

    truth: dict[str, int] = {}
    sub = []
    for mention, person in iter_mentions(args.subset, args.seed):
        truth[mention.mention] = person
        sub.append(features(mention))
    with tempfile.TemporaryDirectory(prefix="bench-persons-", dir=private_dir(args.dir)) as tmp:
        vault, _ = Vault.create(Path(tmp) / "v", "bench", "hq")
        sub_blocked, sub_times = run_blocked(vault, sub)
        vault.lock()
    sub_all, t_all = run_all_pairs(sub)
    q_all, q_sub = quality(sub_all, truth), quality(sub_blocked, truth)
    t_sub = sub_times["index_s"] + sub_times["pairs_s"]
    print(f"subsample of {len(sub)}: all pairs {t_all:.1f} s (recall {q_all['recall_05']:.4f}, precision "
          f"{q_all['precision_08']:.4f}); blocked {t_sub:.2f} s (recall {q_sub['recall_05']:.4f}, precision "
          f"{q_sub['precision_08']:.4f}); load average {os.getloadavg()[0]:.2f}")

    ok = True
    for r in results:
        n = r["mentions"]
        label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
        good_rss = r["rss_mb"] <= 500
        good_q = r["recall"] >= 0.97 and r["precision"] >= 0.95
        ok = ok and good_rss and good_q
        figure(f"candidates at {label}: time", r["total_s"], "s", reference=f"all pairs on {len(sub)}",
               reference_value=t_all)
        figure(f"candidates at {label}: peak RSS", r["rss_mb"], "MB", target="<= 500 MB", ok=good_rss)
        figure(f"candidates at {label}: recall at >= 0.5", r["recall"], "", reference="all pairs on subsample",
               reference_value=q_all["recall_05"], target=">= 0.97", ok=r["recall"] >= 0.97)
        figure(f"candidates at {label}: precision at >= 0.8", r["precision"], "", reference="all pairs on subsample",
               reference_value=q_all["precision_08"], target=">= 0.95", ok=r["precision"] >= 0.95)
    for small, big in itertools.pairwise(results):
        doublings = math.log2(big["mentions"] / small["mentions"])
        growth = (big["total_s"] / small["total_s"]) ** (1 / doublings)
        per_mention = growth / 2
        good = per_mention <= 1.3
        ok = ok and good
        print(f"{small['mentions']} -> {big['mentions']}: total time x{growth:.2f} per doubling, time per mention "
              f"x{per_mention:.2f} per doubling; pairs kept x{(big['kept'] / small['kept']) ** (1 / doublings):.2f}")
        figure(f"candidates {small['mentions'] // 1000}k -> {big['mentions'] // 1000}k: time per mention, growth per"
               " doubling", per_mention, "x", target="<= 1.3", ok=good)
    figure(f"blocked vs all pairs on {len(sub)}", t_sub, "s", reference="all pairs", reference_value=t_all)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
