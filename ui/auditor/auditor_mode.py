"""Auditor mode, reachable from the start screen with no vault and no secret.

The auditor picks bundle files (or a folder of them) and the trusted device public key files, optionally a state folder
that remembers earlier bundles of each device, and gets a report per bundle: archive and signature, checkpoint, audit
log, sequence. Verification runs on a worker thread; the report can be saved as text (in the current language) or JSON.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crypto.atomic_file import write_atomic
from intake_app.display import clean_text
from ui.auditor.auditor_report import (
    STEP_LABELS,
    STEPS,
    AuditReport,
    KeyFileError,
    report_json,
    report_text,
    result_explanation,
    step_status_text,
    verify_bundles,
)
from ui.common.page_heading import heading_label
from ui.common.path_field import choose_files, choose_folder, choose_save_file
from ui.common.refusal_reasons import translate_reason
from ui.common.tasks import Task, start_task
from ui.i18n import tr, trn
from ui.i18n.retranslating import Retranslating

BUNDLE_SUFFIX = ".bundle.tar"
MIN_WIDTH = 1040
_GOOD = QColor("#1b6e20")
_BAD = QColor("#b00020")


def bundles_in_folder(folder: Path) -> list[Path]:
    """The bundle files directly inside ``folder`` (a USB stick's export folder), sorted by name."""
    try:
        return sorted(p for p in folder.iterdir() if p.name.endswith(BUNDLE_SUFFIX) and p.is_file())
    except OSError:
        return []


def wrap_to_width(text: str, metrics: QFontMetrics, width: int) -> str:
    """Greedy word wrap by pixel width; a word wider than the line (a long path, Hangul without spaces) is cut by
    characters rather than elided."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if metrics.horizontalAdvance(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in word:
                if metrics.horizontalAdvance(line + ch) > width and line:
                    lines.append(line)
                    line = ""
                line += ch
        lines.append(line)
    return "\n".join(lines)


class _ProgressRelay(QObject):
    """Carries progress from the worker thread to the GUI thread (this object lives on the GUI thread)."""

    changed = Signal(int, int)


class AuditorMode(Retranslating, QWidget):
    """``back_requested`` when the auditor leaves; ``report_ready`` after each verification (for tests)."""

    back_requested = Signal()
    report_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bundles: list[Path] = []
        self.keys: list[Path] = []
        self.state_dir: Path | None = None
        self.report: AuditReport | None = None
        self._task: Task | None = None
        self._relay = _ProgressRelay(self)
        self._relay.changed.connect(self._on_progress)
        self._make_widgets()
        self._lay_out()
        self.retranslate()
        self._update_buttons()

    def _make_widgets(self) -> None:
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)

        self.bundles_label = QLabel()
        self.bundle_list = QListWidget()
        self.bundle_list.setMaximumHeight(120)
        self.add_bundles_button = QPushButton()
        self.add_bundles_button.clicked.connect(self._choose_bundles)
        self.add_folder_button = QPushButton()
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.keys_label = QLabel()
        self.key_list = QListWidget()
        self.key_list.setMaximumHeight(120)
        self.add_keys_button = QPushButton()
        self.add_keys_button.clicked.connect(self._choose_keys)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear_inputs)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_button = QPushButton()
        self.state_button.clicked.connect(self._choose_state)
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self.start_verify)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.results = QTreeWidget()
        # Result, file name, details, folder. Nothing is elided: the details are wrapped to the column's width (and
        # re-wrapped when it changes), and every row's tooltip holds the full reason and the full path.
        self.results.setColumnCount(4)
        self.results.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.results.header().setStretchLastSection(False)
        self.results.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.results.setWordWrap(True)
        self.results.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.results.header().sectionResized.connect(self._rewrap)
        # The scroll bar's room is kept from the start: one appearing once the rows outgrow the view would narrow the
        # stretched Details column after its text was wrapped, without a sectionResized to re-wrap it (seen under load).
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.save_text_button = QPushButton()
        self.save_text_button.clicked.connect(lambda: self._choose_save("text"))
        self.save_json_button = QPushButton()
        self.save_json_button.clicked.connect(lambda: self._choose_save("json"))
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back_requested)

    def _lay_out(self) -> None:
        inputs = QGridLayout()
        inputs.addWidget(self.bundles_label, 0, 0)
        inputs.addWidget(self.keys_label, 0, 1)
        inputs.addWidget(self.bundle_list, 1, 0)
        inputs.addWidget(self.key_list, 1, 1)
        bundle_buttons = QHBoxLayout()
        bundle_buttons.addWidget(self.add_bundles_button)
        bundle_buttons.addWidget(self.add_folder_button)
        bundle_buttons.addStretch(1)
        key_buttons = QHBoxLayout()
        key_buttons.addWidget(self.add_keys_button)
        key_buttons.addStretch(1)
        inputs.addLayout(bundle_buttons, 2, 0)
        inputs.addLayout(key_buttons, 2, 1)
        state_row = QHBoxLayout()
        state_row.addWidget(self.state_label, 1)
        state_row.addWidget(self.state_button)
        run_row = QHBoxLayout()
        run_row.addWidget(self.clear_button)
        run_row.addStretch(1)
        run_row.addWidget(self.progress)
        run_row.addWidget(self.verify_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back_button)
        bottom.addStretch(1)
        bottom.addWidget(self.save_text_button)
        bottom.addWidget(self.save_json_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(inputs)
        layout.addLayout(state_row)
        layout.addLayout(run_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        layout.addLayout(bottom)

    # ---- inputs (the file dialogs call these; tests call them directly)
    def add_bundles(self, paths: list[Path]) -> None:
        for path in paths:
            if path not in self.bundles:
                self.bundles.append(path)
                self.bundle_list.addItem(tr("{name}  (in {folder})", name=clean_text(path.name),
                                            folder=clean_text(str(path.parent))))
                self.bundle_list.item(self.bundle_list.count() - 1).setToolTip(clean_text(str(path)))
        self._inputs_changed()

    def add_keys(self, paths: list[Path]) -> None:
        for path in paths:
            if path not in self.keys:
                self.keys.append(path)
                self.key_list.addItem(tr("{name}  (in {folder})", name=clean_text(path.name),
                                         folder=clean_text(str(path.parent))))
                self.key_list.item(self.key_list.count() - 1).setToolTip(clean_text(str(path)))
        self._inputs_changed()

    def set_state_folder(self, folder: Path | None) -> None:
        self.state_dir = folder
        self._inputs_changed()
        self.retranslate()

    def clear_inputs(self) -> None:
        self.bundles.clear()
        self.keys.clear()
        self.bundle_list.clear()
        self.key_list.clear()
        self.state_dir = None
        self._inputs_changed()
        self.retranslate()

    def _inputs_changed(self) -> None:
        # A report describes the inputs it was made from; new inputs make it stale.
        self.report = None
        self.results.clear()
        self.summary.clear()
        self._update_buttons()

    def _choose_bundles(self) -> None:
        files = choose_files(self, tr("Choose bundle files"), (tr("Bundles (*.bundle.tar);;All files (*)"),))
        self.add_bundles([Path(f) for f in files])

    def _choose_folder(self) -> None:
        folder = choose_folder(self, tr("Choose a folder of bundles"))
        if folder:
            self.add_bundles(bundles_in_folder(Path(folder)))

    def _choose_keys(self) -> None:
        files = choose_files(self, tr("Choose trusted device key files"),
                             (tr("Public key files (*.pub);;All files (*)"),))
        self.add_keys([Path(f) for f in files])

    def _choose_state(self) -> None:
        folder = choose_folder(self, tr("Choose the auditor's state folder"))
        self.set_state_folder(Path(folder) if folder else None)

    # ---- verification
    def is_busy(self) -> bool:
        return self._task is not None

    def start_verify(self) -> None:
        if self.is_busy() or not self.bundles or not self.keys:
            return
        bundles, keys, state = list(self.bundles), list(self.keys), self.state_dir
        relay = self._relay
        self.progress.setRange(0, len(bundles))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.summary.setText(tr("Verifying…"))
        self._task = start_task(lambda: verify_bundles(bundles, keys, state, relay.changed.emit),
                                self._on_verified, self._on_failed, self)
        self._update_buttons()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finish_task(self) -> None:
        if self._task is not None:
            self._task.wait()
            self._task.deleteLater()
        self._task = None
        self.progress.setVisible(False)
        self._update_buttons()

    def _on_verified(self, report: object) -> None:
        self._finish_task()
        assert isinstance(report, AuditReport)
        self.report = report
        self._show_report()
        self._update_buttons()
        self.report_ready.emit()

    def _on_failed(self, exc: object) -> None:
        self._finish_task()
        if isinstance(exc, KeyFileError):
            message = tr("The key file {file} is not a device public key file.", file=exc.file)
        else:
            message = translate_reason(str(exc))
        self.summary.setText(message)
        QMessageBox.warning(self, tr("Auditor mode"), message)
        self.report_ready.emit()

    def _show_report(self) -> None:
        self.results.clear()
        report = self.report
        if report is None:
            return
        valid = sum(r.valid for r in report.results)
        self.summary.setText(trn("{valid} of {total} bundle valid", "{valid} of {total} bundles valid", len(report.results),
                valid=valid, total=len(report.results)))
        for result in report.results:
            # Device names, times and messages come from the bundle (a hostile device signs what it likes): cleaned.
            explanation = clean_text(result_explanation(result))
            item = QTreeWidgetItem([tr("VALID") if result.valid else tr("INVALID"), clean_text(result.file),
                                    explanation, result.folder])
            item.setData(2, Qt.ItemDataRole.UserRole, explanation)
            item.setData(3, Qt.ItemDataRole.UserRole, result.folder)
            item.setForeground(0, QBrush(_GOOD if result.valid else _BAD))
            tip = tr("{file} in {folder}", file=clean_text(result.file), folder=result.folder) + "\n\n" + explanation
            for column in range(4):
                item.setToolTip(column, tip)
            bold = QFont(item.font(0))
            bold.setBold(True)
            item.setFont(0, bold)
            if result.device is not None:
                QTreeWidgetItem(item, [tr("Device"), clean_text(result.device),
                                       tr("bundle {seq}, made {when}", seq=result.seq,
                                          when=clean_text(result.created_at or ""))])
            for step in STEPS:
                status = result.steps.get(step, "")
                child = QTreeWidgetItem(item, [tr(STEP_LABELS[step]), step_status_text(status), ""])
                if status == "failed":
                    child.setForeground(1, QBrush(_BAD))
            self.results.addTopLevelItem(item)
            item.setExpanded(not result.valid)
        self.results.resizeColumnToContents(0)
        self.results.resizeColumnToContents(1)
        # A fifth of the width for the folder (wrapped, like the details, rather than elided).
        self.results.setColumnWidth(3, max(140, self.results.viewport().width() // 5))
        self._rewrap()

    def _rewrap(self, *_: object) -> None:
        """Break each row's details into lines that fit the Details column, so nothing ends in "…"."""
        metrics = QFontMetrics(self.results.font())
        for column in (2, 3):
            width = max(60, self.results.columnWidth(column) - 12)
            for i in range(self.results.topLevelItemCount()):
                item = self.results.topLevelItem(i)
                if item is None:
                    continue
                full = item.data(column, Qt.ItemDataRole.UserRole)
                if isinstance(full, str):
                    wrapped = wrap_to_width(full, metrics, width)
                    if item.text(column) != wrapped:
                        item.setText(column, wrapped)

    def showEvent(self, event: QShowEvent) -> None:
        # The report needs room for file names, folders and reasons side by side: the start window (720 wide) grows
        # to MIN_WIDTH while auditing, so nothing has to be cut off at its default size.
        window = self.window()
        if window is not self and window.width() < MIN_WIDTH:
            window.resize(MIN_WIDTH, window.height())
        super().showEvent(event)

    # ---- saving
    def save_report(self, path: Path, kind: str) -> None:
        """Write the current report to ``path`` as ``"text"`` or ``"json"`` (atomically, private file mode)."""
        if self.report is None:
            raise ValueError("no report to save")
        text = report_json(self.report) if kind == "json" else report_text(self.report)
        write_atomic(path, text.encode("utf-8"))

    def _choose_save(self, kind: str) -> None:
        if self.report is None:
            return
        pattern = tr("JSON files (*.json)") if kind == "json" else tr("Text files (*.txt)")
        name = choose_save_file(self, tr("Save the report"), "", (pattern,))
        if not name:
            return
        try:
            self.save_report(Path(name), kind)
        except OSError as exc:
            QMessageBox.warning(self, tr("Auditor mode"),
                                tr("The report could not be saved: {error}", error=exc.strerror or ""))

    # ---- look
    def _update_buttons(self) -> None:
        busy = self.is_busy()
        self.verify_button.setEnabled(not busy and bool(self.bundles) and bool(self.keys))
        for button in (self.add_bundles_button, self.add_folder_button, self.add_keys_button, self.clear_button,
                       self.state_button, self.back_button):
            button.setEnabled(not busy)
        self.save_text_button.setEnabled(self.report is not None and not busy)
        self.save_json_button.setEnabled(self.report is not None and not busy)

    def retranslate(self) -> None:
        self.heading.setText(tr("Auditor mode"))
        self.intro.setText(tr(
            "Check that bundles are authentic, complete and untampered, without any vault or secret. Choose the "
            "bundles and the public key files of the devices you trust. Nothing is decrypted."))
        self.bundles_label.setText(tr("Bundles:"))
        self.keys_label.setText(tr("Trusted device keys:"))
        self.add_bundles_button.setText(tr("Add b&undles…"))
        self.add_folder_button.setText(tr("Add a &folder…"))
        self.add_keys_button.setText(tr("Add &key files…"))
        self.clear_button.setText(tr("Cl&ear"))
        if self.state_dir is None:
            self.state_label.setText(tr("State folder: none (bundles are checked against each other only)."))
        else:
            self.state_label.setText(tr("State folder: {folder}", folder=clean_text(str(self.state_dir))))
        self.state_button.setText(tr("&State folder…"))
        self.verify_button.setText(tr("&Verify"))
        self.results.setHeaderLabels([tr("Result"), tr("File"), tr("Details"), tr("Folder")])
        self.save_text_button.setText(tr("Save as &text…"))
        self.save_json_button.setText(tr("Save as &JSON…"))
        self.back_button.setText(tr("< &Back"))
        self._show_report()
