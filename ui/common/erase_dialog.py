"""Emergency crypto-erase, behind a deliberate confirmation: hold a button for three seconds.

Holding was chosen over typing the vault id because an emergency leaves no time to type a 36-character id, while a
three-second hold still cannot happen by a stray click or Enter: Cancel has the focus, a click does nothing, and
releasing early resets the progress. It works with the mouse (press and hold) and the keyboard (Tab to the button,
hold Space).
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ui.i18n import tr
from ui.i18n.retranslating import Retranslating

HOLD_MS = 3000
_TICK_MS = 50


class HoldButton(QPushButton):
    """Emits ``held`` once the button has been kept pressed for ``hold_ms``; ``progress(percent)`` meanwhile."""

    held = Signal()
    progress = Signal(int)

    def __init__(self, hold_ms: int = HOLD_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hold_ms = hold_ms
        self._clock = QElapsedTimer()
        self._ticker = QTimer(self)
        self._ticker.setInterval(_TICK_MS)
        self._ticker.timeout.connect(self._tick)
        self.pressed.connect(self._start)
        self.released.connect(self._stop)
        self.setAutoDefault(False)

    def _start(self) -> None:
        self._clock.start()
        self._ticker.start()

    def _stop(self) -> None:
        self._ticker.stop()
        self.progress.emit(0)

    def _tick(self) -> None:
        elapsed = self._clock.elapsed()
        self.progress.emit(min(100, int(100 * elapsed / self.hold_ms)))
        if elapsed >= self.hold_ms:
            self._ticker.stop()
            self.setDown(False)
            self.held.emit()


class EraseDialog(Retranslating, QDialog):
    """Accepted only when the hold button completes; the caller erases on ``accepted``."""

    def __init__(self, vault_id: str, hold_ms: int = HOLD_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.vault_id = vault_id
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.id_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.hold_button = HoldButton(hold_ms)
        self.cancel_button = QPushButton()
        self.cancel_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.hold_button.progress.connect(self.progress.setValue)
        self.hold_button.held.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hold_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.id_label)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.setTabOrder(self.cancel_button, self.hold_button)
        self.cancel_button.setFocus()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Emergency erase"))
        self.warning.setText(tr(
            "This destroys the vault's keys at once. Every testimony in this vault becomes unreadable for ever, "
            "for you too: neither the passphrase nor the recovery key can bring it back. "
            "Only bundles already delivered to headquarters survive."
        ))
        self.id_label.setText(tr("Vault: {vault_id}", vault_id=self.vault_id))
        seconds = max(1, round(self.hold_button.hold_ms / 1000))
        self.hold_button.setText(tr("Hold to erase ({seconds} s)", seconds=seconds))
        self.hold_button.setAccessibleName(tr("Erase: hold Space or the mouse button for {seconds} seconds",
                                              seconds=seconds))
        self.progress.setAccessibleName(tr("Erase progress"))
        self.cancel_button.setText(tr("Cancel"))
