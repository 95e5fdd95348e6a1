"""The problems of a device's bundle sequence are written once: the importer's sentences and the CLI's short flags
come from the same table, so a new kind of problem cannot appear in one and not the other."""

from __future__ import annotations

from intake_app.bundles.log_status import SEQUENCE_PROBLEMS, describe_status, status_flags


def test_sentences_and_flags_name_the_same_problems_with_the_same_bundles() -> None:
    status = {"gaps": [3, 4], "forks": [2], "chain_breaks": [], "log_forks": [7]}
    assert describe_status(status) == [
        "missing bundles from this device: 3, 4",
        "FORK: bundles with the same number but different content: 2",
        "the device's audit log was rewritten (restored laptop?) in bundles 7",
    ]
    assert status_flags(status) == ["missing 3,4", "FORK at 2", "log rewritten in 7"]
    clean: dict[str, list[int]] = {key: [] for key in status}
    assert describe_status(clean) == status_flags(clean) == []
    assert {key for key, _, _ in SEQUENCE_PROBLEMS} == set(status)
