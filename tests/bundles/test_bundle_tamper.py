"""Tamper sweep: every single-byte change and every truncation of a bundle is refused, and changes nothing at HQ.

One small bundle (one small testimony and a tiny attachment, sent as the device's second bundle so HQ already holds
records): each byte is flipped (xor 0x01) in turn, and the file is cut at every 512-byte boundary, at every position
in its last KiB and at a random sample of other positions. Each case goes through the auditor's check
(``verify_outer`` with the pinned device key) and HQ's import (``Importer``), in-process for speed; a sample of cases
goes through the real ``intake bundle verify`` and ``intake bundle import``. After every refused import the HQ rows
(records, revisions, heads, attachments, links) must be exactly as before.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crypto import fs
from crypto.signing import PublicKey
from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.bundles.keyring import Keyring, parse_device_key_file
from intake_app.bundles.verify import BundleRefused, pinned, verify_outer
from tests.bundles.test_merge_properties import PASSPHRASE, add, attach, connect, create_vault, digest_tables, open_vault
from tests.conftest import Runner

PW = {"INTAKE_PASSPHRASE": PASSPHRASE}
UNTRUSTED = b"untrusted comment: "


@dataclass
class Sweep:
    root: Path
    bundle: bytes
    hq_template: Path
    device_pub: Path
    key: PublicKey
    before: str
    comment_positions: set[int]
    flips_accepted_by_verify: list[int] = field(default_factory=list)
    flips_not_refused_by_import: list[tuple[int, str]] = field(default_factory=list)
    cuts_accepted: list[tuple[int, str]] = field(default_factory=list)
    changed_state: list[str] = field(default_factory=list)
    refusals_recorded: int = 0
    cases: int = 0


def _untrusted_comment_positions(bundle: Path) -> set[int]:
    """Byte offsets of the text of each .minisig member's untrusted comment (minisign does not sign it)."""
    positions: set[int] = set()
    with tarfile.open(bundle, format=tarfile.USTAR_FORMAT) as tar:
        for member in tar.getmembers():
            if member.name.endswith(".minisig"):
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
                assert data.startswith(UNTRUSTED)
                end = data.index(b"\n")
                positions.update(range(member.offset_data + len(UNTRUSTED), member.offset_data + end))
    return positions


def _work_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tmpfs when there is one: tens of thousands of small writes and SQLCipher commits."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="intake-tamper-", dir=shm))
    return tmp_path_factory.mktemp("tamper")


def _build(root: Path) -> tuple[Path, Path, Path, PublicKey]:
    hq = create_vault(root / "hq", "hq")
    field_vault = create_vault(root / "field")
    connect(field_vault, hq, "laptop-1")
    add(field_vault)
    (root / "usb1").mkdir()
    first = export_bundle(field_vault, root / "usb1").path
    assert Importer(hq).import_file(first).status == "imported"
    rid = add(field_vault, narrative="짧은 증언", victims=[])
    attach(field_vault, rid, b"tiny scan", "scan.txt")
    (root / "usb2").mkdir()
    second = export_bundle(field_vault, root / "usb2").path
    pub = root / "laptop-1.pub"
    pub.write_text(Keyring(field_vault).export_public(), encoding="utf-8")
    key = parse_device_key_file(pub.read_text(encoding="utf-8"))
    field_vault.lock()
    hq.lock()
    return second, root / "hq", pub, key


