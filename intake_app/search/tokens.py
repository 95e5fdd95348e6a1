"""Text normalisation, n-gram tokens and snippets for vault search.

One function, :func:`normalize`, defines what "contains" means for search: both the query and every field go through
it, and a document matches when the normalised query is a substring of a normalised field. Everything else here
exists to answer that question fast (the token functions and :func:`query_expression`) or to show the answer
(:func:`make_snippet`).

The positional tokens are overlapping character trigrams of the normalised text, with one change from the usual
n-gram filters: the text of a field is padded with two end markers, so every character starts exactly one token.
Token ``i`` of a field is ``(t[i], t[i+1] or END, t[i+2] or END)``, at FTS5 position ``i``. A query of ``m >= 3``
characters becomes the FTS5 phrase of its ``m - 2`` trigrams, which matches exactly where ``q[0..m-1]`` sits at
consecutive positions, i.e. where ``q`` is a substring. No query trigram contains END, so no phrase can run from one
field into the next one stored in the same column. Queries of one and two characters are answered from presence-only
tables (FTS5 ``detail=none``): which characters, and which character pairs, each document contains.

The small table of short fields that ranking reads keeps bigram tokens with one end marker (:func:`field_tokens`).

FTS5 cannot be given a custom tokenizer from Python, so each token is written in ASCII (every code point as four
base-36 digits) and the tables use FTS5's ``ascii`` tokenizer, which splits on the spaces between tokens and changes
nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# 36**4 = 1,679,616 > 0x10FFFF, so every code point fits in four digits; the top value is never a code point.
_WIDTH = 4
END_CODE = "zzzz"


def _code(value: int) -> str:
    digits = []
    for _ in range(_WIDTH):
        value, rest = divmod(value, 36)
        digits.append(_DIGITS[rest])
    return "".join(reversed(digits))


class _CodeTable(dict[int, str]):
    """``str.translate`` table from code point to its four-digit code, filled on first use."""

    def __missing__(self, key: int) -> str:
        code = _code(key)
        if len(self) < 65536:  # bounded: hostile text cannot grow the table without limit
            self[key] = code
        return code


_CODES = _CodeTable()


def _encode(text: str) -> str:
    """Every character of ``text`` as four base-36 digits, concatenated (done in C by str.translate)."""
    return text.translate(_CODES)


def fold(text: str) -> str:
    """NFC, case-fold, NFC again (case folding can produce decomposed sequences); whitespace untouched."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def normalize(text: str) -> str:
    """The one definition of searchable text: NFC, case-folded, whitespace runs collapsed to one space, trimmed."""
    return " ".join(fold(text).split())


def field_tokens(normalized: str) -> str:
    """Bigram token text for one normalised field (the short-field table): one bigram per character, the last one
    paired with END, space separated."""
    if not normalized:
        return ""
    codes = _encode(normalized) + END_CODE
    return " ".join([codes[i : i + 2 * _WIDTH] for i in range(0, len(codes) - _WIDTH, _WIDTH)])


def column_text(normalized_fields: Iterable[str]) -> str:
    """Bigram token text for several fields sharing one FTS5 column; each field ends with END, so phrases cannot
    span two fields."""
    return " ".join(t for t in (field_tokens(f) for f in normalized_fields) if t)


def quad_tokens(normalized: str) -> str:
    """4-gram token text for one normalised field: one 4-gram per character, padded with END, space separated."""
    if not normalized:
        return ""
    codes = _encode(normalized) + END_CODE * 3
    return " ".join([codes[i : i + 4 * _WIDTH] for i in range(0, len(codes) - 3 * _WIDTH, _WIDTH)])


def quad_column(normalized_fields: Iterable[str]) -> str:
    """4-gram token text for several fields sharing one FTS5 column (every field's last tokens hold END)."""
    return " ".join(t for t in (quad_tokens(f) for f in normalized_fields) if t)


def presence_tokens(normalized_fields: Iterable[str], n: int) -> str:
    """Presence-table text: each run of ``n`` characters found inside a field, once (order is irrelevant to FTS5's
    ``detail=none``). A run never straddles two fields."""
    grams: set[str] = set()
    width = n * _WIDTH
    for normalized in normalized_fields:
        codes = _encode(normalized)
        grams.update([codes[i : i + width] for i in range(0, len(codes) - width + _WIDTH, _WIDTH)])
    return " ".join(grams)


def char_tokens(normalized_fields: Iterable[str]) -> str:
    """FTS5 column text for the one-character table: every character of every field, encoded."""
    codes = _encode("".join(normalized_fields))
    return " ".join([codes[i : i + _WIDTH] for i in range(0, len(codes), _WIDTH)])


def query_expression(normalized_query: str) -> str:
    """FTS5 expression equivalent to "contains ``normalized_query``" (non-empty), for the table of its length.

    One to three characters: the token of the whole query (character, pair or trigram presence table). Longer: the
    phrase of its 4-grams (4-gram position table).
    """
    if len(normalized_query) <= 3:
        return f'"{_encode(normalized_query)}"'
    return '"' + quad_tokens(normalized_query).rsplit(" ", 3)[0] + '"'


def short_expression(normalized_query: str) -> str:
    """FTS5 expression for the bigram tables of short fields (names, details): the phrase of the query's bigrams,
    or for one character the prefix query on bigrams (END closes every field, so each character begins a bigram)."""
    if len(normalized_query) == 1:
        return f'"{_encode(normalized_query)}"*'
    return '"' + field_tokens(normalized_query).rsplit(" ", 1)[0] + '"'


