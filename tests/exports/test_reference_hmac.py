"""``anonymity.reference`` continues an HMAC set up once per key (issue 30): it must give exactly the HMAC-SHA256 of
the whole message under the key it is given, also when calls alternate between keys (the set-up is cached)."""

from __future__ import annotations

import hashlib
import hmac

from intake_app.exports import anonymity


def _whole(key: bytes, purpose: str, level: str, person: str) -> str:
    message = "\x00".join(("testimony-intake person reference v2", purpose, level, person)).encode("utf-8")
    return "P-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:10]


def test_reference_is_the_hmac_of_the_whole_message_under_each_key() -> None:
    keys = [bytes([n]) * 32 for n in (1, 2)] + [b"k" * 80]  # a key longer than the block is hashed first
    cases = [("publication", "pseudonym", "p:0001"), ("wgeid", "full_name", "m:\u1100\u00e9"),
             ("publication", "anonymised", "")]
    for _ in range(2):
        for key in keys:  # alternating keys: a set-up kept for one key is never used for another
            for purpose, level, person in cases:
                assert anonymity.reference(key, purpose, level, person) == _whole(key, purpose, level, person)
    assert len({anonymity.reference(key, "publication", "pseudonym", "p:0001") for key in keys}) == len(keys)
