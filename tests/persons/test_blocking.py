"""Sub-blocking of common names (issue 30): a crowd of namesakes is split by corroborating facts, and realistic true
pairs that differ in romanisation and in one uncertain date, or that agree on one fact only, are still proposed."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from bench._persons_synth import generate
from intake_app.persons import blocking
from intake_app.persons import candidates as cand
from intake_app.persons.features import blocking_keys, features
from intake_app.persons.mentions import Mention
from intake_app.persons.scoring import score_pair
from intake_app.records import interchange
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault

TID = "0190f6b8-7a1c-7d2e-9f00-{:012d}"
CROWD_PLACES = ("Pyongyang", "Kaesong", "신의주", "KP.south_hamgyong.hamhung", "Chongjin", "KP.kangwon.wonsan",
                "해주", "KP.north_hwanghae.sariwon", "Kanggye", "KP.north_hamgyong.onsong", "Hoeryong", "평성",
                "KP.ryanggang.samjiyon")


def _feat(n: int, name: dict[str, str], pseudonym: str | None = None, relation: str | None = "sister",
          **victim: Any) -> dict[str, Any]:
    doc = {"id": TID.format(n), "interview": {"date": "2024", "language": "ko", "interviewer": "면담자"},
           "interviewee": {"pseudonym": pseudonym or f"증언자{n}", "relation": relation},
           "victims": [{"id": "v1", "names": [name], "sex": "M", **victim}]}
    testimony = interchange.parse_testimony(json.dumps(doc, ensure_ascii=False).encode())
    return features(Mention(f"{TID.format(n)}/v1", TID.format(n), "v1", testimony.victims[0], testimony))


def _crowd(size: int) -> list[dict[str, Any]]:
    """Namesakes of 김영수 written three ways, born in the 1970s-90s, taken elsewhere and later than the pairs below."""
    names = ({"hangul": "김영수"}, {"roman": "Kim Young-soo"}, {"roman": "Kim Yŏng-su"})
    out = []
    for i in range(size):
        place = CROWD_PLACES[i % len(CROWD_PLACES)]
        act = {"type": "arrest", "date": str(2002 + i % 20),
               **({"place_code": place} if place.startswith("KP.") else {"place": place})}
        home = CROWD_PLACES[(7 * i + 3) % len(CROWD_PLACES)]
        out.append(_feat(100 + i, names[i % 3], birth=str(1960 + i % 40), acts=[act],
                         **({"origin_place": home} if home.startswith("KP.") else {"origin": home})))
    return out


# Realistic true pairs: each differs in romanisation and agrees on one corroborating fact only.
PAIRS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "birth, one side approximate": (
        {"name": {"hangul": "김영수"}, "birth": "1950"}, {"name": {"roman": "Kim Young-soo"}, "birth": "1950~"}),
    "birth, decade only": (
        {"name": {"hangul": "김영수"}, "birth": "195X"}, {"name": {"roman": "Kim Yong-su"}, "birth": "1957"}),
    "home place, words and code": (
        {"name": {"hangul": "김영수"}, "origin": "혜산"}, {"name": {"roman": "Gim Yeong-su"},
                                                        "origin_place": "KP.ryanggang.hyesan"}),
    "arrest place, one side without a year": (
        {"name": {"roman": "Kim Yŏng-su"}, "acts": [{"type": "arrest", "date": "1998", "place": "무산"}]},
        {"name": {"hangul": "김영수"}, "acts": [{"type": "arrest", "place_code": "KP.north_hamgyong.musan"}]}),
    "arrest year alone": (
        {"name": {"hangul": "김영수"}, "categories": [3], "acts": [{"type": "arrest", "date": "1987"}]},
        {"name": {"roman": "Kim Youngsoo"}, "categories": [3], "acts": [{"type": "arrest", "date": "1987"}]}),
    "facility": (
        {"name": {"hangul": "김영수"}, "acts": [{"type": "detention", "facility_code": "kwalliso_16"}]},
        {"name": {"roman": "Kim Young-su"}, "acts": [{"type": "detention", "facility_code": "kwalliso_16"}]}),
    "same interviewee": (
        {"name": {"hangul": "김영수"}, "pseudonym": "큰딸", "acts": [{"type": "arrest", "date": "1961"}]},
        {"name": {"roman": "Kim Yeong-su"}, "pseudonym": "큰딸", "acts": [{"type": "arrest", "date": "1975"}]}),
    "nothing else known": (
        {"name": {"hangul": "김영수"}, "relation": None, "categories": [5]},
        {"name": {"roman": "Kim Yungsu"}, "relation": None, "categories": [5]}),
}


def _pair_feats() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    out = {}
    for i, (label, sides) in enumerate(PAIRS.items()):
        made = []
        for j, side in enumerate(sides):
            rest = {k: v for k, v in side.items() if k != "name"}
            made.append(_feat(2 * i + j + 1, side["name"], **rest))
        out[label] = (made[0], made[1])
    return out


def _run(tmp_path: Path, feats: list[dict[str, Any]]) -> tuple[Vault, dict[tuple[str, str], float], int]:
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    cand.index_features(vault.conn, feats)
    stats: dict[str, int] = {}
    kept = cand.scored_pairs(vault.conn, min_score=0.5, links={}, distinct=set(), stats=stats)
    return vault, {(c[1], c[2]): c[0] for c in kept}, stats["scored"]


def test_realistic_true_pairs_survive_the_split_of_a_common_name(tmp_path: Path) -> None:
    pairs = _pair_feats()
    # More namesakes than a member without a victim category can reach (blocking.NAMESAKE_REACH): the crowd (no
    # categories) is in no namesake sub-block, the pairs giving a category are.
    crowd = _crowd(blocking.MAX_BLOCK * 7)
    assert blocking.level_for(len(crowd) + 2 * len(pairs)) == 2
    feats = crowd + [f for sides in pairs.values() for f in sides]
    vault, found, scored = _run(tmp_path, feats)
    # The common name's block was split (its rows are sub-blocks), and far fewer pairs were scored than all pairs.
    assert vault.conn.execute("SELECT count(*) FROM person_keys WHERE key = 'name:김:yungsu'").fetchone()[0] == 0
    assert vault.conn.execute("SELECT count(*) FROM person_keys WHERE key LIKE '!name:김:yungsu#%'").fetchone()[0]
    assert scored < len(feats) * (len(feats) - 1) // 2 // 2, scored
    counts = cand.name_counts(feats)
    shares = cand.value_counts(feats)
    assert dict(vault.conn.execute("SELECT key, n FROM person_counts").fetchall()) == dict(shares)
    for label, (a, b) in pairs.items():
        key = (a["m"], b["m"]) if a["m"] < b["m"] else (b["m"], a["m"])
        assert key in found, f"{label}: the true pair was not proposed"
        x, y = (a, b) if a["m"] < b["m"] else (b, a)
        assert found[key] == score_pair(x, y, counts["name:김:yungsu"], shares=shares)[0] >= 0.5, label
    # Namesakes born decades apart are not proposed: the crowd (born later, elsewhere) meets a pair's member only when
    # its birth is unknown (then a shared sex and province lift a namesake over 0.5, as scoring every pair would).
    crowd_ids = {f["m"] for f in crowd}
    by_id = {f["m"]: f for f in feats}
    across = [p for p in found if (p[0] in crowd_ids) != (p[1] in crowd_ids)]
    assert across and all(by_id[a]["by"] is None or by_id[b]["by"] is None for a, b in across)


def test_a_sub_block_split_again_keeps_the_pairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A common name and a common birth year: the sub-block is split by a second fact, or kept for members with
    no fact of another kind; the realistic pairs are still proposed."""
    monkeypatch.setattr(blocking, "MAX_SUB_BLOCK", 4)
    pairs = _pair_feats()
    crowd = _crowd(blocking.MAX_BLOCK * 3)
    twins = [_feat(900 + i, {"hangul": "김영수"}, birth="1950", origin_place="KP.kaesong") for i in range(8)]
    # Only their home place known, in a sub-block split again: they meet among the members with no other fact.
    kaesong = (_feat(950, {"hangul": "김영수"}, relation=None, categories=[4], origin="Kaesong"),
               _feat(951, {"roman": "Kim Young-soo"}, relation=None, categories=[4], origin_place="KP.kaesong"))
    feats = crowd + twins + list(kaesong) + [f for sides in pairs.values() for f in sides]
    vault, found, _ = _run(tmp_path, feats)
    for sub in ("y1950", "pKP.kaesong"):
        assert vault.conn.execute("SELECT count(*) FROM person_keys WHERE key LIKE ?",
                                  (f"!name:김:yungsu#{sub}#%",)).fetchone()[0], sub
    # Two more filed later, one at a time (a testimony saved after the split): they go where the split ones went.
    later = (_feat(960, {"hangul": "김영수"}, relation=None, categories=[6], origin="개성"),
             _feat(961, {"roman": "Gim Yeong-su"}, relation=None, categories=[6], origin_place="KP.kaesong"))
    with Transaction(vault.conn):
        cand._index_rows(vault.conn, later)
    found = {(c[1], c[2]): c[0] for c in cand.scored_pairs(vault.conn, min_score=0.5, links={}, distinct=set())}
    for label, (a, b) in [*pairs.items(), ("home place only, split twice", kaesong), ("filed later", later)]:
        assert tuple(sorted((a["m"], b["m"]))) in found, label


