"""Vault search: results equal the plain substring scan, on real SQLCipher databases."""

from __future__ import annotations

import itertools
import secrets
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_app.errors import UsageError
from intake_app.search import index as search_module
from intake_app.search.index import SEARCH_SCHEMA, SearchIndex, reference_scan
from intake_app.search.tokens import make_snippet, normalize, snippet_if_found

_counter = itertools.count()


def open_vault(path: Path) -> Any:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"")
    conn.execute("PRAGMA cipher_page_size = 8192")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA temp_store=MEMORY")
    for statement in SEARCH_SCHEMA:
        conn.execute(statement)
    return conn


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Any]:
    connection = open_vault(tmp_path / "vault.db")
    yield connection
    connection.close()


def ids(index: SearchIndex, query: str) -> set[str]:
    return {hit.doc_id for hit in index.search(query, limit=None)}


DOCS: dict[str, dict[str, str]] = {
    "d1": {
        "narrative": "1998년 3월 함경북도 온성군 보위부에 끌려갔다. 그 후 경찰이 집에 왔다.",
        "victim_name_hangul": "김철수",
        "victim_name_roman": "Kim Chol-su",
    },
    "d2": {"narrative": "탈북하여 중국 공안에 잡혔다.", "victim_name_roman": "RYU  Un-hee", "place": "온성"},
    "d3": {"narrative": "보위원이 와서 아버지를 데려갔다.", "perpetrator_unit": "온성군 보위부"},
    "d4": {"narrative": "아무 일도 없었다.", "victim_name_hangul": "박영희"},
    "d5": {"narrative": "끝이 경", "description": "찰흙"},  # 경찰 only across two fields: must not match
}


def load(conn: Any, docs: dict[str, dict[str, str]]) -> SearchIndex:
    index = SearchIndex(conn)
    conn.execute("BEGIN")
    for doc_id, fields in docs.items():
        index.upsert(doc_id, fields)
    conn.execute("COMMIT")
    return index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("경찰", {"d1"}),
        ("보위", {"d1", "d3"}),
        ("탈북", {"d2"}),
        ("김", {"d1"}),
        ("Ryu Un", {"d2"}),  # case-folded, and the double space in the field collapses
        ("온성군 보위부", {"d1", "d3"}),
        ("온성군   보위부", {"d1", "d3"}),  # whitespace in the query collapses too
        ("온성", {"d1", "d2", "d3"}),
        ("1998년 3월", {"d1"}),
        ("chol-su", {"d1"}),
        ("다.", {"d1", "d2", "d3", "d4"}),
        (".", {"d1", "d2", "d3", "d4"}),
        ("경 찰", set()),
        ("없음", set()),
        ("", set()),
        ("   ", set()),
    ],
)
def test_explicit_queries_equal_reference(conn: Any, query: str, expected: set[str]) -> None:
    index = load(conn, DOCS)
    assert reference_scan(DOCS.items(), query) == expected
    assert ids(index, query) == expected
    assert index.count(query) == len(expected)


def test_nfc_and_case_folding_apply_to_both_sides(conn: Any) -> None:
    decomposed = unicodedata.normalize("NFD", "보위부")  # conjoining jamo, as some input methods produce
    index = load(conn, {"a": {"narrative": decomposed}, "b": {"narrative": "STRASSE Ǆ"}})
    assert ids(index, "보위") == {"a"}
    assert ids(index, unicodedata.normalize("NFD", "위부")) == {"a"}
    assert ids(index, "straße") == {"b"}  # ß case-folds to ss
    assert ids(index, "ǆ") == {"b"}


def test_update_replaces_and_remove_forgets(conn: Any) -> None:
    index = load(conn, DOCS)
    conn.execute("BEGIN")
    index.upsert("d1", {"narrative": "새 진술: 보안원이 왔다."})
    index.remove("d3")
    index.remove("never-indexed")
    conn.execute("COMMIT")
    assert ids(index, "보위") == set()
    assert ids(index, "보안원") == {"d1"}
    assert ids(index, "김") == set()  # the old name field is gone with the old version
    assert index.count("온성") == 1


def test_upsert_joins_the_callers_transaction(conn: Any) -> None:
    index = load(conn, DOCS)
    conn.execute("BEGIN")
    index.upsert("d9", {"narrative": "롤백될 경찰 진술"})
    index.remove("d1")
    assert ids(index, "경찰") == {"d9"}
    conn.execute("ROLLBACK")
    assert ids(index, "경찰") == {"d1"}


