"""Vocabulary additions from HQ: new codes only; an existing code never changes meaning.

The packaged vocabulary files stay as shipped; additions live in the vault (``vocabulary_additions``) and are merged on
top. Every addition is checked by the same validator as the packaged files, on the merged vocabulary, so a new entry
cannot reuse a label or alias of an existing one or name a parent that does not exist.
"""

from __future__ import annotations

import json
from typing import Any

from intake_app.bundles.format import canonical
from intake_app.records import vocabularies
from intake_app.resources import data_path
from intake_app.vault.database import Connection


def _packaged(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(data_path("vocabularies", f"{name}.json").read_bytes())
    return doc


def additions(conn: Connection, name: str) -> list[dict[str, Any]]:
    return [json.loads(e) for (e,) in conn.execute(
        "SELECT entry FROM vocabulary_additions WHERE vocabulary = ? ORDER BY added_at, code", (name,))]


def merged(conn: Connection, name: str, extra: list[dict[str, Any]] | None = None) -> vocabularies.Vocabulary:
    """The packaged vocabulary ``name`` with this vault's additions (and ``extra``), validated as one file."""
    doc = _packaged(name)
    doc["entries"] = [*doc["entries"], *additions(conn, name), *(extra or [])]
    return vocabularies.parse_vocabulary(name, canonical(doc))


def classify(conn: Connection, name: str, entry: dict[str, Any]) -> str:
    """"new" (may be added), "same" (already there, identical) or the reason it is not applied."""
    if name not in vocabularies.available():
        return "unknown vocabulary"
    code = str(entry["code"])
    packaged = _packaged_entry(name, code)  # the packaged file itself: load() also holds the installed additions
    if packaged is not None:
        return "same" if packaged == entry else "existing code (codes never change meaning)"
    row = conn.execute("SELECT entry FROM vocabulary_additions WHERE vocabulary = ? AND code = ?",
                       (name, code)).fetchone()
    if row is not None:
        return "same" if json.loads(row[0]) == entry else "existing code (codes never change meaning)"
    try:
        merged(conn, name, [entry])
    except vocabularies.VocabularyError:
        return "not a valid entry for this vocabulary (a label, alias or parent clashes)"
    return "new"


def _packaged_entry(name: str, code: str) -> dict[str, Any] | None:
    return next((e for e in _packaged(name)["entries"] if e.get("code") == code), None)
