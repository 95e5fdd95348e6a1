"""Unlock cost: Argon2id time per KDF profile, and the time to open a vault beyond the key derivation.

Reference measured in the same run: SQLCipher's own passphrase open (PBKDF2-HMAC-SHA512, 256,000 iterations), which is
what a vault keyed directly by the passphrase would pay on every open.

    .venv/bin/python bench/unlock.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlcipher3

from bench._report import add_dir_argument, figure, private_dir
from crypto import kdf
from intake_app.vault.database import open_encrypted
from intake_app.vault.vault import DB_FILE, Vault, read_key_slots


def _median_ms(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    add_dir_argument(parser)
    args = parser.parse_args()
    os.umask(0o077)
    salt = os.urandom(16)
    print(f"{'profile':<10} {'m (MiB)':>8} {'t':>3} {'p':>3} {'Argon2id median ms':>20}")
    kdf_ms: dict[str, float] = {}
    for name in ("fast", "minimum", "default"):
        params = kdf.PROFILES[name]
        kdf_ms[name] = _median_ms(lambda p=params: kdf.derive("benchmark passphrase", salt, p), args.repeat)
        print(f"{name:<10} {params.memory_kib / 1024:>8.0f} {params.time_cost:>3} {params.parallelism:>3} "
              f"{kdf_ms[name]:>20.1f}")

    with tempfile.TemporaryDirectory(prefix="bench-unlock-", dir=private_dir(args.dir)) as tmp:
        path = Path(tmp) / "vault"
        os.environ["INTAKE_KDF_PROFILE"] = "fast"
        Vault.create(path, "pw")[0].lock()
        dek = read_key_slots(path).unlock_with_passphrase("pw")

        def open_db() -> None:
            open_encrypted(path / DB_FILE, dek).close()

        def open_vault() -> None:
            Vault.open(path, "pw").lock()

        raw_open = _median_ms(open_db, args.repeat * 4)
        full_open = _median_ms(open_vault, args.repeat * 4)
        beyond = max(full_open - kdf_ms["fast"], 0.0)

        ref = Path(tmp) / "reference.db"
        conn = sqlcipher3.connect(str(ref))
        conn.execute("PRAGMA key = 'reference passphrase'")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()

        def open_reference() -> None:
            c = sqlcipher3.connect(str(ref))
            c.execute("PRAGMA key = 'reference passphrase'")
            c.execute("SELECT count(*) FROM sqlite_master").fetchone()
            c.close()

        ref_ms = _median_ms(open_reference, args.repeat)

    print()
    print(f"SQLCipher open with the raw data key (pragmas + key check):  {raw_open:8.2f} ms")
    print(f"Vault.open beyond the KDF (slots parse, MAC, open, migrate): {beyond:8.2f} ms")
    print(f"reference: SQLCipher open keyed by a passphrase (PBKDF2):   {ref_ms:8.2f} ms")
    figure("unlock, default profile", kdf_ms["default"] + beyond, "ms", reference="SQLCipher passphrase open",
           reference_value=ref_ms)
    figure("open beyond the KDF", beyond, "ms", target="negligible next to the KDF", ok=beyond < 50)
    print(f"default-profile unlock total ≈ {kdf_ms['default'] + beyond:.0f} ms; "
          f"ratio to the PBKDF2 reference: {(kdf_ms['default'] + beyond) / ref_ms:.1f}x "
          f"(Argon2id at 256 MiB costs a guesser memory as well as time)")


if __name__ == "__main__":
    main()
