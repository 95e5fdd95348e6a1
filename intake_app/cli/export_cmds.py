"""``intake export …``: WGEID cases, Uwazi ZIPs, sanctions dossiers (consent enforced in the core), the export log,
and the submitting organisation."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from intake_app.cli.context import Context
from intake_app.errors import UsageError
from intake_app.exports.wgeid_text import LANGUAGES
from intake_app.vault.vault import Vault

if TYPE_CHECKING:
    from intake_app.exports.base import ExportRequest
    from intake_app.exports.batched import Decided
    from intake_app.exports.consent import Release

# The export modules (and reportlab under them) are imported by the export commands only, so that every other
# `intake` command starts as fast as before.


def _common_export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into (created if missing)")
    p.add_argument("--accept-conditions", action="store_true",
                   help="acknowledge the conditions recorded with 'conditional' consent (they are shown)")
    p.add_argument("--encrypt-to", metavar="RECIPIENT",
                   help="write age files only: an age1… recipient, or a file of recipients / an HQ public key file")
    p.add_argument("--by", metavar="CODE", help="who exports (a coordinator code), recorded in the audit log")
    p.add_argument("--dry-run", action="store_true", help="show what would leave and why; write nothing")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    ex = sub.add_parser("export", help="external exports (WGEID, Uwazi, sanctions dossier), within consent",
                        parents=[common])
    es = ex.add_subparsers(dest="export_command", required=True, metavar="COMMAND")

    p = es.add_parser("wgeid", help="a UN WGEID case for one person: PDF and JSON", parents=[common])
    p.add_argument("person", metavar="PERSON", help="person id of the registry (or a mention TID/VID)")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the case (default en)")
    p.add_argument("--allow-incomplete", action="store_true", help="write even when minimum elements are missing")
    _common_export_options(p)
    p.set_defaults(func=cmd_wgeid)

    p = es.add_parser("uwazi", help="ZIPs for Uwazi's CSV import (victims, perpetrators, cases, thesauri)",
                      parents=[common])
    p.add_argument("--purpose", required=True, choices=("publication", "reports"))
    _common_export_options(p)
    p.set_defaults(func=cmd_uwazi)

    p = es.add_parser("dossier", help="a sanctions evidence dossier for one perpetrator: PDF and JSON",
                      parents=[common])
    p.add_argument("perpetrator", metavar="PERPETRATOR", help="perpetrator id of the registry")
    p.add_argument("--purpose", required=True, choices=("government_partners",))
    _common_export_options(p)
    p.set_defaults(func=cmd_dossier)

    p = es.add_parser("log", help="every external export recorded in the audit log", parents=[common])
    p.set_defaults(func=cmd_log)

    p = es.add_parser("org", help="show or set the submitting organisation (WGEID element f)", parents=[common])
    p.add_argument("--name", help="organisation name")
    p.add_argument("--contact", help="contact for follow-up (a role or address, not a person's private details)")
    p.add_argument("--confidential", choices=("yes", "no"), help="ask the WG to keep the source confidential")
    p.set_defaults(func=cmd_org)


def _request(ctx: Context, vault: Vault, fmt: str, subject: str, purpose: str) -> ExportRequest:
    from intake_app.exports.requests import build_request  # noqa: PLC0415 - see the note on imports above

    return build_request(vault, fmt, subject, purpose, Path(ctx.opt("out")), lang=ctx.opt("lang", "en") or "en",
                         accept_conditions=bool(ctx.opt("accept_conditions")),
                         allow_incomplete=bool(ctx.opt("allow_incomplete", False)), encrypt_to=ctx.opt("encrypt_to"),
                         who=ctx.opt("by"))


def _release_text(release: Release | Decided) -> str:
    from intake_app.exports.consent import REASONS  # noqa: PLC0415

    lines = [f"Purpose: {' + '.join(release.purposes)}",
             f"Included: {len(release.included)} mention(s); excluded by consent: {len(release.excluded)}",
             f"Anonymity applied: {release.anonymity}"]
    for e in release.excluded:
        lines.append(f"  excluded {e.mention}: {REASONS[e.reason]['en']} ({e.purpose})")
    for c in release.conditions:
        state = "acknowledged" if c.acknowledged else "NOT acknowledged (--accept-conditions)"
        lines.append(f"  conditions of {c.mention} ({c.purpose}), {state}: {c.text or '(none written)'}")
    return "\n".join(lines)


def _run(ctx: Context, vault: Vault, request: ExportRequest) -> int:
    from intake_app.exports import pipeline  # noqa: PLC0415

    if ctx.opt("dry_run"):
        release = pipeline.preview_summary(vault, request)
        ctx.emit({"dry_run": True, **release.summary()}, _release_text(release) + "\n(dry run: nothing written)")
        return 0 if release.included else 1
    result = pipeline.run_export(vault, request)
    files = "\n".join(f"  {f.path}  sha256 {f.sha256}" + ("  (age)" if f.recipients else "") for f in result.files)
    missing = "".join(f"\nINCOMPLETE: lacks {m}" for m in result.rendered.missing)
    ctx.emit(result.to_json(), f"Export {result.export_id} ({request.format})\n{_release_text(result.release)}\n"
             f"Files:\n{files}{missing}")
    return 0


def cmd_wgeid(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        return _run(ctx, vault, _request(ctx, vault, "wgeid", ctx.opt("person"), "wgeid"))


def cmd_uwazi(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        return _run(ctx, vault, _request(ctx, vault, "uwazi", "archive", ctx.opt("purpose")))


def cmd_dossier(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        return _run(ctx, vault, _request(ctx, vault, "dossier", ctx.opt("perpetrator"), ctx.opt("purpose")))


def cmd_log(ctx: Context) -> int:
    from intake_app.exports import log  # noqa: PLC0415

    with ctx.open_vault() as vault:
        items = log.entries(vault)
    lines = [f"{e['at']}  {e['export']}  {e['format']:7} {e['purpose']:20} {len(e['mentions'])} mention(s), "
             f"{len(e['excluded'])} excluded, anonymity {e['anonymity']}, "
             + ", ".join(f["name"] + " " + f["sha256"][:16] for f in e["files"])
             + (f", by {e['who']}" if e.get("who") else "")
             for e in items]
    ctx.emit({"exports": items}, "\n".join(lines) or "No external export recorded.")
    return 0


def cmd_org(ctx: Context) -> int:
    from intake_app.exports import settings  # noqa: PLC0415

    with ctx.open_vault() as vault:
        if ctx.opt("name") is None and ctx.opt("contact") is None and ctx.opt("confidential") is None:
            org = settings.load(vault)
        else:
            if vault.role != "hq":
                raise UsageError("the submitting organisation is an HQ setting")
            conf = ctx.opt("confidential")
            org = settings.save(vault, name=ctx.opt("name"), contact=ctx.opt("contact"),
                                confidential=None if conf is None else conf == "yes")
    ctx.emit({"organisation": org.to_json()},
             f"Organisation: {org.name or '(not set)'}\nContact: {org.contact or '(not set)'}\n"
             f"Confidentiality requested: {'yes' if org.confidential else 'no'}")
    return 0