def _outer_refused(path: Path, key: PublicKey) -> str | None:
    """None if the auditor's check accepts the file, else the reason it gives."""
    try:
        verify_outer(path, pinned(key))
    except BundleRefused as exc:
        return str(exc)
    return None


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sweep]:
    root = _work_root(tmp_path_factory)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("INTAKE_KDF_PROFILE", "fast")
            bundle_path, hq_template, pub, key = _build(root)
            yield _run_sweep(root, bundle_path, hq_template, pub, key)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_sweep(root: Path, bundle_path: Path, hq_template: Path, pub: Path, key: PublicKey) -> Sweep:
    original = bundle_path.read_bytes()
    assert _outer_refused(bundle_path, key) is None  # the untouched bundle is good
    shutil.copytree(hq_template, root / "hq-sweep")
    hq = open_vault(root / "hq-sweep")
    try:
        s = Sweep(root, original, hq_template, pub, key, digest_tables(hq.conn),
                  _untrusted_comment_positions(bundle_path))
        importer = Importer(hq)
        refusals_before = hq.conn.execute("SELECT count(*) FROM import_refusals").fetchone()[0]
        case = root / "case.bundle.tar"
        case.write_bytes(original)

        def check_import(label: str) -> str | None:
            outcome = importer.import_file(case)
            after = digest_tables(hq.conn)
            if after != s.before:
                s.changed_state.append(label)
                s.before = after  # report each change once, not every case after it
            return None if outcome.status == "refused" else outcome.status

        fd = fs.open_fd(case, os.O_RDWR)  # binary on Windows too
        try:
            for i, byte in enumerate(original):
                fs.write_at(fd, bytes([byte ^ 1]), i)
                s.cases += 1
                if _outer_refused(case, key) is None:
                    # Accepted by the auditor's check: importing it would import the bundle itself and spoil the
                    # remaining cases, so it is only reported.
                    s.flips_accepted_by_verify.append(i)
                elif (status := check_import(f"flip {i}")) is not None:
                    s.flips_not_refused_by_import.append((i, status))
                fs.write_at(fd, bytes([byte]), i)
        finally:
            os.close(fd)
        rng = random.Random(20240502)
        cuts = set(range(0, len(original), 512)) | set(range(max(0, len(original) - 1024), len(original)))
        cuts |= set(rng.sample(range(len(original)), 200))
        for n in sorted(cuts):
            case.write_bytes(original[:n])
            s.cases += 1
            if _outer_refused(case, key) is None:
                s.cuts_accepted.append((n, "verify"))
            elif (status := check_import(f"cut {n}")) is not None:
                s.cuts_accepted.append((n, f"import: {status}"))
        s.refusals_recorded = hq.conn.execute("SELECT count(*) FROM import_refusals").fetchone()[0] - refusals_before
        s.refusals_recorded += len(s.flips_accepted_by_verify)  # not imported, see above
    finally:
        hq.lock()
    return s


# ---- the sweep's verdicts --------------------------------------------------------------------------------------------
def test_every_single_byte_flip_and_every_cut_is_refused(sweep: Sweep) -> None:
    assert len(sweep.bundle) > 4096 and sweep.cases > len(sweep.bundle) + 1000
    # Including tar fields no signature covers (mtime, owner, padding, the end marker) and minisign's unsigned
    # "untrusted comment" lines: the format fixes them, so a lenient reader's blind spots are not ours.
    accepted = sorted(sweep.flips_accepted_by_verify)
    assert accepted == [], f"{len(accepted)} flips accepted by verify, e.g. at {accepted[:5]}"
    assert sweep.flips_not_refused_by_import == []
    assert sweep.cuts_accepted == []
    assert sweep.changed_state == [], "a refused import changed HQ's records"
    # Every refused import is on record with its reason (bundle status shows them).
    assert sweep.refusals_recorded == sweep.cases


def test_flip_in_untrusted_comment_is_refused_by_import(sweep: Sweep, tmp_path: Path) -> None:
    """The one line of a .minisig that minisign itself does not sign (found accepted before de30c52)."""
    assert len(sweep.comment_positions) > 40
    for position in (min(sweep.comment_positions), max(sweep.comment_positions)):
        data = bytearray(sweep.bundle)
        data[position] ^= 1
        case = tmp_path / "comment-flip.bundle.tar"
        case.write_bytes(data)
        shutil.rmtree(tmp_path / "hq", ignore_errors=True)
        shutil.copytree(sweep.hq_template, tmp_path / "hq")
        with open_vault(tmp_path / "hq") as hq:
            before = digest_tables(hq.conn)
            outcome = Importer(hq).import_file(case)
            assert digest_tables(hq.conn) == before
        assert outcome.status == "refused" and "altered" in (outcome.reason or ""), outcome


