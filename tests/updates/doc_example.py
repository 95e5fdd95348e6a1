"""The worked example of docs/formats/hq-update.md, rebuilt from its inputs (Ed25519 signatures are deterministic), so
the test can check the documented bytes are exactly what the code writes and reads. Documentation keys only: their
secret seeds are printed in the document, so they prove nothing."""

from __future__ import annotations

import hashlib

from crypto import age, minisign
from crypto.signing import SigningKey
from intake_app.updates import format as uf


def doc_key(label: str) -> SigningKey:
    seed = hashlib.sha256(f"testimony-intake documentation example {label} - public, never use".encode()).digest()
    return SigningKey(seed, hashlib.sha256(seed + b"key id").digest()[:8])


OLD, NEW = doc_key("HQ signing key 1"), doc_key("HQ signing key 2")
REVOKED = doc_key("revoked device key")
BACKUP = str(age.X25519Identity(hashlib.sha256(b"testimony-intake documentation example backup identity").digest())
             .recipient)
DEVICE = "9AA1B994109A5142"
CREATED = "2026-12-01T09:30:00.000000Z"


def example() -> dict[str, str]:
    change = uf.KeyChange(1, OLD.public_key, NEW.public_key, BACKUP, None, "2026-11-30T08:00:00.000000Z")
    data = change.to_bytes()
    link_sig = minisign.sign(OLD, data, uf.key_change_comment(1, hashlib.sha256(data).hexdigest()),
                             uf.KEY_CHANGE_SIG_COMMENT)
    doc = uf.UpdateDoc(
        DEVICE, 3, CREATED, NEW.public_key,
        (uf.Receipt(1, "ab" * 32), uf.Receipt(2, "cd" * 32)),
        (uf.SignedKeyChange(change, data, link_sig),),
        (uf.Revocation(REVOKED.public_key.key_id_hex, minisign.format_public_key_base64(REVOKED.public_key),
                       "2026-11-29T17:00:00.000000Z", 4),),
        (uf.VocabularyAddition("facilities", {"code": "example_camp_99", "ko": "예시 수용소", "en": "Example camp",
                                               "attrs": {"facility_type": "kwalliso"}}),),
        {"auto_lock_minutes": 5, "max_days_between_exports": 14})
    body = doc.to_bytes()
    sig = minisign.sign(NEW, body, uf.update_comment(DEVICE, 3, hashlib.sha256(body).hexdigest(), CREATED),
                        uf.DOC_SIG_COMMENT)
    return {
        "hq-old.pub": minisign.format_public_key_file(OLD.public_key, f"minisign public key {OLD.public_key.key_id_hex}"),
        "update.json": body.decode("utf-8"),
        "update.json.minisig": sig,
        "change.json": data.decode("utf-8"),
        "change.json.minisig": link_sig,
        "hq-new.pub": minisign.format_public_key_file(NEW.public_key, f"minisign public key {NEW.public_key.key_id_hex}"),
    }


if __name__ == "__main__":
    for name, text in example().items():
        print(f"<!-- file: {name} -->\n```\n{text}{'' if text.endswith(chr(10)) else chr(10)}```\n")
    print("sha256 update.json", hashlib.sha256(example()["update.json"].encode()).hexdigest())
    print("old", OLD.public_key.key_id_hex, OLD.public_key.fingerprint(), "new", NEW.public_key.key_id_hex,
          NEW.public_key.fingerprint())
