"""Import time as a device's bundles pile up, with a large audit log in every bundle (issue 11, finding 6).

    .venv/bin/python bench/log_growth.py [--leaves 100000] [--bundles 40] [--dir /dev/shm]

A field vault whose audit log already holds ``--leaves`` entries (a long-used laptop; every bundle carries all leaf
hashes, 32 bytes each) exports ``--bundles`` small bundles, one small edit each, and HQ imports them in order. Printed:

    import 2-6         mean wall time of importing bundles 2-6 (the reference, measured in the same run; bundle 1
                       also carries every audit entry, so it is left out)
    import last 5      mean wall time of importing the last five bundles           (target: within 1.3x bundles 2-6)
    status             time of device_status (what `intake bundle status` computes per device) after the last import
    pairwise (old)     what the former rule cost on the same HQ: every pair of the device's bundles, leaf prefixes
                       compared, i.e. what each import and each status used to do

Vaults use the `fast` KDF profile; everything is written under a temporary folder and removed at the end.
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

PASSPHRASE = "bench passphrase"


def _pairwise_old_rule(conn: object, device: str) -> float:
    """The former quadratic check, timed: compare the leaf prefixes of every pair of the device's bundles."""
    start = time.perf_counter()
    rows = conn.execute("SELECT log_size, leaves FROM bundles WHERE device = ? ORDER BY log_size",  # type: ignore[attr-defined]
                        (device,)).fetchall()
    logs = [(int(size), bytes(leaves)) for size, leaves in rows]
    for i, (small, small_leaves) in enumerate(logs):
        for _, big_leaves in logs[i + 1:]:
            _ = big_leaves[: 32 * small] == small_leaves
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leaves", type=int, default=100_000)
    parser.add_argument("--bundles", type=int, default=40)
    add_dir_argument(parser)
    args = parser.parse_args()

    from intake_app.bundles.export import export_bundle  # noqa: PLC0415 (after sys.path is set)
    from intake_app.bundles.importer import Importer  # noqa: PLC0415
    from intake_app.bundles.keyring import Keyring, parse_device_key_file, parse_hq_key_file  # noqa: PLC0415
    try:
        from intake_app.bundles.log_status import device_status  # noqa: PLC0415
    except ImportError:  # the code before issue 11 finding 6, to measure what it cost (run from an older checkout)
        from intake_app.bundles.importer import device_status  # noqa: PLC0415
    from intake_app.records.store import RecordStore  # noqa: PLC0415
    from intake_app.vault.audit import AuditLog  # noqa: PLC0415
    from intake_app.vault.database import Transaction  # noqa: PLC0415
    from intake_app.vault.vault import Vault, utc_now  # noqa: PLC0415

    root = Path(tempfile.mkdtemp(prefix="log-growth-", dir=private_dir(args.dir)))
    try:
        hq, _ = Vault.create(root / "hq", PASSPHRASE, "hq")
        field, _ = Vault.create(root / "field", PASSPHRASE, "field")
        Keyring(field).pin_recipient(parse_hq_key_file(Keyring(hq).export_public()), "hq")
        key = parse_device_key_file(Keyring(field).export_public())
        Keyring(hq).enrol(key, "bench laptop")
        device = key.key_id_hex
        audit = AuditLog(field.conn, device)
        with Transaction(field.conn):
            now = utc_now()
            for _ in range(args.leaves):
                audit.append("view_attachment", now, None, {})
        example = json.loads((REPO / "tests" / "data" / "interchange" / "good" / "example.json").read_bytes())
        example.pop("id", None)
        rid = RecordStore(field).add_json(json.dumps(example, ensure_ascii=False).encode("utf-8")).record_id
        importer = Importer(hq)
        times: list[float] = []
        for k in range(args.bundles):
            doc = RecordStore(field).show(rid)
            doc["narrative"] = f"edit {k}"
            RecordStore(field).add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
            out = root / f"usb{k}"
            out.mkdir()
            bundle = export_bundle(field, out).path
            start = time.perf_counter()
            outcome = importer.import_file(bundle)
            times.append(time.perf_counter() - start)
            if outcome.status != "imported":
                raise SystemExit(f"bundle {k + 1}: {outcome.status} {outcome.reason}")
            shutil.rmtree(out)
        start = time.perf_counter()
        status = device_status(hq.conn, device)
        status_s = time.perf_counter() - start
        old = _pairwise_old_rule(hq.conn, device)
        first, last = sum(times[1:6]) / 5, sum(times[-5:]) / 5  # bundle 1 carries every entry
        print(f"{args.bundles} bundles, each carrying {args.leaves + 2 * args.bundles:,}+ leaves")
        print(f"import bundles 2-6: {first * 1000:.1f} ms each; last 5: {last * 1000:.1f} ms each"
              f" (ratio {last / first:.2f})")
        print(f"device_status after the last: {status_s * 1000:.1f} ms; log_forks = {status['log_forks']}")
        print(f"the former pairwise rule on the same bundles: {old * 1000:.1f} ms per import and per status")
        figure(f"import, last 5 of {args.bundles} bundles ({args.leaves} leaves)", last, "s",
               reference="import, bundles 2-6", reference_value=first, target="ratio <= 1.3",
               ok=last / first <= 1.3)
        figure("bundle status, one device", status_s, "s", reference="former pairwise rule", reference_value=old)
        hq.lock()
        field.lock()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
