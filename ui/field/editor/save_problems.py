"""Why a save was refused, in the form's own words: each validation problem names the field by its label and the
widget to fix, so the editor can list them all at once and put the cursor on the first.

The core (:func:`intake_app.records.interchange.validation_problems`) names fields by interchange path
(``victims[0].acts[1].type``) and explains in English; this module turns a path into (where, widget, tab) by walking
the editor's forms, and a problem into a translated sentence. Nothing from the typed text is repeated.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from intake_app.display import clean_text
from intake_app.records.interchange import InterchangeError
from ui.common.revision_diff import plain_label
from ui.i18n import N_, tr

if TYPE_CHECKING:
    from ui.field.editor.editor_page import TestimonyEditor

_STEP = re.compile(r"^(.*?)(?:\[(\d+)\])?$")
TAB_INTERVIEW, TAB_CONSENT, TAB_NARRATIVE, TAB_VICTIMS = 0, 1, 2, 3

# (start of the core's English problem, translated sentence); the first match wins.
_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("required key is missing", N_("Required: fill this in.")),
    ("must not be empty", N_("Required: fill this in.")),
    ("not a valid EDTF date", N_("Not understood as a date; write it as said, e.g. 2011년 가을쯤 or 2011-10.")),
    ("expected an EDTF date", N_("Not understood as a date; write it as said, e.g. 2011년 가을쯤 or 2011-10.")),
    ("longer than", N_("Too long.")),
    ("contains a", N_("Contains an invisible control or direction character; retype it.")),
    ("not a valid language", N_("Not a language code (for example ko, en).")),
    ("unknown code", N_("Not one of the choices in the list.")),
    ("listed twice", N_("Chosen twice.")),
)
_AT_LEAST_ONE = {"name": N_("Write the name in Hangul, Hanja or Latin letters."),
                 "perpetrator": N_("Give at least one detail: a name, organ, unit or rank.")}


@dataclasses.dataclass(frozen=True)
class Problem:
    """One reason the testimony cannot be saved, ready to show: ``text`` is "where: what"."""

    path: str
    where: str
    what: str
    widget: QWidget | None
    tab: int

    @property
    def text(self) -> str:
        return f"{self.where}: {self.what}"  # the same punctuation in both languages


def _label(entry: tuple[str, QWidget]) -> str:
    """The form's label of a (label message id, widget) entry, without mnemonic and colon."""
    return plain_label(tr(entry[0]))


def _sentence(error: InterchangeError, last_key: str) -> str:
    problem = error.problem
    if problem.startswith("needs at least one of"):
        return tr(_AT_LEAST_ONE["name" if last_key == "names" else "perpetrator"])
    for pair in _PROBLEMS:
        if problem.startswith(pair[0]):
            return tr(pair[1])
    # The core's messages never repeat input text; cleaned anyway, as everything shown is.
    return tr("Not accepted ({detail}).", detail=clean_text(problem))


def _steps(path: str) -> list[tuple[str, int | None]]:
    """``victims[0].acts[1].type`` → [("victims", 0), ("acts", 1), ("type", None)]."""
    out: list[tuple[str, int | None]] = []
    for part in path.split(".") if path else []:
        match = _STEP.match(part)
        assert match is not None  # the pattern matches any string
        out.append((match.group(1), int(match.group(2)) if match.group(2) is not None else None))
    return out


def locate(editor: TestimonyEditor, error: InterchangeError) -> Problem:
    """Where in ``editor`` the problem at ``error.path`` is, with the field's label."""
    steps = _steps(error.path)
    parts: list[str] = []
    widget: QWidget | None = None
    tab = TAB_INTERVIEW
    last_key = steps[-1][0] if steps else ""
    head = steps[0][0] if steps else ""
    if head in ("interview", "interviewee") and len(steps) > 1:
        entry = editor.interview.fields.get(f"{head}.{steps[1][0]}")
        if entry is not None:
            parts.append(_label(entry))
            widget = entry[1]
    elif head == "narrative":
        parts.append(tr("Narrative"))
        widget, tab = editor.narrative, TAB_NARRATIVE
    elif head == "consent":
        parts.append(tr("Consent"))
        widget, tab = editor.consent, TAB_CONSENT
    elif head == "victims":
        tab = TAB_VICTIMS
        widget, parts = _in_victims(editor, steps)
    if not parts:
        parts.append(tr("The testimony"))
    return Problem(error.path, " › ".join(parts), _sentence(error, last_key), widget, tab)


def _in_victims(editor: TestimonyEditor, steps: list[tuple[str, int | None]]) -> tuple[QWidget | None, list[str]]:
    parts: list[str] = []
    index = steps[0][1]
    if index is None or not 0 <= index < len(editor.victims):
        return editor.victim_scroll, [tr("Victims")]
    victim = editor.victims[index]
    parts.append(tr("Victim {number}", number=index + 1))
    widget: QWidget = victim
    rest = steps[1:]
    if not rest:
        return widget, parts
    key, sub = rest[0]
    if key == "names" and sub is not None and 0 <= sub < len(victim.names):
        parts.append(tr("Name {number}", number=sub + 1))
        row = victim.names[sub]
        field = rest[1][0] if len(rest) > 1 else "hangul"
        return row.edits.get(field, row.edits["hangul"]), parts
    if key == "acts" and sub is not None and 0 <= sub < len(victim.acts):
        act = victim.acts[sub]
        parts.append(tr("Act {number}", number=sub + 1))
        if len(rest) > 1:
            act_key, perp = rest[1]
            if act_key == "perpetrators" and perp is not None and 0 <= perp < len(act.perpetrators):
                parts.append(tr("Perpetrator {number}", number=perp + 1))
                return act.perpetrators[perp].name, parts
            entry = act.fields.get(act_key)
            if entry is not None:
                parts.append(_label(entry))
                return entry[1], parts
        return act, parts
    entry = victim.fields.get(key)
    if entry is not None:
        parts.append(_label(entry))
        return entry[1], parts
    return widget, parts


def problems_for(editor: TestimonyEditor, errors: list[InterchangeError]) -> list[Problem]:
    return [locate(editor, error) for error in errors]
