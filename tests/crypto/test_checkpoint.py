"""Signed log checkpoints and the leaves file: strict parsing, signatures, root recomputation, append-only growth."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import checkpoint, merkle, minisign
from crypto.checkpoint import Checkpoint
from crypto.errors import AuthenticationError, MalformedError
from crypto.signing import SigningKey
from tests.conftest import needs_tools

MINISIGN = shutil.which("minisign")
KEY = SigningKey(bytes(range(32)), bytes.fromhex("0102030405060708"))
ORIGIN = checkpoint.device_origin(KEY.public_key)


def leaves_of(n: int) -> list[bytes]:
    return [merkle.leaf_hash(f"audit entry {i}".encode()) for i in range(n)]


def cp_for(leaves: list[bytes], extensions: tuple[str, ...] = ()) -> Checkpoint:
    return Checkpoint(ORIGIN, len(leaves), merkle.root(leaves), extensions)


# --- text format --------------------------------------------------------------------------------------------------


def test_text_layout_and_round_trip() -> None:
    cp = cp_for(leaves_of(5), ("extension one", "x"))
    text = cp.to_text()
    assert text == (
        "testimony-intake/device/0807060504030201\n5\n" + base64.b64encode(cp.root).decode() + "\nextension one\nx\n"
    )
    assert checkpoint.parse(text) == cp
    assert checkpoint.parse(text.encode()) == cp


def test_empty_log_checkpoint() -> None:
    cp = Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT)
    assert cp.to_text().split("\n")[1:3] == ["0", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="]
    assert checkpoint.parse(cp.to_text()) == cp


@pytest.mark.parametrize(
    "text",
    [
        "",
        "origin\n1\n",  # no root
        "origin\n1\n" + "A" * 43 + "=",  # no final newline
        "\n1\n" + "A" * 43 + "=\n",  # empty origin
        "has space\n1\n" + "A" * 43 + "=\n",
        "has+plus\n1\n" + "A" * 43 + "=\n",
        "origin\n01\n" + "A" * 43 + "=\n",  # leading zero
        "origin\n+1\n" + "A" * 43 + "=\n",
        "origin\n-1\n" + "A" * 43 + "=\n",
        "origin\n 1\n" + "A" * 43 + "=\n",
        "origin\n1.0\n" + "A" * 43 + "=\n",
        "origin\n١\n" + "A" * 43 + "=\n",  # Arabic-Indic digit: int() would take it
        "origin\n18446744073709551616\n" + "A" * 43 + "=\n",  # 2^64
        "origin\n1\n" + "A" * 42 + "==\n",  # 31 bytes
        "origin\n1\n" + "A" * 44 + "\n",  # 33 bytes
        "origin\n1\n" + "A" * 42 + "B=\n",  # non-canonical: stray low bits
        "origin\n1\n" + "A" * 42 + "!=\n",
        "origin\n1\n" + "A" * 43 + "=\n\n",  # empty extension line (C2SP note separator)
        "origin\n1\n" + "A" * 43 + "=\nbad\textension\n",
        "origin\r\n1\n" + "A" * 43 + "=\n",
        "orígin\n1\n" + "A" * 43 + "=\n",  # not ASCII
        "origin\n1\n" + "A" * 43 + "=\n" + "e\n" * 17,  # too many extensions
        "origin\n1\n" + "A" * 43 + "=\n" + "e" * 1025 + "\n",
        "o" * 256 + "\n1\n" + "A" * 43 + "=\n",
        "o" * (checkpoint.MAX_CHECKPOINT_BYTES + 1),
    ],
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(MalformedError):
        checkpoint.parse(text)
    if text.isascii():
        with pytest.raises(MalformedError):
            checkpoint.parse(text.encode())


def test_largest_size_accepted() -> None:
    text = "origin\n18446744073709551615\n" + "A" * 43 + "=\n"
    assert checkpoint.parse(text).size == 2**64 - 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"origin": ""},
        {"size": -1},
        {"size": True},
        {"size": 2**64},
        {"root": b"\x00" * 31},
        {"extensions": ("",)},
        {"extensions": ("line\nbreak",)},
    ],
)
def test_constructor_validates(kwargs: dict[str, object]) -> None:
    fields: dict[str, object] = {"origin": ORIGIN, "size": 1, "root": b"\x00" * 32, "extensions": ()}
    fields.update(kwargs)
    with pytest.raises(MalformedError):
        Checkpoint(**fields)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    origin=st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters="+"), min_size=1, max_size=60
    ),
    size=st.integers(min_value=0, max_value=2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40), max_size=4
    ),
)
def test_round_trip_property(origin: str, size: int, root: bytes, extensions: list[str]) -> None:
    cp = Checkpoint(origin, size, root, tuple(extensions))
    text = cp.to_text()
    assert checkpoint.parse(text) == cp
    assert checkpoint.parse(text).to_text() == text


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=300))
def test_parse_never_crashes_on_garbage(raw: bytes) -> None:
    try:
        cp = checkpoint.parse(raw)
    except MalformedError:
        return
    assert cp.to_text().encode() == raw  # whatever parses is canonical


# --- signed checkpoints -------------------------------------------------------------------------------------------


def test_sign_and_verify_checkpoint() -> None:
    cp = cp_for(leaves_of(9))
    text, sig = checkpoint.sign_checkpoint(KEY, cp)
    assert text == cp.to_text()
    assert checkpoint.verify_checkpoint(KEY.public_key, text, sig) == cp
    assert checkpoint.verify_checkpoint(KEY.public_key, text.encode(), sig.encode()) == cp
    verified = minisign.verify(KEY.public_key, text.encode(), sig)
    assert verified.trusted_comment == checkpoint.trusted_comment_for(cp)
    assert str(cp.size) in verified.trusted_comment


def test_tampered_checkpoint_refused() -> None:
    cp = cp_for(leaves_of(9))
    text, sig = checkpoint.sign_checkpoint(KEY, cp)
    with pytest.raises(AuthenticationError):
        checkpoint.verify_checkpoint(KEY.public_key, text.replace("\n9\n", "\n8\n"), sig)
    with pytest.raises(AuthenticationError):
        checkpoint.verify_checkpoint(KEY.public_key, text + "appended extension\n", sig)
    with pytest.raises(AuthenticationError):
        checkpoint.verify_checkpoint(SigningKey.generate().public_key, text, sig)


def test_signature_made_for_another_purpose_refused() -> None:
    cp = cp_for(leaves_of(3))
    text = cp.to_text()
    # A valid signature by the right key over the same bytes, but made for something else (e.g. a bundle payload).
    sig = minisign.sign(KEY, text.encode(), "bundle=1 seq=1")
    with pytest.raises(AuthenticationError, match="not made for this checkpoint"):
        checkpoint.verify_checkpoint(KEY.public_key, text, sig)


def test_checkpoint_of_another_log_refused() -> None:
    cp = Checkpoint("testimony-intake/device/FFFFFFFFFFFFFFFF", 3, merkle.root(leaves_of(3)))
    text, sig = checkpoint.sign_checkpoint(KEY, cp)
    with pytest.raises(AuthenticationError, match="expected"):
        checkpoint.verify_checkpoint(KEY.public_key, text, sig)
    assert checkpoint.verify_checkpoint(KEY.public_key, text, sig, expected_origin=cp.origin) == cp


@pytest.mark.interop
@needs_tools("minisign")
def test_stock_minisign_verifies_checkpoint(tmp_path: Path) -> None:
    cp = cp_for(leaves_of(4))
    text, sig = checkpoint.sign_checkpoint(KEY, cp)
    (tmp_path / "checkpoint").write_text(text)
    (tmp_path / "checkpoint.minisig").write_text(sig)
    (tmp_path / "device.pub").write_text(minisign.format_public_key_file(KEY.public_key))
    assert MINISIGN is not None
    result = subprocess.run(
        [MINISIGN, "-Vm", "checkpoint", "-p", "device.pub"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"Trusted comment: {checkpoint.trusted_comment_for(cp)}" in result.stdout


# --- leaves -------------------------------------------------------------------------------------------------------


def test_verify_leaves_bytes_and_stream() -> None:
    leaves = leaves_of(37)
    cp = cp_for(leaves)
    blob = checkpoint.leaves_bytes(leaves)
    checkpoint.verify_leaves(cp, blob)
    checkpoint.verify_leaves(cp, io.BytesIO(blob))
    checkpoint.verify_leaves(Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT), b"")


class TrickleReader:
    """A stream that returns at most 7 bytes per read, as a pipe or a slow device may."""

    def __init__(self, data: bytes) -> None:
        self._stream = io.BytesIO(data)

    def read(self, size: int) -> bytes:
        return self._stream.read(min(size, 7))


def test_verify_leaves_short_reads() -> None:
    leaves = leaves_of(10)
    checkpoint.verify_leaves(cp_for(leaves), TrickleReader(checkpoint.leaves_bytes(leaves)))


def test_verify_leaves_refusals() -> None:
    leaves = leaves_of(12)
    cp = cp_for(leaves)
    blob = checkpoint.leaves_bytes(leaves)
    with pytest.raises(MalformedError, match="32-byte"):
        checkpoint.verify_leaves(cp, blob + b"\x00")
    with pytest.raises(MalformedError, match="32-byte"):
        checkpoint.verify_leaves(cp, io.BytesIO(blob[:-1]))
    with pytest.raises(AuthenticationError, match="11 entries"):
        checkpoint.verify_leaves(cp, blob[:-32])
    with pytest.raises(AuthenticationError, match="more than"):
        checkpoint.verify_leaves(cp, blob + leaves[0])
    tampered = bytearray(blob)
    tampered[100] ^= 0x04
    with pytest.raises(AuthenticationError, match="root"):
        checkpoint.verify_leaves(cp, bytes(tampered))
    swapped = leaves[1] + leaves[0] + blob[64:]
    with pytest.raises(AuthenticationError, match="root"):
        checkpoint.verify_leaves(cp, swapped)


def test_verify_leaves_stops_reading_an_endless_stream() -> None:
    class Endless:
        reads = 0

        def read(self, size: int) -> bytes:
            self.reads += 1
            return b"\x00" * size

    stream = Endless()
    with pytest.raises(AuthenticationError, match="more than"):
        checkpoint.verify_leaves(cp_for(leaves_of(3)), stream)
    assert stream.reads == 1


def test_prefix_growth() -> None:
    leaves = leaves_of(20)
    old, new = checkpoint.leaves_bytes(leaves[:8]), checkpoint.leaves_bytes(leaves)
    assert checkpoint.is_prefix_growth(old, new)
    assert checkpoint.is_prefix_growth(io.BytesIO(old), TrickleReader(new))
    assert checkpoint.is_prefix_growth(new, new)
    assert checkpoint.is_prefix_growth(b"", new)
    assert not checkpoint.is_prefix_growth(new, old)  # shrank
    rewritten = bytearray(new)
    rewritten[5 * 32] ^= 1
    assert not checkpoint.is_prefix_growth(old, bytes(rewritten))  # leaf 5 of the old 8 changed
    assert not checkpoint.is_prefix_growth(old, leaves[0] + new)  # inserted at the front
    with pytest.raises(MalformedError):
        checkpoint.is_prefix_growth(old + b"\x01", new)
    with pytest.raises(MalformedError):
        checkpoint.is_prefix_growth(old, new + b"\x01")


def test_prefix_growth_agrees_with_consistency_proof() -> None:
    """The auditor's two ways to check growth (all leaves, or a proof against the old root) agree."""
    leaves = leaves_of(21)
    old_cp, new_cp = cp_for(leaves[:13]), cp_for(leaves)
    proof = merkle.consistency_proof(leaves, old_cp.size)
    assert merkle.verify_consistency(old_cp.size, new_cp.size, old_cp.root, new_cp.root, proof)
    forked = [*leaves[:12], merkle.leaf_hash(b"fork"), *leaves[13:]]
    assert not checkpoint.is_prefix_growth(checkpoint.leaves_bytes(leaves[:13]), checkpoint.leaves_bytes(forked))
    assert not merkle.verify_consistency(
        old_cp.size, new_cp.size, old_cp.root, merkle.root(forked), merkle.consistency_proof(forked, 13)
    )


