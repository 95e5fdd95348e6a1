"""Merging at HQ: import bundles carrying N testimonies (two devices, with concurrent edits of shared records) into an
HQ vault, against a reference measured in the same run: saving the same N testimonies locally, one by one.

    .venv/bin/python bench/merge.py [--testimonies 10000]
"""

from __future__ import annotations

import argparse
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
from intake_app.bundles.export import export_bundle  # noqa: E402
from intake_app.bundles.importer import Importer  # noqa: E402
from intake_app.bundles.keyring import Keyring, parse_device_key_file, parse_hq_key_file  # noqa: E402
from intake_app.records import interchange  # noqa: E402
from intake_app.records.store import RecordStore  # noqa: E402
from intake_app.vault.vault import Vault  # noqa: E402

EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "rich.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--testimonies", type=int, default=10_000)
    add_dir_argument(parser)
    args = parser.parse_args()
    os.umask(0o077)
    n = args.testimonies
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    base.pop("id", None)
    with tempfile.TemporaryDirectory(prefix="bench-merge-", dir=private_dir(args.dir)) as tmp:
        work = Path(tmp)
        hq, _ = Vault.create(work / "hq", "pw", "hq")
        hq_keys = parse_hq_key_file(Keyring(hq).export_public())
        field, _ = Vault.create(work / "field-a", "pw", "field")
        Keyring(field).pin_recipient(hq_keys, "HQ")
        Keyring(hq).enrol(parse_device_key_file(Keyring(field).export_public()), "laptop A")
        store = RecordStore(field)

        started = time.perf_counter()
        ids = []
        for i in range(n):
            doc = dict(base, narrative=f"증언 {i}: 온성군 보위부에서 {i % 97}번째 조사를 받았다고 합니다.")
            ids.append(store.save(interchange.validate(doc)).record_id)
        save_s = time.perf_counter() - started
        usb = work / "usb"
        usb.mkdir()
        first = export_bundle(field, usb).path
        field.lock()
        # A restored copy of the laptop edits the same records as the original: concurrent edits for HQ to keep apart.
        shutil.copytree(work / "field-a", work / "field-b")
        bundles = [first]
        for name in ("field-a", "field-b"):
            v = Vault.open(work / name, "pw")
            s = RecordStore(v)
            for rid in ids[: n // 10]:
                doc = s.show(rid)
                doc["narrative"] = f"{name} 수정: {doc['narrative']}"
                s.save(interchange.validate(doc))
            (usb / name).mkdir()
            bundles.append(export_bundle(v, usb / name).path)
            v.lock()
        importer = Importer(hq)
        started = time.perf_counter()
        outcomes = [importer.import_file(b) for b in bundles]
        import_s = time.perf_counter() - started
        assert [o.status for o in outcomes] == ["imported"] * 3, [o.reason for o in outcomes]
        conflicts = hq.conn.execute("SELECT count(*) FROM records WHERE conflicted = 1").fetchone()[0]
        revisions = hq.conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
        hq.lock()
    print(f"{n} testimonies saved one by one on the laptop: {save_s:.1f} s ({n / save_s:.0f}/s) — reference")
    print(f"HQ import of 3 bundles ({revisions} revisions, {conflicts} concurrent edits kept as conflicts): "
          f"{import_s:.1f} s ({revisions / import_s:.0f} revisions/s)")
    figure(f"merge of {n} testimonies (+{n // 5} concurrent edits)", import_s, "s",
           reference=f"saving {n} locally", reference_value=save_s)


if __name__ == "__main__":
    main()
