"""``sources.all_mentions`` reads victim ids with SQL; testimonies it cannot read so (revisions stored before entity
ids) are read whole as before: the list equals the one made by reading every current testimony."""

from __future__ import annotations

import json
from pathlib import Path

from intake_app.exports import sources
from intake_app.records.ids import uuid7
from intake_app.records.store import RecordStore, content_json
from tests.exports.conftest import make_testimony
from tests.records.test_entity_ids import _legacy_vault, _two_victims


def _reference(vault: object) -> list[str]:
    """Every current testimony read whole (what all_mentions did before), then the reference persons."""
    out: list[str] = []
    conn = vault.conn  # type: ignore[attr-defined]
    for record_id, content in conn.execute("SELECT r.id, v.content FROM records r JOIN revisions v"
                                           " ON v.id = r.current_rev WHERE r.kind = 'testimony' AND r.deleted = 0"
                                           " ORDER BY r.id"):
        doc = content_json(str(record_id), bytes(content))
        out.extend(f"{record_id}/{v['id']}" for v in doc.get("victims", []) if isinstance(v, dict) and v.get("id"))
    return out


def test_sql_read_mentions_equal_whole_testimonies_legacy_ones_included(tmp_path: Path) -> None:
    legacy = uuid7()
    vault = _legacy_vault(tmp_path / "v", legacy, _two_victims())  # victims without ids: derived when read
    try:
        store = RecordStore(vault)
        added = []
        for _ in range(3):
            doc = make_testimony(uuid7(), {"publication": "granted"})
            added.append(store.add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8")).record_id)
        store.delete(added[1])  # a deleted testimony has no mention
        got = sources.all_mentions(vault)
        expected = _reference(vault)
    finally:
        vault.lock()
    assert got == expected
    assert sum(m.startswith(legacy + "/") for m in got) == 2  # the legacy testimony's two derived mentions
    assert len(got) == 4 and not any(m.startswith(added[1]) for m in got)
