"""Bundles through the real `intake` CLI, as coordinators and auditors use it: hostile bundles (swapped parts, another
HQ, unknown or revoked device, re-signed), sequence numbers, gaps, replays and forks, conflicts and their resolution,
and kill -9 during an import.

Vaults are set up through the Python API (fast); every action under test runs as `python -m intake_app`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest

from intake_app.bundles import export as bundle_export
from intake_app.bundles import format as bf
from intake_app.bundles import importer as bundle_import
from intake_app.bundles.importer import Importer
from intake_app.bundles.keyring import Keyring, parse_device_key_file
from intake_app.bundles.ustar import TarWriter
from intake_app.records import revisions
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import Vault
from tests.bundles.test_bundle_interop import edit_testimony
from tests.bundles.test_merge_properties import (
    PASSPHRASE,
    add,
    attach,
    connect,
    copy_vault,
    create_vault,
    digest_tables,
    edit,
    open_vault,
)
from tests.conftest import REPO, CliResult, Runner, needs_tools

PW = {"INTAKE_PASSPHRASE": PASSPHRASE}
OUTER = ("payload.age", "payload.age.minisig", "checkpoint", "checkpoint.minisig", "leaves")


def cli(intake: Runner, vault: Path | None, *args: str) -> CliResult:
    pre = ("--vault", str(vault)) if vault is not None else ()
    return intake(*pre, "--json", *args, env=PW)


def cli_ok(intake: Runner, vault: Path | None, *args: str) -> Any:
    res = cli(intake, vault, *args)
    assert res.returncode == 0, res
    return json.loads(res.stdout)


def export_cli(intake: Runner, vault: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return Path(cli_ok(intake, vault, "bundle", "export", str(out))["path"])


def import_cli(intake: Runner, hq: Path, *bundles: Path) -> tuple[int, list[dict[str, Any]]]:
    res = cli(intake, hq, "bundle", "import", *map(str, bundles))
    assert res.returncode in (0, 1), res
    return res.returncode, json.loads(res.stdout)["results"]


def hq_digest(path: Path) -> str:
    with open_vault(path) as hq:
        return digest_tables(hq.conn)


def unpack(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def pack(members: dict[str, bytes]) -> bytes:
    """Re-assemble a bundle with the project's own canonical writer (what a careful attacker would use)."""
    buf = io.BytesIO()
    writer = TarWriter(buf)
    for name in OUTER:
        writer.add_bytes(name, members[name])
    writer.close()
    return buf.getvalue()


def setup(tmp: Path, *, fields: int = 1) -> tuple[Path, list[Path], list[str]]:
    """An HQ and enrolled field vaults (locked, ready for the CLI): (hq path, field paths, device key ids)."""
    hq = create_vault(tmp / "hq", "hq")
    paths, ids = [], []
    for i in range(fields):
        f = create_vault(tmp / f"laptop-{i + 1}")
        ids.append(connect(f, hq, f"laptop-{i + 1}"))
        paths.append(f.path)
        f.lock()
    hq.lock()
    return tmp / "hq", paths, ids


def with_vault(path: Path) -> Vault:
    return open_vault(path)


# ---- 3. hostile bundles ----------------------------------------------------------------------------------------------
def test_swapped_payload_between_two_bundles_is_refused(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), _ = setup(tmp_path)
    with with_vault(laptop) as f:
        add(f)
    b1 = export_cli(intake, laptop, tmp_path / "u1")
    with with_vault(laptop) as f:
        add(f, narrative="second interview")
    b2 = export_cli(intake, laptop, tmp_path / "u2")
    m1, m2 = unpack(b1.read_bytes()), unpack(b2.read_bytes())
    assert pack(m1) == b1.read_bytes()  # control: the repacking itself changes nothing
    swapped = tmp_path / "swapped.bundle.tar"
    swapped.write_bytes(pack(m1 | {"payload.age": m2["payload.age"], "payload.age.minisig": m2["payload.age.minisig"]}))
    pub = tmp_path / "laptop.pub"
    with with_vault(laptop) as f:
        pub.write_text(Keyring(f).export_public(), encoding="utf-8")
    res = cli(intake, None, "bundle", "verify", str(swapped), "--key", str(pub))
    assert res.returncode == 1, res
    assert "combined" in json.loads(res.stdout)["results"][0]["reason"]
    before = hq_digest(hq)
    code, results = import_cli(intake, hq, swapped)
    assert code == 1 and results[0]["status"] == "refused" and "checkpoint" in results[0]["reason"]
    assert hq_digest(hq) == before
    # Both genuine bundles still import.
    assert [r["status"] for r in import_cli(intake, hq, b1, b2)[1]] == ["imported", "imported"]