def test_each_pair_is_scored_once_and_the_cache_bound_changes_nothing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A pair sharing several keys (name keys, sub-blocks) is scored in one of them only; a tiny feature cache gives
    the same candidates as features held in memory."""
    monkeypatch.setattr(blocking, "MAX_BLOCK", 3)
    mentions, _truth = generate(600, seed=3)
    feats = [features(m) for m in mentions]
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    cand.index_features(vault.conn, feats)
    pairs = list(cand.blocked_pairs(vault.conn))
    assert len(pairs) == len(set(pairs)) > 100
    by_num = {i + 1: f for i, f in enumerate(feats)}
    held = cand.scored_pairs(vault.conn, min_score=0.0, links={}, distinct=set(), load=lambda: by_num)
    monkeypatch.setattr(cand, "CACHE_SIZE", 2)
    streamed = cand.scored_pairs(vault.conn, min_score=0.0, links={}, distinct=set())
    assert list(streamed) == list(held) and len(held) == len(pairs)
    listed = list(held)
    assert listed == sorted(listed, key=lambda c: (-c[0], c[1], c[2]))  # best first, then by mention ids


def test_the_pairs_are_exactly_those_sharing_a_whole_block_or_a_fact(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocking's definition checked against every pair: two mentions meet iff they share a base key whose block
    is whole, or share a split block's key and one corroborating fact (or both have none)."""
    monkeypatch.setattr(blocking, "MAX_BLOCK", 4)
    monkeypatch.setattr(blocking, "MAX_SUB_BLOCK", 10**6)
    mentions, _truth = generate(500, seed=5)
    feats = [features(m) for m in mentions]
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    cand.index_features(vault.conn, feats)
    state = blocking.split_state(vault.conn)
    assert state.keys
    expected = set()
    assert state.namesakes
    for (i, a), (j, b) in combinations(enumerate(feats, start=1), 2):
        for key in set(blocking_keys(a)) & set(blocking_keys(b)):
            facts_a, facts_b = blocking.facts(key, a), blocking.facts(key, b)
            level = state.namesakes.get(key, 0)
            if (key not in state.keys or set(facts_a) & set(facts_b) or (not facts_a and not facts_b)
                    or set(blocking.namesakes(a, level)) & set(blocking.namesakes(b, level))):
                expected.add((i, j))
    assert set(cand.blocked_pairs(vault.conn)) == expected


