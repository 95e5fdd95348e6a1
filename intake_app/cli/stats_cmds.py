"""``intake stats``: counts by dimension for victims, persons or testimonies, with shares and their denominator."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intake_app.cli.context import Context
from intake_app.errors import UsageError
from intake_app.persons.links import person_links
from intake_app.stats import dimensions, query
from intake_app.vault.vault import Vault

SubParsers = argparse._SubParsersAction  # argparse exposes no public name for it


def register(sub: SubParsers[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("stats", help="counts by category, organ, year, country … (victims, persons or testimonies)",
                       parents=[common],
                       epilog="dimensions: " + ", ".join(dimensions.DIMENSIONS))
    p.add_argument("--by", default="category", metavar="DIM[,DIM2]", help="one or two dimensions (default: category)")
    p.add_argument("--unit", default="victim", choices=query.UNITS, help="what is counted (default: victim)")
    p.add_argument("--where", action="extend", nargs="+", default=[], metavar="DIM=VALUE",
                   help="keep units with a mention having this value (repeat a dimension for either value)")
    p.add_argument("--csv", metavar="FILE",
                   help="also write the table for release as CSV to FILE (needs --purpose; an export: consent, "
                        "small-cell suppression, audit entry)")
    p.add_argument("--purpose", metavar="PURPOSE",
                   help="the consent purpose the CSV is for: only mentions released for it are counted")
    p.add_argument("--min-cell", type=int, default=None, metavar="N",
                   help="in the CSV, counts below N are suppressed (default 3)")
    p.add_argument("--include-reference", action="store_true",
                   help="also count the reference persons of imported archives, in their own labelled table")
    p.set_defaults(func=cmd_stats)


def cmd_stats(ctx: Context) -> int:
    by = [d.strip() for d in ctx.args.by.split(",") if d.strip()]
    try:
        where = query.parse_where(ctx.args.where)
    except query.StatsError as exc:
        raise UsageError(str(exc)) from None
    csv_path = Path(ctx.args.csv) if ctx.args.csv else None
    purpose, min_cell = ctx.args.purpose, ctx.args.min_cell
    if csv_path is None and (purpose is not None or min_cell is not None):
        raise UsageError("--purpose and --min-cell apply to --csv (the file for release)")
    if csv_path is not None:
        if purpose is None:
            raise UsageError("--csv needs --purpose: a file that leaves counts only mentions released for a purpose")
        if not csv_path.parent.is_dir():
            raise UsageError(f"no directory {csv_path.parent} for the CSV file")
        if min_cell is not None and not 1 <= min_cell <= 1000:
            raise UsageError("--min-cell takes a number from 1 to 1000")
    with ctx.open_vault() as vault:
        persons = person_links(vault) if ctx.args.unit == "person" else None
        names = query.device_names(vault.conn)
        try:
            result = query.run(vault.conn, by, ctx.args.unit, where, persons, names)
            reference = _reference(vault, by, where) if ctx.opt("include_reference") else None
        except query.StatsError as exc:
            raise UsageError(str(exc)) from None
        exported = None
        if csv_path is not None:
            from intake_app.exports.stats_export import export_table  # noqa: PLC0415 - export modules load on demand

            exported = export_table(vault, csv_path, purpose, by=by, unit=ctx.args.unit, where=where,
                                    min_cell=min_cell)
    lines = ["INTERNAL figures (every mention, whatever consent; not for release)",
             f"{result.unit}s by {', '.join(result.by)}: total {result.total}"
             + (" (a unit may count in several rows)" if result.overlapping else "")]
    for row in result.rows:
        lines.append(f"  {row['label']['en']:<48} {row['count']:>8} {row['share'] * 100:6.1f}%")
    lines.append(f"  {'unknown':<48} {result.unknown:>8}   (of which spanning buckets: {result.spans})")
    doc = {**result.to_json(), "internal": True}
    if exported is not None:
        doc["export"] = exported
        lines.append(f"CSV for {purpose}: {exported['file']} (export {exported['export']}, {exported['mentions']} "
                     f"mention(s) released, {exported['suppressed_cells']} cell(s) below {exported['min_cell']} "
                     "suppressed)")
    if reference is not None:  # issue 31: only when asked, in its own labelled table
        doc["reference"] = reference
        lines.append(f"{reference['label']['en']} [{', '.join(reference['sources'])}]: total {reference['total']}")
        lines += [f"  {row['label']['en']:<48} {row['count']:>8} {row['share'] * 100:6.1f}%" for row in reference["rows"]]
        lines.append(f"  {'unknown':<48} {reference['unknown']:>8}")
    ctx.emit(doc, "\n".join(lines))
    return 0


def _reference(vault: Vault, by: list[str], where: list[tuple[str, str]]) -> dict[str, Any]:
    from intake_app.archive.stats import reference_table  # noqa: PLC0415 - only when asked

    return reference_table(vault.conn, by, where)
