"""Scoring a candidate pair of mentions: weighed evidence, and the reasons in Korean and English.

The score is a logistic function of summed evidence weights (log-odds in the manner of Fellegi and Sunter, with
weights set by hand and checked on the benchmark's labelled set, see docs/persons.md): names set the prior; birth
years, sex, the places, dates and facilities of the acts, the home place and who reported the person move it up or
down. Every weight that applies comes with a reason a coordinator can read, e.g. "surname 리 = 이 (initial-sound
rule)", "born 1950 vs 1950~", "both arrested in Hyesan, 1998".

Frequency weights (issue 30): an agreement says more the rarer the agreeing value is in the archive. A shared name
weighs less the more mentions carry it (``name_count``); an agreement on a place, a facility or a victim category is
multiplied by the value's rarity :func:`rarity`, from its share of the archive's mentions (``shares``: the counts of
``person_counts``, kept by triggers as mentions enter and leave the index). Victim categories that do not overlap
weigh against a pair. docs/persons.md gives the rule exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from intake_app.consolidation.names import initial_sound_rule
from intake_app.records import vocabularies

Reason = dict[str, Any]  # {"ko": str, "en": str, "weight": float}

BASE = -2.0
# Weights are in natural log-odds divided by SCALE: a score of 0.8 needs SCALE x 1.39 of evidence beyond even odds.
SCALE = 1.6
W_NAME_EXACT = 3.0  # same surname group and same given-name key
W_NAME_CLOSE = 0.8  # same surname group, given names within a small edit distance
W_HANJA_SAME, W_HANJA_DIFF = 1.0, -1.5
W_BIRTH_PRECISE, W_BIRTH_LOOSE = 2.0, 0.7
W_BIRTH_NEAR, W_BIRTH_FAR, W_BIRTH_DECADES = -0.7, -2.5, -5.0
W_SEX_SAME, W_SEX_DIFF = 0.3, -4.0
W_PLACE_YEAR, W_PLACE, W_PROVINCE = 1.5, 1.0, 0.4
W_FACILITY = 0.5  # few facilities are named (the vocabulary is small): agreement by chance is common
# A shared name is weaker evidence the more mentions carry it (Fellegi-Sunter's frequency-based agreement weight):
# the name weight falls by NAME_FREQ_SLOPE for each factor e of mentions sharing the key.
NAME_FREQ_SLOPE = 0.3
COMMON_NAME = 5  # above this many mentions the reason says the name is common
W_HOME_SAME, W_HOME_PROVINCE, W_HOME_DIFF = 0.8, 0.3, -0.8
W_SAME_INTERVIEWEE = 1.0
W_SAME_TESTIMONY = -4.0
W_CATEGORY = 0.2  # at the reference share of a category; times its rarity (see rarity)
W_CATEGORY_DIFF = -1.0  # both give categories and none is shared (one person may fall in several: 4 and 7)
# Reference shares: the share of mentions carrying a value at which the hand-set weight applies unchanged. A value
# held by a share u weighs W x ln(1/u) / ln(1/U), within [RARITY_MIN, RARITY_MAX] x W.
U_PLACE, U_FACILITY, U_CATEGORY = 1 / 20, 1 / 10, 1 / 5
RARITY_MIN, RARITY_MAX = 0.5, 2.0
SHARE_TOTAL = "*"  # the key of person_counts counting every mention
Shares = Mapping[str, int]  # person_counts: counted key -> mentions


def rarity(shares: Shares | None, key: str, reference: float) -> float:
    """How much rarer than ``reference`` (a share of mentions) the value ``key`` (``place:…``, ``facility:…``,
    ``cat:…``) is: ln(1/u) / ln(1/reference) with u = count(key) / count(*), clamped to [RARITY_MIN, RARITY_MAX];
    1.0 when the counts are unknown (no ``shares``, or a value not counted)."""
    if not shares:
        return 1.0
    total, count = shares.get(SHARE_TOTAL, 0), shares.get(key, 0)
    if total <= 0 or count <= 0:
        return 1.0
    share = min(1.0, count / total)
    if share >= 1.0:
        return RARITY_MIN
    return max(RARITY_MIN, min(RARITY_MAX, math.log(1 / share) / math.log(1 / reference)))


def _how_common(shares: Shares | None, key: str, factor: float, lang: str) -> str:
    """A note for a reason whose weight the value's frequency changed: its share of mentions."""
    if factor == 1.0 or not shares or not shares.get(SHARE_TOTAL):
        return ""
    pct = 100.0 * shares.get(key, 0) / shares[SHARE_TOTAL]
    shown = f"{pct:.1f}" if pct < 10 else f"{pct:.0f}"
    if lang == "ko":
        return f" (흔함: 언급의 {shown}%)" if factor < 1.0 else f" (드묾: 언급의 {shown}%)"
    return f" (common: {shown}% of mentions)" if factor < 1.0 else f" (rare: {shown}% of mentions)"


