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
    assert kinds == {"bundle", "hq-key-file", "device-key-file", "checkpoint"}
    assert {c["expect"] for c in CASES if c["kind"] == "bundle"} == {"accept", "refuse"}


def test_keys_are_marked_test_only() -> None:
    for rel in INDEX["test_only_keys"].values():
        path = CORPUS / rel
        assert "TEST-ONLY" in path.name
        assert "TEST ONLY" in path.read_text(encoding="utf-8").splitlines()[0]
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert "TEST ONLY" in readme and all(c["id"] in readme for c in CASES)
