"""An archive export's mentions are in its listing beside the audit entry (intake_app/exports/listing.py): the entry
records counts, size and SHA-256, stays small whatever the archive, and `intake export log` / `intake audit verify`
read and check the listing; entries written before (mentions listed in the entry) read as they are."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from intake_app.exports import batched, consent, listing, log, pipeline, sources
from intake_app.exports.base import ExportRequest
from intake_app.vault.audit import AuditLog
from intake_app.vault.vault import Vault, utc_now
from tests.exports.conftest import PASSPHRASE, TID_A, TID_B, Hq, make_testimony
from tests.exports.test_uwazi_stream import build_world

GRANT = {"value": "granted", "anonymity": "initials"}


def _export(vault: Vault, out: Path) -> pipeline.ExportResult:
    return pipeline.run_export(vault, ExportRequest(
        format="uwazi", purpose="publication", mentions=tuple(sources.all_mentions(vault)), out_dir=out,
        person_of=batched.linked_persons(vault), accept_conditions=True, options={"batch_mentions": 3}))


def _raw_entries(vault: Vault) -> list[dict[str, Any]]:
    return [json.loads(e) for _, e in AuditLog(vault.conn, "").entries()]


def _documented_listing(summary: dict[str, Any], excluded: list[dict[str, str]]) -> bytes:
    """The listing as docs/exports.md states it, written independently of listing.py."""
    lines = [json.dumps(["released", m["mention"], m["anonymity"]], ensure_ascii=False, separators=(",", ":"))
             for m in sorted(summary["included"], key=lambda m: m["mention"])]
    lines += [json.dumps(["excluded", e["mention"], e["reason"]], ensure_ascii=False, separators=(",", ":"))
              for e in sorted(excluded, key=lambda e: e["mention"])]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def test_the_entry_records_the_listing_by_size_and_digest(tmp_path: Path) -> None:
    build_world(tmp_path / "hq", n=12)
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        mentions = sources.all_mentions(vault)
        person_of = batched.linked_persons(vault)
        expected = consent.decide(vault, "publication", mentions, person_of=person_of, accept_conditions=True)
        result = _export(vault, tmp_path / "out")
        raw = vault.conn.execute("SELECT entry FROM audit_log WHERE action = 'export'").fetchone()[0]
        [entry] = [e for e in _raw_entries(vault) if e["action"] == "export"]
        stored = b"".join(listing.chunks(vault.conn, result.export_id))
        listed = log.entries(vault)
    detail = entry["detail"]
    assert not {"mentions", "excluded", "anonymity_by_mention"} & set(detail)
    assert all(m.split("/")[0].encode() not in bytes(raw) for m in mentions)  # no mention id in the entry itself
    summary = expected.summary()
    excluded = [{"mention": e.mention, "reason": e.reason} for e in expected.excluded]
    assert stored == _documented_listing(summary, excluded)
    assert detail["listing"] == {"released": len(summary["included"]), "excluded": len(excluded),
                                 "size": len(stored), "sha256": hashlib.sha256(stored).hexdigest()}
    assert detail["listing"]["released"] > 0 and detail["listing"]["excluded"] > 0
    # intake export log gives the same keys and values as an entry that listed them itself
    [item] = listed
    assert item["mentions"] == [m["mention"] for m in summary["included"]]
    assert item["excluded"] == sorted(excluded, key=lambda e: e["mention"])
    assert item["anonymity_by_mention"] == {m["mention"]: m["anonymity"] for m in summary["included"]}


def test_a_listing_larger_than_a_chunk_is_stored_in_numbered_chunks(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    build_world(tmp_path / "hq", n=12)
    monkeypatch.setattr(listing, "CHUNK", 100)
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        result = _export(vault, tmp_path / "out")
        sizes = [len(bytes(r[0])) for r in vault.conn.execute(
            "SELECT data FROM export_listings WHERE export = ? ORDER BY chunk", (result.export_id,))]
        [item] = log.entries(vault)
    assert len(sizes) > 3 and set(sizes[:-1]) == {100} and 0 < sizes[-1] <= 100
    assert len(item["mentions"]) == item["listing"]["released"]


def test_the_entry_does_not_grow_with_the_archive(tmp_path: Path) -> None:
    sizes = []
    for n in (9, 45):
        build_world(tmp_path / f"hq{n}", n=n)
        with Vault.open(tmp_path / f"hq{n}", PASSPHRASE) as vault:
            _export(vault, tmp_path / f"out{n}")
            sizes.append(len(bytes(vault.conn.execute(
                "SELECT entry FROM audit_log WHERE action = 'export'").fetchone()[0])))
    assert abs(sizes[1] - sizes[0]) <= 8  # only the counts' digits differ


def test_a_listing_cannot_be_changed_or_removed(tmp_path: Path) -> None:
    build_world(tmp_path / "hq")
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        _export(vault, tmp_path / "out")
        for sql in ("UPDATE export_listings SET data = x'00'", "DELETE FROM export_listings"):
            with pytest.raises(Exception, match="append-only"):
                vault.conn.execute(sql)


def _tamper(hq: Path, sql: str) -> None:
    with Vault.open(hq, PASSPHRASE) as vault:
        vault.conn.execute("DROP TRIGGER export_listings_no_update")  # what someone with the data key could do
        vault.conn.execute("DROP TRIGGER export_listings_no_delete")
        vault.conn.execute(sql)


@pytest.mark.parametrize("sql", [
    "UPDATE export_listings SET data = CAST(replace(CAST(data AS TEXT), '\"initials\"', '\"full_name\"') AS BLOB)",
    "DELETE FROM export_listings WHERE chunk = 0",
])
def test_audit_verify_and_export_log_refuse_a_listing_changed_behind_the_entry(hq: Hq, sql: str) -> None:
    hq.add(make_testimony(TID_A, {"publication": GRANT}))
    hq.add(make_testimony(TID_B, {"publication": "refused"}))
    hq.json("export", "uwazi", "--out", str(hq.path.parent / "u"), "--purpose", "publication")
    assert hq.json("audit", "verify")["ok"] is True
    _tamper(hq.path, sql)
    run = hq.run("--json", "audit", "verify")
    assert run.returncode == 1
    doc = json.loads(run.stdout)
    assert doc["ok"] is False and any("listing" in p for p in doc["problems"])
    assert TID_A not in run.stdout + run.stderr  # the problem names the export, never a mention
    run = hq.run("export", "log")
    assert run.returncode != 0 and "listing" in run.stderr


def test_an_entry_written_before_listings_reads_as_it_is(tmp_path: Path) -> None:
    build_world(tmp_path / "hq")
    old = {"format": "uwazi", "purpose": "publication", "also_required": [], "subject": "archive",
           "mentions": [f"{TID_A}/v1"], "excluded": [{"mention": f"{TID_B}/v1", "reason": "refused"}],
           "anonymity": "initials", "anonymity_by_mention": {f"{TID_A}/v1": "initials"},
           "conditions_acknowledged": False, "source_identity": False, "incomplete": [], "files": [], "who": None}
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        AuditLog(vault.conn, vault.signing_key().public_key.key_id_hex).append("export", utc_now(), "E-old", old)
        [item] = log.entries(vault)
    assert {k: item[k] for k in old} == old and "listing" not in item


@pytest.mark.parametrize("line", [b'{"released": "m", "a": "b"}', b"7", b'["released", "T/v1", 1]',
                                  b'["released", "T/v1"]', b"not json"])
def test_a_listing_line_that_is_not_three_strings_is_refused_clearly(tmp_path: Path, line: bytes) -> None:
    """The listing is hashed, so only a vault that wrote it wrong could hold such a line; it is still refused with a
    ListingError (exit 1), never a crash or a wrong reading."""
    data = line + b"\n"
    record = {"released": 1, "excluded": 0, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    with Vault.create(tmp_path / "hq", PASSPHRASE, "hq")[0] as vault:
        with vault.conn:
            vault.conn.execute("INSERT INTO export_listings (export, chunk, data) VALUES ('x', 0, ?)", (data,))
        assert listing.check(vault.conn, "x", record) is None
        with pytest.raises(listing.ListingError, match="not a JSON array of 3 strings"):
            listing.expand(vault.conn, "x", record)