def test_names_rank_before_narrative_and_ties_follow_doc_id(conn: Any) -> None:
    docs = {
        "c": {"narrative": "이웃 이야기"},
        "b": {"narrative": "이웃 이야기"},
        "a": {"narrative": "전혀 다른 긴 이야기가 여기 있고 마지막에 최씨가 나온다"},
        "z": {"victim_name_hangul": "최영수", "narrative": "다른 이야기"},
    }
    index = load(conn, docs)
    assert [(hit.doc_id, hit.score) for hit in index.search("최")] == [("z", 3.0), ("a", 1.0)]
    assert [hit.doc_id for hit in index.search("이웃")] == ["b", "c"]
    hit = index.search("최")[0]
    assert hit.field == "victim_name_hangul"
    assert hit.snippet == "최영수"
    assert hit.highlights == ((0, 1),)


@pytest.mark.parametrize("query", ["최", "최영"])
def test_very_common_queries_list_names_hits_first(conn: Any, monkeypatch: pytest.MonkeyPatch, query: str) -> None:
    monkeypatch.setattr(search_module, "RANK_ALL_LIMIT", 1)  # as if these matched more documents than worth ranking
    docs = {
        "n3": {"narrative": "최영 이야기"},
        "n1": {"narrative": "최영 이야기", "victim_name_hangul": "최영수"},
        "n2": {"narrative": "다른 최영"},
        "n0": {"victim_name_roman": "Choi", "victim_alias": "최영"},
        "n4": {"narrative": "최영", "place": "최영리"},
    }
    index = load(conn, docs)
    hits = index.search(query)
    assert [(hit.doc_id, hit.score) for hit in hits] == [("n1", 3.0), ("n0", 3.0), ("n4", 2.0), ("n3", 1.0), ("n2", 1.0)]
    assert [hit.doc_id for hit in index.search(query, limit=1, offset=3)] == ["n3"]
    assert [hit.doc_id for hit in index.search(query, limit=2, offset=1)] == ["n0", "n4"]


@pytest.mark.parametrize("rank_all_limit", [0, 2, 2000])
def test_pages_concatenate_to_the_full_result(conn: Any, monkeypatch: pytest.MonkeyPatch, rank_all_limit: int) -> None:
    monkeypatch.setattr(search_module, "RANK_ALL_LIMIT", rank_all_limit)
    docs = {f"doc{n:03d}": {"narrative": "보위부 " * (n % 4 + 1) + "기타" * n} for n in range(23)}
    index = load(conn, docs)
    full = [hit.doc_id for hit in index.search("보위", limit=None)]
    pages = [hit.doc_id for start in range(0, 30, 7) for hit in index.search("보위", limit=7, offset=start)]
    assert pages == full
    assert sorted(full) == sorted(docs)
    assert index.search("보위", limit=0) == []
    with pytest.raises(UsageError):
        index.search("보위", offset=-1)


def test_hostile_fields_are_refused_cleanly(conn: Any) -> None:
    index = SearchIndex(conn)
    with pytest.raises(UsageError):
        index.upsert("x", {"narrative": "abc\ud800def"})
    with pytest.raises(UsageError):
        index.upsert("x", {"narrative": 5})  # type: ignore[dict-item]
    with pytest.raises(UsageError):
        index.upsert("x", {f"f{n}": "a" for n in range(search_module.MAX_FIELDS + 1)})
    assert index.count("a") == 0
    with pytest.raises(UsageError):
        index.search("가" * (search_module.MAX_QUERY_CHARS + 1))


def test_snippet_is_clean_bounded_and_highlights_the_match() -> None:
    text = "앞부분 " * 40 + "\u202e위험\u202c 온성군\t보위부에서 STRASSE\x00 " + "뒷부분 " * 40
    snippet, highlights = make_snippet(text, normalize("온성군 보위부"))
    assert len(snippet) <= 70
    assert not any(unicodedata.category(c) in {"Cc", "Cf"} for c in snippet)
    assert [snippet[a:b] for a, b in highlights] == ["온성군 보위부"]
    snippet, highlights = make_snippet("ÉCOLE e\u0301cole", normalize("école"))
    assert [normalize(snippet[a:b]) for a, b in highlights] == ["école", "école"]
    assert highlights[1] == (6, 12)  # the decomposed é is two characters, kept whole
    # Whitespace is collapsed and never leads, also when the window is plain printable text; spans move with it.
    assert make_snippet(" 가나 b", "가나") == ("가나 b", ((0, 2),))
    assert make_snippet("가\t\t나  b", "가 나") == ("가 나 b", ((0, 3),))
    assert make_snippet("가나  b", "가나") == ("가나 b", ((0, 2),))


