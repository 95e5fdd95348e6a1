"""A whole coordination through the real `intake` CLI (issue 14, must show): two laptops record one father under
different spellings, export; HQ imports; `persons candidates` lists the true pair first; `link` joins them; `persons
list` shows one person with two mentions; a later bundle's third mention is a candidate for that person; `distinct`
keeps a decoy pair from coming back. Vaults are set up through the Python API (fast); every step under test runs as
`python -m intake_app`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from intake_app.vault.audit import AuditLog
from tests.bundles.test_bundles_cli import cli, cli_ok, export_cli, import_cli, setup, with_vault
from tests.conftest import Runner


def _testimony(pseudonym: str, relation: str, victims: list[dict[str, Any]], place: str) -> dict[str, Any]:
    return {"interview": {"date": "2024-05-02", "language": "ko", "interviewer": "면담자", "place": place},
            "interviewee": {"pseudonym": pseudonym, "relation": relation}, "victims": victims,
            "narrative": "아버지는 1998년 혜산에서 체포되었다."}


FATHER_SEOUL = {"id": "v1", "names": [{"hangul": "리영길"}], "sex": "M", "birth": "1950",
                "origin_place": "KP.ryanggang.hyesan", "categories": [6],
                "acts": [{"id": "a1", "type": "arrest", "date": "1998", "place_code": "KP.ryanggang.hyesan"}]}
FATHER_BUSAN = {"id": "v1", "names": [{"hangul": "이영길", "roman": "Lee Young-gil", "system": "other"}],
                "sex": "M", "birth": "1950~", "categories": [6],
                "acts": [{"id": "a1", "type": "arrest", "date": "1998", "place": "혜산"}]}
FATHER_JAPAN = {"id": "v1", "names": [{"roman": "Ri Yong Gil"}], "sex": "M",
                "acts": [{"id": "a1", "type": "arrest", "date": "1998", "place": "Hyesan"}]}
# Decoys: the same common name, another birth decade, other places.
DECOY_1 = {"id": "v2", "names": [{"hangul": "김철수"}], "sex": "M", "birth": "1962",
           "origin_place": "KP.north_hamgyong.onsong",
           "acts": [{"id": "a2", "type": "arrest", "date": "2005", "place_code": "KP.north_hamgyong.onsong"}]}
DECOY_2 = {"id": "v2", "names": [{"hangul": "김철수"}], "sex": "M", "birth": "1938",
           "origin_place": "KP.north_pyongan.sinuiju",
           "acts": [{"id": "a2", "type": "arrest", "date": "1976", "place_code": "KP.north_hamgyong.musan"}]}


def _add(intake: Runner, vault: Path, tmp: Path, doc: dict[str, Any], name: str) -> str:
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(cli_ok(intake, vault, "testimony", "add", str(path))["id"])


def _pair(c: dict[str, Any]) -> tuple[str, str]:
    return tuple(sorted((c["a"]["mention"], c["b"]["mention"])))  # type: ignore[return-value]


def test_two_laptops_hq_links_one_father_and_keeps_a_decoy_apart(intake: Runner, tmp_path: Path) -> None:
    hq, (seoul, busan), _ = setup(tmp_path, fields=2)
    t1 = _add(intake, seoul, tmp_path, _testimony("딸", "daughter", [FATHER_SEOUL, DECOY_1], "서울"), "t1")
    t2 = _add(intake, busan, tmp_path, _testimony("수감 동료", "fellow_detainee", [FATHER_BUSAN, DECOY_2], "부산"), "t2")
    for laptop, out in ((seoul, "usb-1"), (busan, "usb-2")):
        code, results = import_cli(intake, hq, export_cli(intake, laptop, tmp_path / out))
        assert code == 0 and results[0]["status"] == "imported", results
    father = (f"{t1}/v1", f"{t2}/v1")
    decoy = (f"{t1}/v2", f"{t2}/v2")

    found = cli_ok(intake, hq, "persons", "candidates", "--min-score", "0")["candidates"]
    assert _pair(found[0]) == tuple(sorted(father))
    top = found[0]
    assert top["score"] >= 0.8 and top["a"]["person"] is None and top["b"]["person"] is None
    assert {top["a"]["testimony"], top["b"]["testimony"]} == {t1, t2}
    reasons_en = " | ".join(r["en"] for r in top["reasons"])
    assert "surname 리 = 이 (initial-sound rule)" in reasons_en
    assert "born 1950 vs 1950~" in reasons_en or "born 1950~ vs 1950" in reasons_en
    assert "both arrest in Hyesan, 1998" in reasons_en
    assert all(r["ko"] and r["en"] for r in top["reasons"])
    decoy_pairs = [c for c in found if _pair(c) == tuple(sorted(decoy))]
    assert decoy_pairs and decoy_pairs[0]["score"] < 0.5
    # The default threshold (0.5) hides the decoy; the father is there.
    default = cli_ok(intake, hq, "persons", "candidates")["candidates"]
    assert [_pair(c) for c in default] == [tuple(sorted(father))]

    linked = cli_ok(intake, hq, "persons", "link", *father, "--reason", "같은 아버지: 혜산, 1998")
    pid = linked["person"]
    assert linked["mentions"] == 2
    plain = intake("--vault", str(hq), "persons", "link", *father, env={"INTAKE_PASSPHRASE": "pw 비밀"})
    assert plain.returncode == 1  # already one person: refused on the merits, nothing changed
    persons = cli_ok(intake, hq, "persons", "list")["persons"]
    linked_rows = [p for p in persons if p["person"] == pid]
    assert linked_rows == [{"person": pid, "names": ["리영길", "이영길 (Lee Young-gil)"], "mentions": 2}]
    # Mentions never linked count as persons of one mention each.
    assert sorted(p["person"] for p in persons if p["person"] != pid) == sorted(decoy)
    assert all(p["mentions"] == 1 for p in persons if p["person"] != pid)
    shown = cli_ok(intake, hq, "persons", "show", pid)
    birth = next(f for f in shown["facts"] if f["fact"] == "birth")
    assert birth["disagree"] is True and birth["compatible"] is True
    assert {v["value"]: v["sources"] for v in birth["values"]} == {"1950": [father[0]], "1950~": [father[1]]}
    assert {m["mention"] for m in shown["mentions"]} == set(father)

    # A new bundle from the Seoul laptop: a neighbour interviewed in Japan adds a third mention.
    t3 = _add(intake, seoul, tmp_path, _testimony("이웃", "neighbour", [FATHER_JAPAN], "도쿄"), "t3")
    code, results = import_cli(intake, hq, export_cli(intake, seoul, tmp_path / "usb-3"))
    assert code == 0, results
    again = cli_ok(intake, hq, "persons", "candidates")["candidates"]
    third = [c for c in again if f"{t3}/v1" in _pair(c)]
    assert len(third) == 1  # one candidate per pair of persons, not one per mention of the person
    other = third[0]["a"] if third[0]["b"]["mention"] == f"{t3}/v1" else third[0]["b"]
    assert other["person"] == pid and other["mention"] in father

    # The decoy pair, once declared different people, never comes back.
    assert cli(intake, hq, "persons", "distinct", *decoy).returncode == 2  # --reason is required
    cli_ok(intake, hq, "persons", "distinct", *decoy, "--reason", "생년과 고향이 다름")
    after = cli_ok(intake, hq, "persons", "candidates", "--min-score", "0")["candidates"]
    assert tuple(sorted(decoy)) not in [_pair(c) for c in after]
    assert any(f"{t3}/v1" in _pair(c) for c in after)

    # Every decision is in the audit log, with who, when and why; no testimony was changed by any of them.
    with with_vault(hq) as vault:
        entries = [json.loads(e) for _, e in AuditLog(vault.conn, "").entries()]
        revisions_count = vault.conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
    decisions = [e for e in entries if e["action"].startswith("person_")]
    assert [e["action"] for e in decisions] == ["person_link", "person_distinct"]
    assert decisions[0]["subject"] == pid and decisions[0]["detail"]["reason"] == "같은 아버지: 혜산, 1998"
    assert decisions[1]["detail"] == {"mentions": sorted(decoy), "reason": "생년과 고향이 다름"}
    assert all(e["device"] and e["at"] for e in decisions)
    assert revisions_count == 3


def test_bad_input_is_refused_and_changes_nothing(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), _ = setup(tmp_path)
    t1 = _add(intake, laptop, tmp_path, _testimony("딸", "daughter", [FATHER_SEOUL, DECOY_1], "서울"), "t1")
    import_cli(intake, hq, export_cli(intake, laptop, tmp_path / "usb"))
    with with_vault(hq) as vault:
        before = AuditLog(vault.conn, "").size()
    for args in (("link", f"{t1}/v1"),  # one mention and no --person
                 ("link", f"{t1}/v1", f"{t1}/nobody"),  # unknown victim
                 ("link", f"{t1}/v1", "not-a-mention"),
                 ("link", f"{t1}/v1", f"{t1}/v2", "--person", "0190f6b8-7a1c-7d2e-9f00-3c4b5a6d7e8f"),
                 ("show", "0190f6b8-7a1c-7d2e-9f00-3c4b5a6d7e8f"),
                 ("candidates", "--min-score", "2"), ("candidates", "--limit", "0")):
        assert cli(intake, hq, "persons", *args).returncode == 2, args
    assert cli(intake, hq, "persons", "unlink", f"{t1}/v1").returncode == 1  # not linked
    assert cli(intake, laptop, "persons", "list").returncode == 1  # a field vault keeps no registry
    with with_vault(hq) as vault:
        assert AuditLog(vault.conn, "").size() == before
        assert vault.conn.execute("SELECT count(*) FROM person_links").fetchone()[0] == 0
    # Unlink after link: the mention is a person of one mention again.
    pid = cli_ok(intake, hq, "persons", "link", f"{t1}/v1", f"{t1}/v2")["person"]
    assert cli_ok(intake, hq, "persons", "unlink", f"{t1}/v2", "--reason", "잘못 연결")["left"] == pid
    listed = {p["person"]: p["mentions"] for p in cli_ok(intake, hq, "persons", "list")["persons"]}
    assert listed == {pid: 1, f"{t1}/v2": 1}
