"""Finding 3 (issue 11): an enrolled device must not be able to rewrite another device's records at HQ.

Each attack is played as the finding describes it: device A (its own, genuine, enrolled key) forges revisions of the
testimony device B recorded, writes them into its own vault and exports an ordinary, validly signed bundle. HQ must
keep B's version current, keep B as ``first_device``, keep the testimony listed and searchable, keep B's attachment
metadata, and hold A's versions in the conflicts queue marked "from another device" — in every import order.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from intake_app.bundles.export import export_bundle
from intake_app.bundles.keyring import Keyring
from intake_app.records import conflicts, interchange, revisions
from intake_app.records.attachments import AttachmentStore
from intake_app.records.ids import uuid7
from intake_app.records.store import RecordStore, search_fields, summarise
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault
from tests.bundles.test_bundles_cli import cli_ok, setup
from tests.bundles.test_merge_properties import (
    EXAMPLE,
    Templates,
    add,
    attach,
    copy_vault,
    edit,
    import_all,
    merged_state,
    open_vault,
)
from tests.bundles.test_merge_properties import templates as _templates_fixture
from tests.conftest import Runner

templates = _templates_fixture  # the module-scoped fixture: an HQ and three enrolled laptops, copied per test
FUTURE = "9999-12-31T23:59:59Z"
SCAN = b"photo of the detention notice, as taken by B"


def forge(vault: Vault, record_id: str, parents: list[str], at: str, doc: dict[str, Any] | None) -> str:
    """What a hostile device can put in its own vault: a revision of any record, with any parents and time, signed
    later by its own genuine key when it exports."""
    device = vault.signing_key().public_key.key_id_hex
    content = b"" if doc is None else interchange.dumps_canonical(interchange.validate({**doc, "id": record_id}))
    rev = revisions.Revision.make(record_id, parents, device, at, content, tombstone=doc is None)
    with Transaction(vault.conn):
        revisions.insert_revision(vault.conn, rev)
        revisions.refresh_record(vault.conn, record_id, summarise, search_fields)
    return rev.id


def export(vault: Vault, where: Path) -> Path:
    where.mkdir(parents=True)
    return export_bundle(vault, where).path


def device_id(vault: Vault) -> str:
    return vault.signing_key().public_key.key_id_hex


class Scene:
    """B records a testimony with an attachment and edits it; A (enrolled after B) forges the attacks."""

    def __init__(self, t: Templates, tmp: Path, *, attacker: int = 1, victim: int = 0) -> None:
        b = t.field(victim, tmp / "b")
        a = t.field(attacker, tmp / "a")
        self.b_id, self.a_id = device_id(b), device_id(a)
        # A record made before device-bound ids (a UUIDv7): the rule these attacks test still governs it.
        self.rid = add(b, id=uuid7(), narrative="B's account, as told")
        attach(b, self.rid, SCAN, "notice.jpg")
        edit(b, self.rid, narrative="B's account, as told, with the second interview")
        self.b_doc = RecordStore(b).show(self.rid)
        self.b_head = RecordStore(b).current_revision(self.rid)
        self.b_bundle = export(b, tmp / "usb-b")
        self.a, self.b, self.tmp = a, b, tmp

    def close(self) -> None:
        self.a.lock()
        self.b.lock()


def _hq_view(hq: Vault, rid: str) -> dict[str, Any]:
    store = RecordStore(hq)
    row = hq.conn.execute("SELECT deleted, conflicted, summary FROM records WHERE id = ?", (rid,)).fetchone()
    return {"deleted": bool(row[0]), "conflicted": bool(row[1]), "summary": json.loads(row[2]),
            "doc": None if row[0] else store.show(rid),
            "found": [r.record_id for r in store.search("second interview")]}


def test_parentless_revision_with_a_future_time_stays_waiting(templates: Templates, tmp_path: Path) -> None:
    s = Scene(templates, tmp_path)
    forged = forge(s.a, s.rid, [], FUTURE, {**s.b_doc, "narrative": "A's fabricated account"})
    bundles = [s.b_bundle, export(s.a, tmp_path / "usb-a")]
    s.close()
    for k, order in enumerate((bundles, bundles[::-1])):
        hq = templates.hq(tmp_path / f"hq{k}")
        assert import_all(hq, order) == ["imported", "imported"]
        view = _hq_view(hq, s.rid)
        assert view["doc"] == s.b_doc  # B's text stays current, whatever A's clock says
        assert view["summary"]["first_device"] == s.b_id and view["summary"]["device"] == s.b_id
        assert view["conflicted"] and view["found"] == [s.rid]
        [item] = conflicts.list_conflicts(hq)
        assert (item["owner"], item["from_another_device"], item["disputed"]) == (s.b_id, 1, True)
        sides = {side.revision: side for side in conflicts.show_conflict(hq, s.rid)}
        assert sides[forged].from_another_device and not sides[forged].current
        assert sides[s.b_head].current and not sides[s.b_head].from_another_device
        assert hq.conn.execute("SELECT created_at FROM records WHERE id = ?", (s.rid,)).fetchone()[0] != FUTURE
        hq.lock()


def test_edit_descending_from_the_owners_head_from_another_device_stays_waiting(
        templates: Templates, tmp_path: Path) -> None:
    """Even naming B's head as its parent (so it is the only head of the whole DAG), A's edit is not made current."""
    s = Scene(templates, tmp_path)
    forge(s.a, s.rid, [s.b_head], FUTURE, {**s.b_doc, "narrative": "A's 'correction'"})
    bundles = [s.b_bundle, export(s.a, tmp_path / "usb-a")]
    s.close()
    hq = templates.hq(tmp_path / "hq")
    assert import_all(hq, bundles[::-1]) == ["imported", "imported"]
    assert revisions.heads(hq.conn, s.rid) != [s.b_head]  # A's edit is the only DAG head …
    assert _hq_view(hq, s.rid)["doc"] == s.b_doc  # … and still not current
    assert conflicts.list_conflicts(hq)[0]["from_another_device"] == 1
    hq.lock()


def test_tombstone_from_another_device_never_hides_the_testimony(templates: Templates, tmp_path: Path) -> None:
    s = Scene(templates, tmp_path)
    forge(s.a, s.rid, [s.b_head], FUTURE, None)
    forge(s.a, s.rid, [], FUTURE, None)  # and a parentless one
    bundles = [s.b_bundle, export(s.a, tmp_path / "usb-a")]
    s.close()
    for k, order in enumerate((bundles, bundles[::-1])):
        hq = templates.hq(tmp_path / f"hq{k}")
        assert import_all(hq, order) == ["imported", "imported"]
        view = _hq_view(hq, s.rid)
        assert not view["deleted"] and view["doc"] == s.b_doc and view["found"] == [s.rid]
        assert [r["id"] for r in RecordStore(hq).summaries()] == [s.rid]
        waiting = [x for x in conflicts.show_conflict(hq, s.rid) if x.from_another_device]
        assert len(waiting) == 2 and all(x.tombstone for x in waiting)
        hq.lock()


def test_link_from_another_device_never_overwrites_the_owners_link(templates: Templates, tmp_path: Path) -> None:
    s = Scene(templates, tmp_path)
    forge(s.a, s.rid, [], FUTURE, s.b_doc)  # A needs the record in its vault to link to it
    attach(s.a, s.rid, SCAN, "evil.aac")  # audio/aac sorts before image/jpeg
    with Transaction(s.a.conn):  # and an added_at earlier than anything B can have
        s.a.conn.execute("UPDATE attachment_links SET added_at = '0001-01-01T00:00:00Z', captured_at ="
                         " '0001-01-01T00:00:00Z'")
    b_links = [(i.sha256, i.original_name, i.media_type, i.added_at, i.device)
               for i in AttachmentStore(s.b).list_for(s.rid)]
    bundles = [s.b_bundle, export(s.a, tmp_path / "usb-a")]
    s.close()
    for k, order in enumerate((bundles, bundles[::-1])):
        hq = templates.hq(tmp_path / f"hq{k}")
        assert import_all(hq, order) == ["imported", "imported"]
        shown = [(i.sha256, i.original_name, i.media_type, i.added_at, i.device)
                 for i in AttachmentStore(hq).list_for(s.rid)]
        assert shown == b_links
        rows = hq.conn.execute("SELECT device, original_name, added_at FROM attachment_links WHERE record_id = ?"
                               " ORDER BY device", (s.rid,)).fetchall()
        # Both links are kept, each as its device wrote it.
        assert sorted((str(d), str(n)) for d, n, _ in rows) == sorted([(s.b_id, "notice.jpg"), (s.a_id, "evil.aac")])
        hq.lock()


def test_coordinator_keeps_the_version_from_another_device(intake: Runner, tmp_path: Path) -> None:
    """The CLI marks the waiting version in text and --json; keeping it makes it current through HQ's revision."""
    hq_path, (b_path, a_path), ids = setup(tmp_path, fields=2)
    b = open_vault(b_path)
    rid = add(b, id=uuid7(), narrative="B's account")  # a legacy id: another device can send a first version
    b_doc = RecordStore(b).show(rid)
    bundles = [export(b, tmp_path / "u-b")]
    b.lock()
    a = open_vault(a_path)
    forged = forge(a, rid, [], FUTURE, {**b_doc, "narrative": "A's version"})
    bundles.append(export(a, tmp_path / "u-a"))
    a.lock()
    cli_ok(intake, hq_path, "bundle", "import", *map(str, bundles))
    listed = cli_ok(intake, hq_path, "conflicts", "list")["conflicts"]
    assert [(c["id"], c["owner"], c["from_another_device"]) for c in listed] == [(rid, ids[0], 1)]
    plain = intake("--vault", str(hq_path), "conflicts", "list", env={"INTAKE_PASSPHRASE": "pw 비밀"})
    assert plain.returncode == 0 and "[1 from another device]" in plain.stdout
    shown = cli_ok(intake, hq_path, "conflicts", "show", rid)
    assert shown["owner"] == ids[0]
    marks = {v["revision"]: (v["from_another_device"], v["current"], v["device"]) for v in shown["versions"]}
    assert marks[forged] == (True, False, ids[1])
    plain = intake("--vault", str(hq_path), "conflicts", "show", rid, env={"INTAKE_PASSPHRASE": "pw 비밀"})
    assert "[from another device]" in plain.stdout
    resolved = cli_ok(intake, hq_path, "conflicts", "resolve", rid, "--take", forged[:12])
    assert resolved["from_another_device"] is True and resolved["kept"] == forged
    doc = cli_ok(intake, hq_path, "testimony", "show", rid)
    assert doc["narrative"] == "A's version"
    assert cli_ok(intake, hq_path, "conflicts", "list")["conflicts"] == []


