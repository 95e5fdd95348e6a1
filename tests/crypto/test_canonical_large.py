"""``canonical_large`` gives exactly ``canonical``'s bytes (the audit entry of an archive export is built with it)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.canonical import canonical, canonical_large
from crypto.merkle import leaf_hash

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner,
                                                                                           max_size=5), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_same_bytes_as_canonical(value: Any) -> None:
    assert bytes(canonical_large(value)) == canonical(value)


def test_an_archive_exports_entry() -> None:
    mentions = [f"0190f6b8-7a1c-7d2e-9f00-{i:012d}/v{i % 3}" for i in range(20_000)]
    entry = {"seq": 7, "at": "2026-12-06T23:00:00Z", "device": "ab" * 16, "action": "export", "subject": "archive",
             "detail": {"mentions": mentions, "excluded": [{"mention": m, "reason": "refused"} for m in mentions],
                        "anonymity_by_mention": {m: "initials" for m in mentions}, "name": "김철수 \u2028 \"q\"",
                        "ratio": 0.1, "none": None, "flag": True}}
    large = canonical_large(entry)
    assert bytes(large) == canonical(entry)
    assert leaf_hash(large) == leaf_hash(canonical(entry))
