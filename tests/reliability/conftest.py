"""Options for the reliability harness: CI runs the default sizes; `--reliability-scale 10` runs ten times as much."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--reliability-scale", type=int, default=1,
                     help="multiply the number of kills and cases in tests/reliability (default 1, CI size)")


@pytest.fixture
def scale(request: pytest.FixtureRequest) -> int:
    return int(request.config.getoption("--reliability-scale"))
