"""HQ import of a backlog: N testimonies recorded on 10 laptops (one bundle each) imported into one HQ vault, against a
reference measured in the same run: a raw bulk insert of the same rows (every row the import wrote: revisions and
their parents, records and their heads, statistics facts and perpetrator entries, the bundle and its audit leaves)
into the same empty HQ vault, plus the same ``SearchIndex.upsert`` of every record (``search_fields`` included).

    .venv/bin/python bench/hq_import.py [--testimonies 20000] [--laptops 10] [--cache DIR] [--dir DIR] [--profile]

The laptops' bundles and the empty HQ vault they were made for are kept under ``--cache``
(bench/out/cache/hq_import-N-L); the first run makes them: each laptop a real field vault, its testimonies saved through
``RecordStore.save_many`` (one transaction per laptop), exported as a real signed, encrypted bundle, the laptops in
parallel processes. Later runs only copy the empty HQ vault and import. Wall and CPU time (this process, every thread)
are both reported, and the peak RSS of the import alone (before the reference runs); the load average is printed
beside them.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import os
import pstats
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")

from bench._report import CACHE, add_dir_argument, figure, peak_rss_mb, private_dir  # noqa: E402

EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "rich.json"
PASSPHRASE = "bench passphrase"
_FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
_GIVEN = "철영수민성현진호은미정숙옥순희경자동광명혁"
_CONSENT = ("granted", "refused", "not_asked", "withdrawn")  # publication: a quarter of the archive may leave
_PLACES = ("온성", "회령", "무산", "혜산", "청진", "함흥", "신의주", "평양", "원산", "길주")


def testimony(i: int) -> dict[str, Any]:
    """The i-th synthetic testimony: the rich example with its names, places, dates and narrative varied."""
    doc: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc.pop("id", None)
    name = _FAMILY[i % len(_FAMILY)] + _GIVEN[(i // 7) % len(_GIVEN)] + _GIVEN[(i // 131) % len(_GIVEN)]
    place = _PLACES[(i // 3) % len(_PLACES)]
    victims = doc["victims"]
    victims[0]["names"][0]["hangul"] = name
    victims[0]["birth"] = f"{1940 + i % 50}~"
    victims[0]["origin"] = f"함경북도 {place}군"
    doc["narrative"] = f"증언 {i}: {name} 씨는 {2000 + i % 20}년쯤 {place}에서 잡혀 보위부 구류장에 있었다고 들었다."
    doc["consent"] = dict(doc["consent"], publication={"value": _CONSENT[i % len(_CONSENT)], "anonymity": "initials"})
    doc["interview"] = dict(doc["interview"], date=f"20{10 + i % 14}-0{1 + i % 9}-1{i % 10}")
    return doc


def make_laptop(building: Path, k: int, n: int, laptops: int, hq_key_file: str) -> str:
    """Laptop ``k``: a real field vault holding its share of the backlog (testimonies k, k + laptops, ...), saved through
    ``RecordStore.save_many`` (each checked and validated as ``save`` does, one transaction for the laptop), then
    exported by the product's exporter as one signed bundle encrypted to HQ. Returns the device's public key file."""
    from intake_app.bundles.export import export_bundle  # noqa: PLC0415
    from intake_app.bundles.keyring import Keyring, parse_hq_key_file  # noqa: PLC0415
    from intake_app.records import interchange  # noqa: PLC0415
    from intake_app.records.store import RecordStore  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    field, _ = Vault.create(building / f"laptop-{k}", PASSPHRASE, "field")
    Keyring(field).pin_recipient(parse_hq_key_file(hq_key_file), "HQ")
    device_key = Keyring(field).export_public()
    RecordStore(field).save_many(interchange.validate(testimony(i)) for i in range(k, n, laptops))
    out = building / "bundles" / f"{k:02d}"
    out.mkdir()
    export_bundle(field, out)
    field.lock()
    shutil.rmtree(building / f"laptop-{k}")
    return device_key


def make_corpus(cache: Path, n: int, laptops: int) -> None:
    """The empty HQ vault (every laptop enrolled) and one bundle per laptop, under ``cache``. The laptops are made in
    parallel processes (one per core), each a real field vault exporting a real bundle."""
    from intake_app.bundles.keyring import Keyring, parse_device_key_file  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    building = cache.with_name(cache.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    private_dir(building)
    hq, _ = Vault.create(building / "hq", PASSPHRASE, "hq")
    hq_key_file = Keyring(hq).export_public()
    (building / "bundles").mkdir()
    started = time.perf_counter()
    # fork: the children inherit the registered derived indexes (wiring.install) and the fast KDF profile.
    pool = ProcessPoolExecutor(max_workers=max(1, min(laptops, os.cpu_count() or 1)),
                               mp_context=multiprocessing.get_context("fork"))
    with pool:
        jobs = [pool.submit(make_laptop, building, k, n, laptops, hq_key_file) for k in range(laptops)]
        for k, job in enumerate(jobs):
            Keyring(hq).enrol(parse_device_key_file(job.result()), f"laptop {k}")
            print(f"  laptop {k + 1}/{laptops}: {len(range(k, n, laptops))} testimonies "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
    hq.lock()
    building.rename(cache)


def bundles_of(cache: Path) -> list[Path]:
    return sorted(p for d in sorted((cache / "bundles").iterdir()) for p in d.iterdir() if p.is_file())


def cpu() -> float:
    return time.process_time()


def run_import(cache: Path, work: Path, profile: Path | None) -> tuple[float, float, int]:
    """Import every bundle into a copy of the empty HQ vault: (wall s, CPU s, revisions)."""
    from intake_app.bundles.importer import Importer  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    shutil.copytree(cache / "hq", work / "hq-import")
    hq = Vault.open(work / "hq-import", PASSPHRASE)
    importer = Importer(hq)
    bundles = bundles_of(cache)
    prof = cProfile.Profile(time.process_time) if profile else None  # CPU time: a loaded machine skews wall time
    wall, cpu0 = time.perf_counter(), cpu()
    if prof:
        prof.enable()
    outcomes = [importer.import_file(b) for b in bundles]
    if prof:
        prof.disable()
    wall, used = time.perf_counter() - wall, cpu() - cpu0
    assert [o.status for o in outcomes] == ["imported"] * len(bundles), [o.reason for o in outcomes]
    revs = int(hq.conn.execute("SELECT count(*) FROM revisions").fetchone()[0])
    if prof and profile:
        prof.dump_stats(profile)
        pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(35)
        pstats.Stats(str(profile)).sort_stats("tottime").print_stats(25)
    hq.lock()
    return wall, used, revs


# Tables an import writes rows into, besides the search index: copied as they are by the reference.
ROW_TABLES = ("revisions", "revision_parents", "records", "record_heads", "stat_testimonies", "stat_mentions",
              "stat_facts", "stat_counts", "perp_entries", "bundles", "device_audit", "revision_consent")


def run_reference(cache: Path, work: Path, source: Path) -> tuple[float, float]:
    """The same rows inserted in bulk into a copy of the empty HQ vault, with the same search-index upserts."""
    from intake_app.records.store import search_fields  # noqa: PLC0415
    from intake_app.search.index import SearchIndex  # noqa: PLC0415
    from intake_app.vault.database import Transaction  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    imported = Vault.open(source, PASSPHRASE)
    rows = {table: imported.conn.execute(f"SELECT * FROM {table}").fetchall() for table in ROW_TABLES}
    imported.lock()
    content_of = {str(r[0]): bytes(r[7]) for r in rows["revisions"]}
    shutil.copytree(cache / "hq", work / "hq-reference")
    hq = Vault.open(work / "hq-reference", PASSPHRASE)
    conn = hq.conn
    wall, cpu0 = time.perf_counter(), cpu()
    with Transaction(conn):
        for table, table_rows in rows.items():
            if table_rows:
                marks = ",".join("?" * len(table_rows[0]))
                conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", table_rows)
        index = SearchIndex(conn)
        for row in rows["records"]:
            index.upsert(str(row[0]), search_fields(content_of[str(row[2])]))
    wall, used = time.perf_counter() - wall, cpu() - cpu0
    hq.lock()
    return wall, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--testimonies", type=int, default=20_000, help="testimonies in the backlog (default: %(default)s)")
    parser.add_argument("--laptops", type=int, default=10, help="laptops, one bundle each (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="folder for the kept bundles (default: %(default)s)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import (slower)")
    add_dir_argument(parser)
    args = parser.parse_args()
    os.umask(0o077)
    from intake_app import wiring  # noqa: PLC0415

    wiring.install()  # the derived indexes (statistics facts, perpetrator entries...) as every entry point has them
    n, laptops = args.testimonies, args.laptops
    cache = private_dir(args.cache) / f"hq_import-{n}-{laptops}"
    if not (cache / "hq").is_dir():
        print(f"making the corpus in {cache} (once)", flush=True)
        make_corpus(cache, n, laptops)
    with tempfile.TemporaryDirectory(prefix="bench-hq-import-", dir=private_dir(args.dir)) as tmp:
        work = Path(tmp)
        wall, used, revs = run_import(cache, work, work / "import.prof" if args.profile else None)
        import_rss = peak_rss_mb()  # the reference below reads every row at once: its memory is not the import's
        ref_wall, ref_cpu = run_reference(cache, work, work / "hq-import")
    load = os.getloadavg()
    print(f"{n} testimonies from {laptops} laptops, {revs} revisions; load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}")
    print(f"import: {wall:.1f} s wall, {used:.1f} s CPU ({revs / wall:.0f} revisions/s); reference (bulk insert of the "
          f"same rows + the same search-index upserts): {ref_wall:.1f} s wall, {ref_cpu:.1f} s CPU")
    figure(f"HQ import of {n} testimonies from {laptops} laptops (wall)", wall, "s",
           reference="bulk insert of the same rows + SearchIndex.upsert", reference_value=ref_wall,
           target="ratio <= 2", ok=wall <= 2 * ref_wall)
    figure(f"HQ import of {n} testimonies from {laptops} laptops (CPU)", used, "s",
           reference="bulk insert of the same rows + SearchIndex.upsert", reference_value=ref_cpu,
           target="ratio <= 2", ok=used <= 2 * ref_cpu)
    figure(f"HQ import of {n} testimonies, peak RSS", import_rss, "MB")


if __name__ == "__main__":
    main()