# ------------------------------------------------------------------------------------------ property test

SYLLABLES = "경찰보위부탈북온성군김이박영철수에서다"
WORDS = ["Ryu", "Un", "kim", "KIM", "1998", "3월", "-", ".", ",", "(", ")", "  ", "\n", "é", "e\u0301", "ß"]
alphabet_text = st.lists(
    st.one_of(st.text(alphabet=SYLLABLES, min_size=1, max_size=6), st.sampled_from(WORDS), st.just(" ")),
    max_size=25,
).map("".join)
field_names = st.sampled_from(["narrative", "victim_name_hangul", "victim_name_roman", "place", "unit"])
documents = st.dictionaries(field_names, alphabet_text, max_size=4)


@st.composite
def scenario(draw: st.DrawFn) -> tuple[list[tuple[str, str, dict[str, str] | None]], list[str]]:
    doc_ids = [f"doc-{n}" for n in range(draw(st.integers(1, 8)))]
    operations: list[tuple[str, str, dict[str, str] | None]] = []
    for _ in range(draw(st.integers(1, 14))):
        doc_id = draw(st.sampled_from(doc_ids))
        if draw(st.integers(0, 4)) == 0:
            operations.append(("remove", doc_id, None))
        else:
            operations.append(("upsert", doc_id, draw(documents)))
    texts = [text for op in operations if op[2] for text in op[2].values() if text]
    queries = []
    for _ in range(draw(st.integers(1, 6))):
        if texts and draw(st.booleans()):
            text = draw(st.sampled_from(texts))
            start = draw(st.integers(0, len(text) - 1))
            length = draw(st.sampled_from([1, 2, 3, 5, 9]))
            queries.append(text[start : start + length])
        else:
            queries.append(draw(st.text(alphabet=SYLLABLES + " .-kimRYU19", min_size=1, max_size=4)))
    return operations, queries


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=scenario(), rank_all_limit=st.sampled_from([0, 3, 2000]))
def test_search_equals_reference_scan(
    tmp_path: Path, case: tuple[list[tuple[str, str, dict[str, str] | None]], list[str]], rank_all_limit: int
) -> None:
    operations, queries = case
    connection = open_vault(tmp_path / f"prop-{next(_counter)}.db")
    original_limit = search_module.RANK_ALL_LIMIT
    search_module.RANK_ALL_LIMIT = rank_all_limit
    try:
        index = SearchIndex(connection)
        state: dict[str, dict[str, str]] = {}
        half = len(operations) // 2
        for batch in (operations[:half], operations[half:]):
            connection.execute("BEGIN")
            for kind, doc_id, fields in batch:
                if kind == "remove":
                    index.remove(doc_id)
                    state.pop(doc_id, None)
                else:
                    assert fields is not None
                    index.upsert(doc_id, fields)
                    state[doc_id] = fields
            connection.execute("COMMIT")
            for query in queries:
                expected = reference_scan(state.items(), query)
                hits = index.search(query, limit=None)
                assert {hit.doc_id for hit in hits} == expected, query
                assert len(hits) == len(expected) == index.count(query)
                needle = normalize(query)
                for hit in hits:
                    assert needle in normalize(state[hit.doc_id][hit.field])
                    for start, end in hit.highlights:
                        assert normalize(hit.snippet[start:end]) == needle
    finally:
        search_module.RANK_ALL_LIMIT = original_limit
        connection.close()


# ---------------------------------------------------------------- phrases made of common n-grams (issue 30)

