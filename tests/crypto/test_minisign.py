"""minisign key files and signatures: format, tamper refusal, and interop with the stock minisign 0.11 program."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import minisign
from crypto.errors import AuthenticationError, MalformedError, UnsupportedError
from crypto.signing import PublicKey, SigningKey
from tests.conftest import needs_tools

MINISIGN = shutil.which("minisign")
needs_minisign = needs_tools("minisign")

# A fixed key so the expected texts below are stable (Ed25519 signatures are deterministic).
FIXED_KEY = SigningKey(bytes(range(32)), bytes.fromhex("0102030405060708"))


def _flip_char(line: str, index: int) -> str:
    """Change one base64 character to another valid one."""
    ch = line[index]
    return line[:index] + ("A" if ch != "A" else "B") + line[index + 1 :]


def _lines(sig_text: str) -> list[str]:
    return sig_text.split("\n")


# --- public key files ---------------------------------------------------------------------------------------------


def test_public_key_file_layout() -> None:
    text = minisign.format_public_key_file(FIXED_KEY.public_key)
    comment, key_line, end = text.split("\n")
    # minisign 0.11 prints the little-endian id with %lX: no zero padding.
    assert comment == "untrusted comment: minisign public key 807060504030201"
    assert end == ""
    blob = base64.b64decode(key_line)
    assert blob == b"Ed" + FIXED_KEY.key_id + FIXED_KEY.public_key.public
    assert len(key_line) == 56


def test_public_key_round_trip_file_and_bare_line() -> None:
    key = SigningKey.generate()
    text = minisign.format_public_key_file(key.public_key, "device Seoul-3")
    assert text.startswith("untrusted comment: device Seoul-3\n")
    assert minisign.parse_public_key_file(text).same_as(key.public_key)
    assert minisign.parse_public_key_file(text.encode()).same_as(key.public_key)
    bare = minisign.format_public_key_base64(key.public_key)
    assert minisign.parse_public_key_file(bare).same_as(key.public_key)
    assert minisign.parse_public_key_file(bare + "\n").same_as(key.public_key)
    assert minisign.parse_public_key_file(text.replace("\n", "\r\n")).same_as(key.public_key)


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda t: t.replace("RW", "UW", 1), UnsupportedError),  # "Ed" -> "Qd"... another algorithm
        (lambda t: t.split("\n")[1][:-4] + "\n", MalformedError),  # truncated key
        (lambda t: t.split("\n")[1] + "AAAA\n", MalformedError),  # too long
        (lambda t: t.replace("RW", "R!", 1), MalformedError),  # not base64
        (lambda t: t.replace("untrusted comment:", "comment:"), MalformedError),
        (lambda t: t + "extra line\n", MalformedError),
        (lambda t: t.replace("\n", "\n\n", 1), MalformedError),
        (lambda t: "", MalformedError),
        (lambda t: "untrusted comment: " + "x" * 5000 + "\n" + t.split("\n")[1], MalformedError),
    ],
)
def test_public_key_file_refusals(mutate: object, error: type[Exception]) -> None:
    text = minisign.format_public_key_file(FIXED_KEY.public_key)
    assert callable(mutate)
    with pytest.raises(error):
        minisign.parse_public_key_file(mutate(text))


def test_public_key_wrong_padding_refused() -> None:
    line = minisign.format_public_key_base64(FIXED_KEY.public_key)
    assert len(line) == 56  # 42 bytes: no padding
    with pytest.raises(MalformedError):
        minisign.parse_public_key_file(line[:-1] + "=")


def test_non_canonical_base64_signature_refused() -> None:
    """The last base64 character before "==" carries 4 unused bits; lenient decoders ignore them, we do not."""
    sig = minisign.sign(FIXED_KEY, b"data", "c")
    lines = _lines(sig)
    global_line = lines[3]
    assert global_line.endswith("==")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(global_line[-3])
    lines[3] = global_line[:-3] + alphabet[last ^ 1] + "=="
    assert base64.b64decode(lines[3]) == base64.b64decode(global_line)  # same bytes to a lenient decoder
    with pytest.raises(MalformedError):
        minisign.verify(FIXED_KEY.public_key, b"data", "\n".join(lines))


def test_public_key_comment_with_control_character_refused() -> None:
    with pytest.raises(MalformedError):
        minisign.format_public_key_file(FIXED_KEY.public_key, "evil\nRWQ...")


# --- signatures ---------------------------------------------------------------------------------------------------


def test_signature_layout() -> None:
    data = b"payload bytes\n"
    sig = minisign.sign(FIXED_KEY, data, "bundle 7")
    lines = _lines(sig)
    assert len(lines) == 5 and lines[4] == ""
    assert lines[0] == "untrusted comment: signature from minisign secret key"
    blob = base64.b64decode(lines[1])
    assert blob[:2] == b"ED" and blob[2:10] == FIXED_KEY.key_id and len(blob) == 74
    assert lines[2] == "trusted comment: bundle 7"
    global_sig = base64.b64decode(lines[3])
    pk = FIXED_KEY.public_key
    assert pk.verify(blob[10:], minisign.prehash(data))
    assert pk.verify(global_sig, blob[10:] + b"bundle 7")


def test_sign_verify_round_trip_bytes_stream_and_prehasher() -> None:
    key = SigningKey.generate()
    data = bytes(range(256)) * 5000
    sig = minisign.sign(key, data, "수사 기록 bundle=3 seq=2")
    assert minisign.sign(key, io.BytesIO(data), "수사 기록 bundle=3 seq=2") == sig
    verified = minisign.verify(key.public_key, io.BytesIO(data), sig)
    assert verified == minisign.Verified("수사 기록 bundle=3 seq=2", key.key_id)
    hasher = minisign.Blake2bPrehasher()
    for start in range(0, len(data), 4096):
        hasher.update(data[start : start + 4096])
    assert minisign.sign_digest(key, hasher.digest(), "수사 기록 bundle=3 seq=2") == sig
    assert minisign.verify_digest(key.public_key, hasher.digest(), sig).trusted_comment == "수사 기록 bundle=3 seq=2"
    assert minisign.signature_key_id(sig) == key.key_id


def test_empty_file_and_empty_trusted_comment() -> None:
    sig = minisign.sign(FIXED_KEY, b"", "")
    assert minisign.verify(FIXED_KEY.public_key, b"", sig).trusted_comment == ""


def test_tampered_data_refused() -> None:
    data = bytearray(b"A" * 1000)
    sig = minisign.sign(FIXED_KEY, bytes(data), "c")
    data[500] ^= 0x01
    with pytest.raises(AuthenticationError, match="altered"):
        minisign.verify(FIXED_KEY.public_key, bytes(data), sig)


def test_tampered_signature_refused() -> None:
    sig = minisign.sign(FIXED_KEY, b"data", "c")
    lines = _lines(sig)
    lines[1] = _flip_char(lines[1], 30)  # inside the Ed25519 signature, past algorithm and key id
    with pytest.raises(AuthenticationError):
        minisign.verify(FIXED_KEY.public_key, b"data", "\n".join(lines))


def test_tampered_global_signature_refused() -> None:
    sig = minisign.sign(FIXED_KEY, b"data", "c")
    lines = _lines(sig)
    lines[3] = _flip_char(lines[3], 10)
    with pytest.raises(AuthenticationError, match="trusted comment"):
        minisign.verify(FIXED_KEY.public_key, b"data", "\n".join(lines))


def test_tampered_trusted_comment_refused() -> None:
    sig = minisign.sign(FIXED_KEY, b"data", "seq=1")
    with pytest.raises(AuthenticationError, match="trusted comment"):
        minisign.verify(FIXED_KEY.public_key, b"data", sig.replace("seq=1", "seq=2"))


def test_wrong_key_id_names_both_keys() -> None:
    other = SigningKey(bytes(range(32)), bytes.fromhex("ffeeddccbbaa9988"))
    sig = minisign.sign(other, b"data", "c")
    with pytest.raises(AuthenticationError) as info:
        minisign.verify(FIXED_KEY.public_key, b"data", sig)
    assert str(info.value) == "signed by key 8899AABBCCDDEEFF, expected 0807060504030201"


def test_edited_key_id_refused_even_with_same_public_key() -> None:
    sig = minisign.sign(FIXED_KEY, b"data", "c")
    lines = _lines(sig)
    blob = bytearray(base64.b64decode(lines[1]))
    blob[5] ^= 0x40
    lines[1] = base64.b64encode(bytes(blob)).decode()
    with pytest.raises(AuthenticationError, match="signed by key"):
        minisign.verify(FIXED_KEY.public_key, b"data", "\n".join(lines))
    # and a public key that claims the edited id but holds the real key still fails: the id is only a hint
    forged = PublicKey(bytes(blob[2:10]), FIXED_KEY.public_key.public)
    assert minisign.verify(forged, b"data", "\n".join(lines)).key_id == bytes(blob[2:10])


def test_signature_by_other_key_with_same_id_refused() -> None:
    impostor = SigningKey(bytes(32), FIXED_KEY.key_id)
    sig = minisign.sign(impostor, b"data", "c")
    with pytest.raises(AuthenticationError):
        minisign.verify(FIXED_KEY.public_key, b"data", sig)


@pytest.mark.parametrize(
    "comment", ["two\nlines", "cr\r", "nul\x00", "tab\there", "bidi\u202eevil", "line\u2028sep", "del\x7f", "c1\x85"]
)
def test_trusted_comment_control_characters_refused_on_signing(comment: str) -> None:
    with pytest.raises(MalformedError):
        minisign.sign(FIXED_KEY, b"data", comment)


def test_trusted_comment_length_limit() -> None:
    limit = minisign.MAX_TRUSTED_COMMENT_BYTES
    sig = minisign.sign(FIXED_KEY, b"d", "x" * limit)
    assert minisign.verify(FIXED_KEY.public_key, b"d", sig).trusted_comment == "x" * limit
    with pytest.raises(MalformedError):
        minisign.sign(FIXED_KEY, b"d", "x" * (limit + 1))
    with pytest.raises(MalformedError):
        minisign.sign(FIXED_KEY, b"d", "c", untrusted_comment="u" * (minisign.MAX_UNTRUSTED_COMMENT_BYTES + 1))


def _legacy_signature(key: SigningKey, data: bytes, comment: str) -> str:
    sig = key.sign(data)
    global_sig = key.sign(sig + comment.encode())
    return (
        "untrusted comment: legacy\n"
        + base64.b64encode(b"Ed" + key.key_id + sig).decode()
        + f"\ntrusted comment: {comment}\n"
        + base64.b64encode(global_sig).decode()
        + "\n"
    )


def test_legacy_signature_refused() -> None:
    with pytest.raises(UnsupportedError, match="legacy"):
        minisign.verify(FIXED_KEY.public_key, b"data", _legacy_signature(FIXED_KEY, b"data", "c"))


def test_unknown_algorithm_refused() -> None:
    sig = minisign.sign(FIXED_KEY, b"data", "c")
    lines = _lines(sig)
    blob = base64.b64decode(lines[1])
    lines[1] = base64.b64encode(b"XX" + blob[2:]).decode()
    with pytest.raises(UnsupportedError):
        minisign.verify(FIXED_KEY.public_key, b"data", "\n".join(lines))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s.replace("untrusted comment: ", "comment: "),
        lambda s: s.replace("trusted comment: c", "trusted: c"),
        lambda s: "\n".join(_lines(s)[:3]),  # no global signature
        lambda s: s + "more\n",
        lambda s: s.replace("\n", "\n\n", 1),
        lambda s: s.replace("trusted comment: c", "trusted comment: c\x00hidden"),
        lambda s: s.replace("trusted comment: c", "trusted comment: c\rhidden"),
        lambda s: s.replace("trusted comment: c", "trusted comment: c\x1b[31m"),
        lambda s: _lines(s)[0] + "\n" + _lines(s)[1][:-2] + "\n" + "\n".join(_lines(s)[2:]),
        lambda s: _lines(s)[0] + "\n" + _lines(s)[1][:50] + "!" + _lines(s)[1][51:] + "\n" + "\n".join(_lines(s)[2:]),
        lambda s: "untrusted comment: " + "u" * 2000 + "\n" + "\n".join(_lines(s)[1:]),
        lambda s: "x" * (minisign.MAX_SIGNATURE_FILE_BYTES + 1),
        lambda s: "",
    ],
)
def test_malformed_signature_files_refused(mutate: object) -> None:
    sig = minisign.sign(FIXED_KEY, b"data", "c")
    assert callable(mutate)
    with pytest.raises(MalformedError):
        minisign.verify(FIXED_KEY.public_key, b"data", mutate(sig))


def test_invalid_utf8_trusted_comment_refused() -> None:
    sig = minisign.sign(FIXED_KEY, b"data", "c").encode()
    with pytest.raises(MalformedError, match="UTF-8"):
        minisign.verify(FIXED_KEY.public_key, b"data", sig.replace(b"comment: c", b"comment: \xff"))


def test_crlf_signature_file_accepted() -> None:
    sig = minisign.sign(FIXED_KEY, b"data", "c")
    assert minisign.verify(FIXED_KEY.public_key, b"data", sig.replace("\n", "\r\n")).trusted_comment == "c"


def test_digest_must_be_64_bytes() -> None:
    with pytest.raises(MalformedError):
        minisign.sign_digest(FIXED_KEY, b"\x00" * 32, "c")
    with pytest.raises(MalformedError):
        minisign.verify_digest(FIXED_KEY.public_key, b"\x00" * 32, minisign.sign(FIXED_KEY, b"", "c"))


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=2048),
    comment=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=80),
    flip=st.integers(min_value=0),
)
def test_any_single_bit_flip_in_signature_file_is_refused(data: bytes, comment: str, flip: int) -> None:
    sig = minisign.sign(FIXED_KEY, data, comment).encode()
    assert minisign.verify(FIXED_KEY.public_key, data, sig).trusted_comment == comment
    # Flip one bit anywhere in the signed parts (lines 2-4); the untrusted comment is, by design, not covered.
    start = sig.index(b"\n") + 1
    position = start + flip % (len(sig) - start - 1)  # keep the final newline
    tampered = bytearray(sig)
    tampered[position] ^= 1 << (flip % 8)
    with pytest.raises((AuthenticationError, MalformedError, UnsupportedError)):
        minisign.verify(FIXED_KEY.public_key, data, bytes(tampered))


# --- interop with stock minisign ----------------------------------------------------------------------------------


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert MINISIGN is not None
    return subprocess.run(
        [MINISIGN, *args], cwd=cwd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False
    )


@pytest.fixture
def stock_keys(tmp_path: Path) -> Path:
    """A key pair made by stock minisign, without a password."""
    result = _run("-G", "-W", "-p", "stock.pub", "-s", "stock.key", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


@needs_minisign
@pytest.mark.interop
def test_stock_minisign_verifies_our_signature_and_key_file(tmp_path: Path) -> None:
    key = SigningKey.generate()
    (tmp_path / "device.pub").write_text(minisign.format_public_key_file(key.public_key))
    data = b"\x00\x01 payload " * 10000
    (tmp_path / "payload.age").write_bytes(data)
    comment = "bundle=0190c1d2 seq=4 manifest=ab12 증언"
    with (tmp_path / "payload.age").open("rb") as stream:
        (tmp_path / "payload.age.minisig").write_text(minisign.sign(key, stream, comment))
    result = _run("-Vm", "payload.age", "-p", "device.pub", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Trusted comment: {comment}" in result.stdout
    # -H (prehashed signatures only) and the bare key form (-P) accept it too
    bare = minisign.format_public_key_base64(key.public_key)
    assert _run("-H", "-Vm", "payload.age", "-P", bare, cwd=tmp_path).returncode == 0
    quiet = _run("-QVm", "payload.age", "-p", "device.pub", cwd=tmp_path)
    assert quiet.stdout == comment + "\n"


@needs_minisign
@pytest.mark.interop
def test_stock_minisign_refuses_tampered_data_of_our_signature(tmp_path: Path) -> None:
    key = SigningKey.generate()
    (tmp_path / "device.pub").write_text(minisign.format_public_key_file(key.public_key))
    (tmp_path / "f").write_bytes(b"original")
    (tmp_path / "f.minisig").write_text(minisign.sign(key, b"original", "c"))
    (tmp_path / "f").write_bytes(b"origina1")
    assert _run("-Vm", "f", "-p", "device.pub", cwd=tmp_path).returncode != 0


@needs_minisign
@pytest.mark.interop
def test_we_verify_stock_signature_and_parse_stock_key(stock_keys: Path) -> None:
    data = bytes(range(256)) * 300
    (stock_keys / "file.bin").write_bytes(data)
    comment = "made by stock minisign 한글"
    result = _run("-S", "-s", "stock.key", "-m", "file.bin", "-t", comment, cwd=stock_keys)
    assert result.returncode == 0, result.stderr
    pk_text = (stock_keys / "stock.pub").read_text()
    pk = minisign.parse_public_key_file(pk_text)
    # Our file for the same key is the same bytes stock minisign wrote (comment included).
    assert minisign.format_public_key_file(pk) == pk_text
    sig = (stock_keys / "file.bin.minisig").read_bytes()
    with (stock_keys / "file.bin").open("rb") as stream:
        verified = minisign.verify(pk, stream, sig)
    assert verified.trusted_comment == comment
    assert verified.key_id == pk.key_id
    tampered = bytearray(data)
    tampered[-1] ^= 0x80
    with pytest.raises(AuthenticationError):
        minisign.verify(pk, bytes(tampered), sig)
    with pytest.raises(AuthenticationError, match="signed by key"):
        minisign.verify(SigningKey.generate().public_key, data, sig)


@needs_minisign
@pytest.mark.interop
def test_we_verify_stock_default_trusted_comment_with_tabs(stock_keys: Path) -> None:
    (stock_keys / "f").write_bytes(b"x")
    assert _run("-S", "-s", "stock.key", "-m", "f", cwd=stock_keys).returncode == 0
    pk = minisign.parse_public_key_file((stock_keys / "stock.pub").read_bytes())
    verified = minisign.verify(pk, b"x", (stock_keys / "f.minisig").read_text())
    assert verified.trusted_comment.startswith("timestamp:")
    assert verified.trusted_comment.endswith("\tfile:f\thashed")


@needs_minisign
@pytest.mark.interop
def test_stock_legacy_signature_refused(stock_keys: Path) -> None:
    (stock_keys / "f").write_bytes(b"x")
    assert _run("-S", "-l", "-s", "stock.key", "-m", "f", cwd=stock_keys).returncode == 0
    pk = minisign.parse_public_key_file((stock_keys / "stock.pub").read_bytes())
    with pytest.raises(UnsupportedError):
        minisign.verify(pk, b"x", (stock_keys / "f.minisig").read_text())
