"""Bundle export and import against stock `age` on the same number of bytes, plus peak memory of each side.

    .venv/bin/python bench/bundles.py [--mb 200 | --mb 50 200] [--files 4] [--repeat 3] [--dir /dev/shm]

For each size: a field vault holding N MB of attachments (a few incompressible files), enrolled at an HQ vault. Then,
each in its own process so that its peak RSS (VmHWM) is its own:

    export     export_bundle(): blobs decrypted, archived, age-encrypted, signed, fsynced     (timed inside the worker)
    import     Importer.import_file(): outer check, streaming decrypt, re-encrypt into HQ's blob store, commit
    baseline   an interpreter that imported the same modules and unlocked the vault (memory floor)
    age -r     stock age encrypting a file of the bundle payload's size to HQ's recipient  (the reference)
    age -d     stock age decrypting it with the identity from `intake keys export-identity`

and prints MB/s, the ratios export/(age -r) and import/(age -d) (target >= 0.8), and peak RSS (target < 150 MB at
every size: run two sizes to see it is flat). Start-up and unlock are outside the timed part of every worker; stock
age's figures include its (tiny) start-up. The page cache stays warm. Vaults use the `fast` KDF profile (unlock cost is
not what is measured). Everything written is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._report import WORK, figure, peak_rss_mb, private_dir, random_file  # noqa: E402

MB = 1_000_000
PASSPHRASE = "bench passphrase"


# ---- workers (run in their own process) ------------------------------------------------------------------------------
def worker(mode: str, vault_path: str, target: str) -> None:
    from intake_app.bundles.export import export_bundle  # noqa: PLC0415 (after sys.path is set)
    from intake_app.bundles.importer import Importer  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    vault = Vault.open(Path(vault_path), PASSPHRASE)
    out: dict[str, Any] = {}
    start = time.perf_counter()
    if mode == "export":
        result = export_bundle(vault, Path(target), everything=True)  # --all: every repeat sends the same bytes
        out = {"path": str(result.path), "size": result.size}
    elif mode == "import":
        outcome = Importer(vault).import_file(Path(target))
        if outcome.status != "imported":
            raise SystemExit(f"import: {outcome.status} {outcome.reason}")
    out["seconds"] = time.perf_counter() - start
    vault.lock()
    out["vm_hwm_mb"] = peak_rss_mb()
    print(json.dumps(out))


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, peak RSS MB, stdout). The peak is the child's VmHWM, polled every 2 ms until
    it exits (wait4's ru_maxrss would count this script's own memory, copied at fork, before the exec)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=REPO)
        status_file = Path(f"/proc/{proc.pid}/status")
        peak = 0.0
        while proc.poll() is None:
            try:
                for line in status_file.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) * 1024 / MB)
            except (OSError, ValueError):
                pass
            time.sleep(0.002)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[:3]} failed: {err.read().decode(errors='replace')[-2000:]}")
        return wall, peak, out.read().decode()


def _worker(mode: str, vault: Path, target: Path, env: dict[str, str]) -> dict[str, Any]:
    _, polled, stdout = _run([sys.executable, __file__, "--worker", mode, str(vault), str(target)], env)
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["rss_mb"] = max(polled, result["vm_hwm_mb"])
    return result


# ---- set-up ------------------------------------------------------------------------------------------------------------

def _setup(root: Path, total: int, files: int) -> tuple[Path, Path]:
    from intake_app.bundles.keyring import Keyring, parse_device_key_file, parse_hq_key_file  # noqa: PLC0415
    from intake_app.records.attachments import AttachmentStore  # noqa: PLC0415
    from intake_app.records.store import RecordStore  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    hq, _ = Vault.create(root / "hq", PASSPHRASE, "hq")
    field, _ = Vault.create(root / "field", PASSPHRASE, "field")
    Keyring(field).pin_recipient(parse_hq_key_file(Keyring(hq).export_public()), "hq")
    Keyring(hq).enrol(parse_device_key_file(Keyring(field).export_public()), "bench laptop")
    doc = json.loads((REPO / "tests/data/interchange/good/example.json").read_text(encoding="utf-8"))
    doc.pop("id", None)
    record = RecordStore(field).add_json(json.dumps(doc, ensure_ascii=False).encode()).record_id
    src = root / "attachment.bin"
    for i in range(files):
        random_file(src, total // files + (total % files if i == 0 else 0))
        with src.open("rb") as fh:
            AttachmentStore(field).attach_stream(record, fh, f"recording-{i}.wav")
    src.unlink()
    field.lock()
    hq.lock()
    return root / "field", root / "hq"


# ---- one size ----------------------------------------------------------------------------------------------------------
def bench_size(mb: int, files: int, repeat: int, base: Path, env: dict[str, str]) -> dict[str, float]:
    total = mb * MB
    root = Path(tempfile.mkdtemp(prefix=f"bench-bundles-{mb}-", dir=base))
    try:
        field, hq = _setup(root, total, files)
        exports, imports = [], []
        for k in range(repeat):
            usb = root / f"usb{k}"
            usb.mkdir()
            exports.append(_worker("export", field, usb, env))
            shutil.copytree(hq, root / f"hq{k}")  # a fresh HQ each time (nothing imported yet: a cheap copy)
            imports.append(_worker("import", root / f"hq{k}", Path(exports[-1]["path"]), env))
            shutil.rmtree(root / f"hq{k}")
            if k:
                shutil.rmtree(usb)
        exp = min(exports, key=lambda r: r["seconds"]) | {"rss_mb": max(r["rss_mb"] for r in exports),
                                                          "size": exports[0]["size"]}
        imp = min(imports, key=lambda r: r["seconds"]) | {"rss_mb": max(r["rss_mb"] for r in imports)}
        base_rss = _worker("none", hq, root, env)["rss_mb"]

        identity = root / "hq.key"
        cli = [sys.executable, "-m", "intake_app", "--vault", str(hq)]
        subprocess.run([*cli, "keys", "export-identity", str(identity)], env=env, cwd=REPO, check=True,
                       capture_output=True)
        recipient = next(line.split(": ", 1)[1] for line in identity.read_text().splitlines()
                         if line.startswith("# public key: "))
        plain, cipher, back = root / "plain.bin", root / "plain.age", root / "back.bin"
        random_file(plain, exp["size"])  # the same number of bytes as the whole bundle
        enc_runs = [_run(["age", "-r", recipient, "-o", str(cipher), str(plain)], env) for _ in range(repeat)]
        dec_runs = [_run(["age", "-d", "-i", str(identity), "-o", str(back), str(cipher)], env) for _ in range(repeat)]
        age_enc, age_enc_rss = min(r[0] for r in enc_runs), max(r[1] for r in enc_runs)
        age_dec, age_dec_rss = min(r[0] for r in dec_runs), max(r[1] for r in dec_runs)
        assert back.stat().st_size == plain.stat().st_size
        mbytes = exp["size"] / MB
        return {
            "mb": mb, "bundle_mb": mbytes,
            "export_s": exp["seconds"], "import_s": imp["seconds"], "age_enc_s": age_enc, "age_dec_s": age_dec,
            "export_mbs": mbytes / exp["seconds"], "import_mbs": mbytes / imp["seconds"],
            "age_enc_mbs": mbytes / age_enc, "age_dec_mbs": mbytes / age_dec,
            "export_rss": exp["rss_mb"], "import_rss": imp["rss_mb"], "baseline_rss": base_rss,
            "age_enc_rss": age_enc_rss, "age_dec_rss": age_dec_rss,
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, nargs="+", default=[200], help="attachment megabytes (several: one run each)")
    parser.add_argument("--files", type=int, default=4, help="attachments the megabytes are split into")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs of each side")
    parser.add_argument("--dir", type=Path, default=Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else WORK,
                        help="folder for the vaults and bundles (default: %(default)s, a RAM disk where there is one)")
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "VAULT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    if not shutil.which("age"):
        print("stock age is needed as the reference", file=sys.stderr)
        return 2
    env = dict(os.environ) | {"INTAKE_KDF_PROFILE": "fast", "INTAKE_PASSPHRASE": PASSPHRASE}
    os.environ.update({"INTAKE_KDF_PROFILE": "fast"})
    rows = [bench_size(mb, args.files, args.repeat, private_dir(args.dir), env) for mb in args.mb]
    print(f"bundle export/import vs stock age, in {args.dir}, {args.files} attachments, best of {args.repeat} "
          "(MB = 10^6 bytes; ratio target >= 0.8; RSS target < 150 MB)")
    print(f"{'size':>6} {'export':>10} {'age -r':>10} {'ratio':>6} | {'import':>10} {'age -d':>10} {'ratio':>6} | "
          f"{'RSS exp':>8} {'RSS imp':>8} {'floor':>6} {'age':>5}")
    for r in rows:
        print(f"{r['mb']:>4}MB {r['export_mbs']:>6.0f}MB/s {r['age_enc_mbs']:>6.0f}MB/s "
              f"{r['export_mbs'] / r['age_enc_mbs']:>6.2f} | {r['import_mbs']:>6.0f}MB/s {r['age_dec_mbs']:>6.0f}MB/s "
              f"{r['import_mbs'] / r['age_dec_mbs']:>6.2f} | {r['export_rss']:>6.0f}MB {r['import_rss']:>6.0f}MB "
              f"{r['baseline_rss']:>4.0f}MB {max(r['age_enc_rss'], r['age_dec_rss']):>3.0f}MB")
    print(json.dumps(rows))
    for r in rows:
        figure(f"bundle export, {r['mb']} MB", r["export_mbs"], "MB/s", reference="stock age -r",
               reference_value=r["age_enc_mbs"], target=">= 0.8x", ok=r["export_mbs"] / r["age_enc_mbs"] >= 0.8)
        figure(f"bundle import, {r['mb']} MB", r["import_mbs"], "MB/s", reference="stock age -d",
               reference_value=r["age_dec_mbs"], target=">= 0.8x", ok=r["import_mbs"] / r["age_dec_mbs"] >= 0.8)
        rss = max(r["export_rss"], r["import_rss"])
        figure(f"bundle peak RSS, {r['mb']} MB", rss, "MB", target="< 150 MB", ok=rss < 150)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
