"""Measure the built folder: its size on disk and the frozen desktop app's start to its first window.

    python packaging/measure_build.py [dist/testimony-intake] [--runs 5]

Prints figures only (no pass/fail): ``du``-style size of the folder and of its largest parts; then the wall time of
``intake-app --self-test`` (start, show the first window, exit) offscreen, three ways:

* "evicted": every file of the build is dropped from the page cache first (posix_fadvise DONTNEED, which needs no
  root), so the build's own files are read from disk, as at a first start after boot. The system's libraries (libc,
  fontconfig, X11) stay cached, so a true cold boot is somewhat slower;
* "warm": the same, run again with everything cached (median of --runs);
* the same app run from source (``python -m ui.app``), as the reference measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def disk_usage(path: Path) -> int:
    """Bytes allocated on disk under ``path`` (what ``du`` counts), symlinks not followed."""
    total = 0
    for p in [path, *path.rglob("*")]:
        st = p.lstat()
        total += st.st_blocks * 512
    return total


def evict(path: Path) -> None:
    """Ask the kernel to drop the page cache of every file under ``path``."""
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def time_run(argv: Sequence[str], home: Path) -> float:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "INTAKE_KDF_PROFILE": "fast", "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local/share"), "XDG_CACHE_HOME": str(home / ".cache"),
           "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    proc = subprocess.run(list(argv), env=env, cwd=REPO, capture_output=True, timeout=60, check=False)  # noqa: S603
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    """Print the size and start-up figures of the build."""
    args = list(sys.argv[1:] if argv is None else argv)
    runs = 5
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    dist = Path(args[0]) if args else REPO / "dist" / "testimony-intake"
    internal = dist / "_internal"
    mib = 1024 * 1024
    print(f"size on disk: {disk_usage(dist) / mib:.0f} MiB  ({dist})")
    parts = sorted(((disk_usage(p), p.relative_to(dist)) for p in internal.glob("*")), reverse=True)[:6]
    for size, rel in parts:
        print(f"  {size / mib:6.1f} MiB  {rel}")

    with tempfile.TemporaryDirectory(prefix="intake-measure-") as tmp:
        home = Path(tmp)
        frozen = [str(dist / "intake-app"), "--self-test", "--vault", str(home / "vault")]
        source = [sys.executable, "-m", "ui.app", "--self-test", "--vault", str(home / "vault")]
        evict(dist)
        first = time_run(frozen, home)
        warm = [time_run(frozen, home) for _ in range(runs)]
        time_run(source, home)  # warm the source run's caches too, so the reference is like for like
        ref = [time_run(source, home) for _ in range(runs)]
    print(f"frozen intake-app --self-test, build evicted from cache: {first:.2f} s")
    print(f"frozen intake-app --self-test, warm: median {statistics.median(warm):.2f} s "
          f"(min {min(warm):.2f}, max {max(warm):.2f}, {runs} runs)")
    print(f"reference: from source (python -m ui.app --self-test), warm: median {statistics.median(ref):.2f} s")
    print(f"frozen / source: {statistics.median(warm) / statistics.median(ref):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
