"""HQ's policy on the field laptop: the auto-lock limit it sets and the reminder to export.

``PolicyWatcher.refresh()`` reads the policy and the days since the last export on the DB worker. It emits
``lock_limit_minutes`` (the session locks after at most that many idle minutes, whatever the interviewer chose) and
shows a reminder in the main window's status bar when more days than HQ allows have passed without an export.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from intake_app.updates.field import days_since_export, duress_required_missing, field_policy
from ui.common.db_worker import DbWorker, JobContext
from ui.i18n import tr


def read_policy(ctx: JobContext) -> dict[str, Any]:
    conn = ctx.vault.conn
    return {**field_policy(conn), "days_since_export": days_since_export(conn),
            "duress_required_missing": duress_required_missing(conn)}


class PolicyWatcher(QObject):
    lock_limit_minutes = Signal(int)

    def __init__(self, window: QMainWindow, worker: DbWorker) -> None:
        super().__init__(window)
        self._worker = worker
        self.policy: dict[str, Any] | None = None
        self.reminder = QLabel()
        self.reminder.setStyleSheet("color: #b00020; font-weight: bold;")
        self.reminder.hide()
        window.statusBar().addWidget(self.reminder)

    def refresh(self) -> None:
        self._worker.submit(read_policy, on_done=self._read)

    def _read(self, policy: object) -> None:
        assert isinstance(policy, dict)
        self.policy = policy
        minutes = policy.get("auto_lock_minutes")
        if minutes:
            self.lock_limit_minutes.emit(int(minutes))
        self.retranslate()

    def export_overdue(self) -> bool:
        p = self.policy or {}
        limit = p.get("max_days_between_exports")
        return limit is not None and int(p.get("days_since_export", 0)) > int(limit)

    def retranslate(self) -> None:
        texts = []
        if (self.policy or {}).get("duress_required_missing"):
            texts.append(tr("Headquarters requires a duress passphrase on this laptop: set one in Vault, "
                            "Unlock protection…"))
        if self.export_overdue():
            assert self.policy is not None
            texts.append(tr("No bundle exported for {days} days: headquarters asks for one at least every "
                            "{limit} days.", days=self.policy["days_since_export"],
                            limit=self.policy["max_days_between_exports"]))
        if texts:
            self.reminder.setText("  ".join(texts))
            self.reminder.show()
        else:
            self.reminder.clear()
            self.reminder.hide()
