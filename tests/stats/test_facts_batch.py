"""An import's batch of fact changes (``facts.apply_changes``, rows held and written with one statement per table)
stores exactly what the same changes store one at a time (``facts.apply_change``): every row of every table, row ids
included, also when a testimony already holding facts is rebuilt after a new one in the same batch."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_app.perpetrators import entries as perp_entries
from intake_app.records import interchange
from intake_app.records.derived import Change
from intake_app.stats import facts
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import Vault
from tests.stats import generator

ROWID_TABLES = ("stat_testimonies", "stat_mentions", "perp_entries")


@pytest.fixture
def vaults(tmp_path: Path) -> Iterator[tuple[Vault, Vault]]:
    pair = (Vault.create(tmp_path / "one", "pw", "hq")[0], Vault.create(tmp_path / "two", "pw", "hq")[0])
    yield pair
    for v in pair:
        v.lock()


def _with_entries(count: int) -> list[interchange.Testimony]:
    """Generated testimonies that name perpetrators or facilities (each has rows in perp_entries)."""
    out: list[interchange.Testimony] = []
    for i, t in enumerate(generator.corpus(7, 60)):
        t.doc["id"] = f"0190f6b8-7a1c-7d2e-9f00-{i:012d}"
        testimony = interchange.parse_testimony(json.dumps(t.doc, ensure_ascii=False).encode())
        if testimony.victims and perp_entries.entries_of(testimony, t.doc["id"]):
            out.append(testimony)
    assert len(out) >= count
    return out[:count]


def _dump(conn: Connection) -> dict[str, Any]:
    out: dict[str, Any] = {t: conn.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall()
                           for t in ROWID_TABLES}
    out["stat_facts"] = conn.execute("SELECT * FROM stat_facts ORDER BY dim, value, mid").fetchall()
    out["stat_counts"] = conn.execute("SELECT * FROM stat_counts ORDER BY unit, dim, value").fetchall()
    return out


def test_a_batch_stores_the_rows_of_one_at_a_time(vaults: tuple[Vault, Vault]) -> None:
    a, b, c, d = _with_entries(4)
    # b is stored first: its perpetrator entries hold the largest row ids when the batch rebuilds it after a new one
    first = Change(b.id or "", "1" * 64, False, "DEV", b)
    later = [Change(a.id or "", "2" * 64, False, "DEV", a),
             Change(b.id or "", "3" * 64, False, "DEV", dataclasses.replace(c, id=b.id)),
             Change(d.id or "", "4" * 64, False, "DEV", d)]
    one, two = vaults
    for vault in vaults:
        with Transaction(vault.conn):
            facts.apply_change(vault.conn, first)
    with Transaction(one.conn):
        for change in later:
            facts.apply_change(one.conn, change)
    with Transaction(two.conn):
        facts.apply_changes(two.conn, later)
    expected = _dump(one.conn)
    assert expected["perp_entries"] and len(expected["stat_testimonies"]) == 3
    assert _dump(two.conn) == expected
