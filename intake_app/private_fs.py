"""Process and file-system hygiene: a private umask, private directories, and where a vault lives by default."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

from intake_app.errors import UsageError

APP_NAME = "testimony-intake"
VAULT_ENV = "INTAKE_VAULT"
DIR_MODE = 0o700


def harden_process() -> None:
    """Called first by every entry point: files we create are private, and no core dumps spill memory to disk."""
    os.umask(0o077)
    try:
        import resource  # noqa: PLC0415 - POSIX only

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass


def default_vault_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "vault"


def resolve_vault_path(explicit: str | None) -> Path:
    """``--vault``, else ``$INTAKE_VAULT``, else the per-user data directory."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(VAULT_ENV)
    if env:
        return Path(env).expanduser()
    return default_vault_path()


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) as 0700; an existing directory is tightened to 0700."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if not path.is_dir():
        raise UsageError(f"{path} exists and is not a directory")
    if stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
        path.chmod(DIR_MODE)
