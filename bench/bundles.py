"""Bundle export and import against stock `age` on the same payload, quiet and under load, plus peak memory.

    .venv/bin/python bench/bundles.py [--mb 200 | --mb 50 200] [--files 4] [--repeat 3] [--load 0 2] [--dir DIR]
                                      [--inline-hash]

For each size: a field vault holding N MB of attachments (a few incompressible files), enrolled at an HQ vault; one
bundle exported from it. Then, at each load level (``--load N``: N spinner processes run for that level's
measurements and are stopped after them; 0 is the quiet run), ``--repeat`` rounds of, alternating:

    export     export_bundle(): blobs decrypted, archived, age-encrypted, signed, fsynced     (timed inside the worker)
    age -r     stock age encrypting the same plaintext: the bundle's inner archive          (the reference)
    import     Importer.import_file() of that bundle into a fresh copy of the HQ vault: outer check, one pass that
               hashes the payload for its signature and decrypts it, attachments re-encrypted into HQ's blob store
               (SHA-256 checked), commit                                                  (timed inside the worker)
    age -d     stock age decrypting the bundle's own payload.age with HQ's identity         (the reference)

and prints MB/s (bundle bytes per second) for each side, the ratios export/(age -r) and import/(age -d) of the best
round of each, the CPU seconds each side used (all its threads; load-independent, unlike MB/s), the load average,
and peak RSS (target < 150 MB at every size: run two sizes to see it is flat), then for the import's best round its
wall seconds, CPU seconds of all threads and of the main thread, and the wall seconds spent in fsync (stock age does
not fsync), beside age -d's wall seconds. ``--inline-hash`` runs the hashes on the calling thread (as on one core).
Targets: import >= 0.5x age -d under load (issue 30); >= 0.8x quiet for both directions (the earlier target).
Start-up and unlock are outside the timed part of every worker; stock age's figures include its (tiny) start-up.
Vaults use the `fast` KDF profile. Everything is written under --dir and removed at the end; the HQ import fsyncs
what it stores, stock age does not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._load import label, load_average, spinners  # noqa: E402
from bench._report import WORK, figure, peak_rss_mb, private_dir, random_file  # noqa: E402

MB = 1_000_000
PASSPHRASE = "bench passphrase"


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _time_fsync() -> list[float]:
    """Count the wall seconds this worker spends in os.fsync (the disk's share of the wall time; stock age does not
    fsync). Wraps os.fsync in this worker process only."""
    spent = [0.0]

    def wrap(name: str) -> None:
        real = getattr(os, name, None)
        if real is None:
            return

        def timed(fd: Any) -> None:
            t = time.perf_counter()
            try:
                real(fd)
            finally:
                spent[0] += time.perf_counter() - t

        setattr(os, name, timed)

    wrap("fsync")
    wrap("fdatasync")
    return spent


# What each C function the import calls counts as (cProfile names); everything else is "python and the rest".
_STAGES = {
    "blake2b": ("'update' of '_blake2.blake2b'",),
    "sha256": ("'update' of '_hashlib.HASH'",),
    "decrypt": ("decrypt_into",),
    "encrypt": ("encrypt_into",),
    "write": ("'write' of '_io.FileIO'",),
    "read": ("'readinto' of '_io.FileIO'", "'read' of '_io.FileIO'"),
    "fsync": ("posix.fsync", "posix.fdatasync"),
    "writeback": ("posix.posix_fadvise",),
    "sql": ("sqlcipher3",),
}


def _import_stages(importer: Any, bundle: Path) -> dict[str, float]:
    """CPU seconds per stage of one import with every hash inline (one thread): cProfile with the thread's CPU clock
    as its timer, so each C call's own time is CPU time. The profiler's own cost lands in "python and the rest"."""
    import cProfile  # noqa: PLC0415
    import pstats  # noqa: PLC0415

    import crypto.background_hash as background_hash  # noqa: PLC0415

    background_hash.spare_core = lambda: False
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    outcome = importer.import_file(bundle)
    profile.disable()
    if outcome.status != "imported":
        raise SystemExit(f"import: {outcome.status} {outcome.reason}")
    stats: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    stages = dict.fromkeys(_STAGES, 0.0)
    total = 0.0
    for (_, _, name), (_, _, own, _, _) in stats.items():
        total += own
        for stage, needles in _STAGES.items():
            if any(needle in name for needle in needles):
                stages[stage] += own
                break
    stages["python and the rest"] = total - sum(stages.values())
    return stages


# ---- workers (run in their own process) ------------------------------------------------------------------------------
def worker(mode: str, vault_path: str, target: str) -> None:
    from intake_app.bundles.export import export_bundle  # noqa: PLC0415 (after sys.path is set)
    from intake_app.bundles.importer import Importer  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    if os.environ.get("BENCH_INLINE_HASH") == "1":
        # --inline-hash: every hash on the calling thread, as on a one-core machine (no helper threads, no hand-offs).
        import crypto.background_hash as background_hash  # noqa: PLC0415

        background_hash.spare_core = lambda: False
    vault = Vault.open(Path(vault_path), PASSPHRASE)
    out: dict[str, Any] = {}
    waits = _time_fsync()
    cpu = _cpu_self()
    thread_cpu = time.thread_time()
    start = time.perf_counter()
    if mode == "export":
        result = export_bundle(vault, Path(target), everything=True)  # --all: every repeat sends the same bytes
        out = {"path": str(result.path), "size": result.size}
    elif mode == "import":
        outcome = Importer(vault).import_file(Path(target))
        if outcome.status != "imported":
            raise SystemExit(f"import: {outcome.status} {outcome.reason}")
    elif mode == "stages":
        out["stages"] = _import_stages(Importer(vault), Path(target))
    out["seconds"] = time.perf_counter() - start
    out["cpu"] = _cpu_self() - cpu
    out["main_cpu"] = time.thread_time() - thread_cpu
    out["fsync_s"] = waits[0]
    vault.lock()
    out["vm_hwm_mb"] = peak_rss_mb()
    print(json.dumps(out))


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str, float]:
    """Run ``cmd``; return (wall seconds, peak RSS MB, stdout, CPU seconds). The peak is the child's VmHWM, polled every
    2 ms until it exits (wait4's ru_maxrss would count this script's own memory, copied at fork, before the exec); the
    CPU is what the child used, all threads, user + system (the spinners are not reaped here, so not counted)."""
    cpu = _cpu_children()
    start = time.perf_counter()
    with tempfile.TemporaryFile(dir=WORK) as out, tempfile.TemporaryFile(dir=WORK) as err:
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
        return wall, peak, out.read().decode(), _cpu_children() - cpu


def _worker(mode: str, vault: Path, target: Path, env: dict[str, str]) -> dict[str, Any]:
    _, polled, stdout, _ = _run([sys.executable, __file__, "--worker", mode, str(vault), str(target)], env)
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


def _payload_member(bundle: Path, dst: Path) -> None:
    """Copy the bundle's payload.age (a plain age file, its first member) to ``dst``, for stock age to decrypt."""
    from intake_app.bundles.ustar import TarReader  # noqa: PLC0415

    with bundle.open("rb") as src, dst.open("wb") as out:
        reader = TarReader(src)
        if next(reader.members()).name != "payload.age":
            raise SystemExit("the bundle does not start with payload.age")
        while block := reader.read(1 << 20):
            out.write(block)


