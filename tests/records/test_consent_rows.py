"""Issue 30: each revision's consent kept beside it (records/consent_rows.py), and what the consent decision trusts.

The rows are written where a revision enters (a save, a bundle import) and by schema migration 16 for the revisions a
vault already held; both derivations give the same rows. The decision still checks every revision's bytes against
their SHA-256 and uses a row only when it was derived from those same bytes: forged bytes are unreadable (refused when
current, a possible withdrawal otherwise) whatever the row says, and a stale row is ignored for the content itself.
Over a varied corpus of histories the decision equals the one made from every revision's whole testimony (main's
reading), with rows and without them.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.canonical import canonical
from crypto.signing import SigningKey
from intake_app.exports import consent
from intake_app.exports.decision import History, Version, verdict
from intake_app.records import consent_rows, derived, ids, revisions
from intake_app.records.store import RecordStore
from intake_app.records.stored import read_content
from intake_app.vault.migrations import m0017_revision_consent as m0017
from intake_app.vault.vault import Vault
from tests.bundles.test_device_ownership import export
from tests.bundles.test_merge_properties import Templates, add, edit
from tests.bundles.test_merge_properties import templates as _templates_fixture
from tests.exports.conftest import make_testimony

templates = _templates_fixture
GRANT = {"value": "granted", "anonymity": "initials", "date": "2024-05-02"}
COND = {"value": "conditional", "anonymity": "pseudonym", "conditions": "call first"}


def _vault(tmp_path: Path) -> tuple[Vault, RecordStore]:
    vault, _ = Vault.create(tmp_path / "hq", "pw", "hq")
    return vault, RecordStore(vault)


def _save(store: RecordStore, tid: str, publication: Any, **more: Any) -> str:
    consent_obj = {} if publication is None else {"publication": publication, **more}
    return store.add_json(json.dumps(make_testimony(tid, consent_obj), ensure_ascii=False).encode()).record_id


def _tid(i: int) -> str:
    return f"0190f6b8-7a1c-7d2e-9f00-{i:012d}"


def _rows(vault: Vault) -> dict[str, tuple[str, str, str]]:
    return {str(r[0]): (str(r[1]), str(r[2]), str(r[3]))
            for r in vault.conn.execute("SELECT rev_id, record_id, content_hash, consent FROM revision_consent")}


def _expected_rows(vault: Vault) -> dict[str, tuple[str, str, str]]:
    """What migration 16 derives from the stored bytes of every revision that is not a deletion."""
    out = {}
    for rev_id, record_id, content, content_hash in vault.conn.execute(
            "SELECT id, record_id, content, content_hash FROM revisions WHERE tombstone = 0"):
        row = m0017.consent_row(str(rev_id), str(record_id), bytes(content), str(content_hash))
        assert row is not None
        out[row[0]] = row[1:]
    return out


def _corpus(store: RecordStore) -> list[str]:
    """Histories that exercise every rule: edits, withdrawals, re-grants after them, deletions, conditions."""
    histories: list[list[Any]] = [
        [GRANT], ["granted"], ["refused"], [None], ["not_asked"], [COND],
        [GRANT, {"value": "withdrawn"}], [GRANT, {"value": "withdrawn"}, GRANT],
        [GRANT, {"value": "withdrawn"}, {**GRANT, "date": "2024-06-01"}], [GRANT, "refused", GRANT],
        [COND, GRANT], ["withdrawn", "granted"], [GRANT, GRANT, "delete"], [GRANT, "delete", GRANT],
    ]
    tids = []
    for i, history in enumerate(histories):
        tid = _tid(i + 1)
        for step in history:
            if step == "delete":
                store.delete(tid)
            else:
                _save(store, tid, step, wgeid="granted")
        tids.append(tid)
    return tids


def test_a_save_writes_each_revisions_consent_as_migration_16_derives_it(tmp_path: Path) -> None:
    vault, store = _vault(tmp_path)
    tids = _corpus(store)
    rows = _rows(vault)
    revs = vault.conn.execute("SELECT count(*) FROM revisions WHERE tombstone = 0").fetchone()[0]
    assert len(rows) == revs > len(tids)
    assert rows == _expected_rows(vault)
    # The row is the consent member of the stored content (``{}`` when there is none), canonical.
    for rev_id, (_, content_hash, text) in rows.items():
        content = bytes(vault.conn.execute("SELECT content FROM revisions WHERE id = ?", (rev_id,)).fetchone()[0])
        assert hashlib.sha256(content).hexdigest() == content_hash
        assert text == canonical(json.loads(content).get("consent", {})).decode()
        assert dict(consent_rows.parse(text)) == dict(read_content(tids[0], content, content_hash).consent)
    vault.lock()


def test_an_import_writes_a_row_for_every_revision_it_brings(templates: Templates, tmp_path: Path) -> None:
    field = templates.field(0, tmp_path / "field")
    rid = add(field, narrative="first")
    edit(field, rid, narrative="second", consent={"publication": "withdrawn"})
    edit(field, rid, narrative="third", consent={"publication": GRANT})
    bundle = export(field, tmp_path / "usb")
    field.lock()
    hq = templates.hq(tmp_path / "hq")
    from intake_app.bundles.importer import Importer

    assert Importer(hq).import_file(bundle).status == "imported"
    rows = _rows(hq)
    assert len(rows) == 3 and rows == _expected_rows(hq)
    assert sorted(json.loads(t).get("publication") != "withdrawn" for _, _, t in rows.values()) == [False, True, True]
    hq.lock()


def test_migration_16_fills_rows_from_verified_bytes_only(tmp_path: Path) -> None:
    vault, store = _vault(tmp_path)
    _corpus(store)
    before = _rows(vault)
    damaged = next(iter(before))
    content = bytes(vault.conn.execute("SELECT content FROM revisions WHERE id = ?", (damaged,)).fetchone()[0])
    vault.conn.execute("DELETE FROM revision_consent")
    vault.conn.execute("UPDATE revisions SET content = ? WHERE id = ?", (content.replace(b"W-117", b"W-118"), damaged))
    m0017.BATCH = 3  # several batches
    m0017.upgrade(vault.conn)
    after = _rows(vault)
    assert damaged not in after  # bytes that fail their SHA-256 give no row
    assert after == {k: v for k, v in before.items() if k != damaged}
    vault.lock()


def _reference_verdicts(vault: Vault, tid: str, purpose: str) -> str:
    """main's reading: every revision's whole testimony, loaded with its integrity check."""
    rows = vault.conn.execute("SELECT id, parents, device, tombstone, content, content_hash FROM revisions"
                              " WHERE record_id = ?", (tid,)).fetchall()
    state = revisions.state_of(vault.conn, tid, rows, None)
    assert state is not None
    versions = {}
    for rev_id, parents, _, tombstone, content, content_hash in rows:
        testimony, unreadable = None, False
        if not tombstone:
            try:
                testimony = read_content(tid, bytes(content), str(content_hash))
            except ValueError:
                unreadable = True
        versions[str(rev_id)] = Version.of(str(rev_id), tuple(json.loads(parents)), testimony, unreadable)
    return verdict(purpose, History(versions, state.current, len(state.sides) > 1)).reason


def _outcome(release: consent.Release) -> dict[str, str]:
    out = {e.mention: e.reason for e in release.excluded}
    out.update({m.mention: f"released at {m.anonymity}" for m in release.included})
    return out


@pytest.mark.parametrize("purpose", ["publication", "wgeid"])
def test_the_decision_equals_mains_reading_with_rows_and_without(tmp_path: Path, purpose: str) -> None:
    vault, store = _vault(tmp_path)
    tids = _corpus(store)
    mentions = [f"{t}/v1" for t in tids] + [f"{tids[0]}/v9", f"{_tid(999)}/v1"]
    with_rows = consent.decide(vault, purpose, mentions)
    outcome = _outcome(with_rows)
    for tid in tids:
        reason = _reference_verdicts(vault, tid, purpose)
        assert outcome[f"{tid}/v1"] == reason if reason not in ("granted", "conditional_accepted") else (
            outcome[f"{tid}/v1"].startswith("released"))
    assert outcome[f"{_tid(999)}/v1"] == "unknown_testimony"
    assert {"withdrawn_earlier", "withdrawn", "refused", "not_asked", "deleted", "conditional"} <= set(
        outcome.values()) if purpose == "publication" else True
    vault.conn.execute("DELETE FROM revision_consent")
    assert consent.decide(vault, purpose, mentions) == with_rows  # the same from the bytes alone
    vault.lock()


def _forge(vault: Vault, rev: str, old: bytes, new: bytes) -> None:
    content = bytes(vault.conn.execute("SELECT content FROM revisions WHERE id = ?", (rev,)).fetchone()[0])
    assert old in content
    vault.conn.execute("UPDATE revisions SET content = ? WHERE id = ?", (content.replace(old, new), rev))


def test_forged_bytes_are_unreadable_whatever_the_row_says(tmp_path: Path) -> None:
    vault, store = _vault(tmp_path)
    current, earlier = _tid(1), _tid(2)
    _save(store, current, GRANT)
    _save(store, earlier, GRANT)
    _save(store, earlier, "refused")
    middle = store.current_revision(earlier)
    _save(store, earlier, GRANT)  # the same grant as the first revision: it is not first recorded after ``middle``
    mentions = [f"{current}/v1", f"{earlier}/v1"]
    assert len(consent.decide(vault, "publication", mentions).included) == 2
    # The current revision's narrative is altered: its row still says granted, its bytes no longer match.
    _forge(vault, store.current_revision(current), b"NARRATIVE-CANARY", b"NARRATIVE-FORGED")
    # An earlier revision is altered: it could have been a withdrawal, and the grant was recorded before it too.
    _forge(vault, middle, b"NARRATIVE-CANARY", b"NARRATIVE-FORGED")
    after = consent.decide(vault, "publication", mentions)
    assert after.included == ()
    assert _outcome(after) == {f"{current}/v1": "unreadable", f"{earlier}/v1": "withdrawn_earlier"}
    vault.lock()


def test_a_row_is_used_only_for_the_content_it_was_derived_from(tmp_path: Path) -> None:
    vault, store = _vault(tmp_path)
    tid = _tid(1)
    _save(store, tid, GRANT)
    _save(store, tid, {"value": "withdrawn"})
    withdrawal = store.current_revision(tid)
    # A row left from other content (a bug, a restore, a repair) says granted: it is not used, the bytes are.
    vault.conn.execute("UPDATE revision_consent SET content_hash = ?, consent = ? WHERE rev_id = ?",
                       ("0" * 64, json.dumps({"publication": GRANT}), withdrawal))
    assert _outcome(consent.decide(vault, "publication", [f"{tid}/v1"])) == {f"{tid}/v1": "withdrawn"}
    vault.lock()


def test_a_row_filed_under_another_record_is_not_used(tmp_path: Path) -> None:
    """Rows are keyed by (record, revision) (migration 19): a row for the revision's id and content hash filed under
    another record (a bug, a repair) is not this revision's row; the verified bytes are read instead."""
    vault, store = _vault(tmp_path)
    tid, other = _tid(1), _tid(2)
    _save(store, tid, GRANT)
    _save(store, tid, {"value": "withdrawn"})
    _save(store, other, GRANT)
    withdrawal = store.current_revision(tid)
    row = vault.conn.execute("SELECT content_hash FROM revision_consent WHERE rev_id = ?", (withdrawal,)).fetchone()
    vault.conn.execute("DELETE FROM revision_consent WHERE rev_id = ?", (withdrawal,))
    vault.conn.execute("INSERT INTO revision_consent (rev_id, record_id, content_hash, consent) VALUES (?, ?, ?, ?)",
                       (withdrawal, other, row[0], json.dumps({"publication": GRANT})))
    assert _outcome(consent.decide(vault, "publication", [f"{tid}/v1"])) == {f"{tid}/v1": "withdrawn"}
    read = {r.id: r.consent for r in consent_rows.read(vault.conn, tid)}
    assert read[withdrawal] is not None and read[withdrawal]["publication"].value == "withdrawn"
    vault.lock()