def test_bundle_for_another_hq_unknown_device_and_revoked_device_are_refused(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), (device,) = setup(tmp_path)
    other_hq = create_vault(tmp_path / "other-hq", "hq")
    # A laptop pinned only to another HQ, but enrolled here: the bundle is not encrypted for this HQ.
    stray = create_vault(tmp_path / "stray")
    connect(stray, other_hq, "stray", enrol=False)
    with with_vault(hq) as h:
        Keyring(h).enrol(parse_device_key_file(Keyring(stray).export_public()), "stray")
    add(stray)
    stray.lock()
    other_hq.lock()
    for_other = export_cli(intake, tmp_path / "stray", tmp_path / "u-stray")
    # A laptop never enrolled here.
    unknown = create_vault(tmp_path / "unknown")
    with with_vault(hq) as h:
        connect(unknown, h, "unknown", enrol=False)
    add(unknown)
    unknown.lock()
    from_unknown = export_cli(intake, tmp_path / "unknown", tmp_path / "u-unknown")

    before = hq_digest(hq)
    code, results = import_cli(intake, hq, for_other, from_unknown)
    assert code == 1 and [r["status"] for r in results] == ["refused", "refused"]
    assert "not encrypted for this HQ" in results[0]["reason"]
    assert "unknown device" in results[1]["reason"]
    assert hq_digest(hq) == before

    # Revocation: a bundle in transit (made before, named by --accept-up-to) still imports; one signed after is refused.
    with with_vault(laptop) as f:
        add(f)
    made_before = export_cli(intake, laptop, tmp_path / "u1")
    time.sleep(0.01)
    cli_ok(intake, hq, "keys", "revoke", device, "--reason", "laptop seized at the border", "--accept-up-to", "1")
    with with_vault(laptop) as f:
        add(f, narrative="typed by whoever has the laptop now")
    made_after = export_cli(intake, laptop, tmp_path / "u2")
    before = hq_digest(hq)
    code, results = import_cli(intake, hq, made_after)
    assert code == 1 and results[0]["status"] == "refused" and "revoked" in results[0]["reason"]
    assert hq_digest(hq) == before
    assert [r["status"] for r in import_cli(intake, hq, made_before)[1]] == ["imported"]
    status = cli_ok(intake, hq, "bundle", "status")
    laptop_status = next(d for d in status["devices"] if d["key_id"] == device)
    assert laptop_status["revoked_at"] and laptop_status["revocation_reason"] == "laptop seized at the border"
    assert any("revoked" in r["reason"] for r in status["recent_refusals"])


