"""Issue 30: search answers queries of four or more characters from 4-gram positions, two- and three-character
queries from presence-only tables of character runs; ranking reads names and the other short fields from two tables.
The bigram position table and the two-column short-field table go.

A rare phrase is mostly made of common bigrams ("온성군 보위부": every bigram in more than half of all testimonies), and
FTS5 has to read their position lists in full to find the few places where they follow each other; 4-grams are far
rarer, so the phrase reads a fraction of that (docs/search.md, "Measurements"). The new tables are filled here from
the stored field text (``search_text``), exactly as ``SearchIndex.upsert`` fills them; ``search_char`` keeps its
tokens and is left alone.

The tokenisation below is a frozen copy of ``intake_app.search`` as it was when this schema was made (the vault
package may not import search): tests/search/test_search_schema.py checks that both produce the same tokens and that
this migration leaves the tables ``SEARCH_SCHEMA`` creates. A later change to the tokens is a new migration.
"""

from __future__ import annotations

import json
import unicodedata

from intake_app.vault.database import Connection

_FTS = "content='', contentless_delete=1, tokenize='ascii'"
NEW_TABLES = ("search_pair", "search_tri", "search_quad", "search_names", "search_details")
STATEMENTS = (
    # Dropped if present, so that the step rebuilds the tables from search_text whatever it finds (a vault restored to
    # an earlier version number, as tests/stats/test_stats_migration.py makes one, already has the new tables).
    "DROP TABLE IF EXISTS search_bigram",
    "DROP TABLE IF EXISTS search_short",
    *(f"DROP TABLE IF EXISTS {table}" for table in NEW_TABLES),
    f"CREATE VIRTUAL TABLE search_pair USING fts5(body, {_FTS}, detail=none)",
    f"CREATE VIRTUAL TABLE search_tri USING fts5(body, {_FTS}, detail=none)",
    f"CREATE VIRTUAL TABLE search_quad USING fts5(body, {_FTS}, detail=full)",
    f"CREATE VIRTUAL TABLE search_names USING fts5(body, {_FTS}, detail=full, prefix='4')",
    f"CREATE VIRTUAL TABLE search_details USING fts5(body, {_FTS}, detail=full, prefix='4')",
    *(f"INSERT INTO {table} ({table}, rank) VALUES ('pgsz', 8000)" for table in NEW_TABLES),  # noqa: S608
)

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_END = "zzzz"
_BATCH = 500  # documents read per statement: memory stays flat however large the archive


def _code(value: int) -> str:
    digits = []
    for _ in range(4):
        value, rest = divmod(value, 36)
        digits.append(_DIGITS[rest])
    return "".join(reversed(digits))


class _Codes(dict[int, str]):
    def __missing__(self, key: int) -> str:
        code = _code(key)
        if len(self) < 65536:
            self[key] = code
        return code


_CODES = _Codes()


def normalize(text: str) -> str:
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return " ".join(folded.split())


def _kind(name: str) -> int:
    lowered = name.casefold()
    if "name" in lowered or "alias" in lowered:
        return 0
    if "narrative" in lowered or "statement" in lowered or "transcript" in lowered:
        return 2
    return 1


def _grams(text: str, n: int, pad: int) -> list[str]:
    if not text:
        return []
    codes = text.translate(_CODES) + _END * pad
    return [codes[i : i + 4 * n] for i in range(0, len(codes) - 4 * (n - 1), 4)]


def column(texts: list[str], n: int) -> str:
    """Positional n-grams of several fields, each field padded with END so that every character starts one."""
    return " ".join(gram for text in texts for gram in _grams(text, n, n - 1))


def presence(texts: list[str], n: int) -> str:
    """Each run of n characters inside a field, once."""
    return " ".join({gram for text in texts for gram in _grams(text, n, 0)})


def document_texts(stored: str) -> list[list[str]]:
    """The normalised fields of one ``search_text`` row by kind (names, details, narrative), each kind in name
    order: the order in which ``upsert`` indexes them."""
    fields: dict[str, str] = json.loads(stored)
    by_kind: list[list[str]] = [[], [], []]
    for name in sorted(fields, key=lambda name: (_kind(name), name)):
        by_kind[_kind(name)].append(normalize(fields[name]))
    return by_kind


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
    last = -1
    while True:
        rows = conn.execute(
            "SELECT id, fields FROM search_text WHERE id > ? ORDER BY id LIMIT ?", (last, _BATCH)
        ).fetchall()
        if not rows:
            break
        for rowid, stored in rows:
            names, details, narrative = document_texts(stored)
            everything = names + details + narrative
            for table, text in (
                ("search_pair", presence(everything, 2)),
                ("search_tri", presence(everything, 3)),
                ("search_quad", column(everything, 4)),
                ("search_names", column(names, 2)),
                ("search_details", column(details, 2)),
            ):
                conn.execute(f"INSERT INTO {table} (rowid, body) VALUES (?, ?)", (rowid, text))  # noqa: S608
        last = rows[-1][0]
