"""Issue 25 §1: the owner of a record is a property of its id, so no device can capture another device's record.

A laptop enrolled early (stolen before revocation, or in hostile hands) used to win a tie over a later laptop's record
by sending a parentless first version of it. With device-bound ids (docs/bundle-format.md §3.1) HQ refuses such a
first version at import, and the owner is derived from the id, so no import order lets another device's root become
current.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from intake_app.errors import UsageError
from intake_app.records import ids, revisions
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.bundles.test_device_ownership import FUTURE, Scene, device_id, export, forge
from tests.bundles.test_merge_properties import EXAMPLE, Templates, add, edit, merged_state
from tests.bundles.test_merge_properties import templates as _templates_fixture

templates = _templates_fixture


class BoundScene(Scene):
    """Scene with the record made the way every record is made now (a device-bound id)."""

    def __init__(self, t: Templates, tmp: Path, *, attacker: int = 1, victim: int = 0) -> None:
        super().__init__(t, tmp, attacker=attacker, victim=victim)
        b = self.b
        self.rid = add(b, narrative="B's account, as told")
        edit(b, self.rid, narrative="B's account, as told, with the second interview")
        self.b_doc = RecordStore(b).show(self.rid)
        self.b_bundle = export(b, tmp / "usb-b2")


def _current(hq: Vault, rid: str) -> revisions.Revision:
    row = hq.conn.execute("SELECT current_rev FROM records WHERE id = ?", (rid,)).fetchone()
    rev = revisions.load(hq.conn, str(row[0]))
    assert rev is not None
    return rev


def test_new_records_get_ids_bound_to_their_device(templates: Templates, tmp_path: Path) -> None:
    b = templates.field(0, tmp_path / "b")
    rid = add(b, narrative="x")
    assert ids.is_device_bound(rid) and ids.bound_to(rid, b.signing_key().public_key)
    a = templates.field(1, tmp_path / "a")
    assert not ids.bound_to(rid, a.signing_key().public_key)
    # A laptop cannot start a record under another laptop's id: HQ would refuse its whole bundle.
    before = a.conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
    doc = {**json.loads(EXAMPLE.read_text(encoding="utf-8")), "id": rid}
    with pytest.raises(UsageError, match="made by another device"):
        RecordStore(a).add_json(json.dumps(doc, ensure_ascii=False).encode())
    assert a.conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == before
    a.lock()
    b.lock()


@pytest.mark.parametrize("attacker_enrolled_first", [True, False])
def test_first_version_from_another_device_is_refused(templates: Templates, tmp_path: Path,
                                                      attacker_enrolled_first: bool) -> None:
    """The attack of the issue: A (enrolled first, or later) sends a parentless first version of B's record."""
    s = BoundScene(templates, tmp_path, attacker=0 if attacker_enrolled_first else 1,
                   victim=1 if attacker_enrolled_first else 0)
    forged = forge(s.a, s.rid, [], FUTURE, {**s.b_doc, "narrative": "A's fabricated account"})
    a_bundle = export(s.a, tmp_path / "usb-a")
    s.close()
    for k, order in enumerate(([s.b_bundle, a_bundle], [a_bundle, s.b_bundle])):
        hq = templates.hq(tmp_path / f"hq{k}")
        results = {}
        from intake_app.bundles.importer import Importer

        for bundle in order:
            results[bundle] = Importer(hq).import_file(bundle)
        assert results[s.b_bundle].status == "imported"
        assert results[a_bundle].status == "refused"
        assert "whose id was made by another device" in (results[a_bundle].reason or "")
        assert hq.conn.execute("SELECT 1 FROM revisions WHERE id = ?", (forged,)).fetchone() is None
        assert RecordStore(hq).show(s.rid) == s.b_doc
        state = revisions.record_state(hq.conn, s.rid)
        assert state is not None and state.owner == s.b_id and state.claimants == ()
        assert hq.conn.execute("SELECT conflicted FROM records WHERE id = ?", (s.rid,)).fetchone()[0] == 0
        hq.lock()