def test_bundle_signed_after_revocation_with_clock_set_back_is_refused(intake: Runner, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    hq, (laptop,), (device,) = setup(tmp_path)
    cli_ok(intake, hq, "keys", "revoke", device, "--reason", "laptop seized")
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    monkeypatch.setattr(bundle_export, "utc_now", lambda: yesterday)  # the laptop's clock, set back by its holder
    with with_vault(laptop) as f:
        add(f, narrative="planted after the seizure")
        (tmp_path / "usb").mkdir()
        bundle = bundle_export.export_bundle(f, tmp_path / "usb").path
    before = hq_digest(hq)
    _, results = import_cli(intake, hq, bundle)
    assert hq_digest(hq) == before
    assert results[0]["status"] == "refused"


def test_revoked_device_forged_second_bundle_one_with_back_dated_clock_is_refused(
        intake: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11, finding 2: laptop A sends bundle #1, HQ imports it and revokes A with --accept-up-to 1. A thief with
    A's key (a copy of the laptop from before the export) makes another bundle #1 with the real export code and
    back-dates its created_at. It must be refused outright (not merely flagged as a FORK), HQ unchanged, exit 1."""
    hq, (laptop,), (device,) = setup(tmp_path)
    with with_vault(laptop) as f:
        add(f)
        stolen = copy_vault(f, tmp_path / "stolen")  # the laptop as it was before bundle #1: same key, same counter
    stolen.lock()
    first = export_cli(intake, laptop, tmp_path / "u1")
    assert [r["status"] for r in import_cli(intake, hq, first)[1]] == ["imported"]
    cli_ok(intake, hq, "keys", "revoke", device, "--reason", "laptop seized", "--accept-up-to", "1")
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    monkeypatch.setattr(bundle_export, "utc_now", lambda: long_ago)  # the thief sets the clock back
    with with_vault(tmp_path / "stolen") as f:
        add(f, narrative="planted by the thief")
        (tmp_path / "usb").mkdir()
        forged = bundle_export.export_bundle(f, tmp_path / "usb").path
    before = hq_digest(hq)
    code, results = import_cli(intake, hq, forged)
    assert code == 1 and results[0]["status"] == "refused" and "already holds" in results[0]["reason"], results
    assert hq_digest(hq) == before
    listed = cli_ok(intake, hq, "testimony", "list")
    assert "planted by the thief" not in json.dumps(listed)
    # The genuine bundle #1, delivered again, is still recognised as already imported.
    assert [r["status"] for r in import_cli(intake, hq, first)[1]] == ["already_imported"]


def _forged_revision(vault: Vault, record_id: str, at: str) -> None:
    """What the holder of a laptop can do: store a revision with any time in its own vault, for export to sign."""
    row = vault.conn.execute("SELECT id FROM revisions WHERE record_id = ? ORDER BY local_seq DESC LIMIT 1",
                             (record_id,)).fetchone()
    old = revisions.load(vault.conn, str(row[0]))
    assert old is not None
    with Transaction(vault.conn):
        revisions.insert_revision(vault.conn, revisions.Revision.make(record_id, [old.id], old.device, at,
                                                                      old.content))


@pytest.mark.parametrize("case", ["empty_at", "bidi_at", "no_zone_at", "bidi_name", "c1_name", "huge_name",
                                  "bad_media_type", "bad_added_at", "bad_captured_at"])
def test_hostile_strings_from_an_enrolled_device_are_refused(intake: Runner, tmp_path: Path, case: str) -> None:
    """Issue 11, findings 3 and 7: times and attachment strings in a bundle follow RFC 3339 UTC and the interchange's
    line rules, or the bundle is refused and HQ is unchanged. The bundle is made and signed by the real export code."""
    hq, (laptop,), _ = setup(tmp_path)
    with with_vault(laptop) as f:
        rid = add(f)
        attach(f, rid, b"photo bytes", "photo.jpg")
        at = {"empty_at": "", "bidi_at": "2026-01-01T00:00:00Z\u202e", "no_zone_at": "2026-01-01T00:00:00"}.get(case)
        if at is not None:
            _forged_revision(f, rid, at)
        column, value = {
            "bidi_name": ("l.original_name", "gpj.\u202eexe"), "c1_name": ("l.original_name", "a\u009b31m.jpg"),
            "huge_name": ("l.original_name", "a" * 10_000_000), "bad_media_type": ("a.media_type", "image/jpeg\u202e"),
            "bad_added_at": ("l.added_at", "9999-99-99T99:99:99Z"),
            "bad_captured_at": ("l.captured_at", "yesterday\x1b[2J"),
        }.get(case, ("", ""))
        if column:
            table, col = ("attachment_links", column[2:]) if column.startswith("l.") else ("attachments", column[2:])
            with Transaction(f.conn):
                f.conn.execute(f"UPDATE {table} SET {col} = ?", (value,))
    bundle = export_cli(intake, laptop, tmp_path / "u1")
    before = hq_digest(hq)
    code, results = import_cli(intake, hq, bundle)
    assert code == 1 and results[0]["status"] == "refused", results
    assert hq_digest(hq) == before


def test_bundle_with_a_log_beyond_the_leaf_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11, finding 6: HQ bounds the audit-log leaves a device may send (the limit lowered here so that a real
    exported bundle exceeds it); the bundle is refused and HQ is unchanged."""
    hq, (laptop,), _ = setup(tmp_path)
    with with_vault(laptop) as f:
        add(f)
        (tmp_path / "usb").mkdir()
        bundle = bundle_export.export_bundle(f, tmp_path / "usb").path
    monkeypatch.setattr(bundle_import, "MAX_LOG_LEAVES", 2)
    before = hq_digest(hq)
    with with_vault(hq) as h:
        outcome = Importer(h).import_file(bundle)
    assert outcome.status == "refused" and "audit log" in (outcome.reason or ""), outcome
    assert hq_digest(hq) == before


def test_json_output_escapes_control_and_bidi_characters(intake: Runner, tmp_path: Path) -> None:
    """Issue 11, finding 7: every --json document goes through display.json_text, so a hostile name (here the bundle
    file's own) reaches the terminal as \\u escapes, never as raw U+202E or U+009B, and still decodes to the same value."""
    hq, _, _ = setup(tmp_path)
    name = "photo\u202egpj.\u009b31m\u2066.bundle.tar"
    hostile = tmp_path / name
    hostile.write_bytes(b"not a bundle")
    res = cli(intake, hq, "bundle", "import", str(hostile))
    assert res.returncode == 1, res
    assert not any(ch in res.stdout for ch in "\u202e\u009b\u2066"), res.stdout
    assert "\\u202e" in res.stdout
    assert json.loads(res.stdout)["results"][0]["file"] == str(hostile)


def test_revision_with_unknown_parent_is_imported_with_a_warning(intake: Runner, tmp_path: Path) -> None:
    """Issue 11, finding 7: a revision whose parent HQ never received is reported in the import warnings."""
    hq, (laptop,), _ = setup(tmp_path)
    with with_vault(laptop) as f:
        rid = add(f)
        old = revisions.load(f.conn, str(f.conn.execute("SELECT id FROM revisions").fetchone()[0]))
        assert old is not None
        with Transaction(f.conn):
            revisions.insert_revision(f.conn, revisions.Revision.make(rid, ["ab" * 32], old.device, old.created_at,
                                                                      old.content))
    code, results = import_cli(intake, hq, export_cli(intake, laptop, tmp_path / "u1"))
    assert code == 0 and any("not received" in w for w in results[0]["warnings"]), results


def _minisign_keypair(tmp: Path, name: str) -> tuple[Path, Path]:
    pub, sec = tmp / f"{name}.pub", tmp / f"{name}.key"
    subprocess.run(["minisign", "-G", "-W", "-p", str(pub), "-s", str(sec)], check=True, capture_output=True)
    return pub, sec


def _minisign(sec: Path, data: bytes, tmp: Path, untrusted: str, trusted: str) -> bytes:
    src, sig = tmp / "to-sign", tmp / "to-sign.minisig"
    src.write_bytes(data)
    sig.unlink(missing_ok=True)
    subprocess.run(["minisign", "-S", "-s", str(sec), "-m", str(src), "-x", str(sig), "-c", untrusted, "-t", trusted],
                   check=True, capture_output=True)
    return sig.read_bytes()


@needs_tools("minisign", why="stock minisign signs the forgery")
def test_resigned_bundle_is_refused(intake: Runner, tmp_path: Path) -> None:
    """Davis's attack: take a victim device's bundle, re-sign the outside with another key via stock minisign. With a
    stranger's key HQ does not know the signer; with an enrolled insider's key the auditor's check passes (it can
    only check origin) but the import catches it: the inner manifest signature is the victim's."""
    hq, (victim,), (victim_id,) = setup(tmp_path)
    with with_vault(victim) as f:
        add(f)
    genuine = export_cli(intake, victim, tmp_path / "u1")
    parts = unpack(genuine.read_bytes())
    pub, sec = _minisign_keypair(tmp_path, "insider")
    insider = parse_device_key_file(pub.read_text(encoding="utf-8"))
    comment = next(line for line in parts["payload.age.minisig"].decode().splitlines()
                   if line.startswith("trusted comment: "))[len("trusted comment: "):]
    cp_lines = parts["checkpoint"].decode().splitlines()

    def forge(key_id: str) -> bytes:
        checkpoint = "\n".join([f"testimony-intake/device/{key_id}", *cp_lines[1:]]) + "\n"
        cp_comment = f"testimony-intake checkpoint testimony-intake/device/{key_id} {cp_lines[1]} {cp_lines[2]}"
        return pack({
            "payload.age": parts["payload.age"],
            "payload.age.minisig": _minisign(sec, parts["payload.age"], tmp_path, "testimony-intake bundle payload",
                                             comment.replace(f"device={victim_id}", f"device={key_id}")),
            "checkpoint": checkpoint.encode(),
            "checkpoint.minisig": _minisign(sec, checkpoint.encode(), tmp_path, "testimony-intake log checkpoint",
                                            cp_comment),
            "leaves": parts["leaves"],
        })

    resigned = tmp_path / "resigned.bundle.tar"
    resigned.write_bytes(forge(insider.key_id_hex))
    # Stock minisign and the auditor's check accept the outside: it is genuinely signed by the insider's key.
    res = cli(intake, None, "bundle", "verify", str(resigned), "--key", str(pub))
    assert res.returncode == 0, res
    victim_pub = tmp_path / "victim.pub"
    with with_vault(victim) as f:
        victim_pub.write_text(Keyring(f).export_public(), encoding="utf-8")
    res = cli(intake, None, "bundle", "verify", str(resigned), "--key", str(victim_pub))
    assert res.returncode == 1 and "not among the trusted device keys" in json.loads(res.stdout)["results"][0]["reason"]

    before = hq_digest(hq)
    code, results = import_cli(intake, hq, resigned)  # the insider is not enrolled: unknown signer
    assert code == 1 and "unknown device" in results[0]["reason"]
    cli_ok(intake, hq, "keys", "add", str(pub), "--name", "insider")
    code, results = import_cli(intake, hq, resigned)  # enrolled: the inner signature gives it away
    assert code == 1 and results[0]["status"] == "refused", results
    assert "signature" in results[0]["reason"] or "signed" in results[0]["reason"], results[0]["reason"]
    assert hq_digest(hq) == before
    assert [r["status"] for r in import_cli(intake, hq, genuine)[1]] == ["imported"]


# ---- 4. sequence numbers, gaps, replays, forks ---------------------------------------------------------------------
def test_sequence_gaps_replays_and_forks(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), (device,) = setup(tmp_path)
    with with_vault(laptop) as f:
        add(f)
    b1 = export_cli(intake, laptop, tmp_path / "u1")
    with with_vault(laptop) as f:
        shutil.copytree(f.path, tmp_path / "backup")  # a backup taken after bundle 1 (vault locked below)
    with with_vault(laptop) as f:
        add(f, narrative="second")
    b2 = export_cli(intake, laptop, tmp_path / "u2")
    with with_vault(laptop) as f:
        add(f, narrative="third")
    b3 = export_cli(intake, laptop, tmp_path / "u3")
    pub = tmp_path / "laptop.pub"
    with with_vault(laptop) as f:
        pub.write_text(Keyring(f).export_public(), encoding="utf-8")

    # Auditor, in order: all good; the state remembers them.
    state = tmp_path / "state-in-order"
    for b in (b1, b2, b3):
        out = cli_ok(intake, None, "bundle", "verify", str(b), "--key", str(pub), "--state", str(state))
        assert out["results"][0]["sequence"] in ("first", "next")
    # Auditor, 3 before 2: the gap is named and the command fails; then 2 and 3 pass; 2 again is a replay.
    state = tmp_path / "state-gap"
    cli_ok(intake, None, "bundle", "verify", str(b1), "--key", str(pub), "--state", str(state))
    res = cli(intake, None, "bundle", "verify", str(b3), "--key", str(pub), "--state", str(state))
    assert res.returncode == 1
    gap = json.loads(res.stdout)["results"][0]
    assert gap["sequence"] == "gap" and "2..2" in gap["reason"]
    cli_ok(intake, None, "bundle", "verify", str(b2), "--key", str(pub), "--state", str(state))
    cli_ok(intake, None, "bundle", "verify", str(b3), "--key", str(pub), "--state", str(state))
    replay = cli_ok(intake, None, "bundle", "verify", str(b2), "--key", str(pub), "--state", str(state))
    assert replay["results"][0]["sequence"] == "replay"

    # HQ: 1 and 3 leave a gap at 2; importing 2 closes it; importing 2 again is a no-op.
    assert [r["status"] for r in import_cli(intake, hq, b1, b3)[1]] == ["imported", "imported"]
    st = next(d for d in cli_ok(intake, hq, "bundle", "status")["devices"] if d["key_id"] == device)
    assert st["gaps"] == [2] and st["last_seq"] == 3
    code, results = import_cli(intake, hq, b2)
    assert code == 0 and results[0]["status"] == "imported" and results[0]["warnings"] == []
    before = hq_digest(hq)
    res = cli(intake, hq, "bundle", "import", str(b2))
    assert res.returncode == 0 and json.loads(res.stdout)["results"][0]["status"] == "already_imported"
    assert "already imported" in intake("--vault", str(hq), "bundle", "import", str(b2), env=PW).stdout
    assert hq_digest(hq) == before
    st = next(d for d in cli_ok(intake, hq, "bundle", "status")["devices"] if d["key_id"] == device)
    assert st["gaps"] == [] and st["forks"] == [] and st["bundles"] == 3

    # The laptop restored from the backup numbers its next bundle 2 again: a fork, shown, and seen by the auditor.
    with with_vault(tmp_path / "backup") as f:
        add(f, narrative="typed after the restore")
    fork = export_cli(intake, tmp_path / "backup", tmp_path / "u-fork")
    res = cli(intake, None, "bundle", "verify", str(fork), "--key", str(pub), "--state", str(state))
    assert res.returncode == 1 and json.loads(res.stdout)["results"][0]["sequence"] == "fork"
    code, results = import_cli(intake, hq, fork)
    assert results[0]["status"] == "imported"
    assert any("FORK" in w for w in results[0]["warnings"])
    st = next(d for d in cli_ok(intake, hq, "bundle", "status")["devices"] if d["key_id"] == device)
    assert st["forks"] == [2]
    assert "FORK at 2" in intake("--vault", str(hq), "bundle", "status", env=PW).stdout


# ---- 5. conflicts ----------------------------------------------------------------------------------------------------
def test_concurrent_edits_become_conflicts_resolved_by_take_and_by_file(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), _ = setup(tmp_path)
    with with_vault(laptop) as f:
        first = add(f, narrative="first account")
        second = add(f, narrative="second account")
    export_cli(intake, laptop, tmp_path / "u1")
    assert import_cli(intake, hq, next((tmp_path / "u1").glob("*.tar")))[1][0]["status"] == "imported"
    # Restored laptop: the copy and the original both edit the same testimonies, differently.
    with with_vault(laptop) as f:
        restored = copy_vault(f, tmp_path / "restored")
    with restored:
        edit(restored, first, narrative="the restored copy's version")
        edit(restored, second, narrative="restored: she was taken in March")
    with with_vault(laptop) as f:
        edit(f, first, narrative="an intermediate version")  # edited twice before the next export: not a conflict
    edit_testimony(intake, laptop, tmp_path, first, narrative="the original laptop's version")
    with with_vault(laptop) as f:
        edit(f, second, narrative="original: she was taken in April")
    b_orig = export_cli(intake, laptop, tmp_path / "u2")
    b_rest = export_cli(intake, tmp_path / "restored", tmp_path / "u3")
    code, results = import_cli(intake, hq, b_orig, b_rest)
    assert code == 0 and [r["status"] for r in results] == ["imported", "imported"]
    assert any("conflicting edits" in w for w in results[1]["warnings"])

    listed = cli_ok(intake, hq, "conflicts", "list")["conflicts"]
    assert sorted(c["id"] for c in listed) == sorted([first, second]) and all(c["heads"] == 2 for c in listed)
    shown = cli_ok(intake, hq, "conflicts", "show", first)
    narratives = sorted(v["content"]["narrative"] for v in shown["versions"])
    assert narratives == ["the original laptop's version", "the restored copy's version"]
    assert shown["differences"] == ["narrative"]
    text = intake("--vault", str(hq), "conflicts", "show", first, env=PW).stdout
    assert "differs at: narrative" in text and "the restored copy's version" in text
    heads = sorted(v["revision"] for v in shown["versions"])
    take = next(v["revision"] for v in shown["versions"] if v["content"]["narrative"] == "the restored copy's version")

    # --take: a merge revision whose parents are both heads.
    merge = cli_ok(intake, hq, "conflicts", "resolve", first, "--take", take[:12])["revision"]
    history = cli_ok(intake, hq, "testimony", "history", first)["revisions"]
    merge_entry = next(h for h in history if h["revision"] == merge)
    assert sorted(merge_entry["parents"]) == heads
    assert res_json(intake, hq, "testimony", "show", first)["narrative"] == "the restored copy's version"

    # --file: a merged document written by the coordinator.
    merged_doc = res_json(intake, hq, "testimony", "show", second)
    merged_doc["narrative"] = "she was taken in March or April (two accounts)"
    merged_file = tmp_path / "merged.json"
    merged_file.write_text(json.dumps(merged_doc, ensure_ascii=False), encoding="utf-8")
    second_heads = sorted(v["revision"] for v in cli_ok(intake, hq, "conflicts", "show", second)["versions"])
    merge2 = cli_ok(intake, hq, "conflicts", "resolve", second, "--file", str(merged_file))["revision"]
    history2 = cli_ok(intake, hq, "testimony", "history", second)["revisions"]
    assert sorted(next(h for h in history2 if h["revision"] == merge2)["parents"]) == second_heads
    assert res_json(intake, hq, "testimony", "show", second)["narrative"] == merged_doc["narrative"]
    assert cli_ok(intake, hq, "conflicts", "list")["conflicts"] == []
    # A resolved record is no longer resolvable; a bad revision prefix is a usage error.
    assert cli(intake, hq, "conflicts", "resolve", first, "--take", take[:12]).returncode == 2


def res_json(intake: Runner, vault: Path, *args: str) -> Any:
    res = intake("--vault", str(vault), *args, env=PW)
    assert res.returncode == 0, res
    return json.loads(res.stdout)


# ---- 7. kill -9 during an import ---------------------------------------------------------------------------------------
def _kill_state(conn: Connection) -> tuple[Any, ...]:
    """Record state, leaving out what differs between two imports of the same bundle (times, blob ids and keys)."""
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(bytes(v) if isinstance(v, bytes | memoryview) else v for v in r) for r in conn.execute(sql))
    return (
        rows("SELECT * FROM records"),
        rows("SELECT id, record_id, parents, device, created_at, content_hash, tombstone, content FROM revisions"),
        rows("SELECT * FROM record_heads"),
        rows("SELECT sha256, size, media_type FROM attachments"),
        rows("SELECT * FROM attachment_links"),
        rows("SELECT manifest_sha256, device, seq FROM bundles"),
        rows("SELECT device, leaf, seq, entry FROM device_audit"),
    )


def _file_contains(root: Path, needle: bytes) -> list[str]:
    hits = []
    for p in root.rglob("*"):
        if p.is_file() and needle in p.read_bytes():
            hits.append(str(p.relative_to(root)))
    return hits


def test_kill_9_during_import_leaves_before_or_after(tmp_path: Path) -> None:
    hq_path, (laptop,), _ = setup(tmp_path)
    marker = b"PLAINTEXT-MARKER-" + os.urandom(16).hex().encode()
    payload = marker + os.urandom(6 << 20)
    with with_vault(laptop) as f:
        rid = add(f)
        attach(f, rid, payload, "recording.wav")
        (tmp_path / "usb").mkdir()
        bundle = bundle_export.export_bundle(f, tmp_path / "usb").path
    with with_vault(hq_path) as hq:
        state_before = _kill_state(hq.conn)
    shutil.copytree(hq_path, tmp_path / "hq-after")
    with with_vault(tmp_path / "hq-after") as hq:
        assert Importer(hq).import_file(bundle).status == "imported"
        state_after = _kill_state(hq.conn)
    assert state_after != state_before

    env = dict(os.environ) | PW
    work = tmp_path / "hq-work"
    cmd = [sys.executable, "-m", "intake_app", "--vault", str(work), "bundle", "import", str(bundle)]

    def start() -> tuple[subprocess.Popen[bytes], float | None, float]:
        """Start an import; return it with the moment (s) its first staged blob appeared (None if it ended first)."""
        known = set(os.listdir(work / "blobs"))
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            if set(os.listdir(work / "blobs")) - known:
                return proc, time.monotonic() - t0, t0
            time.sleep(0.001)
        return proc, None, t0

    # Calibrate: when staging starts (after start-up, unlock and the outer check) and how long the rest takes.
    shutil.copytree(hq_path, work)
    proc, staged_at, t0 = start()
    proc.wait()
    assert proc.returncode == 0 and staged_at is not None
    tail = time.monotonic() - t0 - staged_at
    shutil.rmtree(work)
    shutil.copytree(hq_path, work)

    rng = random.Random(7)
    outcomes = []
    for round_ in range(12):
        if round_ % 4 == 3:  # now and then, earlier: while it unlocks the vault and checks the outer signatures
            t0 = time.monotonic()
            proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.5, 1.0) * staged_at)
        else:  # mostly during staging, hashing and the commit
            proc, _, _ = start()
            time.sleep(rng.uniform(0, 1.3) * tail)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with with_vault(work) as hq:
            assert hq.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            state = _kill_state(hq.conn)
        assert state in (state_before, state_after), "a killed import left a partial state"
        outcomes.append("after" if state == state_after else "before")
        if state == state_after:  # start the next round from scratch, so kills keep landing in an import
            shutil.rmtree(work)
            shutil.copytree(hq_path, work)
    assert _file_contains(work, marker) == [], "attachment plaintext on disk after a killed import"
    res = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    with with_vault(work) as hq:
        assert hq.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert _kill_state(hq.conn) == state_after
    assert _file_contains(work, marker) == []
    print(f"kill -9 outcomes: {outcomes} (staging starts at {staged_at:.2f} s, then {tail:.2f} s)")


