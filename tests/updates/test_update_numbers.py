"""Issue 25 §2: update numbers are bounded, and a validly chained HQ key change always reaches the laptop.

The attack: an update signed with HQ's current key (a thief of it, or a mistake) numbered 999999999999999999 used to
be accepted, after which every later update, HQ's key rotation included, was refused as "not newer" — so the
documented answer to a key theft could never arrive. Now a number may be at most SEQUENCE_WINDOW above the last one
from the same key, and numbers count per HQ signing key: the new key's numbering starts afresh.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crypto.signing import SigningKey
from intake_app.errors import RefusedError
from intake_app.updates import format as uf
from intake_app.updates.field import import_update, pinned_signing_keys
from intake_app.updates.hq import build, change_keys, export_updates
from intake_app.vault.vault import utc_now
from tests.conftest import tree_digest
from tests.updates.helpers import opened
from tests.updates.test_update_refusals import _forge, _with_bundle_at_hq


def _thief_update(tmp: Path, hq: Path, device: str, seq: int, name: str) -> tuple[Path, SigningKey]:
    """An update HQ's current key signs, with a number of the signer's choosing."""
    with opened(hq) as h:
        key = h.signing_key()
        doc = build(h, device, seq, utc_now())
    return _forge(tmp, doc, key, name), key


def _refused(laptop: Path, path: Path, reason: str) -> None:
    before = tree_digest(laptop)
    with opened(laptop) as f, pytest.raises(RefusedError, match=reason):
        import_update(f, path)
    assert tree_digest(laptop) == before


def test_numbers_beyond_the_window_or_the_comment_range_are_refused(tmp_path: Path) -> None:
    hq, laptop, device, _usb = _with_bundle_at_hq(tmp_path)
    huge, _ = _thief_update(tmp_path, hq, device, uf.MAX_SEQUENCE, "huge.update.tar")
    _refused(laptop, huge, "skips too far ahead of update 0")
    edge, _ = _thief_update(tmp_path, hq, device, uf.SEQUENCE_WINDOW + 1, "edge.update.tar")
    _refused(laptop, edge, "skips too far ahead")
    with opened(hq) as h:
        doc = build(h, device, uf.MAX_SEQUENCE + 1, utc_now())
    with pytest.raises(uf.UpdateMalformed, match="sequence"):
        uf.parse_doc(doc.to_bytes())
    ok, _ = _thief_update(tmp_path, hq, device, uf.SEQUENCE_WINDOW, "window.update.tar")
    with opened(laptop) as f:
        assert import_update(f, ok).sequence == uf.SEQUENCE_WINDOW  # the last number inside the window


def test_a_key_change_gets_through_whatever_number_the_old_key_reached(tmp_path: Path) -> None:
    hq, laptop, device, usb = _with_bundle_at_hq(tmp_path)
    with opened(hq) as h:
        (first,) = export_updates(h, usb, device)
    with opened(laptop) as f:
        assert import_update(f, first.path).sequence == 1
    # The thief pushes the number as far as the window lets it: HQ's own next update is now "not newer" ...
    high, old_key = _thief_update(tmp_path, hq, device, 1 + uf.SEQUENCE_WINDOW, "high.update.tar")
    with opened(laptop) as f:
        import_update(f, high)
    with opened(hq) as h:
        (second,) = export_updates(h, tmp_path, device)
    assert second.seq == 2
    _refused(laptop, second.path, "not newer than update 1001")
    # ... but HQ's answer, a new signing key, gets through: its numbering starts afresh.
    later = tmp_path / "after-rotation"
    later.mkdir()
    with opened(hq) as h:
        change_keys(h, new_signing_key=True)
        (rotated,) = export_updates(h, later, device)
    assert rotated.seq == 1
    with opened(laptop) as f:
        got = import_update(f, rotated.path)
        assert [k["index"] for k in got.key_changes] == [1]
        (pinned,) = pinned_signing_keys(f.conn)
    assert not pinned.same_as(old_key.public_key)
    # The thief's key signs nothing any more, whatever the number; HQ's next update follows on under the new key.
    with opened(hq) as h:
        doc = build(h, device, 3, utc_now())
    stale = _forge(tmp_path, dataclasses.replace(doc, key_changes=(), hq_signing_key=old_key.public_key), old_key,
                   "stale.update.tar")
    _refused(laptop, stale, "not HQ's pinned signing key")
    with opened(hq) as h:
        (nxt,) = export_updates(h, usb, device)
    with opened(laptop) as f:
        assert import_update(f, nxt.path).sequence == 2
