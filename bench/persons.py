"""Person-registry candidates at scale (issue 14): time and peak memory at 100k mentions, precision and recall.

    .venv/bin/python bench/persons.py [--mentions 100000] [--subset 2000] [--seed 14]

Synthetic mentions with known duplicates (bench/_persons_synth.py) are reduced to features, filed in the blocking
index of a real SQLCipher vault (fast KDF profile), paired through the index and scored, exactly as
``intake persons candidates`` does after reading testimonies. Reading the testimonies themselves is measured on its
own in the record-store benchmarks and is not part of these figures. The reference is an all-pairs comparison
(every pair scored) on the first ``--subset`` mentions, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")

from bench._persons_synth import (
    iter_mentions,
    true_pairs,
)
from bench._report import add_dir_argument, figure, peak_rss_mb, private_dir
from intake_app.persons import candidates as cand
from intake_app.persons.features import features
from intake_app.persons.scoring import score_pair
from intake_app.vault.vault import Vault


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
    t0 = time.perf_counter()
    cand.index_features(vault.conn, feats)
    t1 = time.perf_counter()
    by_num = {i + 1: f for i, f in enumerate(feats)}  # person_mentions.num follows insertion order from 1
    found = cand.generate(vault.conn, min_score=0.5, links={}, distinct=set(), load=lambda: by_num)
    t2 = time.perf_counter()
    return {(c.a["m"], c.b["m"]): c.score for c in found}, {"index_s": t1 - t0, "pairs_s": t2 - t1,
                                                            "candidates": len(found)}


def run_all_pairs(feats: list[dict[str, Any]]) -> tuple[dict[tuple[str, str], float], float]:
    t0 = time.perf_counter()
    counts = cand.name_counts(feats)  # the same name frequencies the blocked run uses
    found = {}
    for i, a in enumerate(feats):
        for b in feats[i + 1:]:
            x, y = (a, b) if a["m"] < b["m"] else (b, a)
            shared = [counts[k] for k in x["nk"] if k in counts and k in y["nk"]]
            score = score_pair(x, y, min(shared) if shared else 1, explain=False)[0]
            if score >= 0.5:
                found[(x["m"], y["m"])] = score
    return found, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mentions", type=int, default=100_000)
    ap.add_argument("--subset", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=14)
    add_dir_argument(ap)
    args = ap.parse_args()
    truth: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-persons-", dir=private_dir(args.dir)) as tmp:
        vault, _ = Vault.create(Path(tmp) / "v", "bench", "hq")
        rss_before = peak_rss_mb()
        feats, t_feat = [], 0.0
        for mention, person in iter_mentions(args.mentions, args.seed):  # made one at a time, as read from a vault
            truth[mention.mention] = person
            t0 = time.perf_counter()
            feats.append(features(mention))
            t_feat += time.perf_counter() - t0
        print(f"{len(feats)} synthetic mentions, {len(true_pairs(truth))} true duplicate pairs", flush=True)
        found, times = run_blocked(vault, feats)
        total = t_feat + times["index_s"] + times["pairs_s"]
        rss = peak_rss_mb()
        vault.lock()
    q = quality(found, truth)
    print(f"features {t_feat:.1f} s, index {times['index_s']:.1f} s, pairs+scoring {times['pairs_s']:.1f} s, "
          f"total {total:.1f} s; {times['candidates']:.0f} candidate pairs; peak RSS {rss:.0f} MB "
          f"(with the vault open, before the data: {rss_before:.0f} MB)")
    print(f"recall at >= 0.5: {q['recall_05']:.4f} of {q['true_pairs']} true pairs; precision at >= 0.8: "
          f"{q['precision_08']:.4f} of {q['high']} pairs")
    sub = feats[: args.subset]
    sub_truth = {f["m"]: truth[f["m"]] for f in sub}
    with tempfile.TemporaryDirectory(prefix="bench-persons-", dir=private_dir(args.dir)) as tmp:
        vault, _ = Vault.create(Path(tmp) / "v", "bench", "hq")
        sub_blocked, sub_times = run_blocked(vault, sub)
        vault.lock()
    sub_all, t_all = run_all_pairs(sub)
    q_all, q_sub = quality(sub_all, sub_truth), quality(sub_blocked, sub_truth)
    t_sub = sub_times["index_s"] + sub_times["pairs_s"]
    print(f"subset of {len(sub)}: all pairs {t_all:.1f} s (recall {q_all['recall_05']:.4f}, precision "
          f"{q_all['precision_08']:.4f}); blocked {t_sub:.2f} s (recall {q_sub['recall_05']:.4f}, precision "
          f"{q_sub['precision_08']:.4f})")
    figure("candidates at 100k: time", total, "s", reference=f"all pairs on {len(sub)}", reference_value=t_all,
           target="< 60 s", ok=total < 60)
    figure("candidates at 100k: peak RSS", rss, "MB", target="< 500 MB", ok=rss < 500)
    figure("recall of true pairs at score >= 0.5", q["recall_05"], "", reference="all pairs on subset",
           reference_value=q_all["recall_05"], target=">= 0.95", ok=q["recall_05"] >= 0.95)
    figure("precision at score >= 0.8", q["precision_08"], "", reference="all pairs on subset",
           reference_value=q_all["precision_08"], target=">= 0.9", ok=q["precision_08"] >= 0.9)
    figure(f"blocked vs all pairs on {len(sub)}", t_sub, "s", reference="all pairs", reference_value=t_all)
    return 0 if total < 60 and rss < 500 and q["recall_05"] >= 0.95 and q["precision_08"] >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