def test_dispute_is_decided_by_hq_records_and_revoking_the_attacker_restores_the_owner(
        templates: Templates, tmp_path: Path) -> None:
    """Two roots from two devices cannot be told apart by anything the senders wrote. The tie is broken by HQ's own
    records (active before revoked, then enrolment order) and stays marked; revoking the attacker restores B."""
    s = Scene(templates, tmp_path, attacker=0, victim=1)  # here the attacker was enrolled first
    forge(s.a, s.rid, [], FUTURE, {**s.b_doc, "narrative": "A's fabricated account"})
    bundles = [s.b_bundle, export(s.a, tmp_path / "usb-a")]
    s.close()
    hq = templates.hq(tmp_path / "hq")
    assert import_all(hq, bundles) == ["imported", "imported"]
    [item] = conflicts.list_conflicts(hq)
    assert item["disputed"] and sorted(item["claimants"]) == sorted([s.a_id, s.b_id])
    Keyring(hq).revoke(s.a_id, "forged revisions of another laptop's testimony")
    assert _hq_view(hq, s.rid)["doc"] == s.b_doc
    [item] = conflicts.list_conflicts(hq)
    assert item["owner"] == s.b_id and item["from_another_device"] == 1
    hq.lock()


def test_hq_cannot_edit_over_a_waiting_version(templates: Templates, tmp_path: Path) -> None:
    s = Scene(templates, tmp_path)
    forge(s.a, s.rid, [s.b_head], FUTURE, None)
    bundles = [s.b_bundle, export(s.a, tmp_path / "usb-a")]
    s.close()
    hq = templates.hq(tmp_path / "hq")
    import_all(hq, bundles)
    store = RecordStore(hq)
    try:
        store.add_json(json.dumps({**s.b_doc, "narrative": "coordinator's note"}, ensure_ascii=False).encode())
    except Exception as exc:
        assert "conflict" in str(exc)
    else:
        raise AssertionError("HQ saved over a version waiting from another device")
    hq.lock()


