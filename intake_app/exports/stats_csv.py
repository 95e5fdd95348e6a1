"""Statistics as a file that leaves HQ: ``intake stats --csv FILE --purpose P`` (issue 23, finding 7).

A table of counts is an export too: it goes through :func:`intake_app.exports.pipeline.run_export` like the others
(one consent decision, taken batch by batch, atomic write, one ``export`` audit entry with ``format`` ``stats``). It
counts only the mentions the Release holds for the purpose, and cells below ``min_cell`` (default 3) are suppressed
(:meth:`intake_app.stats.query.StatsResult.csv_text`). The counting itself runs on the fact table: the CLI hands the
exporter ``options["count"]``, a function from the released mention ids to the table, so the exporter itself still
reads nothing but the Release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from intake_app.exports import consent, stats_chart
from intake_app.exports.base import ExportRequest, Rendered
from intake_app.exports.batched import Decided, refusal
from intake_app.exports.consent import EXPORT_PURPOSES, Release
from intake_app.exports.stream_files import ExportFiles
from intake_app.stats.query import StatsResult

DEFAULT_MIN_CELL = 3

Count = Callable[[frozenset[str]], StatsResult]


class StatsCsvExporter:
    format: str = "stats"
    purposes: tuple[str, ...] = EXPORT_PURPOSES
    also_required: tuple[str, ...] = ()

    def render(self, release: Release, request: ExportRequest) -> Rendered:
        consent.require(release, request.purpose)
        name, data, facts = table_file(frozenset(m.mention for m in release.included), request)
        return Rendered(((name, data),), facts=facts)


def table_file(released: frozenset[str], request: ExportRequest) -> tuple[str, bytes, dict[str, Any]]:
    """The table (or chart) counted over ``released``: file name, bytes and the facts for the summary."""
    count: Count | None = request.options.get("count")
    if count is None:
        raise ValueError("a statistics export needs the counting function (options['count'])")
    min_cell = int(request.options.get("min_cell", DEFAULT_MIN_CELL))
    kind = str(request.options.get("chart") or "csv")
    if kind not in ("csv", "svg"):
        raise ValueError(f"a statistics export is a csv table or an svg chart, not {kind!r}")
    table = count(released)
    lines, _total = table.released_lines(min_cell)
    suppressed = sum(1 for _, n in lines if n is None)
    if kind == "svg":
        data = stats_chart.svg(table, min_cell, str(request.options.get("title", "")),
                               str(request.options.get("lang", "en")))
    else:
        data = table.csv_text(min_cell=min_cell).encode("utf-8")
    name = str(request.options.get("file_name", f"statistics.{kind}"))
    return name, data, {"format": "stats", "kind": kind, "by": list(table.by), "unit": table.unit,
                        "min_cell": min_cell, "total": table.total, "suppressed_cells": suppressed}


def stream(batches: Iterator[tuple[Release, Decided]], request: ExportRequest, files: ExportFiles,
           scratch_dir: Path) -> Rendered:
    """The streamed path (:data:`intake_app.exports.pipeline.STREAMED`): the decision runs batch by batch keeping
    only the released ids; the table itself is a few lines whatever the archive's size."""
    del scratch_dir
    decided: Decided | None = None
    for release, seen in batches:
        decided = seen
        if release.included:
            consent.require(release, request.purpose)
    if decided is None or not decided.included:
        raise refusal(decided)
    decided.close()
    name, data, facts = table_file(frozenset(decided.included), request)
    files.add(name, data)
    return Rendered((), facts=facts)


EXPORTER = StatsCsvExporter()
