"""The consent decision as a table (issue 23): every row of docs/exports.md §1 and the ordering cases, on in-memory
revision graphs (no vault), so the whole table runs in milliseconds.

A graph is written as ``{rev: (parents, consent)}``; ``consent`` is the ``consent`` object of the interchange format
(``None``: a deletion, ``"?"``: content that cannot be read). The last row of each case names the current revision
and whether HQ sees versions in dispute.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from intake_app.exports.decision import History, Version, verdict
from intake_app.records import interchange

BASE: dict[str, Any] = {"id": "0190f6b8-7a1c-7d2e-9f00-0000000000aa",
                        "interview": {"date": "2024-05-02", "language": "ko", "interviewer": "I-03"},
                        "interviewee": {"pseudonym": "W-1"}, "victims": [{"id": "v1", "names": [{"hangul": "류은별"}]}]}

GRANT = {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}
REGRANT_LATER = {"value": "granted", "anonymity": "initials", "date": "2024-09-01"}
REGRANT_EARLIER_DATE = {"value": "granted", "anonymity": "initials", "date": "2023-01-01"}  # a date before both
WITHDRAW = {"value": "withdrawn", "date": "2024-05-02"}
WITHDRAW_UNDATED = {"value": "withdrawn"}
SAME_DAY_GRANT = {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}
FUTURE_GRANT = {"value": "granted", "anonymity": "full_name", "date": "2099-12-31"}
COND = {"value": "conditional", "anonymity": "initials", "conditions": "call 010-1234-5678 first"}

Graph = dict[str, tuple[tuple[str, ...], Any]]


def history(graph: Graph, current: str, disputed: bool = False) -> History:
    versions = {}
    for rev, (parents, consent) in graph.items():
        if consent == "?":
            versions[rev] = Version(rev, parents, None, unreadable=True)
        elif consent is None:
            versions[rev] = Version(rev, parents, None)
        else:
            versions[rev] = Version.of(rev, parents, interchange.validate({**BASE, "consent": consent}))
    return History(versions, current, disputed)


def line(*consents: Any) -> Graph:
    """A linear history r1 → r2 → …"""
    return {f"r{i}": ((f"r{i - 1}",) if i > 1 else (), c) for i, c in enumerate(consents, start=1)}


# (case, graph, current, disputed, accept_conditions, expected reason)
TABLE: list[tuple[str, Graph, str, bool, bool, str]] = [
    # docs/exports.md §1, row by row
    ("purpose absent", line({}), "r1", False, False, "not_asked"),
    ("not_asked", line({"wgeid": "not_asked"}), "r1", False, False, "not_asked"),
    ("refused", line({"wgeid": "refused"}), "r1", False, False, "refused"),
    ("withdrawn", line({"wgeid": GRANT}, {"wgeid": WITHDRAW}), "r2", False, False, "withdrawn"),
    ("granted", line({"wgeid": GRANT}), "r1", False, False, "granted"),
    ("granted, plain value", line({"wgeid": "granted"}), "r1", False, False, "granted"),
    ("conditional without acknowledgement", line({"wgeid": COND}), "r1", False, False, "conditional"),
    ("conditional acknowledged", line({"wgeid": COND}), "r1", False, True, "conditional_accepted"),
    ("versions in dispute (both grant)", {"r1": ((), {"wgeid": GRANT}), "r2": (("r1",), {"wgeid": GRANT}),
                                          "r3": (("r1",), {"wgeid": GRANT})}, "r2", True, False, "disputed"),
    ("deleted", line({"wgeid": GRANT}, None), "r2", False, False, "deleted"),
    ("current unreadable", line({"wgeid": GRANT}, "?"), "r2", False, False, "unreadable"),
    ("unreadable revision in history counts as a withdrawal", line({"wgeid": GRANT}, "?", {"wgeid": GRANT}),
     "r3", False, False, "withdrawn_earlier"),
    # withdrawal and re-grant: ordered by ancestry, the dates either way
    ("old grant restored after a withdrawal", line({"wgeid": GRANT}, {"wgeid": WITHDRAW}, {"wgeid": GRANT}),
     "r3", False, False, "withdrawn_earlier"),
    ("old grant restored after an undated withdrawal", line({"wgeid": GRANT}, {"wgeid": WITHDRAW_UNDATED},
                                                             {"wgeid": GRANT}), "r3", False, False, "withdrawn_earlier"),
    ("re-grant descending from the withdrawal, dated after it",
     line({"wgeid": GRANT}, {"wgeid": WITHDRAW}, {"wgeid": REGRANT_LATER}), "r3", False, False, "granted"),
    ("re-grant descending from the withdrawal, dated before it",
     line({"wgeid": GRANT}, {"wgeid": WITHDRAW}, {"wgeid": REGRANT_EARLIER_DATE}), "r3", False, False, "granted"),
    ("re-grant descending from an undated withdrawal",
     line({"wgeid": GRANT}, {"wgeid": WITHDRAW_UNDATED}, {"wgeid": REGRANT_EARLIER_DATE}), "r3", False, False,
     "granted"),
    ("grant dated after the withdrawal but not descending from it (merged branch)",
     {"r1": ((), {"wgeid": GRANT}), "r2": (("r1",), {"wgeid": WITHDRAW}), "r3": (("r1",), {"wgeid": REGRANT_LATER}),
      "r4": (("r2", "r3"), {"wgeid": REGRANT_LATER})}, "r4", False, False, "withdrawn_earlier"),
    ("grant dated 2099 on a branch that never saw the withdrawal",
     {"r1": ((), {"wgeid": WITHDRAW_UNDATED}), "r2": ((), {"wgeid": FUTURE_GRANT}),
      "r3": (("r1", "r2"), {"wgeid": FUTURE_GRANT})}, "r3", False, False, "withdrawn_earlier"),
    ("withdrawal of another purpose does not count", line({"wgeid": GRANT, "reports": WITHDRAW}), "r1", False, False,
     "granted"),
    # the extra rows
    ("same-day grant after the withdrawal, merged in", {"r1": ((), {"wgeid": WITHDRAW}),
                                                       "r2": ((), {"wgeid": SAME_DAY_GRANT}),
                                                       "r3": (("r1", "r2"), {"wgeid": SAME_DAY_GRANT})},
     "r3", False, False, "withdrawn_earlier"),
    ("same-day grant re-stated after the withdrawal", line({"wgeid": SAME_DAY_GRANT}, {"wgeid": WITHDRAW},
                                                           {"wgeid": SAME_DAY_GRANT}), "r3", False, False,
     "withdrawn_earlier"),
    ("two concurrent heads, the current grants, the other refuses",
     {"r1": ((), {"wgeid": GRANT}), "r2": (("r1",), {"wgeid": GRANT}), "r3": (("r1",), {"wgeid": "refused"})},
     "r2", True, False, "disputed"),
    ("two concurrent heads, the current refuses, the other grants",
     {"r1": ((), {"wgeid": GRANT}), "r2": (("r1",), {"wgeid": "refused"}), "r3": (("r1",), {"wgeid": GRANT})},
     "r2", True, False, "disputed"),
]


@pytest.mark.parametrize(("case", "graph", "current", "disputed", "accept", "expected"), TABLE,
                         ids=[row[0] for row in TABLE])
def test_decision_table(case: str, graph: Graph, current: str, disputed: bool, accept: bool, expected: str) -> None:
    got = verdict("wgeid", history(graph, current, disputed), accept)
    assert got.reason == expected, case
    assert got.allowed == (expected in ("granted", "conditional_accepted"))
    assert (got.decision is not None) == got.allowed


def test_the_table_runs_in_well_under_a_second() -> None:
    graphs = [(history(g, c, d), a) for _, g, c, d, a, _ in TABLE]
    start = time.perf_counter()
    for h, accept in graphs:
        verdict("wgeid", h, accept)
    assert time.perf_counter() - start < 0.1


def test_a_withdrawal_cannot_be_beaten_by_any_date() -> None:
    """Whatever dates the grant and the withdrawal carry, only ancestry orders them."""
    for grant_date in ("1990-01-01", "2024-05-01", "2024-05-02", "2024-05-03", "2099-12-31", None):
        grant: dict[str, Any] = {"value": "granted", "anonymity": "full_name"}
        if grant_date:
            grant["date"] = grant_date
        for withdrawal in (WITHDRAW, WITHDRAW_UNDATED):
            before = line({"wgeid": grant}, {"wgeid": withdrawal}, {"wgeid": grant})
            assert verdict("wgeid", history(before, "r3")).reason == "withdrawn_earlier", (grant_date, withdrawal)
            concurrent = {"r1": ((), {"wgeid": withdrawal}), "r2": ((), {"wgeid": grant}),
                          "r3": (("r1", "r2"), {"wgeid": grant})}
            assert verdict("wgeid", history(concurrent, "r3")).reason == "withdrawn_earlier"
            after = line({"wgeid": "refused"}, {"wgeid": withdrawal}, {"wgeid": grant})
            assert verdict("wgeid", history(after, "r3")).reason == "granted", (grant_date, withdrawal)
