"""Issue 30: ``parse_unit`` remembers its answers (an archive names the same units again and again), for the places
vocabulary they were read with: when HQ's vocabulary additions change the places, the same words are read again."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest

from intake_app.perpetrators import units
from intake_app.records import vocabularies

NEW_PLACE = {"code": "KP.north_hamgyong.saemaul", "ko": "새마을군", "en": "Saemaul County", "aliases": [],
             "parent": "KP.north_hamgyong"}


@pytest.fixture
def additions() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE vocabulary_additions (vocabulary TEXT, code TEXT, entry TEXT, added_at TEXT)")
    yield conn
    conn.execute("DELETE FROM vocabulary_additions")
    vocabularies.install_from(conn)  # the packaged vocabularies again, for the other tests
    conn.close()


def test_the_same_words_give_the_same_unit_and_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []
    genuine = units._parse_unit

    def counted(text: str | None, organ: str | None) -> units.Unit | None:
        calls.append(text)
        return genuine(text, organ)

    monkeypatch.setattr(units, "_parse_unit", counted)
    units._PARSED.clear()
    first = units.parse_unit("온성군 보위부")
    assert first == units.Unit("MSS", "county", "KP.north_hamgyong.onsong")
    assert units.parse_unit("온성군 보위부") is first
    assert units.parse_unit("온성군 보위부", "MSS_CITY_COUNTY") == genuine("온성군 보위부", "MSS_CITY_COUNTY")
    assert calls == ["온성군 보위부", "온성군 보위부"]  # once per (words, organ)


def test_a_new_place_in_the_vocabulary_is_seen(additions: sqlite3.Connection) -> None:
    before = units.parse_unit("새마을군 보위부")
    assert before is not None and before.place_code is None and before.place_text == "새마을군"
    additions.execute("INSERT INTO vocabulary_additions VALUES ('places', ?, ?, '2026-12-06T00:00:00Z')",
                      (NEW_PLACE["code"], json.dumps(NEW_PLACE, ensure_ascii=False)))
    vocabularies.install_from(additions)
    after = units.parse_unit("새마을군 보위부")
    assert after == units.Unit("MSS", "county", "KP.north_hamgyong.saemaul")
