"""Issue 30: HQ imports a bundle's revisions in bounded batches (the derived rows of every ``importer.BATCH``
testimonies are written, and their parsed testimonies dropped, before the next are read), still in one transaction.

- The HQ state does not depend on the batch size: a record whose revisions fall in several batches ends exactly as when
  the whole bundle is one batch (its versions, its summary, its statistics facts and counts, its search entry).
- A bundle refused at its last revision, after several batches' derived rows were written, leaves nothing behind: no
  revision, record, fact, count, search entry or person row (every table but the refusal's own record).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from intake_app.bundles import export as bundle_export
from intake_app.bundles import importer as importer_mod
from intake_app.bundles.export import export_bundle
from intake_app.bundles.format import canonical
from intake_app.bundles.importer import Importer
from intake_app.search.index import SearchIndex
from intake_app.vault.vault import Vault
from tests.bundles.test_merge_properties import add, connect, copy_vault, create_vault, edit, open_vault

# Written by the refusal itself (its reason and its audit entry); every other table must be as before.
_REFUSAL_TABLES = {"import_refusals", "audit_log"}


def _dump(hq: Vault) -> dict[str, list[tuple[Any, ...]]]:
    tables = [str(r[0]) for r in hq.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = {}
    for table in tables:
        if table in _REFUSAL_TABLES:
            continue
        rows = hq.conn.execute(f"SELECT * FROM {table}").fetchall()
        out[table] = sorted((tuple(bytes(v) if isinstance(v, bytes | memoryview) else v for v in row)
                             for row in rows), key=repr)
    return out


def _meaning(hq: Vault) -> tuple[list[Any], list[Any], list[Any]]:
    """Each fact by record, victim, dimension and value; each search entry by record; and what searches find."""
    facts = sorted(hq.conn.execute(
        "SELECT t.record_id, m.victim, f.dim, f.value FROM stat_facts f JOIN stat_mentions m ON m.mid = f.mid"
        " JOIN stat_testimonies t ON t.tid = f.tid").fetchall())
    texts = sorted(hq.conn.execute("SELECT d.doc_id, t.fields FROM search_doc d JOIN search_text t ON t.id = d.id"))
    index = SearchIndex(hq.conn)
    found = [sorted(index.matching_ids(q)) for q in ("second interview", "testimony 3", "testimony")]
    return facts, texts, found


Hostile = Callable[[dict[str, Any]], dict[str, Any] | bytes]


def _laptop_bundle(tmp_path: Path, hq: Vault, hostile: Hostile | None = None) -> tuple[Path, str]:
    """A laptop's bundle of 7 testimonies, three of them edited after the others were made (so a record's
    revisions are far apart in the bundle, in different batches); ``hostile`` rewrites the last revision file (as a
    device could, signing what it wrote). Returns (bundle, last record's id)."""
    field = create_vault(tmp_path / "laptop")
    connect(field, hq, "laptop")
    ids = [add(field, narrative=f"testimony {i}") for i in range(7)]
    for i in (0, 3, 6):
        edit(field, ids[i], narrative=f"testimony {i}, second interview")
    last = ids[6]
    (tmp_path / "usb").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        if hostile is not None:
            genuine = bundle_export.revision_file

            def revision_file(row: tuple[Any, ...]) -> tuple[str, bytes]:
                name, data = genuine(row)
                doc = json.loads(data)
                if doc["revision"]["record"] == last and doc["revision"]["parents"]:  # the last revision saved
                    made = hostile(doc)
                    return name, made if isinstance(made, bytes) else canonical(made)
                return name, data

            mp.setattr(bundle_export, "revision_file", revision_file)
        bundle = export_bundle(field, tmp_path / "usb").path
    field.lock()
    return bundle, last


def _import(hq: Vault, bundle: Path, batch: int, monkeypatch: pytest.MonkeyPatch) -> importer_mod.ImportOutcome:
    monkeypatch.setattr(importer_mod, "BATCH", batch)
    refreshes: list[int] = []
    genuine = Importer._refresh

    def counted(self: Importer, touched: set[str], parsed: dict[str, Any], *args: Any) -> None:
        refreshes.append(len(parsed))
        genuine(self, touched, parsed, *args)

    monkeypatch.setattr(Importer, "_refresh", counted)
    outcome = Importer(hq).import_file(bundle)
    monkeypatch.setattr(Importer, "_refresh", genuine)
    outcome.counts["refreshes"] = len(refreshes)
    assert max(refreshes, default=0) <= batch  # parsed testimonies held at once: bounded by the batch
    return outcome


def test_the_hq_state_does_not_depend_on_the_batch_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hq = create_vault(tmp_path / "hq", "hq")
    bundle, _ = _laptop_bundle(tmp_path, hq)
    other = copy_vault(hq, tmp_path / "hq-copy")
    hq = open_vault(tmp_path / "hq")
    small = _import(hq, bundle, 2, monkeypatch)
    whole = _import(other, bundle, 1000, monkeypatch)
    assert small.status == whole.status == "imported", (small, whole)
    assert small.counts["refreshes"] >= 5 and whole.counts["refreshes"] == 1  # 10 revisions: several batches, or one
    a, b = _dump(hq), _dump(other)
    for table in ("bundles", "audit_log", "revisions", "device_audit"):  # import times, local bookkeeping
        a.pop(table, None), b.pop(table, None)
    assert a.keys() == b.keys()
    # Mention numbers and the search index's internal rows are numbering, not content: compared by what they mean.
    numbered = {"stat_facts", "stat_mentions"}
    differ = sorted(t for t, rows in a.items() if rows != b[t] and t not in numbered and not t.startswith("search_"))
    assert differ == []
    assert _meaning(hq) == _meaning(other)
    assert len(a["records"]) == 7 and a["stat_testimonies"] and a["stat_counts"]
    facts, _, found = _meaning(hq)
    assert facts and len(found[2]) == 7
    assert len(found[0]) == 3  # the edited records show their second interview, staged in a later batch
    hq.lock()
    other.lock()


@pytest.mark.parametrize("hostile", [
    # content that does not validate (the importer's single validation refuses it)
    lambda doc: {**doc, "content": {**doc["content"], "consent": "granted"}},
    # valid content whose hash is not the one the revision names
    lambda doc: {**doc, "content": {**doc["content"], "narrative": "changed after signing the revision"}},
    # the same revision, written with a space after each separator: not the canonical form (checked against the
    # stored bytes of the validated content, not by serialising the file again)
    lambda doc: json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8"),
], ids=["invalid-testimony", "content-hash", "not-canonical"])
def test_a_bad_last_revision_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   hostile: Hostile, request: pytest.FixtureRequest) -> None:
    hq = create_vault(tmp_path / "hq", "hq")
    bundle, _ = _laptop_bundle(tmp_path, hq, hostile)
    before = _dump(hq)
    outcome = _import(hq, bundle, 2, monkeypatch)
    assert outcome.status == "refused", outcome
    assert "revision" in (outcome.reason or ""), outcome.reason
    if request.node.callspec.id == "not-canonical":
        assert "canonical" in (outcome.reason or ""), outcome.reason
    assert outcome.counts["refreshes"] >= 4  # the derived rows of earlier batches were written before the refusal
    after = _dump(hq)
    assert {t: rows for t, rows in after.items() if rows != before.get(t)} == {}
    assert hq.conn.execute("SELECT count(*) FROM import_refusals").fetchone()[0] == 1
    hq.lock()
