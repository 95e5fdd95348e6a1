"""``intake import …``: outside archives (Uwazi CSV/ZIP exports) as reference records at HQ (issue 31)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intake_app.cli.context import Context
from intake_app.errors import RefusedError

SubParsers = argparse._SubParsersAction  # argparse exposes no public name for it


def register(sub: SubParsers[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    g = sub.add_parser("import", help="import an outside archive (Uwazi CSV/ZIP) as reference records (HQ)",
                       parents=[common])
    gsub = g.add_subparsers(dest="import_command", required=True, metavar="COMMAND")
    p = gsub.add_parser("uwazi", help="an Uwazi CSV export, or a ZIP holding import.csv", parents=[common])
    p.add_argument("file", metavar="FILE", help="the .csv or .zip file")
    p.add_argument("--template", required=True, choices=("victims", "cases", "perpetrators"),
                   help="what one row is: a victim, a case (an act), or a perpetrator/unit")
    p.add_argument("--source", required=True, metavar="NAME", help="the archive's name, e.g. FOOTPRINTS")
    p.add_argument("--map", metavar="MAP.json", help='{"columns": {"HEADER": "FIELD", ...}, "date_format": "..."}')
    p.add_argument("--date-format", metavar="FORMAT",
                   help="the collection's date display format, e.g. YYYY-MM-DD, DD/MM/YYYY, LL (default: EDTF/ISO)")
    p.add_argument("--lang", choices=("ko", "en", "ja"), default="en",
                   help="the collection's language: which __lang column is preferred, how LL dates read (default en)")
    p.add_argument("--dry-run", action="store_true", help="show the mapping and the counts; write nothing")
    p.set_defaults(func=cmd_uwazi)
    p = gsub.add_parser("list", help="every import: source, file SHA-256, rows and counts", parents=[common])
    p.set_defaults(func=cmd_list)
    p = gsub.add_parser("show", help="one import: mapping, counts, refusals, the records it wrote", parents=[common])
    p.add_argument("import_id", metavar="IMPORT_ID")
    p.set_defaults(func=cmd_show)


def _hq(ctx: Context) -> Any:
    vault = ctx.open_vault()
    if vault.role != "hq":
        vault.lock()
        raise RefusedError("reference records are kept at HQ; this is a field vault")
    return vault


def summary_text(doc: dict[str, Any]) -> str:
    lines = [f"{'Dry run: nothing written' if doc['dry_run'] else 'Import ' + str(doc['import_id'])}"
             f" ({doc['source']}, template {doc['template']}, file sha256 {doc['file_sha256']})", "Mapping:"]
    lines += [f"  {header} -> {field}" for header, field in doc["mapping"].items()]
    lines.append("Unmapped columns: " + (", ".join(doc["unmapped_columns"]) or "none"))
    lines.append(f"Rows: {doc['rows']}; created {doc['created']}, updated {doc['updated']}, "
                 f"unchanged {doc['unchanged']}, refused {doc['refused']}")
    lines += [f"  refused row {r['row']}: {r['reason']}" for r in doc["refusals"]]
    if doc["unknown_value_count"]:
        lines.append(f"Values not in our vocabularies, kept as said ({doc['unknown_value_count']}):")
        lines += [f"  row {u['row']} {u['field']}: {u['value']}" for u in doc["unknown_values"]]
    return "\n".join(lines)


def cmd_uwazi(ctx: Context) -> int:
    from intake_app.archive.importer import run_import  # noqa: PLC0415 - keeps other commands light

    with _hq(ctx) as vault:
        result = run_import(vault, Path(ctx.opt("file")), template=ctx.opt("template"), source_name=ctx.opt("source"),
                            map_path=Path(ctx.opt("map")) if ctx.opt("map") else None,
                            date_format=ctx.opt("date_format"), lang=ctx.opt("lang"), dry_run=bool(ctx.opt("dry_run")))
    doc = result.to_json()
    ctx.emit(doc, summary_text(doc))
    return 0


def cmd_list(ctx: Context) -> int:
    from intake_app.archive import store  # noqa: PLC0415

    with _hq(ctx) as vault:
        items = store.imports(vault.conn)
    lines = [f"{i['imported_at']}  {i['id']}  {i['source']} ({i['template']})  sha256 {i['file_sha256'][:16]}…  "
             f"{i['rows']} rows: {i['created']} created, {i['updated']} updated, {i['unchanged']} unchanged, "
             f"{i['refused']} refused" for i in items]
    ctx.emit({"imports": items}, "\n".join(lines) or "No archive imported.")
    return 0


def cmd_show(ctx: Context) -> int:
    from intake_app.archive import store  # noqa: PLC0415

    with _hq(ctx) as vault:
        doc = store.show_import(vault.conn, ctx.opt("import_id"))
    text = [f"Import {doc['id']} at {doc['imported_at']}: {doc['source']} ({doc['template']}), "
            f"file sha256 {doc['file_sha256']}",
            f"Rows: {doc['rows']}; created {doc['created']}, updated {doc['updated']}, unchanged {doc['unchanged']}, "
            f"refused {doc['refused']}", "Mapping:"]
    text += [f"  {h} -> {f}" for h, f in doc["columns"].items()]
    text.append("Unmapped columns: " + (", ".join(doc["unmapped_columns"]) or "none"))
    text += [f"  refused row {r['row']}: {r['reason']}" for r in doc["refusals"]]
    text += [f"  row {r['row']}: {r['kind']} {r['record']} v{r['version']} {r['title'] or ''}" for r in doc["records"]]
    ctx.emit(doc, "\n".join(text))
    return 0
