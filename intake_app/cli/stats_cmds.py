"""``intake stats``: counts by dimension for victims, persons or testimonies, with shares and their denominator."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intake_app.cli.context import Context
from intake_app.errors import UsageError
from intake_app.stats import dimensions, query
from intake_app.stats.persons import person_links
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
    p.add_argument("--csv", metavar="FILE", help="also write the table as CSV to FILE")
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
    if csv_path is not None and not csv_path.parent.is_dir():
        raise UsageError(f"no directory {csv_path.parent} for the CSV file")
    with ctx.open_vault() as vault:
        persons = person_links(vault) if ctx.args.unit == "person" else None
        try:
            result = query.run(vault.conn, by, ctx.args.unit, where, persons, query.device_names(vault.conn))
            reference = _reference(vault, by, where) if ctx.opt("include_reference") else None
        except query.StatsError as exc:
            raise UsageError(str(exc)) from None
    if csv_path is not None:
        csv_path.write_text(result.csv_text(), encoding="utf-8")
    lines = [f"{result.unit}s by {', '.join(result.by)}: total {result.total}"
             + (" (a unit may count in several rows)" if result.overlapping else "")]
    for row in result.rows:
        lines.append(f"  {row['label']['en']:<48} {row['count']:>8} {row['share'] * 100:6.1f}%")
    lines.append(f"  {'unknown':<48} {result.unknown:>8}   (of which spanning buckets: {result.spans})")
    doc = result.to_json()
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
