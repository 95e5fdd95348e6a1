"""The offline passphrase hint and the as-typed recovery-key check."""

from __future__ import annotations

from crypto import recovery
from ui.start.passphrase_strength import Strength, assess
from ui.start.recovery_key_pages import normalise_group
from ui.start.recovery_screen import check_recovery_text


def test_strength_levels() -> None:
    assert assess("short").strength is Strength.TOO_SHORT
    assert assess("Password1").strength is Strength.NOTORIOUS
    assert assess("aaaaaaaaaaaaaaaaaaaa").strength is Strength.WEAK
    assert assess("우리 집 강아지는 눈 오는 날을 좋아합니다").strength is Strength.STRONG
    assert assess("correct horse battery staple").strength is Strength.STRONG
    assert not assess("Password1").acceptable
    assert assess("gjf84!kd").acceptable
    assert "hangul" in assess("한글 문장입니다").classes


def test_recovery_text_as_typed() -> None:
    text = recovery.encode(recovery.generate())
    assert check_recovery_text(text)[0]
    assert check_recovery_text(text.lower().replace("-", " "))[0]
    valid, status = check_recovery_text(text[:20])
    assert not valid and "of 56" in status
    bad_char = text[:6] + "U" + text[7:]  # U is not in Crockford base32
    valid, status = check_recovery_text(bad_char)
    assert not valid and "Character 6" in status and "group 2" in status
    typo = text[:-1] + ("0" if text[-1] != "0" else "1")
    valid, status = check_recovery_text(typo)
    assert not valid and "typo" in status
    assert not check_recovery_text(text + "0")[0]


def test_group_normalisation_matches_the_decoder() -> None:
    assert normalise_group(" o1-li ") == "0111"
    assert normalise_group("ab") == "AB"
