"""A coordinator's decision changes a testimony's current version as a save does, so the derived indexes are told in
the same transaction: resolving a conflict (``intake conflicts resolve``) and revoking a device (which can hand a
disputed testimony back to its owner). Before, both left the statistics and each revision's consent row to be caught
up at a later read."""

from __future__ import annotations

from pathlib import Path

from intake_app.bundles.keyring import Keyring
from intake_app.records import conflicts
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.bundles.test_device_ownership import FUTURE, Scene, export, forge
from tests.bundles.test_merge_properties import Templates, import_all
from tests.bundles.test_merge_properties import templates as _templates_fixture

templates = _templates_fixture  # the module-scoped fixture: an HQ and three enrolled laptops, copied per test


def _stats_revision(vault: Vault, rid: str) -> str | None:
    """The revision the statistics rows were made from, read without letting the index catch up."""
    row = vault.conn.execute("SELECT rev FROM stat_testimonies WHERE record_id = ?", (rid,)).fetchone()
    return None if row is None else str(row[0])


def _has_consent_row(vault: Vault, rev: str) -> bool:
    return vault.conn.execute("SELECT 1 FROM revision_consent WHERE rev_id = ?", (rev,)).fetchone() is not None


def test_resolving_a_conflict_tells_the_derived_indexes(templates: Templates, tmp_path: Path) -> None:
    s = Scene(templates, tmp_path)
    forged = forge(s.a, s.rid, [], FUTURE, {**s.b_doc, "narrative": "A's version"})
    bundles = [s.b_bundle, export(s.a, tmp_path / "usb-a")]
    s.close()
    hq = templates.hq(tmp_path / "hq")
    assert import_all(hq, bundles) == ["imported", "imported"]
    before = RecordStore(hq).current_revision(s.rid)
    assert before == s.b_head and _stats_revision(hq, s.rid) == before
    merge = conflicts.resolve(hq, s.rid, take=forged[:12])
    assert RecordStore(hq).current_revision(s.rid) == merge != before
    assert _stats_revision(hq, s.rid) == merge
    assert _has_consent_row(hq, merge)
    assert RecordStore(hq).show(s.rid)["narrative"] == "A's version"
    hq.lock()


def test_revoking_a_device_tells_the_derived_indexes(templates: Templates, tmp_path: Path) -> None:
    s = Scene(templates, tmp_path, attacker=0, victim=1)  # the attacker was enrolled first: it wins the tie at HQ
    forge(s.a, s.rid, [], FUTURE, {**s.b_doc, "narrative": "A's fabricated account"})
    bundles = [s.b_bundle, export(s.a, tmp_path / "usb-a")]
    s.close()
    hq = templates.hq(tmp_path / "hq")
    assert import_all(hq, bundles) == ["imported", "imported"]
    shown = RecordStore(hq).current_revision(s.rid)
    assert shown != s.b_head and _stats_revision(hq, s.rid) == shown
    Keyring(hq).revoke(s.a_id, "forged revisions of another laptop's testimony")
    assert RecordStore(hq).current_revision(s.rid) == s.b_head
    assert _stats_revision(hq, s.rid) == s.b_head
    hq.lock()