# ---- a sample through the real CLI -----------------------------------------------------------------------------------
def _cli_cases(sweep: Sweep, directory: Path) -> list[Path]:
    """A dozen tampered files, one per part of the bundle, plus cuts."""
    with tarfile.open(fileobj=io.BytesIO(sweep.bundle)) as tar:
        members = {m.name: m for m in tar.getmembers()}
    payload, cp, leaves = members["payload.age"], members["checkpoint"], members["leaves"]
    flips = {
        "payload-header-size": payload.offset + 130,
        "payload-header-mtime": payload.offset + 140,
        "payload-age-header": payload.offset_data + 20,
        "payload-ciphertext": payload.offset_data + payload.size // 2,
        "payload-last-byte": payload.offset_data + payload.size - 1,
        "payload-padding": payload.offset_data + payload.size,
        "sig-trusted-comment": members["payload.age.minisig"].offset_data + 150,
        "checkpoint-size-line": cp.offset_data + cp.size - 47,
        "leaves-first-byte": leaves.offset_data,
        "end-of-archive": len(sweep.bundle) - 1,
    }
    out = []
    for name, pos in flips.items():
        data = bytearray(sweep.bundle)
        data[pos] ^= 1
        path = directory / f"flip-{name}.bundle.tar"
        path.write_bytes(data)
        out.append(path)
    for n in (512, len(sweep.bundle) // 2, len(sweep.bundle) - 512, len(sweep.bundle) - 1):
        path = directory / f"cut-{n}.bundle.tar"
        path.write_bytes(sweep.bundle[:n])
        out.append(path)
    return out


def test_sample_of_tampered_bundles_refused_through_the_cli(sweep: Sweep, intake: Runner, tmp_path: Path) -> None:
    cases = _cli_cases(sweep, tmp_path)
    res = intake("--json", "bundle", "verify", *map(str, cases), "--key", str(sweep.device_pub))
    assert res.returncode == 1, res
    results = json.loads(res.stdout)["results"]
    assert len(results) == len(cases)
    assert all(r["valid"] is False and r["reason"] for r in results), results

    shutil.copytree(sweep.hq_template, tmp_path / "hq")
    with open_vault(tmp_path / "hq") as hq:
        before = digest_tables(hq.conn)
    res = intake("--vault", str(tmp_path / "hq"), "--json", "bundle", "import", *map(str, cases), env=PW)
    assert res.returncode == 1, res
    outcomes = json.loads(res.stdout)["results"]
    assert [o["status"] for o in outcomes] == ["refused"] * len(cases)
    assert all(o["reason"] for o in outcomes)
    with open_vault(tmp_path / "hq") as hq:
        assert digest_tables(hq.conn) == before
    status = json.loads(intake("--vault", str(tmp_path / "hq"), "--json", "bundle", "status", env=PW).stdout)
    assert len(status["recent_refusals"]) == min(20, len(cases))
    # The untouched bundle still imports: the refusals were about the damage, not the vault.
    good = tmp_path / "good.bundle.tar"
    good.write_bytes(sweep.bundle)
    res = intake("--vault", str(tmp_path / "hq"), "--json", "bundle", "import", str(good), env=PW)
    assert res.returncode == 0 and json.loads(res.stdout)["results"][0]["status"] == "imported", res


def test_refusal_does_not_depend_on_vault_state(sweep: Sweep, tmp_path: Path) -> None:
    """A flipped bundle refused once is refused again (no cached verdict); the good one then imports."""
    data = bytearray(sweep.bundle)
    data[len(data) // 3] ^= 1
    bad = tmp_path / "bad.bundle.tar"
    bad.write_bytes(data)
    shutil.copytree(sweep.hq_template, tmp_path / "hq")
    with open_vault(tmp_path / "hq") as hq:
        importer = Importer(hq)
        assert [importer.import_file(bad).status for _ in range(2)] == ["refused", "refused"]
        good = tmp_path / "good.bundle.tar"
        good.write_bytes(sweep.bundle)
        assert importer.import_file(good).status == "imported"
        assert importer.import_file(bad).status == "refused"
