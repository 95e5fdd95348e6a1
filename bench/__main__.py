"""Run every benchmark in this directory, one after another, each in its own process (so peak RSS is its own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["unlock", "search", "attachments", "age_throughput", "bundles", "merge", "ui_latency"]


def main() -> int:
    scripts = [HERE / f"{name}.py" for name in ORDER if (HERE / f"{name}.py").exists()]
    scripts += sorted(p for p in HERE.glob("*.py") if p not in scripts and not p.name.startswith("_"))
    failed = 0
    for script in scripts:
        print(f"\n=== {script.stem} " + "=" * (60 - len(script.stem)), flush=True)
        failed += subprocess.run([sys.executable, str(script)], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
