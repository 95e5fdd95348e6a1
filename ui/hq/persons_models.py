"""Table models of the Persons page: the review queue of candidate pairs, the person list, and the side-by-side rows.

The data come from the DB worker as plain dicts (``load_queue``/``load_persons`` run there); the models only hold
them. Every string from a testimony goes through ``clean_text`` before it is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from intake_app.display import clean_text
from intake_app.persons import candidates as cand
from intake_app.persons import facts
from intake_app.records import vocabularies
from ui.common.db_worker import JobContext
from ui.common.rows_model import Index, RowsTableModel
from ui.i18n import N_, current_language, tr

QUEUE_LIMIT = 500


def load_queue(ctx: JobContext, min_score: float = 0.5) -> list[dict[str, Any]]:
    """Candidates for review, best first, with the features of both sides (worker thread)."""
    out = []
    for c in cand.candidates(ctx.vault, min_score=min_score, limit=QUEUE_LIMIT):
        out.append({"score": c.score, "reasons": c.reasons, "a": c.a, "b": c.b,
                    "person_a": c.person_a, "person_b": c.person_b})
    return out


def load_persons(ctx: JobContext) -> list[dict[str, Any]]:
    return facts.list_persons(ctx.vault)


def _lang() -> str:
    return "ko" if current_language().startswith("ko") else "en"


def _label(vocab: str, code: str | None) -> str:
    if not code:
        return ""
    if code.startswith("~"):
        return code[1:]
    try:
        return vocabularies.label(vocab, code, "ko" if _lang() == "ko" else "en")
    except vocabularies.VocabularyError:
        return code


def _acts(feat: dict[str, Any]) -> str:
    parts = []
    for act_type, place, years, facility in feat["acts"]:
        when = "" if not years else str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"
        bits = [_label("act_types", act_type), _label("places", place), when, _label("facilities", facility)]
        parts.append(" · ".join(b for b in bits if b))
    return "\n".join(parts)


# Rows of the side-by-side view: (message id of the row title, how to show one side's value).
SIDE_ROWS: tuple[tuple[str, Any], ...] = (
    (N_("Names"), lambda f: "\n".join(f["names"])),
    (N_("Born"), lambda f: f["bt"] or ""),
    (N_("Sex"), lambda f: _label("sex", f["sex"])),
    (N_("Home place"), lambda f: _label("places", f["home"])),
    (N_("Acts"), _acts),
    (N_("Categories"), lambda f: ", ".join(str(c) for c in f["cat"])),
    (N_("Reported by"), lambda f: _label("relations", f["rel"])),
    (N_("Mention"), lambda f: f["m"]),
)


def side_by_side(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(row title, value for a, value for b, differs) for the review view; ``differs`` when both sides say something
    and not the same thing (names always differ in spelling, so they are compared by their keys)."""
    rows = []
    for i, (msgid, show) in enumerate(SIDE_ROWS):
        va, vb = clean_text(str(show(a)), keep_newlines=True), clean_text(str(show(b)), keep_newlines=True)
        if msgid == "Names":
            differs = not set(a["nk"]) & set(b["nk"])
        elif msgid in ("Mention", "Reported by"):  # who reported it says nothing against the victim being one
            differs = False
        else:
            differs = bool(va and vb and va != vb)
        rows.append((tr(SIDE_ROWS[i][0]), va, vb, differs))
    return rows


class CandidateQueueModel(RowsTableModel):
    """One row per candidate pair: score, the two names, and what the coordinator decided (if anything yet)."""

    HEADERS = (N_("Score"), N_("Mention A"), N_("Mention B"), N_("Decision"))

    def __init__(self) -> None:
        super().__init__()
        self.decisions: dict[int, str] = {}

    def set_rows(self, rows: list[Any]) -> None:
        self.decisions = {}
        super().set_rows(rows)

    def decide(self, row: int, decision: str) -> None:
        self.decisions[row] = decision
        self.dataChanged.emit(self.index(row, 3), self.index(row, 3))

    def next_open(self, after: int) -> int | None:
        """The first undecided row after ``after`` (then from the top), or None when all are decided."""
        order = list(range(after + 1, len(self.rows))) + list(range(after + 1))
        return next((r for r in order if r not in self.decisions), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0:
            return f"{row['score']:.2f}"
        if column in (1, 2):
            feat = row["a"] if column == 1 else row["b"]
            return clean_text(" / ".join(feat["names"]) or tr("(unnamed)")) + reference_mark(feat.get("src"))
        return tr(self.decisions[index.row()]) if index.row() in self.decisions else ""


class PersonListModel(RowsTableModel):
    """Every person (linked ones first, then mentions never linked): id, names, number of mentions."""

    HEADERS = (N_("Person"), N_("Names"), N_("Mentions"))

    def person(self, row: int) -> str:
        return str(self.rows[row]["person"])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        if index.column() == 0:
            return row["person"] if row["linked"] else tr("(not linked) {mention}", mention=row["person"])
        if index.column() == 1:
            return clean_text(", ".join(row["names"]) or tr("(unnamed)")) + reference_mark(*row.get("reference", []))
        return str(row["mentions"])


def reference_mark(*sources: str | None) -> str:
    """Issue 31: "  [reference: FOOTPRINTS]" after a reference person's names (an outside archive, never a testimony)."""
    shown = [clean_text(s) for s in sources if s]
    return "".join("  " + tr("[reference: {source}]", source=s) for s in shown)