def _namesake_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """A true pair found lost at 200k synthetic mentions: a common name, one sex and one victim category, and nothing
    else shared (one birth year unknown, the arrest place known on one side only, no home place)."""
    return (_feat(970, {"hangul": "김영수"}, relation=None, birth="1950", categories=[4],
                  acts=[{"type": "arrest", "date": "1998", "place_code": "KP.ryanggang.hyesan"}]),
            _feat(971, {"roman": "Kim Young-su"}, relation=None, categories=[4], acts=[{"type": "arrest"}]))


def test_namesakes_sharing_sex_and_category_only_are_compared(tmp_path: Path) -> None:
    """Issue 30, third pass: a pair sharing a name held by more than MAX_BLOCK mentions, its sex and its victim
    category, and nothing else, scores 0.5 or more when every pair is scored; it is proposed, from a namesake
    sub-block (``n<level>:<sex>:<category>``), while the crowd's members without a category are not filed there."""
    pair = _namesake_pair()
    crowd = _crowd(blocking.MAX_BLOCK * 7)
    crowd += [_feat(500 + i, {"hangul": "김영수"}, relation=None, birth=str(1930 + i), categories=[1 + i % 3],
                    acts=[{"type": "arrest", "date": str(1960 + i), "place_code": "KP.ryanggang.hyesan"}])
              for i in range(20)]
    feats = crowd + list(pair)
    counts, shares = cand.name_counts(feats), cand.value_counts(feats)
    assert not set(blocking.attributes(pair[0])) & set(blocking.attributes(pair[1]))
    assert score_pair(*pair, counts["name:김:yungsu"], shares=shares)[0] >= 0.5
    vault, found, scored = _run(tmp_path, feats)
    assert (pair[0]["m"], pair[1]["m"]) in found, "the namesake pair was not proposed"
    level = blocking.level_for(len(feats))
    assert blocking.split_state(vault.conn).namesakes["name:김:yungsu"] == level == 2
    rows = {str(k) for (k,) in vault.conn.execute("SELECT key FROM person_keys WHERE num IN"
                                                 " (SELECT num FROM person_mentions WHERE mention = ?)", (pair[0]["m"],))}
    assert f"!name:김:yungsu#n{level}:M:4" in rows
    # Only members that can reach 0.5 at this count are filed there, under their sex and categories: not the crowd
    # without categories (reach 76 < 106 mentions); far fewer pairs than all pairs are scored.
    assert f"!name:김:yungsu#n{level}:M:1" in {str(k) for (k,) in vault.conn.execute("SELECT key FROM person_keys")}
    assert not vault.conn.execute("SELECT 1 FROM person_keys k JOIN person_mentions m ON m.num = k.num WHERE k.key"
                                  " GLOB '!name:김:yungsu#n*' AND json_array_length(m.features, '$.cat') = 0").fetchall()
    assert scored < len(feats) * (len(feats) - 1) // 2 // 2, scored


