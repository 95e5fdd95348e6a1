"""Issue 24: key slots sealed again around a new data key with the same secrets (the end of a purge)."""

from __future__ import annotations

import os

import pytest

from crypto import kdf
from crypto.errors import AuthenticationError
from crypto.keyslots import PASSPHRASE_SLOT, RECOVERY_SLOT, KeySlotFile

FAST = kdf.PROFILES["fast"]


def test_rekeyed_slots_open_to_the_new_key_with_the_same_secrets_and_refuse_a_wrong_kek(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(kdf.FAST_PROFILE_ENV, "fast")
    old, new, recovery_key = os.urandom(32), os.urandom(32), os.urandom(32)
    slots = KeySlotFile.create("vault-1", old, "pw", recovery_key, FAST)
    keks = dict(slots.keks)
    assert set(keks) == {PASSPHRASE_SLOT, RECOVERY_SLOT}
    assert slots.unlock_with_passphrase_kek("pw") == (old, keks[PASSPHRASE_SLOT])
    assert slots.recovery_kek(recovery_key) == keks[RECOVERY_SLOT]
    again = KeySlotFile.parse(slots.rekeyed(old, new, keks).to_bytes())
    assert again.unlock_with_passphrase("pw") == new
    assert again.unlock_with_recovery_key(recovery_key) == new
    for sid in (PASSPHRASE_SLOT, RECOVERY_SLOT):  # nonces are fresh, salts and parameters kept
        assert again.slots[sid].nonce != slots.slots[sid].nonce and again.slots[sid].salt == slots.slots[sid].salt
    with pytest.raises(AuthenticationError):
        slots.rekeyed(old, new, {**keks, RECOVERY_SLOT: os.urandom(32)})  # a wrong key for one slot
    with pytest.raises(AuthenticationError):
        slots.rekeyed(os.urandom(32), new, keks)  # the slots do not hold that data key
    with pytest.raises(AuthenticationError):
        slots.rekeyed(old, new, {PASSPHRASE_SLOT: keks[PASSPHRASE_SLOT]})  # a slot's key missing
