"""Values stated in docs/bundle-format.md are checked against the code, so the specification cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crypto.signing import PublicKey, fingerprint

DOC_DIR = Path(__file__).resolve().parents[2] / "docs"
DOC = (DOC_DIR / "bundle-format.md").read_text(encoding="utf-8")


def test_fingerprint_worked_example_matches_the_code() -> None:
    m = re.search(r"`pk = 20 21 … 3f` gives `([0-9 ]{47})`", DOC)
    assert m is not None
    assert fingerprint(PublicKey(bytes(range(8)), bytes(range(32, 64)))) == m[1]


def test_audit_action_vocabulary_lists_every_action_the_code_writes() -> None:
    section = DOC.split("**Audit `action` vocabulary**", 1)[1]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    root = Path(__file__).resolve().parents[2] / "intake_app"
    written: set[str] = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r"audit\.append\(\"([a-z_]+)\"", text))
        written |= set(re.findall(r"_custody\(sha256, \"[a-z]+\", \"([a-z_]+)\"\)", text))
        for pair in re.findall(r"action = \"([a-z_]+)\" if head_ids else \"([a-z_]+)\"", text):
            written |= set(pair)
    assert written and written <= documented, written - documented


def test_merkle_root_table_matches_the_code() -> None:
    from crypto import merkle

    doc = (DOC_DIR / "formats" / "minisign-and-checkpoint.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([1-8]) \| `([0-9a-f]{64})` \|$", doc, re.MULTILINE)
    entries = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    leaves = [merkle.leaf_hash(bytes.fromhex(e)) for e in entries]
    assert [int(n) for n, _ in rows] == list(range(1, 9))
    assert all(merkle.root(leaves[: int(n)]).hex() == value for n, value in rows)


def test_manifest_example_is_exactly_canonical() -> None:
    from intake_app.bundles import format as bf

    example = DOC.split("<!-- canonical-manifest-example -->", 1)[1].split("```json\n", 1)[1].split("\n", 1)[0].strip()
    data = example.encode("utf-8")
    assert bf.parse_manifest(data).to_bytes() == data


def test_device_bound_record_id_vectors_match_the_code() -> None:
    """bundle-format.md §3.1: every row of the test-vector table, recomputed."""
    import hashlib

    from intake_app.records import ids

    section = DOC.split("### 3.1 Record ids bound", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(0x[0-9a-f]+|0)` \| ([^|]+) \| (?:`([0-9a-f]{64})` )?→ `([0-9a-f-]{36})`", section, re.M)
    assert len(rows) == 4
    first = PublicKey(bytes(range(8)), bytes(range(32, 64)))
    other = PublicKey(bytes(range(1, 9)), bytes(range(32, 64)))
    ms = 0x0190A1B2C3D4
    for rand, key_text, digest, record_id in rows:
        key = other if "01 02" in key_text else first
        assert ids.bound_record_id(key, ms, int(rand, 16)) == record_id
        assert ids.is_device_bound(record_id) and ids.bound_to(record_id, key)
        assert ids.bound_to(record_id, other if key is first else first) is False
        if digest:
            data = ids.RECORD_ID_DOMAIN + key.key_id + key.public + ms.to_bytes(6, "big") + int(rand, 16).to_bytes(4, "big")
            assert len(data) == 80 and hashlib.sha256(data).hexdigest() == digest
    assert not ids.is_device_bound(ids.uuid7())


# ---- issue 25 §3: each decision, the sentence that states it, and the code that keeps it -----------------------------
BYTES_DOC = (DOC_DIR / "formats" / "bundle-bytes.md").read_text(encoding="utf-8")
CORPUS_INDEX = (DOC_DIR / "conformance" / "index.json").read_text(encoding="utf-8")


def _says(doc: str, text: str) -> None:
    assert " ".join(text.split()) in " ".join(doc.split()), text


def _corpus_refuses(case_id: str) -> None:
    import json

    case = next(c for c in json.loads(CORPUS_INDEX)["cases"] if c["id"] == case_id)
    assert case["expect"] == "refuse"  # tests/test_conformance.py runs it


def _signature(comment: str = "testimony-intake checkpoint x", first: str = "testimony-intake log checkpoint") -> bytes:
    from crypto import minisign
    from crypto.signing import SigningKey

    key = SigningKey(bytes(32), bytes(range(8)))
    return minisign.sign(key, b"data", comment, first).encode("ascii")


def test_a_untrusted_comment_is_fixed_and_checked() -> None:
    from intake_app.bundles import format as bf
    from intake_app.bundles.verify import BundleRefused, _expect_untrusted_comment

    _says(DOC, "readers **check** it, byte for byte, in all three")
    _says(BYTES_DOC, "A verifier **must check** them, byte for byte, and the reference one does")
    sig = _signature()
    _expect_untrusted_comment(sig, bf.CHECKPOINT_SIG_COMMENT)
    with pytest.raises(BundleRefused, match="first line"):
        _expect_untrusted_comment(sig.replace(b"log checkpoint", b"log CHECKPOINT"), bf.CHECKPOINT_SIG_COMMENT)
    _corpus_refuses("untrusted-comment-changed")


def test_b_minisig_lines_end_in_lf_only() -> None:
    from intake_app.bundles import format as bf
    from intake_app.bundles.verify import BundleRefused, _expect_untrusted_comment

    _says(BYTES_DOC, "exactly the 4 lines, each ending in one LF: a CR anywhere, a missing final LF, an empty or extra"
                     " line is refused")
    sig = _signature()
    first, rest = sig.split(b"\n", 1)
    for bad in (first + b"\n" + rest.replace(b"\n", b"\r\n"), sig[:-1], sig + b"\n", sig.replace(b"\n", b"\r\n")):
        assert not bf.is_strict_signature(bad, bf.CHECKPOINT_SIG_COMMENT)
        with pytest.raises(BundleRefused):
            _expect_untrusted_comment(bad, bf.CHECKPOINT_SIG_COMMENT)
    assert bf.is_strict_signature(sig, bf.CHECKPOINT_SIG_COMMENT)
    _corpus_refuses("minisig-crlf")
    _corpus_refuses("minisig-no-final-lf")


def test_c_leaves_limit_is_32_times_one_million() -> None:
    from intake_app.bundles import format as bf

    _says(DOC, "leaves ≤ 32 × 1 000 000 = 32 000 000 bytes")
    assert bf.MAX_LEAVES == 32_000_000 == 32 * bf.MAX_LOG_LEAVES


def test_d_unknown_audit_action_is_refused() -> None:
    _says(DOC, "The importer **refuses** a bundle with an audit line whose action is not in this list")
    _corpus_refuses("audit-unknown-action")


def test_e_bundle_time_has_exactly_six_fraction_digits() -> None:
    from crypto.errors import MalformedError
    from intake_app.bundles import format as bf

    _says(DOC, "with **exactly 6** fraction digits (27 characters;")
    assert bf.is_export_time("2026-03-01T09:30:00.123456Z")
    for bad in ("2026-03-01T09:30:00Z", "2026-03-01T09:30:00.123456789Z", "2026-03-01T09:30:00.1Z",
                "2026-02-30T09:30:00.123456Z"):
        assert not bf.is_export_time(bad)
        text = (f"testimony-intake bundle v1 id=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b device=9AA1B994109A5142 seq=1"
                f" manifest={'a' * 64} log=1:{'A' * 43}= created={bad}")
        with pytest.raises(MalformedError):
            bf.OuterComment.parse(text)
    _corpus_refuses("created-nine-fraction-digits")
    _corpus_refuses("created-no-fraction")


def _manifest(files: list[dict[str, object]]) -> bytes:
    import json

    example = json.loads(DOC.split("<!-- canonical-manifest-example -->", 1)[1].split("```json\n", 1)[1]
                         .split("\n", 1)[0])
    example["files"] = files
    from intake_app.bundles import format as bf

    return bf.canonical(example)


def test_f_file_entries_fit_the_inner_member_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from crypto.errors import MalformedError
    from intake_app.bundles import format as bf

    _says(DOC, "`files` has at most 999 998 entries")
    assert bf.MAX_FILE_ENTRIES == 999_998 == bf.MAX_INNER_MEMBERS - 2 and bf.MAX_INNER_MEMBERS == 1_000_000
    tail = [{"path": "attachments.json", "sha256": "a" * 64, "size": 2},
            {"path": "audit.jsonl", "sha256": "a" * 64, "size": 1}]
    revs = [{"path": f"revisions/{i:064x}.json", "sha256": "a" * 64, "size": 1} for i in range(8)]
    monkeypatch.setattr(bf, "MAX_FILE_ENTRIES", 9)  # the same comparison, on a list small enough to test quickly
    with pytest.raises(MalformedError, match="file list"):
        bf.parse_manifest(_manifest([*revs, *tail]))
    assert len(bf.parse_manifest(_manifest([*revs[1:], *tail])).files) == 9


def test_max_audit_file_is_enforced_from_the_manifest() -> None:
    from crypto.errors import MalformedError
    from intake_app.bundles import format as bf

    _says(DOC, "`audit.jsonl` 256 MiB); a larger one is refused when the manifest is read, before the member")
    assert bf.MAX_AUDIT_FILE == 256 << 20
    files = [{"path": "attachments.json", "sha256": "a" * 64, "size": 2},
             {"path": "audit.jsonl", "sha256": "a" * 64, "size": bf.MAX_AUDIT_FILE}]
    assert bf.parse_manifest(_manifest(files)).files[-1].size == bf.MAX_AUDIT_FILE
    files[-1]["size"] = bf.MAX_AUDIT_FILE + 1
    with pytest.raises(MalformedError, match=re.escape("audit.jsonl")):
        bf.parse_manifest(_manifest(files))
    files[-1]["size"] = 1
    files.insert(0, {"path": f"revisions/{'b' * 64}.json", "sha256": "a" * 64, "size": bf.MAX_REVISION_FILE + 1})
    with pytest.raises(MalformedError, match="revisions/"):
        bf.parse_manifest(_manifest(files))


def test_g_a_link_names_the_bundles_device() -> None:
    _says(DOC, "A link's `device` must be the bundle's device, as for revisions")
    _corpus_refuses("link-other-device")


def test_h_media_type_characters() -> None:
    from intake_app.bundles import importer

    m = re.search(r"`media_type` matches exactly\s+`([^`]+)`", DOC)
    assert m is not None and m[1] == importer._MEDIA_TYPE.pattern
    for ok in ("image/png", "application/vnd.oasis.opendocument.text", "audio/x-m4a"):
        assert importer._MEDIA_TYPE.fullmatch(ok)
    for bad in ("Image/PNG", "text/plain;charset=utf-8", "text/plain ", "image", "a/b/c", "이미지/png"):
        assert not importer._MEDIA_TYPE.fullmatch(bad)
    _corpus_refuses("media-type-upper-case")
    _corpus_refuses("media-type-parameter")


def test_i_non_nfc_name_is_refused_not_normalised() -> None:
    from intake_app.bundles.importer import MAX_NAME, is_line

    _says(DOC, "a name that is not in NFC is **refused, not normalised**")
    assert is_line("caf\u00e9.png", MAX_NAME) and not is_line("cafe\u0301.png", MAX_NAME)
    _corpus_refuses("attachment-name-not-nfc")


def test_j_log_limit_applies_without_the_hq_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from crypto.signing import PublicKey as _Key  # noqa: F401 - the verifier's key type
    from intake_app.bundles import format as bf
    from intake_app.bundles.keyring import parse_device_key_file, read_key_file
    from intake_app.bundles.verify import BundleRefused, pinned, verify_outer

    _says(DOC, "by the verifier without HQ's key too (§4), before it reads `leaves`")
    corpus = DOC_DIR / "conformance"
    key = parse_device_key_file(read_key_file(corpus / "keys" / "device-a.TEST-ONLY.pub"))
    bundle = corpus / "bundles" / "valid-bundle-1.bundle.tar"
    size = verify_outer(bundle, pinned(key)).comment.log_size
    monkeypatch.setattr(bf, "MAX_LOG_LEAVES", size - 1)  # the real limit, scaled down to this small real bundle
    with pytest.raises(BundleRefused, match="more than"):
        verify_outer(bundle, pinned(key))


def test_k_del_is_refused_in_trusted_comments() -> None:
    import base64
    import hashlib

    from crypto import minisign
    from crypto.errors import MalformedError
    from crypto.signing import SigningKey

    minisign_doc = (DOC_DIR / "formats" / "minisign-and-checkpoint.md").read_text(encoding="utf-8")
    _says(minisign_doc, "**and DEL (0x7F) is refused too**")
    key = SigningKey(bytes(32), bytes(range(8)))
    for comment, ok in ((b"plain comment", True), (b"del\x7fhere", False)):
        sig = key.sign(hashlib.blake2b(b"data").digest())
        text = (b"untrusted comment: x\n" + base64.b64encode(b"ED" + key.public_key.key_id + sig) + b"\n"
                + b"trusted comment: " + comment + b"\n" + base64.b64encode(key.sign(sig + comment)) + b"\n")
        if ok:
            assert minisign.verify(key.public_key, b"data", text).trusted_comment == comment.decode()
        else:
            with pytest.raises(MalformedError, match="control"):
                minisign.verify(key.public_key, b"data", text)
