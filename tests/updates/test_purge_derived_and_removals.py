"""Issue 24, findings 1 and 4: a purge removes every row derived from a purged testimony, in every table; an
attachment removal travels to HQ in the next bundle (with its custody event there) and blocks the purge until HQ
acknowledged it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.errors import RefusedError
from intake_app.records import derived
from intake_app.records.attachments import AttachmentStore
from intake_app.records.purge import purge_acknowledged, purgeable, uncovered_tables
from intake_app.updates.field import import_update
from intake_app.updates.hq import export_updates
from intake_app.vault.vault import Vault
from tests.bundles.test_merge_properties import PASSPHRASE, connect, create_vault
from tests.conftest import Runner
from tests.updates.helpers import PW, add_marked, opened, setup_pair


def _ack_all(hq_path: Path, laptop: Path, device: str, usb: Path) -> None:
    with opened(hq_path) as hq:
        for bundle in sorted(usb.glob("*.bundle.tar")):
            outcome = Importer(hq).import_file(bundle)
            assert outcome.status in ("imported", "already_imported"), outcome.reason
        sent = export_updates(hq, usb, device)
    with opened(laptop) as f:
        import_update(f, sent[-1].path)


def _rows_naming(conn: object, record_id: str) -> dict[str, int]:
    """For every table of the schema: how many rows mention the record id in any text column."""
    out: dict[str, int] = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):  # type: ignore[attr-defined]
        if table.startswith(("search_", "sqlite_")) or table in ("audit_log", "purged_revisions"):
            continue  # the search index is checked by the forensics tests; kept tables hold ids on purpose
        cols = [str(c[1]) for c in conn.execute(f"PRAGMA table_info({table})")]  # type: ignore[attr-defined]
        where = " OR ".join(f"instr(CAST({c} AS TEXT), ?) > 0" for c in cols)
        n = conn.execute(f"SELECT count(*) FROM {table} WHERE {where}",  # type: ignore[attr-defined]
                         [record_id] * len(cols)).fetchone()[0]
        if n:
            out[table] = int(n)
    return out


def test_purge_leaves_no_derived_row_in_any_table_and_stats_no_longer_count_it(tmp_path: Path) -> None:
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        gone = add_marked(f, "A")
        # Rows derived from the testimony in tables the record store does not own: a finished recording with a
        # marker note, and registry links, as an HQ or a later version may hold them.
        f.conn.execute("INSERT INTO recordings (id, record_id, state, started_at, device, input_name, sample_rate,"
                       " channels, bits, consent) VALUES (?, ?, 'finished', 'x', 'd', 'mic', 48000, 1, 16, 'granted')",
                       ("ab" * 16, gone))
        f.conn.execute("INSERT INTO recording_markers (recording_id, at_ms, note, added_at) VALUES (?, 5, ?, 'x')",
                       ("ab" * 16, "MARKERNOTE"))
        f.conn.execute("INSERT INTO persons (id, created_at, preferred_hangul) VALUES ('P1', 'x', '이름')")
        f.conn.execute("INSERT INTO person_links (mention, person, linked_at) VALUES (?, 'P1', 'x')", (f"{gone}/v1",))
        f.conn.execute("INSERT INTO perpetrators (id, kind, name, created_at) VALUES ('Q1', 'person', 'N', 'x')")
        f.conn.execute("INSERT INTO perpetrator_links (entry, kind, perpetrator, linked_at) VALUES (?, 'p', 'Q1', 'x')",
                       (f"{gone}/v1/a1/p1",))
        before = _rows_naming(f.conn, gone)
        assert {"stat_testimonies", "perp_entries", "recordings", "person_links", "perpetrator_links"} <= set(before)
        export_bundle(f, usb)
    _ack_all(hq_path, laptop, device, usb)
    with opened(laptop) as f:
        total_before = f.conn.execute("SELECT n FROM stat_counts WHERE unit = 'testimony' AND dim = '~total'"
                                      ).fetchone()[0]
        assert total_before == 1
        assert purge_acknowledged(f).count == 1
        assert _rows_naming(f.conn, gone) == {}
        assert f.conn.execute("SELECT count(*) FROM recording_markers").fetchone()[0] == 0
        assert f.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
        assert f.conn.execute("SELECT count(*) FROM perpetrators").fetchone()[0] == 0
        assert f.conn.execute("SELECT count(*) FROM stat_counts WHERE n != 0").fetchone()[0] == 0  # intake stats: 0


def test_every_table_is_cleaned_or_kept_on_purpose_and_an_unknown_one_stops_the_purge(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", "pw")
    with vault:
        assert uncovered_tables(vault.conn) == []  # the schema as migrated: every table is accounted for
        vault.conn.execute("CREATE TABLE later_feature (record_id TEXT, note TEXT)")
        assert uncovered_tables(vault.conn) == ["later_feature"]
        with pytest.raises(RefusedError, match="later_feature"):
            purge_acknowledged(vault)
        index = derived.DerivedIndex("later", ("later_feature",), None, lambda conn, ids: None)
        derived.register(index)
        try:
            assert uncovered_tables(vault.conn) == []
        finally:
            derived._INDEXES.pop("later")


def test_a_removal_travels_to_hq_with_custody_and_blocks_the_purge_until_acknowledged(tmp_path: Path) -> None:
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        rid = add_marked(f, "R")
        wrong = AttachmentStore(f).attach_stream(rid, io.BytesIO(b"the wrong scan"), "wrong.png")
        export_bundle(f, usb)
    _ack_all(hq_path, laptop, device, usb)
    with opened(laptop) as f:
        AttachmentStore(f).remove(rid, wrong.sha256)
        assert purgeable(f.conn) == []  # the removal is not acknowledged: the testimony stays
        assert purge_acknowledged(f).count == 0
        second = export_bundle(f, usb)
    with opened(hq_path) as hq:
        assert [i.sha256 for i in AttachmentStore(hq).list_for(rid)] != []
        assert wrong.sha256 in [i.sha256 for i in AttachmentStore(hq).list_for(rid)]  # bundle 1 only: still live
        assert Importer(hq).import_file(second.path).status == "imported"
        assert wrong.sha256 not in [i.sha256 for i in AttachmentStore(hq).list_for(rid)]
        assert "removed" in [a for _, a, _ in AttachmentStore(hq).custody(wrong.sha256)]
        sent = export_updates(hq, usb, device)
    with opened(laptop) as f:
        import_update(f, sent[-1].path)
        assert purge_acknowledged(f).count == 1


def test_hq_keeps_the_latest_bundles_state_whatever_the_arrival_order(tmp_path: Path) -> None:
    hq_path, (laptop,), _ = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        rid = add_marked(f, "S", with_attachment=False)
        info = AttachmentStore(f).attach_stream(rid, io.BytesIO(b"scan"), "scan.png")
        b1 = export_bundle(f, usb)
        AttachmentStore(f).remove(rid, info.sha256)
        b2 = export_bundle(f, usb)
        AttachmentStore(f).attach_stream(rid, io.BytesIO(b"scan"), "scan.png")  # added again: live again
        b3 = export_bundle(f, usb)
        assert f.conn.execute("SELECT count(*), count(removed_at) FROM attachment_links").fetchone() == (1, 0)
    with opened(hq_path) as hq:
        for b in (b1, b3, b2):  # bundle 2 (removed) arrives last: bundle 3's live state stands
            assert Importer(hq).import_file(b.path).status == "imported"
        assert [i.sha256 for i in AttachmentStore(hq).list_for(rid)] == [info.sha256]
        assert "removed" in [a for _, a, _ in AttachmentStore(hq).custody(info.sha256)]


def _acked_laptop(tmp_path: Path) -> tuple[Path, str]:
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        rid = add_marked(f, "K")
        export_bundle(f, usb)
    _ack_all(hq_path, laptop, device, usb)
    return laptop, rid


def test_the_purge_replaces_the_data_key_and_both_secrets_still_open_the_vault(tmp_path: Path) -> None:
    vault, recovery_text = Vault.create(tmp_path / "solo", "pw")  # the recovery key of a fresh vault, to try it after
    vault.lock()
    laptop, _ = _acked_laptop(tmp_path)
    with opened(laptop) as f:
        before = bytes(f._dek)
        slots_before = (laptop / "keyslots.json").read_bytes()
        assert purge_acknowledged(f).count == 1
        after = bytes(f._dek)
    assert after != before and (laptop / "keyslots.json").read_bytes() != slots_before
    with opened(laptop) as f:  # the same passphrase opens it, with the new key
        assert bytes(f._dek) == after
    # The recovery key keeps working through a rotation in place (checked on a vault whose recovery key we hold).
    with Vault.open(tmp_path / "solo", "pw") as solo:
        old = bytes(solo._dek)
        solo.rotate_data_key_in_place()
        new = bytes(solo._dek)
    assert new != old
    with Vault.open_with_recovery_key(tmp_path / "solo", recovery_text) as solo:
        assert bytes(solo._dek) == new
    with Vault.open(tmp_path / "solo", "pw") as solo:  # a vault that forgot the recovery slot's key learns it again
        solo.conn.execute("DELETE FROM vault_meta WHERE key = 'slot_kek:recovery'")
        with pytest.raises(RefusedError, match="recovery"):
            solo.rotate_data_key_in_place()
        with pytest.raises(RefusedError):
            solo.learn_recovery_key(Vault.create(tmp_path / "other", "pw")[1])  # another vault's key: refused
        solo.learn_recovery_key(recovery_text)
        solo.rotate_data_key_in_place()
    with Vault.open_with_recovery_key(tmp_path / "solo", recovery_text):
        pass


def test_a_vault_that_does_not_know_its_recovery_slot_refuses_before_removing_anything(tmp_path: Path) -> None:
    laptop, rid = _acked_laptop(tmp_path)
    with opened(laptop) as f:
        f.conn.execute("DELETE FROM vault_meta WHERE key = 'slot_kek:recovery'")  # as in a vault made before
        with pytest.raises(RefusedError, match="recovery-key-file"):
            purge_acknowledged(f)
        assert purgeable(f.conn) == [rid]  # nothing removed
        with pytest.raises(RefusedError):
            f.rotate_data_key_in_place()
        assert purge_acknowledged(f, dry_run=True).count == 1  # counting needs no key
        # A remembered key that no longer opens its slot (a rotation killed before it could remember the new one).
        f.conn.execute("INSERT INTO vault_meta (key, value) VALUES ('slot_kek:recovery', ?)", ("00" * 32,))
        with pytest.raises(RefusedError, match="no longer opens"):
            purge_acknowledged(f)
        assert purgeable(f.conn) == [rid]


def test_cli_purge_learns_the_recovery_key_once_when_the_vault_does_not_know_it(tmp_path: Path, intake: Runner) -> None:
    hq = create_vault(tmp_path / "hq", "hq")
    laptop, recovery_text = Vault.create(tmp_path / "laptop", PASSPHRASE)
    device = connect(laptop, hq, "laptop")
    hq.lock()
    usb = tmp_path / "usb"
    usb.mkdir()
    add_marked(laptop, "L")
    export_bundle(laptop, usb)
    laptop.conn.execute("DELETE FROM vault_meta WHERE key = 'slot_kek:recovery'")  # a vault from before
    laptop.lock()
    _ack_all(tmp_path / "hq", tmp_path / "laptop", device, usb)
    refused = intake("--vault", str(tmp_path / "laptop"), "--json", "testimony", "purge", "--acknowledged", env=PW)
    assert refused.returncode != 0 and "--recovery-key-file" in refused.stderr
    key_file = tmp_path / "rk.txt"
    key_file.write_text(recovery_text, encoding="utf-8")
    done = intake("--vault", str(tmp_path / "laptop"), "--json", "testimony", "purge", "--acknowledged",
                  "--recovery-key-file", str(key_file), env=PW)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["testimonies"] == 1
    with Vault.open_with_recovery_key(tmp_path / "laptop", recovery_text) as f:  # still opens after the rotation
        assert purgeable(f.conn) == []
