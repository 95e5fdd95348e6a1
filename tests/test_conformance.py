"""The conformance corpus (docs/conformance/): the project gives every case its stated verdict, and the corpus is
complete and honest about its keys. Rebuild it with ``python -m tools.conformance docs/conformance``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import REPO
from tools.conformance import run_case

CORPUS = REPO / "docs" / "conformance"
INDEX = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = INDEX["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_gets_its_verdict(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_KDF_PROFILE", "fast")
    assert run_case(CORPUS, case) is None


def test_every_file_is_in_the_index_and_every_case_names_existing_files() -> None:
    named = {INDEX["test_only_keys"][k] for k in INDEX["test_only_keys"]}
    for case in CASES:
        named.add(case["file"])
        for key in ("signature", "signed_by"):
            if key in case:
                named.add(case[key])
        assert case["expect"] in ("accept", "refuse") and case["reason"]
        assert all(a in {c["id"] for c in CASES} for a in case.get("after", []))
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()} - {"index.json", "README.md"}
    assert on_disk == named
    kinds = {c["kind"] for c in CASES}
    assert kinds == {"bundle", "hq-key-file", "device-key-file", "checkpoint", "update"}
    assert {c["expect"] for c in CASES if c["kind"] == "bundle"} == {"accept", "refuse"}
    assert {c["expect"] for c in CASES if c["kind"] == "update"} == {"accept", "refuse"}


def test_refused_checkpoints_are_validly_signed_so_the_line_rule_is_what_refuses_them() -> None:
    """Issue 25: checkpoint-crlf and checkpoint-no-final-lf once reused the valid checkpoint's signature, so the
    signature check refused them and the line-ending rule was never tested."""
    from crypto import minisign
    from intake_app.bundles.keyring import parse_device_key_file, read_key_file

    key = parse_device_key_file(read_key_file(CORPUS / "keys" / "device-a.TEST-ONLY.pub"))
    for case in ("checkpoint-crlf", "checkpoint-no-final-lf"):
        text = (CORPUS / "checkpoints" / f"{case}.checkpoint").read_bytes()
        sig = (CORPUS / "checkpoints" / f"{case}.checkpoint.minisig").read_bytes()
        assert minisign.verify(key, text, sig).trusted_comment.startswith("testimony-intake checkpoint ")


def test_every_decision_of_issue_25_has_a_case() -> None:
    ids = {c["id"] for c in CASES}
    assert {"untrusted-comment-changed", "minisig-crlf", "minisig-no-final-lf", "audit-unknown-action",
            "created-nine-fraction-digits", "created-no-fraction", "link-other-device", "media-type-upper-case",
            "media-type-parameter", "attachment-name-not-nfc", "first-version-of-another-devices-record",
            "update-sig-crlf", "update-sig-no-final-lf", "update-chain-starts-at-2", "update-revokes-itself",
            "update-version-true", "update-time-not-real", "update-receipt-number-too-large",
            "update-number-too-far", "update-key-change-restarts-numbers"} <= ids


def test_keys_are_marked_test_only() -> None:
    for rel in INDEX["test_only_keys"].values():
        path = CORPUS / rel
        assert "TEST-ONLY" in path.name
        assert "TEST ONLY" in path.read_text(encoding="utf-8").splitlines()[0]
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert "TEST ONLY" in readme and all(c["id"] in readme for c in CASES)
