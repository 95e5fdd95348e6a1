"""Run every benchmark, each in its own process (so peak RSS is its own), and write one table of the headline figures.

    .venv/bin/python -m bench [--quick] [--only NAME ...] [--dir DIR]  # results in bench/out/results.{md,json}

Every benchmark takes ``--help`` (and starts nothing then); each writes its working files under ``--dir`` (default
bench/out/work) and its kept corpora under bench/out/cache, never in the system temp folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["unlock", "search", "attachments", "age_throughput", "bundles", "merge", "ui_latency", "ui_import_latency"]
QUICK_ARGS = {"search": ["--docs", "20000"], "attachments": ["--size-mb", "256"], "age_throughput": ["--mb", "100"],
              "bundles": ["--mb", "50"], "stats": ["--testimonies", "20000", "--small", "0"]}
CACHED = {"search", "ui_latency", "stats"}  # these keep a corpus in --cache instead of scratch files in --dir


def all_scripts() -> list[Path]:
    scripts = [HERE / f"{name}.py" for name in ORDER if (HERE / f"{name}.py").exists()]
    return scripts + sorted(p for p in HERE.glob("*.py") if p not in scripts and not p.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    names = [p.stem for p in all_scripts()]
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run every benchmark, each in its own "
                                     "process, and write bench/out/results.md and bench/out/results.json.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes for the slowest benchmarks")
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=f"run only these: {', '.join(names)}")
    parser.add_argument("--dir", type=Path, help="folder for every benchmark's working files (default: each one's own, "
                                                 "under bench/out)")
    args = parser.parse_args(argv)
    quick = args.quick
    scripts = [p for p in all_scripts() if not args.only or p.stem in args.only]
    figures, failed = [], []
    for script in scripts:
        print(f"\n=== {script.stem} " + "=" * (60 - len(script.stem)), flush=True)
        extra = QUICK_ARGS.get(script.stem, []) if quick else []
        if args.dir is not None:
            extra += ["--cache" if script.stem in CACHED else "--dir", str(args.dir / script.stem)]
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(script), *extra], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("BENCH "):
                figures.append({"bench": script.stem, **json.loads(line[6:])})
            else:
                sys.stdout.write(line)
        if proc.wait() != 0:
            failed.append(script.stem)
        print(f"({script.stem}: {time.perf_counter() - started:.0f} s)")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    rows = ["| benchmark | figure | value | reference (same run) | ratio | target | met | conditions |",
            "|---|---|---|---|---|---|---|---|"]
    for f in figures:
        ref = f"{f['reference']}: {f['reference_value']}" if f.get("reference") else ""
        met = {True: "yes", False: "NO", None: ""}[f.get("ok")]
        rows.append(f"| {f['bench']} | {f['name']} | {f['value']} {f['unit']} | {ref} | {f.get('ratio') or ''} "
                    f"| {f.get('target') or ''} | {met} | {f.get('note') or ''} |")
    table = "\n".join(rows) + "\n"
    (out / "results.md").write_text(table, encoding="utf-8")
    print("\n" + table)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