def test_namesake_sub_blocks_follow_the_count_of_the_name(tmp_path: Path) -> None:
    """As a name's count passes a reach, its namesake sub-blocks are re-filed at the lower level (members that can no
    longer reach 0.5 leave them), and above MAX_NAMESAKE they go; the rows always equal what filed_keys says."""
    pair = _namesake_pair()
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    cand.index_features(vault.conn, [*_crowd(20), *pair])
    assert blocking.split_state(vault.conn).namesakes["name:김:yungsu"] == 4
    filed = 22
    for size, level in ((60, 3), (80, 2), (200, 1), (300, 0)):
        more = [_feat(2000 + filed + i, {"hangul": "김영수"}, relation=None, birth=str(1900 + i % 90),
                      categories=[1 + i % 9]) for i in range(size - filed)]
        filed = size
        with Transaction(vault.conn):
            cand._index_rows(vault.conn, more)
            blocking.split_big_blocks(vault.conn)
        state = blocking.split_state(vault.conn)
        assert state.namesakes.get("name:김:yungsu", 0) == level, size
        rows = {(str(k), int(n)) for k, n in vault.conn.execute(
            "SELECT key, num FROM person_keys WHERE key LIKE '!name:김:yungsu#n%'")}
        feats = {int(n): json.loads(f) for n, f in vault.conn.execute("SELECT num, features FROM person_mentions")}
        assert rows == {(f"!name:김:yungsu#{f}", n) for n, feat in feats.items()
                        for f in blocking.namesakes(feat, level)}, size
        assert bool(rows) == (level > 0)
        found = {(c[1], c[2]) for c in cand.scored_pairs(vault.conn, min_score=0.5, links={}, distinct=set())}
        if level >= 1:
            assert (pair[0]["m"], pair[1]["m"]) in found, size


