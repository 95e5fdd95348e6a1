"""HQ: the Statistics page — a bar chart of any dimension, a timeline by year, and the table of counts, shares and
denominators beneath, with filters and the unit switch (victims / persons / testimonies).

Every query runs on the session's DB worker (it may first bring the fact table up to date after an import); the page
only draws. A newer request cancels the one in flight, so a result that arrives after the filters changed is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from intake_app.exports.consent import EXPORT_PURPOSES
from intake_app.persons.links import person_links
from intake_app.records import vocabularies
from intake_app.stats import query
from intake_app.stats.query import StatsResult
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.common.page_heading import heading_label
from ui.common.path_field import choose_save_file
from ui.common.recount_when_shown import RecountWhenShown
from ui.common.refusal_reasons import translate_reason
from ui.hq.stats_chart import bar_chart, timeline_chart
from ui.hq.stats_model import DIM_NAMES, UNIT_NAMES, StatsTableModel
from ui.i18n import N_, current_language, tr
from ui.i18n.retranslating import Retranslating

Filters = list[tuple[str, str]]


def compute(ctx: JobContext, dims: list[str], unit: str, where: Filters) -> tuple[StatsResult, StatsResult]:
    """The chosen dimension(s) (one or two, as ``intake stats --by``) and the year timeline for the same unit and
    filters (runs on the DB worker)."""
    conn = ctx.vault.conn
    persons = person_links(ctx.vault) if unit == "person" else None
    names = query.device_names(conn)
    main = query.run(conn, dims, unit, where, persons, names)
    ctx.check_cancelled()
    years = main if dims == ["year"] else query.run(conn, ["year"], unit, where, persons, names)
    return main, years


class StatsPage(RecountWhenShown, Retranslating, QWidget):
    """The statistics page; ``refreshed`` after each drawn result (tests and the benchmark wait on it)."""

    refreshed = Signal()
    exported = Signal(object)  # after a CSV or chart export for release: its summary (dict), or None if refused

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.job: Job | None = None
        self.result: StatsResult | None = None
        self.years: StatsResult | None = None
        self.filters: Filters = []
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.unit_caption, self.dim_caption, self.filter_caption = QLabel(), QLabel(), QLabel()
        self.unit_combo = QComboBox()
        self.dim_combo = QComboBox()
        # The second dimension the command line takes (--by DIM,DIM2); "" = none.
        self.dim2_caption = QLabel()
        self.dim2_combo = QComboBox()
        self.filter_dim = QComboBox()
        self.filter_value = QLineEdit()
        self.filter_value.setMaxLength(80)
        self.add_filter_button, self.clear_filters_button = QPushButton(), QPushButton()
        self.filters_label = QLabel()
        # Both files leave HQ, so both are exports for a consent purpose (issue 23): the chart file is drawn by the
        # core from the released, suppressed table, never grabbed from the internal chart on screen.
        self.csv_button, self.svg_button = QPushButton(), QPushButton()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.bar_view = QChartView()
        self.timeline_view = QChartView()
        for view in (self.bar_view, self.timeline_view):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(260)
        self.model = StatsTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._layout()
        for combo in (self.unit_combo, self.dim_combo, self.dim2_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.add_filter_button.clicked.connect(self.add_filter_from_inputs)
        self.filter_value.returnPressed.connect(self.add_filter_from_inputs)
        self.clear_filters_button.clicked.connect(self.clear_filters)
        self.csv_button.clicked.connect(self._choose_csv)
        self.svg_button.clicked.connect(self._choose_chart)
        self.retranslate()

    def _layout(self) -> None:
        w: QWidget
        controls = QHBoxLayout()
        choices: tuple[QWidget, ...] = (self.unit_caption, self.unit_combo, self.dim_caption, self.dim_combo,
                                        self.dim2_caption, self.dim2_combo)
        for w in choices:
            controls.addWidget(w)
        controls.addStretch(1)
        for w in (self.csv_button, self.svg_button):
            controls.addWidget(w)
        filters = QHBoxLayout()
        for w in (self.filter_caption, self.filter_dim, self.filter_value, self.add_filter_button,
                  self.clear_filters_button):
            filters.addWidget(w)
        filters.addWidget(self.filters_label, 1)
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.bar_view)
        charts.addWidget(self.timeline_view)
        charts.setSizes([600, 400])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(charts)
        body.addWidget(self.table)
        body.setSizes([330, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(controls)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(body, 1)

    # ---- choices
    def dimension(self) -> str:
        return str(self.dim_combo.currentData() or "category")

    def dimension2(self) -> str:
        """The second dimension, or "" for none."""
        return str(self.dim2_combo.currentData() or "")

    def dimensions(self) -> list[str]:
        second = self.dimension2()
        return [self.dimension()] + ([second] if second and second != self.dimension() else [])

    def unit(self) -> str:
        return str(self.unit_combo.currentData() or "victim")

    def set_choice(self, dim: str | None = None, unit: str | None = None, dim2: str | None = None) -> None:
        """Select a dimension, a second dimension ("" for none) and/or unit (as the user would in the combo boxes)."""
        if unit is not None:
            self.unit_combo.setCurrentIndex(self.unit_combo.findData(unit))
        if dim is not None:
            self.dim_combo.setCurrentIndex(self.dim_combo.findData(dim))
        if dim2 is not None:
            self.dim2_combo.setCurrentIndex(max(0, self.dim2_combo.findData(dim2)))

    def add_filter(self, dim: str, value: str) -> None:
        value = value.strip()
        if dim and value and (dim, value) not in self.filters:
            self.filters.append((dim, value))
            self._show_filters()
            self.refresh()

    def add_filter_from_inputs(self) -> None:
        self.add_filter(str(self.filter_dim.currentData() or ""), self.filter_value.text())
        self.filter_value.clear()

    def clear_filters(self) -> None:
        if self.filters:
            self.filters = []
            self._show_filters()
            self.refresh()

    def _show_filters(self) -> None:
        shown = ", ".join(f"{tr(DIM_NAMES[d])} = {clean_text(v)}" for d, v in self.filters if d in DIM_NAMES)
        self.filters_label.setText(shown or tr("no filters"))

    # ---- loading
    def refresh(self) -> None:
        if self.job is not None:
            self.job.cancel()
        dims, unit, where = self.dimensions(), self.unit(), list(self.filters)
        self.status.setText(tr("Counting…"))
        self.job = self.worker.submit(lambda ctx: compute(ctx, dims, unit, where), self._show, self._show_error)

    def _show(self, results: tuple[StatsResult, StatsResult]) -> None:
        self.job = None
        self.result, self.years = results
        self.model.set_result(self.result)
        self._draw()
        self.refreshed.emit()

    def _title(self) -> str:
        name = " · ".join(tr(DIM_NAMES[d]) if d in DIM_NAMES else d for d in self.dimensions())
        return tr("{units} by {dimension}", units=tr(UNIT_NAMES[self.unit()]), dimension=name)

    def _draw(self) -> None:
        lang = "ko" if current_language() == "ko" else "en"
        unit_name = tr(UNIT_NAMES[self.unit()])
        self.bar_view.setChart(bar_chart(self.result, lang, self._title()))
        self.timeline_view.setChart(timeline_chart(self.years, tr("{units} by year", units=unit_name)))
        r = self.result
        if r is None:
            self.status.clear()
            return
        text = tr("Shares are of {total} {units}; {unknown} without a value ({spans} with dates spanning buckets).",
                  total=r.total, units=unit_name, unknown=r.unknown, spans=r.spans)
        if r.overlapping:
            text += " " + tr("One unit can count in several rows, so the shares add up to more than 100%.")
        self.status.setText(text)

    def _show_error(self, exc: BaseException) -> None:
        self.job = None
        self.status.setText(translate_reason(str(exc)))

    # ---- export
    def export_csv(self, path: Path, purpose: str) -> bool:
        """Write the table shown for release to ``purpose`` (docs/exports.md §8): on the DB worker, through the export
        pipeline (only mentions released for the purpose, small counts suppressed, an audit entry); ``exported``
        follows. False when there is no table yet."""
        return self._export(path, purpose, None)

    def export_chart(self, path: Path, purpose: str) -> bool:
        """The bar chart of the table shown, for release to ``purpose``, as an SVG file: the same export as
        :meth:`export_csv` (released mentions only, small counts suppressed, an audit entry), drawn by the core
        (:mod:`intake_app.exports.stats_chart`). False when there is no table yet."""
        return self._export(path, purpose, "svg")

    def _export(self, path: Path, purpose: str, chart: str | None) -> bool:
        if self.result is None:
            return False
        from intake_app.exports.stats_export import export_table  # noqa: PLC0415 - loaded when first used

        by, unit, where = list(self.result.by), self.result.unit, list(self.result.where)
        lang = "ko" if current_language() == "ko" else "en"
        title = self._title()

        def job(ctx: JobContext) -> dict[str, Any]:
            return export_table(ctx.vault, path, purpose, by=by, unit=unit, where=where, chart=chart, title=title,
                                lang=lang)

        self.worker.submit(job, self._exported, self._export_failed)
        return True

    def _exported(self, summary: dict[str, Any]) -> None:
        self.status.setText(tr("Exported for release ({purpose}): {file}. Counts below {n} were suppressed; the export "
                               "is in the export log.", purpose=summary["purpose"], file=summary["file"],
                               n=summary["min_cell"]))
        self.exported.emit(summary)

    def _export_failed(self, exc: BaseException) -> None:
        self.status.setText(translate_reason(str(exc)))
        self.exported.emit(None)

    def _choose_purpose(self) -> str | None:
        if self.result is None:
            self.status.setText(tr("Nothing to export yet."))
            return None
        purposes = vocabularies.load("consent_purposes")
        codes = [c for c in EXPORT_PURPOSES if c in purposes]
        labels = [purposes.get(c).label("ko" if current_language() == "ko" else "en") for c in codes]
        label, ok = QInputDialog.getItem(self, tr("Export the table for release"),
                                         tr("Consent purpose: only testimonies whose witness agreed to it are counted."),
                                         labels, 0, False)
        return codes[labels.index(label)] if ok else None

    def _choose_csv(self) -> None:
        purpose = self._choose_purpose()
        if purpose is None:
            return
        name = choose_save_file(self, tr("Export the table as CSV"), "statistics.csv", (tr("CSV files (*.csv)"),))
        if name:
            self.export_csv(Path(name), purpose)

    def _choose_chart(self) -> None:
        purpose = self._choose_purpose()
        if purpose is None:
            return
        name = choose_save_file(self, tr("Save the chart"), "chart.svg", (tr("SVG images (*.svg)"),))
        if name:
            self.export_chart(Path(name), purpose)

    # ---- language
    def _fill_combo(self, combo: QComboBox, items: dict[str, str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for code in items:  # noqa: PLC0206 - tr() must see a subscript (the i18n scan checks it)
            combo.addItem(tr(items[code]), code)
        if current is not None:
            combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def retranslate(self) -> None:
        self.heading.setText(tr("Statistics"))
        self.intro.setText(tr("Counts from every current testimony. A person reported by several testimonies counts "
                              "once per bar; dates whose bounds span two bars are counted as unknown, never guessed."))
        self.unit_caption.setText(tr("Co&unt:"))
        self.unit_caption.setBuddy(self.unit_combo)
        self.dim_caption.setText(tr("&by:"))
        self.dim_caption.setBuddy(self.dim_combo)
        self.filter_caption.setText(tr("&Filter:"))
        self.filter_caption.setBuddy(self.filter_dim)
        self.filter_value.setPlaceholderText(tr("code, e.g. MSS or 1998"))
        self.add_filter_button.setText(tr("&Add filter"))
        self.clear_filters_button.setText(tr("C&lear filters"))
        self.csv_button.setText(tr("E&xport CSV…"))
        self.svg_button.setText(tr("Chart for release (&SVG)…"))
        self._fill_combo(self.unit_combo, dict(UNIT_NAMES))
        self._fill_combo(self.dim_combo, dict(DIM_NAMES))
        self._fill_combo(self.dim2_combo, {"": N_("(nothing)"), **DIM_NAMES})
        self.dim2_caption.setText(tr("and &then by:"))
        self.dim2_caption.setBuddy(self.dim2_combo)
        self._fill_combo(self.filter_dim, dict(DIM_NAMES))
        self._show_filters()
        self.model.set_result(self.result)
        if self.result is not None:
            self._draw()

    def state(self) -> dict[str, Any]:
        """What the page shows (for tests): the dimension, unit, filters and the result's JSON."""
        return {"dim": self.dimension(), "dim2": self.dimension2(), "unit": self.unit(), "filters": list(self.filters),
                "result": self.result.to_json() if self.result else None}
