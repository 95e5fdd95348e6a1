"""Stable ids for victims, acts and perpetrator entries (issues 14 and 15): assigned by the store, kept across
revisions and round trips, and derived identically everywhere for revisions written before ids existed."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from intake_app.records import interchange, revisions
from intake_app.records.entity_ids import ENTITY_NAMESPACE, mention_id
from intake_app.records.ids import uuid7
from intake_app.records.interchange import InterchangeError, parse_testimony, to_json
from intake_app.records.store import RecordStore, search_fields, summarise
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault

GOOD = Path(__file__).parents[1] / "data" / "interchange" / "good"


def _doc(name: str = "example.json") -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((GOOD / name).read_text(encoding="utf-8"))
    doc.pop("id", None)
    return doc


def _bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def _strip_ids(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the format was before entity ids: no victim, act or perpetrator ids (and no follows)."""
    out = copy.deepcopy(doc)
    for victim in out.get("victims", []):
        victim.pop("id", None)
        for act in victim.get("acts", []):
            act.pop("id", None)
            act.pop("follows", None)
            for perp in act.get("perpetrators", []):
                perp.pop("id", None)
    return out


def _all_ids(doc: dict[str, Any]) -> list[str]:
    ids = []
    for victim in doc.get("victims", []):
        ids.append(victim["id"])
        for act in victim.get("acts", []):
            ids.append(act["id"])
            ids += [p["id"] for p in act.get("perpetrators", [])]
    return ids


@pytest.fixture
def store(tmp_path: Path) -> RecordStore:
    vault, _ = Vault.create(tmp_path / "v", "pw")
    return RecordStore(vault)


def _two_victims() -> dict[str, Any]:
    doc = _strip_ids(_doc("rich.json"))
    assert len(doc["victims"]) >= 2 and any(a.get("perpetrators") for v in doc["victims"] for a in v.get("acts", []))
    return doc


def test_store_assigns_uuid_ids_and_the_round_trip_keeps_them(store: RecordStore) -> None:
    res = store.add_json(_bytes(_two_victims()))
    shown = store.show(res.record_id)
    ids = _all_ids(shown)
    assert ids and len(set(ids)) == len(ids)
    for value in ids:
        assert str(uuid.UUID(value)) == value
    again = store.add_json(_bytes(shown))
    assert not again.changed and again.revision == res.revision
    assert store.show(res.record_id) == shown


def test_given_local_ids_are_kept_and_perpetrators_get_ids(store: RecordStore) -> None:
    doc = _doc("rich.json")
    given = {v["id"] for v in doc["victims"] if "id" in v} | {a["id"] for v in doc["victims"]
                                                              for a in v.get("acts", []) if "id" in a}
    assert given
    shown = store.show(store.add_json(_bytes(doc)).record_id)
    assert given <= set(_all_ids(shown))
    perps = [p for v in shown["victims"] for a in v.get("acts", []) for p in a.get("perpetrators", [])]
    assert perps and all("id" in p for p in perps)
    assert "p1" in {p["id"] for p in perps}  # rich.json names one perpetrator entry itself


def test_re_adding_the_same_file_without_ids_changes_nothing(store: RecordStore) -> None:
    doc = _two_victims()
    rid = store.add_json(_bytes(doc)).record_id
    doc["id"] = rid
    first = store.show(rid)
    again = store.add_json(_bytes(doc))
    assert not again.changed
    assert store.show(rid) == first


def test_edits_keep_ids_and_new_entities_never_reuse_old_ones(store: RecordStore) -> None:
    rid = store.add_json(_bytes(_two_victims())).record_id
    shown = store.show(rid)
    first_ids = [v["id"] for v in shown["victims"]]
    # Remove the last victim, add a new one at the same position and another at the front, all without ids.
    edited = copy.deepcopy(shown)
    removed = edited["victims"].pop()
    newcomer = {"names": [{"hangul": "새사람"}]}
    edited["victims"].append(copy.deepcopy(newcomer))
    edited["victims"].insert(0, {"names": [{"hangul": "앞사람"}]})
    edited["narrative"] = "고친 진술"
    store.add_json(_bytes(edited))
    after = store.show(rid)
    kept = [v["id"] for v in after["victims"][1:-1]]
    assert kept == first_ids[:-1]
    new_ids = {after["victims"][0]["id"], after["victims"][-1]["id"]}
    assert not new_ids & set(_all_ids(shown))
    assert removed["id"] not in _all_ids(after)
    # Acts and perpetrators of kept victims keep theirs.
    assert _all_ids({"victims": after["victims"][1:-1]}) == _all_ids({"victims": shown["victims"][:-1]})


def test_perpetrator_id_is_validated_like_other_local_ids() -> None:
    doc = _doc("rich.json")
    perp = next(p for v in doc["victims"] for a in v.get("acts", []) for p in a.get("perpetrators", []))
    perp["id"] = "bad id!"
    with pytest.raises(InterchangeError, match=r"perpetrators\[0\]\.id: not a valid local id"):
        parse_testimony(_bytes(doc))
    perp["id"] = doc["victims"][0]["id"]
    with pytest.raises(InterchangeError, match="is already used at victims"):
        parse_testimony(_bytes(doc))
    perp["id"] = "p-1"
    assert to_json(parse_testimony(_bytes(doc))) == interchange.to_json(interchange.validate(doc))


