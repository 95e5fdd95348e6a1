"""crypto.age against the stock `age` / `age-keygen` programs: the archive must stay readable by them forever."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from crypto import age
from tests.conftest import needs_tools

AGE = shutil.which("age") or ""
AGE_KEYGEN = shutil.which("age-keygen") or ""

pytestmark = [
    pytest.mark.interop,
    needs_tools("age", "age-keygen", why="Debian package age"),
]


def run(*args: str, stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(args, input=stdin, capture_output=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout


def plaintext_of(size: int) -> bytes:
    seed = hashlib.sha256(str(size).encode()).digest()
    return (seed * (size // 32 + 1))[:size]


@pytest.mark.parametrize("size", [0, 1, 65536, 65537, 3 * 1024 * 1024 + 5])
def test_stock_age_decrypts_ours(tmp_path: Path, size: int) -> None:
    identity = age.generate_x25519_identity()
    (tmp_path / "key.txt").write_text(identity.identity_file())
    data = plaintext_of(size)
    with (tmp_path / "in.age").open("wb") as f, age.encrypt_stream(f, [identity.recipient]) as writer:
        writer.write(data)
    # stdout, not -o: stock age creates the -o file only on its first write, so never for an empty payload.
    assert run(AGE, "-d", "-i", str(tmp_path / "key.txt"), str(tmp_path / "in.age")) == data


def test_stock_age_decrypts_ours_with_either_of_two_recipients(tmp_path: Path) -> None:
    primary, backup = age.generate_x25519_identity(), age.generate_x25519_identity()
    data = plaintext_of(200_000)
    (tmp_path / "in.age").write_bytes(age.encrypt_bytes(data, [primary.recipient, backup.recipient]))
    for name, identity in (("primary", primary), ("backup", backup)):
        (tmp_path / name).write_text(identity.identity_file())
        out = run(AGE, "-d", "-i", str(tmp_path / name), str(tmp_path / "in.age"))
        assert out == data


@pytest.mark.parametrize("size", [0, 65536, 65537, 2 * 1024 * 1024 + 3])
@pytest.mark.parametrize("armor", [False, True])
def test_we_decrypt_stock_age(tmp_path: Path, size: int, armor: bool) -> None:
    run(AGE_KEYGEN, "-o", str(tmp_path / "key.txt"))
    identities = age.read_identity_file(tmp_path / "key.txt")
    recipient = identities[0].recipient.encode()
    data = plaintext_of(size)
    (tmp_path / "plain").write_bytes(data)
    flags = ["-a"] if armor else []
    run(AGE, *flags, "-r", recipient, "-o", str(tmp_path / "in.age"), str(tmp_path / "plain"))
    with (tmp_path / "in.age").open("rb") as f, age.open_decrypt(f, identities) as reader:
        assert reader.read() == data


def test_we_decrypt_stock_age_with_several_recipients(tmp_path: Path) -> None:
    ours = age.generate_x25519_identity()
    run(AGE_KEYGEN, "-o", str(tmp_path / "other.txt"))
    other = run(AGE_KEYGEN, "-y", str(tmp_path / "other.txt")).decode().strip()
    sealed = run(AGE, "-r", other, "-r", ours.recipient.encode(), stdin=b"two recipients")
    assert age.decrypt_bytes(sealed, [ours]) == b"two recipients"
    assert age.decrypt_bytes(sealed, age.read_identity_file(tmp_path / "other.txt")) == b"two recipients"


def test_age_keygen_keys_parse_and_ours_match_stock_derivation(tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    run(AGE_KEYGEN, "-o", str(key_file))
    text = key_file.read_text()
    stock_recipient = run(AGE_KEYGEN, "-y", str(key_file)).decode().strip()
    (identity,) = age.parse_identities(text)
    assert identity.recipient.encode() == stock_recipient
    assert f"# public key: {stock_recipient}" in text
    assert identity.encode() in text

    ours = age.generate_x25519_identity()
    (tmp_path / "ours.txt").write_text(ours.identity_file())
    assert run(AGE_KEYGEN, "-y", str(tmp_path / "ours.txt")).decode().strip() == ours.recipient.encode()


def test_stock_age_rejects_our_file_when_tampered(tmp_path: Path) -> None:
    """Sanity check of the reference itself: the byte we flip is one stock age also notices."""
    identity = age.generate_x25519_identity()
    (tmp_path / "key.txt").write_text(identity.identity_file())
    sealed = bytearray(age.encrypt_bytes(plaintext_of(100_000), [identity.recipient]))
    sealed[-100] ^= 0x40
    (tmp_path / "bad.age").write_bytes(bytes(sealed))
    proc = subprocess.run([AGE, "-d", "-i", str(tmp_path / "key.txt"), str(tmp_path / "bad.age")],
                          capture_output=True, check=False, timeout=60)
    assert proc.returncode != 0
    with pytest.raises(age.AgePayloadError):
        age.decrypt_bytes(bytes(sealed), [identity])
