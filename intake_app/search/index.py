"""Full-text search over testimony fields, inside the vault's SQLCipher database.

A document matches a query when ``normalize(query)`` is a substring of ``normalize(field)`` for one of its fields
(see :mod:`intake_app.search.tokens`); :func:`reference_scan` is that definition executed literally, and
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
from intake_app.search.tokens import (
    char_tokens,
    column_text,
    normalize,
    presence_tokens,
    quad_column,
    query_expression,
    short_expression,
    snippet_if_found,
)

# Every field is indexed in one column of each of search_char, search_pair, search_tri and search_quad; names and the
# other short fields (places, units, descriptions) are indexed a second time, by kind, in the small search_names and
# search_details tables, which is what ranking reads: a hit in a name outranks a hit in a short field, which outranks a
# hit only in the narrative.
KIND_SCORES = {"names": 3.0, "details": 2.0, "narrative": 1.0}
# Up to this many matches, every match is ranked (score, then doc_id). A more common query is ranked by score,
# then index order, which FTS5 yields without sorting, so the cost stays bounded however many documents match.
RANK_ALL_LIMIT = 1000

MAX_FIELDS = 256
MAX_FIELD_CHARS = 4_000_000  # far above any spoken testimony; bounds the work one hostile record can cause
MAX_QUERY_CHARS = 1000

# Contentless FTS5 tables hold postings only; the text is kept once, in search_text. contentless_delete=1 deletes
# a row by rowid without supplying the tokens it was indexed with, so a row indexed by an older normalisation can
# still be removed cleanly.
_FTS = "content='', contentless_delete=1, tokenize='ascii'"
FTS_TABLES = ("search_char", "search_pair", "search_tri", "search_quad", "search_names", "search_details")
SEARCH_SCHEMA: tuple[str, ...] = (
    # doc_id <-> FTS rowid, apart from the text so that ranking's doc_id lookups touch small rows only.
    "CREATE TABLE search_doc (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE)",
    # Field text as given, one JSON object per document: for snippets and for rebuilding the index.
    "CREATE TABLE search_text (id INTEGER PRIMARY KEY REFERENCES search_doc (id), fields TEXT NOT NULL)",
    # Which characters each document contains, no positions: answers one-character queries.
    f"CREATE VIRTUAL TABLE search_char USING fts5(body, {_FTS}, detail=none)",
    # Which runs of two and of three characters each document contains, no positions: two- and three-character queries.
    f"CREATE VIRTUAL TABLE search_pair USING fts5(body, {_FTS}, detail=none)",
    f"CREATE VIRTUAL TABLE search_tri USING fts5(body, {_FTS}, detail=none)",
    # 4-gram positions of every field: answers queries of four or more characters exactly. 4-grams rather than bigrams
    # because a rare phrase is mostly made of common bigrams, whose position lists FTS5 must read in full.
    f"CREATE VIRTUAL TABLE search_quad USING fts5(body, {_FTS}, detail=full)",
    # Bigrams of the names, and of the other short fields, for ranking; prefix='4' (a bigram's first code point)
    # serves one-character queries. Two tables, so that a query never in a name reads no one else's postings.
    f"CREATE VIRTUAL TABLE search_names USING fts5(body, {_FTS}, detail=full, prefix='4')",
    f"CREATE VIRTUAL TABLE search_details USING fts5(body, {_FTS}, detail=full, prefix='4')",
    # FTS5 writes its index in blocks of about pgsz bytes, one row each. The default (4050) leaves half of most
    # 8 KiB pages empty once SQLCipher has reserved its 80 bytes per page; 8000 fills them (measured: -40% size).
    *(f"INSERT INTO {table} ({table}, rank) VALUES ('pgsz', 8000)" for table in FTS_TABLES),  # noqa: S608
)


def field_kind(name: str) -> str:
    """The kind of a caller's field, from its name: "names", "narrative" or (anything else) "details"."""
    lowered = name.casefold()
    if "name" in lowered or "alias" in lowered:
        return "names"
    if "narrative" in lowered or "statement" in lowered or "transcript" in lowered:
        return "narrative"
    return "details"


_PRIORITY = ("names", "details", "narrative")  # which field a hit's snippet is taken from, first match wins


def _field_order(name: str) -> tuple[int, str]:
    return _PRIORITY.index(field_kind(name)), name


