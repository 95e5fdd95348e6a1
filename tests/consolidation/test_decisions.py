"""Both registries clean a coordinator's reason and chosen name the same way and refuse with the same words."""

from __future__ import annotations

import pytest

from intake_app.consolidation.decisions import MAX_REASON, clean_name, clean_reason, unknown
from intake_app.errors import UsageError
from intake_app.perpetrators import registry as perpetrators
from intake_app.persons import registry as persons


def test_whitespace_is_collapsed_and_an_empty_reason_is_none() -> None:
    assert clean_reason("  the same\n\tfather  ") == "the same father"
    assert clean_reason(" \n ") is None
    assert clean_reason(None) is None


def test_a_long_reason_and_a_missing_required_one_are_refused() -> None:
    assert clean_reason("x" * MAX_REASON) == "x" * MAX_REASON
    with pytest.raises(UsageError, match=f"^a --reason is at most {MAX_REASON} characters$"):
        clean_reason("x" * (MAX_REASON + 1))
    with pytest.raises(UsageError, match=r"^give a --reason \(why these are not the same person\)$"):
        clean_reason("  ", required_for="these are not the same person")


def test_names_are_one_printable_line_within_the_limit() -> None:
    assert clean_name(" 김  철수\n", limit=10) == "김 철수"
    assert clean_name("", limit=10) is None
    for bad in ("x" * 11, "a\x00b"):
        with pytest.raises(UsageError, match=r"^a name is one printable line of at most 10 characters$"):
            clean_name(bad, limit=10)


def test_unknown_ids_are_named_alike() -> None:
    assert str(unknown("person", "P-1")) == "no person 'P-1'"
    assert str(unknown("perpetrator", "P-2", "as printed by link")) == "no perpetrator 'P-2' (as printed by link)"


def test_both_registries_use_these_rules() -> None:
    for module in (persons, perpetrators):
        assert module.clean_reason is clean_reason and module.clean_name is clean_name and module.unknown is unknown
