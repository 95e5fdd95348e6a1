"""Chart axes tick on whole numbers (issue 28, item 15): small counts never read "1, 1, 0, 0"."""

from __future__ import annotations

from PySide6.QtCharts import QValueAxis
from pytestqt.qtbot import QtBot

from intake_app.stats.query import StatsResult
from ui.hq.stats_chart import bar_chart, integer_step, timeline_chart


def _ticks(axis: QValueAxis) -> list[float]:
    assert axis.tickType() == QValueAxis.TickType.TicksDynamic
    out, value = [], axis.tickAnchor()
    while value <= axis.max() + 1e-9:
        out.append(value)
        value += axis.tickInterval()
    return out


def _value_axes(chart: object) -> list[QValueAxis]:
    return [a for a in chart.axes() if isinstance(a, QValueAxis)]  # type: ignore[attr-defined]


def test_small_counts_and_years_tick_on_whole_numbers(qtbot: QtBot) -> None:
    rows = tuple({"key": {"x": k}, "label": {"en": k, "ko": k}, "count": 1} for k in ("a", "b"))
    chart = bar_chart(StatsResult("victims", ("x",), 2, rows, 0, 0, False), "en", "t")
    (axis,) = _value_axes(chart)
    ticks = _ticks(axis)
    assert ticks == [0, 1, 2] and axis.labelFormat() == "%d"
    years = tuple({"key": {"year": str(y)}, "label": {"en": str(y), "ko": str(y)}, "count": c}
                  for y, c in ((1998, 1), (1999, 2)))
    chart = timeline_chart(StatsResult("victims", ("year",), 3, years, 0, 0, False), "t")
    for axis in _value_axes(chart):
        ticks = _ticks(axis)
        assert all(t == int(t) for t in ticks) and len(set(ticks)) == len(ticks) >= 2, ticks
    assert [integer_step(t) for t in (1, 6, 12, 99, 1000)] == [1, 2, 5, 20, 200]
