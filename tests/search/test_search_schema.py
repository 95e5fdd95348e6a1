"""The search tables created by the frozen schema migration are the ones the search module expects."""

from __future__ import annotations

from intake_app.search.index import SEARCH_SCHEMA
from intake_app.vault.migrations.m0002_records import SEARCH_TABLES


def test_migration_creates_what_search_expects() -> None:
    # If this fails, intake_app.search.index changed its tables: add a migration that moves existing vaults to them.
    assert tuple(" ".join(s.split()) for s in SEARCH_TABLES) == tuple(" ".join(s.split()) for s in SEARCH_SCHEMA)
