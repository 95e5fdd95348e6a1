"""Issue 30, third pass: ``revisions.current_and_sides`` (what the consent decision reads of HQ's ownership rule)
equals ``state_of``'s current version and versions in play over random histories: legacy and device-bound ids,
revisions from this vault, from enrolled devices and from unknown ones, one device or several, parents missing."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from crypto.signing import SigningKey
from intake_app.records import ids, revisions
from intake_app.vault.vault import Vault


def _history(rnd: random.Random, devices: list[str]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    one_device = rnd.random() < 0.5
    device = rnd.choice(devices)
    for i in range(rnd.randint(1, 7)):
        earlier = [r[0] for r in rows]
        parents = rnd.sample(earlier, rnd.randint(0, min(2, len(earlier)))) if earlier and rnd.random() < 0.85 else []
        if rnd.random() < 0.1:
            parents.append(f"missing-{i}")  # a parent whose bundle has not arrived
        rows.append((f"rev-{rnd.randrange(1 << 30):08x}-{i}", json.dumps(parents),
                     device if one_device else rnd.choice(devices)))
    rnd.shuffle(rows)
    return rows


def test_current_and_sides_equals_state_of(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "hq", "pw", "hq")
    enrolled = [SigningKey(os.urandom(32), os.urandom(8)).public_key for _ in range(2)]
    for n, key in enumerate(enrolled):
        vault.conn.execute("INSERT INTO devices (key_id, name, public_key, enrolled_at) VALUES (?, ?, ?, ?)",
                           (key.key_id_hex, f"laptop {n}", key.public, f"2024-0{n + 1}-01"))
    keys = revisions.DeviceKeys.load(vault.conn)
    own = sorted(keys.own)
    stranger = SigningKey(os.urandom(32), os.urandom(8)).public_key
    devices = [*own, *(k.key_id_hex for k in enrolled), stranger.key_id_hex]
    rnd = random.Random(30)
    shortcut = 0
    for _ in range(1500):
        kind = rnd.random()
        if kind < 0.3:
            record_id = ids.uuid7()
        else:
            record_id = ids.bound_record_id(rnd.choice([*enrolled, stranger]), rnd.randrange(1 << 48),
                                            rnd.randrange(1 << ids.RANDOM_BITS))
        rows = _history(rnd, devices)
        state = revisions.state_of(vault.conn, record_id, rows, keys)
        assert state is not None
        assert revisions.current_and_sides(vault.conn, record_id, rows, keys) == (state.current, state.sides), rows
        shortcut += len({r[2] for r in rows}) == 1
    assert 500 < shortcut < 1400  # both paths were taken
    assert revisions.current_and_sides(vault.conn, ids.uuid7(), [], keys) is None
    vault.lock()
