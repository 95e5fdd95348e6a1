"""The desktop app's own settings: language and auto-lock minutes, nothing else.

Stored as a small JSON file in the per-user config directory (platformdirs), written 0600 atomically. Not inside the
vault, because the language is needed before unlocking (the unlock screen itself must be in the user's language), and
the auto-lock delay is a policy of the machine, not of a vault. The file holds no content, no vault path, no recent
files and no window geometry, so a seized laptop learns nothing from it. A damaged or hostile file is ignored (defaults
apply): it is bounded in size and every value is checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from crypto.atomic_file import write_atomic
from intake_app.vault.private_fs import APP_NAME, make_private_dir

SETTINGS_FILE = "ui-settings.json"
MAX_FILE_BYTES = 4096
LANGUAGES = ("system", "ko", "en", "ja")
MIN_LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 120
DEFAULT_LOCK_MINUTES = 5


@dataclass(frozen=True)
class UiSettings:
    language: str = "system"
    auto_lock_minutes: int = DEFAULT_LOCK_MINUTES


def default_settings_path() -> Path:
    """``<user config dir>/testimony-intake/ui-settings.json`` (honours XDG_CONFIG_HOME on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / SETTINGS_FILE


def load_settings(path: Path) -> UiSettings:
    """Read the settings; anything missing, oversized or invalid falls back to the default for that value."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        return UiSettings()
    if len(raw) > MAX_FILE_BYTES:
        return UiSettings()
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return UiSettings()
    if not isinstance(obj, dict):
        return UiSettings()
    language = obj.get("language")
    minutes = obj.get("auto_lock_minutes")
    return UiSettings(
        language=language if language in LANGUAGES else "system",
        auto_lock_minutes=minutes if type(minutes) is int and MIN_LOCK_MINUTES <= minutes <= MAX_LOCK_MINUTES
        else DEFAULT_LOCK_MINUTES,
    )


def save_settings(path: Path, settings: UiSettings) -> None:
    """Write the settings atomically, 0600, in a 0700 directory."""
    if settings.language not in LANGUAGES:
        raise ValueError("unknown language setting")
    if not MIN_LOCK_MINUTES <= settings.auto_lock_minutes <= MAX_LOCK_MINUTES:
        raise ValueError("auto-lock minutes out of range")
    make_private_dir(path.parent)
    data = {"language": settings.language, "auto_lock_minutes": settings.auto_lock_minutes}
    write_atomic(path, json.dumps(data, indent=1).encode("utf-8"))
