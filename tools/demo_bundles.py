"""Throwaway field vaults and bundles for screenshots, GUI tests and the import-latency bench (Qt-free).

Everything here is sample data in vaults the caller places in a temporary directory, made with whatever key-derivation
profile the environment selects (``INTAKE_KDF_PROFILE=fast`` in tests and screenshots). Nothing here is used by the
application itself.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from intake_app.bundles.export import export_bundle
from intake_app.bundles.keyring import Keyring, parse_device_key_file, parse_hq_key_file
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault

DEMO_PASSPHRASE = "sample vault 표본 보관함"  # noqa: S105 - throwaway vaults only

_SAMPLE: dict[str, Any] = {
    "interview": {"date": "2024-05-02", "place": "Seoul", "language": "ko", "interviewer": "I-03"},
    "interviewee": {"pseudonym": "W-117", "relation": "sister"},
    "narrative": "sample narrative",
    "consent": {"storage": "granted", "reports": "conditional", "wgeid": "refused"},
    "victims": [{"names": [{"hangul": "류은별", "roman": "Ryu Un-byol"}], "sex": "F", "birth": "1975~",
                 "categories": [6, 7], "status": "missing",
                 "acts": [{"type": "forced_repatriation", "date": "2011-23", "date_text": "2011년 가을쯤",
                           "place": "Yanji"}]}],
}


def sample_testimony(**changes: Any) -> bytes:
    """A valid interchange document (no id, so saving it creates a new record), with top-level keys replaced."""
    doc = json.loads(json.dumps(_SAMPLE))
    doc.update(changes)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def create_vault(path: Path, role: str) -> Vault:
    return Vault.create(path, DEMO_PASSPHRASE, role)[0]


def write_device_key(field: Vault, path: Path) -> Path:
    """The field vault's public key file, as an interviewer would hand it to HQ."""
    path.write_text(Keyring(field).export_public(), encoding="utf-8")
    return path


def pin_hq(field: Vault, hq: Vault) -> None:
    """Pin HQ's public key file on the field vault (what the interviewer does once)."""
    Keyring(field).pin_recipient(parse_hq_key_file(Keyring(hq).export_public()), "HQ")


def enrol(hq: Vault, field: Vault, name: str) -> str:
    """Enrol the field vault's key at HQ with the core API; return its key id."""
    key = parse_device_key_file(Keyring(field).export_public())
    Keyring(hq).enrol(key, name)
    return key.key_id_hex


def add_testimony(vault: Vault, **changes: Any) -> str:
    return RecordStore(vault).add_json(sample_testimony(**changes)).record_id


def edit_testimony(vault: Vault, record_id: str, **changes: Any) -> None:
    doc = RecordStore(vault).show(record_id)
    doc.update(changes)
    RecordStore(vault).add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def attach_random(vault: Vault, record_id: str, size: int, scratch: Path) -> None:
    """Attach ``size`` random bytes (a stand-in for an audio recording) through a scratch file that is then removed."""
    src = scratch / "recording.bin"
    with src.open("wb") as fh:
        left = size
        while left:
            n = min(left, 1 << 20)
            fh.write(os.urandom(n))
            left -= n
    try:
        AttachmentStore(vault).attach_file(record_id, src)
    finally:
        src.unlink()


def export(vault: Vault, directory: Path) -> Path:
    """Export the next bundle into ``directory`` (created if needed); return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    return export_bundle(vault, directory).path


def clone_vault(vault: Vault, dest: Path) -> Vault:
    """Copy a locked-and-reopened vault directory (a laptop restored from a backup) and open the copy."""
    source = vault.path
    vault.lock()
    shutil.copytree(source, dest)
    return Vault.open(dest, DEMO_PASSPHRASE)


def reopen(path: Path) -> Vault:
    return Vault.open(path, DEMO_PASSPHRASE)


def tamper_payload(bundle: Path, out: Path) -> Path:
    """A copy of ``bundle`` with one byte of payload.age flipped inside the tar (the auditor must catch it)."""
    data = bytearray(bundle.read_bytes())
    # payload.age is the first member: its 512-byte ustar header, then its data; flip a byte well inside the data.
    data[512 + 200] ^= 0x01
    out.write_bytes(bytes(data))
    return out
