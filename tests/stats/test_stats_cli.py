"""`intake stats --json` against counts computed independently from generated interchange files.

An HQ vault gets 70 seeded testimonies: half imported in a bundle from a field laptop, half added at HQ (two devices).
They include victims in several categories, victims with several acts, uncertain dates whose bounds span buckets
(winters, 199X, intervals, open ends, the 1994 and 2011 era edges), and persons reported by two testimonies, which the
person registry links. Every dimension is compared for every unit.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.cli.main import main as cli_main
from intake_app.records.store import RecordStore
from intake_app.stats.dimensions import DIMENSIONS
from intake_app.vault.vault import Vault
from tests.bundles.test_merge_properties import PASSPHRASE, connect, create_vault
from tests.conftest import Runner, run_cli
from tests.stats import generator
from tests.stats.expected import expected

PW = {"INTAKE_PASSPHRASE": PASSPHRASE}
DIMS = [d.replace("@STAGE", "@arrest") for d in DIMENSIONS] + ["organ@detention", "country@forced_repatriation"]


class Archive:
    def __init__(self, path: Path, corpus: list[tuple[generator.GTestimony, str, list[str]]],
                 persons: dict[str, str]) -> None:
        self.path, self.corpus, self.persons = path, corpus, persons

    def stats(self, *args: str, subprocess: bool = True) -> dict[str, Any]:
        """``intake --json stats ARGS``: as a separate process, or (for the long matrix, where starting Python 200
        times would dominate) through the same entry point in this process."""
        argv = ["--vault", str(self.path), "--json", "stats", *args]
        if subprocess:
            res = run_cli(*argv, env=PW)
            assert res.returncode == 0, res
            text = res.stdout
        else:
            os.environ["INTAKE_PASSPHRASE"] = PASSPHRASE  # the CLI takes it out of the environment again
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                assert cli_main(argv) == 0
            text = out.getvalue()
        doc: dict[str, Any] = json.loads(text)
        return doc


def _store(vault: Vault, items: list[generator.GTestimony], device: str,
           out: list[tuple[generator.GTestimony, str, list[str]]]) -> None:
    store = RecordStore(vault)
    for t in items:
        rid = store.add_json(json.dumps(t.doc, ensure_ascii=False).encode()).record_id
        shown = store.show(rid)
        out.append((t, device, [f"{rid}/{v['id']}" for v in shown.get("victims", [])]))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    base = tmp_path_factory.mktemp("stats")
    items = generator.corpus(seed=15, n=70, duplicates=8)
    hq = create_vault(base / "hq", "hq")
    field = create_vault(base / "field")
    field_device = connect(field, hq, "laptop-1")
    hq_device = hq.signing_key().public_key.key_id_hex
    corpus: list[tuple[generator.GTestimony, str, list[str]]] = []
    _store(field, items[:35], field_device, corpus)
    (base / "usb").mkdir()
    bundle = export_bundle(field, base / "usb").path
    assert Importer(hq).import_file(bundle).status == "imported"
    _store(hq, items[35:], hq_device, corpus)
    # Mention ids as HQ stores them (the field ids survive the bundle).
    ids = {rid for _, _, ms in corpus for rid in {m.split("/")[0] for m in ms}}
    assert all(RecordStore(hq).show(rid) for rid in ids)
    field.lock()
    hq.lock()
    persons: dict[str, str] = {}
    by_person: dict[int, list[str]] = {}
    for t, _, mentions in corpus:
        for v, mention in zip(t.victims, mentions, strict=True):
            by_person.setdefault(v.person, []).append(mention)
    groups = [ms for ms in by_person.values() if len(ms) > 1]
    assert len(groups) == 8
    for group in groups:
        res = run_cli("--vault", str(base / "hq"), "--json", "persons", "link", *group, "--reason", "same", env=PW)
        assert res.returncode == 0, res
        for mention in group:
            persons[mention] = group[0]
    return Archive(base / "hq", corpus, persons)


def _compare(archive: Archive, unit: str, by: list[str], where: list[tuple[str, str]] = ()) -> dict[str, Any]:
    args = ["--unit", unit, "--by", ",".join(by)]
    for dim, value in where:
        args += ["--where", f"{dim}={value}"]
    got = archive.stats(*args, subprocess=False)
    want = expected(archive.corpus, unit, by, where, archive.persons if unit == "person" else None)
    assert got["unit"] == unit and got["by"] == by
    assert got["total"] == want["total"], (by, unit)
    assert got["unknown"] == want["unknown"], (by, unit)
    assert got["spans"] == want["spans"], (by, unit)
    rows = {tuple(r["key"][d] for d in by): r["count"] for r in got["rows"]}
    assert rows == want["rows"], (by, unit)
    for r in got["rows"]:
        assert r["share"] == round(r["count"] / got["total"], 3)
        assert r["label"]["ko"] and r["label"]["en"]
    return got


@pytest.mark.parametrize("unit", ["victim", "person", "testimony"])
def test_every_dimension_matches_independent_counts(archive: Archive, unit: str) -> None:
    for dim in DIMS:
        _compare(archive, unit, [dim])


def test_the_corpus_has_the_hard_cases(archive: Archive) -> None:
    """The comparison above is only worth something if the hard cases are there."""
    multi = archive.stats("--by", "category")
    assert multi["overlapping"]  # victims in several categories: shares add up to more than 1
    assert sum(r["share"] for r in multi["rows"]) > 1
    assert archive.stats("--by", "year")["spans"] > 0
    assert archive.stats("--by", "era")["spans"] > 0
    several_acts = [v for t, _, _ in archive.corpus for v in t.victims if len(v.acts) >= 2]
    assert len(several_acts) >= 10
    victims = archive.stats("--by", "sex")["total"]
    persons = archive.stats("--by", "sex", "--unit", "person")["total"]
    assert persons == victims - 8  # eight persons reported twice count once


def test_two_dimensions_and_filters(archive: Archive) -> None:
    for unit in ("victim", "person", "testimony"):
        _compare(archive, unit, ["organ", "era"])
        _compare(archive, unit, ["sex", "interviewer"])
        _compare(archive, unit, ["category"], [("organ", "MSS")])
        _compare(archive, unit, ["country@arrest"], [("sex", "F"), ("sex", "M"), ("era", "kim_jong_il")])


def test_csv_has_denominators(archive: Archive, tmp_path: Path) -> None:
    # The CSV is an export (issue 23): it counts only the mentions released for --purpose (the generated corpus grants
    # perpetrator_profiling to some testimonies and refuses it to the others), so its figures are at most the internal
    # ones shown on screen; --min-cell 1 keeps every cell.
    out = tmp_path / "organ.csv"
    got = archive.stats("--by", "organ", "--unit", "person", "--csv", str(out), "--purpose", "perpetrator_profiling",
                        "--min-cell", "1")
    assert got["internal"] is True
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    internal = {r["key"]["organ"]: r["count"] for r in got["rows"]}
    assert [r["organ"] for r in rows[:-2]] and {r["organ"] for r in rows[:-2]} <= set(internal)
    assert all(int(r["count"]) <= internal[r["organ"]] for r in rows[:-2])
    denominators = {r["denominator"] for r in rows}
    assert len(denominators) == 1 and 0 < int(denominators.pop()) < got["total"]
    assert rows[-2]["label_en"] == "unknown" and {r["suppressed"] for r in rows} == {""}
    assert got["export"]["mentions"] > 0 and got["export"]["excluded"] > 0


@pytest.mark.parametrize("args", [["--by", "colour"], ["--by", "year,year"], ["--by", "sex@arrest"],
                                  ["--by", "organ@dancing"], ["--where", "sex"], ["--where", "flavour=x"],
                                  ["--unit", "household"], ["--by", "a,b,c"]])
def test_bad_arguments_are_usage_errors(archive: Archive, args: list[str], intake: Runner) -> None:
    res = intake("--vault", str(archive.path), "--json", "stats", *args, env=PW)
    assert res.returncode == 2, res
    assert "Traceback" not in res.stderr
