"""Validate once: stored revisions are read back with an integrity check (records/stored.py), not re-validated.

``load_trusted`` must give exactly what ``validate`` gives for every content the vault stores (the good fixtures,
the statistics corpus, the interchange property strategy, the benchmarks' testimonies), and must refuse content
whose SHA-256 is not the recorded one; a consent decision then refuses that testimony as unreadable.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from intake_app.exports import consent
from intake_app.records import consent_rows, interchange
from intake_app.records.store import RecordStore
from intake_app.records.stored import StoredContentError, load_checked, load_trusted, read_content
from intake_app.stats import facts
from intake_app.vault.vault import Vault

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "data" / "interchange" / "good"
sys.path.insert(0, str(ROOT))

from bench.hq_import import testimony as bench_testimony  # noqa: E402
from tests.records.test_interchange import _TESTIMONY  # noqa: E402
from tests.stats.generator import corpus  # noqa: E402


def _stored(doc: Any) -> tuple[bytes, str]:
    """What the vault stores for ``doc``: the canonical bytes of the validated testimony, and their SHA-256."""
    content = interchange.dumps_canonical(interchange.validate(doc))
    return content, hashlib.sha256(content).hexdigest()


def _same(doc: Any) -> None:
    content, sha = _stored(doc)
    assert load_trusted(content, sha) == interchange.validate(json.loads(content)) == interchange.validate(doc)


@pytest.mark.parametrize("path", sorted(GOOD.glob("*.json")), ids=lambda p: p.name)
def test_trusted_load_equals_validation_for_the_fixtures(path: Path) -> None:
    _same(json.loads(path.read_text(encoding="utf-8")))


def test_trusted_load_equals_validation_over_the_statistics_corpus_and_bench_testimonies() -> None:
    docs = [t.doc for t in corpus(7, 300, duplicates=20)] + [bench_testimony(i) for i in range(50)]
    for doc in docs:
        _same(doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TESTIMONY)
def test_trusted_load_equals_validation_for_generated_testimonies(doc: dict[str, Any]) -> None:
    try:
        interchange.validate(doc)
    except interchange.InterchangeError:
        return  # the strategy can make links the validator refuses; only stored (valid) content matters here
    _same(doc)


def test_a_hash_mismatch_is_refused() -> None:
    doc = json.loads((GOOD / "rich.json").read_text(encoding="utf-8"))
    content, sha = _stored(doc)
    tampered = content.replace(b'"publication":"refused"', b'"publication":"granted"')
    assert tampered != content
    with pytest.raises(StoredContentError, match="does not match its recorded SHA-256"):
        load_trusted(tampered, sha)
    with pytest.raises(StoredContentError, match="does not match"):
        load_trusted(content, "0" * 64)
    with pytest.raises(StoredContentError, match="does not match"):
        read_content(str(doc["id"]), tampered, sha)
    # Bytes that match their hash but are not a testimony (a program bug, never a save or an import) are refused too.
    for junk in (b"[]", b'{"interview": 3}', b'{"nope": 1}', b"\xff"):
        with pytest.raises(StoredContentError, match="cannot be read back"):
            load_trusted(junk, hashlib.sha256(junk).hexdigest())


def _hashed(doc: dict[str, Any]) -> tuple[bytes, str]:
    content = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return content, hashlib.sha256(content).hexdigest()


def test_the_builder_reads_null_as_absent_and_refuses_what_a_dataclass_cannot_hold() -> None:
    """Content whose hash matches but that no save writes (a program bug): a key stored as null takes the field's
    default, as if absent; a missing required field, an unknown key at any depth, or an unknown consent purpose is
    refused, never built into a partial testimony. The stored JSON is not changed by building."""
    base: dict[str, Any] = json.loads((GOOD / "rich.json").read_text(encoding="utf-8"))
    expected = interchange.validate(base)
    with_nulls = json.loads(json.dumps(base))
    victim = with_nulls["victims"][0]
    victim["group"] = None  # a default that is not None (False)
    victim["categories"] = None  # a default of ()
    victim["acts"][0]["date_lunar"] = None
    assert "group" not in base["victims"][0] or base["victims"][0]["group"] is False
    loaded = load_trusted(*_hashed(with_nulls))
    assert loaded.victims[0].group is False and loaded.victims[0].categories == ()
    assert loaded.victims[0].acts[0].date_lunar is False
    assert dataclasses.replace(loaded.victims[0], categories=expected.victims[0].categories) == expected.victims[0]
    assert with_nulls["victims"][0]["group"] is None  # the parsed document was read, not rewritten
    refused: list[dict[str, Any]] = []
    missing = json.loads(json.dumps(base))
    del missing["victims"][0]["acts"][0]["type"]  # required by the act's dataclass
    refused.append(missing)
    nulled = json.loads(json.dumps(base))
    nulled["victims"][0]["acts"][0]["type"] = None  # null is absent: still missing
    refused.append(nulled)
    unknown = json.loads(json.dumps(base))
    unknown["victims"][0]["acts"][0]["colour"] = "red"
    refused.append(unknown)
    purpose = json.loads(json.dumps(base))
    purpose["consent"]["not_a_purpose"] = "granted"
    refused.append(purpose)
    for doc in refused:
        with pytest.raises(StoredContentError, match="cannot be read back"):
            load_trusted(*_hashed(doc))


def _consent_doc(value: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((GOOD / "rich.json").read_text(encoding="utf-8"))
    doc.pop("id")
    doc["consent"] = {"publication": {"value": value, "anonymity": "initials"}}
    return doc


def test_tampered_stored_content_is_unreadable_for_the_consent_decision(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "hq", "pw", "hq")
    store = RecordStore(vault)
    refused = store.add_json(json.dumps(_consent_doc("refused")).encode()).record_id
    granted = store.add_json(json.dumps(_consent_doc("granted")).encode()).record_id
    mentions = [f"{refused}/v1", f"{granted}/v1"]
    before = consent.decide(vault, "publication", mentions)
    assert [m.mention for m in before.included] == [f"{granted}/v1"]
    # Someone with the vault key rewrites the refusal into a grant without fixing the recorded hash.
    rev = store.current_revision(refused)
    content = bytes(vault.conn.execute("SELECT content FROM revisions WHERE id = ?", (rev,)).fetchone()[0])
    forged = content.replace(b'"value":"refused"', b'"value":"granted"')
    assert forged != content
    vault.conn.execute("UPDATE revisions SET content = ? WHERE id = ?", (forged, rev))
    after = consent.decide(vault, "publication", mentions)
    assert [m.mention for m in after.included] == [f"{granted}/v1"]
    assert [(e.mention, e.reason) for e in after.excluded] == [(f"{refused}/v1", "unreadable")]
    # Statistics refuse to build facts from it rather than count the forged content.
    vault.conn.execute("UPDATE stat_testimonies SET rev = 'stale' WHERE record_id = ?", (refused,))
    with pytest.raises(StoredContentError):
        facts.sync(vault.conn)
    vault.lock()


def test_a_save_makes_derived_rows_from_the_testimony_it_validated(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary, search entry and statistics facts of a save come from the testimony validated at the save
    (published with the derived event): the new revision is not read back from storage."""
    vault, _ = Vault.create(tmp_path / "hq", "pw", "hq")
    store = RecordStore(vault)

    def no_read_back(*_args: object) -> None:
        raise AssertionError("a stored revision was read back during the save")

    monkeypatch.setattr("intake_app.records.revisions.read_content", no_read_back)
    monkeypatch.setattr("intake_app.stats.facts.read_content", no_read_back)
    rid = store.add_json(json.dumps(_consent_doc("granted")).encode()).record_id
    summary = store.summaries()[0]
    assert summary["id"] == rid and summary["interviewee"] == "W-117"
    facts_stored = vault.conn.execute("SELECT count(*) FROM stat_facts f JOIN stat_testimonies t ON t.tid = f.tid"
                                      " WHERE t.record_id = ?", (rid,)).fetchone()[0]
    assert facts_stored > 0
    assert store.search_count("온성") == 1
    vault.lock()


