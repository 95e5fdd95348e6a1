"""Issue 30, third pass: ``consent.decide`` reads the testimonies in batches and redacts each testimony's released
mentions as soon as they are decided (keeping only testimonies linked to a person until the end). Its Release must be
exactly what the decision gave before: every mention decided first (one ``SELECT`` per testimony, HQ's ownership
rule through ``revisions.state_of``), then every released mention redacted at once. The reference below is that
code, kept as it was; the vaults hold the hard cases (histories with withdrawals and re-grants, deletions, forged
bytes, stale consent rows, several victims with names at different levels, persons linked across testimonies, a
person key equal to a mention id, unknown victims and testimonies) and the comparison is on every field of every
released mention, exclusion and condition.
"""

from __future__ import annotations

import copy
import gc
import json
import random
from pathlib import Path
from typing import Any

import pytest

from intake_app.errors import UsageError
from intake_app.exports import anonymity, consent, references
from intake_app.exports.consent import Condition, Exclusion
from intake_app.exports.decision import History, Verdict, Version, verdict
from intake_app.exports.released import ReleasedDecision, ReleasedMention, release_mention
from intake_app.records import consent_rows, interchange_model, revisions
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.exports.conftest import VICTIM, make_testimony

PURPOSES = ("publication", "wgeid", "reports", "prosecutors", "government_partners", "perpetrator_profiling")
NAMES = [("류은별", "柳銀星", "Ryu Un-byol"), ("김철수", None, "Kim Chol-su"), ("박영희", "朴英姬", "Pak Yong-hui"),
         ("리명호", None, "Ri Myong-ho"), ("최성남", "崔成南", None)]


# ---- the decision as it was before this pass (b0e3da1), kept as the reference -----------------------------------
def _reference_load(vault: Vault, record_id: str, keys: revisions.DeviceKeys) -> Any:
    rows = consent_rows.read(vault.conn, record_id)
    state = revisions.state_of(vault.conn, record_id, rows, keys)
    if state is None:
        return "unknown_testimony"
    versions = {row.id: Version(row.id, tuple(json.loads(row.parents)), row.consent, row.unreadable) for row in rows}
    current = next(row for row in rows if row.id == state.current)
    return History(versions, state.current, disputed=len(state.sides) > 1), current


def reference_decide(vault: Vault, purpose: str, mentions: list[str], also_required: tuple[str, ...] = (),
                     accept_conditions: bool = False,
                     person_of: dict[str, str] | None = None) -> tuple[Any, ...]:
    wanted = (purpose, *[p for p in also_required if p != purpose])
    ordered = sorted(dict.fromkeys(mentions))
    persons = person_of or {}
    keys = revisions.DeviceKeys.load(vault.conn)
    allowed: Allowed = []
    excluded: list[Exclusion] = []
    conditions: list[Condition] = []
    record_id, found, current = "", None, None
    verdicts: dict[str, Verdict] = {}
    for mention in ordered:
        mention_record, victim_id = mention.split("/")
        if mention_record != record_id or found is None:
            record_id, current = mention_record, None
            found = _reference_load(vault, record_id, keys)
            if not isinstance(found, str):
                verdicts = {p: verdict(p, found[0], accept_conditions) for p in wanted}
        if isinstance(found, str):
            excluded.append(Exclusion(mention, found, purpose))
            continue
        history, row = found
        conditions += consent._conditions(mention, history, verdicts, accept_conditions)
        refused = next(((p, v) for p, v in verdicts.items() if not v.allowed), None)
        if refused is not None:
            excluded.append(Exclusion(mention, refused[1].reason, refused[0]))
            continue
        if current is None:
            current = consent._current_testimony(record_id, row)
        if current is None:
            excluded.append(Exclusion(mention, "unreadable", purpose))
            continue
        if not any(v.id == victim_id for v in current.victims):
            excluded.append(Exclusion(mention, "unknown_victim", purpose))
            continue
        allowed.append((mention, current, victim_id, verdicts))
    included = _reference_release(vault, purpose, allowed, persons, accept_conditions,
                                  bool(consent.SOURCE_IDENTITY_PURPOSES & set(wanted)))
    return tuple(included), tuple(excluded), tuple(dict.fromkeys(conditions))


Allowed = list[tuple[str, interchange_model.Testimony, str, dict[str, Verdict]]]


