"""The testimony editor page: tabs for the interview, consent, narrative, victims and attachments; Save; autosave.

Opening a testimony that has a newer draft (autosaved, never saved as a revision — e.g. after a crash) shows a banner
offering to restore it; nothing is restored silently. A new testimony gets its id at once, so its drafts have a
record to belong to even before the first save.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intake_app.records import interchange
from intake_app.records.ids import new_record_id
from intake_app.records.store import SaveResult
from ui.common.db_worker import DbWorker, JobContext
from ui.common.disposal import discard
from ui.common.refusal_reasons import translate_reason
from ui.field.attachments_panel import AttachmentsPanel
from ui.field.autosave import AUTOSAVE_MS, Autosaver
from ui.field.editor.consent_checklist import ConsentChecklist
from ui.field.editor.date_field import UncertainDateField
from ui.field.editor.form_texts import FormTexts
from ui.field.editor.interview_form import InterviewForm
from ui.field.editor.save_problems import Problem, problems_for
from ui.field.editor.victim_form import VictimForm
from ui.field.recorder_markers import RecordingMarkersView
from ui.i18n import N_, tr
from ui.i18n.retranslating import Retranslating

_TOP_KEYS = ("interview", "interviewee", "narrative", "consent", "victims")


@dataclasses.dataclass
class Opened:
    """What the worker read for the editor: the record (None for a new one), its revision, and a draft if any."""

    content: dict[str, Any] | None
    base_rev: str | None
    draft: dict[str, Any] | None
    draft_saved_at: str | None


@dataclasses.dataclass(frozen=True)
class EditorPlace:
    """Where the user was in the editor when the vault locked: which record, tab, field and cursor position. Held in
    memory only while locked (an id and three numbers, no content); the text itself comes back from the draft."""

    record_id: str
    tab: int
    field: str | None  # a fixed field's name ("narrative", "interview.place"), else "#<index in _fields()>"
    cursor: int
    scroll: int = 0  # the vertical scroll position of the tab's scroll area


class TestimonyEditor(Retranslating, QWidget):
    __test__ = False
    closed = Signal()
    saved = Signal(str)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None,  # noqa: PLR0915 - widget assembly
                 autosave_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(parent)
        self._worker = worker
        self.record_id: str | None = None
        self.base_rev: str | None = None
        self._original: dict[str, Any] = {}
        self._pending_draft: dict[str, Any] | None = None
        self._resume_place: EditorPlace | None = None
        # The editor's own last focused field: a dialog open at lock time holds the application's focus.
        self._last_focus: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
        self._loading = False
        self.texts = FormTexts()
        self.autosave = Autosaver(worker, self.dump, self, autosave_ms)

        self.banner = QFrame()
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.restore_button = QPushButton()
        self.discard_button = QPushButton()
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.restore_button)
        banner_layout.addWidget(self.discard_button)
        self.banner.hide()

        self.interview = InterviewForm()
        self.consent = ConsentChecklist()
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.victims: list[VictimForm] = []
        self.victim_box = QVBoxLayout()
        self.add_victim_button = QPushButton()
        victims_page = QWidget()
        victims_layout = QVBoxLayout(victims_page)
        victims_layout.addLayout(self.victim_box)
        victims_layout.addWidget(self.add_victim_button, 0, Qt.AlignmentFlag.AlignLeft)
        victims_layout.addStretch(1)
        self.victim_scroll = QScrollArea()
        self.victim_scroll.setWidgetResizable(True)
        self.victim_scroll.setWidget(victims_page)
        interview_scroll = QScrollArea()
        interview_scroll.setWidgetResizable(True)
        interview_scroll.setWidget(self.interview)
        consent_scroll = QScrollArea()
        consent_scroll.setWidgetResizable(True)
        consent_scroll.setWidget(self.consent)
        self.attachments = AttachmentsPanel(worker)
        self.recording_markers = RecordingMarkersView(worker)  # issue 18: markers set while recording
        narrative_page = QWidget()
        narrative_layout = QVBoxLayout(narrative_page)
        narrative_layout.setContentsMargins(0, 0, 0, 0)
        narrative_layout.addWidget(self.narrative, 1)
        narrative_layout.addWidget(self.recording_markers)
        self.attachments.recorder_closed.connect(lambda: self.recording_markers.set_record(self.record_id))

        self.tabs = QTabWidget()
        self._tab_names = (N_("&Interview"), N_("&Consent"), N_("&Narrative"), N_("Victi&ms"), N_("Attac&hments"))
        for widget in (interview_scroll, consent_scroll, narrative_page, self.victim_scroll, self.attachments):
            self.tabs.addTab(widget, "")
        # Three separate lines, so no message can overwrite another: what the last save did (status), what is in
        # the way of saving (problems: stays until fixed), and the autosave's own note (autosave_status).
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.problems: list[Problem] = []
        self.problems_box = QFrame()
        self.problems_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.problems_box.setStyleSheet("QFrame { border: 2px solid #b00020; } QLabel { border: none; }")
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        QVBoxLayout(self.problems_box).addWidget(self.problems_label)
        self.problems_box.hide()
        self.autosave_status = QLabel()
        self.autosave_status.setWordWrap(True)
        self.save_button = QPushButton()
        self.close_button = QPushButton()
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problems_box)
        layout.addLayout(bottom)
        layout.addWidget(self.autosave_status)

        self.texts.text(self.restore_button, N_("&Restore draft"))
        self.texts.text(self.discard_button, N_("Discard draft"))
        self.texts.text(self.add_victim_button, N_("A&dd victim"))
        self.texts.text(self.save_button, N_("&Save"))
        self.texts.text(self.close_button, N_("Close"))
        self.texts.name(self.narrative, N_("Narrative"))
        self.texts.name(self.status, N_("Editor status"))
        self.texts.name(self.problems_label, N_("Problems preventing the save"))
        self.texts.name(self.autosave_status, N_("Autosave status"))
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.close_editor)
        self.restore_button.clicked.connect(self.restore_draft)
        self.discard_button.clicked.connect(self.discard_draft)
        self.add_victim_button.clicked.connect(self._add_victim_clicked)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.interview.changed.connect(self._changed)
        self.consent.changed.connect(self._changed)
        self.narrative.textChanged.connect(self._changed)
        self.autosave.saved.connect(self._draft_saved)
        self.autosave.failed.connect(lambda detail: self.autosave_status.setText(
            tr("The draft could not be saved: {detail}", detail=detail)))
        self.retranslate()

    # ---- opening
    def new_testimony(self) -> None:
        """An empty testimony with one victim, ready to type; its id is fixed now so drafts can refer to it."""
        self._open(new_record_id(self._worker.device_key), Opened(None, None, None, None))

    def open_record(self, record_id: str, place: EditorPlace | None = None) -> None:
        """Load ``record_id`` (and any draft of it) on the worker, then show it; with ``place`` (after an unlock),
        take the draft back without asking and return to the same tab, field and cursor."""
        self.status.setText(tr("Opening…"))
        self._resume_place = place

        def job(ctx: JobContext) -> Opened:
            draft = next(((c, at) for rid, _, c, at in ctx.records.drafts() if rid == record_id), None)
            try:
                content: dict[str, Any] | None = ctx.records.show(record_id)
                base: str | None = ctx.records.current_revision(record_id)
            except Exception:
                if draft is None:
                    raise
                content, base = None, None
            return Opened(content, base, draft[0] if draft else None, draft[1] if draft else None)

        self._worker.submit(job, on_done=lambda opened: self._open(record_id, opened), on_error=self._open_failed)

    def _open_failed(self, exc: BaseException) -> None:
        if self._resume_place is not None:  # a new testimony left untouched before the lock: nothing to restore
            self._resume_place = None
            self.new_testimony()
            return
        self.status.setText(tr("This testimony cannot be opened: {detail}", detail=translate_reason(str(exc))))

    def _open(self, record_id: str, opened: object) -> None:
        assert isinstance(opened, Opened)
        self.autosave.stop()
        self.record_id, self.base_rev = record_id, opened.base_rev
        self.load(opened.content or {"interview": {"language": "ko"}, "victims": [{}]})
        self._pending_draft = opened.draft
        if opened.draft is not None:
            self.banner_label.setText(tr(
                "An autosaved draft from {time} has changes that were not saved. Restore it?",
                time=(opened.draft_saved_at or "")[:19].replace("T", " ")))
            self.banner.show()
            self.restore_button.setFocus()
        else:
            self.banner.hide()
            self.interview.date.edit.setFocus()
        self.attachments.set_record(record_id if opened.content is not None else None)
        self.recording_markers.set_record(record_id if opened.content is not None else None)
        self._set_problems([])
        self.autosave_status.clear()
        self.status.setText(tr("New testimony (not saved yet)") if opened.content is None else "")
        self.autosave.start(record_id, opened.base_rev)
        place, self._resume_place = self._resume_place, None
        if opened.draft is not None and (opened.content is None or place is not None):
            # A never-saved testimony: its draft is all there is. After a lock: the draft is what was on screen.
            self.restore_draft()
        if place is not None:
            self._return_to(place)

    # ---- returning after a lock
    def _fields(self) -> list[QWidget]:
        """The editable widgets in creation order: the same list for the same content, so an index finds a field."""
        kinds = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractButton)
        live = set(self.victims)

        def removed(widget: QWidget) -> bool:  # a victim form removed by load() lingers until deleteLater runs
            parent = widget.parentWidget()
            while parent is not None and parent is not self:
                if isinstance(parent, VictimForm) and parent not in live:
                    return True
                parent = parent.parentWidget()
            return False

        return [w for w in self.findChildren(QWidget) if isinstance(w, kinds) and not removed(w)]

    def place(self) -> EditorPlace | None:
        """Where the user is now (None when no testimony is open)."""
        if self.record_id is None:
            return None
        focus = self._last_focus
        fields = self._fields()
        cursor = 0
        if isinstance(focus, QLineEdit):
            cursor = focus.cursorPosition()
        elif isinstance(focus, QPlainTextEdit):
            cursor = focus.textCursor().position()
        key = next((name for name, widget in self._named_fields().items()
                    if focus is not None and (widget is focus or widget.isAncestorOf(focus))), None)
        if key is None and focus in fields:
            key = f"#{fields.index(focus)}"  # inside a victim: the same content gives the same widget order
        scroll_area = self._tab_scroll()
        scroll = scroll_area.verticalScrollBar().value() if scroll_area is not None else 0
        return EditorPlace(self.record_id, self.tabs.currentIndex(), key, cursor, scroll)

    def _tab_scroll(self) -> QScrollArea | None:
        page = self.tabs.currentWidget()
        return page if isinstance(page, QScrollArea) else None

    def _named_fields(self) -> dict[str, QWidget]:
        named: dict[str, QWidget] = {path: entry[1] for path, entry in self.interview.fields.items()}
        named["narrative"] = self.narrative
        return named

    def _focus_moved(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.isAncestorOf(new):
            self._last_focus = new

    def _return_to(self, place: EditorPlace) -> None:
        self.tabs.setCurrentIndex(place.tab)
        # The forms were just rebuilt and are not laid out yet: scrolling and focusing now would be undone by the
        # layout (issue 29: the right tab came back, not the field or the scroll position). Once the event loop has
        # laid them out, the tab scrolls back and the field gets the focus and cursor.
        QTimer.singleShot(0, lambda: self._finish_return(place))

    def _finish_return(self, place: EditorPlace) -> None:
        if self.record_id != place.record_id:
            return  # locked or closed meanwhile
        self.tabs.setCurrentIndex(place.tab)
        for _ in range(3):  # nested layouts: the victims' forms, then the page, then the scroll area's range
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        scroll_area = self._tab_scroll()
        if scroll_area is not None:
            scroll_area.verticalScrollBar().setValue(place.scroll)
        fields = self._fields()
        widget: QWidget | None = self._named_fields().get(place.field or "")
        if widget is None and place.field is not None and place.field.startswith("#"):
            index = int(place.field[1:])
            widget = fields[index] if index < len(fields) else None
        if widget is not None:
            if isinstance(widget, UncertainDateField):
                widget = widget.edit
            if scroll_area is not None and scroll_area.isAncestorOf(widget):
                scroll_area.ensureWidgetVisible(widget)  # no move when the restored view already shows it
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(widget, QLineEdit):
                widget.setCursorPosition(place.cursor)
            elif isinstance(widget, QPlainTextEdit):
                text_cursor = widget.textCursor()
                text_cursor.setPosition(min(place.cursor, len(widget.toPlainText())))
                widget.setTextCursor(text_cursor)
        self.status.setText(tr("Back where you were before the lock; unsaved changes came back from the draft."))

    def restore_draft(self) -> None:
        if self._pending_draft is not None:
            self.load(self._pending_draft)
            self._pending_draft = None
            self.status.setText(tr("Draft restored. Save to keep it as a revision."))
            self.autosave.mark_dirty()
        self.banner.hide()
        self.narrative.setFocus()

    def discard_draft(self) -> None:
        record_id = self.record_id
        self._pending_draft = None
        self.banner.hide()
        if record_id is not None:
            self._worker.submit(lambda ctx: ctx.records.discard_draft(record_id))

    # ---- form state
    def load(self, content: dict[str, Any]) -> None:
        self._loading = True
        try:
            self._original = dict(content)
            self.interview.load(content)
            self.consent.load(content.get("consent") or {})
            self.narrative.setPlainText(str(content.get("narrative") or ""))
            for victim in list(self.victims):
                self._remove_victim(victim)
            for victim_data in content.get("victims") or []:
                self.add_victim(victim_data)
        finally:
            self._loading = False

    def dump(self) -> dict[str, Any]:
        """The editor's state in interchange form (possibly incomplete: drafts keep any state)."""
        out = {k: v for k, v in self._original.items() if k not in _TOP_KEYS}
        interview, interviewee = self.interview.dump()
        out["interview"], out["interviewee"] = interview, interviewee
        if self.narrative.toPlainText().strip():
            out["narrative"] = self.narrative.toPlainText()
        consent = self.consent.dump()
        if consent:
            out["consent"] = consent
        victims = [v for v in (form.dump() for form in self.victims) if v]
        if victims:
            out["victims"] = victims
        if self.record_id is not None:
            out["id"] = self.record_id
        return out

    def add_victim(self, data: dict[str, Any] | None = None) -> VictimForm:
        form = VictimForm()
        form.interview_date_source = self.interview.date.edtf
        form.load(data or {})
        form.changed.connect(self._changed)
        form.remove_requested.connect(self._remove_victim)
        self.victims.append(form)
        self.victim_box.addWidget(form)
        self._number_victims()
        self._changed()
        return form

    def _add_victim_clicked(self) -> None:
        self.add_victim().names[0].edits["hangul"].setFocus()

    def _remove_victim(self, form: object) -> None:
        if isinstance(form, VictimForm) and form in self.victims:
            self.victims.remove(form)
            discard(form)
            self._number_victims()
            self._changed()

    def _number_victims(self) -> None:
        for number, form in enumerate(self.victims, start=1):
            form.set_number(number)

    def _changed(self) -> None:
        if not self._loading:
            self.autosave.mark_dirty()
            if self.problems:  # the list shrinks as fields are fixed, and goes when nothing is left
                self._set_problems(problems_for(self, interchange.validation_problems(self.dump())))

    def _draft_saved(self) -> None:
        self.autosave_status.setText(tr("Draft saved automatically at {time} (not yet a saved revision).",
                                        time=QTime.currentTime().toString("HH:mm:ss")))

    def _set_problems(self, problems: list[Problem]) -> None:
        self.problems = problems
        if problems:
            lines = [tr("Not saved. Fix these fields, then save again:")]
            lines += [f"• {problem.text}" for problem in problems]
            self.problems_label.setText("\n".join(lines))
        else:
            self.problems_label.clear()
        self.problems_box.setVisible(bool(problems))

    def _go_to(self, problem: Problem) -> None:
        self.tabs.setCurrentIndex(problem.tab)
        widget = problem.widget
        if widget is not None:
            if self.victim_scroll.isAncestorOf(widget):
                self.victim_scroll.ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- saving and closing
    def save(self) -> None:
        """Validate and save a revision on the worker; on a problem, say which field."""
        if self.record_id is None:
            return
        content = self.dump()
        # Checked here first, all at once: the user sees every field to fix, and the cursor goes to the first.
        problems = problems_for(self, interchange.validation_problems(content))
        self._set_problems(problems)
        if problems:
            self.autosave.mark_dirty()
            self.status.setText(_not_saved(len(problems)))
            self._go_to(problems[0])
            return
        self.autosave.mark_clean()

        def job(ctx: JobContext) -> SaveResult:
            return ctx.records.save(interchange.validate(content))

        self.status.setText(tr("Saving…"))
        self._worker.submit(job, on_done=self._saved, on_error=self._save_failed)

    def _saved(self, result: object) -> None:
        assert isinstance(result, SaveResult)
        self.base_rev = result.revision
        self.autosave.base_rev = result.revision
        self.attachments.set_record(result.record_id)
        self._set_problems([])
        self.autosave_status.clear()
        self.status.setText(tr("Saved.") if result.changed else tr("No changes to save."))
        self.saved.emit(result.record_id)

    def _save_failed(self, exc: BaseException) -> None:
        self.autosave.mark_dirty()
        if isinstance(exc, interchange.InterchangeError):
            problems = problems_for(self, [exc])
            self._set_problems(problems)
            self.status.setText(_not_saved(1))
            self._go_to(problems[0])
        else:  # the vault refused (disk full, locked): not the user's typing; stays until the next save
            self.status.setText(tr("Not saved: {detail}", detail=translate_reason(str(exc))))

    def close_editor(self) -> None:
        """Leave the editor; unsaved changes stay in the draft (flushed now)."""
        self.autosave.flush()
        self.autosave.stop()
        self.closed.emit()

    def clear_content(self) -> None:
        """On lock: write the last draft, then drop everything shown."""
        self.autosave.flush()
        self.discard_content()

    def discard_content(self) -> None:
        """Drop everything shown without writing a draft (the testimony was purged)."""
        self.autosave.stop()
        self._pending_draft = None
        self.record_id = None
        self.load({})
        self.attachments.clear_content()
        self.recording_markers.set_record(None)
        self.status.clear()
        self._set_problems([])
        self.autosave_status.clear()

    # ---- texts
    def retranslate(self) -> None:
        self.texts.apply()
        for i, msgid in enumerate(self._tab_names):
            self.tabs.setTabText(i, tr(self._tab_names[i]) if msgid else "")
        self.interview.retranslate()
        self.consent.retranslate()
        for form in self.victims:
            form.retranslate()
        self._number_victims()
        if self.problems:
            self._set_problems(problems_for(self, interchange.validation_problems(self.dump())))



def _not_saved(count: int) -> str:
    if count == 1:
        return tr("Not saved: one field needs fixing (listed above).")
    return tr("Not saved: {count} fields need fixing (listed above).", count=count)
