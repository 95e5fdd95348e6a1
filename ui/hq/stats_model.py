"""The statistics table beneath the chart: one row per bucket, then the unknown and spanning units, each with its
count, share and denominator (shares always say what they are shares of)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from intake_app.display import clean_text
from intake_app.stats.query import StatsResult
from ui.common.rows_model import Index, RowsTableModel
from ui.i18n import N_, current_language, tr

HEADERS = (N_("Value"), N_("Count"), N_("Share"), N_("Of (denominator)"))

# Dimension code → name shown in the combo boxes.
DIM_NAMES: dict[str, str] = {
    "category": N_("Victim category"), "act_type": N_("Act type"), "organ": N_("Organ (any stage)"),
    "organ@arrest": N_("Organ at arrest"), "organ@detention": N_("Organ at detention"),
    "organ@interrogation": N_("Organ at interrogation"), "organ@forced_repatriation": N_("Organ at repatriation"),
    "facility_type": N_("Facility type"), "reason": N_("Reason"), "year": N_("Year"), "decade": N_("Decade"),
    "era": N_("Era"), "country": N_("Country of any act"), "country@arrest": N_("Country of arrest"),
    "sex": N_("Sex"), "age_band": N_("Age at disappearance"), "status": N_("Whereabouts status"),
    "relation": N_("Relation to interviewee"), "interview_year": N_("Interview year"),
    "interviewer": N_("Interviewer"), "device": N_("Device"),
}
UNIT_NAMES = {"victim": N_("Victims"), "person": N_("Persons"), "testimony": N_("Testimonies")}


def unit_word(unit: str, total: int) -> str:
    return tr("{total} victims", total=total) if unit == "victim" else tr(
        "{total} persons", total=total) if unit == "person" else tr("{total} testimonies", total=total)


class StatsTableModel(RowsTableModel):
    """Rows of a :class:`StatsResult` in the current language."""

    HEADERS = HEADERS

    def __init__(self) -> None:
        super().__init__()
        self.result: StatsResult | None = None
        self.rows: list[tuple[str, int, float, bool]] = []

    def set_result(self, result: StatsResult | None) -> None:
        self.beginResetModel()
        self.result = result
        self.rows = []
        if result is not None:
            lang = "ko" if current_language() == "ko" else "en"
            for row in result.rows:
                self.rows.append((clean_text(row["label"][lang]), row["count"], row["share"], False))
            total = result.total or 1
            self.rows.append((tr("Unknown (no value, or a date spanning buckets)"), result.unknown,
                               round(result.unknown / total, 3) if result.total else 0.0, True))
            self.rows.append((tr("… of which dates spanning buckets"), result.spans,
                               round(result.spans / total, 3) if result.total else 0.0, True))
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.result is None:
            return None
        label, count, share, extra = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (label, f"{count:,}", f"{share * 100:.1f}%", unit_word(self.result.unit, self.result.total))[
                index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and extra:
            return Qt.GlobalColor.darkGray
        return None
