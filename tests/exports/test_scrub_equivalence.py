"""Issue 30 (consent decision at archive scale): the faster scrubber and name forms give exactly what the previous
implementation gave (main at 1126451, copied below as the reference), on random texts and name forms built from the
characters that make scrubbing hard: Hangul and hanja, Latin letters around a form, hyphens, middle dots, zero-width
and format characters, compatibility forms (full-width letters, ligatures, circled Hangul) and case folds that change
length (ß, ﬁ), decomposed Hangul (NFC), overlapping and nested forms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from intake_app.exports import anonymity
from intake_app.records.interchange_model import Name


# ---- the reference: main's implementation, verbatim ------------------------------------------------------------------
def _ref_ignored(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "ZPC"


def _ref_fold(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", ch).casefold() if not _ref_ignored(c))


def ref_skeleton(text: str) -> str:
    return "".join(_ref_fold(ch) for ch in unicodedata.normalize("NFC", text) if not _ref_ignored(ch))


def ref_name_forms(names: tuple[Name, ...]) -> set[str]:
    forms: set[str] = set()
    for n in names:
        for text, native in ((n.hangul, True), (n.hanja, True), (n.roman, False)):
            if not text:
                continue
            forms.add(text)
            compact = ref_skeleton(text)
            if native and len(compact) >= 3:
                forms.add(compact[1:])
            parts = [p for p in re.split(r"\s+", text.strip()) if p]
            if not native and len(parts) >= 2:
                forms.add(" ".join(parts[1:]))
    return {f for f in forms if len(ref_skeleton(f)) >= 2}


def _ref_latin(form: str) -> bool:
    return all("a" <= c <= "z" or c.isdigit() for c in form)


def ref_scrubber(forms: set[str], replacement: str = "[…]") -> Callable[[str | None], str | None]:
    keys = sorted({k for k in (ref_skeleton(f) for f in forms) if len(k) >= 2}, key=len, reverse=True)
    if not keys:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(k) for k in keys))

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        text = unicodedata.normalize("NFC", text)
        folded: list[str] = []
        origin: list[int] = []
        for index, ch in enumerate(text):
            if _ref_ignored(ch):
                continue
            for c in _ref_fold(ch):
                folded.append(c)
                origin.append(index)
        flat = "".join(folded)
        spans: list[tuple[int, int]] = []
        pos = 0
        while (found := pattern.search(flat, pos)) is not None:
            start, end = origin[found.start()], origin[found.end() - 1] + 1
            if _ref_latin(found.group()) and ((start > 0 and text[start - 1].isalpha())
                                              or (end < len(text) and text[end].isalpha())):
                pos = found.start() + 1
                continue
            spans.append((start, end))
            pos = found.end()
        if not spans:
            return text
        out: list[str] = []
        last = 0
        for start, end in spans:
            if start < last:
                continue
            out.append(text[last:start])
            out.append(replacement)
            last = end
        out.append(text[last:])
        return "".join(out)

    return clean


# ---- random material ---------------------------------------------------------------------------------------------------
HARD = ("류", "은", "별", "김", "철", "柳", "銀", "ㄹ", "\u1105\u1172", "㈜", "㉠", "Ｒｙｕ", "ﬁ", "ß", "SS", "İ",
        "Ryu", "Un", "byol", "Chol", "Cholera", "chol", "a", "e", "1", "２", "-", "·", "‧", " ", "\u200b", "\u00ad",
        "\u200d", "\u202e", "\t", "\n", ".", "(", ")", "의", "는", "Kim", "KIM", "k", "i", "m", "É", "e\u0301")
fragment = st.sampled_from(HARD)
texts = st.lists(fragment, max_size=14).map("".join)
forms = st.lists(st.lists(fragment, min_size=1, max_size=5).map("".join), max_size=5).map(set)


@st.composite
def text_and_forms(draw: st.DrawFn) -> tuple[str, set[str]]:
    """A text, and forms that mostly occur in it: slices of it (so matches overlap, nest, share a start or sit
    against a letter), some extended or cut by a fragment, plus a few unrelated ones."""
    text = draw(texts)
    found: set[str] = set(draw(forms))
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text)))
        piece = text[start:draw(st.integers(start, len(text)))]
        found.add(piece + draw(st.sampled_from(("", "", "Un", "은", "a"))))
    return text, {f for f in found if f}


@settings(max_examples=1500, deadline=None)
@given(text_and_forms())
def test_scrubber_equals_the_previous_implementation(case: tuple[str, set[str]]) -> None:
    text, found = case
    assert anonymity.scrubber(found)(text) == ref_scrubber(found)(text)
    assert anonymity.scrubber(found, "#")(text) == ref_scrubber(found, "#")(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.sets(st.text(min_size=1, max_size=6), max_size=4))
def test_scrubber_equals_the_previous_implementation_on_any_text(text: str, found: set[str]) -> None:
    assert anonymity.scrubber(found)(text) == ref_scrubber(found)(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_skeleton_equals_the_previous_implementation(text: str) -> None:
    assert anonymity.skeleton(text) == ref_skeleton(text)


names = st.builds(Name, hangul=st.none() | texts, hanja=st.none() | texts, roman=st.none() | texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(names, max_size=3).map(tuple))
def test_name_forms_equal_the_previous_implementation(given_names: tuple[Name, ...]) -> None:
    assert anonymity.name_forms(given_names) == ref_name_forms(given_names)
    mutated = anonymity.name_forms(given_names)
    mutated.add("changed by a caller")
    assert anonymity.name_forms(given_names) == ref_name_forms(given_names)  # the cache hands out copies


def test_known_cases() -> None:
    clean = anonymity.scrubber({"류은별", "Ryu Un-byol", "Chol"})
    assert clean("류 은-별의 집, R-Y-U  un byol, Cholera, Chol.") == "[…]의 집, […], Cholera, […]."
    assert clean(None) is None
    assert clean("no name here") == "no name here"
    assert clean("\u1105\u1172은별") == "[…]"  # decomposed Hangul is put in NFC first
    assert anonymity.scrubber(set())("류은별") == "류은별"
    # forms sharing a start: the longest wins; a Latin form refused beside a letter moves on by one character
    assert anonymity.scrubber({"Ryu", "Ryu Un"})("Ryu Un byol") == "[…] byol"
    assert anonymity.scrubber({"1a", "ab"})("x1ab.") == ref_scrubber({"1a", "ab"})("x1ab.") == "x1[…]."
