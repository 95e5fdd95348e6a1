"""The key-slot file refuses every alteration: flipped bytes, swapped slots, weakened parameters, foreign slots."""

from __future__ import annotations

import base64
import json
import os

import pytest

from crypto import kdf, keyslots
from crypto.errors import AuthenticationError, CryptoError, MalformedError, WeakParametersError

FAST = kdf.PROFILES["fast"]


def _make(vault_id: str = "v-1") -> tuple[keyslots.KeySlotFile, bytes, bytes]:
    dek, rk = os.urandom(32), os.urandom(32)
    return keyslots.KeySlotFile.create(vault_id, dek, "correct horse 말", rk, FAST), dek, rk


def _resign(doc: dict[str, object]) -> bytes:
    """Recompute the unkeyed checksum, as an attacker can, so the test reaches the keyed checks."""
    body = {k: doc[k] for k in ("format", "version", "vault_id", "slots")}
    doc["checksum"] = "sha256:" + __import__("hashlib").sha256(keyslots.canonical_json(body)).hexdigest()
    return json.dumps(doc).encode()


def test_unlock_with_either_secret() -> None:
    slots, dek, rk = _make()
    parsed = keyslots.KeySlotFile.parse(slots.to_bytes())
    assert parsed.unlock_with_passphrase("correct horse 말") == dek
    assert parsed.unlock_with_recovery_key(rk) == dek


def test_passphrase_is_nfc_normalised() -> None:
    dek, rk = os.urandom(32), os.urandom(32)
    composed = "\uac00\ub098"  # 가나 precomposed
    decomposed = "\u1100\u1161\u1102\u1161"  # the same syllables as conjoining jamo, as some IMEs produce
    slots = keyslots.KeySlotFile.create("v", dek, composed, rk, FAST)
    assert slots.unlock_with_passphrase(decomposed) == dek


def test_wrong_secrets_are_refused() -> None:
    slots, _, _ = _make()
    with pytest.raises(AuthenticationError, match="wrong passphrase"):
        slots.unlock_with_passphrase("wrong")
    with pytest.raises(AuthenticationError, match="wrong recovery key"):
        slots.unlock_with_recovery_key(os.urandom(32))


def test_every_flipped_byte_is_refused() -> None:
    slots, _, rk = _make()
    data = slots.to_bytes()
    for i in range(len(data)):
        tampered = bytearray(data)
        tampered[i] ^= 0x01
        with pytest.raises(CryptoError):
            parsed = keyslots.KeySlotFile.parse(bytes(tampered))
            # Flips that survive parsing (e.g. JSON whitespace/case changes) must still fail to unlock.
            parsed.unlock_with_passphrase("correct horse 말")
            parsed.unlock_with_recovery_key(rk)
            pytest.fail(f"flip at byte {i} went undetected")


def test_swapped_slots_do_not_open() -> None:
    slots, _, _ = _make()
    doc = json.loads(slots.to_bytes())
    p, r = doc["slots"]["passphrase"], doc["slots"]["recovery"]
    # Put the recovery slot's ciphertext in the passphrase slot (keeping the passphrase slot's KDF parameters).
    doc["slots"]["passphrase"] = {**p, "nonce": r["nonce"], "wrapped_key": r["wrapped_key"], "salt": r["salt"]}
    parsed = keyslots.KeySlotFile.parse(_resign(doc))
    with pytest.raises(AuthenticationError):
        parsed.unlock_with_passphrase("correct horse 말")


def test_slot_from_another_vault_does_not_open() -> None:
    a, _, _ = _make("vault-a")
    b, _, _ = _make("vault-b")
    doc_a, doc_b = json.loads(a.to_bytes()), json.loads(b.to_bytes())
    doc_a["slots"]["passphrase"] = doc_b["slots"]["passphrase"]
    parsed = keyslots.KeySlotFile.parse(_resign(doc_a))
    with pytest.raises(AuthenticationError):
        parsed.unlock_with_passphrase("correct horse 말")


