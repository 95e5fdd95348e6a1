"""Frequency weights (issue 30): an agreement on a rare place, facility or victim category says more than on a
common one, from counts the vault keeps as mentions enter and leave the index; victim categories that do not overlap
weigh against a pair; the reasons say so truthfully, and the weights follow docs/persons.md's formula exactly."""

from __future__ import annotations

import math
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from bench._persons_synth import generate
from intake_app.persons import candidates as cand
from intake_app.persons import scoring
from intake_app.persons.features import features
from intake_app.persons.scoring import score_pair
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault
from tests.persons.test_blocking import _feat

HYESAN, SAMJIYON = "KP.ryanggang.hyesan", "KP.ryanggang.samjiyon"


def _arrested(n: int, name: str, place: str, *, birth: str | None = None, categories: list[int] | None = None,
              sex: str = "M") -> dict[str, Any]:
    victim: dict[str, Any] = {"acts": [{"type": "arrest", "date": "1998", "place_code": place}], "sex": sex}
    if birth:
        victim["birth"] = birth
    if categories:
        victim["categories"] = categories
    return _feat(n, {"hangul": name}, **victim)


def _archive() -> list[dict[str, Any]]:
    """Two true-looking pairs alike but for where they were arrested: Hyesan, where 40 other mentions were arrested
    too, or Samjiyon, where nobody else was. Plus 40 unrelated mentions (other names) arrested in Hyesan, category 6."""
    out = [_arrested(1, "박영길", HYESAN), _arrested(2, "박영길", HYESAN),
           _arrested(3, "최영길", SAMJIYON), _arrested(4, "최영길", SAMJIYON)]
    out += [_arrested(100 + i, f"{'김이윤장조'[i % 5]}{'철명순광'[i % 4]}{'수호자'[i % 3]}", HYESAN, categories=[6])
            for i in range(40)]
    return out


def _scores(vault: Vault) -> dict[str, tuple[float, list[dict[str, Any]]]]:
    found = cand.generate(vault.conn, min_score=0.0, links={}, distinct=set())
    return {c.a["names"][0]: (c.score, c.reasons) for c in found if c.a["names"][0] == c.b["names"][0]}


def test_a_rare_place_weighs_more_than_a_common_one_and_the_counts_follow_the_index(tmp_path: Path) -> None:
    feats = _archive()
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    cand.index_features(vault.conn, feats)
    counts = dict(vault.conn.execute("SELECT key, n FROM person_counts").fetchall())
    assert counts["*"] == 44 and counts[f"place:{HYESAN}"] == 42 and counts[f"place:{SAMJIYON}"] == 2
    assert counts == dict(cand.value_counts(feats))
    scores = _scores(vault)
    common, common_reasons = scores["박영길"]
    rare, rare_reasons = scores["최영길"]
    assert rare > common, (rare, common)
    # The reasons say why, with the share of mentions the weight was computed from.
    assert any(r["en"] == "both arrest in Hyesan, 1998 (common: 95% of mentions)" for r in common_reasons), common_reasons
    assert any(r["ko"].endswith("(흔함: 언급의 95%)") for r in common_reasons)
    assert any(r["en"] == "both arrest in Samjiyon, 1998 (rare: 4.5% of mentions)" for r in rare_reasons), rare_reasons
    place = next(r for r in common_reasons if r["en"].startswith("both arrest"))
    assert place["weight"] == pytest.approx(scoring.W_PLACE_YEAR * scoring.RARITY_MIN)
    # Incremental: the 40 others leave (a purge), the counts follow at once: each place is now held by half of the
    # four mentions left, so both pairs weigh alike, and Samjiyon's pair lost its rarity.
    with Transaction(vault.conn):
        cand.remove_testimonies(vault.conn, [f["t"] for f in feats[4:]])
    counts = dict(vault.conn.execute("SELECT key, n FROM person_counts").fetchall())
    assert counts == dict(cand.value_counts(feats[:4])) and counts[f"place:{HYESAN}"] == 2
    scores = _scores(vault)
    assert scores["박영길"][0] == scores["최영길"][0] < rare
    vault.lock()


