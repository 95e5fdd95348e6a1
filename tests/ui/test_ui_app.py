"""The entry point: --self-test (used by packaging smoke tests) and --screenshot, without touching real user dirs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from intake_app.vault.vault import vault_exists
from ui.app import main, parse_args
from ui.i18n import current_language


def test_self_test_exits_zero_and_creates_nothing(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    assert main(["--self-test", "--vault", str(vault), "--lang", "ko"]) == 0
    assert current_language() == "ko"
    assert not vault.exists() and not vault_exists(vault)
    # No settings were written just by starting: nothing on disk says the app ran.
    assert not (tmp_path / "config").exists()


def test_screenshot_writes_a_png(tmp_path: Path) -> None:
    out = tmp_path / "first.png"
    assert main(["--screenshot", str(out), "--vault", str(tmp_path / "vault"), "--lang", "en"]) == 0
    image = QImage(str(out))
    assert not image.isNull() and image.width() > 300 and image.height() > 200


def test_unknown_options_are_left_for_qt() -> None:
    args, rest = parse_args(["--vault", "/x", "-platform", "offscreen"])
    assert args.vault == "/x" and rest == ["-platform", "offscreen"]
