"""Values stated in docs/bundle-format.md are checked against the code, so the specification cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

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
