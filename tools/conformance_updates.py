"""The `updates/` section of the conformance corpus: HQ update files (docs/formats/hq-update.md) with the verdict a
laptop gives each. Called by tools/conformance.py; the files are signed by the corpus's TEST-ONLY HQ signing key (the
`signing-key` line of keys/hq.TEST-ONLY.pub) for the TEST-ONLY laptop key below, whose seed is public by design:

    seed   = SHA-256("testimony-intake conformance corpus TEST-ONLY laptop key")
    key_id = SHA-256(seed ‖ "key id")[:8]

A case is run on a fresh laptop that pinned keys/hq.TEST-ONLY.pub and holds that key: import the updates named in
`after` (each must be accepted), then `file`; `refuse` also means the laptop's vault is unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

LAPTOP_SEED = hashlib.sha256(b"testimony-intake conformance corpus TEST-ONLY laptop key").digest()
LAPTOP_KEY_ID = hashlib.sha256(LAPTOP_SEED + b"key id").digest()[:8]
PASSPHRASE = "conformance corpus, TEST ONLY"  # noqa: S105 - throw-away vaults in a temporary folder


def laptop_key() -> Any:
    from crypto.signing import SigningKey  # noqa: PLC0415

    return SigningKey(LAPTOP_SEED, LAPTOP_KEY_ID)


def build_updates(out: Path, hq: Any) -> list[dict[str, Any]]:  # noqa: PLR0915 - one statement per case
    """Write updates/*.update.tar and return their cases. ``hq`` is the corpus's open HQ vault."""
    from crypto import minisign  # noqa: PLC0415
    from crypto.signing import SigningKey  # noqa: PLC0415
    from intake_app.updates import files  # noqa: PLC0415
    from intake_app.updates import format as uf  # noqa: PLC0415
    from intake_app.updates.hq import build  # noqa: PLC0415

    folder = out / "updates"
    folder.mkdir(exist_ok=True)
    cases: list[dict[str, Any]] = []
    key = hq.signing_key()
    device = laptop_key().public_key.key_id_hex
    at = "2026-12-01T09:30:00.000000Z"

    def doc(seq: int, **changes: Any) -> Any:
        return dataclasses.replace(build(hq, device, seq, at), **changes)

    def signed(d: Any, signer: Any = key) -> tuple[bytes, str]:
        data = d.to_bytes()
        return data, minisign.sign(signer, data, uf.update_comment(d.device, d.seq, hashlib.sha256(data).hexdigest(),
                                                                   d.created_at), uf.DOC_SIG_COMMENT)

    def raw_json(d: Any, path: list[Any], value: Any) -> bytes:
        obj = d.to_json()
        target = obj
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def write(case: str, data: bytes, sig: str | bytes, expect: str, reason: str, contains: str | None,
              after: tuple[str, ...] = ()) -> None:
        text = sig if isinstance(sig, str) else sig.decode("ascii")
        (folder / f"{case}.update.tar").write_bytes(files.archive_bytes(data, text))
        cases.append({"id": case, "kind": "update", "file": f"updates/{case}.update.tar", "expect": expect,
                      "reason": reason, "reason_contains": contains, "after": list(after)})

    def sig_with(d: Any, edit: Callable[[bytes], bytes]) -> tuple[bytes, bytes]:
        data, sig = signed(d)
        return data, edit(sig.encode("ascii"))

    def link(index: int, signer: Any, new: Any) -> Any:
        change = uf.KeyChange(index, signer.public_key, new.public_key, None, None, at)
        data = change.to_bytes()
        sig = minisign.sign(signer, data, uf.key_change_comment(index, hashlib.sha256(data).hexdigest()),
                            uf.KEY_CHANGE_SIG_COMMENT)
        return uf.SignedKeyChange(change, data, sig)

    write("update-valid-1", *signed(doc(1)), "accept", "update 1 for the laptop, signed by HQ's pinned key", None)
    write("update-valid-3", *signed(doc(3)), "accept", "update 3 after update 1 (updates are cumulative)", None,
          ("update-valid-1",))
    write("update-replay", *signed(doc(1)), "refuse", "update 1 again after update 1", "not newer",
          ("update-valid-1",))
    write("update-other-device", *signed(dataclasses.replace(doc(1), device="0123456789ABCDEF")), "refuse",
          "an update for another device", "not for this laptop")
    stranger = SigningKey(hashlib.sha256(b"conformance stranger TEST ONLY").digest(), b"STRANGER")
    write("update-unpinned-signer", *signed(doc(1, hq_signing_key=stranger.public_key), stranger), "refuse",
          "signed by a key the laptop never pinned and no key change reaches", "not HQ's pinned signing key")
    write("update-number-too-far", *signed(doc(uf.SEQUENCE_WINDOW + 2)), "refuse",
          "update 1002 after update 1: more than 1000 ahead of the last from the same key (§6 step 7)",
          "too far ahead", ("update-valid-1",))
    write("update-number-at-window", *signed(doc(uf.SEQUENCE_WINDOW + 1)), "accept",
          "update 1001 after update 1: exactly at the window", None, ("update-valid-1",))
    write("update-number-over-18-digits", *signed(doc(uf.MAX_SEQUENCE + 1)), "refuse",
          "sequence 10^18, beyond the trusted comment's 18 digits", "sequence")
    new = SigningKey(hashlib.sha256(b"conformance new HQ signing key TEST ONLY").digest(), b"NEWHQKEY")
    rotated = doc(1, hq_signing_key=new.public_key, key_changes=(link(1, key, new),))
    write("update-key-change-restarts-numbers", *signed(rotated, new), "accept",
          "after update 1001 of the old key, a validly chained new signing key; its update is number 1", None,
          ("update-valid-1", "update-number-at-window"))
    write("update-chain-starts-at-2", *signed(doc(1, hq_signing_key=new.public_key,
                                                  key_changes=(link(2, key, new),)), new), "refuse",
          "a key chain whose first link has index 2 (U2: the chain starts at 1)", "numbered 1, 2, 3")
    lines = signed(doc(1))[1].encode("ascii").split(b"\n")
    write("update-sig-crlf", signed(doc(1))[0], lines[0] + b"\n" + b"\r\n".join(lines[1:4]) + b"\r\n", "refuse",
          "update.json.minisig with CRLF on lines 2-4 (U1: LF only)", "four lines")
    write("update-sig-no-final-lf", *sig_with(doc(1), lambda s: s[:-1]), "refuse",
          "update.json.minisig without its final LF (U1)", "four lines")

    required = dict(doc(1).policy, require_unlock_limit=10, require_duress=1)
    write("update-policy-requires-protections", *signed(doc(1, policy=required)), "accept",
          "a policy requiring a failed-unlock limit of at most 10 and a duress passphrase (§4: optional keys)", None)
    own = minisign.format_public_key_base64(laptop_key().public_key)
    write("update-revokes-itself", *signed(doc(1, revocations=(uf.Revocation(device, own, at, 0),))), "refuse",
          "an update listing the laptop it is for among the revoked devices (U3)", "lists the device it is for")
    base = doc(1)
    for case, path, value, reason, contains in (
            ("update-version-true", ["version"], True, "\"version\": true (U4: the integer 1 only)", "version 1"),
            ("update-time-not-real", ["created_at"], "2026-13-45T99:99:99.000000Z",
             "created_at 2026-13-45T99:99:99.000000Z (U4: a real date and time)", "created_at"),
            ("update-receipt-number-too-large", ["receipts"], [{"manifest_sha256": "ab" * 32,
                                                                "sequence": uf.MAX_SEQUENCE + 1}],
             "a receipt numbered 10^18 (U4: at most 18 digits)", "receipt number"),
            ("update-policy-require-duress-false", ["policy", "require_duress"], False,
             "\"require_duress\": false (§4: a requirement is present only when set, and then true)", "not true"),
            ("update-policy-unlock-limit-too-low", ["policy", "require_unlock_limit"], 4,
             "\"require_unlock_limit\": 4 (§4: 5 to 100)", "require_unlock_limit")):
        data = raw_json(base, path, value)
        comment = uf.update_comment(device, 1, hashlib.sha256(data).hexdigest(), at)
        write(case, data, minisign.sign(key, data, comment, uf.DOC_SIG_COMMENT), "refuse", reason, contains)
    return cases


def run_update_case(out: Path, case: dict[str, Any], cases: list[dict[str, Any]]) -> str | None:
    """None when a laptop gives ``case`` its stated verdict, else what it did instead."""
    from intake_app.bundles.keyring import Keyring, parse_hq_key_file, read_key_file  # noqa: PLC0415
    from intake_app.errors import IntakeError  # noqa: PLC0415
    from intake_app.updates.field import import_update  # noqa: PLC0415
    from intake_app.vault.database import Transaction  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="conformance-laptop-") as tmp:
        laptop = Vault.create(Path(tmp) / "laptop", PASSPHRASE, "field")[0]
        try:
            with Transaction(laptop.conn):
                laptop.conn.execute("UPDATE signing_keys SET seed = ?, key_id = ?", (LAPTOP_SEED, LAPTOP_KEY_ID))
            Keyring(laptop).pin_recipient(parse_hq_key_file(read_key_file(out / "keys" / "hq.TEST-ONLY.pub")), "hq")
            for before in case["after"]:
                earlier = next(c for c in cases if c["id"] == before)
                try:
                    import_update(laptop, out / earlier["file"], auto_purge=False)
                except IntakeError as exc:
                    return f"the update {before} it follows was refused: {exc}"
            count = laptop.conn.execute("SELECT count(*) FROM updates_received").fetchone()[0]
            try:
                import_update(laptop, out / case["file"], auto_purge=False)
            except IntakeError as exc:
                unchanged = laptop.conn.execute("SELECT count(*) FROM updates_received").fetchone()[0] == count
                contains = (case.get("reason_contains") or "").lower()
                if case["expect"] == "refuse" and unchanged and contains in str(exc).lower():
                    return None
                return f"refused: {exc}"
            return None if case["expect"] == "accept" else "accepted"
        finally:
            laptop.lock()
