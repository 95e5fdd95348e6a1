"""The recovery key in the first-run wizard: shown once, then asked back.

The key is shown as numbered groups in a large monospace font, in labels that allow no selection, so it never reaches
the clipboard. The check-back page asks for a few randomly chosen groups and compares them in constant time. Once the
check passes, the wizard calls ``clear()`` on both pages: the labels are emptied and the text is dropped.
"""

from __future__ import annotations

import hmac
import secrets

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.common.disposal import discard
from ui.common.fonts import monospace_font
from ui.common.screen_capture import CaptureShield, capture_notice, capture_notice_text
from ui.i18n import tr
from ui.start.passphrase_fields import no_alt_typing
from ui.start.wizard_pages import WizardPage

GROUPS_PER_ROW = 7
CHECKED_GROUPS = 3
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalise_group(text: str) -> str:
    """Upper-case, drop spaces and dashes, and map look-alikes as the recovery-key decoder does."""
    return "".join(ch for ch in text.upper() if ch not in " -\t").translate(_LOOKALIKES)


class ShowRecoveryKeyPage(WizardPage):
    """The recovery key, once, with an "I have written it down" checkbox."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.group_labels: list[QLabel] = []
        self.number_labels: list[QLabel] = []
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.written = QCheckBox()
        self.written.toggled.connect(self.changed)
        self.shield = CaptureShield(self)  # kept out of screenshots where the system allows (ui/common/screen_capture)
        self.capture_notice = capture_notice()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.grid)
        layout.addWidget(self.warning)
        layout.addWidget(self.capture_notice)
        layout.addWidget(self.written)
        layout.addStretch(1)
        self.retranslate()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.submit_on_enter(event):
            super().keyPressEvent(event)

    def show_key(self, recovery_text: str) -> list[str]:
        """Display the key's groups; return them (the check-back page needs them)."""
        self.clear()
        groups = recovery_text.split("-")
        big = monospace_font(20)
        for i, group in enumerate(groups):
            number = QLabel(str(i + 1))
            number.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            label = QLabel(group)
            label.setFont(big)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            label.setAccessibleName(tr("Group {number}", number=i + 1))
            row, col = divmod(i, GROUPS_PER_ROW)
            self.grid.addWidget(number, row * 2, col)
            self.grid.addWidget(label, row * 2 + 1, col)
            self.number_labels.append(number)
            self.group_labels.append(label)
        self.written.setChecked(False)
        return groups

    def clear(self) -> None:
        for label in self.group_labels + self.number_labels:
            label.clear()
            self.grid.removeWidget(label)
            discard(label)
        self.group_labels.clear()
        self.number_labels.clear()
        self.written.setChecked(False)

    def is_complete(self) -> bool:
        return self.written.isChecked()

    def focus_first(self) -> None:
        self.written.setFocus()

    def heading(self) -> str:
        return tr("Write down your recovery key")

    def retranslate(self) -> None:
        self.intro.setText(tr(
            "If you forget the passphrase, this recovery key is the only way into the vault. "
            "Write it on paper now, group by group. It is shown only this once and cannot be copied."
        ))
        self.warning.setText(tr(
            "Anyone holding this key can open the vault. Keep the paper away from the laptop, "
            "somewhere it will not be found with it."
        ))
        self.written.setText(tr("I have &written it down on paper"))
        self.capture_notice.setText(capture_notice_text())
        for i, label in enumerate(self.group_labels):
            label.setAccessibleName(tr("Group {number}", number=i + 1))


class CheckRecoveryKeyPage(WizardPage):
    """Asks back a few randomly chosen groups; ``verify()`` compares them in constant time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shield = CaptureShield(self)  # the groups typed back are part of the key
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.fields: list[QLineEdit] = []
        self.field_labels: list[QLabel] = []
        for _ in range(CHECKED_GROUPS):
            edit = no_alt_typing(QLineEdit())
            edit.setMaxLength(8)
            edit.setFont(monospace_font(14))
            label = QLabel()
            label.setBuddy(edit)
            edit.textChanged.connect(self.changed)
            self.form.addRow(label, edit)
            self.fields.append(edit)
            self.field_labels.append(label)
        for before, after in zip(self.fields, self.fields[1:], strict=False):
            before.returnPressed.connect(after.setFocus)
        self.fields[-1].returnPressed.connect(self.submitted)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self._expected: list[str] = []
        self.indices: list[int] = []
        self.retranslate()

    def ask(self, groups: list[str]) -> None:
        """Choose CHECKED_GROUPS distinct groups at random (in key order) and empty the fields."""
        self._expected = list(groups)
        self.indices = sorted(secrets.SystemRandom().sample(range(len(groups)), CHECKED_GROUPS))
        for edit in self.fields:
            edit.clear()
        self.error_label.clear()
        self.retranslate()

    def verify(self) -> bool:
        """True when every asked group matches. A mismatch names the wrong groups, clears only those fields and puts
        the cursor in the first of them; the groups typed right stay."""
        if not self._expected:
            return False
        wrong: list[int] = []
        for edit, index in zip(self.fields, self.indices, strict=True):
            # Each group compared in constant time; which group is wrong is told on purpose, so the user can fix it.
            if not hmac.compare_digest(normalise_group(edit.text()).encode("utf-8"),
                                       self._expected[index].encode("utf-8")):
                wrong.append(index)
        if not wrong:
            return True
        numbers = ", ".join(str(i + 1) for i in wrong)
        if len(wrong) == 1:
            message = tr("Group {number} does not match the recovery key.", number=numbers)
        else:
            message = tr("Groups {numbers} do not match the recovery key.", numbers=numbers)
        self.error_label.setText(message + " " + tr(
            "Compare your paper with the key (go back to see it again) and type it once more."))
        first = None
        for edit, index in zip(self.fields, self.indices, strict=True):
            if index in wrong:
                edit.clear()
                first = first or edit
        if first is not None:
            first.setFocus()
        return False

    def clear(self) -> None:
        self._expected = []
        self.indices = []
        for edit in self.fields:
            edit.clear()
        self.error_label.clear()

    def is_complete(self) -> bool:
        return all(edit.text().strip() for edit in self.fields)

    def focus_first(self) -> None:
        self.fields[0].setFocus()

    def heading(self) -> str:
        return tr("Check what you wrote down")

    def retranslate(self) -> None:
        self.intro.setText(tr("Type these groups from your paper, to be sure the key was copied correctly."))
        for pos, (label, edit) in enumerate(zip(self.field_labels, self.fields, strict=True)):
            number = self.indices[pos] + 1 if self.indices else pos + 1
            label.setText(tr("Group {number}:", number=number))
            edit.setAccessibleName(tr("Group {number} of the recovery key", number=number))
