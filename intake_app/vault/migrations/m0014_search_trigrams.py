"""Issue 30: search answers queries of three or more characters from character trigrams, two-character queries from
a presence-only table of character pairs; the bigram position table goes.

A rare phrase is mostly made of common bigrams ("온성군 보위부": every bigram in more than half of all testimonies), and
FTS5 has to read their position lists in full to find the few places where they follow each other; trigrams are
rarer, so the phrase reads a fraction of that (docs/search.md, "Measurements"). The new tables are filled here from
the stored field text (``search_text``), exactly as ``SearchIndex.upsert`` fills them; ``search_char`` and
``search_short`` keep their tokens and are left alone.

The tokenisation below is a frozen copy of ``intake_app.search.tokens`` as it was when this schema was made (the vault
package may not import search): tests/search/test_search_schema.py checks that both produce the same tokens and that
this migration leaves the tables ``SEARCH_SCHEMA`` creates. A later change to the tokens is a new migration.
"""

from __future__ import annotations

import json
import unicodedata

from intake_app.vault.database import Connection

_FTS = "content='', contentless_delete=1, tokenize='ascii'"
STATEMENTS = (
    "DROP TABLE search_bigram",
    f"CREATE VIRTUAL TABLE search_tri USING fts5(body, {_FTS}, detail=full)",
    f"CREATE VIRTUAL TABLE search_pair USING fts5(body, {_FTS}, detail=none)",
    "INSERT INTO search_tri (search_tri, rank) VALUES ('pgsz', 8000)",
    "INSERT INTO search_pair (search_pair, rank) VALUES ('pgsz', 8000)",
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


def _field_order(name: str) -> tuple[int, str]:
    lowered = name.casefold()
    if "name" in lowered or "alias" in lowered:
        return 0, name
    if "narrative" in lowered or "statement" in lowered or "transcript" in lowered:
        return 2, name
    return 1, name


def trigram_column(texts: list[str]) -> str:
    tokens: list[str] = []
    for text in texts:
        if text:
            codes = text.translate(_CODES) + _END + _END
            tokens.extend(codes[i : i + 12] for i in range(0, len(codes) - 8, 4))
    return " ".join(tokens)


def pair_tokens(texts: list[str]) -> str:
    pairs: set[str] = set()
    for text in texts:
        codes = text.translate(_CODES)
        pairs.update(codes[i : i + 8] for i in range(0, len(codes) - 4, 4))
    return " ".join(pairs)


def document_texts(stored: str) -> list[str]:
    """The normalised fields of one ``search_text`` row, in the order ``upsert`` indexes them."""
    fields: dict[str, str] = json.loads(stored)
    return [normalize(fields[name]) for name in sorted(fields, key=_field_order)]


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
            texts = document_texts(stored)
            conn.execute("INSERT INTO search_tri (rowid, body) VALUES (?, ?)", (rowid, trigram_column(texts)))
            conn.execute("INSERT INTO search_pair (rowid, body) VALUES (?, ?)", (rowid, pair_tokens(texts)))
        last = rows[-1][0]