def _r(weight: float, ko: str, en: str) -> Reason:
    return {"ko": ko, "en": en, "weight": weight}


def _w(weight: float) -> Reason:
    """A reason without words, when only the score is wanted (most blocked pairs are never shown)."""
    return {"weight": weight}


@lru_cache(maxsize=4096)
def _label(vocab: str, code: str | None, lang: str) -> str:
    if code is None:
        return "?"
    if code.startswith("~"):
        return code[1:]
    try:
        return vocabularies.label(vocab, code, "ko" if lang == "ko" else "en")
    except vocabularies.VocabularyError:
        return code


@lru_cache(maxsize=4096)
def _province(code: str | None) -> str | None:
    if code is None or code.startswith("~"):
        return None
    parts = code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 3 else None


def given_close(a: str, b: str) -> bool:
    """Whether two given-name keys are within the edit distance the score rewards as similar (W_NAME_CLOSE): 1, or 2
    when the longer has more than 6 letters. Equal keys are close; an empty key is close to nothing."""
    if not a or not b:
        return False
    limit = 1 if max(len(a), len(b)) <= 6 else 2
    return Levenshtein.distance(a, b, score_cutoff=limit) <= limit


def _shown(feat: dict[str, Any]) -> str:
    return " / ".join(feat["names"]) or "?"


def _names(a: dict[str, Any], b: dict[str, Any], name_count: int, ex: bool) -> list[Reason]:
    out: list[Reason] = []
    same_hangul = set(a["hg"]) & set(b["hg"])
    # A reading without a given name is never a name match (a surname alone would match every namesake).
    readings_a = {(s, g) for s, g in a["rd"] if g}
    readings_b = {(s, g) for s, g in b["rd"] if g}
    if same_hangul or readings_a & readings_b:
        weight = W_NAME_EXACT - NAME_FREQ_SLOPE * math.log(max(1, name_count))
        if not ex:
            # Only the weight: which words say it, and the surname note (weight 0), are for the explanation.
            return [_w(weight), *_hanja(a, b, ex)]
        shown_a, shown_b = _shown(a), _shown(b)
        read_hanja = (set(a.get("hr", ())) & set(b["hg"])) | (set(b.get("hr", ())) & set(a["hg"]))
        raw_a = {n.split(" (")[0] for n in a["names"]}
        raw_b = {n.split(" (")[0] for n in b["names"]}
        common_ko = f", 흔한 이름: {name_count}건" if name_count > COMMON_NAME else ""
        common_en = f", a common name: {name_count} mentions" if name_count > COMMON_NAME else ""
        if raw_a & raw_b:
            out.append(_r(weight, f"같은 이름 {shown_a}{common_ko}", f"same name {shown_a}{common_en}"))
        elif read_hanja and not same_hangul:
            out.append(_r(weight, f"이름 {shown_a} = {shown_b} (한자 읽기{common_ko})",
                          f"name {shown_a} = {shown_b} (hanja read as Hangul{common_en})"))
        elif same_hangul:
            out.append(_r(weight, f"이름 {shown_a} = {shown_b} (두음법칙{common_ko})",
                          f"name {shown_a} = {shown_b} (initial-sound rule{common_en})"))
        else:
            out.append(_r(weight, f"이름 {shown_a} = {shown_b} (로마자 표기 차이{common_ko})",
                          f"name {shown_a} = {shown_b} (romanisation{common_en})"))
        out += _surname_note(a, b, ex)
    elif any(s == s2 and given_close(ga, gb) for s, ga in readings_a for s2, gb in readings_b):
        out.append(
            _r(W_NAME_CLOSE, f"성이 같고 이름이 비슷함: {_shown(a)} ≈ {_shown(b)}",
               f"same surname, similar given name: {_shown(a)} ≈ {_shown(b)}")
            if ex
            else _w(W_NAME_CLOSE)
        )
    return out + _hanja(a, b, ex)


