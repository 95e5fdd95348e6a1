"""GUI tests run offscreen, with the bundled font, fast key derivation and every path under tmp_path.

QT_QPA_PLATFORM is set here, before any QApplication exists (pytest-qt creates it lazily for the first test that asks).
The top-level conftest already points HOME/XDG_* at a per-test temporary directory and sets INTAKE_KDF_PROFILE=fast.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from intake_app.vault.vault import Vault
from ui.common.fonts import install_application_font
from ui.common.settings_store import UiSettings
from ui.i18n import set_language
from ui.session import Session

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"


@pytest.fixture(scope="session")
def app_with_font(qapp: QApplication) -> QApplication:
    install_application_font(qapp)
    return qapp


@pytest.fixture(autouse=True)
def _english_by_default(app_with_font: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "testimony-intake" / "ui-settings.json"


@pytest.fixture
def session(qtbot: QtBot, vault_path: Path, settings_path: Path) -> Iterator[Session]:
    """A started session on an empty vault path (the first-run wizard shows)."""
    s = Session(vault_path, UiSettings(), settings_path)
    qtbot.addWidget(s.gate)
    s.start()
    yield s
    s.shutdown()


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def existing_vault(vault_path: Path) -> str:
    """Create a field vault with the core API; return its recovery key text."""
    vault, recovery_text = Vault.create(vault_path, PASSPHRASE, "field")
    vault.lock()
    return recovery_text