def test_a_save_validates_the_testimony_it_is_given(tmp_path: Path) -> None:
    """Stored content is trusted later, so a save validates even a testimony built in code (not parsed from JSON):
    one the validator would refuse is refused, and nothing is stored."""
    vault, _ = Vault.create(tmp_path / "v", "pw")
    store = RecordStore(vault)
    rid = store.add_json(json.dumps(_consent_doc("granted")).encode()).record_id
    saved = store.get(rid)  # every entity has its id now: nothing else re-validates on the next save
    bad = dataclasses.replace(saved, interview=dataclasses.replace(saved.interview, language="not a language"))
    with pytest.raises(interchange.InterchangeError, match=r"interview\.language"):
        store.save(bad)
    assert vault.conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 1
    assert store.get(rid) == saved
    vault.lock()


@pytest.mark.parametrize("where", ["victim", "act", "perpetrator"])
def test_content_missing_one_entity_id_is_read_with_the_derived_one(where: str) -> None:
    """A revision whose victims, acts or perpetrators lack an id at any one depth (stored before entity ids reached
    it) is read with the derived id, by the trusted loader as by validation."""
    rich: dict[str, Any] = json.loads((GOOD / "rich.json").read_text(encoding="utf-8"))
    record_id = str(rich["id"])
    full = read_content(record_id, *_stored(rich))  # the ids rich.json lacks are derived
    doc: dict[str, Any] = interchange.to_json(full)  # every entity with an id
    assert read_content(record_id, *_hashed(doc)) == full
    victim = next(v for v in doc["victims"] if any(a.get("perpetrators") for a in v.get("acts", [])))
    act = next(a for a in victim["acts"] if a.get("perpetrators"))
    holder = {"victim": victim, "act": act, "perpetrator": act["perpetrators"][0]}[where]
    removed = holder.pop("id")
    for other in (a for v in doc["victims"] for a in v.get("acts", [])):  # an act without id cannot be followed
        if other.get("follows") == removed:
            del other["follows"]
    content, sha = _hashed(doc)  # as written before ids reached it: not through today's validation
    assert f'"{removed}"'.encode() not in content
    trusted = read_content(record_id, content, sha)
    assert trusted == read_content(record_id, content)  # the same as validating the stored bytes
    assert trusted != full and len(trusted.victims) == len(full.victims)
    ids = [p.id for v in trusted.victims for a in v.acts for p in a.perpetrators] + \
          [a.id for v in trusted.victims for a in v.acts] + [v.id for v in trusted.victims]
    assert None not in ids


