"""Full-text search over testimony fields, inside the vault's SQLCipher database.

A document matches a query when ``normalize(query)`` is a substring of ``normalize(field)`` for one of its fields
(see :mod:`intake_app.search_tokens`); :func:`reference_scan` is that definition executed literally, and
:class:`SearchIndex` returns exactly the same set, from a contentless FTS5 index of character bigrams. The design and
measurements are in ``docs/search.md``.

The caller owns transactions: :meth:`SearchIndex.upsert` and :meth:`SearchIndex.remove` run inside whatever
transaction the record store has open when it saves or deletes a testimony, so the index can never disagree with a
committed record. Nothing here logs, prints or puts text into exception messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intake_app.errors import UsageError
from intake_app.search_tokens import char_tokens, column_text, make_snippet, normalize, query_phrase

# Fields are grouped into three FTS5 columns so ranking can prefer a hit in a name over one in the narrative. The
# narrative comes first because FTS5 writes no column marker for column 0, which saves two bytes per posting on the
# column that holds most of the text.
COLUMNS = ("narrative", "details", "names")
# bm25 column weights: a name hit counts five times a narrative hit, a place/unit/description hit twice.
_RANK = "bm25(1.0, 2.0, 5.0)"
# Above this many matches, ranking every match costs more than it is worth (and bm25's IDF is then near zero
# anyway): such a query gets index order instead, which FTS5 yields with no sorting (see docs/search.md).
RANK_ALL_LIMIT = 2000

MAX_FIELDS = 256
MAX_FIELD_CHARS = 4_000_000  # far above any spoken testimony; bounds the work one hostile record can cause

_FTS_OPTIONS = "content='', contentless_delete=1, tokenize='ascii', columnsize=1"
SEARCH_SCHEMA: tuple[str, ...] = (
    # doc_id <-> FTS rowid, kept apart from the text so ranking lookups touch small rows only.
    "CREATE TABLE search_doc (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE)",
    # Field text as given, one JSON object per document: for snippets and for rebuilding the index.
    "CREATE TABLE search_text (id INTEGER PRIMARY KEY REFERENCES search_doc (id), fields TEXT NOT NULL)",
    # Contentless FTS5 tables hold postings only. contentless_delete=1 deletes a row by rowid without supplying
    # the tokens it was indexed with, so an index written by an older normalisation can still be cleaned up.
    f"CREATE VIRTUAL TABLE search_bigram USING fts5(narrative, details, names, {_FTS_OPTIONS}, detail=full)",
    f"CREATE VIRTUAL TABLE search_char USING fts5(narrative, details, names, {_FTS_OPTIONS}, detail=column)",
)
_TABLES = ("search_bigram", "search_char")


def field_column(name: str) -> str:
    """Which FTS5 column a caller's field name is indexed under (and so how much a hit in it weighs)."""
    lowered = name.casefold()
    if "name" in lowered or "alias" in lowered:
        return "names"
    if "narrative" in lowered or "statement" in lowered or "transcript" in lowered:
        return "narrative"
    return "details"


_PRIORITY = ("names", "details", "narrative")  # which field a hit's snippet is taken from, first match wins


def _field_order(name: str) -> tuple[int, str]:
    return _PRIORITY.index(field_column(name)), name


@dataclass(frozen=True)
class Hit:
    """One matching document: higher ``score`` is better; ``snippet`` comes from ``field`` with ``highlights``
    as (start, end) character offsets into the snippet."""

    doc_id: str
    score: float
    field: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]


def reference_scan(docs: Iterable[tuple[str, Mapping[str, str]]], query: str) -> set[str]:
    """The definition of a match, executed literally: ids of documents with a field containing the query."""
    needle = normalize(query)
    if not needle:
        return set()
    return {doc_id for doc_id, fields in docs if any(needle in normalize(text) for text in fields.values())}


