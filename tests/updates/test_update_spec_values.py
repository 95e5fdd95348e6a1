"""The update format's decisions (issue 25 §3, U1–U4), each tied to the sentence of docs/formats/hq-update.md that
states it, so the specification and the code cannot drift apart."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from intake_app.errors import RefusedError
from intake_app.updates import files
from intake_app.updates import format as uf
from intake_app.updates.field import import_update
from intake_app.updates.hq import build, export_updates
from intake_app.vault.vault import utc_now
from tests.conftest import tree_digest
from tests.updates.helpers import opened
from tests.updates.test_update_refusals import _forge, _link, _with_bundle_at_hq

SPEC = (Path(__file__).resolve().parents[2] / "docs" / "formats" / "hq-update.md").read_text(encoding="utf-8")


def _spec_says(text: str) -> None:
    assert " ".join(text.split()) in " ".join(SPEC.split()), text


def test_u1_signature_lines_end_in_lf_only_and_the_last_one_too(tmp_path: Path) -> None:
    _spec_says("Every line, the last one included, ends in exactly one LF")
    hq, laptop, device, usb = _with_bundle_at_hq(tmp_path)
    with opened(hq) as h:
        (sent,) = export_updates(h, usb, device)
    doc, sig = files.split_archive(sent.path.read_bytes())
    lines = sig.split(b"\n")
    variants = {
        "no-final-lf": sig[:-1],
        "crlf-line-2": b"\n".join([lines[0], lines[1] + b"\r", *lines[2:]]),
        "crlf-lines-2-4": lines[0] + b"\n" + b"\r\n".join(lines[1:4]) + b"\r\n",
        "extra-line": sig + b"\n",
        "trailing-space": sig[:-1] + b" \n",
    }
    before = tree_digest(laptop)
    for name, bad in variants.items():
        path = tmp_path / f"{name}.update.tar"
        path.write_bytes(files.archive_bytes(doc, bad.decode("ascii")))
        with opened(laptop) as f, pytest.raises(RefusedError, match="four lines each ending in LF"):
            import_update(f, path)
    assert tree_digest(laptop) == before
    with opened(laptop) as f:
        assert import_update(f, sent.path).sequence == 1  # control: the file as written


def test_u2_the_key_chain_starts_at_link_1(tmp_path: Path) -> None:
    _spec_says("`index` is 1 for the first link and consecutive")
    hq, _laptop, device, _usb = _with_bundle_at_hq(tmp_path)
    with opened(hq) as h:
        key = h.signing_key()
        doc = build(h, device, 1, utc_now())
    from crypto.signing import SigningKey

    new = SigningKey.generate()
    for links, ok in (((_link(1, key, key, new),), True), ((_link(2, key, key, new),), False),
                      ((_link(1, key, key, new), _link(3, new, new, SigningKey.generate())), False)):
        data = dataclasses.replace(doc, key_changes=links).to_bytes()
        if ok:
            assert uf.parse_doc(data).key_changes[0].change.index == 1
        else:
            with pytest.raises(uf.UpdateMalformed, match="numbered 1, 2, 3"):
                uf.parse_doc(data)


def test_u3_an_update_listing_its_own_device_as_revoked_is_refused(tmp_path: Path) -> None:
    _spec_says("An update that lists the device it is for among `revocations` is refused whole")
    hq, laptop, device, _usb = _with_bundle_at_hq(tmp_path)
    with opened(hq) as h:
        key = h.signing_key()
        doc = build(h, device, 1, utc_now())
        pub = h.conn.execute("SELECT public_key FROM devices WHERE key_id = ?", (device,)).fetchone()[0]
    from crypto import minisign
    from crypto.signing import PublicKey

    own = minisign.format_public_key_base64(PublicKey(bytes.fromhex(device)[::-1], bytes(pub)))
    forged = _forge(tmp_path, dataclasses.replace(doc, revocations=(
        uf.Revocation(device, own, utc_now(), 0),)), key, "self-revoked.update.tar")
    before = tree_digest(laptop)
    with opened(laptop) as f, pytest.raises(RefusedError, match="lists the device it is for"):
        import_update(f, forged)
    assert tree_digest(laptop) == before


def _mutated(doc: uf.UpdateDoc, path: list[object], value: object) -> bytes:
    obj = doc.to_json()
    target = obj
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_u4_numbers_version_and_times(tmp_path: Path) -> None:
    _spec_says("`sequence` | this device's update number, integer 1 … 999 999 999 999 999 999")
    _spec_says("a receipt's `sequence` is at most 999 999 999 999 999 999")
    _spec_says("`version` is the integer 1 (`true` is refused")
    _spec_says("a time must name a real date and time")
    hq, _laptop, device, _usb = _with_bundle_at_hq(tmp_path)
    with opened(hq) as h:
        doc = build(h, device, 1, utc_now())
    assert doc.receipts
    assert uf.parse_doc(_mutated(doc, ["receipts", 0, "sequence"], uf.MAX_SEQUENCE)).receipts[0].seq == uf.MAX_SEQUENCE
    bad = {
        "receipt number": _mutated(doc, ["receipts", 0, "sequence"], uf.MAX_SEQUENCE + 1),
        "not a version 1": _mutated(doc, ["version"], True),
        "bad created_at": _mutated(doc, ["created_at"], "2026-13-45T99:99:99.000000Z"),
        "bad created_at ": _mutated(doc, ["created_at"], "2026-02-30T10:00:00.000000Z"),
        "sequence": _mutated(doc, ["sequence"], uf.MAX_SEQUENCE + 1),
    }
    for reason, data in bad.items():
        with pytest.raises(uf.UpdateMalformed, match=re.escape(reason.strip())):
            uf.parse_doc(data)
