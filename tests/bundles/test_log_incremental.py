"""Finding 6 (issue 11): rewritten-log detection is incremental. Each import compares its checkpoint with its two
neighbours only (stored verdicts), `device_status` reads no leaves, and the verdicts are the same in every order."""

from __future__ import annotations

import itertools
from pathlib import Path

from crypto import merkle
from intake_app.bundles import log_status
from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import device_status
from tests.bundles.test_merge_properties import Templates, add, copy_vault, import_all, open_vault
from tests.bundles.test_merge_properties import templates as _templates_fixture

templates = _templates_fixture


def _bundles(t: Templates, tmp: Path) -> tuple[list[Path], str]:
    """Laptop 0 sends 1, 2, 3; a copy restored after bundle 1 sends its own 2 and 3 (a rewritten log)."""
    a = t.field(0, tmp / "a")
    out: list[Path] = []

    def send(v: object, name: str) -> None:
        (tmp / name).mkdir()
        out.append(export_bundle(v, tmp / name).path)  # type: ignore[arg-type]

    add(a)
    send(a, "a1")
    path = a.path
    restored = copy_vault(a, tmp / "restored")
    a = open_vault(path)
    for k in range(2):
        add(a, narrative=f"laptop {k}")
        send(a, f"a{k + 2}")
        add(restored, narrative=f"restored {k}")
        send(restored, f"r{k + 2}")
    a.lock()
    restored.lock()
    return out, t.devices[0]


def test_each_import_checks_its_neighbours_only_and_every_order_agrees(templates: Templates, tmp_path: Path) -> None:
    bundles, device = _bundles(templates, tmp_path)
    reports = []
    for k, order in enumerate(itertools.islice(itertools.permutations(bundles), 0, 120, 17)):
        hq = templates.hq(tmp_path / f"hq{k}")
        try:
            assert import_all(hq, list(order)) == ["imported"] * len(order)
            checks = hq.conn.execute("SELECT count(*) FROM log_checks WHERE device = ?", (device,)).fetchone()[0]
            assert checks <= 2 * len(order)  # at most two comparisons per import, never one per pair
            status = device_status(hq.conn, device)
            # The laptop's 2 and 3 and the copy's 2 and 3 cannot all extend one another.
            assert status["forks"] == [2, 3] and status["log_forks"], status
            reports.append(status["log_forks"])
        finally:
            hq.lock()
    assert all(r == reports[0] for r in reports)


def test_status_reads_no_leaves(templates: Templates, tmp_path: Path) -> None:
    bundles, device = _bundles(templates, tmp_path)
    hq = templates.hq(tmp_path / "hq")
    try:
        import_all(hq, bundles)
        expected = device_status(hq.conn, device)
        # Wipe the stored leaves: the status must come out the same from the stored verdicts alone.
        hq.conn.execute("UPDATE bundles SET leaves = x'' WHERE device = ?", (device,))
        assert device_status(hq.conn, device) == expected
    finally:
        hq.lock()


def test_extends_agrees_with_merkle_prefix_roots() -> None:
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(9)]
    other = [*leaves[:5], merkle.leaf_hash(b"rewritten"), *leaves[6:]]
    blob, other_blob = b"".join(leaves), b"".join(other)
    for small in range(1, 9):
        lo = (small, merkle.root(leaves[:small]))
        assert log_status.extends(lo, blob[: 32 * small], (9, merkle.root(leaves)), blob)
        assert log_status.extends(lo, b"", (9, merkle.root(leaves)), blob)  # small side without its leaves
        assert log_status.extends(lo, blob[: 32 * small], (9, merkle.root(other)), other_blob) == (small <= 5)
