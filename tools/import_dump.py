"""Digest of every table an HQ import writes, to show that a change to the importer stores the same bytes.

    .venv/bin/python tools/import_dump.py CODE_ROOT BENCH_CACHE OUT_JSON

Imports the bundles of a ``bench/hq_import.py`` cache (``bench/out/cache/hq_import-N-L``) into a copy of its empty HQ
vault with the code under ``CODE_ROOT`` (this tree, or an exported older commit), then writes the SHA-256 of each
table's rows (row ids included) in sorted order, the row counts, and the record ids that a set of searches return.
Columns that hold the import's own clock (``bundles.imported_at``, ``attachments.added_at``, the audit log) and FTS5's
internal segment tables (their layout depends on when FTS5 flushed, not on what is indexed) are left out; the
searches stand for the FTS5 index. Two runs compare equal when ``diff`` of the two JSON files is empty.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

SKIP_TABLES = {"audit_log", "sqlite_sequence"}
CLOCK_COLUMNS = {"bundles": {"imported_at"}, "attachments": {"added_at"}}
QUERIES = ("김", "철영", "보위부", "구류장에", "함경북도 온성군", "2003", "증언 1", "회령", "잡혀 보위부", "xyz")


def main() -> None:
    code, cache, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), Path(sys.argv[3])
    sys.path.insert(0, str(code))
    os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")
    os.umask(0o077)
    from intake_app import wiring  # noqa: PLC0415
    from intake_app.bundles.importer import Importer  # noqa: PLC0415
    from intake_app.search.index import SearchIndex  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    wiring.install()
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="import-dump-", dir=cache.parent) as tmp:
        shutil.copytree(cache / "hq", Path(tmp) / "hq")
        hq = Vault.open(Path(tmp) / "hq", "bench passphrase")
        importer = Importer(hq)
        bundles = sorted(p for d in sorted((cache / "bundles").iterdir()) for p in d.iterdir() if p.is_file())
        result["outcomes"] = [(o.status, o.reason) for o in (importer.import_file(b) for b in bundles)]
        conn = hq.conn
        fts = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE"
                                                " 'CREATE VIRTUAL TABLE%'")}
        shadows = {f"{t}_{s}" for t in fts for s in ("data", "idx", "docsize", "config", "content")}
        tables = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if table in SKIP_TABLES or table in fts or table in shadows:
                continue
            columns = [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in columns if c not in CLOCK_COLUMNS.get(table, set())]
            if "WITHOUT ROWID" not in str(conn.execute("SELECT sql FROM sqlite_master WHERE name = ?",
                                                       (table,)).fetchone()[0]).upper():
                keep.insert(0, "rowid")  # row ids are stored too: they must come out the same
            # Names from the schema itself, never input.
            sql = f"SELECT {', '.join(keep)} FROM {table} ORDER BY {', '.join(keep)}"  # noqa: S608
            rows = conn.execute(sql).fetchall()
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
            result[table] = [len(rows), digest.hexdigest()]
        index = SearchIndex(conn)
        result["searches"] = {q: sorted(index.matching_ids(q)) for q in QUERIES}
        result["search_counts"] = {q: len(v) for q, v in result["searches"].items()}  # type: ignore[attr-defined]
        hq.lock()
    Path(out).write_text(json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
