"""The statistics benchmark's corpus: an HQ vault whose fact table holds N synthetic testimonies, kept between runs.

The vault is a real SQLCipher HQ vault (fast KDF profile) at ``CACHE/stats/hq-N-SEED``; the testimonies come from the
statistics tests' seeded generator (tests/stats/generator.py, never real testimony) and go into the fact table exactly
as the record store would put them (``facts.store_facts`` on each validated testimony, with a ``records`` row per
testimony so the sync finds nothing stale). A file ``complete`` beside the vault marks a finished fill; a vault
without it (an interrupted fill) is removed and filled again.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from bench._report import private_dir
from intake_app.records import interchange
from intake_app.records.ids import uuid7
from intake_app.stats import facts
from intake_app.vault.vault import Vault
from tests.stats import generator

PASSPHRASE = "bench passphrase"


def fill(vault: Vault, n: int, seed: int, keep: int = 0) -> tuple[list[bytes], float]:
    """N testimonies into the fact table; returns the JSON of the first ``keep`` and the fill time."""
    conn = vault.conn
    device = vault.signing_key().public_key.key_id_hex
    docs: list[bytes] = []
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for i, t in enumerate(generator.corpus(seed, n, duplicates=n // 100)):
        record_id, rev = uuid7(), f"{i:064x}"
        t.doc["id"] = record_id
        data = json.dumps(t.doc, ensure_ascii=False).encode()
        if i < keep:
            docs.append(data)
        testimony = interchange.parse_testimony(data)
        conn.execute("INSERT INTO records (id, kind, current_rev, deleted, conflicted, created_at, updated_at, summary)"
                     " VALUES (?, 'testimony', ?, 0, 0, 't', 't', ?)",
                     (record_id, rev, json.dumps({"first_device": device})))
        facts.store_facts(conn, record_id, rev, testimony, device)
        if i % 10000 == 9999:
            conn.execute("COMMIT")
            print(f"  {i + 1} testimonies in the fact table ({time.perf_counter() - started:.0f} s)", flush=True)
            conn.execute("BEGIN IMMEDIATE")
    conn.execute("COMMIT")
    return docs, time.perf_counter() - started


def cached_vault(cache: Path, n: int, seed: int, rebuild: bool = False) -> tuple[Vault, float | None]:
    """The vault of N testimonies, from the cache or filled now (then also the fill time in seconds)."""
    folder = private_dir(cache) / f"hq-{n}-{seed}"
    done = folder.with_name(folder.name + ".complete")
    if folder.exists() and (rebuild or not done.exists()):
        shutil.rmtree(folder)
        done.unlink(missing_ok=True)
    if done.exists():
        return Vault.open(folder, PASSPHRASE), None
    print(f"filling {folder} with {n} testimonies (kept for later runs) …", flush=True)
    vault = Vault.create(folder, PASSPHRASE, "hq")[0]
    _, seconds = fill(vault, n, seed)
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    done.write_text(f"{n} testimonies, seed {seed}, filled in {seconds:.0f} s\n", encoding="utf-8")
    return vault, seconds
