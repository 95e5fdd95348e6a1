"""``RecordStore.save_many`` (issue 30: a laptop's backlog, the benchmarks' corpora): each testimony is saved as
``save`` would save it, in one transaction, so a refusal anywhere saves none of them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from intake_app.errors import UsageError
from intake_app.records import interchange
from intake_app.records.store import RecordStore
from tests.bundles.test_merge_properties import create_vault, make_testimony


def _testimonies(n: int) -> list[interchange.Testimony]:
    return [interchange.parse_testimony(make_testimony(narrative=f"testimony {i}")) for i in range(n)]


def test_save_many_saves_each_as_save_does(tmp_path: Path) -> None:
    vault = create_vault(tmp_path / "laptop")
    store = RecordStore(vault)
    results = store.save_many(_testimonies(3))
    assert [r.created for r in results] == [True, True, True]
    assert store.count() == 3
    for i, result in enumerate(results):
        assert store.show(result.record_id)["narrative"] == f"testimony {i}"
        assert store.current_revision(result.record_id) == result.revision
    single = RecordStore(vault).save(_testimonies(1)[0])  # the same rows as one save: an entity-id'd testimony
    assert store.get(single.record_id).victims[0].id is not None
    assert store.get(results[0].record_id).victims[0].id is not None
    vault.lock()


def test_a_refusal_saves_none(tmp_path: Path) -> None:
    vault = create_vault(tmp_path / "laptop")
    store = RecordStore(vault)
    good = _testimonies(2)
    with pytest.raises(UsageError, match="not a UUID"):
        store.save_many([*good, dataclasses.replace(good[0], id="not-a-uuid")])
    assert store.count() == 0
    assert vault.conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0
    vault.lock()
