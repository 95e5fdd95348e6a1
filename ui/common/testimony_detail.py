"""The detail pane beside the list: the selected testimony, read on the DB worker, shown read-only.

Everything shown is escaped HTML built from cleaned text, so a name or narrative cannot inject markup or reorder text
with bidi controls. ``clear_content`` (lock) empties it.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from intake_app.display import clean_text
from intake_app.records import vocabularies
from intake_app.records.attachments import AttachmentInfo
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.i18n import tr, vocabulary_language
from ui.i18n.retranslating import Retranslating

NARRATIVE_PREVIEW = 3000


def _esc(value: object) -> str:
    return html.escape(clean_text(str(value), keep_newlines=True)).replace("\n", "<br>")


def _label(vocab: str, code: object) -> str:
    try:
        return vocabularies.label(vocab, str(code), vocabulary_language())
    except vocabularies.VocabularyError:
        return str(code)


def render_detail_html(content: dict[str, Any], attachments: list[AttachmentInfo]) -> str:
    """The read-only view of one testimony (interchange dict) as escaped HTML."""
    interview = content.get("interview", {})
    rows = [
        (tr("Interview date"), interview.get("date", "")),
        (tr("Interviewee"), content.get("interviewee", {}).get("pseudonym", "")),
        (tr("Interviewer"), interview.get("interviewer", "")),
        (tr("Place"), interview.get("place", "")),
    ]
    parts = ["<table>"]
    parts += [f"<tr><th align='left'>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows if v]
    parts.append("</table>")
    for victim in content.get("victims", []):
        names = ", ".join(" / ".join(str(n[k]) for k in ("hangul", "hanja", "roman") if n.get(k))
                          for n in victim.get("names", [])) or tr("(unnamed)")
        status = _label("whereabouts_status", victim["status"]) if victim.get("status") else ""
        categories = ", ".join(_label("victim_categories", c) for c in victim.get("categories", []))
        parts.append(f"<h3>{_esc(names)}</h3><p>{_esc(status)}<br>{_esc(categories)}</p>")
        for act in victim.get("acts", []):
            when = act.get("date_text") or act.get("date") or ""
            parts.append(f"<p>• {_esc(_label('act_types', act.get('type', '')))} {_esc(when)} "
                         f"{_esc(act.get('place', ''))}</p>")
    narrative = str(content.get("narrative") or "")
    if narrative:
        shown = narrative[:NARRATIVE_PREVIEW] + ("…" if len(narrative) > NARRATIVE_PREVIEW else "")
        parts.append(f"<h3>{_esc(tr('Narrative'))}</h3><p>{_esc(shown)}</p>")
    if attachments:
        parts.append(f"<h3>{_esc(tr('Attachments'))}</h3><ul>")
        parts += [f"<li>{_esc(a.original_name)} ({_esc(a.media_type)})</li>" for a in attachments]
        parts.append("</ul>")
    return "".join(parts)


class TestimonyDetail(Retranslating, QWidget):
    """Read-only view of one testimony with Edit and History buttons."""

    __test__ = False
    edit_requested = Signal(str)
    history_requested = Signal(str)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._record_id: str | None = None
        self._job: Job | None = None
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.edit_button = QPushButton()
        self.history_button = QPushButton()
        self.edit_button.clicked.connect(lambda: self._emit(self.edit_requested))
        self.history_button.clicked.connect(lambda: self._emit(self.history_requested))
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self._set_enabled(False)
        self.retranslate()

    def record_id(self) -> str | None:
        return self._record_id

    def _emit(self, signal: Any) -> None:
        if self._record_id is not None:
            signal.emit(self._record_id)

    def _set_enabled(self, on: bool) -> None:
        self.edit_button.setEnabled(on)
        self.history_button.setEnabled(on)

    def show_record(self, record_id: str | None) -> None:
        """Load and show ``record_id`` (None empties the pane)."""
        if self._job is not None:
            self._job.cancel()
        self._record_id = record_id
        self.browser.clear()
        self._set_enabled(False)
        if record_id is None:
            return

        def job(ctx: JobContext) -> tuple[dict[str, Any], list[AttachmentInfo]]:
            return ctx.records.show(record_id), ctx.attachments.list_for(record_id)

        self._job = self._worker.submit(job, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, result: object) -> None:
        assert isinstance(result, tuple)
        self.browser.setHtml(render_detail_html(result[0], result[1]))
        self._set_enabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.browser.setPlainText(tr("This testimony cannot be shown: {detail}", detail=str(exc)))

    def clear_content(self) -> None:
        self.show_record(None)

    def retranslate(self) -> None:
        self.edit_button.setText(tr("&Edit"))
        self.history_button.setText(tr("&History…"))
        self.browser.setAccessibleName(tr("Selected testimony"))
