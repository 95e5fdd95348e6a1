"""The one table rebuild the migrations use (a primary key changes): it keeps every row and column definition, and
refuses a table it would copy only in part."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_app.vault.database import Connection, open_encrypted
from intake_app.vault.migrations._rebuild import rebuild_table

KEY = bytes(range(32))


@pytest.fixture
def conn(tmp_path: Path) -> Connection:
    c = open_encrypted(tmp_path / "db", KEY, create=True)
    c.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, body TEXT NOT NULL DEFAULT 'x', note TEXT) STRICT")
    c.executemany("INSERT INTO t (seq, body, note) VALUES (?, ?, ?)", [(2, "둘", None), (1, "하나", "n")])
    return c


def _columns(conn: Connection) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute("PRAGMA table_info(t)")]


def test_rebuild_moves_the_key_keeps_definitions_and_rows_and_fills_the_new_column(conn: Connection) -> None:
    rebuild_table(conn, "t", columns=("owner", "seq", "body", "note"), add={"owner": "TEXT NOT NULL DEFAULT ''"},
                  fill={"owner": "K1"}, primary_key=("owner", "seq"), order_by="seq")
    assert _columns(conn) == [(0, "owner", "TEXT", 1, "''", 1), (1, "seq", "INTEGER", 1, None, 2),
                              (2, "body", "TEXT", 1, "'x'", 0), (3, "note", "TEXT", 0, None, 0)]
    assert conn.execute("SELECT owner, seq, body, note FROM t ORDER BY rowid").fetchall() == [
        ("K1", 1, "하나", "n"), ("K1", 2, "둘", None)]
    assert conn.execute("PRAGMA table_list(t)").fetchone()[5] == 1  # still STRICT
    conn.execute("INSERT INTO t (owner, seq, body) VALUES ('K2', 1, 'again')")  # the new key allows it
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 't%'")] == ["t"]


@pytest.mark.parametrize(("setup", "kwargs"), [
    ("CREATE INDEX t_by_body ON t (body)", {}),
    ("CREATE TRIGGER t_no_delete BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no'); END", {}),
    (None, {"columns": ("seq", "body")}),  # a column would be dropped
    (None, {"columns": ("seq", "body", "note", "body")}),
    (None, {"columns": ("seq", "body", "note", "x")}),  # a column neither old nor added
    (None, {"primary_key": ("seq", "x")}),
    (None, {"fill": {"body": "y"}}),  # only added columns are filled
    (None, {"order_by": "seq; DROP TABLE t"}),
])
def test_rebuild_refuses_what_it_would_not_copy_whole_and_changes_nothing(
        conn: Connection, setup: str | None, kwargs: dict[str, object]) -> None:
    if setup:
        conn.execute(setup)
    before = _columns(conn), conn.execute("SELECT * FROM t ORDER BY seq").fetchall()
    args: dict[str, object] = {"columns": ("seq", "body", "note"), "primary_key": ("seq", "body")} | kwargs
    with pytest.raises(ValueError):
        rebuild_table(conn, "t", **args)  # type: ignore[arg-type]
    assert (_columns(conn), conn.execute("SELECT * FROM t ORDER BY seq").fetchall()) == before


def test_rebuild_refuses_a_table_with_constraints_it_does_not_copy(tmp_path: Path) -> None:
    conn = open_encrypted(tmp_path / "db", KEY, create=True)
    conn.execute("CREATE TABLE t (a TEXT NOT NULL CHECK (length(a) = 2), b TEXT) STRICT")
    with pytest.raises(ValueError, match="by hand"):
        rebuild_table(conn, "t", columns=("a", "b"), primary_key=("a", "b"))
    conn.execute("CREATE TABLE u (a TEXT, b TEXT)")  # not STRICT
    with pytest.raises(ValueError, match="by hand"):
        rebuild_table(conn, "u", columns=("a", "b"), primary_key=("a", "b"))
