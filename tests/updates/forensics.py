"""What someone who learned the passphrase can read: every page of the vault's database files decrypted with the data
key (live pages, free pages, stale WAL frames alike), a logical plaintext copy made with ``sqlcipher_export``, and a
scanner for marker strings in the encodings they may take there.

SQLCipher 4 page layout (8 KiB pages, 80 reserved bytes = 16-byte IV + 64-byte HMAC-SHA512): page bytes
``[0, 8192-80)`` (page 1: ``[16, 8192-80)``, its first 16 bytes being the salt) are AES-256-CBC under the raw data key
with the IV stored at ``8192-80``. The HMAC is not needed to read. WAL: a 32-byte header, then frames of a 24-byte
header and one page each.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from intake_app.vault.database import Connection

PAGE = 8192
RESERVE = 80
WAL_HEADER = 32
WAL_FRAME_HEADER = 24


def _decrypt_page(page: bytes, key: bytes, first: bool) -> bytes:
    start = 16 if first else 0
    iv = page[PAGE - RESERVE: PAGE - RESERVE + 16]
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(page[start: PAGE - RESERVE]) + dec.finalize()


def db_pages(path: Path, key: bytes) -> Iterator[bytes]:
    data = path.read_bytes()
    for i in range(0, len(data) - PAGE + 1, PAGE):
        yield _decrypt_page(data[i: i + PAGE], key, i == 0)


def wal_pages(path: Path, key: bytes) -> Iterator[bytes]:
    data = path.read_bytes()
    offset = WAL_HEADER
    while offset + WAL_FRAME_HEADER + PAGE <= len(data):
        page_no = int.from_bytes(data[offset: offset + 4], "big")
        page = data[offset + WAL_FRAME_HEADER: offset + WAL_FRAME_HEADER + PAGE]
        if page.strip(b"\0"):
            yield _decrypt_page(page, key, page_no == 1)
        offset += WAL_FRAME_HEADER + PAGE


def decrypted_vault_bytes(vault_dir: Path, key: bytes) -> bytes:
    """Every decrypted page of vault.db and of a WAL file beside it (if any), concatenated."""
    out = [b"".join(db_pages(vault_dir / "vault.db", key))]
    wal = vault_dir / "vault.db-wal"
    if wal.is_file():
        out.append(b"".join(wal_pages(wal, key)))
    return b"".join(out)


def plain_export(conn: Connection, dest: Path) -> bytes:
    """A decrypted copy of the whole database (``sqlcipher_export`` into an unencrypted file) and its bytes."""
    conn.execute(f"ATTACH DATABASE '{dest}' AS plaintext KEY ''")
    conn.execute("SELECT sqlcipher_export('plaintext')")
    conn.execute("DETACH DATABASE plaintext")
    data = dest.read_bytes()
    assert data.startswith(b"SQLite format 3\0")  # really a plain SQLite file
    return data


def encodings(marker: str) -> list[bytes]:
    """The byte forms a string may take inside SQLite pages: UTF-8, UTF-16 (both orders), JSON \\u escapes."""
    escaped = json.dumps(marker).strip('"')
    return sorted({marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be"),
                   escaped.encode("ascii"), escaped.lower().encode("ascii")})


def found(data: bytes, marker: str) -> bool:
    return any(form in data for form in encodings(marker))