# ---- order independence with hostile devices -----------------------------------------------------------------------
def test_cross_device_attacks_give_one_state_in_every_order(templates: Templates, tmp_path: Path) -> None:
    """A seeded random set of honest edits, a restored laptop and forged cross-device revisions, tombstones and links;
    many import orders must give one HQ state, and B's testimonies always show B's own current version."""
    rng = random.Random(20261202)
    b, c = templates.field(0, tmp_path / "b"), templates.field(2, tmp_path / "c")
    a = templates.field(1, tmp_path / "a")
    bundles: list[Path] = []
    b_records = [add(b, id=uuid7(), narrative=f"B {k}") for k in range(3)]  # legacy ids: roots can be forged
    c_records = [add(c, id=uuid7(), narrative="C 0")]
    attach(b, b_records[0], SCAN, "notice.jpg")
    bundles += [export(b, tmp_path / "b1"), export(c, tmp_path / "c1")]
    path = b.path
    restored = copy_vault(b, tmp_path / "b-restored")
    b = open_vault(path)
    edit(b, b_records[1], narrative="B 1, the laptop")
    edit(restored, b_records[1], narrative="B 1, the restored copy")
    heads = {rid: RecordStore(b).current_revision(rid) for rid in b_records}
    docs = {rid: RecordStore(b).show(rid) for rid in b_records}
    for step in range(8):
        rid = rng.choice(b_records + c_records)
        doc = docs.get(rid) or {**docs[b_records[0]], "narrative": "x"}
        kind = rng.choice(("root", "child", "tomb", "link"))
        if kind == "root":
            forge(a, rid, [], FUTURE, {**doc, "narrative": f"A forged {step}"})
        elif kind == "child" and rid in heads:
            forge(a, rid, [heads[rid]], FUTURE, {**doc, "narrative": f"A child {step}"})
        elif kind == "tomb":
            forge(a, rid, [heads[rid]] if rid in heads else [], FUTURE, None)
        else:
            if a.conn.execute("SELECT 1 FROM records WHERE id = ?", (rid,)).fetchone() is None:
                forge(a, rid, [], FUTURE, doc)
            live = a.conn.execute("SELECT deleted = 0 FROM records WHERE id = ?", (rid,)).fetchone()[0]
            if live and not a.conn.execute("SELECT 1 FROM attachment_links WHERE record_id = ?", (rid,)).fetchone():
                attach(a, rid, SCAN, f"evil-{step}.aac")
        if rng.random() < 0.4:
            bundles.append(export(a, tmp_path / f"a{step}"))
    bundles += [export(v, tmp_path / f"last-{n}") for n, v in (("b", b), ("r", restored), ("a", a), ("c", c))
                if v.conn.execute("SELECT 1 FROM revisions WHERE exported_in IS NULL").fetchone()
                or v.conn.execute("SELECT 1 FROM attachment_links WHERE exported_in IS NULL").fetchone()]
    expected = {rid: RecordStore(b).show(rid) for rid in b_records if rid != b_records[1]}
    b_id = device_id(b)
    for v in (a, b, c, restored):
        v.lock()
    orders = [bundles, bundles[::-1]] + [rng.sample(bundles, len(bundles)) for _ in range(10)]
    states = []
    with tempfile.TemporaryDirectory(prefix="cross-") as tmp:
        for k, order in enumerate(orders):
            hq = templates.hq(Path(tmp) / f"hq{k}")
            try:
                assert import_all(hq, order) == ["imported"] * len(order)
                for rid, doc in expected.items():
                    assert RecordStore(hq).show(rid) == doc
                    summary = json.loads(hq.conn.execute("SELECT summary FROM records WHERE id = ?",
                                                         (rid,)).fetchone()[0])
                    assert summary["first_device"] == b_id
                states.append(merged_state(hq.conn))
            finally:
                hq.lock()
            shutil.rmtree(Path(tmp) / f"hq{k}")
    assert all(state == states[0] for state in states[1:])


