"""What every command handler gets: the parsed arguments, secrets input, the vault path, and output helpers."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from crypto.fs import is_terminal
from intake_app.display import clean_text, json_text
from intake_app.errors import UsageError, read_named_file
from intake_app.vault.private_fs import SECRET_ENV_VARS, resolve_vault_path, take_secret_env
from intake_app.vault.vault import Vault

MAX_SECRET_FILE = 4096


def read_secret_file(path: str, what: str) -> str:
    """Read a passphrase or recovery key from a file: strict UTF-8, one trailing newline removed."""
    data = read_named_file(Path(path), MAX_SECRET_FILE, name=f"the {what} file {path}",
                           too_large=f"the {what} file {path} is too large to hold a {what}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"the {what} file {path} is not valid UTF-8") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    return text


def _prompt(prompt: str) -> str:
    if not is_terminal(sys.stdin):
        raise UsageError(f"no terminal to ask for it: {prompt.rstrip(': ')} must come from a file or the environment")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UsageError("no input") from None


@dataclass
class Context:
    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _secrets: dict[str, str] = field(default_factory=dict, repr=False)

    # ---- options
    def opt(self, name: str, default: Any = None) -> Any:
        return getattr(self.args, name, default)

    @property
    def json(self) -> bool:
        return bool(self.opt("json", False))

    @property
    def vault_path(self) -> Path:
        return resolve_vault_path(self.opt("vault"))

    # ---- secrets
    def passphrase(self) -> str:
        path = self.opt("passphrase_file")
        if path:
            return read_secret_file(path, "passphrase")
        env = self._env_secret("INTAKE_PASSPHRASE")
        if env is not None:
            return env
        return _prompt("Passphrase: ")

    def new_passphrase(self) -> str:
        path = self.opt("new_passphrase_file")
        if path:
            value = read_secret_file(path, "new passphrase")
        elif (env := self._env_secret("INTAKE_NEW_PASSPHRASE")) is not None:
            value = env
        else:
            value = _prompt("New passphrase: ")
            if _prompt("Repeat the new passphrase: ") != value:
                raise UsageError("the two passphrases differ; nothing was changed")
        if not value:
            raise UsageError("the new passphrase is empty")
        return value

    def duress_passphrase(self) -> str:
        """``vault duress set``: --duress-passphrase-file, else $INTAKE_DURESS_PASSPHRASE (removed once read), else
        asked twice."""
        path = self.opt("duress_passphrase_file")
        if path:
            value = read_secret_file(path, "duress passphrase")
        elif (env := self._env_secret("INTAKE_DURESS_PASSPHRASE")) is not None:
            value = env
        else:
            value = _prompt("Duress passphrase: ")
            if _prompt("Repeat the duress passphrase: ") != value:
                raise UsageError("the two duress passphrases differ; nothing was changed")
        if not value:
            raise UsageError("the duress passphrase is empty")
        return value

    def recovery_key(self) -> str:
        path = self.opt("recovery_key_file")
        if path:
            return read_secret_file(path, "recovery key")
        env = self._env_secret("INTAKE_RECOVERY_KEY")
        if env is not None:
            return env
        return _prompt("Recovery key: ")

    def take_env_secrets(self) -> None:
        """Move every secret variable out of os.environ into this context, before any command runs (issue 11)."""
        for name in SECRET_ENV_VARS:
            self._env_secret(name)

    def has_env_secret(self, name: str) -> bool:
        return name in self._secrets or name in os.environ

    def _env_secret(self, name: str) -> str | None:
        """A secret from the environment: removed from os.environ at the first read, remembered for this command."""
        if name not in self._secrets:
            value = take_secret_env(name)
            if value is None:
                return None
            self._secrets[name] = value
        return self._secrets[name]

    def open_vault(self) -> Vault:
        from intake_app.records.vocabularies import install_from  # noqa: PLC0415 - keeps `intake --help` light

        vault = Vault.open(self.vault_path, self.passphrase())
        install_from(vault.conn)  # HQ's vocabulary additions (issue 17) count as codes from now on
        if vault.finished_interrupted_rotation:
            self.warn("an interrupted data-key rotation was completed on opening; if the new recovery key it made was "
                      "never shown, make one with `intake vault passwd --rotate-data-key`")
        return vault

    # ---- output
    def emit(self, doc: dict[str, Any], text: str) -> None:
        """Print one JSON document with --json, else the human-readable text (cleaned of control characters)."""
        if self.json:
            self.out.write(json_text(doc) + "\n")
        else:
            self.out.write(clean_text(text, keep_newlines=True))
            if not text.endswith("\n"):
                self.out.write("\n")

    def warn(self, message: str) -> None:
        self.err.write(f"intake: warning: {clean_text(message)}\n")
