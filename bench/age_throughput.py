"""Throughput of crypto.age against stock `age` on the same bytes, file to file, quiet and under load, plus peak memory.

    .venv/bin/python bench/age_throughput.py [--mb 200] [--repeat 5] [--load 0 2] [--dir DIR]

Each side runs as its own process (ours via this script's --worker mode, so its peak RSS is its own); the best of
--repeat alternating runs is reported, with the CPU seconds each side used (user + system, all threads: the figure
that load does not change much). Both sides decrypt the same ciphertext (the one stock age wrote), and every output is
checked against the plaintext's sha256. ``--load N``: N spinner processes run during that level's runs and are
stopped after them (0: quiet); the load average is printed beside the figures. The target is ours >= 0.8x stock in
both directions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUF = 1024 * 1024


def worker(mode: str, src: str, dst: str, key: str) -> None:
    sys.path.insert(0, str(REPO))
    from crypto import age  # noqa: PLC0415 (importable only once the repo is on sys.path)

    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    buf = bytearray(BUF)
    view = memoryview(buf)
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        if mode == "encrypt":
            recipient = age.parse_recipient(key)
            with age.encrypt_stream(fout, [recipient]) as writer:
                while n := fin.readinto(buf):
                    writer.write(view[:n])
        else:
            identities = age.read_identity_file(key)
            with age.open_decrypt(fin, identities) as reader:
                while n := reader.readinto(buf):
                    fout.write(view[:n])
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": seconds, "peak_kib": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime - cpu}))


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of stock age (its start-up included: tiny)."""
    cpu = _cpu_children()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start, _cpu_children() - cpu


def ours(mode: str, src: Path, dst: Path, key: str) -> tuple[float, int, float]:
    """Wall and CPU seconds (both measured inside the worker: its start-up excluded) and peak RSS in KiB."""
    out = subprocess.run([sys.executable, __file__, "--worker", mode, str(src), str(dst), key],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    return float(result["seconds"]), int(result["peak_kib"]), float(result["cpu"])


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BUF):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    sys.path.insert(0, str(REPO))
    from bench._load import label, load_average, spinners  # noqa: PLC0415 (importable once the repo is on sys.path)
    from bench._report import WORK, figure, private_dir  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--load", type=int, nargs="+", default=[0, 2], metavar="N",
                        help="spinner processes busy during the runs; one run per value (default: 0 2)")
    parser.add_argument("--dir", type=Path, default=WORK / "age_throughput",
                        help="where the files go (default: %(default)s)")
    parser.add_argument("--worker", nargs=4, metavar=("MODE", "SRC", "DST", "KEY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    age_bin, keygen = shutil.which("age"), shutil.which("age-keygen")
    if not age_bin or not keygen:
        sys.exit("stock age / age-keygen not found (apt install age)")

    size = args.mb * 1000 * 1000
    levels = []
    with tempfile.TemporaryDirectory(prefix="age-bench-", dir=private_dir(args.dir)) as tmp:
        d = Path(tmp)
        key = d / "key.txt"
        subprocess.run([keygen, "-o", str(key)], check=True, capture_output=True)
        recipient = subprocess.run([keygen, "-y", str(key)], check=True, capture_output=True,
                                   text=True).stdout.strip()
        plain = d / "plain"
        with plain.open("wb") as f:  # random bench data, not testimony
            for _ in range(0, size, BUF):
                f.write(os.urandom(min(BUF, size - f.tell())))
        want = sha256_file(plain)
        for load in args.load:
            results: dict[str, tuple[float, float]] = {}  # best wall, least CPU

            def keep(name: str, wall: float, cpu: float, results: dict[str, tuple[float, float]] = results) -> None:
                old = results.get(name, (wall, cpu))
                results[name] = (min(old[0], wall), min(old[1], cpu))

            peak = {"encrypt": 0, "decrypt": 0}
            with spinners(load):
                for _ in range(args.repeat):
                    keep("stock encrypt", *timed([age_bin, "-r", recipient, "-o", str(d / "stock.age"), str(plain)]))
                    t, p, c = ours("encrypt", plain, d / "ours.age", recipient)
                    keep("ours encrypt", t, c)
                    peak["encrypt"] = max(peak["encrypt"], p)
                    keep("stock decrypt", *timed([age_bin, "-d", "-i", str(key), "-o", str(d / "stock.out"),
                                                  str(d / "stock.age")]))
                    t, p, c = ours("decrypt", d / "stock.age", d / "ours.out", str(key))
                    keep("ours decrypt", t, c)
                    peak["decrypt"] = max(peak["decrypt"], p)
                    # Our ciphertext must also open with stock age (checked every round, untimed).
                    subprocess.run([age_bin, "-d", "-i", str(key), "-o", str(d / "check.out"), str(d / "ours.age")],
                                   check=True, capture_output=True)
                    for out in ("stock.out", "ours.out", "check.out"):
                        assert sha256_file(d / out) == want, f"{out} differs from the plaintext"
                levels.append((load, load_average(), results, peak))

    mb = size / 1e6
    print(f"age throughput, {args.mb} MB, best of {args.repeat} (file to file in {args.dir}, same bytes)")
    for load, loadavg, results, peak in levels:
        print(f"  {label(load)} (load average {loadavg:.1f}):")
        for op in ("encrypt", "decrypt"):
            stock_rate = mb / results[f"stock {op}"][0]
            our_rate = mb / results[f"ours {op}"][0]
            print(f"    {op}: stock age {stock_rate:8.1f} MB/s   crypto.age {our_rate:8.1f} MB/s   "
                  f"ratio {our_rate / stock_rate:5.2f}x   (target >= 0.80x)   CPU s ours/stock "
                  f"{results[f'ours {op}'][1]:.2f}/{results[f'stock {op}'][1]:.2f}   our peak RSS "
                  f"{peak[op] / 1024:.1f} MiB")
            figure(f"crypto.age {op}, {label(load)} (load average {loadavg:.1f})", our_rate, "MB/s",
                   reference=f"stock age {op}", reference_value=stock_rate, target=">= 0.8x",
                   ok=our_rate / stock_rate >= 0.8)


if __name__ == "__main__":
    main()
