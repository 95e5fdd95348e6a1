"""One line per measured figure, so `make bench` (python -m bench) can gather every benchmark into one table.

A benchmark prints its own readable output and, for each headline figure, calls :func:`figure`, which prints
``BENCH {json}``: name, value and unit, the reference measured in the same run (if any) and the target.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
WORK = OUT / "work"    # scratch vaults, bundles and attachments; each run removes its own
CACHE = OUT / "cache"  # corpora kept between runs (search, ui_latency)


def add_dir_argument(parser: argparse.ArgumentParser, default: Path = WORK, what: str = "working files") -> None:
    """``--dir``: the folder a benchmark writes its ``what`` under (created, private), never the system temp folder."""
    parser.add_argument("--dir", type=Path, default=default, help=f"folder for the {what} (default: %(default)s)")


def random_file(path: Path, size: int) -> None:
    """``size`` incompressible bytes (a ChaCha20 keystream) at ``path``, written 4 MiB at a time."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms  # noqa: PLC0415

    keystream = Cipher(algorithms.ChaCha20(os.urandom(32), os.urandom(16)), mode=None).encryptor()
    zeros = bytes(4 << 20)
    with path.open("wb") as f:
        left = size
        while left:
            n = min(left, len(zeros))
            f.write(keystream.update(zeros[:n]))
            left -= n


def private_dir(path: Path) -> Path:
    """``path``, created with its parents if missing, readable by this user only (umask 077 habits)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def figure(name: str, value: float, unit: str, *, reference: str | None = None, reference_value: float | None = None,
           target: str | None = None, ok: bool | None = None, note: str | None = None) -> None:
    """Print one figure. ``name`` stays the same from run to run, so runs can be compared by it; what differs between
    runs (the load average, a secondary figure such as CPU time) goes in ``note``."""
    ratio = None if not reference_value else value / reference_value
    print("BENCH " + json.dumps({"name": name, "value": round(value, 3), "unit": unit, "reference": reference,
                                 "reference_value": None if reference_value is None else round(reference_value, 3),
                                 "ratio": None if ratio is None else round(ratio, 3), "target": target, "ok": ok,
                                 "note": note},
                                ensure_ascii=False), flush=True)


def peak_rss_mb() -> float:
    """Peak resident set of this process in MB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
