"""The consent decision over a whole archive: ``consent.decide`` for publication over every mention of N testimonies
(the HQ backlog of bench/hq_import.py, imported), against a reference measured in the same run: reading every
testimony once (``RecordStore.show`` of each: a ``SELECT`` of its current revision's content and ``json.loads`` of
it, as bench/exports.py measured it for issue 30), the least any decision over the archive must do. A stricter floor
is printed too: one ``SELECT`` of every current content with ``json.loads`` of each.

    .venv/bin/python bench/consent.py [--testimonies 20000] [--cache DIR] [--dir DIR] [--profile]

The imported HQ vault is kept under ``--cache`` (bench/out/cache/consent-N, made once from the bundles of
bench/hq_import.py, which are made then if missing); each run works on a copy of it in ``--dir``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")

from bench._report import CACHE, add_dir_argument, figure, peak_rss_mb, private_dir  # noqa: E402
from bench.hq_import import PASSPHRASE, bundles_of, make_corpus  # noqa: E402


def make_vault(cache: Path, bundles: Path, n: int) -> None:
    """The HQ vault holding the imported backlog, under ``cache``."""
    from intake_app.bundles.importer import Importer  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    if not (bundles / "hq").is_dir():
        print(f"making the bundles in {bundles} (once)", flush=True)
        make_corpus(bundles, n, 10)
    building = cache.with_name(cache.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    private_dir(building)
    shutil.copytree(bundles / "hq", building / "hq")
    hq = Vault.open(building / "hq", PASSPHRASE)
    importer = Importer(hq)
    outcomes = [importer.import_file(b) for b in bundles_of(bundles)]
    assert all(o.status == "imported" for o in outcomes), [o.reason for o in outcomes]
    hq.lock()
    building.rename(cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--testimonies", type=int, default=20_000, help="testimonies in the archive (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="folder for the kept vault (default: %(default)s)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the decision (slower)")
    add_dir_argument(parser)
    args = parser.parse_args()
    os.umask(0o077)
    from intake_app import wiring  # noqa: PLC0415
    from intake_app.exports import consent, sources  # noqa: PLC0415
    from intake_app.records.store import RecordStore  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    wiring.install()
    n = args.testimonies
    cache = private_dir(args.cache) / f"consent-{n}"
    if not (cache / "hq").is_dir():
        print(f"making the archive in {cache} (once)", flush=True)
        make_vault(cache, private_dir(args.cache) / f"hq_import-{n}-10", n)
    # Opened once where it is kept, so that a schema migration (a vault made by an older tree) runs there, once, and
    # not in the measured copy, whose peak RSS would then be the migration's.
    Vault.open(cache / "hq", PASSPHRASE).lock()
    with tempfile.TemporaryDirectory(prefix="bench-consent-", dir=private_dir(args.dir)) as tmp:
        shutil.copytree(cache / "hq", Path(tmp) / "hq")
        vault = Vault.open(Path(tmp) / "hq", PASSPHRASE)
        mentions = sources.all_mentions(vault)
        store = RecordStore(vault)
        ids = [str(r[0]) for r in vault.conn.execute("SELECT id FROM records WHERE kind = 'testimony' AND deleted = 0")]
        wall, cpu = time.perf_counter(), time.process_time()
        read = sum(1 for record_id in ids if store.show(record_id))  # SELECT its current content + json.loads
        ref_wall, ref_cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        rows = vault.conn.execute("SELECT v.content FROM records r JOIN revisions v ON v.id = r.current_rev"
                                  " WHERE r.kind = 'testimony' AND r.deleted = 0")
        sum(1 for (content,) in rows if json.loads(content))
        bulk_wall, bulk_cpu = time.perf_counter() - wall, time.process_time() - cpu
        prof = cProfile.Profile() if args.profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        release = consent.decide(vault, "publication", mentions)
        if prof:
            prof.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        vault.lock()
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
    load = os.getloadavg()
    print(f"{read} testimonies, {len(mentions)} mentions, {len(release.included)} released for publication; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"decision: {wall:.2f} s wall, {cpu:.2f} s CPU; reference (each testimony read once, RecordStore.show: "
          f"SELECT of its current content + json.loads): {ref_wall:.2f} s wall, {ref_cpu:.2f} s CPU; floor (one "
          f"SELECT of every content + json.loads): {bulk_wall:.2f} s wall, {bulk_cpu:.2f} s CPU")
    figure(f"consent decision over {n} testimonies (wall)", wall, "s", reference="read every testimony once",
           reference_value=ref_wall, target="ratio <= 2", ok=wall <= 2 * ref_wall)
    figure(f"consent decision over {n} testimonies (CPU)", cpu, "s", reference="read every testimony once",
           reference_value=ref_cpu, target="ratio <= 2", ok=cpu <= 2 * ref_cpu)
    figure(f"consent decision over {n} testimonies (CPU, against one bulk SELECT)", cpu, "s",
           reference="one SELECT + json.loads of every testimony", reference_value=bulk_cpu)
    figure("peak RSS", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
