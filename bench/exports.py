"""External exports at archive scale: the Uwazi export of the whole archive (time and peak RSS), the statistics CSV,
one perpetrator's dossier and one WGEID case, against a reference measured in the same run: reading every current
testimony once (``RecordStore.show``), the least any export over the archive must do.

    .venv/bin/python bench/exports.py [--testimonies 2000] [--repeat 1] [--cache bench/out/cache] [--dir bench/out/work]

The corpus (an HQ vault of N copies of tests/data/interchange/good/rich.json with mixed consent, every 50th testimony's
victim linked to the next one's as one person, and one unit named in every 10th testimony) is built once and kept
under ``--cache``/exports-N. Each measurement runs in its own process on a copy of it, so each peak RSS is its own:
the reference, the consent decision alone (one ``consent.decide`` over every mention), the Uwazi export (plain, and
age-encrypted), the statistics CSV by sex, the dossier of the unit, one WGEID case. Targets (issue 30): Uwazi ≤ 3× the
reference, peak RSS ≤ 200 MB at 100k and flat in the archive's size.

``--repeat N`` measures in N rounds (the reference, then each export, then the reference again, …), so that a slow
spell of the machine falls on both sides of a ratio. Every round is printed; each figure is then the round with the
median ratio to its own round's reference (the reference's own figure: its median).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")

from bench._report import CACHE, add_dir_argument, figure, peak_rss_mb, private_dir  # noqa: E402

EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "rich.json"
VALUES = ("granted", "refused", "not_asked", "withdrawn", "granted")
PASSPHRASE = "bench passphrase"
UNIT = "bench unit 7"
MEASURES = ("reference", "decide", "uwazi", "uwazi_age", "stats", "dossier", "wgeid")


BUILD_CHUNK = 500
"""Testimonies saved in one transaction while the corpus is built."""


def build(path: Path, n: int) -> None:
    """The corpus vault at ``path`` (see the module text). Every testimony goes through ``RecordStore.add_json`` and
    every link through ``registry.link``, as in the product; only the build's durability is relaxed (its connection
    runs with ``synchronous = OFF``, and :data:`BUILD_CHUNK` saves share one transaction), which a corpus that is
    rebuilt when lost does not need. An interrupted build resumes where its last chunk committed."""
    from intake_app import wiring  # noqa: PLC0415
    from intake_app.persons import registry  # noqa: PLC0415
    from intake_app.records.ids import uuid7  # noqa: PLC0415
    from intake_app.records.store import RecordStore  # noqa: PLC0415
    from intake_app.vault.database import Transaction  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    wiring.install()  # the derived indexes are kept as each testimony is saved, as in the product
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    partial = path.with_name(path.name + ".partial")
    if (partial / "vault.db").exists():
        vault = Vault.open(partial, PASSPHRASE)
    else:
        shutil.rmtree(partial, ignore_errors=True)
        vault, _ = Vault.create(partial, PASSPHRASE, "hq")
    vault.conn.execute("PRAGMA synchronous = OFF")
    store = RecordStore(vault)
    done = int(vault.conn.execute("SELECT count(*) FROM records").fetchone()[0])
    if done:
        print(f"  resuming after {done} testimonies", flush=True)
    started = time.perf_counter()
    for chunk in range(done, n, BUILD_CHUNK):
        with Transaction(vault.conn):
            for i in range(chunk, min(n, chunk + BUILD_CHUNK)):
                doc = dict(base, id=uuid7())
                doc["consent"] = {"publication": {"value": VALUES[i % len(VALUES)],
                                                  "anonymity": ("initials", "full_name")[i % 2]},
                                  "wgeid": {"value": "granted", "anonymity": "full_name"},
                                  "government_partners": {"value": "granted", "anonymity": "initials"},
                                  "perpetrator_profiling": {"value": "granted", "anonymity": "initials"}}
                if i % 10 == 0:
                    doc["victims"] = json.loads(json.dumps(doc["victims"]))
                    for a in doc["victims"][0].get("acts", []):
                        for p in a.get("perpetrators", []):
                            p["unit"] = UNIT
                store.add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        if (chunk + BUILD_CHUNK) % 5000 == 0 or chunk + BUILD_CHUNK >= n:
            print(f"  {min(n, chunk + BUILD_CHUNK)} testimonies ({time.perf_counter() - started:.0f} s)", flush=True)
    ids = [str(r[0]) for r in vault.conn.execute("SELECT id FROM records ORDER BY id")]  # uuid7: creation order
    victim = base["victims"][0]["id"]
    for i in range(0, n - 1, 50):
        registry.link(vault, [f"{ids[i]}/{victim}", f"{ids[i + 1]}/{victim}"], reason="bench")
    vault.conn.execute("PRAGMA synchronous = FULL")
    vault.lock()
    partial.rename(path)


def _request(vault: Any, fmt: str, out: Path, **extra: Any) -> Any:
    from intake_app.exports import batched, sources  # noqa: PLC0415
    from intake_app.exports.base import ExportRequest  # noqa: PLC0415

    purpose = {"uwazi": "publication", "wgeid": "wgeid", "dossier": "government_partners"}[fmt]
    mentions = extra.pop("mentions", None) or tuple(sources.all_mentions(vault))
    return ExportRequest(format=fmt, purpose=purpose, mentions=mentions, out_dir=out, subject="archive",
                         person_of=batched.linked_persons(vault), **extra)


def measure(what: str, vault_path: Path, out: Path) -> dict[str, Any]:
    """One measurement, in this process (started by :func:`main` as a child)."""
    from crypto import age  # noqa: PLC0415
    from intake_app.exports import consent, pipeline, sources, stats_export  # noqa: PLC0415
    from intake_app.exports.dossier import DossierSubject  # noqa: PLC0415
    from intake_app.exports.settings import Organisation  # noqa: PLC0415
    from intake_app.records.store import RecordStore  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    facts: dict[str, Any] = {}
    with Vault.open(vault_path, PASSPHRASE) as vault:
        started = time.perf_counter()
        cpu_started = time.process_time()  # CPU seconds too: on a loaded machine wall time follows the load
        if what == "reference":
            store = RecordStore(vault)
            for record_id in [s["id"] for s in store.summaries()]:
                store.show(record_id)
        elif what == "decide":
            release = consent.decide(vault, "publication", sources.all_mentions(vault))
            facts["released"] = len(release.included)
        elif what in ("uwazi", "uwazi_age"):
            recipients = (age.generate_x25519_identity().recipient,) if what == "uwazi_age" else ()
            request = _request(vault, "uwazi", out, recipients=recipients)
            facts["request_seconds"] = time.perf_counter() - started  # every mention id (all_mentions) and link
            facts["request_cpu_seconds"] = time.process_time() - cpu_started
            decision = _timed(consent, "decide")
            result = pipeline.run_export(vault, request)
            facts["decide_seconds"] = decision[0]
            facts["decide_cpu_seconds"] = decision[1]
            facts["released"] = len(result.release.included)
            facts["rows"] = result.rendered.facts["rows"]
            facts["bytes"] = sum(f.size for f in result.files)
        elif what == "stats":
            doc = stats_export.export_table(vault, out / "by-sex.csv", "publication", by=["sex"])
            facts["released"] = doc["mentions"]
        elif what == "dossier":
            entries = _unit_entries(vault)
            request = _request(vault, "dossier", out, mentions=tuple(sorted({"/".join(e.split("/")[:2])
                                                                              for e in entries})),
                               options={"profile": DossierSubject("unit", "unit", entries),
                                        "organisation": Organisation(name="bench")}, allow_incomplete=True)
            facts["entries"] = len(entries)
            pipeline.run_export(vault, request)
        elif what == "wgeid":
            first = next(m for m in sources.all_mentions(vault))
            pipeline.run_export(vault, _request(vault, "wgeid", out, mentions=(first,), allow_incomplete=True,
                                                options={"organisation": Organisation(name="bench")}))
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    return {"seconds": seconds, "cpu_seconds": cpu, "rss_mb": peak_rss_mb(), **facts}


def _timed(module: Any, name: str) -> list[float]:
    """Wrap ``module.name`` so that the seconds spent in it add up in the returned list: wall seconds, then CPU
    seconds (the consent decision's share of an export, printed apart from the rest)."""
    inner = getattr(module, name)
    spent = [0.0, 0.0]

    def timed(*args: Any, **kwargs: Any) -> Any:
        began, cpu = time.perf_counter(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - began
            spent[1] += time.process_time() - cpu

    setattr(module, name, timed)
    return spent


def _unit_entries(vault: Any) -> tuple[str, ...]:
    """The perpetrator entries naming the bench unit (ids only, read the way sources.perpetrator_entries does)."""
    from intake_app.exports import sources  # noqa: PLC0415

    return tuple(sources.perpetrator_entries(vault, UNIT))


def _bring_up_to_date(corpus: Path) -> None:
    """Open the kept corpus once, so that a schema migration (a corpus built by an older tree) runs on it here, once,
    and not in every measured copy, where its time and memory would be counted as the export's. The derived indexes
    are caught up too (``derived.catch_up``): the product keeps them where each testimony is saved or imported (every
    entry point installs :mod:`intake_app.wiring`), but a corpus built before the build installed the wiring has no
    statistics facts, which the request reads (``sources.all_mentions``)."""
    from intake_app import wiring  # noqa: PLC0415
    from intake_app.records import derived  # noqa: PLC0415
    from intake_app.vault import migrations  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    wiring.install()
    started = time.perf_counter()
    with Vault.open(corpus, PASSPHRASE) as vault:
        version = migrations.current_version(vault.conn)
        derived.catch_up(vault.conn)
    took = time.perf_counter() - started
    if took > 5:
        print(f"  the corpus was opened (schema {version}) in {took:.0f} s before measuring", flush=True)


def child(what: str, corpus: Path, work: Path) -> dict[str, Any]:
    """Run :func:`measure` in a fresh process on a copy of the corpus (an export writes its log entry)."""
    copy = work / f"vault-{what}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(corpus, copy)
    os.sync()  # the copy's pages written out now, not by the kernel while the measurement runs
    out = work / f"out-{what}"
    shutil.rmtree(out, ignore_errors=True)
    try:
        run = subprocess.run([sys.executable, __file__, "--measure", what, "--vault", str(copy), "--out", str(out)],
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise SystemExit(f"{what} failed:\n{run.stdout}\n{run.stderr}")
        line = next(ln for ln in run.stdout.splitlines() if ln.startswith("RESULT "))
        return dict(json.loads(line[len("RESULT "):]))
    finally:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def median_rounds(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Each measurement's figures from one round: the round whose ratio to its own reference is the median (the lower
    of the two middle ones for an even count); the reference is its median round. Every figure of that round is
    kept together, with that round's reference as ``reference_seconds`` (and its CPU)."""
    out: dict[str, dict[str, Any]] = {}
    for what in rounds[0]:
        if what == "reference":
            ranked = sorted(rounds, key=lambda r: float(r["reference"]["seconds"]))
        else:
            ranked = sorted(rounds, key=lambda r: float(r[what]["seconds"]) / float(r["reference"]["seconds"]))
        chosen = ranked[(len(ranked) - 1) // 2]
        out[what] = {**chosen[what], "reference_seconds": chosen["reference"]["seconds"],
                     "reference_cpu_seconds": chosen["reference"]["cpu_seconds"],
                     "reference_rss_mb": chosen["reference"]["rss_mb"]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--testimonies", type=int, default=2000, help="archive size (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="folder of kept corpora (default: %(default)s)")
    parser.add_argument("--only", nargs="+", choices=MEASURES, help="measure only these")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="rounds of measurements; each figure is the round of median ratio (default: %(default)s)")
    add_dir_argument(parser)
    parser.add_argument("--measure", choices=MEASURES, help=argparse.SUPPRESS)
    parser.add_argument("--vault", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print("RESULT " + json.dumps(measure(args.measure, args.vault, args.out)), flush=True)
        return
    corpus = private_dir(args.cache) / f"exports-{args.testimonies}"
    if not corpus.exists():
        print(f"building the corpus of {args.testimonies} testimonies in {corpus} (kept for later runs)", flush=True)
        started = time.perf_counter()
        build(corpus, args.testimonies)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    _bring_up_to_date(corpus)
    work = private_dir(args.dir) / f"exports-{os.getpid()}"
    private_dir(work)
    rounds: list[dict[str, dict[str, Any]]] = []
    try:
        for number in range(1, max(1, args.repeat) + 1):
            found: dict[str, dict[str, Any]] = {"reference": child("reference", corpus, work)}
            print(f"  round {number}: reference {found['reference']}  (load average {os.getloadavg()[0]:.2f})",
                  flush=True)
            for what in dict.fromkeys(args.only or MEASURES):
                if what not in found:
                    found[what] = child(what, corpus, work)
                    print(f"  round {number}: {what}: {found[what]}  (load average {os.getloadavg()[0]:.2f})",
                          flush=True)
            rounds.append(found)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = median_rounds(rounds)
    n = args.testimonies
    if len(rounds) > 1:
        print(f"{len(rounds)} rounds; each figure below is the round of median ratio")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{n} testimonies; load average {load}")
    figure(f"read every testimony once, {n} (reference)", results["reference"]["seconds"], "s")
    labels = {"decide": f"consent decision alone, {n}", "uwazi": f"Uwazi export, {n}",
              "uwazi_age": f"Uwazi export age-encrypted, {n}", "stats": f"statistics CSV by sex, {n}",
              "dossier": f"dossier of one unit (every 10th testimony), {n}", "wgeid": f"one WGEID case, {n}"}
    for what, label in labels.items():
        if what not in results:
            continue
        r = results[what]
        ref = r["reference_seconds"]  # the reference of the same round
        target = "≤ 3×" if what.startswith("uwazi") else None
        figure(label, r["seconds"], "s", reference="read every testimony once", reference_value=ref, target=target,
               ok=(r["seconds"] <= 3 * ref) if target else None)
        if "cpu_seconds" in r:  # what the load does not change much
            figure(f"{label}: CPU", r["cpu_seconds"], "s", reference="read every testimony once, CPU",
                   reference_value=r["reference_cpu_seconds"])
        if "decide_cpu_seconds" in r:
            figure(f"{label}: CPU of neither the request nor the decision",
                   r["cpu_seconds"] - r["decide_cpu_seconds"] - r["request_cpu_seconds"], "s",
                   reference="read every testimony once, CPU", reference_value=r["reference_cpu_seconds"])
        if "decide_seconds" in r:  # the consent decision's share, and the rest (batches, rows, scratch, ZIPs, audit)
            figure(f"{label}: consent decision inside it", r["decide_seconds"], "s",
                   reference="read every testimony once", reference_value=ref)
            figure(f"{label}: the request (every mention id, read by sources.all_mentions, and the links)",
                   r["request_seconds"], "s", reference="read every testimony once", reference_value=ref)
            figure(f"{label}: batches, rows, scratch, files and audit entry (neither the request nor the decision)",
                   r["seconds"] - r["decide_seconds"] - r["request_seconds"], "s",
                   reference="read every testimony once", reference_value=ref)
        figure(f"{label}: peak RSS", r["rss_mb"], "MB", reference="reading every testimony, peak RSS",
               reference_value=r["reference_rss_mb"], target="≤ 200 MB" if what.startswith("uwazi") else None,
               ok=r["rss_mb"] <= 200 if what.startswith("uwazi") else None)


if __name__ == "__main__":
    main()