def test_a_row_that_cannot_be_read_makes_the_revision_unreadable(tmp_path: Path) -> None:
    vault, store = _vault(tmp_path)
    tid = _tid(1)
    _save(store, tid, GRANT)
    for junk in ("not json", "[]", '{"publication": {"value": "granted", "colour": "red"}}', '{"nonsense": "x"}'):
        vault.conn.execute("UPDATE revision_consent SET consent = ? WHERE record_id = ?", (junk, tid))
        consent_rows.parse.cache_clear()
        assert _outcome(consent.decide(vault, "publication", [f"{tid}/v1"])) == {f"{tid}/v1": "unreadable"}, junk
    vault.lock()


def test_current_content_that_cannot_be_built_is_not_released(tmp_path: Path) -> None:
    """A current revision whose consent releases but whose whole testimony cannot be built (bytes that match their
    hash but are not a testimony: a program bug, never a save or an import) is excluded as unreadable."""
    vault, store = _vault(tmp_path)
    tid = _tid(1)
    _save(store, tid, GRANT)
    rev = store.current_revision(tid)
    junk = json.dumps({"consent": {"publication": GRANT}, "nonsense": 1}).encode()
    vault.conn.execute("UPDATE revisions SET content = ?, content_hash = ? WHERE id = ?",
                       (junk, hashlib.sha256(junk).hexdigest(), rev))
    vault.conn.execute("DELETE FROM revision_consent")
    assert _outcome(consent.decide(vault, "publication", [f"{tid}/v1"])) == {f"{tid}/v1": "unreadable"}
    vault.lock()


