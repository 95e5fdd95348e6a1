"""Hanja names are read to Hangul with their given names (issue 28, item 8): different given names written in hanja
never count as a name match, a hanja-only name meets its Hangul form, and the birth-year block key keeps the given
name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from intake_app.consolidation.names import given_name_key, hanja_to_hangul, name_keys, name_readings, romanise_hangul
from intake_app.persons import candidates as cand
from intake_app.persons.facts import show_person
from intake_app.persons.features import FEATURES_VERSION, blocking_keys, features
from intake_app.persons.mentions import Mention
from intake_app.persons.scoring import score_pair
from intake_app.records import interchange
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault

TID = "0190f6b8-7a1c-7d2e-9f00-0000000000{:02d}"


def _feat(n: int, name: dict[str, str], **victim: Any) -> dict[str, Any]:
    doc = {"id": TID.format(n), "interview": {"date": "2024", "language": "ko", "interviewer": "면담자"},
           "interviewee": {"pseudonym": f"증언자{n}", "relation": "sister"},
           "victims": [{"id": "v1", "names": [name], "sex": "M", "birth": "1950",
                        "acts": [{"type": "arrest", "date": "1975", "place": "Hyesan"}], **victim}]}
    testimony = interchange.parse_testimony(json.dumps(doc, ensure_ascii=False).encode())
    return features(Mention(f"{TID.format(n)}/v1", TID.format(n), "v1", testimony.victims[0], testimony))


def _name_reasons(reasons: list[Any]) -> list[str]:
    return [r["en"] for r in reasons if r["en"].startswith(("name ", "same name"))]


def test_hanja_is_read_with_its_given_name() -> None:
    assert hanja_to_hangul("李永吉") == "이영길"  # the surname table's group (리/이 are one group)
    assert hanja_to_hangul("金正日") == "김정일"  # the surname table first: 金 is 김 as a surname
    assert hanja_to_hangul("南宮玉") == "남궁옥"
    assert hanja_to_hangul("李") is None  # a surname alone is no reading
    assert hanja_to_hangul("李\U00020000") is None  # a character without a known reading: no partial reading
    assert name_readings("李永吉") == [("이", given_name_key(romanise_hangul("영길")))]
    assert name_readings("李\U00020000") == []
    assert "name:이:" + given_name_key("yeonggil") in name_keys("李 永吉")
    assert name_keys("李永吉") & name_keys("리영길")
    assert not name_keys("李永吉") & name_keys("李永鎭")


def test_different_given_names_in_hanja_are_not_a_name_match() -> None:
    for (a, b), (ha, hb) in ((("李永吉", "李永鎭"), ("이영길", "이영진")), (("朴哲民", "朴永洙"), ("박철민", "박영수"))):
        score, reasons = score_pair(_feat(1, {"hanja": a}), _feat(2, {"hanja": b}))
        assert _name_reasons(reasons) == [], reasons
        # No better than the same two people written in Hangul (the other facts here agree on purpose).
        assert score <= score_pair(_feat(1, {"hangul": ha}), _feat(2, {"hangul": hb}))[0]
        # Born two years apart, arrested elsewhere: the surname alone proposes nothing.
        score, reasons = score_pair(_feat(1, {"hanja": a}), _feat(2, {"hanja": b}, birth="1952",
                                                                   acts=[{"type": "arrest", "place": "Musan"}]))
        assert score < 0.5, (a, b, score, reasons)


def test_a_hanja_only_name_meets_its_hangul_form() -> None:
    score, reasons = score_pair(_feat(1, {"hanja": "李永吉"}), _feat(2, {"hangul": "이영길"}))
    assert score >= 0.5
    assert _name_reasons(reasons) == ["name 李永吉 = 이영길 (hanja read as Hangul)"]
    score, _ = score_pair(_feat(1, {"hanja": "李永吉"}), _feat(2, {"roman": "Ri Yong-gil"}))
    assert score >= 0.5


def test_the_birth_year_block_key_keeps_the_given_name() -> None:
    a = set(_feat(1, {"hanja": "李永吉"})["bk"])
    assert a and not any(k.endswith(":") for k in a)  # the given name's first letters are part of the key
    assert set(_feat(1, {"hanja": "朴哲民"})["bk"]).isdisjoint(_feat(2, {"hanja": "朴永洙"})["bk"])
    assert a & set(_feat(3, {"hangul": "이영길"})["bk"])
    assert set(blocking_keys(_feat(1, {"hanja": "李永吉"}))) & set(blocking_keys(_feat(2, {"hangul": "리영길"})))


def test_features_cached_by_older_rules_are_recomputed(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    doc = {"interview": {"date": "2024", "language": "ko", "interviewer": "면담자"},
           "interviewee": {"pseudonym": "증언자"}, "victims": [{"names": [{"hanja": "李永吉"}]}]}
    RecordStore(vault).add_json(json.dumps(doc, ensure_ascii=False).encode())
    assert cand.refresh_index(vault) == 1
    assert cand.refresh_index(vault) == 0
    # A vault indexed by the release before this one: features without "v", the hanja read as its surname alone.
    vault.conn.execute("UPDATE person_mentions SET features = json_set(json_remove(features, '$.v'), '$.rd',"
                       " json('[[\"이\", \"\"]]'))")
    assert cand.refresh_index(vault) == 1
    (stored,) = [json.loads(r[0]) for r in vault.conn.execute("SELECT features FROM person_mentions")]
    assert stored["v"] == FEATURES_VERSION and stored["rd"][0][1] != ""


def test_persons_show_lists_the_hanja_forms(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    doc = {"interview": {"date": "2024", "language": "ko", "interviewer": "면담자"},
           "interviewee": {"pseudonym": "증언자"},
           "victims": [{"id": "v1", "names": [{"hangul": "리영길", "hanja": "李 永吉", "roman": "Ri Yong-gil"}]}]}
    tid = RecordStore(vault).add_json(json.dumps(doc, ensure_ascii=False).encode()).record_id
    shown = show_person(vault, f"{tid}/v1")
    assert [n["name"] for n in shown["names"]] == ["리영길 (Ri Yong-gil)", "李永吉"]
    assert shown["mentions"][0]["names"] == ["리영길 (Ri Yong-gil)", "李永吉"]
