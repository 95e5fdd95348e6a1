"""The search tables a vault gets from its migrations are the ones the search module expects, and a vault indexed by an
earlier schema keeps answering exactly after the upgrade."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake_app.search import tokens
from intake_app.search.index import FTS_TABLES, SEARCH_SCHEMA, SearchIndex, reference_scan, texts_by_kind
from intake_app.vault import migrations
from intake_app.vault.database import open_encrypted
from intake_app.vault.migrations import m0014_search_ngrams as frozen

KEY = bytes(range(32))
NGRAMS = next(int(m.name[1:5]) for m in migrations.pkgutil.iter_modules(migrations.__path__)
                if m.name[6:] == "search_ngrams")


def _search_objects(conn: Any) -> dict[str, Any]:
    """Every search_* schema object (tables, FTS5 shadow tables, indexes) and every FTS5 table's configuration."""
    found: dict[str, Any] = {}
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'search%'"):
        found[name] = (kind, " ".join((sql or "").split()))
        if name.endswith("_config"):
            found[name + " rows"] = sorted(conn.execute(f"SELECT k, v FROM {name}").fetchall())
    return found


def test_migrations_create_what_search_expects(tmp_path: Path) -> None:
    # If this fails, intake_app.search.index changed its tables: add a migration that moves existing vaults to them.
    vault = open_encrypted(tmp_path / "vault.db", KEY, create=True)
    migrations.migrate(vault, None)
    plain = open_encrypted(tmp_path / "schema.db", KEY, create=True)
    for statement in SEARCH_SCHEMA:
        plain.execute(statement)
    assert _search_objects(vault) == _search_objects(plain)
    assert "search_bigram" not in _search_objects(vault)
    assert "search_short" not in _search_objects(vault)
    assert set(FTS_TABLES) <= set(_search_objects(vault))


field_text = st.text(st.sampled_from("경찰보위부온성군 \n\t.-KimSSßé\u0301Ǆ1"), max_size=30)
field_name = st.sampled_from(["narrative", "victim_name_hangul", "victim_alias", "place", "unit", "statement", "Z"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(field_name, field_text, max_size=5))
def test_the_frozen_tokeniser_of_the_migration_equals_the_index(fields: dict[str, str]) -> None:
    # The migration fills the new tables itself (the vault package may not import search); if this fails, the search
    # tokens changed after the migration was written, and the change needs a migration of its own.
    by_kind = texts_by_kind(fields)
    everything = [text for texts in by_kind.values() for text in texts]
    names, details, narrative = frozen.document_texts(json.dumps(fields, ensure_ascii=False, sort_keys=True))
    assert [names, details, narrative] == list(by_kind.values())
    assert frozen.column(everything, 4) == tokens.quad_column(everything)
    assert frozen.column(names, 2) == tokens.column_text(names)
    assert frozen.column(details, 2) == tokens.column_text(details)
    for n in (2, 3):
        assert set(frozen.presence(everything, n).split()) == set(tokens.presence_tokens(everything, n).split())


DOCS: dict[str, dict[str, str]] = {
    "d1": {"narrative": "1998년 3월 함경북도 온성군 보위부에 끌려갔다. 그 후 경찰이 집에 왔다.",
           "victim_name_hangul": "김철수", "victim_name_roman": "Kim Chol-su"},
    "d2": {"narrative": "탈북하여 중국 공안에 잡혔다.", "victim_name_roman": "RYU  Un-hee", "place": "온성"},
    "d3": {"narrative": "보위원이 와서 아버지를 데려갔다.", "perpetrator_unit": "온성군 보위부"},
    "d4": {"narrative": unicodedata.normalize("NFD", "아무 일도 없었다. STRASSE"), "victim_name_hangul": "박영희"},
    "d5": {"narrative": "끝이 경", "description": "찰흙"},
    "d6": {},
}


def _index_as_schema_13(conn: Any, docs: dict[str, dict[str, str]]) -> None:
    """What SearchIndex.upsert wrote before the trigram tables: the bigram position table, characters, short fields."""
    conn.execute("BEGIN")
    for doc_id, fields in docs.items():
        rowid = conn.execute("INSERT INTO search_doc (doc_id) VALUES (?)", (doc_id,)).lastrowid
        stored = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        conn.execute("INSERT INTO search_text (id, fields) VALUES (?, ?)", (rowid, stored))
        by_kind = texts_by_kind(fields)
        everything = [text for texts in by_kind.values() for text in texts]
        conn.execute("INSERT INTO search_bigram (rowid, body) VALUES (?, ?)", (rowid, tokens.column_text(everything)))
        conn.execute("INSERT INTO search_char (rowid, body) VALUES (?, ?)", (rowid, tokens.char_tokens(everything)))
        conn.execute("INSERT INTO search_short (rowid, names, details) VALUES (?, ?, ?)",
                     (rowid, tokens.column_text(by_kind["names"]), tokens.column_text(by_kind["details"])))
    conn.execute("COMMIT")


QUERIES = ["김", "경찰", "보위", "온성군 보위부", "온성", "Ryu Un", "chol-su", "1998년 3월", "다.", ".", "경찰이 집에",
           "straße", "없었다", "없음", "부에", "평양시 보위부"]


@pytest.mark.parametrize("batch", [1, 500])
def test_an_index_built_before_the_upgrade_answers_exactly_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(frozen, "_BATCH", batch)  # 1: every document in its own read, so the paging is exercised
    db = tmp_path / "vault.db"
    conn = open_encrypted(db, KEY, create=True)
    migrations.migrate(conn, None, target=NGRAMS - 1)
    _index_as_schema_13(conn, DOCS)
    migrations.migrate(conn, db)
    index = SearchIndex(conn)
    for query in QUERIES:
        expected = reference_scan(DOCS.items(), query)
        assert {hit.doc_id for hit in index.search(query, limit=None)} == expected, query
        assert index.count(query) == len(expected), query
    assert [(hit.doc_id, hit.score) for hit in index.search("온성")] == [("d2", 2.0), ("d3", 2.0), ("d1", 1.0)]
    assert [hit.snippet[a:b] for hit in index.search("온성군 보위부") for a, b in hit.highlights] == ["온성군 보위부"] * 2
    # Documents indexed before the upgrade can be replaced and removed after it.
    conn.execute("BEGIN")
    index.upsert("d1", {"narrative": "새 진술"})
    index.remove("d3")
    conn.execute("COMMIT")
    assert index.count("온성군 보위부") == 0
    assert index.count("새 진술") == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for table in FTS_TABLES:  # FTS5's own check raises if the index disagrees with itself
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    conn.close()