# ---- the migration recomputes what older versions derived by time ---------------------------------------------------
def test_migration_recomputes_current_versions_and_keeps_links(tmp_path: Path) -> None:
    from intake_app.vault import migrations
    from intake_app.vault.database import open_encrypted
    from intake_app.vault.migrations import m0007_device_ownership as m

    version = int(m.__name__.rsplit(".", 1)[1][1:5])
    db = tmp_path / "vault.db"
    conn = open_encrypted(db, bytes(range(32)), create=True)
    migrations.migrate(conn, None, target=version - 1)
    rid = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    doc = json.loads((Path(__file__).parents[1] / "data" / "interchange" / "good" / "example.json").read_text())
    b_content = interchange.dumps_canonical(interchange.validate({**doc, "id": rid}))
    a_content = interchange.dumps_canonical(interchange.validate({**doc, "id": rid, "narrative": "A's"}))
    b_rev = revisions.Revision.make(rid, [], "B" * 16, "2026-01-01T00:00:00Z", b_content)
    a_rev = revisions.Revision.make(rid, [], "A" * 16, FUTURE, a_content)
    with Transaction(conn):
        for i, (key_id, when) in enumerate((("B" * 16, "2026-01-01"), ("A" * 16, "2026-01-02"))):
            conn.execute("INSERT INTO devices (key_id, name, public_key, enrolled_at) VALUES (?, ?, ?, ?)",
                         (key_id, f"laptop {i}", bytes(32), when))
        for rev in (b_rev, a_rev):
            revisions.insert_revision(conn, rev)
        # What the old rule derived: the latest claimed time won.
        conn.execute("INSERT INTO records (id, kind, current_rev, conflicted, created_at, updated_at, summary)"
                     " VALUES (?, 'testimony', ?, 1, ?, ?, '{}')", (rid, a_rev.id, FUTURE, FUTURE))
        conn.execute("INSERT INTO attachment_links (record_id, sha256, original_name, added_at, device)"
                     " VALUES (?, ?, 'notice.jpg', '2026-01-01T00:00:00Z', ?)", (rid, "ab" * 32, "B" * 16))
    migrations.migrate(conn, None)
    assert conn.execute("SELECT current_rev FROM records").fetchone()[0] == a_rev.id  # not yet recomputed …
    revisions.recompute_pending(conn, summarise, search_fields)  # … until the records layer first opens it
    assert conn.execute("SELECT 1 FROM vault_meta WHERE key = ?", (revisions.PENDING_KEY,)).fetchone() is None
    row = conn.execute("SELECT current_rev, conflicted, created_at, json_extract(summary, '$.first_device')"
                       " FROM records WHERE id = ?", (rid,)).fetchone()
    assert tuple(row) == (b_rev.id, 1, "2026-01-01T00:00:00Z", "B" * 16)
    assert conn.execute("SELECT original_name, device, media_type FROM attachment_links").fetchall() == [
        ("notice.jpg", "B" * 16, None)]
    conn.close()