def test_a_purge_removes_the_rows(tmp_path: Path) -> None:
    vault, store = _vault(tmp_path)
    tids = _corpus(store)
    derived.testimonies_removed(vault.conn, tids[:3])
    assert {r for r, _, _ in _rows(vault).values()} == set(tids[3:])
    vault.lock()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=6), st.integers(0, 5),
       st.integers(0, (1 << 26) - 1), st.integers(0, (1 << 48) - 1))
def test_bound_among_equals_bound_to_for_each_key(seeds: list[bytes], owner: int, rand: int, ms: int) -> None:
    keys = [SigningKey(seed, os.urandom(8)).public_key for seed in seeds]
    record_id = ids.bound_record_id(keys[owner % len(keys)], ms, rand)
    prefixes = [(k.key_id_hex, ids.commitment_prefix(k)) for k in keys]
    assert ids.bound_among(record_id, prefixes) == [k.key_id_hex for k in keys if ids.bound_to(record_id, k)]
    assert keys[owner % len(keys)].key_id_hex in ids.bound_among(record_id, prefixes)
    assert ids.bound_among(ids.uuid7(), prefixes) == []


def test_the_trusted_loader_still_refuses_content_missing_a_required_field() -> None:
    """The trusted loader fills the frozen dataclasses directly (not through their __init__), so it checks the fields
    each dataclass requires itself: stored bytes that lack one are refused, as __init__ refused them."""
    from intake_app.records.stored import StoredContentError, load_trusted

    doc = make_testimony(_tid(1), {"publication": GRANT})
    good = canonical(doc)
    assert load_trusted(good, hashlib.sha256(good).hexdigest()).victims[0].acts[0].type == "arrest"
    del doc["victims"][0]["acts"][0]["type"]
    for junk in (b"{}", canonical({"interviewee": {"pseudonym": "W-1"}}), canonical(doc)):
        with pytest.raises(StoredContentError, match="cannot be read back"):
            load_trusted(junk, hashlib.sha256(junk).hexdigest())
