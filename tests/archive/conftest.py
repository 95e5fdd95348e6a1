"""Fresh HQ vaults for the archive import, driven through the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, Hq, hq  # noqa: F401 - the exporting HQ's fixture


@pytest.fixture
def fresh_hq(tmp_path: Path, intake: Any) -> Iterator[Hq]:
    path = tmp_path / "fresh-hq"
    vault, _ = Vault.create(path, PASSPHRASE, "hq")
    vault.lock()
    yield Hq(path, intake)
