"""The registry's contract for other HQ features (mentions, person_map, mentions_of, preferred_name), the migration
of a vault built before the registry existed, and a small run of the benchmark's quality check."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from bench._persons_synth import generate, true_pairs
from intake_app.errors import RefusedError, UsageError
from intake_app.persons import blocking, registry
from intake_app.persons import candidates as cand
from intake_app.persons.features import features
from intake_app.persons.mentions import Mention, load_mentions
from intake_app.persons.scoring import score_pair
from intake_app.records import interchange, revisions
from intake_app.records.entity_ids import ENTITY_NAMESPACE
from intake_app.records.ids import uuid7
from intake_app.records.store import RecordStore, search_fields, summarise
from intake_app.vault import migrations
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Transaction
from intake_app.vault.migrations import m0008_persons
from intake_app.vault.vault import Vault

PERSONS_VERSION = int(m0008_persons.__name__.rsplit(".", 1)[1][1:5])


def _doc(*victims: dict[str, object]) -> dict[str, object]:
    return {"interview": {"date": "2024", "language": "ko", "interviewer": "면담자"},
            "interviewee": {"pseudonym": "증언자"}, "victims": list(victims)}


@pytest.fixture
def hq(tmp_path: Path) -> Vault:
    return Vault.create(tmp_path / "hq", "pw", "hq")[0]


def test_mentions_person_map_and_mentions_of(hq: Vault) -> None:
    store = RecordStore(hq)
    t1 = store.add_json(json.dumps(_doc({"names": [{"hangul": "리영길"}]}, {"names": [{"hangul": "김철수"}]}),
                                   ensure_ascii=False).encode()).record_id
    t2 = store.add_json(json.dumps(_doc({"id": "v1", "names": [{"roman": "Lee Young-gil"}]}),
                                   ensure_ascii=False).encode()).record_id
    deleted = store.add_json(json.dumps(_doc({"names": [{"hangul": "박영수"}]}), ensure_ascii=False).encode()).record_id
    store.delete(deleted)
    found = load_mentions(hq)
    assert all(isinstance(m, Mention) for m in found)
    assert {m.testimony_id for m in found} == {t1, t2}  # deleted testimonies have no mentions
    for m in found:
        assert m.mention == f"{m.testimony_id}/{m.victim_id}" and m.victim.id == m.victim_id
        assert m.testimony.id == m.testimony_id
    first = next(m for m in found if m.testimony_id == t1 and m.victim.display_name == "리영길")
    other = f"{t2}/v1"
    assert registry.person_map(hq) == {m.mention: m.mention for m in found}
    pid = registry.link(hq, [first.mention, other], reason="same")
    assert str(uuid.UUID(pid)) == pid
    mapping = registry.person_map(hq)
    assert mapping[first.mention] == mapping[other] == pid
    assert sorted(registry.mentions_of(hq, pid)) == sorted([first.mention, other])
    assert registry.mentions_of(hq, other) == sorted([first.mention, other])
    lonely = next(m.mention for m in found if m.mention not in (first.mention, other))
    assert registry.mentions_of(hq, lonely) == [lonely]
    for unknown in ("nobody", f"{t1}/nobody", str(uuid.UUID(int=1)), f"{deleted}/x"):
        with pytest.raises(UsageError):
            registry.mentions_of(hq, unknown)
    assert registry.preferred_name(hq, pid) is None
    registry.set_preferred_name(hq, pid, hangul="리영길", roman="Ri Yong-gil")
    assert registry.preferred_name(hq, pid) == {"hangul": "리영길", "roman": "Ri Yong-gil"}
    with pytest.raises(RefusedError):
        registry.distinct(hq, first.mention, other, reason="x")  # one person already
    # The testimony is never changed by the registry.
    assert len(store.history(t1)) == 1


def test_vault_from_before_the_registry_migrates_and_derives_ids(tmp_path: Path) -> None:
    """An HQ vault holding a revision written before entity ids existed (the upgrade of the schema itself, from every
    earlier version with data, is tests/vault/test_migrations.py's; rolling tables back here would undo later
    migrations too)."""
    vault = Vault.create(tmp_path / "old", "pw", "hq")[0]
    conn = vault.conn
    rid = uuid7()
    content = interchange.dumps_canonical(interchange.validate({**_doc({"names": [{"hangul": "리영길"}]}), "id": rid}))
    with Transaction(conn):
        rev = revisions.Revision.make(rid, [], "old-laptop", "2023-01-01T00:00:00Z", content)
        revisions.insert_revision(conn, rev)
        revisions.refresh_record(conn, rid, summarise, search_fields)
    vault.lock()
    reopened = Vault.open(tmp_path / "old", "pw")
    assert migrations.current_version(reopened.conn) == migrations.LATEST
    (mention,) = load_mentions(reopened)
    assert mention.victim_id == str(uuid.uuid5(ENTITY_NAMESPACE, f"{rid}||victims[0]"))
    assert registry.person_map(reopened) == {mention.mention: mention.mention}
    assert revisions.load(reopened.conn, rev.id) == rev  # the stored revision is untouched


def test_decoy_with_the_same_common_name_scores_low() -> None:
    mentions, _truth = generate(40)
    base = mentions[0]
    from dataclasses import replace

    from intake_app.records.edtf import parse_edtf
    from intake_app.records.interchange_model import Act, Name
    one = replace(base.victim, names=(Name(hangul="김철수"),), birth=parse_edtf("1950"), sex="M",
                  origin_place="KP.ryanggang.hyesan", acts=(Act(type="arrest", id="a", place_code="KP.ryanggang.hyesan",
                                                                date=parse_edtf("1998")),))
    same = replace(one, names=(Name(roman="Kim Chul-soo"),), birth=parse_edtf("1950~"))
    decoy = replace(one, birth=parse_edtf("1972"), origin_place="KP.north_pyongan.sinuiju",
                    acts=(Act(type="arrest", id="a", place_code="KP.north_hamgyong.musan", date=parse_edtf("2009")),))

    def feat(victim: object, tid: str) -> dict[str, object]:
        return features(Mention(f"{tid}/v", tid, "v", victim, replace(base.testimony, id=tid)))  # type: ignore[arg-type]

    true_score, reasons = score_pair(feat(one, "t1"), feat(same, "t2"), 3)
    decoy_score, decoy_reasons = score_pair(feat(one, "t1"), feat(decoy, "t3"), 3)
    assert true_score >= 0.8 and decoy_score < 0.2
    assert any("born 1950 vs 1972 (22 years apart)" in r["en"] for r in decoy_reasons)
    assert any("both arrest in Hyesan, 1998" in r["en"] for r in reasons)


def test_quality_on_a_small_labelled_set(tmp_path: Path) -> None:
    """The benchmark's check on 3,000 mentions: the same thresholds as at 100k."""
    mentions, truth = generate(3000, seed=7)
    feats = [features(m) for m in mentions]
    vault = Vault.create(tmp_path / "q", "pw", "hq")[0]
    cand.index_features(vault.conn, feats)
    by_num = {i + 1: f for i, f in enumerate(feats)}
    found = cand.generate(vault.conn, min_score=0.5, links={}, distinct=set(), load=lambda: by_num)
    scores = {(c.a["m"], c.b["m"]): c.score for c in found}
    pairs = true_pairs(truth)
    recall = sum(1 for p in pairs if p in scores) / len(pairs)
    high = [p for p, s in scores.items() if s >= 0.8]
    precision = sum(1 for p in high if p in pairs) / len(high)
    assert len(pairs) > 500 and recall >= 0.95 and precision >= 0.9, (recall, precision)
    # Blocking loses few true pairs compared with scoring every pair (on a subset, independently).
    sub = feats[:400]
    counts = cand.name_counts(sub)
    all_pairs = set()
    for i, a in enumerate(sub):
        for b in sub[i + 1:]:
            x, y = (a, b) if a["m"] < b["m"] else (b, a)
            shared = [counts[k] for k in x["nk"] if k in counts and k in y["nk"]]
            if score_pair(x, y, min(shared) if shared else 1)[0] >= 0.5 and (x["m"], y["m"]) in pairs:
                all_pairs.add((x["m"], y["m"]))
    assert len(all_pairs) >= 100, "the subset must hold true pairs the scorer finds, or the blocking check proves nothing"
    sub_vault = Vault.create(tmp_path / "s", "pw", "hq")[0]
    cand.index_features(sub_vault.conn, sub)
    sub_nums = {i + 1: f for i, f in enumerate(sub)}
    blocked = {(c.a["m"], c.b["m"]) for c in cand.generate(sub_vault.conn, min_score=0.5, links={}, distinct=set(),
                                                           load=lambda: sub_nums)}
    assert len(all_pairs - blocked) <= max(1, len(all_pairs) // 20)


def test_link_rules_moves_and_refusals(hq: Vault) -> None:
    store = RecordStore(hq)
    victims = [{"id": f"v{i}", "names": [{"hangul": n}]} for i, n in enumerate(("리영길", "이영길", "김철수", "박영수"))]
    tid = store.add_json(json.dumps(_doc(*victims), ensure_ascii=False).encode()).record_id
    m = [f"{tid}/v{i}" for i in range(4)]
    p1 = registry.link(hq, [m[0], m[1]])
    p2 = registry.link(hq, [m[2], m[3]])
    with pytest.raises(RefusedError, match="2 different persons"):
        registry.link(hq, [m[1], m[2]])  # two persons and no --person: which one?
    assert registry.link(hq, [m[1]], person=p2) == p2  # one mention moves to another person
    assert registry.mentions_of(hq, p1) == [m[0]] and registry.mentions_of(hq, p2) == sorted(m[1:])
    with pytest.raises(UsageError):
        registry.link(hq, [m[0]])  # one mention needs --person
    with pytest.raises(RefusedError):
        registry.link(hq, [m[2], m[3]])  # already one person
    registry.distinct(hq, m[0], m[2], reason="다름")
    assert hq.conn.execute("SELECT count(*) FROM person_distinct").fetchone()[0] == 1
    registry.link(hq, [m[0]], person=p2, reason="다시 보니 같음")  # lifts the distinct mark
    assert hq.conn.execute("SELECT count(*) FROM person_distinct").fetchone()[0] == 0
    entries = [json.loads(e) for _, e in AuditLog(hq.conn, "").entries()]
    last = [e for e in entries if e["action"] == "person_link"][-1]
    assert last["detail"]["moved_from"] == {m[0]: p1} and last["detail"]["lifted_distinct"] == [sorted((m[0], m[2]))]
    assert registry.unlink(hq, m[0]) == p2
    with pytest.raises(RefusedError):
        registry.unlink(hq, m[0])
    with pytest.raises(UsageError):
        registry.distinct(hq, m[0], m[0], reason="x")
    with pytest.raises(UsageError):
        registry.distinct(hq, m[0], m[1], reason="   ")


def test_oversized_blocks_split_by_corroborating_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocking, "MAX_BLOCK", 3)
    # The split by facts alone: without namesake sub-blocks (tests/persons/test_blocking.py), which at 5 mentions
    # would file every member (all can reach 0.5 with a namesake that common).
    monkeypatch.setattr(blocking, "NAMESAKE_REACH", (0, 0, 0, 0))
    base = generate(1)[0][0]
    from dataclasses import replace

    from intake_app.records.edtf import parse_edtf
    from intake_app.records.interchange_model import Interviewee, Name

    def feat(i: int, birth: str) -> dict[str, object]:
        victim = replace(base.victim, names=(Name(hangul="김철수"),), birth=parse_edtf(birth), acts=(), origin=None,
                         origin_place=None)
        testimony = replace(base.testimony, id=f"t{i}", interviewee=Interviewee(pseudonym=f"iv{i}"))
        return features(Mention(f"t{i}/v", f"t{i}", "v", victim, testimony))

    feats = [feat(i, b) for i, b in enumerate(["1950", "1950~", "1971", "1973", "195X"])]
    vault = Vault.create(tmp_path / "b", "pw", "hq")[0]
    cand.index_features(vault.conn, feats)
    keys = {str(k) for (k,) in vault.conn.execute("SELECT DISTINCT key FROM person_keys")}
    assert "name:김:chulsu" not in keys and {"!name:김:chulsu#y1950", "!name:김:chulsu#y1971"} <= keys
    pairs = {tuple(sorted((str(feats[x - 1]["m"]), str(feats[y - 1]["m"])))) for x, y in cand.blocked_pairs(vault.conn)}
    overlapping = {tuple(sorted((str(a["m"]), str(b["m"])))) for i, a in enumerate(feats) for b in feats[i + 1:]
                   if a["by"][0] <= b["by"][1] and b["by"][0] <= a["by"][1]}  # type: ignore[index]
    assert pairs == overlapping and len(pairs) == 3
    # A mention added later is filed in the split block's sub-blocks, not in a new whole block.
    cand._index_rows(vault.conn, [feat(9, "1958")])
    assert vault.conn.execute("SELECT count(*) FROM person_keys WHERE key = 'name:김:chulsu'").fetchone()[0] == 0
    assert vault.conn.execute("SELECT count(*) FROM person_keys WHERE key = '!name:김:chulsu#y1958'").fetchone()[0] == 2
