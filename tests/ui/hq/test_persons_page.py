"""The Persons page (issue 14): a coordinator reviews three candidate pairs with the keyboard alone (S same person,
D different people, N not sure); the decisions reach the registry; the person list and view show the result."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from intake_app.persons import registry
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.hq.persons_models import CandidateQueueModel, PersonListModel, side_by_side
from ui.hq.persons_page import DIFFERENT, NOT_SURE, SAME, PersonsPage, person_html

WAIT_MS = 20_000


def _victim(hangul: str | None, roman: str | None, birth: str, place: str, year: str) -> dict[str, Any]:
    names = {k: v for k, v in (("hangul", hangul), ("roman", roman)) if v}
    return {"id": "v1", "names": [names], "sex": "M", "birth": birth,
            "acts": [{"id": "a1", "type": "arrest", "date": year, "place_code": place}]}


PAIRS = [  # three people, each reported twice with another spelling
    (_victim("리영길", None, "1950", "KP.ryanggang.hyesan", "1998"),
     _victim("이영길", None, "1950~", "KP.ryanggang.hyesan", "1998")),
    (_victim("류은별", None, "1975", "KP.north_hamgyong.onsong", "2011"),
     _victim(None, "Yu Eun-byeol", "1975", "KP.north_hamgyong.onsong", "2011")),
    (_victim("박철민", None, "1962", "KP.north_hamgyong.musan", "2004"),
     _victim(None, "Pak Chol-min", "1962", "KP.north_hamgyong.musan", "2004")),
]


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[tuple[Vault, list[tuple[str, str]]]]:
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    store = RecordStore(vault)
    pairs = []
    for i, (a, b) in enumerate(PAIRS):
        ids = []
        for j, victim in enumerate((a, b)):
            doc = {"interview": {"date": "2024", "language": "ko", "interviewer": "면담자"},
                   "interviewee": {"pseudonym": f"증언자 {i}-{j}"}, "victims": [victim]}
            ids.append(store.add_json(json.dumps(doc, ensure_ascii=False).encode()).record_id + "/v1")
        pairs.append((ids[0], ids[1]))
    yield vault, pairs


def test_models_without_a_view() -> None:
    feat = {"m": "t/v", "names": ["리영길"], "nk": ["name:이:yungkil"], "bt": "1950", "sex": "M",
            "home": None, "acts": [["arrest", "KP.ryanggang.hyesan", [1998, 1998], None]], "cat": [6], "rel": None}
    other = dict(feat, m="u/v", names=["Ri Yong Gil"], bt="1951")
    rows = side_by_side(feat, other)
    assert [r[3] for r in rows if r[1] == "1950"] == [True]  # birth years differ: highlighted
    assert not next(r for r in rows if r[1] == "리영길")[3]  # the names share a key: not highlighted
    model = CandidateQueueModel()
    model.set_rows([{"score": 0.93, "reasons": [], "a": feat, "b": other, "person_a": None, "person_b": None}] * 2)
    assert model.rowCount() == 2 and model.columnCount() == 4
    assert model.data(model.index(0, 0)) == "0.93" and model.data(model.index(0, 2)) == "Ri Yong Gil"
    model.decide(0, SAME)
    assert model.data(model.index(0, 3)) == "Same person" and model.next_open(0) == 1 and model.next_open(1) == 1
    model.decide(1, NOT_SURE)
    assert model.next_open(1) is None
    people = PersonListModel()
    people.set_rows([{"person": "t/v", "names": ["리영길"], "mentions": 1, "linked": False}])
    assert people.data(people.index(0, 0)) == "(not linked) t/v" and people.data(people.index(0, 2)) == "1"


def test_review_three_candidates_with_the_keyboard(qtbot: QtBot, hq: tuple[Vault, list[tuple[str, str]]]) -> None:
    vault, pairs = hq
    worker = DbWorker(vault)
    page = PersonsPage(worker)
    qtbot.addWidget(page)
    page.show()
    try:
        page.refresh()
        review = page.review
        qtbot.waitUntil(lambda: review.model.rowCount() >= 3, timeout=WAIT_MS)
        shown = [tuple(sorted((r["a"]["m"], r["b"]["m"]))) for r in review.model.rows]
        assert set(shown[:3]) == {tuple(sorted(p)) for p in pairs}  # the three true pairs come first
        assert review.current == 0 and review.pair.rowCount() > 0 and review.reasons.count() > 0
        review.queue.setFocus()
        decisions = {}
        for key, decision in ((Qt.Key.Key_S, SAME), (Qt.Key.Key_D, DIFFERENT), (Qt.Key.Key_N, NOT_SURE)):
            row = review.current
            assert row is not None
            decisions[shown[row]] = decision
            QTest.keyClick(review.queue, key)
            assert review.model.decisions[row] == decision
            assert review.current != row  # moved on to the next pair
        total = len(review.model.rows)
        # The status line counts what is left, never the queue as first loaded (issue 28).
        assert review.status.text() == (f"{total - 3} of {total} candidate pairs still to review." if total > 3
                                        else "Every pair in the queue has a decision.")
        qtbot.waitUntil(lambda: worker.pending() == 0, timeout=WAIT_MS)
        links = dict(vault.conn.execute("SELECT mention, person FROM person_links").fetchall())
        distinct = {tuple(r) for r in vault.conn.execute("SELECT a, b FROM person_distinct")}
        same = next(p for p, d in decisions.items() if d == SAME)
        different = next(p for p, d in decisions.items() if d == DIFFERENT)
        unsure = next(p for p, d in decisions.items() if d == NOT_SURE)
        assert links[same[0]] == links[same[1]] and set(links) == set(same)
        assert distinct == {different}
        assert not set(unsure) & set(links)
        # The person list shows the linked person with two mentions; its view links to both testimonies.
        persons = page.persons
        qtbot.waitUntil(lambda: any(r["mentions"] == 2 for r in persons.model.rows), timeout=WAIT_MS)
        row = next(i for i, r in enumerate(persons.model.rows) if r["mentions"] == 2)
        persons.show_person(row)
        qtbot.waitUntil(lambda: persons.shown is not None, timeout=WAIT_MS)
        text = person_html(persons.shown or {}, "en")
        for mention in same:
            assert f"testimony:{mention.split('/')[0]}" in text
        # The coordinator chooses the person's preferred name.
        assert persons.name_save.isEnabled()
        persons.name_hangul.setText("리영길")
        persons.name_roman.setText("Ri Yong-gil")
        persons.shown = None
        QTest.mouseClick(persons.name_save, Qt.MouseButton.LeftButton)
        assert persons.shown is None  # a click without a shown person does nothing
        persons.show_person(row)
        qtbot.waitUntil(lambda: persons.shown is not None, timeout=WAIT_MS)
        persons.name_hangul.setText("리영길")
        persons.name_roman.setText("Ri Yong-gil")
        QTest.mouseClick(persons.name_save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(persons.shown and persons.shown.get("preferred_name")), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: worker.pending() == 0, timeout=WAIT_MS)
        pid = links[same[0]]
        assert registry.preferred_name(vault, pid) == {"hangul": "리영길", "roman": "Ri Yong-gil"}
    finally:
        worker.shutdown()
