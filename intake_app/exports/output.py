"""Writing an export's files: plain, or straight as age files to a recipient, from memory.

Every file is rendered in memory first; nothing is written until every check passed. With recipients, the age
ciphertext is made in memory (:func:`crypto.age.encrypt_bytes`) and only the ``.age`` file reaches the disk, so the
plaintext never touches a USB stick or a temp file. Each file is written atomically (temp name, fsync, rename).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto import age
from crypto.atomic_file import write_atomic
from crypto.errors import CryptoError
from intake_app.bundles.keyring import parse_hq_key_file, read_key_file, recipient_fingerprint
from intake_app.errors import UsageError
from intake_app.vault.private_fs import DIR_MODE

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


@dataclass(frozen=True)
class WrittenFile:
    name: str
    path: Path
    sha256: str
    plaintext_sha256: str
    size: int
    recipients: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "sha256": self.sha256, "size": self.size}
        if self.recipients:
            doc["plaintext_sha256"] = self.plaintext_sha256
            doc["encrypted_to"] = [recipient_fingerprint(r) for r in self.recipients]
        return doc


def parse_recipients(spec: str) -> list[age.X25519Recipient]:
    """``age1…`` itself, or a file holding age recipients (one a line, ``#`` comments) or an HQ public key file."""
    spec = spec.strip()
    if spec.startswith("age1"):
        try:
            return [age.parse_recipient(spec)]
        except CryptoError as exc:
            raise UsageError(f"--encrypt-to: not a valid age recipient: {exc}") from None
    text = read_key_file(Path(spec))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if lines and all(ln.startswith("age1") for ln in lines):
        try:
            return [age.parse_recipient(ln) for ln in lines]
        except CryptoError as exc:
            raise UsageError(f"--encrypt-to: {spec} holds an invalid age recipient: {exc}") from None
    return [age.parse_recipient(parse_hq_key_file(text).recipient)]


def check_name(name: str) -> str:
    if not _SAFE_NAME.match(name) or ".." in name:
        raise UsageError(f"unsafe output file name {name!r}")
    return name


def prepare_dir(out_dir: Path) -> None:
    """Create the output folder (0700) if it is missing; an existing folder is used as it is."""
    if out_dir.exists():
        if not out_dir.is_dir():
            raise UsageError(f"{out_dir} exists and is not a folder")
        return
    out_dir.mkdir(mode=DIR_MODE, parents=True)


def write_files(out_dir: Path, files: list[tuple[str, bytes]],
                recipients: list[age.X25519Recipient]) -> list[WrittenFile]:
    """Write each (name, bytes), encrypted to ``recipients`` (as ``name.age``) when there are any."""
    for name, _ in files:
        check_name(name)
    prepare_dir(out_dir)
    written: list[WrittenFile] = []
    for name, data in files:
        plain_sha = hashlib.sha256(data).hexdigest()
        if recipients:
            blob = age.encrypt_bytes(data, recipients)
            final = f"{name}.age"
        else:
            blob, final = data, name
        path = out_dir / final
        write_atomic(path, blob)
        written.append(WrittenFile(final, path, hashlib.sha256(blob).hexdigest(), plain_sha, len(blob),
                                   tuple(str(r) for r in recipients)))
    return written


def remove_written(written: list[WrittenFile]) -> None:
    """Undo a write whose audit entry could not be committed: an export that is not in the log must not exist."""
    for item in written:
        item.path.unlink(missing_ok=True)