def test_the_weight_is_the_documented_formula() -> None:
    shares = {"*": 1000, "place:KP.north_hamgyong.musan": 50, "place:B": 1, "place:C": 900, "cat:6": 700, "cat:5": 3}
    u_place = scoring.U_PLACE
    assert scoring.rarity(shares, "place:KP.north_hamgyong.musan", u_place) == pytest.approx(
        math.log(1000 / 50) / math.log(1 / u_place))
    assert scoring.rarity(shares, "place:B", u_place) == scoring.RARITY_MAX  # ln(1000)/ln(20) = 2.3, clamped
    assert scoring.rarity(shares, "place:C", u_place) == scoring.RARITY_MIN  # ln(1/0.9)/ln(20) = 0.04, clamped
    assert scoring.rarity(shares, "place:unknown", u_place) == 1.0
    assert scoring.rarity(None, "place:KP.north_hamgyong.musan", u_place) == 1.0
    assert scoring.rarity(shares, "cat:5", scoring.U_CATEGORY) == pytest.approx(
        min(scoring.RARITY_MAX, math.log(1000 / 3) / math.log(5)))
    a = _arrested(1, "박영길", "KP.north_hamgyong.musan", categories=[5])
    b = _arrested(2, "박영길", "KP.north_hamgyong.musan", categories=[5, 6])
    # Every weight reproduces from the table: logit = (BASE + sum) / SCALE, rounded to two decimals.
    _score, reasons = score_pair(a, b, 1, shares=shares)
    total = sum(r["weight"] for r in reasons)
    expected = (scoring.W_NAME_EXACT + scoring.W_SEX_SAME + scoring.W_PLACE_YEAR
                + scoring.W_CATEGORY * min(scoring.RARITY_MAX, math.log(1000 / 3) / math.log(5)))
    assert total == pytest.approx(expected)
    assert _score == round(1 / (1 + math.exp(-(scoring.BASE + expected) / scoring.SCALE)), 2)


def test_categories_that_do_not_overlap_weigh_against_a_pair() -> None:
    shares = {"*": 100, "cat:1": 10, "cat:6": 10, "cat:7": 10}
    pow_ = _arrested(1, "박영길", HYESAN, birth="1950", categories=[1])
    refugee = _arrested(2, "박영길", HYESAN, birth="1950", categories=[6])
    also = _arrested(3, "박영길", HYESAN, birth="1950", categories=[6, 7])
    apart, reasons = score_pair(pow_, refugee, 1, shares=shares)
    together, _ = score_pair(refugee, also, 1, shares=shares)
    unknown, _ = score_pair(pow_, _arrested(4, "박영길", HYESAN, birth="1950"), 1, shares=shares)
    assert apart < unknown < together
    diff = next(r for r in reasons if r["en"].startswith("different victim categories"))
    assert diff["weight"] == scoring.W_CATEGORY_DIFF < 0
    assert "vs" in diff["en"] and "다름" in diff["ko"]


def test_the_score_without_words_is_the_score_with_them() -> None:
    """scored_pairs scores without the words (explain=False, a shorter path through the name reasons): over pairs of
    generated mentions that share names, hanja, Hangul written two ways and nothing at all, both scores are equal."""
    mentions, _truth = generate(160, seed=13)
    feats = [features(m) for m in mentions]
    feats += [_feat(4000, {"hangul": "김영수", "hanja": "金英洙"}), _feat(4001, {"hangul": "김영수", "hanja": "金英秀"}),
              _feat(4002, {"hangul": "이영수"}), _feat(4003, {"hangul": "리영수"})]
    matched = 0
    for a, b in combinations(feats, 2):
        for count in (1, 40):
            assert score_pair(a, b, count, explain=False)[0] == score_pair(a, b, count)[0], (a["m"], b["m"])
        matched += bool(set(a["nk"]) & set(b["nk"]))
    assert matched > 50
