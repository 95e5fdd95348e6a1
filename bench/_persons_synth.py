"""Synthetic mentions whose true duplicates are known, for bench/persons.py and the small quality test.

Each synthetic person is reported 1-3 times; each report writes the name its own way (South or North Hangul
spelling, spaces, RR, McCune-Reischauer, the DPRK system or customary romanisation, hyphens), may omit or blur the
birth year (unknown, ``195X``, ``1950~``, one year off from Korean age counting), the home place, the act's year or
place (a code or the words as said). Decoys share a common name (김철수 ...) with another person but were born in a
different decade and lived elsewhere. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from intake_app.persons.mentions import Mention
from intake_app.records import vocabularies
from intake_app.records.edtf import parse_edtf
from intake_app.records.interchange_model import Act, Interview, Interviewee, Name, Testimony, Victim

# Surname (South spelling), weight, North spelling or None, romanisations.
SURNAMES = [
    ("김", 21, None, ["Kim", "Gim"]), ("이", 15, "리", ["Lee", "Yi", "Rhee", "Ri", "I", "Li"]),
    ("박", 8, None, ["Park", "Pak", "Bak"]), ("최", 5, None, ["Choi", "Choe"]),
    ("정", 5, None, ["Jung", "Jeong", "Chung", "Chong"]), ("강", 2, None, ["Kang", "Gang"]),
    ("조", 2, None, ["Cho", "Jo"]), ("윤", 2, None, ["Yoon", "Yun"]), ("장", 2, None, ["Jang", "Chang"]),
    ("임", 2, "림", ["Lim", "Im", "Rim"]), ("한", 2, None, ["Han"]), ("오", 1, None, ["Oh", "O"]),
    ("서", 1, None, ["Seo", "Suh", "So"]), ("신", 1, None, ["Shin", "Sin"]), ("권", 1, None, ["Kwon", "Gwon"]),
    ("황", 1, None, ["Hwang"]), ("안", 1, None, ["Ahn", "An"]), ("송", 1, None, ["Song"]),
    ("유", 1, "류", ["Ryu", "Yu", "Yoo"]), ("전", 1, None, ["Jeon", "Chon"]), ("홍", 1, None, ["Hong"]),
    ("고", 1, None, ["Ko", "Go"]), ("문", 1, None, ["Moon", "Mun"]), ("양", 1, "량", ["Yang", "Ryang"]),
    ("손", 1, None, ["Son", "Sohn"]), ("배", 1, None, ["Bae", "Pae"]), ("백", 1, None, ["Baek", "Paek"]),
    ("허", 1, None, ["Heo", "Ho"]), ("노", 1, "로", ["Noh", "Roh", "Ro"]), ("남", 1, None, ["Nam"]),
]
# Given-name syllables and their spellings: RR, McCune-Reischauer, customary.
SYLLABLES = {
    "영": ["yeong", "yŏng", "young", "yong"], "길": ["gil", "kil"], "철": ["cheol", "ch'ŏl", "chul", "chol"],
    "수": ["su", "soo"], "희": ["hui", "hŭi", "hee"], "민": ["min"], "준": ["jun", "chun", "joon"],
    "순": ["sun", "soon"], "자": ["ja", "cha"], "옥": ["ok"], "미": ["mi"], "성": ["seong", "sŏng", "sung"],
    "호": ["ho"], "남": ["nam"], "일": ["il"], "광": ["gwang", "kwang"], "혁": ["hyeok", "hyŏk", "hyuk"],
    "명": ["myeong", "myŏng", "myung"], "숙": ["suk", "sook"], "금": ["geum", "kŭm", "keum"], "춘": ["chun"],
    "복": ["bok", "pok"], "동": ["dong", "tong"], "진": ["jin", "chin"], "은": ["eun", "ŭn"],
    "경": ["gyeong", "kyŏng", "kyung"], "국": ["guk", "kuk", "kook"], "봉": ["bong", "pong"],
    "현": ["hyeon", "hyŏn", "hyun"], "화": ["hwa"], "란": ["ran", "lan"], "석": ["seok", "sŏk", "suk"],
    "학": ["hak"], "태": ["tae", "t'ae"], "선": ["seon", "sŏn", "sun"], "주": ["ju", "chu", "joo"],
    "향": ["hyang"], "혜": ["hye"], "정": ["jeong", "chŏng", "jung"], "용": ["yong"], "만": ["man"],
    "식": ["sik", "shik"], "원": ["won"], "상": ["sang"], "기": ["gi", "ki"], "환": ["hwan"], "덕": ["deok", "tŏk", "duk"],
    "분": ["bun", "pun"], "례": ["rye", "ryе", "rye"], "련": ["ryeon", "ryŏn", "ryun"],
}
COMMON_DECOY_NAMES = ["김철수", "이영희", "박영철", "김영수", "최순희"]
CITIES = [e.code for e in vocabularies.load("places").entries if e.code.count(".") == 2 and e.code.startswith("KP")]
BORDER = [c for c in vocabularies.load("places").codes() if c.startswith("CN.")]
FACILITIES = list(vocabularies.load("facilities").codes())
RELATIONS = ["daughter", "son", "spouse", "sister", "brother", "fellow_detainee", "neighbour", "friend", "witness"]


@dataclass
class Person:
    truth: int
    surname: str
    given: list[str]
    sex: str
    birth: int
    home: str
    arrest_place: str
    arrest_year: int
    facility: str | None
    category: int


def _person(rng: random.Random, truth: int, name: str | None = None) -> Person:
    if name is None:
        surname = rng.choices([s[0] for s in SURNAMES], weights=[s[1] for s in SURNAMES])[0]
        given = rng.sample(list(SYLLABLES), 2)
    else:
        surname, given = name[0], list(name[1:])
    birth = rng.randint(1925, 2000)
    return Person(truth, surname, given, rng.choice(["M", "F"]), birth, rng.choice(CITIES),
                  rng.choice(CITIES + BORDER), min(2023, birth + rng.randint(18, 60)),
                  rng.choice(FACILITIES) if rng.random() < 0.3 else None, rng.choice([1, 2, 3, 4, 5, 6, 7]))


def _hangul(rng: random.Random, p: Person) -> str:
    north = next(s[2] for s in SURNAMES if s[0] == p.surname) if any(s[0] == p.surname for s in SURNAMES) else None
    surname = north if north and rng.random() < 0.5 else p.surname
    given = "".join(p.given)
    return f"{surname} {given}" if rng.random() < 0.15 else surname + given


def _roman(rng: random.Random, p: Person) -> str:
    romans = next((s[3] for s in SURNAMES if s[0] == p.surname), None) or ["Kim"]
    system = rng.randrange(3)  # the same system for every syllable of one report (or customary)
    parts = [SYLLABLES[g][min(system, len(SYLLABLES[g]) - 1)] for g in p.given]
    joiner = rng.choice(["-", "", " "])
    given = joiner.join(parts)
    given = given[:1].upper() + given[1:] if joiner != " " else " ".join(x.capitalize() for x in parts)
    surname = rng.choice(romans)
    return f"{given} {surname}" if rng.random() < 0.1 else f"{surname} {given}"


def _birth(rng: random.Random, year: int) -> str | None:
    roll = rng.random()
    if roll < 0.3:
        return None
    if roll < 0.4:
        return f"{year // 10}X"
    if roll < 0.5:
        return f"{year}~"
    if roll < 0.6:
        return str(year + rng.choice([-1, 1]))  # Korean age counting
    return str(year)


def _mention(rng: random.Random, p: Person, n: int) -> tuple[Mention, int]:
    names = []
    style = rng.random()
    if style < 0.45:
        names.append(Name(hangul=_hangul(rng, p)))
    elif style < 0.75:
        names.append(Name(roman=_roman(rng, p)))
    else:
        names.append(Name(hangul=_hangul(rng, p), roman=_roman(rng, p)))
    birth_text = _birth(rng, p.birth)
    home_place = home_text = None
    if rng.random() < 0.6:
        if rng.random() < 0.5:
            home_place = p.home
        else:
            home_text = vocabularies.label("places", p.home, "ko")
    act_date = str(p.arrest_year) if rng.random() < 0.7 else None
    place_code = place_text = None
    if rng.random() < 0.8:
        if rng.random() < 0.6:
            place_code = p.arrest_place
        else:
            place_text = vocabularies.label("places", p.arrest_place, rng.choice(["ko", "en"]))
    act = Act(type="arrest", id=f"a{n}", date=parse_edtf(act_date) if act_date else None, place=place_text,
              place_code=place_code, facility_code=p.facility if rng.random() < 0.7 else None)
    victim = Victim(id=f"v{n}", names=tuple(names), sex=p.sex if rng.random() < 0.9 else None,
                    birth=parse_edtf(birth_text) if birth_text else None, origin=home_text, origin_place=home_place,
                    categories=(p.category,), acts=(act,))
    tid = f"t{n:07d}"
    testimony = Testimony(interview=Interview(date=parse_edtf("2024"), language="ko", interviewer="bench"),
                          interviewee=Interviewee(pseudonym=f"iv{rng.randrange(10**6)}", relation=rng.choice(RELATIONS)),
                          id=tid, victims=(victim,))
    return Mention(f"{tid}/v{n}", tid, f"v{n}", victim, testimony), p.truth


def iter_mentions(count: int, seed: int = 14) -> Iterator[tuple[Mention, int]]:
    """``count`` mentions, one at a time, each with the number of the synthetic person it reports."""
    rng = random.Random(seed)
    made = person_no = 0
    while made < count:
        person_no += 1
        # 3 % are decoys: a common name, another decade, other places.
        decoy = rng.choice(COMMON_DECOY_NAMES) if rng.random() < 0.03 else None
        p = _person(rng, person_no, decoy)
        reports = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
        for _ in range(min(reports, count - made)):
            yield _mention(rng, p, made)
            made += 1


def generate(count: int, seed: int = 14) -> tuple[list[Mention], dict[str, int]]:
    """``count`` mentions and the true person number of each (mentions of one number are duplicates)."""
    mentions: list[Mention] = []
    truth: dict[str, int] = {}
    for m, t in iter_mentions(count, seed):
        mentions.append(m)
        truth[m.mention] = t
    return mentions, truth


def true_pairs(truth: dict[str, int]) -> set[tuple[str, str]]:
    """Every pair (sorted) of mentions of one synthetic person."""
    by_person: dict[int, list[str]] = {}
    for mention, person in truth.items():
        by_person.setdefault(person, []).append(mention)
    return {(a, b) for ms in by_person.values() for i, a in enumerate(sorted(ms)) for b in sorted(ms)[i + 1:]}
