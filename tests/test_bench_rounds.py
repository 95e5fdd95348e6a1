"""``bench/exports.py --repeat``: each figure comes from one round, the one whose ratio to its own round's reference
is the median, with that round's reference beside it (a slow spell falls on both sides of the ratio)."""

from __future__ import annotations

from typing import Any

from bench.exports import median_rounds


def _round(reference: float, export: float) -> dict[str, dict[str, Any]]:
    return {"reference": {"seconds": reference, "cpu_seconds": reference * 0.9, "rss_mb": 190.0},
            "uwazi": {"seconds": export, "cpu_seconds": export * 0.9, "rss_mb": 100.0 + export}}


def test_the_round_of_median_ratio_is_kept_whole() -> None:
    rounds = [_round(1.0, 3.2), _round(2.0, 4.0), _round(1.2, 3.3), _round(1.1, 3.5), _round(1.3, 3.0)]
    # ratios 3.2, 2.0, 2.75, 3.18, 2.31: the median is 2.75, round 3's; the slowest export (4.0) is not chosen
    chosen = median_rounds(rounds)
    assert chosen["uwazi"]["seconds"] == 3.3 and chosen["uwazi"]["reference_seconds"] == 1.2
    assert chosen["uwazi"]["rss_mb"] == 103.3 and chosen["uwazi"]["reference_cpu_seconds"] == 1.2 * 0.9
    assert chosen["reference"]["seconds"] == 1.2  # the median of 1.0, 2.0, 1.2, 1.1, 1.3


def test_an_even_count_takes_the_lower_middle_and_one_round_is_itself() -> None:
    chosen = median_rounds([_round(1.0, 3.0), _round(1.0, 2.0)])
    assert chosen["uwazi"]["seconds"] == 2.0
    one = median_rounds([_round(1.5, 4.5)])
    assert one["uwazi"]["seconds"] == 4.5 and one["uwazi"]["reference_seconds"] == 1.5