def texts_by_kind(fields: Mapping[str, str]) -> dict[str, list[str]]:
    """The normalised fields of a document by kind ("names", "details", "narrative", in that order), each kind's
    fields in name order: the order in which ``upsert`` indexes them."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in KIND_SCORES}
    for name in sorted(fields, key=_field_order):
        by_kind[field_kind(name)].append(normalize(fields[name]))
    return by_kind


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


def _needle(query: str) -> str:
    """The normalised query, refusing one too long to be a search (it becomes one FTS5 term per character)."""
    if not isinstance(query, str):
        raise UsageError("A search query must be text.")
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError("The search text is too long.")
    return normalize(query)


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


class HeldWrites:
    """Index writes held back and applied together by :meth:`apply_to`, in the order they were asked for (so every
    document gets the same row numbers and terms as when written at once).

    FTS5 keeps the terms a transaction inserts in memory and writes them out as a new segment whenever any statement
    of the transaction opens a statement journal (an UPSERT, a statement that fires a trigger): a job that indexed
    each record between its other writes (the records row's UPSERT) wrote a small segment per record and table, then
    merged them, about a quarter of an HQ import's CPU (issue 30). A job refreshing many records in one transaction
    holds their index writes and applies them after its other writes."""

    def __init__(self) -> None:
        self._writes: list[tuple[str, Mapping[str, str] | None]] = []

    def upsert(self, doc_id: str, fields: Mapping[str, str]) -> None:
        self._writes.append((doc_id, fields))

    def remove(self, doc_id: str) -> None:
        self._writes.append((doc_id, None))

    def apply_to(self, index: SearchIndex) -> None:
        """Apply every held write to ``index`` (in the caller's transaction), then forget them."""
        for doc_id, fields in self._writes:
            if fields is None:
                index.remove(doc_id)
            else:
                index.upsert(doc_id, fields)
        self._writes.clear()


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
        by_kind = texts_by_kind(checked)
        everything = [text for texts in by_kind.values() for text in texts]
        stored = json.dumps(checked, ensure_ascii=False, sort_keys=True)
        row = self._conn.execute("SELECT id FROM search_doc WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            rowid = self._conn.execute("INSERT INTO search_doc (doc_id) VALUES (?)", (doc_id,)).lastrowid
            self._conn.execute("INSERT INTO search_text (id, fields) VALUES (?, ?)", (rowid, stored))
        else:
            rowid = row[0]
            for table in FTS_TABLES:
                self._conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))  # noqa: S608
            self._conn.execute("UPDATE search_text SET fields = ? WHERE id = ?", (stored, rowid))
        insert = "INSERT INTO {} (rowid, body) VALUES (?, ?)"
        self._conn.execute(insert.format("search_char"), (rowid, char_tokens(everything)))
        self._conn.execute(insert.format("search_pair"), (rowid, presence_tokens(everything, 2)))
        self._conn.execute(insert.format("search_tri"), (rowid, presence_tokens(everything, 3)))
        self._conn.execute(insert.format("search_quad"), (rowid, quad_column(everything)))
        self._conn.execute(insert.format("search_names"), (rowid, column_text(by_kind["names"])))
        self._conn.execute(insert.format("search_details"), (rowid, column_text(by_kind["details"])))

    def remove(self, doc_id: str) -> None:
        """Forget ``doc_id`` (no error if it was never indexed). Runs in the caller's transaction."""
        row = self._conn.execute("SELECT id FROM search_doc WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return
        for table in FTS_TABLES:
            self._conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))  # noqa: S608
        self._conn.execute("DELETE FROM search_text WHERE id = ?", (row[0],))
        self._conn.execute("DELETE FROM search_doc WHERE id = ?", (row[0],))

    def merge_segments(self) -> None:
        """Rewrite every FTS5 index as one segment ('optimize'), which drops the postings of removed documents: a
        contentless delete only records a tombstone, and the deleted document's tokens stay in the old segments until
        they are merged (the purge needs them gone). Runs in the caller's transaction; with secure_delete the freed
        pages are zeroed."""
        for table in FTS_TABLES:
            self._conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608

    # ------------------------------------------------------------------------------------------- reading

    def count(self, query: str) -> int:
        """Number of documents matching ``query`` (0 for an empty query)."""
        needle = _needle(query)
        if not needle:
            return 0
        table = _table_for(needle)
        sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ?"  # noqa: S608
        return int(self._conn.execute(sql, (query_expression(needle),)).fetchone()[0])

    def matching_ids(self, query: str) -> set[str]:
        """Ids of all documents matching ``query``, unordered and without snippets (for combining with filters)."""
        needle = _needle(query)
        if not needle:
            return set()
        return set(self._doc_ids(self._rowids(_table_for(needle), query_expression(needle), None)).values())

    def search(self, query: str, *, limit: int | None = 50, offset: int = 0) -> list[Hit]:
        """Matching documents, best first; ``limit=None`` returns every match.

        Score: 3 if the query is in a names field, else 2 if in another short field (place, unit, description),
        else 1 (narrative only). Equal scores are in doc_id order when at most ``RANK_ALL_LIMIT`` documents match,
        and in index order (the order documents were first indexed) for a more common query, which keeps the cost
        bounded. Only the returned page is read back from the stored text.
        """
        if offset < 0 or (limit is not None and limit < 0):
            raise UsageError("Search offset and limit must not be negative.")
        needle = _needle(query)
        if not needle or limit == 0:
            return []
        wanted = None if limit is None else offset + limit
        table, phrase = _table_for(needle), query_expression(needle)
        # One pass that stops early for a common query; for a rarer one it is the whole answer.
        first = self._rowids(table, phrase, RANK_ALL_LIMIT + 1)
        if len(first) <= RANK_ALL_LIMIT:
            ranked = self._rank_all(first, short_expression(needle))
        else:
            ranked = self._rank_first(table, phrase, short_expression(needle), wanted)
        return self._hits(ranked[offset:wanted], needle)

    def _rank_all(self, rowids: list[int], short_phrase: str) -> list[tuple[float, int]]:
        """(score, rowid) for every match, by score then doc_id."""
        scores = dict.fromkeys(rowids, KIND_SCORES["narrative"])
        for kind in ("details", "names"):  # names last: the higher score wins
            hits = self._rowids(f"search_{kind}", short_phrase, None)
            scores.update(dict.fromkeys(hits, KIND_SCORES[kind]))
        ids = self._doc_ids(rowids)
        ordered = sorted(rowids, key=lambda rowid: (-scores[rowid], ids[rowid]))
        return [(scores[rowid], rowid) for rowid in ordered]

    def _rank_first(self, table: str, phrase: str, short_phrase: str, wanted: int | None) -> list[tuple[float, int]]:
        """(score, rowid) of the best ``wanted`` matches (all if None): by score, then rowid.

        Each tier is read in rowid order with a LIMIT, so FTS5 stops after ``wanted`` rows however many match.
        """
        ranked: list[tuple[float, int]] = []
        seen: set[int] = set()
        tiers = (
            ("search_names", short_phrase, KIND_SCORES["names"]),
            ("search_details", short_phrase, KIND_SCORES["details"]),
            (table, phrase, KIND_SCORES["narrative"]),
        )
        for tier_table, expression, score in tiers:
            if wanted is not None and len(ranked) >= wanted:
                break
            # Earlier tiers are complete here (they came back short), so over-fetch by their size and skip them.
            need = None if wanted is None else wanted - len(ranked) + len(seen)
            fresh = [rowid for rowid in self._rowids(tier_table, expression, need) if rowid not in seen]
            ranked.extend((score, rowid) for rowid in fresh)
            seen.update(fresh)
        return ranked if wanted is None else ranked[:wanted]

    def _rowids(self, table: str, expression: str, limit: int | None) -> list[int]:
        """Rowids matching ``expression`` in rowid order, at most ``limit`` of them."""
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid LIMIT ?"  # noqa: S608
        return [rowid for (rowid,) in self._conn.execute(sql, (expression, -1 if limit is None else limit))]

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
            for name in sorted(fields, key=_field_order):
                found = snippet_if_found(fields[name], needle)
                if found is not None:
                    hits.append(Hit(doc_id=ids[rowid], score=score, field=name, snippet=found[0], highlights=found[1]))
                    break
            else:
                # The index promised a match the stored text does not hold: the tables are out of step.
                raise RuntimeError("search index and stored text disagree; rebuild the search index")
        return hits


def _table_for(needle: str) -> str:
    return ("search_char", "search_pair", "search_tri")[len(needle) - 1] if len(needle) <= 3 else "search_quad"
