"""Issue 25 §4: a bundle one HQ decrypted and re-encrypted — forwarded to another HQ, given an extra recipient, or
with its recipient list changed — is refused. Two importer checks stand in the way: waiting for the outer payload
signature (payload.age is signed by the device, so new ciphertext breaks it) and "this HQ is a named recipient" (the
manifest, signed inside the encryption, lists the recipients). Each is tested alone, with the other one disabled, so
that each is pinned by a test of its own (Davis, *Defective Sign & Encrypt*, 2001)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crypto import age
from intake_app.bundles import importer as importer_mod
from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.bundles.keyring import Keyring, parse_device_key_file
from intake_app.bundles.ustar import TarReader, TarWriter
from intake_app.vault.vault import Vault
from tests.bundles.test_merge_properties import add, attach, connect, create_vault, digest_tables


@dataclass
class World:
    hq1: Vault
    hq2: Vault
    bundle: Path
    tmp: Path


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    hq1, hq2 = create_vault(tmp_path / "hq1", "hq"), create_vault(tmp_path / "hq2", "hq")
    field = create_vault(tmp_path / "laptop")
    connect(field, hq1, "laptop")  # pins HQ1 only
    Keyring(hq2).enrol(parse_device_key_file(Keyring(field).export_public()), "laptop")  # HQ2 knows the device too
    rid = add(field, narrative="told to HQ1 only")
    attach(field, rid, b"scan bytes " * 100, "scan.png")
    usb = tmp_path / "usb"
    usb.mkdir()
    bundle = export_bundle(field, usb).path
    field.lock()
    yield World(hq1, hq2, bundle, tmp_path)
    hq1.lock()
    hq2.lock()


def _members(path: Path) -> dict[str, bytes]:
    with path.open("rb") as fh:
        reader = TarReader(fh)
        return {m.name: reader.read_all(1 << 30) for m in reader.members()}


def reencrypt(w: World, recipients: list[age.X25519Recipient], name: str) -> Path:
    """What a dishonest HQ1 can do: decrypt the payload and encrypt the same inner archive to other recipients,
    keeping every signature of the device (it has no way to make new ones)."""
    parts = _members(w.bundle)
    plain = age.open_decrypt(io.BytesIO(parts["payload.age"]), [Keyring(w.hq1).identity()], armor=False).read()
    parts["payload.age"] = age.encrypt_bytes(plain, recipients)
    out = w.tmp / name
    with out.open("wb") as fh:
        writer = TarWriter(fh)
        for member in ("payload.age", "payload.age.minisig", "checkpoint", "checkpoint.minisig", "leaves"):
            writer.add_bytes(member, parts[member])
        writer.close()
    return out


def _refused(hq: Vault, path: Path, reason: str) -> None:
    before = digest_tables(hq.conn)
    outcome = Importer(hq).import_file(path)
    assert outcome.status == "refused", outcome
    assert reason in (outcome.reason or ""), outcome.reason
    assert digest_tables(hq.conn) == before


def _recipient(v: Vault) -> age.X25519Recipient:
    return Keyring(v).identity().recipient


def _no_payload_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Disable the check of the outer payload signature (the importer hashes the payload as it decrypts it)."""
    monkeypatch.setattr(importer_mod, "verify_payload", lambda payload: None)


def _no_recipient_check(monkeypatch: pytest.MonkeyPatch, w: World) -> None:
    """Disable "this HQ is a named recipient": every importer believes it is HQ1, the recipient the manifest names."""
    listed = str(_recipient(w.hq1))
    original = Importer.__init__

    def init(self: Importer, vault: Vault) -> None:
        original(self, vault)
        self.own_recipient = listed

    monkeypatch.setattr(Importer, "__init__", init)


PAYLOAD_SIG = "signature"  # words of the refusal when payload.age does not verify
NOT_NAMED = "not among the bundle's named recipients"
EXTRA = "recipients its manifest does not name"


def test_forwarded_to_another_hq_is_refused(world: World) -> None:
    forwarded = reencrypt(world, [_recipient(world.hq2)], "to-hq2.bundle.tar")
    _refused(world.hq2, forwarded, "")
    assert Importer(world.hq1).import_file(world.bundle).status == "imported"  # control: the original is fine


def test_extra_recipient_is_refused(world: World) -> None:
    extra = reencrypt(world, [_recipient(world.hq1), age.generate_x25519_identity().recipient], "extra.bundle.tar")
    _refused(world.hq1, extra, "")


def test_recipient_list_changed_is_refused(world: World) -> None:
    # Same count, HQ1 still in it, one recipient swapped: only the payload signature can tell.
    swapped = reencrypt(world, [_recipient(world.hq2)], "swapped.bundle.tar")
    _refused(world.hq2, swapped, "")
    also = reencrypt(world, [_recipient(world.hq1)], "same-list-new-ciphertext.bundle.tar")
    _refused(world.hq1, also, PAYLOAD_SIG)


def test_payload_signature_check_alone_refuses_a_forwarded_bundle(world: World,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    forwarded = reencrypt(world, [_recipient(world.hq2)], "to-hq2.bundle.tar")
    _no_recipient_check(monkeypatch, world)
    _refused(world.hq2, forwarded, PAYLOAD_SIG)


def test_named_recipient_check_alone_refuses_a_forwarded_bundle(world: World,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    forwarded = reencrypt(world, [_recipient(world.hq2)], "to-hq2.bundle.tar")
    _no_payload_check(monkeypatch)
    _refused(world.hq2, forwarded, NOT_NAMED)


def test_stanza_count_check_alone_refuses_an_extra_recipient(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = reencrypt(world, [_recipient(world.hq1), age.generate_x25519_identity().recipient], "extra.bundle.tar")
    _no_payload_check(monkeypatch)
    _refused(world.hq1, extra, EXTRA)


def test_with_both_checks_disabled_the_forwarded_bundle_would_be_imported(world: World,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The control that shows the two tests above test something: without both checks, the attack works."""
    forwarded = reencrypt(world, [_recipient(world.hq2)], "to-hq2.bundle.tar")
    _no_payload_check(monkeypatch)
    _no_recipient_check(monkeypatch, world)
    assert Importer(world.hq2).import_file(forwarded).status == "imported"
