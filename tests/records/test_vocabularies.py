"""Vocabulary data files: every file valid, codes unique, labels present, lookups by label and alias."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import pytest

from intake_app import resources
from intake_app.errors import UsageError
from intake_app.records import vocabularies
from intake_app.records.vocabularies import VocabularyError, fold, parse_vocabulary

EXPECTED = {
    "act_types", "anonymity_levels", "consent_purposes", "consent_values", "disappearance_reasons", "facilities",
    "facility_types", "foreign_actors", "identification", "interview_modes", "name_types", "nationalities", "organs",
    "places", "ranks", "relations", "romanisation_systems", "sex", "source_kinds", "victim_categories", "whereabouts_status",
}


def test_all_expected_vocabularies_are_bundled() -> None:
    assert set(vocabularies.available()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_file_is_valid(name: str) -> None:
    raw = resources.data_path("vocabularies", f"{name}.json").read_bytes()
    raw.decode("utf-8")  # strict UTF-8
    vocab = vocabularies.load(name)
    codes = [entry.code for entry in vocab.entries]
    assert len(codes) == len(set(codes))
    folded: dict[str, str] = {}
    for entry in vocab.entries:
        assert entry.ko.strip() and entry.en.strip()
        assert all(unicodedata.is_normalized("NFC", text) for text in (entry.ko, entry.en, *entry.aliases))
        assert len({fold(a) for a in entry.aliases}) == len(entry.aliases), entry.code
        for text in {fold(t) for t in (entry.code, entry.ko, entry.en, *entry.aliases, *(f.name for f in entry.former))}:
            assert folded.setdefault(text, entry.code) == entry.code, f"{name}: {text} is used twice"
        assert vocab.lookup(entry.ko) is entry and vocab.lookup(entry.en) is entry
        assert entry.parent is None or entry.parent in vocab


def test_victim_categories_are_the_ten() -> None:
    vocab = vocabularies.load("victim_categories")
    assert vocab.codes() == tuple(str(i) for i in range(1, 11))
    assert vocabularies.label("victim_categories", "7", "en") == "Political prisoners"
    assert vocabularies.label("victim_categories", "7") == "정치범"
    # The two labels vocabularies.md marks "(confirm)" carry the draft flag.
    assert {e.code for e in vocab.entries if e.confirm} == {"4", "8"}


def test_act_types_are_the_sixteen() -> None:
    assert vocabularies.load("act_types").codes() == (
        "arrest", "abduction", "capture_pow", "detention", "interrogation", "forced_repatriation", "handover",
        "transfer", "sentencing", "forced_labour", "torture", "death_in_custody", "execution", "last_seen",
        "release", "escape",
    )


def test_consent_vocabularies() -> None:
    assert vocabularies.load("consent_purposes").codes() == (
        "recording", "storage", "reports", "publication", "wgeid", "un_other", "prosecutors", "government_partners",
        "perpetrator_profiling", "photos_documents", "contact",
    )
    assert vocabularies.load("consent_values").codes() == ("granted", "conditional", "refused", "withdrawn", "not_asked")
    assert vocabularies.load("identification").codes() == ("named", "partial_name", "rank+unit", "unit_only", "unknown")


@pytest.mark.parametrize(
    ("vocab", "text", "code"),
    [
        ("organs", "mss", "MSS"),
        ("organs", "보위부", "MSS"),
        ("organs", "BOWIBU", "MSS"),
        ("organs", "국가안전보위부", "MSS"),  # former name
        ("organs", "MPS", "MSOS"),
        ("organs", "인민보안성", "MSOS"),
        ("organs", "보위사령부", "MSB"),
        ("places", "Kyongwon", "KP.north_hamgyong.saebyol"),
        ("places", "경흥", "KP.north_hamgyong.undok"),
        ("places", "양강도", "KP.ryanggang"),
        ("places", "yanggang", "KP.ryanggang"),
        ("places", "  Onseong ", "KP.north_hamgyong.onsong"),
        ("places", "延吉", "CN.yanji"),
        ("facilities", "요덕", "kwalliso_15"),
        ("ranks", "상위", "sangwi"),
        ("act_types", "북송", "forced_repatriation"),
        ("romanisation_systems", "mccune-reischauer", "MR"),
    ],
)
def test_lookup_by_label_alias_and_former_name(vocab: str, text: str, code: str) -> None:
    entry = vocabularies.lookup(vocab, text)
    assert entry is not None and entry.code == code


def test_lookup_is_nfc_insensitive() -> None:
    decomposed = unicodedata.normalize("NFD", "보위부")
    assert decomposed != "보위부"
    entry = vocabularies.lookup("organs", decomposed)
    assert entry is not None and entry.code == "MSS"


def test_former_names_carry_years() -> None:
    msos = vocabularies.load("organs").get("MSOS")
    former = {f.name: (f.from_year, f.until_year) for f in msos.former}
    assert former["인민보안성"] == (2000, 2020)


def test_trees_and_attributes() -> None:
    places = vocabularies.load("places")
    capital = places.get("KP.ryanggang").attr("capital")
    assert capital == "KP.ryanggang.hyesan"
    assert places.get(str(capital)).parent == "KP.ryanggang"
    provinces = {e.code for e in places.children("KP")}
    assert "KP.north_hamgyong" in provinces and len(provinces) == 13
    assert vocabularies.load("organs").get("MSS_CITY_COUNTY").parent == "MSS_PROVINCE"


def test_unknowns() -> None:
    assert vocabularies.lookup("organs", "KGB") is None
    with pytest.raises(VocabularyError):
        vocabularies.label("organs", "KGB", "en")
    with pytest.raises(UsageError):
        vocabularies.load("no_such_vocabulary")
    with pytest.raises(VocabularyError):
        vocabularies.load("../victim_categories")


def _doc(entries: list[dict[str, object]]) -> bytes:
    return json.dumps({"vocabulary": "t", "version": 1, "description": "d", "entries": entries}).encode()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"code": "a", "ko": "가", "en": "A"}, {"code": "a", "ko": "나", "en": "B"}], "duplicate code"),
        ([{"code": "a", "ko": "", "en": "A"}], "non-empty string"),
        ([{"code": "a", "ko": "가", "en": " "}], "non-empty string"),
        ([{"code": "a", "ko": "가", "en": "A"}, {"code": "b", "ko": "나", "en": "a"}], "also used by a"),
        ([{"code": "a", "ko": "가", "en": "A", "aliases": ["x"]}, {"code": "b", "ko": "나", "en": "B", "aliases": ["X"]}],
         "also used by a"),
        ([{"code": "a", "ko": "가", "en": "A", "colour": "red"}], "unknown keys"),
        ([{"code": "a", "ko": "가", "en": "A", "parent": "zz"}], "parent"),
        ([{"code": "a", "ko": "가", "en": "A", "confirm": "yes"}], "true or false"),
        ([{"code": "a", "ko": "가", "en": "A", "former": [{"name": "x", "from": 2020, "until": 2000}]}], "after until"),
        ([{"code": "a", "ko": unicodedata.normalize("NFD", "가"), "en": "A"}], "NFC"),
        ([], "non-empty list"),
    ],
)
def test_bad_vocabulary_files_are_refused(entries: list[dict[str, object]], message: str) -> None:
    with pytest.raises(VocabularyError, match=message):
        parse_vocabulary("t", _doc(entries))


def test_bad_vocabulary_encoding_is_refused() -> None:
    with pytest.raises(VocabularyError, match="UTF-8 JSON"):
        parse_vocabulary("t", b"\xff\xfe{}")


def test_data_path_from_source_and_frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert resources.data_path("vocabularies").is_dir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.data_path("vocabularies", "sex.json") == tmp_path / "intake_app" / "data" / "vocabularies" / "sex.json"


@pytest.mark.parametrize("part", ["..", "../x", "/etc/passwd", "", "a/../../b", "C:\\x"])
def test_data_path_refuses_escapes(part: str) -> None:
    with pytest.raises(ValueError, match="plain relative"):
        resources.data_path("vocabularies", part)


def test_places_are_found_with_their_province_and_suffixes_as_people_say_them() -> None:
    """Issue 13.11: "함경북도 회령" was not recognised while "회령" was."""
    places = vocabularies.load("places")
    hoeryong = places.lookup("회령")
    assert hoeryong is not None and hoeryong.parent is not None
    province = places.get(hoeryong.parent)
    short = next(a for a in province.aliases if len(a) == 2)  # 함북
    for said in (f"{province.ko} {hoeryong.ko}", f"{short} {hoeryong.ko}", f"{province.ko} {hoeryong.ko}시",
                 f"{hoeryong.en}, {province.en}", f"{province.ko}/{hoeryong.ko}"):
        assert places.lookup(said) is hoeryong, said
    hyesan = places.lookup("Hyesan")
    assert hyesan is not None and places.lookup(f"{hyesan.ko}시") is hyesan
    other_province = places.lookup("양강도")
    assert other_province is not None and other_province.code != hoeryong.parent
    assert places.lookup(f"양강도 {hoeryong.ko}") is None  # a province that does not hold the city: no guess
    assert places.lookup(f"{province.ko} 어딘가") is None
    # Suffixes are for places only: other vocabularies match exactly as before.
    assert vocabularies.load("act_types").lookup("Arrest시") is None