# A tiny alphabet makes every bigram and trigram common while most longer phrases stay rare: runs ("aaaa"), periodic
# text ("ababab", "가나가나"), overlapping occurrences ("aaa" in "aaaa"), and phrases stitched from two documents or
# across two fields of one document, which must not match.
TINY = "ab가나 "
tiny_text = st.lists(
    st.one_of(st.text(alphabet=TINY, max_size=12), st.sampled_from(["aaaa", "abab", "가나가나", "a b", "가 나", "ba"])),
    max_size=8,
).map("".join)
tiny_documents = st.dictionaries(field_names, tiny_text, max_size=3)


@st.composite
def common_ngram_scenario(draw: st.DrawFn) -> tuple[dict[str, dict[str, str]], list[str]]:
    docs = {f"doc-{n}": draw(tiny_documents) for n in range(draw(st.integers(1, 10)))}
    texts = [text for fields in docs.values() for text in fields.values() if text]
    queries = [draw(st.text(alphabet=TINY, min_size=3, max_size=9))]
    for _ in range(draw(st.integers(1, 6))):
        if not texts:
            break
        text = draw(st.sampled_from(texts))
        start = draw(st.integers(0, len(text) - 1))
        piece = text[start : start + draw(st.sampled_from([3, 4, 5, 7, 12]))]
        how = draw(st.sampled_from(["as is", "stitched", "mutated", "doubled"]))
        if how == "stitched":  # the end of one field (or document) followed by the start of another
            other = draw(st.sampled_from(texts))
            piece = text[-draw(st.integers(1, 4)) :] + other[: draw(st.integers(1, 4))]
        elif how == "mutated" and piece:
            at = draw(st.integers(0, len(piece) - 1))
            piece = piece[:at] + draw(st.sampled_from(TINY)) + piece[at + 1 :]
        elif how == "doubled":
            piece = piece + piece
        queries.append(piece)
    return docs, queries


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=common_ngram_scenario(), rank_all_limit=st.sampled_from([0, 2, 2000]))
def test_phrases_of_common_ngrams_equal_reference_scan(
    tmp_path: Path, case: tuple[dict[str, dict[str, str]], list[str]], rank_all_limit: int
) -> None:
    docs, queries = case
    connection = open_vault(tmp_path / f"tiny-{next(_counter)}.db")
    original_limit = search_module.RANK_ALL_LIMIT
    search_module.RANK_ALL_LIMIT = rank_all_limit
    try:
        index = load(connection, docs)
        for query in queries:
            expected = reference_scan(docs.items(), query)
            hits = index.search(query, limit=None)
            assert [hit.doc_id for hit in hits if hit.doc_id not in expected] == [], query
            assert len(hits) == len(expected) == index.count(query) == len(index.matching_ids(query)), query
            needle = normalize(query)
            for hit in hits:
                assert needle in normalize(docs[hit.doc_id][hit.field])
                assert hit.highlights, query  # the first occurrence always lies inside the snippet
                for start, end in hit.highlights:
                    assert normalize(hit.snippet[start:end]) == needle
    finally:
        search_module.RANK_ALL_LIMIT = original_limit
        connection.close()


WHITESPACE = [" ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2003", "\x1c", "\u2028"]
spaced_text = st.lists(
    st.one_of(st.sampled_from(WHITESPACE), st.text(alphabet="가나ab\u0301ßSé", min_size=1, max_size=4)), max_size=12
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=spaced_text, data=st.data())
def test_the_field_a_hit_shows_is_decided_as_the_definition_says(text: str, data: st.DataObject) -> None:
    # _hits picks the field with snippet_if_found, which searches the folded text with a whitespace pattern instead of
    # normalising the whole field: it must say "found" exactly when the normalised field contains the query.
    normal = normalize(text)
    query = data.draw(st.one_of(
        st.text(alphabet="가나ab ßs", min_size=1, max_size=4),
        st.integers(0, max(0, len(normal) - 1)).map(lambda i: normal[i : i + 3]),
    ))
    needle = normalize(query)
    if not needle:
        return
    found = snippet_if_found(text, needle)
    assert (found is not None) == (needle in normal)
    if found is not None:
        assert found == make_snippet(text, needle)
        assert not found[0].startswith(" ") and "  " not in found[0], found  # whitespace collapsed, none leading
        if "\u0301" not in text and "ß" not in text:
            # (A query can end inside a cluster or an expansion: "b" of b+accent, "sss" in "SSß"; no span shows that.)
            assert found[1], (text, needle)
        assert all(normalize(found[0][a:b]) == needle for a, b in found[1])