def _prepare(root: Path, mb: int, files: int, env: dict[str, str]) -> dict[str, Any]:
    """Vaults, one bundle, HQ's identity file, the bundle's payload and its plaintext (the inner archive)."""
    field, hq = _setup(root, mb * MB, files)
    usb = root / "usb"
    usb.mkdir()
    bundle = Path(_worker("export", field, usb, env)["path"])
    identity = root / "hq.key"
    cli = [sys.executable, "-m", "intake_app", "--vault", str(hq)]
    subprocess.run([*cli, "keys", "export-identity", str(identity)], env=env, cwd=REPO, check=True,
                   capture_output=True)
    recipient = next(line.split(": ", 1)[1] for line in identity.read_text().splitlines()
                     if line.startswith("# public key: "))
    payload, inner = root / "payload.age", root / "inner.tar"
    _payload_member(bundle, payload)
    # The inner archive is this benchmark's own synthetic data (random attachments, the example testimony).
    subprocess.run(["age", "-d", "-i", str(identity), "-o", str(inner), str(payload)], check=True)
    return {"field": field, "hq": hq, "bundle": bundle, "identity": identity, "recipient": recipient,
            "payload": payload, "inner": inner, "size": bundle.stat().st_size}


# ---- one size at one load ---------------------------------------------------------------------------------------------
def bench_level(root: Path, prep: dict[str, Any], load: int, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    exports, imports, enc_runs, dec_runs = [], [], [], []
    with spinners(load):
        for k in range(repeat):
            usb = root / f"usb-{load}-{k}"
            usb.mkdir()
            exports.append(_worker("export", prep["field"], usb, env))
            shutil.rmtree(usb)
            enc_runs.append(_run(["age", "-r", prep["recipient"], "-o", str(root / "enc.age"), str(prep["inner"])],
                                 env))
            hq = root / f"hq-{load}-{k}"
            shutil.copytree(prep["hq"], hq)  # a fresh HQ each time (nothing imported yet: a cheap copy)
            imports.append(_worker("import", hq, prep["bundle"], env))
            shutil.rmtree(hq)
            dec_runs.append(_run(["age", "-d", "-i", str(prep["identity"]), "-o", str(root / "dec.tar"),
                                  str(prep["payload"])], env))
        loadavg = load_average()
    exp = min(exports, key=lambda r: r["seconds"])
    imp = min(imports, key=lambda r: r["seconds"])
    enc = min(enc_runs, key=lambda r: r[0])
    dec = min(dec_runs, key=lambda r: r[0])
    mbytes = prep["size"] / MB
    return {
        "load": load, "loadavg": loadavg, "bundle_mb": mbytes,
        "export_mbs": mbytes / exp["seconds"], "age_enc_mbs": mbytes / enc[0],
        "import_mbs": mbytes / imp["seconds"], "age_dec_mbs": mbytes / dec[0],
        "export_cpu": min(r["cpu"] for r in exports), "age_enc_cpu": min(r[3] for r in enc_runs),
        "import_cpu": min(r["cpu"] for r in imports), "age_dec_cpu": min(r[3] for r in dec_runs),
        "import_main_cpu": imp["main_cpu"], "import_fsync_s": imp["fsync_s"], "import_s": imp["seconds"],
        "age_dec_s": dec[0],
        "export_rss": max(r["rss_mb"] for r in exports), "import_rss": max(r["rss_mb"] for r in imports),
        "age_rss": max(r[1] for r in enc_runs + dec_runs),
    }


def _print_stages(root: Path, prep: dict[str, Any], rounds: int, env: dict[str, str]) -> None:
    print(f"import of a {prep['size'] / MB:.0f} MB bundle, CPU seconds per stage (one thread; load average "
          f"{load_average():.1f})")
    for k in range(rounds):
        hq = root / f"hq-stages-{k}"
        shutil.copytree(prep["hq"], hq)
        result = _worker("stages", hq, prep["bundle"], env)
        shutil.rmtree(hq)
        print("  " + ", ".join(f"{name} {cpu:.3f}" for name, cpu in result["stages"].items())
              + f"; all: {result['cpu']:.3f} CPU s, {result['seconds']:.2f} s wall")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, nargs="+", default=[200], help="attachment megabytes (several: one run each)")
    parser.add_argument("--files", type=int, default=4, help="attachments the megabytes are split into")
    parser.add_argument("--repeat", type=int, default=3, help="rounds at each load level; the best of each side counts")
    parser.add_argument("--load", type=int, nargs="+", default=[0, 2], metavar="N",
                        help="spinner processes busy during the measurement; one run per value (default: 0 2)")
    parser.add_argument("--dir", type=Path, default=WORK / "bundles",
                        help="folder for the vaults and bundles (default: %(default)s)")
    parser.add_argument("--inline-hash", action="store_true",
                        help="hash on the calling thread instead of helper threads (what a one-core machine does), "
                             "to compare the two under load")
    parser.add_argument("--stages", type=int, default=0, metavar="N",
                        help="only profile N imports per stage (CPU seconds, every hash inline), then stop")
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "VAULT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    if not shutil.which("age"):
        print("stock age is needed as the reference", file=sys.stderr)
        return 2
    env = dict(os.environ) | {"INTAKE_KDF_PROFILE": "fast", "INTAKE_PASSPHRASE": PASSPHRASE,
                              "BENCH_INLINE_HASH": "1" if args.inline_hash else "0"}
    os.environ.update({"INTAKE_KDF_PROFILE": "fast"})
    private_dir(WORK)
    rows = []
    for mb in args.mb:
        root = Path(tempfile.mkdtemp(prefix=f"bench-bundles-{mb}-", dir=private_dir(args.dir)))
        try:
            prep = _prepare(root, mb, args.files, env)
            if args.stages:
                _print_stages(root, prep, args.stages, env)
                continue
            base_rss = _worker("none", prep["hq"], root, env)["rss_mb"]
            for load in args.load:
                rows.append({"mb": mb, "baseline_rss": base_rss} | bench_level(root, prep, load, args.repeat, env))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    if args.stages:
        return 0
    print(f"bundle export/import vs stock age on the same payload, in {args.dir}, {args.files} attachments, hashes "
          f"{'inline' if args.inline_hash else 'on helper threads'}, best of {args.repeat} "
          "(MB = 10^6 bytes of bundle; targets: import >= 0.5x age -d under load, >= 0.8x quiet; "
          "RSS < 150 MB)")
    print(f"{'size':>6} {'load':>12} {'avg':>5} | {'export':>8} {'age -r':>8} {'ratio':>5} {'CPU s':>9} | "
          f"{'import':>8} {'age -d':>8} {'ratio':>5} {'CPU s':>9} | {'RSS exp':>7} {'imp':>4} {'floor':>5} {'age':>4}")
    for r in rows:
        print(f"{r['mb']:>4}MB {label(r['load']):>12} {r['loadavg']:>5.1f} | {r['export_mbs']:>4.0f}MB/s "
              f"{r['age_enc_mbs']:>4.0f}MB/s {r['export_mbs'] / r['age_enc_mbs']:>5.2f} "
              f"{r['export_cpu']:>4.2f}/{r['age_enc_cpu']:.2f} | {r['import_mbs']:>4.0f}MB/s "
              f"{r['age_dec_mbs']:>4.0f}MB/s {r['import_mbs'] / r['age_dec_mbs']:>5.2f} "
              f"{r['import_cpu']:>4.2f}/{r['age_dec_cpu']:.2f} | {r['export_rss']:>5.0f}MB {r['import_rss']:>4.0f} "
              f"{r['baseline_rss']:>5.0f} {r['age_rss']:>4.0f}")
    print("import, best round: wall s / CPU s (all threads) / main thread CPU s / wall s in fsync; age -d wall s")
    for r in rows:
        print(f"{r['mb']:>4}MB {label(r['load']):>12} {r['import_s']:.2f} / {r['import_cpu']:.2f} / "
              f"{r['import_main_cpu']:.2f} / {r['import_fsync_s']:.2f}; {r['age_dec_s']:.2f}")
    print(json.dumps(rows))
    for r in rows:
        loaded = r["load"] > 0
        where = f"{r['mb']} MB, {label(r['load'])} (load average {r['loadavg']:.1f})"
        exp_ratio, imp_ratio = r["export_mbs"] / r["age_enc_mbs"], r["import_mbs"] / r["age_dec_mbs"]
        figure(f"bundle export, {where}", r["export_mbs"], "MB/s", reference="stock age -r",
               reference_value=r["age_enc_mbs"], target=None if loaded else ">= 0.8x",
               ok=None if loaded else exp_ratio >= 0.8)
        figure(f"bundle import, {where}", r["import_mbs"], "MB/s", reference="stock age -d",
               reference_value=r["age_dec_mbs"], target=">= 0.5x" if loaded else ">= 0.8x",
               ok=imp_ratio >= (0.5 if loaded else 0.8))
        rss = max(r["export_rss"], r["import_rss"])
        figure(f"bundle peak RSS, {where}", rss, "MB", target="< 150 MB", ok=rss < 150)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