def _reference_release(vault: Vault, purpose: str, allowed: Allowed,
                       persons: dict[str, str], accept_conditions: bool,
                       source_identity: bool) -> list[ReleasedMention]:
    own_level = {m: anonymity.most_restrictive([v.decision.anonymity or anonymity.DEFAULT_LEVEL
                                                for v in verdicts.values() if v.decision is not None])
                 for m, _, _, verdicts in allowed}
    by_person: dict[str, list[str]] = {}
    for m, *_ in allowed:
        by_person.setdefault(persons.get(m, m), []).append(m)
    person_level = {p: anonymity.most_restrictive([own_level[m] for m in ms]) for p, ms in by_person.items()}
    key = references.key(vault) if allowed else b""
    out: list[ReleasedMention] = []
    for mention, testimony, victim_id, verdicts in allowed:
        person = persons.get(mention, mention)
        level = person_level[person]
        unnamed = []
        for victim in testimony.victims:
            other = f"{testimony.id}/{victim.id}"
            other_level = person_level.get(persons.get(other, other), own_level[mention])
            unnamed.append(level != "full_name" or other_level != "full_name")
        forms = frozenset().union(*(anonymity.name_forms(victim.names)
                                    for victim, scrubbed in zip(testimony.victims, unnamed, strict=True) if scrubbed))
        basis = {p: (ReleasedDecision.of(v.decision, accept_conditions),) for p, v in verdicts.items()
                 if v.decision is not None}
        out.append(release_mention(
            mention, testimony, victim_id, source_number=len(out) + 1, level=level, basis=basis, person_key=person,
            reference=anonymity.reference(key, purpose, level, person), scrub_forms=forms,
            with_source_identity=source_identity))
    return out


# ---- a vault of hard cases ---------------------------------------------------------------------------------------
def _tid(i: int) -> str:
    return f"0190f6b8-7a1c-7d2e-9f00-{i:012d}"


def _victim(vid: str, names: tuple[str | None, str | None, str | None]) -> dict[str, Any]:
    victim = copy.deepcopy(VICTIM)
    victim["id"] = vid
    for act in victim["acts"]:
        act["id"] = f"{vid}{act['id']}"
        if "follows" in act:
            act["follows"] = f"{vid}{act['follows']}"
    hangul, hanja, roman = names
    victim["names"] = [{k: v for k, v in (("hangul", hangul), ("hanja", hanja), ("roman", roman)) if v}]
    if roman:
        victim["names"][0]["system"] = "MR"
    victim["steps_taken"][0]["action"] = f"신청 ({roman or hangul}, {hangul})"
    victim["acts"][0]["place"] = f"{hangul}의 집"
    return victim


def _decision(rnd: random.Random) -> Any:
    value = rnd.choice(["granted", "granted", "granted", "conditional", "refused", "withdrawn", "not_asked"])
    if value in ("granted", "conditional") and rnd.random() < 0.8:
        out: dict[str, Any] = {"value": value, "anonymity": rnd.choice(anonymity.LEVELS)}
        if value == "conditional" or rnd.random() < 0.2:
            out["conditions"] = rnd.choice(["call first", "가족 이름은 빼 주세요"])
        if rnd.random() < 0.3:
            out["date"] = "2024-05-02"
        return out
    return value


def _document(rnd: random.Random, tid: str, victims: int) -> dict[str, Any]:
    consent_obj = {p: _decision(rnd) for p in PURPOSES if rnd.random() < 0.9}
    doc = make_testimony(tid, consent_obj)
    doc["victims"] = [_victim(f"v{i + 1}", rnd.choice(NAMES)) for i in range(victims)]
    return doc