def _checked_fields(fields: Mapping[str, str]) -> dict[str, str]:
    if len(fields) > MAX_FIELDS:
        raise UsageError("A record has too many text fields to index.")
    checked: dict[str, str] = {}
    for name, text in fields.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise UsageError("Search fields must be text.")
        if len(text) > MAX_FIELD_CHARS:
            raise UsageError("A text field is too long to index.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError("A text field is not valid Unicode (it holds a lone surrogate).") from None
        checked[name] = text
    return checked


class SearchIndex:
    """Bigram full-text index over the ``search_*`` tables of an open vault connection."""

    def __init__(self, conn: Any) -> None:
        """Use ``conn`` (a keyed sqlcipher3 connection whose schema includes ``SEARCH_SCHEMA``)."""
        self._conn = conn

    # ------------------------------------------------------------------------------------------- writing

    def upsert(self, doc_id: str, fields: Mapping[str, str]) -> None:
        """Index ``fields`` as the whole current text of ``doc_id``, replacing whatever it had before.

        Runs in the caller's transaction and neither begins nor commits one.
        """
        if not isinstance(doc_id, str):
            raise UsageError("A document id must be text.")
        checked = _checked_fields(fields)
        per_column: dict[str, list[str]] = {column: [] for column in COLUMNS}
        for name in sorted(checked, key=_field_order):
            per_column[field_column(name)].append(normalize(checked[name]))
        stored = json.dumps(checked, ensure_ascii=False, sort_keys=True)
        row = self._conn.execute("SELECT id FROM search_doc WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            rowid = self._conn.execute("INSERT INTO search_doc (doc_id) VALUES (?)", (doc_id,)).lastrowid
            self._conn.execute("INSERT INTO search_text (id, fields) VALUES (?, ?)", (rowid, stored))
        else:
            rowid = row[0]
            for table in _TABLES:
                self._conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))  # noqa: S608
            self._conn.execute("UPDATE search_text SET fields = ? WHERE id = ?", (stored, rowid))
        self._conn.execute(
            "INSERT INTO search_bigram (rowid, narrative, details, names) VALUES (?, ?, ?, ?)",
            (rowid, *(column_text(per_column[column]) for column in COLUMNS)),
        )
        self._conn.execute(
            "INSERT INTO search_char (rowid, narrative, details, names) VALUES (?, ?, ?, ?)",
            (rowid, *(char_tokens(per_column[column]) for column in COLUMNS)),
        )

    def remove(self, doc_id: str) -> None:
        """Forget ``doc_id`` (no error if it was never indexed). Runs in the caller's transaction."""
        row = self._conn.execute("SELECT id FROM search_doc WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return
        for table in (*_TABLES, "search_text", "search_doc"):
            key = "rowid" if table in _TABLES else "id"
            self._conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (row[0],))  # noqa: S608

    # ------------------------------------------------------------------------------------------- reading

    def count(self, query: str) -> int:
        """Number of documents matching ``query`` (0 for an empty query)."""
        needle = normalize(query)
        if not needle:
            return 0
        table = _table_for(needle)
        sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ?"  # noqa: S608
        row = self._conn.execute(sql, (query_phrase(needle),)).fetchone()
        return int(row[0])

    def search(self, query: str, *, limit: int | None = 50, offset: int = 0) -> list[Hit]:
        """Matching documents, best first; ``limit=None`` returns every match.

        Up to ``RANK_ALL_LIMIT`` matches: bm25 (more occurrences, names > details > narrative, shorter documents
        first; for one character, just the best field kind), ties broken by doc_id. Beyond that, a query that
        common gets index order (the order documents were first indexed) with score 0. Only the returned page is
        read back from the stored text.
        """
        if offset < 0 or (limit is not None and limit < 0):
            raise UsageError("Search offset and limit must not be negative.")
        needle = normalize(query)
        if not needle or limit == 0:
            return []
        wanted = None if limit is None else offset + limit
        table, phrase = _table_for(needle), query_phrase(needle)
        few = (
            self._conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)",  # noqa: S608
                (phrase, RANK_ALL_LIMIT + 1),
            ).fetchone()[0]
            <= RANK_ALL_LIMIT
        )
        ranked = self._by_rank(table, phrase) if few else self._by_index_order(table, phrase, wanted)
        return self._hits(ranked[offset:wanted], needle)

    def _by_rank(self, table: str, phrase: str) -> list[tuple[float, int]]:
        """(score, rowid) of every match, best first, ties in doc_id order."""
        if table == "search_char":
            # detail=column keeps no counts, so bm25 sees none: score by the best column the character is in.
            scores = dict.fromkeys(self._rowids(table, phrase), 1.0)
            for column, weight in (("details", 2.0), ("names", 5.0)):
                scores.update(dict.fromkeys(self._rowids(table, f"{{{column}}} : {phrase}"), weight))
            rows = [(rowid, -score) for rowid, score in scores.items()]
        else:
            rows = self._conn.execute(
                f"SELECT rowid, rank FROM {table} WHERE {table} MATCH ? AND rank MATCH ?",  # noqa: S608
                (phrase, _RANK),
            ).fetchall()
        ids = self._doc_ids([rowid for rowid, _ in rows])
        rows.sort(key=lambda row: (row[1], ids[row[0]]))
        return [(-float(rank), rowid) for rowid, rank in rows]

    def _rowids(self, table: str, expression: str) -> list[int]:
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"  # noqa: S608
        return [rowid for (rowid,) in self._conn.execute(sql, (expression,))]

    def _by_index_order(self, table: str, phrase: str, wanted: int | None) -> list[tuple[float, int]]:
        """(0.0, rowid) of the first ``wanted`` matches in rowid order.

        FTS5 yields rows in rowid order, so with a LIMIT this stops after ``wanted`` rows however many match.
        """
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid"  # noqa: S608
        if wanted is None:
            rows = self._conn.execute(sql, (phrase,)).fetchall()
        else:
            rows = self._conn.execute(sql + " LIMIT ?", (phrase, wanted)).fetchall()
        return [(0.0, rowid) for (rowid,) in rows]

    def _doc_ids(self, rowids: Sequence[int]) -> dict[int, str]:
        return dict(self._lookup("SELECT id, doc_id FROM search_doc WHERE id IN ({})", rowids))

    def _lookup(self, sql: str, rowids: Sequence[int]) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        for start in range(0, len(rowids), 500):
            chunk = list(rowids[start : start + 500])
            found.extend(self._conn.execute(sql.format(",".join("?" * len(chunk))), chunk))
        return found

    def _hits(self, page: Sequence[tuple[float, int]], needle: str) -> list[Hit]:
        rowids = [rowid for _, rowid in page]
        ids = self._doc_ids(rowids)
        stored = dict(self._lookup("SELECT id, fields FROM search_text WHERE id IN ({})", rowids))
        hits = []
        for score, rowid in page:
            fields: dict[str, str] = json.loads(stored[rowid])
            name = next((n for n in sorted(fields, key=_field_order) if needle in normalize(fields[n])), None)
            if name is None:
                # The index promised a match the stored text does not hold: the tables are out of step.
                raise RuntimeError("search index and stored text disagree; rebuild the search index")
            snippet, highlights = make_snippet(fields[name], needle)
            hits.append(Hit(doc_id=ids[rowid], score=score, field=name, snippet=snippet, highlights=highlights))
        return hits


def _table_for(needle: str) -> str:
    return "search_char" if len(needle) == 1 else "search_bigram"