# ---- further findings --------------------------------------------------------------------------------------------------
def test_malformed_link_from_an_enrolled_device_is_refused_cleanly(intake: Runner, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    hq, (laptop,), _ = setup(tmp_path)
    genuine_links = bundle_export._Selection.links

    def hostile_links(self: Any) -> list[dict[str, Any]]:  # a compromised but enrolled laptop
        return [link | {"captured_at": {"when": "spring"}} for link in genuine_links(self)]

    monkeypatch.setattr(bundle_export._Selection, "links", hostile_links)
    with with_vault(laptop) as f:
        attach(f, add(f), b"scan", "scan.pdf")
        (tmp_path / "usb").mkdir()
        bundle = bundle_export.export_bundle(f, tmp_path / "usb").path
    before = hq_digest(hq)
    res = cli(intake, hq, "bundle", "import", str(bundle))
    assert hq_digest(hq) == before
    assert res.returncode == 1, res
    assert json.loads(res.stdout)["results"][0]["status"] == "refused"


def test_export_never_promotes_a_partial_left_by_a_killed_export(intake: Runner, tmp_path: Path) -> None:
    _, (laptop,), (device,) = setup(tmp_path)
    usb = tmp_path / "usb"
    with with_vault(laptop) as f:
        attach(f, add(f), os.urandom(8 << 20), "interview.wav")
    env = dict(os.environ) | PW
    cmd = [sys.executable, "-m", "intake_app", "--vault", str(laptop), "bundle", "export", str(usb)]
    usb.mkdir()
    for _ in range(5):  # kill the first export as soon as its partial file appears (before its commit)
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and not list(usb.glob(".*.partial-*")):
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if list(usb.glob(".*.partial-*")) and not list(usb.glob("*.bundle.tar")):
            break
        for p in usb.iterdir():
            p.unlink()
    else:
        pytest.skip("could not kill an export before its commit on this machine")
    stale = list(usb.glob(".*.partial-*"))
    name = bf.bundle_file_name(device, 1)
    assert stale and stale[0].name.startswith(f".{name}.partial-")
    first = export_cli(intake, laptop, usb)  # the retry: bundle 1 again, complete
    assert first.name == name
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.move(first, inbox / name)  # the coordinator takes it to HQ
    with with_vault(laptop) as f:
        add(f, narrative="next week")
    export_cli(intake, laptop, usb)  # bundle 2 to the same stick
    assert not (usb / name).exists(), "a damaged file now carries bundle 1's name"


def test_auditor_accepts_an_older_bundle_that_fits_the_newer_log(intake: Runner, tmp_path: Path) -> None:
    _, (laptop,), _ = setup(tmp_path)
    with with_vault(laptop) as f:
        add(f)
    b1 = export_cli(intake, laptop, tmp_path / "u1")
    with with_vault(laptop) as f:
        add(f, narrative="later")
    b2 = export_cli(intake, laptop, tmp_path / "u2")
    pub = tmp_path / "laptop.pub"
    with with_vault(laptop) as f:
        pub.write_text(Keyring(f).export_public(), encoding="utf-8")
    state = tmp_path / "state"
    cli_ok(intake, None, "bundle", "verify", str(b2), "--key", str(pub), "--state", str(state))
    res = cli(intake, None, "bundle", "verify", str(b1), "--key", str(pub), "--state", str(state))
    assert res.returncode == 0, res