def _hard_vault(tmp_path: Path, seed: int) -> tuple[Vault, list[str], dict[str, str]]:
    rnd = random.Random(seed)
    vault, _ = Vault.create(tmp_path / "hq", "pw", "hq")
    store = RecordStore(vault)
    tids = [_tid(i + 1) for i in range(36)]
    mentions: list[str] = []
    for tid in tids:
        victims = rnd.choice([1, 1, 2, 3])
        for _ in range(rnd.choice([1, 1, 2, 3])):
            store.add_json(json.dumps(_document(rnd, tid, victims), ensure_ascii=False).encode())
        if rnd.random() < 0.08:
            store.delete(tid)
        mentions += [f"{tid}/v{i + 1}" for i in range(victims)]
        if rnd.random() < 0.1:
            mentions.append(f"{tid}/v9")  # a victim the testimony does not have
    mentions.append(f"{_tid(999)}/v1")  # no such testimony
    revs = [str(r[0]) for r in vault.conn.execute("SELECT id FROM revisions WHERE tombstone = 0 ORDER BY local_seq")]
    for rev in rnd.sample(revs, 4):  # forged bytes (the row still says what the content said)
        content = bytes(vault.conn.execute("SELECT content FROM revisions WHERE id = ?", (rev,)).fetchone()[0])
        vault.conn.execute("UPDATE revisions SET content = ? WHERE id = ?",
                           (content.replace(b"NARRATIVE-CANARY", b"NARRATIVE-FORGED"), rev))
    for rev in rnd.sample(revs, 4):  # stale rows: not used, the bytes are
        vault.conn.execute("UPDATE revision_consent SET content_hash = ?, consent = ? WHERE rev_id = ?",
                           ("0" * 64, json.dumps({p: "granted" for p in PURPOSES}), rev))
    grant = {p: {"value": "granted", "anonymity": "full_name"} for p in PURPOSES}
    for step in (grant, {p: "withdrawn" for p in PURPOSES}, grant):  # the old grant restored: withdrawn_earlier
        doc = make_testimony(_tid(900), step)
        doc["victims"] = [_victim("v1", NAMES[0])]
        store.add_json(json.dumps(doc, ensure_ascii=False).encode())
    mentions.append(f"{_tid(900)}/v1")
    doc = make_testimony(_tid(901), grant)  # granted, its current bytes forged: unreadable
    store.add_json(json.dumps(doc, ensure_ascii=False).encode())
    vault.conn.execute("UPDATE revisions SET content = CAST(replace(CAST(content AS TEXT), 'W-117', 'W-118') AS BLOB)"
                       " WHERE record_id = ?", (_tid(901),))
    mentions.append(f"{_tid(901)}/v1")
    # Persons linking mentions across testimonies, one of them under a key that is itself a mention id.
    pool = [f"person-{i}" for i in range(8)] + [mentions[3]]
    person_of = {m: rnd.choice(pool) for m in rnd.sample(mentions, len(mentions) // 3) if m != mentions[3]}
    return vault, mentions, person_of


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_batched_decision_equals_the_decision_before_it(tmp_path: Path, seed: int) -> None:
    vault, mentions, person_of = _hard_vault(tmp_path, seed)
    seen: set[str] = set()
    for purpose, also, accept in [("publication", (), False), ("publication", (), True), ("wgeid", (), True),
                                  ("prosecutors", (), False), ("reports", (), True),
                                  ("government_partners", ("perpetrator_profiling",), True)]:
        for persons in (None, person_of):
            release = consent.decide(vault, purpose, mentions, also_required=also, accept_conditions=accept,
                                     person_of=persons)
            expected = reference_decide(vault, purpose, mentions, also, accept, persons)
            assert (release.included, release.excluded, release.conditions) == expected, (purpose, persons)
            seen |= {e.reason for e in release.excluded} | {m.anonymity for m in release.included}
            if persons:
                seen |= {"linked"} if any(m.person_key != m.mention for m in release.included) else set()
    # The corpus does exercise the hard cases.
    assert {"unreadable", "withdrawn_earlier", "unknown_victim", "unknown_testimony", "deleted", "linked",
            "full_name", "initials"} <= seen, seen
    vault.lock()


def test_many_batches_of_reads_give_the_same_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault, mentions, person_of = _hard_vault(tmp_path, 4)
    whole = consent.decide(vault, "wgeid", mentions, accept_conditions=True, person_of=person_of)
    monkeypatch.setattr(consent_rows, "READ_BATCH", 5)
    assert consent.decide(vault, "wgeid", mentions, accept_conditions=True, person_of=person_of) == whole
    vault.lock()


def test_the_collector_is_paused_during_a_decision_and_restored_as_it_was(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    vault, mentions, _ = _hard_vault(tmp_path, 5)
    seen: list[bool] = []
    read_many = consent_rows.read_many

    def watching(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return read_many(*args)

    monkeypatch.setattr(consent_rows, "read_many", watching)
    assert gc.isenabled()
    consent.decide(vault, "publication", mentions)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(UsageError):
        consent.decide(vault, "no_such_purpose", mentions)
    assert gc.isenabled()  # restored after a refusal too
    gc.disable()
    try:
        consent.decide(vault, "publication", mentions)
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
    vault.lock()
