from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import recovery
from crypto.errors import MalformedError


@given(st.binary(min_size=32, max_size=32))
def test_round_trip_and_grouping(key: bytes) -> None:
    text = recovery.encode(key)
    groups = text.split("-")
    assert len(groups) == 14 and all(len(g) == 4 for g in groups)
    assert recovery.decode(text) == key
    assert recovery.decode(text.lower().replace("-", " ")) == key


def test_lookalike_characters_are_accepted() -> None:
    key = bytes(range(32))
    text = recovery.encode(key)
    assert recovery.decode(text.replace("0", "O").replace("1", "l")) == key


def test_every_single_character_typo_is_caught() -> None:
    key = os.urandom(32)
    text = recovery.encode(key).replace("-", "")
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    caught = 0
    for pos, ch in enumerate(text):
        for repl in alphabet:
            if repl == ch:
                continue
            typo = text[:pos] + repl + text[pos + 1 :]
            try:
                decoded = recovery.decode(typo)
            except MalformedError:
                caught += 1
                continue
            # A 24-bit checksum lets about one typo in 16 million through; even then it must not yield the same key.
            assert decoded != key
    assert caught >= 0.999 * 56 * 31


@pytest.mark.parametrize("bad", ["", "ABCD", "U" * 56, "!" * 56, recovery.encode(bytes(32)) + "A"])
def test_malformed_inputs(bad: str) -> None:
    with pytest.raises(MalformedError):
        recovery.decode(bad)