# ---- the same as a property: random honest work and random forgeries, any import order -----------------------------
def _live(vault: Vault, rid: str) -> bool:
    found = vault.conn.execute("SELECT deleted FROM records WHERE id = ?", (rid,)).fetchone()
    return found is not None and not found[0]


XOPS = ("add", "edit", "delete", "export", "forge_root", "forge_child", "forge_tomb", "forge_link")
xoperation = st.tuples(st.integers(0, 2), st.sampled_from(XOPS), st.integers(0, 1000))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(ops=st.lists(xoperation, min_size=4, max_size=14), data=st.data())
def test_property_forgeries_never_current_and_order_independent(templates: Templates, ops: list[tuple[int, str, int]],
                                                                 data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory(prefix="xprop-") as tmp:
        work = Path(tmp)
        vaults = [templates.field(i, work / f"v{i}") for i in range(3)]
        owned: list[list[str]] = [[], [], []]
        bundles: list[Path] = []
        for step, (i, op, pick) in enumerate(ops):
            v = vaults[i]
            others = [(j, r) for j in range(3) if j != i for r in owned[j]]
            if op == "add" or (op in ("edit", "delete") and not owned[i]) or (op.startswith("forge") and not others):
                owned[i].append(add(v, id=uuid7(), narrative=f"{i} at {step}"))  # legacy ids, see the next test
            elif op in ("edit", "delete"):
                rid = owned[i][pick % len(owned[i])]
                if RecordStore(v).is_conflicted(rid) or v.conn.execute(
                        "SELECT deleted FROM records WHERE id = ?", (rid,)).fetchone()[0]:
                    continue
                edit(v, rid, narrative=f"{i} edits at {step}") if op == "edit" else RecordStore(v).delete(rid)
            elif op == "export":
                bundles.append(export(v, work / f"u{step}"))
            else:
                j, rid = others[pick % len(others)]
                owner = vaults[j]
                row = owner.conn.execute("SELECT current_rev, deleted FROM records WHERE id = ?", (rid,)).fetchone()
                doc = json.loads(EXAMPLE.read_text(encoding="utf-8")) if row[1] else RecordStore(owner).show(rid)
                if op == "forge_root":
                    forge(v, rid, [], FUTURE, {**doc, "narrative": f"forged by {i}"})
                elif op == "forge_child":
                    forge(v, rid, [str(row[0])], FUTURE, {**doc, "narrative": f"child forged by {i}"})
                elif op == "forge_tomb":
                    forge(v, rid, [str(row[0])], FUTURE, None)
                else:
                    if not _live(v, rid):
                        forge(v, rid, [], FUTURE, doc)
                    if _live(v, rid) and not v.conn.execute("SELECT 1 FROM attachment_links WHERE record_id = ?",
                                                          (rid,)).fetchone():
                        attach(v, rid, SCAN, f"forged-{i}.aac")
        for k, v in enumerate(vaults):
            bundles.append(export(v, work / f"last{k}"))
        device_of = [device_id(v) for v in vaults]
        for v in vaults:
            v.lock()
        orders = [bundles, bundles[::-1], data.draw(st.permutations(bundles), label="order")]
        states = []
        for k, order in enumerate(orders):
            hq = templates.hq(work / f"hq{k}")
            try:
                assert import_all(hq, order) == ["imported"] * len(order)
                for rid, current, summary in hq.conn.execute("SELECT id, current_rev, summary FROM records"):
                    state = revisions.record_state(hq.conn, str(rid))
                    assert state is not None
                    rev = revisions.load(hq.conn, str(current))
                    assert rev is not None and rev.device == state.owner  # nobody else's version is ever current
                    creator = next(d for d, rids in zip(device_of, owned, strict=True) if rid in rids)
                    if not state.claimants:  # undisputed: the laptop that made the id owns it
                        assert state.owner == creator
                        assert json.loads(summary).get("first_device", creator) == creator
                states.append(merged_state(hq.conn))
            finally:
                hq.lock()
        assert all(s == states[0] for s in states[1:])


def test_a_new_vault_has_nothing_pending_so_imports_alone_never_leave_a_recompute_behind(tmp_path: Path) -> None:
    """m0007 marks the ownership recompute only where there is something to recompute. A new vault runs every
    migration on its empty schema; with the mark left set, an HQ vault filled by the importer alone (which makes no
    RecordStore) recomputed every record's derived rows at the first RecordStore: a stall of minutes at 100k."""
    from intake_app.bundles import log_status

    hq, _ = Vault.create(tmp_path / "hq", "correct horse battery staple", "hq")
    pending = {str(r[0]) for r in hq.conn.execute("SELECT key FROM vault_meta WHERE key GLOB 'pending:*'")}
    assert pending.isdisjoint({revisions.PENDING_KEY, log_status.PENDING_KEY}), pending
    hq.lock()