def _hanja(a: dict[str, Any], b: dict[str, Any], ex: bool) -> list[Reason]:
    """Hanja written by both: the same characters, or different ones."""
    out: list[Reason] = []
    if a["hj"] and b["hj"]:
        if set(a["hj"]) & set(b["hj"]):
            out.append(
                _r(W_HANJA_SAME, f"같은 한자 이름 {a['hj'][0]}", f"same hanja {a['hj'][0]}") if ex else _w(W_HANJA_SAME)
            )
        else:
            out.append(
                _r(
                    W_HANJA_DIFF,
                    f"한자 이름이 다름: {a['hj'][0]} vs {b['hj'][0]}",
                    f"different hanja: {a['hj'][0]} vs {b['hj'][0]}",
                )
                if ex
                else _w(W_HANJA_DIFF)
            )
    return out


def _surname_note(a: dict[str, Any], b: dict[str, Any], ex: bool) -> list[Reason]:
    """Say why differently written Hangul surnames are one (weight 0: the name reason carries the weight)."""
    firsts_a = sorted({n[0] for n in a["names"] if n and "\uac00" <= n[0] <= "\ud7a3"})
    firsts_b = sorted({n[0] for n in b["names"] if n and "\uac00" <= n[0] <= "\ud7a3"})
    for x in firsts_a:
        for y in firsts_b:
            if x != y and initial_sound_rule(x) == initial_sound_rule(y):
                return [(_r(0.0, f"성 {x} = {y} (두음법칙)", f"surname {x} = {y} (initial-sound rule)") if ex else _w(0.0))]
    return []


def _birth(a: dict[str, Any], b: dict[str, Any], ex: bool) -> list[Reason]:
    ya, yb = a["by"], b["by"]
    if ya is None or yb is None:
        if a["bt"] or b["bt"]:
            known = a["bt"] or b["bt"]
            return [(_r(0.0, f"출생 {known} vs 모름", f"born {known} vs unknown") if ex else _w(0.0))]
        return []
    text_ko, text_en = f"출생 {a['bt']} vs {b['bt']}", f"born {a['bt']} vs {b['bt']}"
    if ya[0] <= yb[1] and yb[0] <= ya[1]:
        precise = ya[1] - ya[0] <= 1 and yb[1] - yb[0] <= 1
        return [
            (
                _r(W_BIRTH_PRECISE if precise else W_BIRTH_LOOSE, text_ko, text_en)
                if ex
                else _w(W_BIRTH_PRECISE if precise else W_BIRTH_LOOSE)
            )
        ]
    gap = max(ya[0], yb[0]) - min(ya[1], yb[1])
    if gap <= 2:
        return [
            (_r(W_BIRTH_NEAR, f"{text_ko} ({gap}년 차이)", f"{text_en} ({gap} years apart)") if ex else _w(W_BIRTH_NEAR))
        ]
    weight = W_BIRTH_FAR if gap < 10 else W_BIRTH_DECADES
    return [(_r(weight, f"{text_ko} ({gap}년 차이)", f"{text_en} ({gap} years apart)") if ex else _w(weight))]


def _sex(a: dict[str, Any], b: dict[str, Any], ex: bool) -> list[Reason]:
    if not a["sex"] or not b["sex"] or "unknown" in (a["sex"], b["sex"]):
        return []
    ko_a, ko_b = _label("sex", a["sex"], "ko"), _label("sex", b["sex"], "ko")
    en_a, en_b = _label("sex", a["sex"], "en"), _label("sex", b["sex"], "en")
    if a["sex"] == b["sex"]:
        return [(_r(W_SEX_SAME, f"성별 같음 ({ko_a})", f"same sex ({en_a})") if ex else _w(W_SEX_SAME))]
    return [(_r(W_SEX_DIFF, f"성별 다름: {ko_a} vs {ko_b}", f"different sex: {en_a} vs {en_b}") if ex else _w(W_SEX_DIFF))]


