"""The statistics charts (QtCharts): a horizontal bar chart of one dimension and a timeline by year, in the
application's font so Hangul labels render (QtCharts does not inherit the application font everywhere).

These charts show the INTERNAL figures (every mention, whatever consent) and are never saved to a file: a chart that
leaves HQ is drawn by the core from the released table (:mod:`intake_app.exports.stats_chart`, docs/exports.md §8)."""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from intake_app.display import clean_text
from intake_app.stats.query import StatsResult

MAX_BARS = 40  # more buckets than this are summed in the table only; the chart would be unreadable


def chart_font(point_size: float | None = None) -> QFont:
    """The application font (with the bundled Korean fallback), optionally resized."""
    font = QFont(QApplication.font())
    if point_size is not None:
        font.setPointSizeF(point_size)
    return font


def _style(chart: QChart, title: str) -> None:
    chart.setTitle(clean_text(title))
    chart.setTitleFont(chart_font(11))
    chart.setFont(chart_font())
    chart.legend().setVisible(False)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)


def integer_step(top: float, ticks: int = 5) -> int:
    """A tick interval of 1, 2 or 5 times a power of ten giving at most about ``ticks`` intervals up to ``top``."""
    step = 1
    while top / step > ticks:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if top / step <= ticks:
                break
    return step


def integer_axis(axis: QValueAxis, low: float, top: float) -> None:
    """Ticks on whole numbers only (counts, years): a dynamic interval of an integer step anchored at a whole number,
    so small counts never read "1, 1, 0, 0"."""
    step = integer_step(max(top - low, 1))
    start = math.floor(low / step) * step
    end = max(math.ceil(top / step) * step, start + step)
    axis.setRange(start, end)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(start)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")


def bar_chart(result: StatsResult | None, lang: str, title: str) -> QChart:
    """Counts per bucket, largest dimension value order as in the table, at most :data:`MAX_BARS` bars."""
    chart = QChart()
    _style(chart, title)
    if result is None or not result.rows:
        return chart
    rows = list(result.rows)[:MAX_BARS]
    bar_set = QBarSet(clean_text(title))
    bar_set.setLabelFont(chart_font(8))
    labels = []
    for row in reversed(rows):  # a horizontal chart draws the first category at the bottom
        bar_set.append(float(row["count"]))
        labels.append(clean_text(row["label"][lang])[:48])
    series = QHorizontalBarSeries()
    series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append(labels)
    axis_y.setLabelsFont(chart_font(9))
    axis_x = QValueAxis()
    integer_axis(axis_x, 0, max(r["count"] for r in rows) * 1.15)
    axis_x.setLabelsFont(chart_font(8))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
    return chart


def timeline_chart(result: StatsResult | None, title: str) -> QChart:
    """Counts by year as a line over every year from the first to the last (years without a count drawn as zero)."""
    chart = QChart()
    _style(chart, title)
    if result is None or not result.rows:
        return chart
    counts = {int(r["key"]["year"]): r["count"] for r in result.rows if str(r["key"]["year"]).isdigit()}
    if not counts:
        return chart
    series = QLineSeries()
    series.setPointsVisible(True)
    for year in range(min(counts), max(counts) + 1):
        series.append(float(year), float(counts.get(year, 0)))
    chart.addSeries(series)
    axis_x = QValueAxis()
    integer_axis(axis_x, min(counts), max(counts))
    axis_x.setLabelsFont(chart_font(8))
    axis_y = QValueAxis()
    integer_axis(axis_y, 0, max(counts.values()) * 1.1)
    axis_y.setLabelsFont(chart_font(8))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    return chart
