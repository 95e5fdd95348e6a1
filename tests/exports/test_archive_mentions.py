"""``sources.all_mentions`` reads victim ids with SQL; testimonies it cannot read so (revisions stored before entity
ids) are read whole as before: the list equals the one made by reading every current testimony."""

from __future__ import annotations

import json
from pathlib import Path

from intake_app.exports import sources
from intake_app.records.ids import uuid7
from intake_app.records.store import RecordStore, content_json
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault
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


def _three_victims(tid: str) -> dict[str, object]:
    doc = make_testimony(tid, {"publication": "granted"})
    first = doc["victims"][0]  # type: ignore[index]
    doc["victims"] = [{**first, "id": "z-last-by-name"}, {"names": [{"roman": "Second"}], "id": "a-first-by-name"},
                      {"names": [{"roman": "Third"}], "id": "m-middle"}]
    return doc


def _add_testimonies(vault: Vault, n: int) -> list[str]:
    """``n`` testimonies of three victims each, saved; their ids."""
    store = RecordStore(vault)
    return [store.add_json(json.dumps(_three_victims(uuid7()), ensure_ascii=False).encode("utf-8")).record_id
            for _ in range(n)]


def _traced_mentions(vault: Vault) -> tuple[list[str], list[str], list[str]]:
    """``sources.all_mentions`` with every SQL statement it ran, and the reference read of the same vault."""
    seen: list[str] = []
    vault.conn.set_trace_callback(seen.append)
    try:
        got = sources.all_mentions(vault)
    finally:
        vault.conn.set_trace_callback(None)
    return seen, got, _reference(vault)


def test_mentions_read_from_current_facts_without_reading_any_revision(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", "pw")
    try:
        _add_testimonies(vault, 3)  # victims whose ids do not sort in their order: the content's order is kept
        seen, got, expected = _traced_mentions(vault)
    finally:
        vault.lock()
    assert got == expected and len(got) == 9
    assert [m.split("/")[1] for m in got[:3]] == ["z-last-by-name", "a-first-by-name", "m-middle"]
    assert not any("json_each" in s or "revisions" in s for s in seen)  # every testimony came from its facts
    # One read snapshot for both queries (a record's facts made stale in between are neither missed nor doubled).
    first_read = min(i for i, s in enumerate(seen) if "stat_" in s)
    assert "BEGIN" in seen and seen.index("BEGIN") < first_read < seen.index("COMMIT")


def test_mentions_of_testimonies_with_stale_or_missing_facts_read_from_their_content(tmp_path: Path) -> None:
    """Facts built from another revision (here: rewritten to name a victim the current revision does not have) or
    missing are not used: those testimonies are read from their content, in their place in the order."""
    vault, _ = Vault.create(tmp_path / "v", "pw")
    try:
        ids = _add_testimonies(vault, 4)
        with Transaction(vault.conn):
            tid = vault.conn.execute("SELECT tid FROM stat_testimonies WHERE record_id = ?", (ids[1],)).fetchone()[0]
            vault.conn.execute("UPDATE stat_testimonies SET rev = 'an-older-revision' WHERE tid = ?", (tid,))
            vault.conn.execute("UPDATE stat_mentions SET victim = 'not-in-the-current-revision-' || mid"
                               " WHERE tid = ? AND mid > 0", (tid,))
            tid = vault.conn.execute("SELECT tid FROM stat_testimonies WHERE record_id = ?", (ids[2],)).fetchone()[0]
            vault.conn.execute("DELETE FROM stat_mentions WHERE tid = ?", (tid,))
            vault.conn.execute("DELETE FROM stat_facts WHERE tid = ?", (tid,))
            vault.conn.execute("DELETE FROM stat_testimonies WHERE tid = ?", (tid,))
        seen, got, expected = _traced_mentions(vault)
    finally:
        vault.lock()
    assert got == expected and len(got) == 12
    assert not any("not-in-the-current-revision" in m for m in got)
    read = [s for s in seen if "json_each" in s]
    assert len(read) == 1 and ids[1] in read[0] and ids[2] in read[0] and ids[0] not in read[0]
