"""Name keys for duplicate-person candidates: spelling variants meet, different people stay apart."""

from __future__ import annotations

import pytest

from intake_app.consolidation.names import SURNAME_VARIANTS, given_name_key, initial_sound_rule, name_keys, romanise_hangul


def _same(a: str, b: str) -> bool:
    return bool(name_keys(a) & name_keys(b))


@pytest.mark.parametrize(
    ("north", "south"),
    [("리", "이"), ("류", "유"), ("림", "임"), ("량", "양"), ("로", "노"), ("라", "나"), ("려", "여"), ("렴", "염"),
     ("룡", "용"), ("륙", "육"), ("녀", "여"), ("뉴", "유")],
)
def test_initial_sound_rule(north: str, south: str) -> None:
    assert initial_sound_rule(north) == south
    assert initial_sound_rule(south) == south


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("리영희", "이영희"), ("류은별", "유은별"), ("림철수", "임철수"), ("량순희", "양순희"), ("로무현", "노무현"),
        ("리 영희", "이영희"),
    ],
)
def test_hangul_spellings_north_and_south_meet(a: str, b: str) -> None:
    assert _same(a, b)


@pytest.mark.parametrize(
    "spelling",
    ["Young-hee", "Younghee", "Yŏng-hŭi", "Yeonghui", "Yeong-hui", "Young Hee", "YOUNGHEE", "Yong-hui"],
)
def test_given_name_variants(spelling: str) -> None:
    assert given_name_key(spelling) == given_name_key("Young-hee")


@pytest.mark.parametrize(("hangul", "variants"), sorted(SURNAME_VARIANTS.items()))
def test_every_listed_surname_variant_meets_the_hangul(hangul: str, variants: tuple[str, ...]) -> None:
    for roman in variants:
        assert _same(f"{hangul}영희", f"{roman.capitalize()} Young-hee"), roman


def test_surname_variants_are_unambiguous() -> None:
    seen: dict[str, str] = {}
    for hangul, romans in SURNAME_VARIANTS.items():
        for roman in romans:
            assert seen.setdefault(roman, hangul) == hangul, roman


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lee Young-hee", "Yi Younghee"),
        ("Rhee Yŏng-hŭi", "Ri Yeonghui"),
        ("Li Young-hee", "I Yeong-hui"),
        ("Young-hee Lee", "Lee Young-hee"),  # Western order
        ("Kim Chul-su", "Gim Cheol-soo"),
        ("Park Cheol", "Pak Chol"),
        ("Choi Min-jun", "Choe Min-jun"),
        ("Jung Sun-ok", "Chong Son-ok"),
        ("Ryu Un-byol", "Yu Eun-byeol"),
        ("Ryu Un-byol", "류은별"),
        ("Yoo Eun-byeol", "유은별"),
        ("Lim Soo-jin", "림수진"),
        ("Roh Mu-hyun", "노무현"),
        ("Ryang Sun-hui", "양순희"),
        ("Lee Young-hee", "리영희"),
    ],
)
def test_romanised_and_hangul_variants_meet(a: str, b: str) -> None:
    assert _same(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("김영희", "이영희"),
        ("Kim Young-hee", "Park Young-hee"),
        ("Lee Young-hee", "Lee Min-jun"),
        ("류은별", "류은희"),
        ("Kim, Young-hee", "Young-hee, Kim"),  # a comma fixes the order: these are different readings
    ],
)
def test_different_people_stay_apart(a: str, b: str) -> None:
    assert not _same(a, b)


def test_romanise_hangul() -> None:
    assert romanise_hangul("은별") == "eunbyeol"
    assert romanise_hangul("영희") == "yeonghui"
    assert romanise_hangul("a가") == "ga"


def test_hanja_and_empty() -> None:
    assert name_keys("李 英姬") == {"hanja:李英姬", "hangul:이영희", f"name:이:{given_name_key('yeonghui')}"}
    assert name_keys("") == set()
    assert name_keys("   ") == set()
    assert name_keys("-- ,") == set()


@pytest.mark.parametrize(
    ("mixed", "latin"),
    [
        ("Kim Ryе-sun", "Kim Rye-sun"),  # Cyrillic е (U+0435), as typed on a Russian keyboard
        ("Pak Kum-ryе", "Pak Kum-rye"),
        ("Pak Сhоl-su", "Pak Chol-su"),  # Cyrillic С and о
        ("Kіm Yŏng-hŭі", "Kim Yŏng-hŭi"),  # Cyrillic і, with the McCune-Reischauer breves
        ("RYЕ-SUN KIM", "Rye-sun Kim"),  # Cyrillic capital Е, Western order
        ("Ri Ѕun-hui", "Ri Sun-hui"),  # Cyrillic ѕ
        ("Kim Myοng-ok", "Kim Myong-ok"),  # Greek ο
        ("Choe Μin-jun", "Choe Min-jun"),  # Greek capital Μ
    ],
)
def test_cyrillic_and_greek_look_alikes_in_a_latin_name_are_read_as_latin(mixed: str, latin: str) -> None:
    assert name_keys(mixed) == name_keys(latin) != set()


def test_look_alikes_in_a_latin_name_meet_the_hangul() -> None:
    assert _same("Kim Ryе-sun", "김례순")
    assert given_name_key("Ryе-sun") == given_name_key("Rye-sun")


def test_cyrillic_words_are_not_read_as_latin() -> None:
    # Wholly Cyrillic: not a Latin name, however many of its letters look Latin (К, е, Р, Е, О).
    assert name_keys("Ким Ре Ок") == name_keys("Ри Ен") == set()
    # A Cyrillic word beside a Latin one stays Cyrillic (dropped), not read as "K m".
    assert name_keys("Pak Ким") == name_keys("Pak") == {"roman:pak"}
    # A word mixing Latin letters with a Cyrillic letter that has no Latin twin (и) is not read as Latin either.
    assert name_keys("Pak Кimи") != name_keys("Pak Kim")