def test_leaves_bytes_refuses_wrong_length() -> None:
    with pytest.raises(MalformedError):
        checkpoint.leaves_bytes([b"\x00" * 31])


# --- the worked example in the format documentation ---------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "minisign-and-checkpoint.md"


def _documented_files() -> dict[str, str]:
    blocks = re.findall(r"<!-- file: (\S+) -->\n```\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return dict(blocks)


def test_documented_example_verifies(tmp_path: Path) -> None:
    """The files an auditor is told to copy out of the docs verify, and the printed hashes are the real ones."""
    files = _documented_files()
    assert set(files) == {"device.pub", "checkpoint", "checkpoint.minisig", "leaves.b64"}
    pk = minisign.parse_public_key_file(files["device.pub"])
    cp = checkpoint.verify_checkpoint(pk, files["checkpoint"], files["checkpoint.minisig"])
    leaves = base64.b64decode(files["leaves.b64"])
    assert leaves == merkle.leaf_hash(b"example entry 1") + merkle.leaf_hash(b"example entry 2")
    checkpoint.verify_leaves(cp, leaves)
    doc = DOC.read_text(encoding="utf-8")
    assert f"{cp.root.hex()}  -" in doc
    assert f"{merkle.leaf_hash(b'example entry 1').hex()}  -" in doc
    assert leaves.hex() in doc
    if MINISIGN is not None:
        for name, content in files.items():
            (tmp_path / name).write_text(content)
        result = subprocess.run(
            [MINISIGN, "-Vm", "checkpoint", "-p", "device.pub"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout in doc
