"""HQ: "Import an archive…" — an Uwazi CSV/ZIP export (FOOTPRINTS, a partner's database) as reference records.

Nothing is written before the coordinator has seen the dry run: the mapping of the file's columns to our fields, the
unmapped columns, how many rows would be created, updated, unchanged or refused, and every refusal with its row
number. Any change to the choices asks for a new check. The import itself is the core's
(``intake_app.archive.importer.run_import``, one transaction); all vault work runs on the session's DB worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake_app.archive.importer import run_import
from intake_app.display import clean_text
from ui.common.db_worker import DbWorker, JobContext
from ui.common.path_field import PathField, file_chooser
from ui.common.refusal_reasons import translate_reason
from ui.i18n import N_, tr

TEMPLATES = (("victims", N_("Victims (one person per row)")), ("cases", N_("Cases (one act per row)")),
             ("perpetrators", N_("Perpetrators and units")))
LANGS = ("ko", "en", "ja")
Args = tuple[str, str, str, str, str, str]


def _job(args: Args, dry_run: bool) -> Callable[[JobContext], dict[str, Any]]:
    path, template, source, map_path, date_format, lang = args

    def job(ctx: JobContext) -> dict[str, Any]:
        return run_import(ctx.vault, Path(path), template=template, source_name=source,
                          map_path=Path(map_path) if map_path else None, date_format=date_format or None, lang=lang,
                          dry_run=dry_run).to_json()
    return job


class ArchiveImportDialog(QDialog):
    imported = Signal(dict)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.checked: Args | None = None  # the choices the shown dry run was made with
        self.file_field = PathField(file_chooser(lambda: tr("Choose a file"), ("CSV / ZIP (*.csv *.zip)",)))
        self.map_field = PathField(file_chooser(lambda: tr("Choose a file"), ("JSON (*.json)",)))
        self.file, self.browse_file = self.file_field.edit, self.file_field.button
        self.map_file, self.browse_map = self.map_field.edit, self.map_field.button
        self.template = QComboBox()
        for code, _ in TEMPLATES:
            self.template.addItem("", code)
        self.source = QLineEdit()
        self.date_format = QLineEdit()
        self.lang = QComboBox()
        for lang in LANGS:
            self.lang.addItem(lang, lang)
        self.check_button, self.import_button, self.close_button = QPushButton(), QPushButton(), QPushButton()
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.mapping = QTableWidget(0, 2)
        self.refusals = QPlainTextEdit()
        self.refusals.setReadOnly(True)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self._labels: list[tuple[QLabel, str]] = []
        form = QFormLayout()
        rows: tuple[tuple[str, QWidget], ...] = (
            (N_("Archive &file (.csv or .zip):"), self.file_field),
            (N_("&Template:"), self.template), (N_("&Source name:"), self.source),
            (N_("&Map file (optional):"), self.map_field),
            (N_("&Date format (optional):"), self.date_format), (N_("&Language of the collection:"), self.lang))
        for msgid, widget in rows:
            label = QLabel()
            self._labels.append((label, msgid))
            label.setBuddy(widget.edit if isinstance(widget, PathField) else widget)
            form.addRow(label, widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.counts)
        layout.addWidget(self.mapping, 1)
        layout.addWidget(self.refusals, 1)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)
        for line in (self.file, self.map_file, self.source, self.date_format):
            line.textChanged.connect(self._invalidate)
        self.template.currentIndexChanged.connect(self._invalidate)
        self.lang.currentIndexChanged.connect(self._invalidate)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.run)
        self.close_button.clicked.connect(self.reject)
        self.import_button.setEnabled(False)
        self.resize(760, 620)
        self.retranslate()

    def args(self) -> Args:
        return (self.file.text().strip(), str(self.template.currentData()), self.source.text().strip(),
                self.map_file.text().strip(), self.date_format.text().strip(), str(self.lang.currentData()))

    def _invalidate(self) -> None:
        # Any change: the coordinator has not seen what this import would do; check again before writing.
        self.checked = None
        self.import_button.setEnabled(False)

    # ---- actions
    def check(self) -> None:
        args = self.args()
        self.outcome.setText("")
        self.worker.submit(_job(args, True), lambda doc: self._show(args, doc), self._failed)

    def _show(self, args: Args, doc: dict[str, Any]) -> None:
        self.counts.setText(tr("{rows} rows: {created} would be created, {updated} updated, {unchanged} unchanged, "
                               "{refused} refused. Unmapped columns: {unmapped}", rows=doc["rows"],
                               created=doc["created"], updated=doc["updated"], unchanged=doc["unchanged"],
                               refused=doc["refused"],
                               unmapped=clean_text(", ".join(doc["unmapped_columns"])) or tr("none")))
        self.mapping.setRowCount(len(doc["mapping"]))
        for row, (header, field) in enumerate(doc["mapping"].items()):
            self.mapping.setItem(row, 0, QTableWidgetItem(clean_text(header)))
            self.mapping.setItem(row, 1, QTableWidgetItem(field))
        lines = [tr("Row {row} refused: {reason}", row=r["row"], reason=clean_text(r["reason"]))
                 for r in doc["refusals"]]
        lines += [tr("Row {row}, {field}: kept as said, not in our vocabularies: {value}", row=u["row"],
                     field=u["field"], value=clean_text(u["value"])) for u in doc["unknown_values"]]
        self.refusals.setPlainText("\n".join(lines))
        if doc.get("dry_run"):
            self.checked = args if args == self.args() else None
            self.import_button.setEnabled(self.checked is not None)
        else:
            self.outcome.setText(tr("Imported as reference records; recorded in the audit log (import {id}).",
                                   id=doc["import_id"]))
            self.imported.emit(doc)

    def run(self) -> None:
        if self.checked is None or self.checked != self.args():
            return
        self.import_button.setEnabled(False)
        args = self.checked
        self.checked = None
        self.worker.submit(_job(args, False), lambda doc: self._show(args, doc), self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.outcome.setText(translate_reason(str(exc)))
        self._invalidate()

    # ---- language
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Import an archive"))
        for i in range(len(TEMPLATES)):
            self.template.setItemText(i, tr(TEMPLATES[i][1]))
        for i in range(len(self._labels)):
            self._labels[i][0].setText(tr(self._labels[i][1]))
        self.browse_file.setText(tr("&Browse…"))
        self.browse_map.setText(tr("B&rowse…"))
        self.source.setPlaceholderText(tr("e.g. FOOTPRINTS"))
        self.date_format.setPlaceholderText(tr("e.g. YYYY-MM-DD, DD/MM/YYYY, LL"))
        self.mapping.setHorizontalHeaderLabels([tr("Column"), tr("Field")])
        self.check_button.setText(tr("&Check (nothing is written)"))
        self.import_button.setText(tr("&Import"))
        self.close_button.setText(tr("Close"))
        self.refusals.setPlaceholderText(tr("Refused rows and values kept as said appear here."))
