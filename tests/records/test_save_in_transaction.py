"""``RecordStore.save`` inside a transaction the caller opened runs in it (a bulk load commits many saves at once):
they commit together, and a rollback of the caller's transaction takes every one of them back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake_app.records.ids import uuid7
from intake_app.records.store import RecordStore
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "rich.json"


def _doc() -> bytes:
    return json.dumps(dict(json.loads(EXAMPLE.read_text(encoding="utf-8")), id=uuid7()),
                      ensure_ascii=False).encode("utf-8")


def _count(vault: Vault) -> int:
    return int(vault.conn.execute("SELECT count(*) FROM records").fetchone()[0])


def test_saves_join_the_callers_transaction(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", "a passphrase", "hq")
    store = RecordStore(vault)
    with Transaction(vault.conn):
        store.add_json(_doc())
        store.add_json(_doc())
        assert vault.conn.in_transaction  # still the caller's: the saves did not commit it
    assert _count(vault) == 2
    with pytest.raises(RuntimeError), Transaction(vault.conn):
        store.add_json(_doc())
        raise RuntimeError("the bulk load failed")
    assert _count(vault) == 2  # the caller's rollback took the save back
    store.add_json(_doc())  # alone, a save still commits on its own
    assert not vault.conn.in_transaction and _count(vault) == 3
    vault.lock()
