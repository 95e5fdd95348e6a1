"""Small files a user names (a key file, a passphrase file) are read one way (intake_app.errors.read_named_file):
bounded, and a file that cannot be read or is too large is a usage error that names it, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_app.bundles.keyring import MAX_KEY_FILE, read_key_file
from intake_app.cli.context import MAX_SECRET_FILE, read_secret_file
from intake_app.errors import UsageError


def test_a_key_file_is_read_within_its_bound(tmp_path: Path) -> None:
    key = tmp_path / "hq.pub"
    key.write_bytes(b"k" * MAX_KEY_FILE)
    assert read_key_file(key) == "k" * MAX_KEY_FILE
    key.write_bytes(b"k" * (MAX_KEY_FILE + 1))
    with pytest.raises(UsageError, match=r"hq\.pub is too large to be a key file"):
        read_key_file(key)
    with pytest.raises(UsageError, match=r"cannot read .*missing\.pub: No such file"):
        read_key_file(tmp_path / "missing.pub")


def test_a_passphrase_file_is_read_within_its_bound(tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_bytes(b"p" * MAX_SECRET_FILE)
    assert read_secret_file(str(secret), "passphrase") == "p" * MAX_SECRET_FILE
    secret.write_bytes(b"p" * (MAX_SECRET_FILE + 1))
    with pytest.raises(UsageError, match=r"the passphrase file .*pass\.txt is too large to hold a passphrase"):
        read_secret_file(str(secret), "passphrase")
    with pytest.raises(UsageError, match=r"cannot read the passphrase file .*gone\.txt: No such file"):
        read_secret_file(str(tmp_path / "gone.txt"), "passphrase")