def _same_place(place: str, years_a: list[int] | None, years_b: list[int] | None, verb_ko: str, verb_en: str,
                ex: bool, shares: Shares | None) -> Reason:
    """Two acts at one place: W_PLACE_YEAR when their years overlap, else W_PLACE; times the place's rarity."""
    key = f"place:{place}"
    factor = rarity(shares, key, U_PLACE)
    overlap = bool(years_a and years_b and years_a[0] <= years_b[1] and years_b[0] <= years_a[1])
    weight = (W_PLACE_YEAR if overlap else W_PLACE) * factor
    if not ex:
        return _w(weight)
    where_ko, where_en = _label("places", place, "ko"), _label("places", place, "en")
    note_ko, note_en = _how_common(shares, key, factor, "ko"), _how_common(shares, key, factor, "en")
    if overlap:
        assert years_a is not None
        year = str(years_a[0]) if years_a[0] == years_a[1] else f"{years_a[0]}–{years_a[1]}"
        return _r(weight, f"둘 다 {year}년 {where_ko}에서 {verb_ko}{note_ko}",
                  f"both {verb_en} in {where_en}, {year}{note_en}")
    return _r(weight, f"둘 다 {where_ko}에서 {verb_ko}{note_ko}", f"both {verb_en} in {where_en}{note_en}")


def _acts(a: dict[str, Any], b: dict[str, Any], ex: bool, shares: Shares | None = None) -> list[Reason]:
    best: Reason | None = None
    for type_a, place_a, years_a, _fa in a["acts"]:
        for type_b, place_b, years_b, _fb in b["acts"]:
            if place_a is None or place_b is None:
                continue
            both_type = type_a == type_b
            verb_ko = _label("act_types", type_a, "ko") if both_type else "사건"
            verb_en = _label("act_types", type_a, "en").lower() if both_type else "acts"
            if place_a == place_b:
                cand = _same_place(place_a, years_a, years_b, verb_ko, verb_en, ex, shares)
            elif _province(place_a) is not None and _province(place_a) == _province(place_b):
                prov = _province(place_a)
                cand = (
                    _r(
                        W_PROVINCE,
                        f"같은 도: {_label('places', prov, 'ko')}",
                        f"same province: {_label('places', prov, 'en')}",
                    )
                    if ex
                    else _w(W_PROVINCE)
                )
            else:
                continue
            if best is None or cand["weight"] > best["weight"]:
                best = cand
    out = [best] if best else []
    fac_a = {f for *_rest, f in a["acts"] if f}
    shared = fac_a & {f for *_rest, f in b["acts"] if f}
    if shared:
        # The rarest shared facility counts (ties: the smallest code).
        fac = min(shared, key=lambda f: (-rarity(shares, f"facility:{f}", U_FACILITY), f))
        factor = rarity(shares, f"facility:{fac}", U_FACILITY)
        weight = W_FACILITY * factor
        key = f"facility:{fac}"
        out.append(
            _r(weight, f"같은 시설: {_label('facilities', fac, 'ko')}{_how_common(shares, key, factor, 'ko')}",
               f"same facility: {_label('facilities', fac, 'en')}{_how_common(shares, key, factor, 'en')}")
            if ex
            else _w(weight)
        )
    return out


def _home(a: dict[str, Any], b: dict[str, Any], ex: bool, shares: Shares | None = None) -> list[Reason]:
    ha, hb = a["home"], b["home"]
    if ha is None or hb is None:
        return []
    if ha == hb:
        key = f"place:{ha}"
        factor = rarity(shares, key, U_PLACE)
        weight = W_HOME_SAME * factor
        return [
            (
                _r(weight, f"같은 고향: {_label('places', ha, 'ko')}{_how_common(shares, key, factor, 'ko')}",
                   f"same home place: {_label('places', ha, 'en')}{_how_common(shares, key, factor, 'en')}")
                if ex
                else _w(weight)
            )
        ]
    if _province(ha) is not None and _province(ha) in (_province(hb), hb):
        return [(_r(W_HOME_PROVINCE, "고향이 같은 도", "home places in the same province") if ex else _w(W_HOME_PROVINCE))]
    if _province(hb) is not None and _province(hb) == ha:
        return [(_r(W_HOME_PROVINCE, "고향이 같은 도", "home places in the same province") if ex else _w(W_HOME_PROVINCE))]
    return [
        (
            _r(
                W_HOME_DIFF,
                f"고향 다름: {_label('places', ha, 'ko')} vs {_label('places', hb, 'ko')}",
                f"different home places: {_label('places', ha, 'en')} vs {_label('places', hb, 'en')}",
            )
            if ex
            else _w(W_HOME_DIFF)
        )
    ]


