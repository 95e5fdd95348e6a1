"""Writing a statistics table for release (docs/exports.md §8), for the CLI (``intake stats --csv``) and the GUI alike.

:func:`export_table` builds the ``stats`` export request, whose counting function runs the query restricted to the
mentions the Release holds, and hands it to :func:`intake_app.exports.pipeline.run_export` (consent decision, small
cells suppressed by :mod:`intake_app.exports.stats_csv`, atomic write, audit entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from intake_app.exports import batched, pipeline, sources, stats_csv
from intake_app.exports.base import ExportRequest
from intake_app.stats import query
from intake_app.vault.vault import Vault


def export_table(vault: Vault, path: Path, purpose: str, *, by: Sequence[str], unit: str = "victim",
                 where: Sequence[tuple[str, str]] = (), min_cell: int | None = None, chart: str | None = None,
                 title: str = "", lang: str = "en") -> dict[str, Any]:
    """Write the table to ``path`` for ``purpose`` (as CSV, or with ``chart="svg"`` as an SVG bar chart titled
    ``title`` with ``lang``'s labels); return what the CLI prints (``"export"`` in its JSON).
    Raises UsageError / ConsentRefused having written nothing."""
    persons = batched.linked_persons(vault) if unit == "person" else None  # the registry's table, no re-index
    names = query.device_names(vault.conn)

    def count(released: frozenset[str]) -> query.StatsResult:
        return query.run(vault.conn, list(by), unit, list(where), persons, names, only=released)

    cell = stats_csv.DEFAULT_MIN_CELL if min_cell is None else min_cell
    request = ExportRequest(format="stats", purpose=purpose, mentions=tuple(sources.all_mentions(vault)),
                            out_dir=path.parent, subject="archive",
                            options={"count": count, "min_cell": cell, "file_name": path.name, "chart": chart or "csv",
                                     "title": title, "lang": lang})
    result = pipeline.run_export(vault, request)
    return {"export": result.export_id, "file": str(result.files[0].path), "purpose": purpose, "min_cell": cell,
            "mentions": len(result.release.included), "excluded": len(result.release.excluded),
            "suppressed_cells": result.rendered.facts["suppressed_cells"], "sha256": result.files[0].sha256}
