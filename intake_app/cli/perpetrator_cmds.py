"""``intake perpetrators candidates|link|unlink|distinct|list|show``: the perpetrator registry at HQ."""

from __future__ import annotations

import argparse
from typing import Any

from intake_app.cli.context import Context
from intake_app.errors import RefusedError
from intake_app.perpetrators.candidates import candidates
from intake_app.perpetrators.profile import build_profile
from intake_app.perpetrators.registry import KINDS, Registry
from intake_app.vault.vault import Vault

SubParsers = argparse._SubParsersAction  # argparse exposes no public name for it


def register(sub: SubParsers[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    g = sub.add_parser("perpetrators", help="perpetrator registry: persons, units, facilities and their profiles",
                       parents=[common])
    gsub = g.add_subparsers(dest="perpetrators_command", required=True, metavar="COMMAND")
    p = gsub.add_parser("candidates", help="pairs of entries that may be the same person, best first",
                        parents=[common])
    p.add_argument("--min-score", type=float, default=0.3, metavar="S")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.set_defaults(func=cmd_candidates)
    p = gsub.add_parser("link", help="group entries into one perpetrator; prints its id", parents=[common])
    p.add_argument("entries", nargs="+", metavar="ENTRY", help="TID/VID/AID/PID (or TID/VID/AID for a facility)")
    p.add_argument("--perpetrator", metavar="ID", help="an existing P-… person, or a unit:… / facility:… id")
    p.add_argument("--reason", metavar="TEXT")
    p.set_defaults(func=cmd_link)
    p = gsub.add_parser("unlink", help="take an entry out of the perpetrator it was linked to", parents=[common])
    p.add_argument("entry", metavar="ENTRY")
    p.add_argument("--kind", choices=KINDS, default="person")
    p.add_argument("--reason", metavar="TEXT")
    p.set_defaults(func=cmd_unlink)
    p = gsub.add_parser("distinct", help="'not the same person': the pair is not proposed again", parents=[common])
    p.add_argument("a", metavar="ENTRY")
    p.add_argument("b", metavar="ENTRY")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(func=cmd_distinct)
    p = gsub.add_parser("list", help="perpetrators with their numbers of entries, acts and testimonies",
                        parents=[common])
    p.add_argument("--kind", choices=KINDS)
    p.set_defaults(func=cmd_list)
    p = gsub.add_parser("show", help="a perpetrator's profile: claims, postings, acts, counts, timeline",
                        parents=[common])
    p.add_argument("perpetrator", metavar="ID")
    p.set_defaults(func=cmd_show)


def _registry(ctx: Context) -> Registry:
    vault = ctx.open_vault()
    if vault.role != "hq":
        vault.lock()
        raise RefusedError("the perpetrator registry is kept at HQ (this is a field vault)")
    return Registry(vault)


def cmd_candidates(ctx: Context) -> int:
    registry = _registry(ctx)
    with registry.vault:
        found = candidates(registry, ctx.args.min_score, ctx.args.limit)
    lines = [f"{c['score']:.2f}  {c['a']['entry']}  ~  {c['b']['entry']}\n      "
             + "; ".join(r["en"] for r in c["reasons"]) for c in found] or ["no candidates"]
    ctx.emit({"candidates": found}, "\n".join(lines))
    return 0


def cmd_link(ctx: Context) -> int:
    registry = _registry(ctx)
    with registry.vault:
        perpetrator = registry.link(ctx.args.entries, ctx.args.perpetrator, ctx.args.reason)
    ctx.emit({"perpetrator": perpetrator, "entries": ctx.args.entries}, perpetrator)
    return 0


def cmd_unlink(ctx: Context) -> int:
    registry = _registry(ctx)
    with registry.vault:
        was = registry.unlink(ctx.args.entry, ctx.args.kind, ctx.args.reason)
    ctx.emit({"entry": ctx.args.entry, "unlinked_from": was}, f"{ctx.args.entry} unlinked from {was}")
    return 0


def cmd_distinct(ctx: Context) -> int:
    registry = _registry(ctx)
    with registry.vault:
        registry.distinct(ctx.args.a, ctx.args.b, ctx.args.reason)
    ctx.emit({"distinct": sorted([ctx.args.a, ctx.args.b])}, "recorded as different people")
    return 0


def cmd_list(ctx: Context) -> int:
    registry = _registry(ctx)
    with registry.vault:
        found = registry.listing(ctx.args.kind)
    lines = [f"{p['kind']:<9} {p['acts']:>5} acts {p['testimonies']:>4} testimonies  {p['label']['en']}"
             f"  [{p['perpetrator']}]" for p in found] or ["no perpetrators"]
    ctx.emit({"perpetrators": found}, "\n".join(lines))
    return 0


def cmd_show(ctx: Context) -> int:
    registry = _registry(ctx)
    with registry.vault:
        profile = build_profile(registry.vault, ctx.args.perpetrator)
        doc = profile.to_json()
        doc["reference"] = _reference(registry.vault, profile)  # issue 31: outside archives, marked by source
    lines = [f"{profile.label['en']}  [{profile.perpetrator}]",
             "counts: " + ", ".join(f"{k} {v}" for k, v in profile.counts.items())]
    lines += [f"  claim {c.field}: {c.value}  ({len(c.mentions)} entries; {', '.join(c.sources)}; {c.confidence})"
              for c in profile.claims]
    lines += [f"  disagreement on {d['field']}: " + " | ".join(c["value"] for c in d["claims"])
              for d in profile.disagreements]
    lines += [f"  {a.date or '?':<12} {a.stage:<20} victim {a.victim_person}  testimony {a.testimony}"
              f"  source {a.source or '?'}  id {a.identification}  consent {a.consent}" for a in profile.acts]
    lines += [f"  reference ({r['source']}): {r['title'] or r['record']}" for r in doc["reference"]]
    ctx.emit(doc, "\n".join(lines))
    return 0


def _reference(vault: Vault, profile: Any) -> list[dict[str, Any]]:
    from intake_app.archive.perpetrators import reference_for  # noqa: PLC0415

    return reference_for(vault.conn, profile)
