"""Run every benchmark, each in its own process (so peak RSS is its own), and write one table of the headline figures.

    .venv/bin/python -m bench [--quick]      # results in bench/out/results.md and bench/out/results.json
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["unlock", "search", "attachments", "age_throughput", "bundles", "merge", "ui_latency", "ui_import_latency"]
QUICK_ARGS = {"search": ["--docs", "20000"], "attachments": ["--size-mb", "256"], "age_throughput": ["--mb", "100"],
              "bundles": ["--mb", "50"]}


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    scripts = [HERE / f"{name}.py" for name in ORDER if (HERE / f"{name}.py").exists()]
    scripts += sorted(p for p in HERE.glob("*.py") if p not in scripts and not p.name.startswith("_"))
    figures, failed = [], []
    for script in scripts:
        print(f"\n=== {script.stem} " + "=" * (60 - len(script.stem)), flush=True)
        args = QUICK_ARGS.get(script.stem, []) if quick else []
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, text=True)
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
    rows = ["| benchmark | figure | value | reference (same run) | ratio | target | met |", "|---|---|---|---|---|---|---|"]
    for f in figures:
        ref = f"{f['reference']}: {f['reference_value']}" if f.get("reference") else ""
        met = {True: "yes", False: "NO", None: ""}[f.get("ok")]
        rows.append(f"| {f['bench']} | {f['name']} | {f['value']} {f['unit']} | {ref} | {f.get('ratio') or ''} "
                    f"| {f.get('target') or ''} | {met} |")
    table = "\n".join(rows) + "\n"
    (out / "results.md").write_text(table, encoding="utf-8")
    print("\n" + table)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
