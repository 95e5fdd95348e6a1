"""Refusals of `intake update import` (issue 17, "must show" 3), each leaving the field vault byte-identical: every
single-byte flip of an update file, another device's update, a replay or older update, an update signed by a key the
laptop does not pin, and key changes without a valid chain. Also the valid key change they are measured against."""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

import pytest

from crypto import age, minisign
from crypto.signing import SigningKey
from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.bundles.keyring import Keyring
from intake_app.errors import RefusedError
from intake_app.updates import files
from intake_app.updates import format as uf
from intake_app.updates.field import import_update, pinned_signing_keys
from intake_app.updates.hq import build, export_updates
from intake_app.vault.vault import utc_now
from tests.bundles.test_merge_properties import create_vault
from tests.conftest import Runner, tree_digest
from tests.updates.helpers import add_marked, cli, cli_ok, opened, setup_pair


def _refused(intake: Runner, laptop: Path, update: Path, reason: str) -> str:
    before = tree_digest(laptop)
    res = cli(intake, laptop, "update", "import", str(update))
    assert res.returncode == 1, res
    assert reason in res.stderr, res
    assert tree_digest(laptop) == before
    return res.stderr


def _with_bundle_at_hq(tmp: Path) -> tuple[Path, Path, str, Path]:
    hq, (laptop,), (device,) = setup_pair(tmp)
    usb = tmp / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        add_marked(f, "A", with_attachment=False)
        bundle = export_bundle(f, usb).path
    with opened(hq) as h:
        assert Importer(h).import_file(bundle).status == "imported"
    return hq, laptop, device, usb


def _forge(tmp: Path, doc: uf.UpdateDoc, key: SigningKey, name: str) -> Path:
    data = doc.to_bytes()
    sig = minisign.sign(key, data, uf.update_comment(doc.device, doc.seq, hashlib.sha256(data).hexdigest(),
                                                     doc.created_at), uf.DOC_SIG_COMMENT)
    path = tmp / name
    path.write_bytes(files.archive_bytes(data, sig))
    return path


def _link(index: int, signer: SigningKey, previous: SigningKey, new: SigningKey | None = None,
          add: str | None = None) -> uf.SignedKeyChange:
    change = uf.KeyChange(index, previous.public_key, None if new is None else new.public_key, add, None, utc_now())
    data = change.to_bytes()
    sig = minisign.sign(signer, data, uf.key_change_comment(index, hashlib.sha256(data).hexdigest()),
                        uf.KEY_CHANGE_SIG_COMMENT)
    return uf.SignedKeyChange(change, data, sig)


