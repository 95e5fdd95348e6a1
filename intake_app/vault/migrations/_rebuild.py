"""Rebuilding a table whose primary key changes, which SQLite cannot ALTER: create the new table, copy the rows, drop
the old one, rename (https://sqlite.org/lang_altertable.html#otheralter), written once for the migrations that need it.

The new table's columns are the old ones as the database defines them (name, type, NOT NULL, DEFAULT, read from
``PRAGMA table_info``), in the order the migration names, plus the columns it adds. The helper copies nothing else of
the old definition, so it refuses a table that has more (an index, a trigger, a CHECK, UNIQUE, REFERENCES, COLLATE or
generated column, a non-STRICT table) rather than silently dropping it. The new table is STRICT too, which makes its
primary key columns NOT NULL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from intake_app.vault.database import Connection

_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
_NOT_COPIED = re.compile(r"\b(CHECK|UNIQUE|REFERENCES|COLLATE|GENERATED|AS|AUTOINCREMENT)\b", re.IGNORECASE)


def _name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a plain column or table name: {name!r}")
    return name


def rebuild_table(conn: Connection, table: str, *, columns: Sequence[str], primary_key: Sequence[str],
                  add: Mapping[str, str] | None = None, fill: Mapping[str, object] | None = None,
                  order_by: str = "rowid") -> None:
    """Rebuild ``table`` with ``columns`` (in this order) and ``primary_key``.

    ``add`` maps each new column to its type and constraints (``"TEXT NOT NULL DEFAULT ''"``); ``fill`` gives the value
    copied rows take in a new column (otherwise its DEFAULT, or NULL). Every old column must be kept. Rows are copied
    in ``order_by`` order (a list of old column names, or ``rowid``).
    """
    added = dict(add or {})
    values = dict(fill or {})
    _name(table)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    if sql is None:
        raise ValueError(f"no table {table}")
    others = conn.execute("SELECT type, name FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
                          " AND sql IS NOT NULL", (table,)).fetchall()
    strict = conn.execute(f"PRAGMA table_list({table})").fetchone()[5]
    # The definition without comments: a comment may say anything.
    definition = re.sub(r"--[^\n]*", "", str(sql[0]))
    if others or not strict or _NOT_COPIED.search(definition):
        raise ValueError(f"{table} has more than columns and a key (indexes, triggers, constraints): rebuild it by hand")
    old: dict[str, str] = {}
    for _cid, name, type_, notnull, default, _pk in conn.execute(f"PRAGMA table_info({table})"):
        spec = f"{_name(str(name))} {type_}" + (" NOT NULL" if notnull else "")
        old[str(name)] = spec + ("" if default is None else f" DEFAULT {default}")
    kept = [c for c in columns if c not in added]
    if set(old) - set(kept) or set(kept) - set(old) or len(set(columns)) != len(columns) or set(added) - set(columns):
        raise ValueError(f"{table}: the new columns must be the old ones, each once, and the added ones")
    if set(values) - set(added) or set(primary_key) - set(columns):
        raise ValueError(f"{table}: only added columns are filled, and the key is made of the table's columns")
    specs = [old[c] if c in old else f"{_name(c)} {added[c]}" for c in columns]
    order = ", ".join(_name(c.strip()) for c in order_by.split(","))
    new = f"{table}_rebuilt"
    key = ", ".join(_name(c) for c in primary_key)
    conn.execute(f"CREATE TABLE {new} ({', '.join(specs)}, PRIMARY KEY ({key})) STRICT")
    copied = [c for c in columns if c in old or c in values]
    sources = [c if c in old else "?" for c in copied]
    # Every name in these statements passed _name; the values are parameters.
    sql = f"INSERT INTO {new} ({', '.join(copied)}) SELECT {', '.join(sources)} FROM {table} ORDER BY {order}"  # noqa: S608
    conn.execute(sql, tuple(values[c] for c in copied if c not in old))
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {new} RENAME TO {table}")