def test_a_granted_testimony_altered_after_it_was_stored_is_unreadable_not_released(tmp_path: Path) -> None:
    """The decision loads a released testimony from the bytes consent_rows hashed (load_checked, no second hash):
    content altered without fixing its recorded hash must still be refused, though its consent row (derived from the
    content as stored) says granted and names the recorded hash."""
    vault, _ = Vault.create(tmp_path / "hq", "pw", "hq")
    store = RecordStore(vault)
    granted = store.add_json(json.dumps(_consent_doc("granted")).encode()).record_id
    other = store.add_json(json.dumps(_consent_doc("granted")).encode()).record_id
    mentions = [f"{granted}/v1", f"{other}/v1"]
    assert [m.mention for m in consent.decide(vault, "publication", mentions).included] == mentions
    rev = store.current_revision(granted)
    content = bytes(vault.conn.execute("SELECT content FROM revisions WHERE id = ?", (rev,)).fetchone()[0])
    forged = content.replace(b'"status":', b'"occupation":"forged","status":', 1)
    assert forged != content
    vault.conn.execute("UPDATE revisions SET content = ? WHERE id = ?", (forged, rev))
    after = consent.decide(vault, "publication", mentions)
    assert [m.mention for m in after.included] == [f"{other}/v1"]
    assert [(e.mention, e.reason) for e in after.excluded] == [(f"{granted}/v1", "unreadable")]
    vault.lock()


def test_the_decision_loads_no_testimony_from_an_unreadable_or_deleted_row(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "hq", "pw", "hq")
    store = RecordStore(vault)
    rid = store.add_json(json.dumps(_consent_doc("granted")).encode()).record_id
    (row,) = consent_rows.read(vault.conn, rid)
    assert consent._current_testimony(rid, row) is not None
    assert consent._current_testimony(rid, row._replace(unreadable=True)) is None
    assert consent._current_testimony(rid, row._replace(tombstone=True)) is None
    assert load_checked(rid, row.content) == read_content(rid, row.content, row.content_hash)
    with pytest.raises(StoredContentError, match="cannot be read back"):
        load_checked(rid, b"[1]")
    vault.lock()
