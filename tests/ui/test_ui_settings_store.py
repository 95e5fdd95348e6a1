"""The settings file: private, bounded, and a damaged or hostile file falls back to defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.common.settings_store import MAX_FILE_BYTES, UiSettings, default_settings_path, load_settings, save_settings


def test_round_trip_is_private(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "ui-settings.json"
    save_settings(path, UiSettings(language="ko", auto_lock_minutes=12))
    assert load_settings(path) == UiSettings(language="ko", auto_lock_minutes=12)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert set(path.read_text(encoding="utf-8").split('"')[1::2]) >= {"language", "auto_lock_minutes"}


def test_default_path_follows_xdg_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "x"))
    assert default_settings_path() == tmp_path / "x" / "testimony-intake" / "ui-settings.json"


@pytest.mark.parametrize("content", [
    b"", b"not json", b"[]", b"\xff\xfe", b'{"language": "fr", "auto_lock_minutes": 0}',
    b'{"language": 1, "auto_lock_minutes": "5"}', b'{"auto_lock_minutes": true}',
    b'{"auto_lock_minutes": 100000}', b" " * (MAX_FILE_BYTES + 1),
])
def test_bad_files_give_defaults(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "ui-settings.json"
    path.write_bytes(content)
    assert load_settings(path) == UiSettings()


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.json") == UiSettings()


def test_invalid_values_are_not_saved(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        save_settings(tmp_path / "s.json", UiSettings(language="fr"))
    with pytest.raises(ValueError):
        save_settings(tmp_path / "s.json", UiSettings(auto_lock_minutes=0))
    assert not (tmp_path / "s.json").exists()
