"""``intake stats``: counts by dimension for victims, persons or testimonies, with shares and their denominator."""

from __future__ import annotations

import argparse
from pathlib import Path

from intake_app.cli.context import Context
from intake_app.errors import UsageError
from intake_app.persons.links import person_links
from intake_app.stats import dimensions, query

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
        except query.StatsError as exc:
            raise UsageError(str(exc)) from None
    if csv_path is not None:
        csv_path.write_text(result.csv_text(), encoding="utf-8")
    lines = [f"{result.unit}s by {', '.join(result.by)}: total {result.total}"
             + (" (a unit may count in several rows)" if result.overlapping else "")]
    for row in result.rows:
        lines.append(f"  {row['label']['en']:<48} {row['count']:>8} {row['share'] * 100:6.1f}%")
    lines.append(f"  {'unknown':<48} {result.unknown:>8}   (of which spanning buckets: {result.spans})")
    ctx.emit(result.to_json(), "\n".join(lines))
    return 0
