"""Perpetrator candidates share the person registry's name keys (consolidation/names.py): a perpetrator's name typed
with Cyrillic look-alikes of Latin letters (issue 30, fourth pass) meets its Latin spelling, a Cyrillic name does not."""

from __future__ import annotations

from intake_app.consolidation.names import name_keys
from intake_app.perpetrators.candidates import _score


def test_a_name_typed_with_cyrillic_look_alikes_counts_as_the_same_name() -> None:
    same, _ = _score({"name": "Kim Chol-su"}, {"name": "Kim Chol-su"}, name_keys)
    score, reasons = _score({"name": "Kim Сhоl-su"}, {"name": "Kim Chol-su"}, name_keys)  # Cyrillic С and о
    assert score == same > 0.0 and reasons[0]["en"] == "name Kim Сhоl-su = Kim Chol-su"
    score, reasons = _score({"name": "Ri Ryе-sun"}, {"name": "리례순"}, name_keys)  # Cyrillic е
    assert score == same, reasons


def test_a_name_written_in_cyrillic_is_not_read_as_latin() -> None:
    _, reasons = _score({"name": "Ким Чол Су"}, {"name": "Kim Chol-su"}, name_keys)
    assert reasons[0]["en"].startswith("different names"), reasons