def test_blocks_split_by_the_first_layout_are_re_filed(tmp_path: Path) -> None:
    """A vault whose index was split by birth decade alone (``!KEY#195``) is re-filed by the current rules."""
    crowd = _crowd(blocking.MAX_BLOCK * 2)
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    cand.index_features(vault.conn, crowd)
    with Transaction(vault.conn):
        vault.conn.execute("DELETE FROM person_keys WHERE key LIKE '!name:김:yungsu#%'")
        vault.conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)",
                               [(f"!name:김:yungsu#{f['by'][0] // 10}", i + 1) for i, f in enumerate(crowd)])
    assert cand.refresh_index(vault) == 0
    keys = {str(k) for (k,) in vault.conn.execute("SELECT DISTINCT key FROM person_keys")}
    assert not {k for k in keys if k.startswith("!name:김:yungsu#19")}
    assert "!name:김:yungsu#y1970" in keys and "!name:김:yungsu#pKP.kaesong" in keys
    state = blocking.split_state(vault.conn)
    rows = {(str(k), int(n)) for k, n in vault.conn.execute("SELECT key, num FROM person_keys")}
    assert rows == {(k, i + 1) for i, f in enumerate(crowd) for k in blocking.filed_keys(f, state)}


SB_GIVEN = ("수", "철", "희", "남", "일", "호", "민", "준", "순", "자", "옥", "미", "성", "길")
SB_PLACES = ("KP.kaesong", "KP.ryanggang.hyesan", "KP.north_hamgyong.musan", "KP.south_hamgyong.hamhung",
             "KP.kangwon.wonsan", "KP.north_hwanghae.sariwon", "KP.north_hamgyong.onsong", "KP.ryanggang.samjiyon",
             "KP.north_hamgyong.chongjin", "KP.north_hamgyong.hoeryong")


def _surname_year_crowd() -> list[dict[str, Any]]:
    """14 mentions of 김영X born in 1950 (no two share a name key: they meet only under ``sb:김:1950:yu``), each
    arrested in its own year; the first ten each in their own place, the last four in the first ten's places."""
    out = []
    for i, given in enumerate(SB_GIVEN):
        act = {"type": "arrest", "date": str(1970 + 3 * i), "place_code": SB_PLACES[i % len(SB_PLACES)]}
        out.append(_feat(1000 + i, {"hangul": "김영" + given}, relation=None, birth="1950", acts=[act]))
    return out


def test_a_surname_and_birth_year_block_is_not_split_by_its_own_year(tmp_path: Path) -> None:
    """Issue 30, fifth pass: an ``sb:`` block (surname group, exact birth year, given-key prefix) over MAX_BLOCK is
    split by its members' other facts only. Split by birth year too, its ``y`` sub-block was the whole block again
    (every member has that year): each pair of it was compared, and at 200,000 synthetic mentions those pairs were
    22 % of all pairs scored, growing x3.6 per doubling, for 81 true pairs that met elsewhere too."""
    crowd = _surname_year_crowd()
    assert len(crowd) > blocking.MAX_BLOCK
    shared = set.intersection(*(set(blocking_keys(f)) for f in crowd))
    assert shared == {"sb:김:1950:yu"}, shared
    assert all(not set(a["nk"]) & set(b["nk"]) for a, b in combinations(crowd, 2))
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    cand.index_features(vault.conn, crowd)
    keys = {str(k) for (k,) in vault.conn.execute("SELECT DISTINCT key FROM person_keys WHERE key LIKE '!sb:%'")}
    assert keys and not {k for k in keys if "#y" in k}, keys
    # Only the members arrested in one place meet (their arrest years are 30 years apart: no act-year fact shared).
    same_place = {(i + 1, i + 11) for i in range(len(crowd) - 10)}
    assert set(cand.blocked_pairs(vault.conn)) == same_place