def test_every_single_byte_flip_is_refused_and_changes_nothing(intake: Runner, tmp_path: Path) -> None:
    hq, laptop, device, usb = _with_bundle_at_hq(tmp_path)
    with opened(hq) as h:
        (sent,) = export_updates(h, usb, device)
    good = sent.path.read_bytes()
    before = tree_digest(laptop)
    with opened(laptop) as f:
        for i in range(len(good)):
            flipped = bytearray(good)
            flipped[i] ^= 0x01 if i % 2 else 0x80
            path = tmp_path / "flipped.update.tar"
            path.write_bytes(bytes(flipped))
            with pytest.raises(RefusedError):
                import_update(f, path)
        assert f.conn.execute("SELECT count(*) FROM updates_received").fetchone()[0] == 0
    assert tree_digest(laptop) == before
    # A few of them through the CLI as an interviewer would meet them (exit 1, the vault unchanged).
    for i in (0, 100, 515, 600, len(good) // 2, len(good) - 1030, len(good) - 1):
        flipped = bytearray(good)
        flipped[i] ^= 0x20
        path = tmp_path / f"cli-flip-{i}.update.tar"
        path.write_bytes(bytes(flipped))
        _refused(intake, laptop, path, "refused")
    cli_ok(intake, laptop, "update", "import", str(sent.path))  # the intact file is accepted (control)


def test_another_devices_update_a_replay_and_an_older_update_are_refused(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop, _other), (device, other_id) = setup_pair(tmp_path, fields=2)
    usb = tmp_path / "usb"
    usb.mkdir()
    sent = cli_ok(intake, hq, "update", "export", "--all", "--out", str(usb))["updates"]
    by_device = {u["device"]: Path(u["path"]) for u in sent}
    assert set(by_device) == {device, other_id}
    _refused(intake, laptop, by_device[other_id], f"for device {other_id}, not for this laptop")
    first = by_device[device]
    cli_ok(intake, laptop, "update", "import", str(first))
    _refused(intake, laptop, first, "not newer than update 1")  # a replay
    second = Path(cli_ok(intake, hq, "update", "export", "--device", device, "--out", str(usb / ".."))["updates"][0]
                  ["path"])
    third_dir = tmp_path / "later"
    third_dir.mkdir()
    third = Path(cli_ok(intake, hq, "update", "export", "--device", device, "--out", str(third_dir))["updates"][0]
                 ["path"])
    cli_ok(intake, laptop, "update", "import", str(third))  # 3 after 1: updates are cumulative, a lost one is no gap
    _refused(intake, laptop, second, "not newer than update 3")  # an older update


def test_an_update_signed_by_a_key_the_laptop_does_not_pin_is_refused(intake: Runner, tmp_path: Path) -> None:
    hq, laptop, device, usb = _with_bundle_at_hq(tmp_path)
    other_hq = create_vault(tmp_path / "other-hq", "hq")
    with opened(laptop) as f:  # enrolled at another HQ too, whose key this laptop never pinned
        Keyring(other_hq).enrol(Keyring(f).signing_key.public_key, "laptop-1")
    (sent,) = export_updates(other_hq, usb, device)
    other_hq.lock()
    _refused(intake, laptop, sent.path, "not HQ's pinned signing key")
    # The same with a key nobody enrolled anywhere, over a document HQ really made.
    with opened(hq) as h:
        doc = build(h, device, 1, utc_now())
    stranger = SigningKey.generate()
    forged = _forge(tmp_path, uf.UpdateDoc(**{**doc.__dict__, "hq_signing_key": stranger.public_key}), stranger,
                    "stranger.update.tar")
    _refused(intake, laptop, forged, "not HQ's pinned signing key")


def test_key_changes_without_a_valid_chain_are_refused(intake: Runner, tmp_path: Path) -> None:
    hq, laptop, device, _usb = _with_bundle_at_hq(tmp_path)
    with opened(hq) as h:
        current = h.signing_key()
        doc = build(h, device, 1, utc_now())
    evil = SigningKey.generate()

    def forged(name: str, links: tuple[uf.SignedKeyChange, ...], signer: SigningKey) -> Path:
        return _forge(tmp_path, uf.UpdateDoc(**{**doc.__dict__, "key_changes": links,
                                                 "hq_signing_key": signer.public_key}), signer, name)

    # 1. a link from the pinned key to the attacker's, signed by the attacker rather than by the pinned key
    _refused(intake, laptop, forged("self-signed.tar", (_link(1, evil, current, evil),), evil), "not validly signed")
    # 2. a link signed by the pinned key's id but with a corrupted signature
    bad = _link(1, current, current, evil)
    sig_lines = bad.signature.split("\n")
    sig_lines[3] = minisign.sign(evil, b"x", "x").split("\n")[3]
    broken = uf.SignedKeyChange(bad.change, bad.data, "\n".join(sig_lines))
    _refused(intake, laptop, forged("corrupt.tar", (broken,), evil), "not validly signed")
    # 3. a chain that starts from a key the laptop never pinned
    middle = SigningKey.generate()
    _refused(intake, laptop, forged("unpinned-start.tar", (_link(1, middle, middle, evil),), evil),
             "not HQ's pinned signing key")
    # 4. a chain with a missing link: pinned → A is left out, A → B is given, signed by A
    a, b = SigningKey.generate(), SigningKey.generate()
    _refused(intake, laptop, forged("gap.tar", (_link(1, middle, middle, evil), _link(2, a, a, b)), b),
             "not HQ's pinned signing key")
    # 4b. (issue 25 U2) the chain travels whole in every update: one that starts at link 2 is malformed
    _refused(intake, laptop, forged("from-two.tar", (_link(2, a, a, b),), b), "not numbered 1, 2, 3")
    # 5. a chain whose second link is not signed by the key the first one installed
    _refused(intake, laptop, forged("broken.tar", (_link(1, current, current, a), _link(2, evil, evil, b)), b),
             "the key chain is broken")
    # 6. a valid chain, but the update itself signed by the old key rather than the one the chain leads to
    _refused(intake, laptop, forged("old-signer.tar", (_link(1, current, current, a),), current),
             "not HQ's pinned signing key")
    # 7. a new recipient slipped in by a link the pinned key did not sign
    _refused(intake, laptop, forged("recipient.tar", (_link(1, evil, current, None, add=_age_recipient()),), current),
             "not validly signed")


def _age_recipient() -> str:
    return str(age.X25519Identity(bytes(range(32))).recipient)


def test_a_valid_key_change_is_followed_and_the_old_key_no_longer_signs(intake: Runner, tmp_path: Path) -> None:
    hq, laptop, device, usb = _with_bundle_at_hq(tmp_path)
    with opened(hq) as h:
        old = h.signing_key()
    backup = _age_recipient()
    change = cli_ok(intake, hq, "update", "key-change", "--new-signing-key", "--add-recipient", backup)
    assert change["index"] == 1 and change["previous_signing_key"] == old.public_key.key_id_hex
    sent = cli_ok(intake, hq, "update", "export", "--device", device, "--out", str(usb))["updates"][0]
    got = cli_ok(intake, laptop, "update", "import", sent["path"])
    assert [k["index"] for k in got["key_changes"]] == [1]
    assert got["key_changes"][0]["signing_key"] == change["signing_key_fingerprint"]
    with opened(laptop) as f:
        assert [k.key_id_hex for k in pinned_signing_keys(f.conn)] == [change["signing_key"]]
        assert backup in [r for r, _, _ in Keyring(f).recipients()]
        bundle = export_bundle(f, usb)  # now encrypted to the added recipient too
    assert cli_ok(intake, hq, "bundle", "import", str(bundle.path))["results"][0]["status"] == "imported"
    with tarfile.open(bundle.path) as tar:
        payload = tar.extractfile("payload.age").read(65536)  # type: ignore[union-attr]
    header = payload.split(b"\n---", 1)[0]
    assert header.count(b"\n-> X25519 ") == 2  # HQ's recipient and the one the key change added
    # An update the OLD key signs (someone who stole it) is refused now; HQ's next one, by the new key, is accepted.
    with opened(hq) as h:
        doc = build(h, device, 5, utc_now())
    stale = _forge(tmp_path, uf.UpdateDoc(**{**doc.__dict__, "key_changes": (), "hq_signing_key": old.public_key}),
                   old, "stale.update.tar")
    _refused(intake, laptop, stale, "not HQ's pinned signing key")
    nxt = cli_ok(intake, hq, "update", "export", "--device", device, "--out", str(tmp_path))["updates"][0]
    got = cli_ok(intake, laptop, "update", "import", nxt["path"])
    assert got["key_changes"] == [] and got["sequence"] == 2