def test_weakened_parameters_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    dek, rk = os.urandom(32), os.urandom(32)
    strong = kdf.Argon2Params(64 * 1024, 3, 4, "minimum")
    slots = keyslots.KeySlotFile.create("v", dek, "pw", rk, strong)
    doc = json.loads(slots.to_bytes())
    # An attacker lowers the cost to make guessing cheaper, labelling it as the test profile.
    doc["slots"]["passphrase"]["kdf"].update({"m_kib": 1024, "t": 1, "p": 1, "profile": "fast"})
    parsed = keyslots.KeySlotFile.parse(_resign(doc))
    monkeypatch.delenv("INTAKE_KDF_PROFILE", raising=False)
    with pytest.raises(WeakParametersError):
        parsed.unlock_with_passphrase("pw")
    # Even where the weak profile is allowed, the parameters are bound into the slot's associated data.
    monkeypatch.setenv("INTAKE_KDF_PROFILE", "fast")
    with pytest.raises(AuthenticationError):
        parsed.unlock_with_passphrase("pw")


def test_parameters_changed_but_above_floor_are_refused() -> None:
    dek, rk = os.urandom(32), os.urandom(32)
    slots = keyslots.KeySlotFile.create("v", dek, "pw", rk, FAST)
    doc = json.loads(slots.to_bytes())
    doc["slots"]["passphrase"]["kdf"]["t"] = 2
    parsed = keyslots.KeySlotFile.parse(_resign(doc))
    with pytest.raises(CryptoError):
        parsed.unlock_with_passphrase("pw")


def test_mac_detects_edits_that_keep_slots_valid() -> None:
    slots, _, _ = _make()
    doc = json.loads(slots.to_bytes())
    other, _, _ = _make()
    # Replace the recovery slot by another vault's (same vault id): the passphrase slot still unwraps, the MAC must fail.
    doc["slots"]["recovery"] = json.loads(other.to_bytes())["slots"]["recovery"]
    parsed = keyslots.KeySlotFile.parse(_resign(doc))
    with pytest.raises(AuthenticationError, match="altered"):
        parsed.unlock_with_passphrase("correct horse 말")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("mac"),
        lambda d: d.update(extra=1),
        lambda d: d.update(version=2),
        lambda d: d["slots"].pop("recovery"),
        lambda d: d["slots"]["passphrase"].update(salt="!!"),
        lambda d: d["slots"]["passphrase"].update(nonce=base64.b64encode(b"short").decode()),
        lambda d: d["slots"]["passphrase"]["kdf"].update(m_kib=2**40),
        lambda d: d["slots"]["passphrase"]["kdf"].update(alg="scrypt"),
    ],
)
def test_malformed_files_are_refused_before_any_derivation(mutate: object) -> None:
    slots, _, _ = _make()
    doc = json.loads(slots.to_bytes())
    mutate(doc)  # type: ignore[operator]
    with pytest.raises(MalformedError):
        keyslots.KeySlotFile.parse(_resign(doc) if "mac" in doc and "slots" in doc else json.dumps(doc).encode())


@pytest.mark.parametrize("data", [b"", b"{", b"\xff\xfe", b"[]", b'{"a":1,"a":2}', b"x" * 70000, b'{"v": NaN}'])
def test_garbage_is_malformed(data: bytes) -> None:
    with pytest.raises(MalformedError):
        keyslots.KeySlotFile.parse(data)


def test_rewrap_keeps_recovery_slot_and_changes_passphrase() -> None:
    slots, dek, rk = _make()
    new = slots.with_new_passphrase(dek, "new pass", FAST)
    assert new.slots["recovery"] == slots.slots["recovery"]
    with pytest.raises(AuthenticationError):
        new.unlock_with_passphrase("correct horse 말")
    assert keyslots.KeySlotFile.parse(new.to_bytes()).unlock_with_passphrase("new pass") == dek
    assert new.unlock_with_recovery_key(rk) == dek