def test_surname_and_birth_year_blocks_split_by_their_year_are_re_filed(tmp_path: Path) -> None:
    """A vault indexed before the fifth pass holds ``!sb:…#y1950`` rows (the whole block again, every pair compared):
    the next refresh re-files the block by the current rules."""
    crowd = _surname_year_crowd()
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    cand.index_features(vault.conn, crowd)
    with Transaction(vault.conn):
        vault.conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)",
                               [("!sb:김:1950:yu#y1950", i + 1) for i in range(len(crowd))])
    assert blocking.has_old_layout(vault.conn)
    assert len(set(cand.blocked_pairs(vault.conn))) == len(crowd) * (len(crowd) - 1) // 2
    assert cand.refresh_index(vault) == 0
    assert not blocking.has_old_layout(vault.conn)
    state = blocking.split_state(vault.conn)
    rows = {(str(k), int(n)) for k, n in vault.conn.execute("SELECT key, num FROM person_keys")}
    assert rows == {(k, i + 1) for i, f in enumerate(crowd) for k in blocking.filed_keys(f, state)}
    assert len(set(cand.blocked_pairs(vault.conn))) == len(crowd) - 10


def test_ng_and_nk_spellings_of_a_given_name_meet(tmp_path: Path) -> None:
    """정은기 reads ``ungi`` and "Jung Ŭn Ki" ``unki`` (a final ㄴ before ㄱ, or a final ㅇ): no name key is shared and
    one birth year is unknown, so before the ``ng:`` keys (issue 30, third pass) such a pair was never compared, though
    the same surname, a close given name and the same arrest place score it over 0.5. Found lost at 400k mentions."""
    act = {"type": "arrest", "date": "1998", "place_code": "KP.ryanggang.hyesan"}
    a = _feat(980, {"hangul": "정은기"}, relation=None, birth="1950", categories=[2], acts=[act])
    b = _feat(981, {"roman": "Jung Ŭn Ki"}, relation=None, categories=[2], acts=[act])
    assert not set(a["nk"]) & set(b["nk"])
    feats = [a, b, *_crowd(5)]
    shares = cand.value_counts(feats)
    assert score_pair(a, b, 1, shares=shares)[0] >= 0.5
    _vault, found, _scored = _run(tmp_path, feats)
    assert (a["m"], b["m"]) in found, "the ng/nk pair was not proposed"
    assert set(blocking_keys(a)) & set(blocking_keys(b)) == {"ng:정:unki"}


def test_a_name_typed_with_a_cyrillic_letter_meets_its_latin_and_hangul_spellings(tmp_path: Path) -> None:
    """"Kim Ryе-sun" typed with a Cyrillic е (U+0435: a Russian keyboard, or a name pasted from a Russian paper) once
    read as ``rysun`` and shared no key with 김례순 or "Kim Rye-sun" (issue 30, fourth pass: 488 of the 1,054 true
    pairs never compared at 400k mentions). The look-alike is read as Latin (consolidation/names.py), so the pair
    shares its name key, scores on it and is proposed."""
    act = {"type": "arrest", "date": "1997", "place_code": "KP.north_hamgyong.chongjin"}
    a = _feat(990, {"roman": "Kim Ryе-sun"}, relation=None, birth="1948", categories=[2], acts=[act])
    b = _feat(991, {"hangul": "김례순"}, relation=None, birth="1948", categories=[2], acts=[act])
    c = _feat(992, {"roman": "Kim Rye-sun"}, relation=None, categories=[2])
    assert a["rd"] == b["rd"] == c["rd"]
    feats = [a, b, c, *_crowd(5)]
    shares = cand.value_counts(feats)
    assert score_pair(a, b, 1, shares=shares)[0] >= 0.8
    _vault, found, _scored = _run(tmp_path, feats)
    assert (a["m"], b["m"]) in found and (a["m"], c["m"]) in found, "the Cyrillic spelling was not proposed"
