"""Merge property (design: must hold 4): any permutation of the same set of bundles gives the same HQ state.

Several field devices (each with its own key, all enrolled) make random edits, deletions and attachments with exports
in between; some vaults are copied mid-way (a laptop restored from backup) so the same records are edited
concurrently and the same bundle numbers are reused. The resulting bundles are imported in several orders into fresh
HQ vaults, which must end identical. Runs at the Python API level (no process start-up) for speed.

Also holds the API-level set-up helpers that the tamper and CLI bundle tests import.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer, device_status
from intake_app.bundles.keyring import Keyring, parse_device_key_file, parse_hq_key_file
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault.database import Connection
from intake_app.vault.vault import Vault
from tests.conftest import REPO

PASSPHRASE = "pw 비밀"
EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "example.json"


# ---- API helpers shared by the bundle tests ------------------------------------------------------------------------
def create_vault(path: Path, role: str = "field") -> Vault:
    return Vault.create(path, PASSPHRASE, role)[0]


def open_vault(path: Path) -> Vault:
    return Vault.open(path, PASSPHRASE)


def connect(field: Vault, hq: Vault, name: str, *, enrol: bool = True) -> str:
    """Pin HQ's key file on the field vault and enrol the device at HQ; return the device's key id."""
    Keyring(field).pin_recipient(parse_hq_key_file(Keyring(hq).export_public()), "hq")
    key = parse_device_key_file(Keyring(field).export_public())
    if enrol:
        Keyring(hq).enrol(key, name)
    return key.key_id_hex


def make_testimony(**changes: Any) -> bytes:
    doc: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc.pop("id", None)
    doc.update(changes)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def add(vault: Vault, **changes: Any) -> str:
    return RecordStore(vault).add_json(make_testimony(**changes)).record_id


def edit(vault: Vault, record_id: str, **changes: Any) -> None:
    doc = RecordStore(vault).show(record_id)
    doc.update(changes)
    RecordStore(vault).add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def attach(vault: Vault, record_id: str, data: bytes, name: str) -> str:
    return AttachmentStore(vault).attach_stream(record_id, io.BytesIO(data), name).sha256


def copy_vault(vault: Vault, dest: Path) -> Vault:
    """Copy a vault directory as a backup and restore would (locked first, so the WAL is folded in) and open the copy.
    ``vault`` is left locked: reopen it with open_vault(vault.path)."""
    src = vault.path
    vault.lock()
    shutil.copytree(src, dest)
    return open_vault(dest)


def _rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(bytes(v) if isinstance(v, bytes | memoryview) else v for v in row)
                  for row in conn.execute(sql))


def record_tables(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """The rows a failed import must leave untouched (whole rows: anything that changes is caught)."""
    return {t: _rows(conn, f"SELECT * FROM {t}")
            for t in ("records", "revisions", "record_heads", "attachments", "attachment_links")}


def digest_tables(conn: Connection) -> str:
    return hashlib.sha256(repr(record_tables(conn)).encode()).hexdigest()


def merged_state(conn: Connection) -> dict[str, Any]:
    """HQ state that must not depend on import order. Left out: local bookkeeping that legitimately differs between
    vaults (revisions.local_seq, blob ids and keys, import times) and the columns of the known order-dependence bugs
    (attachments.media_type, attachment_links.captured_at/added_at, log forks), each pinned below by its own
    deterministic test (test_*_do[es]_not_depend_on_import_order)."""
    devices = [str(r[0]) for r in conn.execute("SELECT key_id FROM devices ORDER BY key_id")]
    status = {}
    for device in devices:
        st_ = device_status(conn, device)
        status[device] = {k: st_[k] for k in ("last_seq", "bundles", "gaps", "forks", "chain_breaks")}
    return {
        "records": _rows(conn, "SELECT id, kind, current_rev, deleted, conflicted, created_at, updated_at, date_lower,"
                               " date_upper, summary FROM records"),
        "revisions": _rows(conn, "SELECT id, record_id, parents, device, created_at, content_hash, tombstone, content"
                                 " FROM revisions"),
        "record_heads": _rows(conn, "SELECT record_id, rev_id FROM record_heads"),
        "attachments": _rows(conn, "SELECT sha256, size FROM attachments"),
        "attachment_links": _rows(conn, "SELECT record_id, sha256, original_name, device FROM attachment_links"),
        # bundles.counts is left out: it says what that import added ("new_revisions"), which is order-dependent
        # by nature (a revision sent by two forked copies is new only the first time).
        "bundles": _rows(conn, "SELECT manifest_sha256, bundle_id, device, seq, previous_manifest_sha256, created_at,"
                               " log_size, log_root FROM bundles"),
        "device_audit": _rows(conn, "SELECT device, leaf, seq, entry FROM device_audit"),
        "status": status,
    }


def import_all(hq: Vault, bundles: list[Path]) -> list[str]:
    importer = Importer(hq)
    return [importer.import_file(b).status for b in bundles]


# ---- templates: an HQ and three enrolled field vaults, made once and copied per example -----------------------------
class Templates:
    def __init__(self, root: Path) -> None:
        self.root = root
        hq = create_vault(root / "hq", "hq")
        self.devices = []
        for i in range(3):
            field = create_vault(root / f"field{i}")
            self.devices.append(connect(field, hq, f"laptop-{i}"))
            field.lock()
        hq.lock()

    def hq(self, dest: Path) -> Vault:
        shutil.copytree(self.root / "hq", dest)
        return open_vault(dest)

    def field(self, i: int, dest: Path) -> Vault:
        shutil.copytree(self.root / f"field{i}", dest)
        return open_vault(dest)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INTAKE_KDF_PROFILE", "fast")
        yield Templates(tmp_path_factory.mktemp("templates"))


# ---- the property --------------------------------------------------------------------------------------------------
POOL = [b"scan one", b"\x00" * 700, bytes(range(256)) * 3]  # shared by all devices: the same bytes reach HQ twice
OPS = ("add", "edit", "edit", "delete", "attach", "export", "export", "fork", "fork")
MAX_VAULTS = 5

operation = st.tuples(st.integers(0, MAX_VAULTS - 1), st.sampled_from(OPS), st.integers(0, 1000),
                      st.integers(0, len(POOL) - 1))


def _play(t: Templates, work: Path, devices: int, ops: list[tuple[int, str, int, int]]) -> list[Path]:
    """Run the operations on field vaults and return every bundle written."""
    out = work / "usb"
    vaults = [t.field(i, work / f"v{i}") for i in range(devices)]
    records: list[list[str]] = [[] for _ in vaults]  # per vault, its records (live or deleted)
    deleted: list[set[str]] = [set() for _ in vaults]
    bundles: list[Path] = []

    def do_export(i: int) -> None:
        d = out / f"v{i}-{len(bundles)}"
        d.mkdir(parents=True)
        bundles.append(export_bundle(vaults[i], d).path)

    for step, (slot, op, pick, payload) in enumerate(ops):
        i = slot % len(vaults)
        v = vaults[i]
        live = [r for r in records[i] if r not in deleted[i]]
        if op == "add" or (op in ("edit", "delete", "attach") and not live):
            records[i].append(add(v, narrative=f"new {step}"))
        elif op == "edit":
            edit(v, live[pick % len(live)], narrative=f"edit {step} on {i}")
        elif op == "delete":
            rid = live[pick % len(live)]
            RecordStore(v).delete(rid)
            deleted[i].add(rid)
        elif op == "attach":
            # Same bytes always under the same name: see test_media_type_does_not_depend_on_import_order for why.
            attach(v, live[pick % len(live)], POOL[payload], f"pool-{payload}.bin")
        elif op == "export":
            do_export(i)
        elif op == "fork" and len(vaults) < MAX_VAULTS:
            dest = work / f"v{len(vaults)}"
            path = v.path
            copy = copy_vault(v, dest)
            vaults[i] = open_vault(path)
            vaults.append(copy)
            records.append(list(records[i]))
            deleted.append(set(deleted[i]))
            if live:  # both machines go on working on the same testimony: a concurrent edit (or edit vs delete)
                rid = live[pick % len(live)]
                edit(vaults[i], rid, narrative=f"original laptop, step {step}")
                if payload == 0:
                    RecordStore(copy).delete(rid)
                    deleted[-1].add(rid)
                else:
                    edit(copy, rid, narrative=f"restored copy, step {step}")
    for i in range(len(vaults)):
        do_export(i)  # everything reaches HQ in the end
        vaults[i].lock()
    return bundles


# No shrinking: one example takes about a second, and shrinking a failure took over five minutes; the failing
# operations are printed as they are, and the example database replays them first next time.
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(devices=st.integers(2, 3), ops=st.lists(operation, min_size=3, max_size=14), data=st.data())
def test_any_import_order_gives_the_same_hq_state(templates: Templates, devices: int,
                                                  ops: list[tuple[int, str, int, int]], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory(prefix="merge-") as tmp:
        work = Path(tmp)
        bundles = _play(templates, work, devices, ops)
        orders = [bundles, bundles[::-1]]
        orders += [data.draw(st.permutations(bundles), label=f"order {k}") for k in range(2)]
        states = []
        for k, order in enumerate(orders):
            hq = templates.hq(work / f"hq{k}")
            try:
                assert import_all(hq, order) == ["imported"] * len(order)
                state = merged_state(hq.conn)
                if k == 0:
                    # Idempotent: everything again, in another order, is a no-op.
                    again = import_all(hq, order[::-1])
                    assert again == ["already_imported"] * len(order)
                    assert merged_state(hq.conn) == state
                states.append(state)
            finally:
                hq.lock()
        for state in states[1:]:
            assert state == states[0]
        assume(len(states[0]["revisions"]) >= 1)  # an example that recorded nothing says nothing about merging
        conflicted = sum(r[4] for r in states[0]["records"])
        forks = sum(len(s["forks"]) for s in states[0]["status"].values())
        event(f"conflicted records: {min(conflicted, 2)}{'+' if conflicted >= 2 else ''}; forks: {bool(forks)}")


# ---- former order dependences, each pinned by a deterministic scenario ------------------------------------------------
def _two_orders(templates: Templates, tmp: Path, bundles: list[Path], sql: str) -> tuple[Any, Any]:
    results = []
    for k, order in enumerate((bundles, bundles[::-1])):
        hq = templates.hq(tmp / f"hq-order{k}")
        try:
            assert import_all(hq, order) == ["imported"] * len(order)
            results.append(_rows(hq.conn, sql))
        finally:
            hq.lock()
    return results[0], results[1]


def test_media_type_does_not_depend_on_import_order(templates: Templates, tmp_path: Path) -> None:
    a, b = templates.field(0, tmp_path / "a"), templates.field(1, tmp_path / "b")
    data = b"the same scan, sent by two interviewers"
    attach(a, add(a), data, "scan.png")
    attach(b, add(b), data, "scan.pdf")
    bundles = []
    for v, name in ((a, "a"), (b, "b")):
        (tmp_path / name / "usb").mkdir()
        bundles.append(export_bundle(v, tmp_path / name / "usb").path)
        v.lock()
    first, second = _two_orders(templates, tmp_path, bundles, "SELECT sha256, media_type FROM attachments")
    assert first == second


def test_attachment_link_fields_do_not_depend_on_import_order(templates: Templates, tmp_path: Path) -> None:
    a = templates.field(0, tmp_path / "a")
    rid = add(a)
    (tmp_path / "usb1").mkdir()
    first_bundle = export_bundle(a, tmp_path / "usb1").path
    path = a.path
    restored = copy_vault(a, tmp_path / "restored")
    a = open_vault(path)
    data = b"photo of the detention notice"
    attach(a, rid, data, "notice.jpg")
    attach(restored, rid, data, "IMG_0001.jpg")
    bundles = [first_bundle]
    for v, name in ((a, "usb-a"), (restored, "usb-r")):
        (tmp_path / name).mkdir()
        bundles.append(export_bundle(v, tmp_path / name).path)
        v.lock()
    first, second = _two_orders(templates, tmp_path, bundles,
                                "SELECT record_id, sha256, original_name, captured_at, added_at FROM attachment_links")
    assert first == second


def test_log_fork_report_does_not_depend_on_import_order(templates: Templates, tmp_path: Path) -> None:
    a = templates.field(0, tmp_path / "a")
    add(a)
    (tmp_path / "u1").mkdir()
    bundles = [export_bundle(a, tmp_path / "u1").path]
    path = a.path
    restored = copy_vault(a, tmp_path / "restored")
    a = open_vault(path)
    for k in range(2):  # the original laptop sends 2 and 3; the restored copy sends its own 2
        add(a, narrative=f"more {k}")
        (tmp_path / f"a{k}").mkdir()
        bundles.append(export_bundle(a, tmp_path / f"a{k}").path)
    add(restored, narrative="restored")
    (tmp_path / "r").mkdir()
    bundles.append(export_bundle(restored, tmp_path / "r").path)
    a.lock()
    restored.lock()
    device = templates.devices[0]
    reports = []
    for k, order in enumerate((bundles, [bundles[0], bundles[3], bundles[1], bundles[2]])):
        hq = templates.hq(tmp_path / f"hq{k}")
        try:
            assert import_all(hq, order) == ["imported"] * 4
            status = device_status(hq.conn, device)
            assert status["forks"] == [2]
            reports.append((status["log_forks"], _rows(hq.conn, f"SELECT idx, leaf FROM device_leaves"
                                                                f" WHERE device = '{device}'")))
        finally:
            hq.lock()
    assert reports[0] == reports[1]


def test_permutation_scenario_with_a_conflict_is_order_independent(templates: Templates, tmp_path: Path) -> None:
    """A hand-made case of what the property explores: a restored laptop edits and deletes concurrently; all 24
    orders of the four bundles give one HQ state, with the conflict raised in each."""
    a, b = templates.field(0, tmp_path / "a"), templates.field(1, tmp_path / "b")
    rid = add(a)
    attach(a, rid, POOL[0], "pool-0.bin")
    (tmp_path / "u1").mkdir()
    bundles = [export_bundle(a, tmp_path / "u1").path]
    path = a.path
    restored = copy_vault(a, tmp_path / "restored")
    a = open_vault(path)
    edit(a, rid, narrative="told again, more detail")
    RecordStore(restored).delete(rid)
    attach(b, add(b), POOL[0], "pool-0.bin")
    for v, name in ((a, "u2"), (restored, "u3"), (b, "u4")):
        (tmp_path / name).mkdir()
        bundles.append(export_bundle(v, tmp_path / name).path)
        v.lock()
    states = []
    for k, order in enumerate(itertools.permutations(bundles)):
        hq = templates.hq(tmp_path / f"hq{k}")
        try:
            assert import_all(hq, list(order)) == ["imported"] * 4
            assert [r[0] for r in _rows(hq.conn, "SELECT id FROM records WHERE conflicted = 1")] == [rid]
            states.append(merged_state(hq.conn))
        finally:
            hq.lock()
        shutil.rmtree(tmp_path / f"hq{k}")
    assert all(s == states[0] for s in states)
