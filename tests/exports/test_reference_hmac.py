"""``anonymity.reference`` continues an HMAC set up once per key (issue 30): it must give exactly the HMAC-SHA256 of
the whole message under the key it is given, also when calls alternate between keys (the set-up is cached)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from intake_app.errors import UsageError
from intake_app.exports import anonymity, consent
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, TID_A, Hq, make_testimony


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


@pytest.mark.parametrize("case", ["granted", "refused", "error"])
def test_no_prepared_reference_key_outlives_a_decision(hq: Hq, case: str) -> None:
    """The prepared HMAC holds HQ's reference key (as its cache key, and in its state): a decision, whether it
    releases, excludes or fails, leaves none behind."""
    value = {"value": "granted", "anonymity": "pseudonym", "date": "2024-05-02"} if case == "granted" else "refused"
    hq.add(make_testimony(TID_A, {"publication": value}))
    with Vault.open(hq.path, PASSPHRASE) as vault:
        anonymity.reference(b"k" * 32, "publication", "pseudonym", "p:0001")  # something prepared before
        assert anonymity._keyed.cache_info().currsize == 1
        if case == "error":
            with pytest.raises(UsageError):
                consent.decide(vault, "no-such-purpose", [f"{TID_A}/v1"])
        else:
            release = consent.decide(vault, "publication", [f"{TID_A}/v1"])
            assert len(release.included) == (1 if case == "granted" else 0)
            assert all(m.reference.startswith("P-") for m in release.included)
        assert anonymity._keyed.cache_info().currsize == 0
