"""What an update carries besides receipts (issue 17): revocations (and the warning a laptop then gives for a revoked
device's bundle), vocabulary additions (new codes only), policy minimums and the export reminder; and the purge's
notion of "not edited since" (a newer revision, a draft, a new attachment all keep a testimony)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.records.attachments import AttachmentStore
from intake_app.records.purge import purgeable
from intake_app.records.store import RecordStore
from intake_app.updates import vocabulary
from intake_app.updates.field import export_due, import_update
from intake_app.updates.hq import export_updates
from tests.conftest import Runner
from tests.updates.helpers import add_marked, cli, cli_ok, marked_doc, opened, setup_pair

NEW_FACILITY = {"code": "test_camp_77", "ko": "시험 수용소 77", "en": "Test camp 77", "attrs": {"facility_type": "kwalliso"}}


def test_revocation_vocabulary_and_policy_reach_the_laptop(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop, other), (device, other_id) = setup_pair(tmp_path, fields=2)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(other) as f:
        add_marked(f, "X", with_attachment=False)
        other_bundle = export_bundle(f, usb).path
    other_pub = tmp_path / "other.pub"
    cli_ok(intake, other, "keys", "export", str(other_pub))
    cli_ok(intake, hq, "keys", "revoke", other_id, "--reason", "stolen at the border")
    vocab = tmp_path / "vocab.json"
    vocab.write_text(json.dumps({"vocabulary": "facilities", "entries": [NEW_FACILITY]}, ensure_ascii=False))
    assert cli_ok(intake, hq, "update", "vocabulary", str(vocab))["added"] == ["facilities:test_camp_77"]
    res = cli(intake, hq, "update", "vocabulary", str(vocab))  # the same code again: refused, nothing added
    assert res.returncode == 1 and "already there" in res.stderr
    existing = tmp_path / "existing.json"
    existing.write_text(json.dumps({"vocabulary": "facilities", "entries": [
        {"code": "kwalliso_14", "ko": "다른 뜻", "en": "Another meaning"}]}, ensure_ascii=False))
    res = cli(intake, hq, "update", "vocabulary", str(existing))
    assert res.returncode == 1 and "codes never change meaning" in res.stderr
    policy = cli_ok(intake, hq, "update", "policy", "--auto-lock-minutes", "3", "--max-days-between-exports", "10")
    assert policy["policy"] == {"auto_lock_minutes": 3, "max_days_between_exports": 10, "require_unlock_limit": None,
                                "require_duress": None}
    res = cli(intake, hq, "update", "policy", "--auto-lock-minutes", "500")
    assert res.returncode == 2

    sent = cli_ok(intake, hq, "update", "export", "--all", "--out", str(usb))["updates"]
    assert [u["device"] for u in sent] == [device]  # the revoked laptop gets no update
    assert cli(intake, hq, "update", "export", "--device", other_id, "--out", str(usb)).returncode == 1
    got = cli_ok(intake, laptop, "update", "import", sent[0]["path"])
    assert got["revocations"] == [other_id]
    assert got["vocabulary_added"] == ["facilities:test_camp_77"]
    assert got["policy"] == {"auto_lock_minutes": 3, "max_days_between_exports": 10, "require_unlock_limit": None,
                             "require_duress": None}
    status = cli_ok(intake, laptop, "update", "status")
    assert status["revocations"] == [other_id] and status["policy"]["auto_lock_minutes"] == 3
    assert cli(intake, laptop, "update", "policy", "--auto-lock-minutes", "60").returncode == 2  # set at HQ only
    with opened(laptop) as f:
        merged = vocabulary.merged(f.conn, "facilities")
        assert merged.get("test_camp_77").label("ko") == "시험 수용소 77"
        assert merged.lookup("Camp No. 14 Kaechon").code == "kwalliso_14"  # packaged entries unchanged
    # The new code is a code from now on, on the laptop and at HQ: a testimony naming it is saved, exported, imported.
    testimony = json.loads(marked_doc("V"))
    testimony["victims"][0]["acts"][0]["facility_code"] = "test_camp_77"
    src = tmp_path / "with-new-code.json"
    src.write_text(json.dumps(testimony, ensure_ascii=False), encoding="utf-8")
    rid = cli_ok(intake, laptop, "testimony", "add", str(src))["id"]
    bundle = cli_ok(intake, laptop, "bundle", "export", str(usb))["path"]
    assert cli_ok(intake, hq, "bundle", "import", bundle)["results"][0]["status"] == "imported"
    assert cli_ok(intake, hq, "testimony", "show", rid)["victims"][0]["acts"][0]["facility_code"] == "test_camp_77"
    res = cli(intake, other, "testimony", "add", str(src))  # a laptop that never got the update: unknown code
    assert res.returncode == 2 and "unknown code" in res.stderr
    # Handed the revoked laptop's bundle, this laptop says so.
    res = cli(intake, laptop, "bundle", "verify", str(other_bundle), "--key", str(other_pub))
    assert res.returncode == 0 and "revoked" in res.stderr
    assert json.loads(res.stdout)["results"][0]["revoked"]["key_id"] == other_id


def test_an_existing_code_with_another_meaning_is_not_applied(tmp_path: Path) -> None:
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    with opened(hq_path) as hq:  # as a buggy or older HQ would send it: a packaged code with a new meaning
        hq.conn.execute("INSERT INTO vocabulary_additions VALUES ('facilities', 'kwalliso_14', ?, 't')",
                        (json.dumps({"code": "kwalliso_14", "ko": "다른 뜻", "en": "Another meaning"}),))
        (sent,) = export_updates(hq, tmp_path, device)
    with opened(laptop) as f:
        got = import_update(f, sent.path)
        assert got.vocabulary_added == []
        assert got.vocabulary_skipped == [{"code": "facilities:kwalliso_14",
                                           "reason": "existing code (codes never change meaning)"}]
        assert vocabulary.merged(f.conn, "facilities").get("kwalliso_14").en == "Camp No. 14 Kaechon"


def test_export_reminder_follows_the_policy(tmp_path: Path) -> None:
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    with opened(hq_path) as hq:
        hq.conn.execute("INSERT INTO update_policy VALUES ('max_days_between_exports', 7)")
        (sent,) = export_updates(hq, tmp_path, device)
    with opened(laptop) as f:
        exported_at = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
        export_bundle(f, tmp_path)
        f.conn.execute("UPDATE exports SET created_at = ?", (exported_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),))
        assert export_due(f.conn, exported_at + dt.timedelta(days=30)) is None  # no policy yet
        import_update(f, sent.path)
        assert export_due(f.conn, exported_at + dt.timedelta(days=7, hours=23)) is None
        assert export_due(f.conn, exported_at + dt.timedelta(days=8, hours=1)) == 8


def test_what_keeps_a_testimony_from_being_purged(tmp_path: Path) -> None:
    """All revisions in acknowledged bundles and not edited since: a saved edit (a newer revision), an autosaved draft
    (an edit in progress), a new attachment, or a bundle HQ has not acknowledged keep a testimony on the laptop."""
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        ids = {tag: add_marked(f, tag, with_attachment=False) for tag in ("plain", "edited", "draft", "attached")}
        b1 = export_bundle(f, usb).path
        doc = RecordStore(f).show(ids["edited"])
        doc["narrative"] += " and more"
        RecordStore(f).add_json(json.dumps(doc, ensure_ascii=False).encode())
        RecordStore(f).save_draft(ids["draft"], {"narrative": "typing…"}, RecordStore(f).current_revision(ids["draft"]))
        AttachmentStore(f).attach_stream(ids["attached"], io.BytesIO(b"new scan"), "scan.txt")
        b2 = export_bundle(f, usb).path  # carries the edit and the attachment; HQ will not have acknowledged it
    with opened(hq_path) as hq:
        assert Importer(hq).import_file(b1).status == "imported"
        (sent,) = export_updates(hq, tmp_path, device)
        assert Importer(hq).import_file(b2).status == "imported"  # after the update was written
    with opened(laptop) as f:
        import_update(f, sent.path)
        assert purgeable(f.conn) == [ids["plain"]]
        RecordStore(f).discard_draft(ids["draft"])  # the interviewer closed the editor without saving
        assert sorted(purgeable(f.conn)) == sorted([ids["plain"], ids["draft"]])
