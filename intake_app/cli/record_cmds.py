"""``intake testimony …``, ``intake search``, ``intake attach``, ``intake attachment …``, ``intake audit verify``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from intake_app.cli.context import Context
from intake_app.display import json_text
from intake_app.errors import RefusedError, UsageError
from intake_app.records import interchange
from intake_app.records.attachments import AttachmentStore
from intake_app.records.interchange_schema import MAX_DOCUMENT_BYTES
from intake_app.records.store import RecordStore
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Connection

SubParsers = argparse._SubParsersAction  # argparse exposes no public name for it


def register(sub: SubParsers[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    t = sub.add_parser("testimony", help="add, show, list, history, delete testimonies", parents=[common])
    tsub = t.add_subparsers(dest="testimony_command", required=True, metavar="COMMAND")
    p = tsub.add_parser("add", help="add a testimony from an interchange JSON file (- for stdin)", parents=[common])
    p.add_argument("file")
    p.set_defaults(func=cmd_add)
    p = tsub.add_parser("show", help="the current revision in interchange form", parents=[common])
    p.add_argument("id")
    p.set_defaults(func=cmd_show)
    p = tsub.add_parser("list", help="id, interview date, victims, categories", parents=[common])
    p.add_argument("--category", type=int, choices=range(1, 11), metavar="1-10")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="interviews that may have taken place on or after")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="interviews that may have taken place on or before")
    p.add_argument("--status", help="a victim's whereabouts status (e.g. missing)")
    p.add_argument("--deleted", action="store_true", help="include deleted testimonies")
    p.set_defaults(func=cmd_list)
    p = tsub.add_parser("history", help="every revision of a testimony", parents=[common])
    p.add_argument("id")
    p.set_defaults(func=cmd_history)
    p = tsub.add_parser("delete", help="delete (a tombstone revision; history is kept)", parents=[common])
    p.add_argument("id")
    p.set_defaults(func=cmd_delete)

    p = tsub.add_parser("purge", help="field: remove beyond recovery what HQ acknowledged receiving",
                        parents=[common])
    p.add_argument("--acknowledged", action="store_true", required=True,
                   help="every testimony whose revisions are all in bundles HQ acknowledged, not edited since")
    p.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    p.add_argument("--recovery-key-file",
                   help="the recovery key, once, for a vault that does not yet know it (the purge ends by replacing the"
                        " data key under the same passphrase and recovery key)")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("search", help="ranked full-text search (Korean and English)", parents=[common])
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("attach", help="store a file with a testimony; prints its sha256", parents=[common])
    p.add_argument("id")
    p.add_argument("file")
    p.set_defaults(func=cmd_attach)

    a = sub.add_parser("attachment", help="list or extract attachments", parents=[common])
    asub = a.add_subparsers(dest="attachment_command", required=True, metavar="COMMAND")
    p = asub.add_parser("list", help="attachments of a testimony", parents=[common])
    p.add_argument("id")
    p.set_defaults(func=cmd_attachment_list)
    p = asub.add_parser("extract", help="write a PLAINTEXT copy of an attachment", parents=[common])
    p.add_argument("sha256")
    p.add_argument("--to", required=True, metavar="PATH")
    p.add_argument("--overwrite", action="store_true")
    p.set_defaults(func=cmd_attachment_extract)

    au = sub.add_parser("audit", help="the device's audit log", parents=[common])
    ausub = au.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    p = ausub.add_parser("verify", help="recompute the log's Merkle tree and check it only grew", parents=[common])
    p.set_defaults(func=cmd_audit_verify)


def _read_input(name: str) -> bytes:
    limit = MAX_DOCUMENT_BYTES
    try:
        if name == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(name).open("rb") as fh:
                data = fh.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None
    if len(data) > limit:
        raise UsageError(f"{name}: larger than the {limit // (1 << 20)} MiB an interchange file may be")
    return data


def cmd_add(ctx: Context) -> int:
    data = _read_input(ctx.opt("file"))
    try:
        testimony: interchange.Testimony | None = interchange.parse_testimony(data)  # a bad file costs no unlock
    except interchange.InterchangeError as exc:
        if "unknown code" not in str(exc):
            raise
        testimony = None  # perhaps a code HQ added in an update (issue 17): the vault's vocabulary decides
    with ctx.open_vault() as vault:
        if testimony is None:
            testimony = interchange.parse_testimony(data)
        result = RecordStore(vault).save(testimony)
    doc = dataclasses.asdict(result) | {"id": result.record_id}
    if result.changed:
        text = result.record_id
    else:
        text = f"{result.record_id}\n(unchanged: identical to the current revision, nothing was added)"
    ctx.emit(doc, text)
    return 0


def cmd_show(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        doc = RecordStore(vault).show(ctx.opt("id"))
    ctx.out.write(json_text(doc) + "\n")
    return 0


def cmd_list(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        rows = RecordStore(vault).summaries(category=ctx.opt("category"), since=ctx.opt("since"),
                                            until=ctx.opt("until"), status=ctx.opt("status"),
                                            include_deleted=ctx.opt("deleted"))
    lines = []
    for r in rows:
        names = ", ".join(n or "(unnamed)" for n in r.get("victims", [])) or "-"
        cats = ",".join(str(c) for c in r.get("categories", [])) or "-"
        flags = (" [deleted]" if r["deleted"] else "") + (" [conflict]" if r["conflicted"] else "")
        lines.append(f"{r['id']}  {r.get('interview_date', '-'):<10}  {cats:<8}  {names}{flags}")
    ctx.emit({"testimonies": rows, "count": len(rows)}, "\n".join(lines) if lines else "no testimonies")
    return 0


def cmd_history(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        entries = RecordStore(vault).history(ctx.opt("id"))
    lines = [
        f"{e.created_at}  {e.revision[:16]}  device {e.device}  "
        f"{'deleted' if e.tombstone else 'content ' + e.content_hash[:12]}"
        f"{'  (head)' if e.is_head else ''}{'  (current)' if e.is_current else ''}"
        for e in entries
    ]
    ctx.emit({"revisions": [dataclasses.asdict(e) for e in entries]}, "\n".join(lines))
    return 0


def cmd_delete(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        result = RecordStore(vault).delete(ctx.opt("id"))
    ctx.emit(dataclasses.asdict(result), f"deleted {result.record_id} (revision {result.revision})")
    return 0


def cmd_purge(ctx: Context) -> int:
    from intake_app.records.purge import purge_acknowledged  # noqa: PLC0415 - only this command needs it

    with ctx.open_vault() as vault:
        if ctx.opt("recovery_key_file"):
            vault.learn_recovery_key(ctx.recovery_key())
        result = purge_acknowledged(vault, dry_run=ctx.opt("dry_run"))
    doc = {"dry_run": result.dry_run, "testimonies": result.count, "revisions": result.revisions,
           "attachments": result.attachments, "acknowledged_bundles": list(result.acknowledged_bundles),
           "records": list(result.records)}
    verb = "would remove" if result.dry_run else "removed"
    acked = ", ".join(map(str, result.acknowledged_bundles)) or "none"
    ctx.emit(doc, f"{verb} {result.count} testimonies ({result.revisions} revisions, {result.attachments} "
                  f"attachments) that HQ acknowledged; bundles acknowledged: {acked}")
    return 0


def cmd_search(ctx: Context) -> int:
    if ctx.opt("limit") < 1:
        raise UsageError("--limit must be at least 1")
    with ctx.open_vault() as vault:
        store = RecordStore(vault)
        results = store.search(ctx.opt("query"), limit=ctx.opt("limit"))
        total = store.search_count(ctx.opt("query"))
    lines = []
    for r in results:
        snippet = r.snippet
        for start, end in reversed(r.highlights):
            snippet = snippet[:start] + "[" + snippet[start:end] + "]" + snippet[end:]
        lines.append(f"{r.record_id}  {r.summary.get('interview_date', '')}  {r.field}\n    {snippet}")
    doc = {"total": total, "results": [dataclasses.asdict(r) for r in results]}
    noun = "testimony" if total == 1 else "testimonies"
    ctx.emit(doc, "\n".join(lines) + f"\n{total} matching {noun}" if lines else "no matches")
    return 0


def cmd_attach(ctx: Context) -> int:
    path = Path(ctx.opt("file"))
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    with ctx.open_vault() as vault:
        info = AttachmentStore(vault).attach_file(ctx.opt("id"), path)
    ctx.emit(dataclasses.asdict(info), info.sha256)
    return 0


def cmd_attachment_list(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        items = AttachmentStore(vault).list_for(ctx.opt("id"))
    lines = [f"{a.sha256}  {a.size:>12}  {a.media_type:<24}  {a.original_name}" for a in items]
    ctx.emit({"attachments": [dataclasses.asdict(a) for a in items]}, "\n".join(lines) or "no attachments")
    return 0


def cmd_attachment_extract(ctx: Context) -> int:
    dst = Path(ctx.opt("to"))
    with ctx.open_vault() as vault:
        AttachmentStore(vault).extract(ctx.opt("sha256"), dst, overwrite=ctx.opt("overwrite"))
    ctx.warn(f"{dst} is a PLAINTEXT copy outside the encrypted vault; delete it securely when done")
    ctx.emit({"extracted": str(dst), "sha256": ctx.opt("sha256")}, f"extracted to {dst}")
    return 0


def cmd_audit_verify(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        log = AuditLog(vault.conn, vault.signing_key().public_key.key_id_hex)
        report = log.verify(_exported_checkpoints(vault.conn))
        problems = [*report.problems, *_listing_problems(vault.conn, log)]
    ok = not problems
    doc = {"ok": ok, "size": report.size, "root": report.root.hex(), "problems": problems}
    if not ok:
        ctx.emit(doc, "audit log INVALID:\n  " + "\n  ".join(problems))
        raise RefusedError("the audit log failed verification")
    ctx.emit(doc, f"audit log ok: {report.size} entries, root {report.root.hex()}")
    return 0


def _listing_problems(conn: Connection, log: AuditLog) -> list[str]:
    """Each archive export whose listing (intake_app/exports/listing.py) no longer matches what its entry records."""
    from intake_app.exports import listing  # noqa: PLC0415 - the export modules load for the commands that need them

    problems = []
    for seq, raw in log.entries():
        if b'"listing"' not in raw:
            continue
        try:
            entry = json.loads(raw)
            detail = entry.get("detail")
        except (ValueError, AttributeError):
            continue  # verify names an entry that is not JSON
        if entry.get("action") == "export" and isinstance(detail, dict) and "listing" in detail:
            problem = listing.check(conn, str(entry.get("subject")), detail["listing"])
            if problem is not None:
                problems.append(f"entry {seq} (export {entry.get('subject')}): {problem}")
    return problems


def _exported_checkpoints(conn: object) -> list[tuple[int, bytes]]:
    """(size, root) of every checkpoint this device signed into a bundle, when the bundles schema is present."""
    c = conn  # sqlcipher3 connection
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}  # type: ignore[attr-defined]
    if "exports" not in tables:
        return []
    rows = c.execute("SELECT log_size, log_root FROM exports ORDER BY seq")  # type: ignore[attr-defined]
    return [(int(s), bytes(r)) for s, r in rows]
