"""Fuzzing the parsers that read hostile input: only the project's clean errors, never another exception."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crypto import keyslots, minisign
from crypto.errors import CryptoError
from intake_app.bundles import format as bundle_format
from intake_app.bundles import keyring
from intake_app.bundles.ustar import TarReader, TarWriter
from intake_app.errors import IntakeError
from intake_app.records import interchange

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLEAN = (CryptoError, IntakeError)
GOOD = Path(__file__).resolve().parents[1] / "data" / "interchange" / "good"


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, and the seed with flips, cuts, insertions and splices."""
    def mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
        buf = bytearray(data)
        for kind, raw_pos, val in ops:
            if not buf:
                break
            pos = raw_pos % len(buf)
            if kind == 0:
                buf[pos] ^= (val % 255) + 1
            elif kind == 1:
                del buf[pos:]
            elif kind == 2:
                buf[pos:pos] = bytes([val % 256]) * (val % 7 + 1)
            else:
                buf[pos : pos + 1] = b""
        return bytes(buf)

    ops = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 1 << 16)), max_size=6)
    return st.one_of(st.binary(max_size=2048), st.builds(mutate, st.just(seed), ops))


_SLOTS = keyslots.KeySlotFile.create("v", bytes(32), "pw", bytes(32),
                                     __import__("crypto.kdf", fromlist=["x"]).PROFILES["fast"]).to_bytes()


@FUZZ
@given(_mutations(_SLOTS))
def test_keyslot_parser(data: bytes) -> None:
    with contextlib.suppress(CLEAN):
        keyslots.KeySlotFile.parse(data).unlock_with_passphrase("pw")


_PUB = (b"untrusted comment: minisign public key 1C2DD1E4E5B3A8F1\n"
        b"RWTxqLPl5NEtHHyyqGD8xWhbKmm/IIGJ6KbdBf6FjNGWaSjyr7HDTsZO\n")


@FUZZ
@given(_mutations(_PUB))
def test_key_files(data: bytes) -> None:
    for parse in (minisign.parse_public_key_file, keyring.parse_device_key_file):
        with contextlib.suppress(CLEAN):
            parse(data.decode("utf-8", "replace"))
    with contextlib.suppress(CLEAN):
        keyring.parse_hq_key_file(data.decode("utf-8", "replace"))


_JSON = (GOOD / "rich.json").read_bytes()


@FUZZ
@given(_mutations(_JSON))
def test_interchange(data: bytes) -> None:
    with contextlib.suppress(CLEAN):
        interchange.parse_testimony(data)


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=5),
                    max_leaves=30))
def test_interchange_shapes(obj: object) -> None:
    base = json.loads(_JSON)
    for key in ("interview", "victims", "consent", "interviewee"):
        doc = dict(base, **{key: obj})
        with contextlib.suppress(CLEAN):
            interchange.validate(doc)


def _tar() -> bytes:
    out = io.BytesIO()
    w = TarWriter(out)
    w.add_bytes("manifest.json", b'{"a":1}')
    w.add_bytes("revisions/x.json", b"y" * 700)
    w.close()
    return out.getvalue()


@FUZZ
@given(_mutations(_tar()))
def test_tar_reader(data: bytes) -> None:
    reader = TarReader(io.BytesIO(data), max_members=10)
    try:
        for _ in reader.members():
            reader.read_all(1 << 20)
        reader.finish()
    except CLEAN:
        pass


_MANIFEST = bundle_format.Manifest(
    "01a217c0-6aa0-7fab-84d8-419ad8a3b63d", "D9328BD9506757E1", 2, "a" * 64, "2026-11-26T12:06:55.904270Z",
    ("age1qqqq",), 4, bytes(32), (bundle_format.FileEntry("audit.jsonl", 10, "b" * 64),)).to_bytes()


@FUZZ
@given(_mutations(_MANIFEST))
def test_manifest_parser(data: bytes) -> None:
    with contextlib.suppress(CLEAN):
        bundle_format.parse_manifest(data)


@pytest.mark.parametrize("root", ["\u00c1", 4, "=" * 44])
def test_a_manifest_root_that_is_not_base64_text_is_refused_cleanly(root: object) -> None:
    """Found by the fuzzer above once: a non-ASCII root made base64 raise a bare ValueError."""
    doc = json.loads(_MANIFEST)
    doc["checkpoint"]["root"] = root
    data = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    with pytest.raises(CLEAN, match="bad checkpoint root"):
        bundle_format.parse_manifest(data)


@pytest.mark.parametrize("text", ["", "x", "testimony-intake bundle v1 id=… device=… seq=0"])
def test_outer_comment_rejects(text: str) -> None:
    with pytest.raises(CryptoError):
        bundle_format.OuterComment.parse(text)