# ---------------------------------------------------------------------------------------------- snippets

SNIPPET_CHARS = 60

_JAMO_COMBINING = ((0x1160, 0x11FF), (0xD7B0, 0xD7FF))  # medial vowels and finals compose with what precedes


def _joins_previous(char: str) -> bool:
    if unicodedata.combining(char):
        return True
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in _JAMO_COMBINING)


def _cluster_starts(text: str) -> list[int]:
    """Indices where a new character cluster (base plus combining marks) begins; snippets never cut inside one."""
    starts = [0] if text else []
    starts.extend(i for i in range(1, len(text)) if not _joins_previous(text[i]))
    return starts


def _fold_map(text: str) -> tuple[str, list[int]] | None:
    """``fold(text)`` and, for each of its characters, the index in ``text`` of the cluster it came from."""
    starts = _cluster_starts(text)
    folded_parts: list[str] = []
    origin: list[int] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        part = fold(text[start:end])
        folded_parts.append(part)
        origin.extend([start] * len(part))
    folded = "".join(folded_parts)
    if folded != fold(text):  # normalisation crossed a cluster boundary (very rare scripts): give up on mapping
        return None
    return folded, origin


def _query_pattern(normalized_query: str) -> re.Pattern[str]:
    # A single space in the normalised query stands for any whitespace run in the folded (uncollapsed) text; the
    # regular expression's \s and str.split() agree on what whitespace is (both use Python's isspace).
    return re.compile(r"\s+".join(re.escape(part) for part in normalized_query.split(" ")))


def _is_unsafe(char: str) -> bool:
    # Control, format (bidi overrides, isolates, zero-width), surrogate and unassigned characters never reach the UI.
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Cn"}


def _clean(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Drop unsafe characters and collapse whitespace, moving the highlight spans along with the text."""
    if text.isprintable() and "  " not in text and not text.startswith(" "):
        # Nothing to drop or collapse (isprintable is false for Cc, Cf, Cs, Cn and every whitespace but " "): the
        # loop below would return the text and the spans unchanged, at ~0.3 us a character.
        new_index: range | list[int] = range(len(text) + 1)
        cleaned = text
    else:
        out: list[str] = []
        new_index = [0] * (len(text) + 1)
        for i, char in enumerate(text):
            new_index[i] = len(out)
            if char.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
            elif not _is_unsafe(char):
                out.append(char)
        new_index[len(text)] = len(out)
        cleaned = "".join(out)
    moved = []
    for start, end in spans:
        a, b = new_index[start], new_index[end]
        while b > a and cleaned[b - 1] == " ":
            b -= 1
        if b > a:
            moved.append((a, b))
    return cleaned, tuple(moved)


def make_snippet(text: str, normalized_query: str, width: int = SNIPPET_CHARS) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About ``width`` characters of ``text`` around the first match, and highlight spans (start, end) into it.

    Offsets count Python characters (code points) of the returned snippet. The window never splits a character
    cluster, and control and bidi characters are removed. Returns the start of the text without highlights if the
    query cannot be located (it always can when the document matched).
    """
    return _snippet(text, fold(text), normalized_query, width)


def snippet_if_found(
    text: str, normalized_query: str, width: int = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """:func:`make_snippet` of ``text`` if ``normalized_query`` is in ``normalize(text)``, else None.

    Decided on the folded text, where the query's spaces match whitespace runs: the same answer as the substring
    test on the normalised text, without collapsing the whole field's whitespace first.
    """
    folded = fold(text)
    if _query_pattern(normalized_query).search(folded) is None:
        return None
    return _snippet(text, folded, normalized_query, width)


def _snippet(text: str, folded: str, normalized_query: str, width: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    pattern = _query_pattern(normalized_query)
    origin: list[int] | None = None
    if len(folded) != len(text):
        mapped = _fold_map(text)
        if mapped is not None:
            folded, origin = mapped
    matches: list[tuple[int, int]] = []
    window_start, window_end = 0, min(len(text), width)
    for m in pattern.finditer(folded):
        if origin is None:
            start, end = m.start(), m.end()
        else:
            start = origin[m.start()]
            end = origin[m.end()] if m.end() < len(origin) else len(text)
        if matches and start >= window_end:
            break  # past the window set by the first match: nothing more to highlight
        # Verify against the definition, so a positional guess is never shown as a highlight.
        if normalize(text[start:end]) == normalized_query:
            matches.append((start, end))
            if len(matches) == 1:
                window_start, window_end = _window(text, start, end, width)
        if len(matches) >= 16:
            break
    if not matches:
        window_start, window_end = _snap(text, window_start, down=True), _snap(text, window_end, down=False)
    spans = [(s - window_start, e - window_start) for s, e in matches if s >= window_start and e <= window_end]
    return _clean(text[window_start:window_end], spans)


def _window(text: str, first_start: int, first_end: int, width: int) -> tuple[int, int]:
    """About ``width`` characters around the first match, a third of the context before it, on cluster boundaries."""
    context = max(0, width - (first_end - first_start))
    window_start = max(0, first_start - context // 3)
    window_end = min(len(text), max(first_end, window_start + width))
    window_start = max(0, min(window_start, window_end - width, first_start))
    return _snap(text, window_start, down=True), _snap(text, window_end, down=False)


def _snap(text: str, index: int, *, down: bool) -> int:
    """Move ``index`` to the nearest character-cluster boundary below or above it."""
    step = -1 if down else 1
    while 0 < index < len(text) and _joins_previous(text[index]):
        index += step
    return index
