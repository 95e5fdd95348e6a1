"""The one way the project writes CSV: every cell escaped against formula injection (issue 23, finding 6).

A cell starting with ``=``, ``+``, ``-``, ``@`` (or their full-width forms), a tab or a carriage return is read as a
formula by spreadsheet programs (OWASP "CSV injection"); testimony text, codes from field laptops and labels can start
that way. Such a cell gets a leading apostrophe, which spreadsheets show as text and which keeps the value readable.
Used by the Uwazi ZIPs (:mod:`intake_app.exports.uwazi`) and the statistics CSV (:mod:`intake_app.stats.query`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class Nested(str):
    """A thesaurus row's first cell for a nested value: Uwazi's ``-`` nesting marker, then the label already escaped.
    Made only by :func:`nested`; :func:`cell` writes it as it is (the marker is syntax, not data)."""

    __slots__ = ()


def nested(label: Any) -> Nested:
    """The cell ``-LABEL`` of an Uwazi thesaurus child value, the label escaped like any other cell."""
    return Nested("-" + cell(label))


def cell(value: Any) -> str:
    """``value`` as a CSV cell: ``None`` is empty; text starting like a formula is prefixed with ``'``."""
    if type(value) is str:  # the common case first (a Nested is a str subclass: not this branch)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, Nested):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def text_cells(values: list[str]) -> list[str]:
    """:func:`cell` of each value of a row made only of plain ``str`` (no ``None``, no :class:`Nested`), in one pass:
    the exporters' rows, where a call per cell is most of the writing time."""
    return ["'" + v if v.startswith(FORMULA_STARTS) else v for v in values]


def written(value: str) -> str:
    """A plain ``str`` cell as the project's CSV writer writes it (``csv.writer``, default dialect, ``\\r\\n`` line
    ends): escaped as :func:`cell` does, then quoted, its quotes doubled, when it holds ``"``, ``,``, CR or LF, and as
    it is otherwise. For rows written one cell at a time without the writer's per-row work (the Uwazi stream);
    tests/exports/test_csv_cells.py compares it with the writer over every code point."""
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def to_csv(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, line_end: str = "\r\n") -> str:
    """A whole CSV document with every cell (header included) passed through :func:`cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue()