def _source(a: dict[str, Any], b: dict[str, Any], ex: bool, shares: Shares | None = None) -> list[Reason]:
    if a["t"] == b["t"]:
        return [
            (
                _r(W_SAME_TESTIMONY, "같은 진술 안의 두 피해자", "two victims of the same testimony")
                if ex
                else _w(W_SAME_TESTIMONY)
            )
        ]
    out: list[Reason] = []
    if a["iv"] and a["iv"] == b["iv"] and a["rel"] and a["rel"] == b["rel"]:
        out.append(
            _r(
                W_SAME_INTERVIEWEE,
                f"같은 진술자, 같은 관계 ({_label('relations', a['rel'], 'ko')})",
                f"same interviewee, same relation ({_label('relations', a['rel'], 'en')})",
            )
            if ex
            else _w(W_SAME_INTERVIEWEE)
        )
    elif a["rel"] and b["rel"]:
        out.append(
            _r(
                0.0,
                f"진술자: {_label('relations', a['rel'], 'ko')} / {_label('relations', b['rel'], 'ko')}",
                f"reported by: {_label('relations', a['rel'], 'en')} / {_label('relations', b['rel'], 'en')}",
            )
            if ex
            else _w(0.0)
        )
    if a["cat"] and b["cat"]:
        out += _category(a["cat"], b["cat"], ex, shares)
    return out


def _category(cat_a: list[int], cat_b: list[int], ex: bool, shares: Shares | None) -> list[Reason]:
    shared = set(cat_a) & set(cat_b)
    if not shared:
        if not ex:
            return [_w(W_CATEGORY_DIFF)]
        ko_a = ", ".join(_label("victim_categories", str(c), "ko") for c in sorted(cat_a))
        ko_b = ", ".join(_label("victim_categories", str(c), "ko") for c in sorted(cat_b))
        en_a = ", ".join(_label("victim_categories", str(c), "en") for c in sorted(cat_a))
        en_b = ", ".join(_label("victim_categories", str(c), "en") for c in sorted(cat_b))
        return [_r(W_CATEGORY_DIFF, f"피해자 범주 다름: {ko_a} vs {ko_b}", f"different victim categories: {en_a} vs {en_b}")]
    # The rarest shared category counts (ties: the lowest code).
    factor, cat = max((rarity(shares, f"cat:{c}", U_CATEGORY), -c) for c in shared)
    weight, key = W_CATEGORY * factor, f"cat:{-cat}"
    if not ex:
        return [_w(weight)]
    return [_r(weight, f"같은 피해자 범주: {_label('victim_categories', str(-cat), 'ko')}"
               f"{_how_common(shares, key, factor, 'ko')}",
               f"same victim category: {_label('victim_categories', str(-cat), 'en')}"
               f"{_how_common(shares, key, factor, 'en')}")]


def score_pair(
    a: dict[str, Any], b: dict[str, Any], name_count: int = 1, explain: bool = True, shares: Shares | None = None
) -> tuple[float, list[Reason]]:
    """The score in [0, 1] (two decimals) of two mentions' features, and its reasons, strongest first.

    ``name_count``: how many mentions carry the name key the two share (1 when unknown): common names weigh less.
    ``shares``: the archive's value counts (``person_counts``; None: every value at its reference share), which make
    an agreement on a rare place, facility or category weigh more and on a common one less.
    ``explain=False`` skips the words (the reasons then hold only their weights): the same score, faster.
    """
    ex = explain
    reasons = (
        _names(a, b, name_count, ex)
        + _birth(a, b, ex)
        + _sex(a, b, ex)
        + _acts(a, b, ex, shares)
        + _home(a, b, ex, shares)
        + _source(a, b, ex, shares)
    )
    logit = (BASE + sum(r["weight"] for r in reasons)) / SCALE
    score = round(1.0 / (1.0 + math.exp(-logit)), 2)
    if explain:
        reasons = [r for r in reasons if r["ko"]]
        reasons.sort(key=lambda r: -abs(r["weight"]))
    return score, reasons
