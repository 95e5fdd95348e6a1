"""Finding 9: bundles an independent writer produced, signed with the real device key, that break the documented format
(docs/bundle-format.md §3) and must be refused (exit 1, HQ unchanged): an age recipient the manifest does not name,
attachments.json before the revisions, and a previous-manifest hash on bundle 1."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from crypto import age
from intake_app.bundles import export as bundle_export
from intake_app.bundles import format as bf
from tests.bundles.test_bundles_cli import cli, hq_digest, setup, with_vault
from tests.bundles.test_merge_properties import add
from tests.conftest import Runner


def _export_and_import(intake: Runner, tmp_path: Path, prepare: Any) -> str:
    hq, (laptop,), _ = setup(tmp_path)
    with with_vault(laptop) as f:
        add(f)
        (tmp_path / "usb").mkdir()
        with pytest.MonkeyPatch.context() as mp:  # only the export is hostile
            prepare(mp)
            bundle = bundle_export.export_bundle(f, tmp_path / "usb").path
    before = hq_digest(hq)
    res = cli(intake, hq, "bundle", "import", str(bundle))
    assert res.returncode == 1, res
    result = json.loads(res.stdout)["results"][0]
    assert result["status"] == "refused", result
    assert hq_digest(hq) == before
    return str(result.get("reason", result))


def test_extra_age_recipient_not_in_manifest_is_refused(intake: Runner, tmp_path: Path) -> None:
    extra = age.generate_x25519_identity().recipient
    genuine = age.encrypt_stream

    def prepare(mp: pytest.MonkeyPatch) -> None:
        mp.setattr(bundle_export.age, "encrypt_stream", lambda dst, recipients: genuine(dst, [*recipients, extra]))

    assert "recipients its manifest does not name" in _export_and_import(intake, tmp_path, prepare)


def test_attachment_list_before_revisions_is_refused(intake: Runner, tmp_path: Path) -> None:
    genuine_plan = bundle_export._plan

    def plan(selection: Any) -> tuple[list[bf.FileEntry], int]:
        files, total = genuine_plan(selection)
        links = next(f for f in files if f.path == bf.ATTACHMENT_LINKS)
        return [links, *(f for f in files if f is not links)], total

    def write_inner(inner: Any, key: Any, manifest: bf.Manifest, manifest_bytes: bytes, manifest_sha: str,
                    selection: Any, *_: Any) -> None:  # writes the members in the manifest's (wrong) order
        data = dict(bundle_export.revision_file(row) for row in selection.revisions())
        data[bf.ATTACHMENT_LINKS] = bf.canonical(selection.links())
        data[bf.AUDIT_ENTRIES] = b"".join(selection.audit_lines())
        inner.add_bytes(bf.MANIFEST, manifest_bytes)
        inner.add_bytes(bf.MANIFEST_SIG, bundle_export.minisign.sign(
            key, manifest_bytes, bf.manifest_comment(manifest.bundle_id, manifest.seq, manifest_sha),
            bf.MANIFEST_SIG_COMMENT).encode("ascii"))
        for entry in manifest.files:
            assert hashlib.sha256(data[entry.path]).hexdigest() == entry.sha256
            inner.add_bytes(entry.path, data[entry.path])
        inner.close()

    def prepare(mp: pytest.MonkeyPatch) -> None:
        mp.setattr(bundle_export, "_plan", plan)
        mp.setattr(bundle_export, "_write_inner", write_inner)

    assert "order" in _export_and_import(intake, tmp_path, prepare)


def test_previous_manifest_hash_on_bundle_1_is_refused(intake: Runner, tmp_path: Path) -> None:
    genuine = bf.Manifest.to_json

    def to_json(self: bf.Manifest) -> dict[str, Any]:
        return genuine(self) | {"previous_manifest_sha256": "ab" * 32}

    def prepare(mp: pytest.MonkeyPatch) -> None:
        mp.setattr(bf.Manifest, "to_json", to_json)

    assert "previous_manifest_sha256" in _export_and_import(intake, tmp_path, prepare)
