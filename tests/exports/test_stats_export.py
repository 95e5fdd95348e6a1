"""Issue 23, finding 7: a statistics CSV is an export (consent for a purpose, small cells suppressed, audit entry)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from intake_app.stats.query import StatsResult, suppressed_cells
from tests.exports.conftest import VICTIM, Hq, make_testimony

GRANT = {"value": "granted", "anonymity": "anonymised"}


def _tid(n: int) -> str:
    return f"0190f6b8-7a1c-7d2e-9f00-{n:012d}"


def _archive(hq: Hq) -> None:
    """Granting publication: category 9 five testimonies, category 6 four, category 8 one; category 7: three
    refusing, one withdrawn, one never asked."""
    plan = [(9, GRANT)] * 5 + [(6, GRANT)] * 4 + [(8, GRANT)] + [(7, "refused")] * 3 + [(7, "withdrawn"), (7, None)]
    for n, (category, decision) in enumerate(plan, start=1):
        victim = {**VICTIM, "categories": [category]}
        hq.add(make_testimony(_tid(n), {"publication": decision} if decision else {}, victim=victim))


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def test_csv_counts_only_released_mentions_suppresses_small_cells_and_is_logged(hq: Hq, tmp_path: Path) -> None:
    _archive(hq)
    out = tmp_path / "category.csv"
    doc = hq.json("stats", "--by", "category", "--csv", str(out), "--purpose", "publication")
    assert doc["internal"] is True and doc["total"] == 15  # on screen: everything, labelled internal
    rows = {r["category"]: r for r in _rows(out)[:-2]}
    assert "7" not in rows  # refused, withdrawn and never-asked mentions are not counted
    assert rows["9"]["count"] == "5" and rows["9"]["denominator"] == "10" and rows["9"]["suppressed"] == ""
    assert rows["8"]["count"] == "" and rows["8"]["suppressed"] == "yes"  # a count of 1
    assert rows["6"]["count"] == "" and rows["6"]["suppressed"] == "yes"  # else 10 - 5 - 4 gives category 8 back
    assert doc["export"]["mentions"] == 10 and doc["export"]["excluded"] == 5
    [entry] = hq.json("export", "log")["exports"]
    assert entry["format"] == "stats" and entry["purpose"] == "publication"
    assert entry["stats"]["min_cell"] == 3 and entry["stats"]["suppressed_cells"] >= 1
    assert entry["files"][0]["name"] == "category.csv" and len(entry["excluded"]) == 5
    # the threshold is settable
    out1 = tmp_path / "all.csv"
    hq.json("stats", "--by", "category", "--csv", str(out1), "--purpose", "publication", "--min-cell", "1")
    assert {r["category"]: r["count"] for r in _rows(out1)[:-2]} == {"6": "4", "8": "1", "9": "5"}


def test_csv_needs_a_purpose_and_bad_values_change_nothing(hq: Hq, tmp_path: Path) -> None:
    _archive(hq)
    out = tmp_path / "t.csv"
    for args in (["--csv", str(out)], ["--csv", str(out), "--purpose", "nonsense"],
                 ["--csv", str(out), "--purpose", "publication", "--min-cell", "0"], ["--purpose", "publication"]):
        result = hq.run("stats", "--by", "category", *args)
        assert result.returncode == 2, (args, str(result))
        assert not out.exists()
    assert hq.json("export", "log")["exports"] == []


def test_suppression_is_complementary() -> None:
    assert suppressed_cells([10, 2, 7, 0], 3) == {1, 2}  # one small cell: the next smallest goes too
    assert suppressed_cells([10, 2, 1, 0], 3) == {1, 2}
    assert suppressed_cells([10, 20, 0], 3) == set()
    table = StatsResult("victim", ("sex",), 12, ({"key": {"sex": "F"}, "label": {"ko": "여", "en": "F"}, "count": 10,
                                                  "share": 0.8},
                                                 {"key": {"sex": "M"}, "label": {"ko": "남", "en": "M"}, "count": 2,
                                                  "share": 0.2}), 0, 0, False)
    rows = list(csv.DictReader(io.StringIO(table.csv_text(min_cell=3))))
    assert [r["count"] for r in rows] == ["", "", "0", "0"] and rows[0]["suppressed"] == "yes"
    assert "=" not in table.csv_text(min_cell=3)
