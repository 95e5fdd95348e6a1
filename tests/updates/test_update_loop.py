"""The whole loop through the real CLI (issue 17, "must show" 1): bundles 1 and 2 → HQ import → update export →
update import → purge → a later testimony stays → bundle 3 imports at HQ with no gap, fork or chain warning."""

from __future__ import annotations

import json
from pathlib import Path

from intake_app.records.store import RecordStore
from intake_app.vault.audit import AuditLog
from tests.conftest import Runner
from tests.updates.helpers import add_marked, cli, cli_ok, opened, setup_pair


def test_whole_loop_bundles_update_purge_next_bundle(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        a = add_marked(f, "A")
    b1 = cli_ok(intake, laptop, "bundle", "export", str(usb))
    with opened(laptop) as f:
        b = add_marked(f, "B")
        doc = RecordStore(f).show(b)
        doc["narrative"] += " edited"
        RecordStore(f).add_json(json.dumps(doc, ensure_ascii=False).encode())
    b2 = cli_ok(intake, laptop, "bundle", "export", str(usb))
    assert (b1["seq"], b2["seq"]) == (1, 2)
    imported = cli_ok(intake, hq, "bundle", "import", b1["path"], b2["path"])["results"]
    assert [r["status"] for r in imported] == ["imported", "imported"]

    with opened(laptop) as f:  # recorded after bundle 2: HQ has not got it, so it must stay
        c = add_marked(f, "C")

    sent = cli_ok(intake, hq, "update", "export", "--device", device, "--out", str(usb))["updates"]
    assert [(u["device"], u["seq"], u["receipts"], u["highest_receipt"]) for u in sent] == [(device, 1, 2, 2)]
    got = cli_ok(intake, laptop, "update", "import", sent[0]["path"])
    assert got["acknowledged_bundles"] == [1, 2] and got["newly_acknowledged"] == [1, 2]
    assert got["receipt_warnings"] == [] and got["purged"] is None  # auto-purge is off by default

    dry = cli_ok(intake, laptop, "testimony", "purge", "--acknowledged", "--dry-run")
    assert dry["dry_run"] and sorted(dry["records"]) == sorted([a, b]) and dry["attachments"] == 2
    assert sorted(r["id"] for r in cli_ok(intake, laptop, "testimony", "list")["testimonies"]) == sorted([a, b, c])
    done = cli_ok(intake, laptop, "testimony", "purge", "--acknowledged")
    assert not done["dry_run"] and sorted(done["records"]) == sorted([a, b])
    assert done["revisions"] == 3 and done["acknowledged_bundles"] == [1, 2]
    assert [r["id"] for r in cli_ok(intake, laptop, "testimony", "list")["testimonies"]] == [c]
    assert cli(intake, laptop, "testimony", "show", a).returncode == 2
    assert cli_ok(intake, laptop, "testimony", "purge", "--acknowledged")["testimonies"] == 0
    cli_ok(intake, laptop, "audit", "verify")  # the append-only log still checks against every exported checkpoint

    b3 = cli_ok(intake, laptop, "bundle", "export", str(usb))
    assert b3["seq"] == 3 and b3["revisions"] == 1 and b3["attachments"] == 1
    res = cli_ok(intake, hq, "bundle", "import", b3["path"])["results"]
    assert res[0]["status"] == "imported" and res[0]["warnings"] == []
    status = cli_ok(intake, hq, "bundle", "status")["devices"][0]
    assert (status["last_seq"], status["gaps"], status["forks"], status["chain_breaks"], status["log_forks"]) == (
        3, [], [], [], [])
    assert status["last_update_sent"]["seq"] == 1 and status["bundles_acknowledged"] == 2
    assert sorted(r["id"] for r in cli_ok(intake, hq, "testimony", "list")["testimonies"]) == sorted([a, b, c])

    # The next update acknowledges bundle 3 too; the purge then removes C as well, and bundle 4 still follows on.
    sent2 = cli_ok(intake, hq, "update", "export", "--all", "--out", str(usb))["updates"]
    assert [(u["seq"], u["highest_receipt"]) for u in sent2] == [(2, 3)]
    cli_ok(intake, laptop, "update", "auto-purge", "on")
    got2 = cli_ok(intake, laptop, "update", "import", sent2[0]["path"])
    assert got2["newly_acknowledged"] == [3] and got2["purged"]["testimonies"] == 1
    assert cli_ok(intake, laptop, "testimony", "list")["testimonies"] == []
    status = cli_ok(intake, hq, "bundle", "status")["devices"][0]
    assert status["last_update_sent"]["seq"] == 2 and status["highest_bundle_acknowledged"] == 3
    with opened(laptop) as f:
        audit = [json.loads(e) for _, e in AuditLog(f.conn, device).entries()]
    purges = [e for e in audit if e["action"] == "purge"]
    assert [p["detail"]["testimonies"] for p in purges] == [2, 1]
