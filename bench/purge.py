"""HQ update import and the purge of acknowledged testimonies, against the bundle export of the same testimonies.

    .venv/bin/python bench/purge.py [--n 300 1000] [--attach-every 4] [--dir /dev/shm]

For each N: a field vault with N testimonies (every k-th with a 64 KB attachment) enrolled at an HQ vault; one bundle
with all of them (export timed: the reference), imported at HQ; one update written at HQ and imported on the field
(timed: verify + apply); then `purge --acknowledged --dry-run` (the count the app shows first) and the purge itself
(rows, search index merge, blob overwrite + unlink, WAL scrub; timed as a whole). Vaults use the `fast` KDF profile.
Everything written is removed at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")

from bench._report import add_dir_argument, figure, private_dir  # noqa: E402

PASSPHRASE = "bench passphrase"


def run(n: int, attach_every: int, base: Path) -> dict[str, float]:
    from intake_app.bundles.export import export_bundle  # noqa: PLC0415 (after sys.path is set)
    from intake_app.bundles.importer import Importer  # noqa: PLC0415
    from intake_app.bundles.keyring import Keyring, parse_device_key_file, parse_hq_key_file  # noqa: PLC0415
    from intake_app.records.attachments import AttachmentStore  # noqa: PLC0415
    from intake_app.records.purge import purge_acknowledged  # noqa: PLC0415
    from intake_app.records.store import RecordStore  # noqa: PLC0415
    from intake_app.updates.field import import_update  # noqa: PLC0415
    from intake_app.updates.hq import export_updates  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="bench-purge-", dir=base))
    try:
        hq = Vault.create(work / "hq", PASSPHRASE, "hq")[0]
        field = Vault.create(work / "field", PASSPHRASE, "field")[0]
        Keyring(field).pin_recipient(parse_hq_key_file(Keyring(hq).export_public()), "hq")
        key = parse_device_key_file(Keyring(field).export_public())
        Keyring(hq).enrol(key, "laptop")
        doc = json.loads((REPO / "tests/data/interchange/good/example.json").read_text(encoding="utf-8"))
        doc.pop("id", None)
        store, files = RecordStore(field), AttachmentStore(field)
        for i in range(n):
            doc["narrative"] = f"증언 {i}: " + "그날 밤 보위부 사람들이 찾아왔다. " * 40
            rid = store.add_json(json.dumps(doc, ensure_ascii=False).encode()).record_id
            if i % attach_every == 0:
                files.attach_stream(rid, io.BytesIO(os.urandom(64_000)), f"scan-{i}.jpg")
        usb = work / "usb"
        usb.mkdir()
        t = time.perf_counter()
        bundle = export_bundle(field, usb)
        export_s = time.perf_counter() - t
        assert Importer(hq).import_file(bundle.path).status == "imported"
        (sent,) = export_updates(hq, usb, key.key_id_hex)
        t = time.perf_counter()
        import_update(field, sent.path)
        import_s = time.perf_counter() - t
        t = time.perf_counter()
        dry = purge_acknowledged(field, dry_run=True)
        dry_s = time.perf_counter() - t
        t = time.perf_counter()
        done = purge_acknowledged(field)
        purge_s = time.perf_counter() - t
        assert dry.count == done.count == n
        db_after = (work / "field" / "vault.db").stat().st_size
        hq.lock()
        field.lock()
        return {"export": export_s, "update_import": import_s, "dry_run": dry_s, "purge": purge_s,
                "db_after_mb": db_after / 1e6}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--attach-every", type=int, default=4)
    add_dir_argument(parser)
    args = parser.parse_args()
    base = private_dir(args.dir)
    for n in args.n:
        r = run(n, args.attach_every, base)
        print(f"N={n}: export {r['export']:.2f} s, update import {r['update_import'] * 1000:.0f} ms, "
              f"dry run {r['dry_run'] * 1000:.0f} ms, purge {r['purge']:.2f} s "
              f"(purge/export {r['purge'] / r['export']:.2f}), vault.db after {r['db_after_mb']:.1f} MB")
        figure(f"purge of {n} acknowledged testimonies", r["purge"], "s", reference=f"bundle export of the same {n}",
               reference_value=r["export"])
        figure(f"update import, {n} receipts' worth", r["update_import"] * 1000, "ms")
        figure(f"purge dry run (count shown first), {n}", r["dry_run"] * 1000, "ms")


if __name__ == "__main__":
    main()
