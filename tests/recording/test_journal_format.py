"""The recording journal's bytes as docs/formats/blob-format.md ("Recording journal") specifies them, checked both ways
against a second, independent implementation written here from the document alone."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from intake_app.recording import journal

MAGIC = bytes.fromhex("8954496a726e6c0a")
LABEL = b"testimony-intake recording journal v1\x00"


def _keys(key: bytes, jid: bytes, salt: bytes) -> tuple[bytes, bytes]:
    info = LABEL + MAGIC + b"\x01" + len(jid).to_bytes(2, "big") + jid
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=info).derive(key)
    return okm[:32], okm[32:]


def _encode(key: bytes, jid: bytes, salt: bytes, records: list[tuple[int, bytes]]) -> bytes:
    payload_key, mac_key = _keys(key, jid, salt)
    fields = MAGIC + b"\x01" + salt
    out = fields + hmac.new(mac_key, fields, hashlib.sha256).digest()
    aead = ChaCha20Poly1305(payload_key)
    for i, (kind, body) in enumerate(records):
        length = struct.pack(">I", 1 + len(body) + 16)
        out += length + aead.encrypt(i.to_bytes(12, "big"), bytes([kind]) + body, length)
    return out


def _decode(key: bytes, jid: bytes, data: bytes) -> list[tuple[int, bytes]]:
    assert data[:8] == MAGIC and data[8] == 1
    payload_key, mac_key = _keys(key, jid, data[9:41])
    assert hmac.compare_digest(hmac.new(mac_key, data[:41], hashlib.sha256).digest(), data[41:73])
    aead = ChaCha20Poly1305(payload_key)
    pos, out = 73, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        plain = aead.decrypt(len(out).to_bytes(12, "big"), data[pos + 4:pos + 4 + length], data[pos:pos + 4])
        out.append((plain[0], plain[1:]))
        pos += 4 + length
    return out


def test_the_writer_produces_what_the_document_says(tmp_path: Path) -> None:
    key, jid = os.urandom(32), os.urandom(16).hex().encode()
    path = tmp_path / "j"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
    writer = journal.JournalWriter(fd, key, jid, {"sample_rate": 48000, "channels": 1, "bits": 16})
    writer.append(journal.T_AUDIO, b"\x10\x00" * 300)
    writer.append(journal.T_EVENT, b'{"kind":"marker","at_ms":6}')
    writer.close(end={"ended_at": "t"})
    records = _decode(key, jid, path.read_bytes())
    assert [kind for kind, _ in records] == [1, 2, 3, 4]
    assert json.loads(records[0][1])["sample_rate"] == 48000 and records[1][1] == b"\x10\x00" * 300


def test_the_reader_accepts_what_the_document_says(tmp_path: Path) -> None:
    key, jid, salt = bytes(range(32)), b"0123456789abcdef0123456789abcdef", bytes(range(0xA0, 0xC0))
    records = [(1, b'{"bits":16,"channels":1,"sample_rate":16000}'), (2, b"\x01\x02" * 8), (4, b"{}")]
    data = _encode(key, jid, salt, records)
    path = tmp_path / "j"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        reader = journal.JournalReader(fd, key, jid)
        assert list(reader.records()) == records
        assert reader.scan.clean_end and reader.scan.tail_bytes == 0
    finally:
        os.close(fd)
    # The test vector of docs/formats/blob-format.md ("Recording journal").
    assert data.hex() == (
        "8954496a726e6c0a01a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebffad29f5e5325759ebe99e354a771"
        "97d7ee8383c433bdd23f1f59c8e5337376e10000003db7741b833f40f15ec6b6736c79ccf099054e990fc2ad6ac3560b02bd85406f2573"
        "8a64a34aefd6b4ec7792ab45ad56ba847cdbd375094f24448d6d4b370000002109058baca70156258aad17499b3fae3bb684573df13b6a"
        "3a73ba9f2a55d8fd2b1300000013d3a5080e54e5306630072974adff2b2262a13e"
    )
