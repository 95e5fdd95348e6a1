"""Throughput of crypto.age against stock `age` on the same bytes, file to file, plus peak memory of our side.

    .venv/bin/python bench/age_throughput.py [--mb 200] [--repeat 5] [--dir /dev/shm]

Each side runs as its own process (ours via this script's --worker mode, so its peak RSS is its own); the best of
--repeat runs is reported. Both sides decrypt the same ciphertext (the one stock age wrote), and every output is
checked against the plaintext's sha256. The target is ours >= 0.8x stock in both directions.
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
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_kib": peak_kib}))


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def ours(mode: str, src: Path, dst: Path, key: str) -> tuple[float, int]:
    out = subprocess.run([sys.executable, __file__, "--worker", mode, str(src), str(dst), key],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    return float(result["seconds"]), int(result["peak_kib"])


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BUF):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    sys.path.insert(0, str(REPO))
    from bench._report import WORK, private_dir  # noqa: PLC0415 (importable only once the repo is on sys.path)

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/dev/shm") if Path("/dev/shm").is_dir() else WORK,
                        help="where the files go (default: %(default)s: a RAM disk, so disk noise does not drown the "
                             "crypto)")
    parser.add_argument("--worker", nargs=4, metavar=("MODE", "SRC", "DST", "KEY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    age_bin, keygen = shutil.which("age"), shutil.which("age-keygen")
    if not age_bin or not keygen:
        sys.exit("stock age / age-keygen not found (apt install age)")

    size = args.mb * 1000 * 1000
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

        results: dict[str, float] = {}
        peak = {"encrypt": 0, "decrypt": 0}
        for _ in range(args.repeat):
            t = timed([age_bin, "-r", recipient, "-o", str(d / "stock.age"), str(plain)])
            results["stock encrypt"] = min(results.get("stock encrypt", t), t)
            t, p = ours("encrypt", plain, d / "ours.age", recipient)
            results["ours encrypt"] = min(results.get("ours encrypt", t), t)
            peak["encrypt"] = max(peak["encrypt"], p)
            t = timed([age_bin, "-d", "-i", str(key), "-o", str(d / "stock.out"), str(d / "stock.age")])
            results["stock decrypt"] = min(results.get("stock decrypt", t), t)
            t, p = ours("decrypt", d / "stock.age", d / "ours.out", str(key))
            results["ours decrypt"] = min(results.get("ours decrypt", t), t)
            peak["decrypt"] = max(peak["decrypt"], p)
            # Our ciphertext must also open with stock age (checked every round, untimed).
            subprocess.run([age_bin, "-d", "-i", str(key), "-o", str(d / "check.out"), str(d / "ours.age")],
                           check=True, capture_output=True)
            for out in ("stock.out", "ours.out", "check.out"):
                assert sha256_file(d / out) == want, f"{out} differs from the plaintext"

    mb = size / 1e6
    print(f"age throughput, {args.mb} MB, best of {args.repeat} (file to file in {args.dir or 'the temp dir'}, "
          "same bytes)")
    for op in ("encrypt", "decrypt"):
        stock_rate = mb / results[f"stock {op}"]
        our_rate = mb / results[f"ours {op}"]
        print(f"  {op}: stock age {stock_rate:8.1f} MB/s   crypto.age {our_rate:8.1f} MB/s   "
              f"ratio {our_rate / stock_rate:5.2f}x   (target >= 0.80x)   our peak RSS {peak[op] / 1024:.1f} MiB")
        sys.path.insert(0, str(REPO))
        from bench._report import figure  # noqa: PLC0415

        figure(f"crypto.age {op}", our_rate, "MB/s", reference=f"stock age {op}", reference_value=stock_rate,
               target=">= 0.8x", ok=our_rate / stock_rate >= 0.8)


if __name__ == "__main__":
    main()