def test_owner_comes_from_the_id_even_before_the_owners_bundle(templates: Templates, tmp_path: Path) -> None:
    """An edit from another device arriving before the owner's bundle never makes that device the owner; the
    record is marked for the coordinator until the owner's versions arrive, which then take over."""
    s = BoundScene(templates, tmp_path)
    forge(s.a, s.rid, [s.b_head, "f" * 64], FUTURE, {**s.b_doc, "narrative": "A's child of a missing revision"})
    a_bundle = export(s.a, tmp_path / "usb-a")
    s.close()
    hq = templates.hq(tmp_path / "hq")
    from intake_app.bundles.importer import Importer

    assert Importer(hq).import_file(a_bundle).status == "imported"
    state = revisions.record_state(hq.conn, s.rid)
    assert state is not None and state.owner == s.b_id and not state.accepted
    assert hq.conn.execute("SELECT conflicted FROM records WHERE id = ?", (s.rid,)).fetchone()[0] == 1
    assert Importer(hq).import_file(s.b_bundle).status == "imported"
    assert RecordStore(hq).show(s.rid) == s.b_doc
    assert _current(hq, s.rid).device == s.b_id
    hq.lock()


# ---- property: random honest work and forged roots, every import order ---------------------------------------------
BOPS = ("add", "edit", "export", "forge_root", "forge_child")
boperation = st.tuples(st.integers(0, 2), st.sampled_from(BOPS), st.integers(0, 1000))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(ops=st.lists(boperation, min_size=4, max_size=12), data=st.data())
def test_property_no_import_order_makes_another_devices_root_current(
        templates: Templates, ops: list[tuple[int, str, int]], data: st.DataObject) -> None:
    from intake_app.bundles.importer import Importer

    with tempfile.TemporaryDirectory(prefix="bprop-") as tmp:
        work = Path(tmp)
        vaults = [templates.field(i, work / f"v{i}") for i in range(3)]
        owned: list[list[str]] = [[], [], []]
        bundles: list[Path] = []
        for step, (i, op, pick) in enumerate(ops):
            v = vaults[i]
            others = [(j, r) for j in range(3) if j != i for r in owned[j]]
            if op == "add" or (op == "edit" and not owned[i]) or (op.startswith("forge") and not others):
                owned[i].append(add(v, narrative=f"{i} at {step}"))
            elif op == "edit":
                rid = owned[i][pick % len(owned[i])]
                if not RecordStore(v).is_conflicted(rid):
                    edit(v, rid, narrative=f"{i} edits at {step}")
            elif op == "export":
                bundles.append(export(v, work / f"u{step}"))
            else:
                j, rid = others[pick % len(others)]
                row = vaults[j].conn.execute("SELECT current_rev FROM records WHERE id = ?", (rid,)).fetchone()
                doc = RecordStore(vaults[j]).show(rid)
                parents = [] if op == "forge_root" else [str(row[0])]
                forge(v, rid, parents, FUTURE, {**doc, "narrative": f"forged by {i}"})
        for k, v in enumerate(vaults):
            bundles.append(export(v, work / f"last{k}"))
        creator = {rid: device_id(vaults[i]) for i in range(3) for rid in owned[i]}
        for v in vaults:
            v.lock()
        orders = [bundles, bundles[::-1], data.draw(st.permutations(bundles), label="order")]
        states, verdicts = [], []
        for k, order in enumerate(orders):
            hq = templates.hq(work / f"hq{k}")
            try:
                verdict = {}
                for bundle in order:
                    verdict[bundle.name + str(bundle.parent)] = Importer(hq).import_file(bundle).status
                    # after every single import, not only at the end: no root by another device is ever current
                    for rid, current in hq.conn.execute("SELECT id, current_rev FROM records").fetchall():
                        rev = revisions.load(hq.conn, str(current))
                        assert rev is not None
                        if not rev.parents:
                            assert rev.device == creator[str(rid)]
                        state = revisions.record_state(hq.conn, str(rid))
                        assert state is not None and state.owner == creator[str(rid)] and state.claimants == ()
                        assert state.accepted == frozenset() or rev.device == creator[str(rid)]
                event(f"refused bundles: {min(list(verdict.values()).count('refused'), 2)}")
                verdicts.append(sorted(verdict.items()))
                states.append(merged_state(hq.conn))
            finally:
                hq.lock()
        assert all(s == states[0] for s in states[1:])
        assert all(v == verdicts[0] for v in verdicts[1:])
