"""The statistics counted in SQL equal the Python reference (tests/stats/reference.py) on random worlds.

A world is a fact table written straight into a real SQLCipher vault: testimonies with their own mention and 0–3
victims, each mention with 0–3 values per dimension drawn from small pools that include the value ``~spans`` (a date
spanning buckets), so the hard cases come often: unknowns (no value), spanning dates alone or beside a value, victims
in several categories, testimony facts copied to the victims (or not: the counting must not rely on it), persons of
several mentions (keyed by person id, or by a mention id, some of their mentions gone), released-mention sets with ids
that name no mention, and filters on values present, absent or ``~spans``. Every unit, one and two dimensions, with
and without filters and released sets, is compared in full (rows, labels, shares, total, unknown, spans, overlapping).

A second test puts generated testimonies through ``facts.store_facts`` (the derivation the record store runs) and
compares every query path of ``query.run``, including the maintained single-dimension counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import stats as bench_stats
from intake_app.archive.importer import run_import
from intake_app.archive.stats import reference_table
from intake_app.records import interchange
from intake_app.stats import counting, facts, query
from intake_app.stats import dimensions as dims
from intake_app.vault.database import Connection
from intake_app.vault.vault import Vault
from tests.conftest import run_cli
from tests.stats import generator
from tests.stats.reference import python_run

POOLS = {"category": ["1", "2", "4"], "year": ["1990", "1991", dims.SPANS], "sex": ["F", "M"],
         "organ@arrest": ["MSS", "MPS", dims.SPANS], "interviewer": ["I-01", "I-02"]}
VICTIM_DIMS = ["category", "year", "sex", "organ@arrest"]
DIMS = list(POOLS)
TABLES = ("stat_facts", "stat_mentions", "stat_testimonies", "stat_counts")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    yield v
    v.lock()


def _values(draw: st.DrawFn, dim: str) -> set[str]:
    return set(draw(st.lists(st.sampled_from(POOLS[dim]), max_size=3)))


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    """Testimonies as (record id, own facts, victims as (victim id, facts))."""
    testimonies = []
    for t in range(draw(st.integers(0, 6))):
        own = {"interviewer": _values(draw, "interviewer")}
        copied = draw(st.booleans())
        victims = []
        for v in range(draw(st.integers(0, 3))):
            values = {d: _values(draw, d) for d in VICTIM_DIMS}
            values["interviewer"] = set(own["interviewer"]) if copied else _values(draw, "interviewer")
            victims.append((f"v{v}", values))
        testimonies.append((f"r{t}", own, victims))
    mentions = [f"{r}/{v}" for r, _, victims in testimonies for v, _ in victims] + ["r9/v0"]  # r9: no such record
    persons = {}  # person ids; now and then a mention id as a key, which joins that mention if it is unlinked
    keys = st.sampled_from(["P-0", "P-1", "P-2", "P-3"]) | st.sampled_from(mentions)
    for m in draw(st.lists(st.sampled_from(mentions), unique=True, max_size=len(mentions))):
        persons[m] = draw(keys)
    only_ids = draw(st.lists(st.sampled_from([*mentions, "r0/", "r1", "r2/v9"]), unique=True))
    return {"testimonies": testimonies, "persons": persons, "only": frozenset(only_ids)}


def _write(conn: Connection, world: dict[str, Any]) -> None:
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")
    rows = []
    for tid, (record_id, own, victims) in enumerate(world["testimonies"], 1):
        conn.execute("INSERT INTO stat_testimonies (tid, record_id, rev) VALUES (?, ?, 'r')", (tid, record_id))
        conn.execute("INSERT INTO stat_mentions (mid, tid, victim) VALUES (?, ?, '')", (-tid, tid))
        rows += [(d, v, -tid, tid) for d, values in own.items() for v in values]
        for victim, values in victims:
            mid = conn.execute("INSERT INTO stat_mentions (mid, tid, victim) VALUES ((SELECT max(1, coalesce(max(mid),"
                               " 0) + 1) FROM stat_mentions), ?, ?) RETURNING mid", (tid, victim)).fetchone()[0]
            rows += [(d, v, mid, tid) for d, vs in values.items() for v in vs]
    conn.executemany("INSERT INTO stat_facts (dim, value, mid, tid) VALUES (?, ?, ?, ?)", rows)


def _same(conn: Connection, by: list[str], unit: str, where: list[tuple[str, str]], persons: dict[str, str],
          only: frozenset[str] | None) -> None:
    want = python_run(conn, by, unit, where, persons, None, only)
    if len(by) == 1 and not where and only is None:  # query.run reads stat_counts then: the SQL directly
        got = counting.count(conn, by, unit, where, persons, only)
        assert (got.total, got.unknown, got.spans, got.overlapping) == (
            want.total, want.unknown, want.spans, want.overlapping), (by, unit)
        assert got.counts == {tuple(r["key"][d] for d in by): r["count"] for r in want.rows}, (by, unit)
    else:
        assert query.run(conn, by, unit, where, persons, None, only) == want, (by, unit, where, only)
    assert not conn.execute("SELECT name FROM temp.sqlite_master").fetchall()  # its temporary tables are gone
    if only is None:  # the benchmark's plain-SQL reference (bench/stats.py) gives the same answer: it is a fair one
        assert bench_stats.reference(conn, by, unit, where, persons) == bench_stats.answer(want), (by, unit, where)
        assert not conn.execute("SELECT name FROM temp.sqlite_master").fetchall()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(world=worlds(), data=st.data())
def test_sql_counts_equal_the_python_reference(vault: Vault, world: dict[str, Any], data: st.DataObject) -> None:
    conn = vault.conn
    _write(conn, world)
    by = data.draw(st.lists(st.sampled_from(DIMS), min_size=1, max_size=2, unique=True), label="by")
    pairs = st.sampled_from(DIMS).flatmap(lambda d: st.tuples(st.just(d), st.sampled_from([*POOLS[d], "x"])))
    where = data.draw(st.lists(pairs, max_size=3), label="where")
    only = data.draw(st.sampled_from([None, world["only"]]), label="only")
    for unit in query.UNITS:
        _same(conn, by, unit, where, world["persons"], only)


def _store(conn: Connection, seed: int, n: int) -> list[str]:
    """Generated testimonies through the fact derivation; returns the victim mentions."""
    conn.execute("BEGIN IMMEDIATE")
    mentions = []
    for i, t in enumerate(generator.corpus(seed, n, duplicates=n // 6)):
        record_id = f"0190f6b8-7a1c-7d2e-9f00-{i:012d}"
        t.doc["id"] = record_id
        testimony = interchange.parse_testimony(json.dumps(t.doc, ensure_ascii=False).encode())
        facts.store_facts(conn, record_id, f"{i:064x}", testimony, f"device-{i % 2}")
        mentions += [f"{record_id}/{v.id}" for v in testimony.victims]
    conn.execute("COMMIT")
    return mentions


@pytest.mark.parametrize("seed", [3, 30])
def test_generated_testimonies_every_path(vault: Vault, seed: int) -> None:
    conn = vault.conn
    mentions = _store(conn, seed, 40)
    # persons of two and three mentions, by person id as the registry gives them
    persons = {m: f"P-{i // 3}" for i, m in enumerate(mentions[:30])}
    only = frozenset(mentions[::2])
    names = [d.replace("@STAGE", "@arrest") for d in dims.DIMENSIONS]
    for unit in query.UNITS:
        for dim in names:
            assert query.run(conn, [dim], unit, (), persons) == python_run(conn, [dim], unit, (), persons), (dim, unit)
        for by in (["organ", "era"], ["category", "year"], ["sex", "interviewer"], ["age_band", "country@arrest"]):
            assert query.run(conn, by, unit, (), persons) == python_run(conn, by, unit, (), persons)
            assert query.run(conn, by, unit, (), persons, None, only) == python_run(conn, by, unit, (), persons,
                                                                                     None, only)
        for where in ([("organ", "MSS")], [("sex", "F"), ("sex", "M"), ("era", "kim_jong_il")],
                      [("year", dims.SPANS)], [("category", "7"), ("interviewer", "I-02")]):
            for by in (["category"], ["decade", "sex"]):
                assert query.run(conn, by, unit, where, persons) == python_run(conn, by, unit, where, persons)
    assert query.run(conn, ["year"], "victim").spans > 0  # the hard cases are there
    assert query.run(conn, ["category"], "victim").overlapping


REFERENCE_CSV = ("제목,성명,성별,피해자 구분,납북일\r\n"
                 "홍길동,홍길동,남,6·25전쟁 납북자|정치범,1950-07-15\r\n"
                 "김순옥,김순옥,여,전후납북자,1970\r\n"
                 "박철,박철,,,\r\n")


def test_reference_records_never_enter_the_counts(vault: Vault, tmp_path: Path) -> None:
    """Issue 31's rule: reference persons of an imported archive count only in their own table, when asked."""
    conn = vault.conn
    _store(conn, 5, 30)
    queries = [(["category", "sex"], "victim", []), (["category"], "person", [("sex", "M")]),
               (["decade", "sex"], "testimony", [("category", "2")]), (["category"], "victim", [])]
    before = [query.run(conn, by, unit, where) for by, unit, where in queries]
    path = tmp_path / "victims.csv"
    path.write_text(REFERENCE_CSV, encoding="utf-8")
    assert run_import(vault, path, template="victims", source_name="FOOTPRINTS").created == 3
    after = [query.run(conn, by, unit, where) for by, unit, where in queries]
    assert after == before == [python_run(conn, by, unit, where) for by, unit, where in queries]
    ref = reference_table(conn, ["category"], [("sex", "M")])  # the table of their own, with its label
    assert ref["total"] == 1 and "Reference records" in ref["label"]["en"]


def test_cli_two_dimensions_filtered_are_internal_and_equal_the_reference(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    _store(vault.conn, 7, 30)
    query.catch_up(vault.conn)
    want = python_run(vault.conn, ["organ", "era"], "testimony", [("sex", "F")]).to_json()
    vault.lock()
    args = ["--vault", str(tmp_path / "hq"), "stats", "--by", "organ,era", "--unit", "testimony", "--where", "sex=F"]
    res = run_cli(*args[:2], "--json", *args[2:], env={"INTAKE_PASSPHRASE": "pw"})
    assert res.returncode == 0, res
    assert json.loads(res.stdout) == {**want, "internal": True}
    text = run_cli(*args, env={"INTAKE_PASSPHRASE": "pw"})
    assert text.stdout.startswith("INTERNAL figures (every mention, whatever consent; not for release)")
    assert f"testimonys by organ, era: total {want['total']}" in text.stdout
