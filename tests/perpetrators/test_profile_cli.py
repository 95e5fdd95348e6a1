"""The must-show profile: three testimonies name "온성군 보위부" and a 상위 with a burn scar.

After the coordinator links the three entries of the 상위, the unit profile shows the acts of all three testimonies,
each with its source and identification confidence, and the person profile shows the claims side by side.
Everything coordinator-facing runs through the real `intake perpetrators` CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.bundles.test_merge_properties import PASSPHRASE, create_vault
from tests.conftest import Runner

PW = {"INTAKE_PASSPHRASE": PASSPHRASE}
ONSONG = "unit:MSS/county/KP.north_hamgyong.onsong"


def make_testimony(n: int, relation: str, consent: str, act: dict[str, Any]) -> dict[str, Any]:
    return {"interview": {"date": "2024-05-0" + str(n), "language": "ko", "interviewer": f"I-0{n}"},
            "interviewee": {"pseudonym": f"W-{n}", "relation": relation},
            "consent": {"perpetrator_profiling": consent},
            "victims": [{"id": f"victim{n}", "names": [{"hangul": ["리영길", "박순희", "최명호"][n - 1]}],
                         "acts": [act]}]}


DOCS = [
    make_testimony(1, "daughter", "granted", {
        "id": "arrest1", "type": "arrest", "date": "2011-23", "source": "first_hand", "place": "온성",
        "perpetrators": [{"id": "p1", "unit": "온성군 보위부", "rank": "상위", "description": "손에 화상 흉터",
                          "identification": "rank+unit"}]}),
    make_testimony(2, "fellow_detainee", "refused", {
        "id": "interrogation2", "type": "interrogation", "date": "2011-10", "source": "hearsay",
        "perpetrators": [{"id": "p2", "organ": "MSS", "unit": "온성 보위부", "rank": "상위", "name": "김",
                          "description": "왼손에 화상 흉터", "identification": "partial_name"}]}),
    make_testimony(3, "neighbour", "granted", {
        "id": "detention3", "type": "detention", "date": "2011", "source": "documentary",
        "perpetrators": [{"id": "p3", "unit": "Onsong county bowibu", "rank": "상위",
                          "description": "burn scar 화상 흉터 on the hand"},
                         {"id": "p4", "unit": "온성군 보위부", "rank": "대위", "description": "키가 큼"}]}),
]


@pytest.fixture
def hq(tmp_path: Path) -> tuple[Path, list[str]]:
    vault = create_vault(tmp_path / "hq", "hq")
    store = RecordStore(vault)
    ids = [store.add_json(json.dumps(d, ensure_ascii=False).encode()).record_id for d in DOCS]
    vault.lock()
    return tmp_path / "hq", ids


def ok(intake: Runner, path: Path, *args: str) -> Any:
    res = intake("--vault", str(path), "--json", "perpetrators", *args, env=PW)
    assert res.returncode == 0, res
    return json.loads(res.stdout)


def test_unit_profile_shows_all_three_testimonies_after_linking(hq: tuple[Path, list[str]], intake: Runner) -> None:
    path, (t1, t2, t3) = hq
    sangwi = [f"{t1}/victim1/arrest1/p1", f"{t2}/victim2/interrogation2/p2", f"{t3}/victim3/detention3/p3"]
    decoy = f"{t3}/victim3/detention3/p4"

    units = ok(intake, path, "list", "--kind", "unit")["perpetrators"]
    assert [u["perpetrator"] for u in units] == [ONSONG]  # three spellings, one unit
    assert units[0]["testimonies"] == 3

    found = ok(intake, path, "candidates", "--min-score", "0")["candidates"]
    pairs = [({c["a"]["entry"], c["b"]["entry"]}, c["score"]) for c in found]
    true_pairs = [s for p, s in pairs if p <= set(sangwi)]
    decoy_pairs = [s for p, s in pairs if decoy in p]
    assert len(true_pairs) == 3 and min(true_pairs) > max(decoy_pairs)
    assert any("burn" in r["en"] or "화상" in r["ko"] for r in found[0]["reasons"])

    person = ok(intake, path, "link", *sangwi, "--reason", "same scar, rank and unit")["perpetrator"]
    assert person.startswith("P-")

    unit = ok(intake, path, "show", ONSONG)
    assert unit["kind"] == "unit" and unit["label"]["en"].startswith("Onsong")
    assert unit["unit"]["level"] == "county" and unit["unit"]["agency"] == "MSS"
    assert [p["unit"] for p in unit["unit"]["parents"]] == ["unit:MSS/province/KP.north_hamgyong", "unit:MSS/central"]
    by_testimony = {a["testimony"]: a for a in unit["acts"]}
    assert set(by_testimony) == {t1, t2, t3}
    assert {(by_testimony[t]["source"], by_testimony[t]["stage"]) for t in (t1, t2, t3)} == {
        ("first_hand", "arrest"), ("hearsay", "interrogation"), ("documentary", "detention")}
    assert by_testimony[t1]["identification"] == "rank+unit"
    assert by_testimony[t2]["identification"] == "partial_name"
    assert by_testimony[t2]["consent"] == "refused" and by_testimony[t1]["consent"] == "granted"
    assert unit["counts"]["testimonies"] == 3 and unit["counts"]["interviewers"] == 3

    profile = ok(intake, path, "show", person)
    assert profile["counts"] == {"acts": 3, "victims": 3, "testimonies": 3, "interviewers": 3, "entries": 3,
                                 "profiling_refused": 1}
    rank = [c for c in profile["claims"] if c["field"] == "rank"]
    assert len(rank) == 1 and sorted(rank[0]["mentions"]) == sorted(sangwi)
    assert rank[0]["sources"] == ["documentary", "first_hand", "hearsay"]
    descriptions = [c["value"] for c in profile["claims"] if c["field"] == "description"]
    assert len(descriptions) == 3  # said three ways: all kept
    unit_claims = [c for c in profile["claims"] if c["field"] == "unit"]
    assert [c["value"] for c in unit_claims] == [ONSONG]
    assert len([c for c in profile["claims"] if c["field"] == "unit_words"]) == 3
    assert profile["postings"][0]["rank"] == "상위" and profile["postings"][0]["start"] == "2011-01-01"
    assert [e["kind"] for e in profile["timeline"]].count("act") == 3
    assert profile["identifiers"][0]["value"] == "김"  # the partial name, from one entry
    # The decoy is still its own person, in the same unit.
    decoy_profile = ok(intake, path, "show", decoy)
    assert decoy_profile["counts"]["acts"] == 1


def test_unlink_distinct_and_the_audit_log(hq: tuple[Path, list[str]], intake: Runner) -> None:
    path, (t1, t2, t3) = hq
    a, b = f"{t1}/victim1/arrest1/p1", f"{t2}/victim2/interrogation2/p2"
    decoy = f"{t3}/victim3/detention3/p4"
    person = ok(intake, path, "link", a, b)["perpetrator"]
    assert ok(intake, path, "unlink", b, "--reason", "different hand")["unlinked_from"] == person
    assert ok(intake, path, "show", person)["counts"]["acts"] == 1
    ok(intake, path, "distinct", a, decoy, "--reason", "different rank")
    pairs = [{c["a"]["entry"], c["b"]["entry"]} for c in ok(intake, path, "candidates", "--min-score", "0")["candidates"]]
    assert {a, decoy} not in pairs
    vault = Vault.open(path, PASSPHRASE)
    actions = [r[0] for r in vault.conn.execute("SELECT action FROM audit_log ORDER BY seq")]
    vault.lock()
    assert actions[-3:] == ["perpetrator_link", "perpetrator_unlink", "perpetrator_distinct"]


@pytest.mark.parametrize(("args", "code"), [
    (["link", "nope/x/y/z"], 2), (["show", "unit:NOPE/county"], 2), (["unlink", "nope"], 2),
    (["distinct", "a", "b"], 2), (["link", "T/V/A/P", "--perpetrator", "unit:XX/y"], 2),
])
def test_bad_input_changes_nothing(hq: tuple[Path, list[str]], intake: Runner, args: list[str], code: int) -> None:
    path, _ = hq
    before = ok(intake, path, "list")
    res = intake("--vault", str(path), "--json", "perpetrators", *args, env=PW)
    assert res.returncode == code, res
    assert "Traceback" not in res.stderr
    assert ok(intake, path, "list") == before


def test_field_vault_refuses(tmp_path: Path, intake: Runner) -> None:
    create_vault(tmp_path / "field").lock()
    res = intake("--vault", str(tmp_path / "field"), "--json", "perpetrators", "list", env=PW)
    assert res.returncode == 1, res