def _legacy_vault(path: Path, record_id: str, doc: dict[str, Any]) -> Vault:
    """A vault holding a revision written as the store did before entity ids: content without any of them."""
    vault, _ = Vault.create(path, "pw")
    content = interchange.dumps_canonical(interchange.validate({**doc, "id": record_id}))
    assert b'"id":"' not in content.replace(f'"id":"{record_id}"'.encode(), b"")
    with Transaction(vault.conn):
        rev = revisions.Revision.make(record_id, [], "legacy-device", "2024-05-01T00:00:00Z", content)
        revisions.insert_revision(vault.conn, rev)
        revisions.refresh_record(vault.conn, record_id, summarise, search_fields)
    return vault


def test_legacy_revisions_read_with_derived_ids_identical_on_field_and_hq(tmp_path: Path) -> None:
    rid = uuid7()
    doc = _two_victims()
    field = RecordStore(_legacy_vault(tmp_path / "field", rid, doc))
    hq = RecordStore(_legacy_vault(tmp_path / "hq", rid, doc))
    old_rev = field.current_revision(rid)
    old_bytes = revisions.load(field.conn, old_rev)
    shown = field.show(rid)
    assert shown == hq.show(rid) == field.show(rid)
    # Derived as documented: uuid5(namespace, "<record>|<salt>|<path>"), salt "" for legacy content.
    v0 = shown["victims"][0]
    assert v0["id"] == str(uuid.uuid5(ENTITY_NAMESPACE, f"{rid}||victims[0]"))
    assert v0["acts"][0]["id"] == str(uuid.uuid5(ENTITY_NAMESPACE, f"{rid}||{v0['id']}|acts[0]"))
    act = next(a for v in shown["victims"] for a in v.get("acts", []) if a.get("perpetrators"))
    owner = next(v for v in shown["victims"] if act in v.get("acts", []))
    assert act["perpetrators"][0]["id"] == str(uuid.uuid5(
        ENTITY_NAMESPACE, f"{rid}||{owner['id']}|{act['id']}|perpetrators[0]"))
    # The next save on the field writes them into a new revision; the old revision is untouched.
    edited = copy.deepcopy(shown)
    edited["narrative"] = "현장에서 고친 진술"
    res = field.add_json(_bytes(edited))
    assert res.changed
    stored = revisions.load(field.conn, str(res.revision))
    assert stored is not None and set(_all_ids(json.loads(stored.content))) == set(_all_ids(shown))
    assert revisions.load(field.conn, old_rev) == old_bytes
    # A legacy file re-added without ids keeps the derived ids too (it equals the stored content).
    hq_again = hq.add_json(_bytes({**doc, "id": rid}))
    assert not hq_again.changed or _all_ids(hq.show(rid)) == _all_ids(shown)
    assert _all_ids(hq.show(rid)) == _all_ids(shown)


def test_mention_ids() -> None:
    assert mention_id("T", "V") == "T/V"
    assert mention_id("T", "V", "A", "P") == "T/V/A/P"


def _ids_by_place(doc: dict[str, Any]) -> dict[str, str]:
    """victim i, act i.j and perpetrator i.j.k of ``doc`` -> its id."""
    out = {}
    for i, victim in enumerate(doc["victims"]):
        out[f"{i}"] = victim["id"]
        for j, act in enumerate(victim.get("acts", [])):
            out[f"{i}.{j}"] = act["id"]
            for k, perp in enumerate(act.get("perpetrators", [])):
                out[f"{i}.{j}.{k}"] = perp["id"]
    return out


def test_rule_1_an_id_follows_its_entity_when_a_list_is_reordered(store: RecordStore) -> None:
    """Each level on its own: the same victims, acts or perpetrator entries in another order (and no ids) take the
    ids of the entities they equal, not those of the places they moved to (rule 2 alone would swap them)."""
    rid = store.add_json(_bytes(_two_victims())).record_id
    before = _ids_by_place(store.show(rid))
    victims_reversed = _strip_ids(store.show(rid))
    victims_reversed["victims"].reverse()
    acts_reversed = _strip_ids(store.show(rid))
    acts_reversed["victims"][0]["acts"].reverse()
    perps_reversed = _strip_ids(store.show(rid))
    perps_reversed["victims"][0]["acts"][2]["perpetrators"].reverse()
    for edited, moved in ((victims_reversed, {"0": "1", "1": "0"}), (acts_reversed, {"0.0": "0.3", "0.3": "0.0"}),
                          (perps_reversed, {"0.2.0": "0.2.1", "0.2.1": "0.2.0"})):
        store.add_json(_bytes({**edited, "id": rid}))
        after = _ids_by_place(store.show(rid))
        for place, old in moved.items():
            assert after[place] == before[old], (place, old)
        store.add_json(_bytes({**_strip_ids(store.show(rid)), "id": rid}))  # back, for the next level
        restored = _strip_ids(store.show(rid))
        if edited is victims_reversed:
            restored["victims"].reverse()
        elif edited is acts_reversed:
            restored["victims"][0]["acts"].reverse()
        else:
            restored["victims"][0]["acts"][2]["perpetrators"].reverse()
        store.add_json(_bytes({**restored, "id": rid}))
        assert _ids_by_place(store.show(rid)) == before


def test_rule_2_an_edit_in_place_keeps_every_id(store: RecordStore) -> None:
    """A victim, an act and a perpetrator entry each corrected where they stand (no ids in the new content, the same
    number of entries): no content equals the head's, so only their places keep their ids."""
    rid = store.add_json(_bytes(_two_victims())).record_id
    before = _ids_by_place(store.show(rid))
    edited = _strip_ids(store.show(rid))
    edited["victims"][1]["names"] = [{"hangul": "고친이름"}]
    edited["victims"][0]["acts"][0]["type"] = "abduction"
    edited["victims"][0]["acts"][2]["perpetrators"][1]["rank"] = "대위"
    store.add_json(_bytes({**edited, "id": rid}))
    assert _ids_by_place(store.show(rid)) == before
