"""External exports at archive scale: the consent decision over every mention, the Uwazi export of the whole archive
and one WGEID case, against a reference measured in the same run: reading every current testimony once
(``RecordStore.show``), the least any export over the archive must do.

    .venv/bin/python bench/exports.py [--testimonies 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")

from bench._report import add_dir_argument, figure, peak_rss_mb, private_dir  # noqa: E402
from intake_app.exports import consent, pipeline, sources  # noqa: E402
from intake_app.exports.base import ExportRequest  # noqa: E402
from intake_app.exports.settings import Organisation  # noqa: E402
from intake_app.records.ids import uuid7  # noqa: E402
from intake_app.records.store import RecordStore  # noqa: E402
from intake_app.vault.vault import Vault  # noqa: E402

EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "rich.json"
VALUES = ("granted", "refused", "not_asked", "withdrawn")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--testimonies", type=int, default=2000)
    add_dir_argument(parser)
    args = parser.parse_args()
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="bench-exports-", dir=private_dir(args.dir)) as tmp:
        vault, _ = Vault.create(Path(tmp) / "hq", "bench passphrase", "hq")
        store = RecordStore(vault)
        for i in range(args.testimonies):
            doc = dict(base, id=uuid7())
            doc["consent"] = {"publication": {"value": VALUES[i % 4], "anonymity": "initials"},
                              "wgeid": {"value": "granted", "anonymity": "full_name"}}
            store.add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        started = time.perf_counter()
        ids = [s["id"] for s in store.summaries()]
        for record_id in ids:
            store.show(record_id)
        read_s = time.perf_counter() - started
        mentions = sources.all_mentions(vault)
        started = time.perf_counter()
        release = consent.decide(vault, "publication", mentions)
        decide_s = time.perf_counter() - started
        started = time.perf_counter()
        pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication", mentions=tuple(mentions),
                                                 out_dir=Path(tmp) / "uwazi", subject="archive",
                                                 person_of=sources.person_map(vault)))
        uwazi_s = time.perf_counter() - started
        first = next(m for m in mentions if m.endswith("/v1"))
        started = time.perf_counter()
        pipeline.run_export(vault, ExportRequest(format="wgeid", purpose="wgeid", mentions=(first,),
                                                 out_dir=Path(tmp) / "wgeid", subject=first, allow_incomplete=True,
                                                 options={"organisation": Organisation(name="bench")}))
        wgeid_s = time.perf_counter() - started
        vault.lock()
    n = len(mentions)
    print(f"{args.testimonies} testimonies, {n} mentions; {len(release.included)} released for publication")
    figure("read every testimony (reference)", read_s, "s")
    figure(f"consent decision over {n} mentions", decide_s, "s", reference="read every testimony",
           reference_value=read_s)
    figure(f"Uwazi export of {n} mentions", uwazi_s, "s", reference="read every testimony", reference_value=read_s)
    figure("one WGEID case (PDF + JSON)", wgeid_s, "s")
    figure("peak RSS", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
