"""Process and file-system hygiene: a private umask, private directories, and where a vault lives by default."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path

import platformdirs

from crypto import fs
from intake_app.errors import UsageError

APP_NAME = "testimony-intake"
VAULT_ENV = "INTAKE_VAULT"
DIR_MODE = 0o700
SECRET_ENV_VARS = ("INTAKE_PASSPHRASE", "INTAKE_NEW_PASSPHRASE", "INTAKE_RECOVERY_KEY", "INTAKE_DURESS_PASSPHRASE")
_PR_SET_DUMPABLE = 4


def harden_process() -> None:
    """Called first by every entry point: files we create are private, and no core dumps spill memory to disk."""
    os.umask(0o077)
    fs.disable_core_dumps()
    set_non_dumpable()


def set_non_dumpable() -> bool:
    """Linux: ``prctl(PR_SET_DUMPABLE, 0)``. No core dump even if the limit is raised again, and other processes of the
    same user cannot ptrace this one or read its /proc/<pid>/mem and environ. Returns whether it took effect."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def take_secret_env(name: str) -> str | None:
    """Read a secret from the environment and remove it there, so child processes and later readers of os.environ
    do not get it. (The copy in the process's initial environment block, /proc/self/environ, cannot be removed from
    Python; the process is non-dumpable, so other users' processes cannot read it.)"""
    if name not in SECRET_ENV_VARS:
        raise ValueError(f"{name} is not a secret variable")
    return os.environ.pop(name, None)


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
    """Create ``path`` (and parents) private to the user: 0700 on POSIX, an owner-only ACL on Windows (crypto.fs); an
    existing directory is made private too."""
    try:
        fs.make_private_dir(path)
    except NotADirectoryError:
        raise UsageError(f"{path} exists and is not a directory") from None
    except FileExistsError:
        raise UsageError(f"{path} exists and is not a directory") from None
