"""vault.database.Transaction: its own transaction, or (join=True) the caller's, whose commit or rollback decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_app.vault.database import Connection, Transaction, open_encrypted

KEY = bytes(range(32))


def _conn(tmp_path: Path) -> Connection:
    conn = open_encrypted(tmp_path / "db", KEY, create=True)
    conn.execute("CREATE TABLE t (x INTEGER)")
    return conn


def _rows(conn: Connection) -> list[int]:
    return [int(r[0]) for r in conn.execute("SELECT x FROM t ORDER BY x")]


def test_without_a_caller_transaction_it_commits_and_rolls_back_its_own(tmp_path: Path) -> None:
    conn = _conn(tmp_path)
    with Transaction(conn, join=True):
        conn.execute("INSERT INTO t VALUES (1)")
    assert not conn.in_transaction and _rows(conn) == [1]
    with pytest.raises(RuntimeError), Transaction(conn, join=True):
        conn.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError
    assert not conn.in_transaction and _rows(conn) == [1]


def test_joined_it_leaves_the_commit_and_the_rollback_to_the_caller(tmp_path: Path) -> None:
    conn = _conn(tmp_path)
    conn.execute("BEGIN IMMEDIATE")
    with Transaction(conn, join=True):
        conn.execute("INSERT INTO t VALUES (1)")
    assert conn.in_transaction  # not committed by the joined block
    with pytest.raises(RuntimeError), Transaction(conn, join=True):
        conn.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError
    assert conn.in_transaction  # not rolled back by it either: the caller decides
    conn.execute("ROLLBACK")
    assert _rows(conn) == []


def test_not_joining_inside_a_transaction_is_refused_by_sqlite(tmp_path: Path) -> None:
    conn = _conn(tmp_path)
    conn.execute("BEGIN")
    with pytest.raises(Exception, match="within a transaction"), Transaction(conn):
        pass
