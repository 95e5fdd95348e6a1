"""The Uwazi export of a whole archive, streamed: memory stays flat in the archive's size.

The pipeline hands the exporter the consent decision one batch at a time (:mod:`intake_app.exports.batched`: whole
persons and whole testimonies per batch, each a genuine :class:`~intake_app.exports.consent.Release`). Each batch's
rows are made by the same code as the in-memory rendering (:class:`intake_app.exports.uwazi._Builder`) and put into
a *scratch database*, not kept: a SQLCipher file beside the vault (``.export-scratch-<hex>``) under a random key held
only in this process's memory, deleted when the export ends. Its tables are keyed by the order each CSV is written in
(victims by person key, cases by title, perpetrators by their identifying fields), so reading them back is an
ordered scan. A victims or cases row is kept already written as CSV, in segments apart where source numbers go
(:class:`_Layout`), so writing the file is a substitution and a concatenation, not a second encoding.
Then each ``import.csv`` is written row by row into its ZIP member (:meth:`zipfile.ZipFile.open`) of
a :class:`~intake_app.exports.stream_files.PendingFile`, plain or on its way to an age file.

Source numbers are the only values a batch cannot know (a mention's number is its rank among every released mention):
a batch writes each released mention's production index instead, in the two kinds of cell that hold source numbers
(``source`` and the ``source N: …`` items of ``consent_basis``, which hold nothing else), and the final number is put
in while the row is written. The bytes are those of :meth:`intake_app.exports.uwazi.UwaziExporter.render` over one
decision of the whole request (tests/exports/test_uwazi_stream.py compares them).
"""

from __future__ import annotations

import csv
import heapq
import itertools
import json
import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from intake_app import csv_cells
from intake_app.exports import consent
from intake_app.exports.base import ExportRequest, Rendered
from intake_app.exports.batched import Decided, refusal
from intake_app.exports.consent import Release
from intake_app.exports.stream_files import ExportFiles, Scratch, as_binary
from intake_app.exports.uwazi import (
    _ZIP_TIME,
    IMPORT_ORDER,
    ZIP_LEVEL,
    _Builder,
    columns,
    perpetrator_values,
    readme,
    thesauri,
)

_SOURCE_ITEM = re.compile(r"source (\d+): ")
_ROWS_PER_WRITE = 256


def _cells(template: str, prop: str) -> tuple[int, ...]:
    """The columns of ``prop`` in ``template``'s CSV (one, or ``__en`` and ``__ko``)."""
    return tuple(i for i, c in enumerate(columns(template)) if c == prop or c.startswith(prop + "__"))


class _Appender:
    """A text sink whose ``write`` appends to a list: a csv writer's one call per row gives each row's line."""

    def __init__(self, lines: list[str]) -> None:
        self.write = lines.append


def _line_writer() -> tuple[list[str], Any]:
    """A csv writer (the project's dialect) and the list that receives each written row's line."""
    lines: list[str] = []
    return lines, csv.writer(_Appender(lines), lineterminator="\r\n")


_PLAIN, _SOURCE, _BASIS = 0, 1, 2


class _Written(dict[str, str]):
    """:func:`csv_cells.written` of each value looked up, remembered: a hit is a dictionary look-up in C, not a call.
    One per batch (:meth:`_Layout.split`), so it holds no more than a batch's distinct cells."""

    def __missing__(self, value: str) -> str:
        text = self[value] = csv_cells.written(value)
        return text


class _Layout:
    """How a template's rows are kept in the scratch database: as *segments*, each a run of adjacent cells already
    written as CSV (escaped, quoted, joined by commas), except the cells that hold source numbers, which only the
    end of the export can complete (module text). A ``source`` cell is kept as the production index (an integer);
    a run of ``consent_basis`` cells is kept written, its ``source N: `` items holding production indexes, and the
    numbers are put in by a substitution on the written text (digits for digits: neither the quoting of a cell nor
    its formula escaping, which depends on a first character that is ``s`` or nothing, can change); every other
    run is kept as it will be written. CSV quoting is per cell, so the segments joined by commas are the line the
    whole row gives. The first segment (``head``) holds every cell before the first source number."""

    def __init__(self, template: str) -> None:
        source, basis = set(_cells(template, "source")), set(_cells(template, "consent_basis"))
        kinds = [_SOURCE if i in source else _BASIS if i in basis else _PLAIN for i in range(len(columns(template)))]
        self.segments: list[tuple[int, int, int]] = []  # (kind, first cell, end)
        for i, kind in enumerate(kinds):
            if self.segments and self.segments[-1][0] == kind != _SOURCE:
                self.segments[-1] = (kind, self.segments[-1][1], i + 1)
            else:
                self.segments.append((kind, i, i + 1))
        assert self.segments[0][0] == _PLAIN and self.segments[0][2] >= 2  # a row of one empty cell is quoted: '""'
        self.kinds = tuple(kind for kind, _, _ in self.segments)

    def split(self, rows: Iterable[list[str]]) -> list[tuple[str | int, ...]]:
        """The segments of each row (whose source numbers are production indexes): each cell written by
        :func:`csv_cells.written` (escaped and quoted as the project's CSV writer does), a segment's cells joined by
        commas; a batch's rows are done one segment at a time."""
        written = _Written().__getitem__  # a batch's labels, codes and names repeat: each written once per batch
        rows = list(rows)
        cells = [list(map(written, row)) for row in rows]
        segments: list[list[str] | list[int]] = []
        for kind, a, b in self.segments:
            if kind == _SOURCE:
                segments.append([int(row[a]) for row in rows])
            else:
                segments.append([",".join(row[a:b]) for row in cells])
        return list(zip(*segments, strict=True))

    def lines(self, rows: Iterable[Sequence[str | int]], numbers: array[int], skip: int = 0) -> Iterator[str]:
        """The CSV line (with its ``\\r\\n``) of each row kept as segments (after its first ``skip`` values: the
        scratch table's keys), with the final source numbers. When every production index is its mention's final
        number (the batches released the mentions in mention order), the kept text is already final and each line is
        only its segments joined."""
        line = ",".join(f"{{{skip + i}}}" for i in range(len(self.kinds))) + "\r\n"  # victims: "{1},{2},{3}\r\n"
        if numbers == array(numbers.typecode, range(1, len(numbers) + 1)):
            return itertools.starmap(line.format, rows)
        return self._numbered(rows, numbers, line, skip)

    def _numbered(self, rows: Iterable[Sequence[str | int]], numbers: array[int], line: str,
                  skip: int) -> Iterator[str]:
        def number(found: re.Match[str]) -> str:
            return f"source {numbers[int(found.group(1)) - 1]}: "

        sub = _SOURCE_ITEM.sub
        source = [skip + i for i, kind in enumerate(self.kinds) if kind == _SOURCE]
        basis = [skip + i for i, kind in enumerate(self.kinds) if kind == _BASIS]
        for row in rows:
            parts = list(row)
            for i in source:
                parts[i] = numbers[int(row[i]) - 1]
            for i in basis:
                if parts[i]:
                    parts[i] = sub(number, str(parts[i]))
            yield line.format(*parts)


VICTIMS, CASES = _Layout("victims"), _Layout("cases")
assert VICTIMS.kinds == (_PLAIN, _BASIS, _PLAIN) and CASES.kinds == (_PLAIN, _SOURCE, _PLAIN, _BASIS)  # the SQL below
TABLES = (
    "CREATE TABLE victims (k TEXT NOT NULL, head TEXT NOT NULL, basis TEXT NOT NULL, rest TEXT NOT NULL)",
    "CREATE TABLE cases (k TEXT NOT NULL, seq INTEGER NOT NULL, head TEXT NOT NULL, source INTEGER NOT NULL,"
    " anonymity TEXT NOT NULL, basis TEXT NOT NULL)",
    "CREATE TABLE perps (organ TEXT NOT NULL, unit TEXT NOT NULL, rank TEXT NOT NULL, name TEXT NOT NULL,"
    " foreign_actor TEXT NOT NULL, batch INTEGER NOT NULL, mentions INTEGER NOT NULL, idents TEXT NOT NULL,"
    " PRIMARY KEY (organ, unit, rank, name, foreign_actor, batch)) WITHOUT ROWID",
)
"""Victims and cases are appended (rowid tables), each batch's rows in their order: one sorted *run* per batch,
merged when the file is written (:meth:`UwaziStream._lines`). Inserting into a table kept in order instead touches a
random page per row once the table outgrows the page cache, which grew faster than the archive (3.6 s of inserts at
20,000 testimonies against 0.04 s at 2,000).

A perpetrator is kept once per batch that names it (``perps``): the released mentions naming it in that batch, counted,
and their identification codes (a JSON list). A mention is in one batch only (batches are whole testimonies, each
mention once), so a perpetrator's count over the export is the sum of its batches' counts, and its codes the union."""
_INSERT = {"victims": "INSERT INTO victims VALUES (?, ?, ?, ?)",
           "cases": "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?)"}
_RUN = {"victims": "SELECT k, head, basis, rest FROM victims WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
        "cases": "SELECT k, seq, head, source, anonymity, basis FROM cases WHERE rowid BETWEEN ? AND ? ORDER BY rowid"}
_KEYS = {"victims": 1, "cases": 2}  # the leading columns of a _RUN row that give its order (k; k, seq): unique


def _write_csv(zf: zipfile.ZipFile, header: list[str], lines: Iterable[str]) -> int:
    """``import.csv`` into ``zf``: the header (escaped by :func:`csv_cells.cell`), then ``lines`` (each a written
    row with its line end); returns the row count."""
    info = zipfile.ZipInfo("import.csv", date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = ZIP_LEVEL  # type: ignore[attr-defined]  # zf.open(info) takes the level from info
    info.external_attr = 0o600 << 16
    count = 0
    written, writer = _line_writer()
    writer.writerow([csv_cells.cell(v) for v in header])
    with zf.open(info, "w") as member:
        member.write(written[0].encode("utf-8"))
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) == _ROWS_PER_WRITE:
                member.write("".join(chunk).encode("utf-8"))
                count += len(chunk)
                chunk.clear()
        member.write("".join(chunk).encode("utf-8"))
        count += len(chunk)
    return count


class UwaziStream:
    """Collects the batches into the scratch database, then writes the files."""

    def __init__(self, scratch: Scratch, request: ExportRequest) -> None:
        self.scratch = scratch
        self.request = request
        self.order: list[str] = []  # released mentions in the order their rows were made (index + 1 = placeholder)
        self._layouts = {"victims": VICTIMS, "cases": CASES}
        self._case_source = columns("cases").index("source")
        self._runs: dict[str, list[tuple[int, int]]] = {"victims": [], "cases": []}  # (first, last rowid) of each
        self._batch = 0  # the batches added so far (perps: a perpetrator's row per batch)

    def add(self, release: Release) -> None:
        if release.included:
            consent.require(release, self.request.purpose)
        start = len(self.order)
        included = release.included
        numbers = {m.mention: start + i for i, m in enumerate(included, start=1)}
        self.order.extend(m.mention for m in included)
        builder = _Builder(release.purpose, included, self.request.person_of, numbers)
        victims = VICTIMS.split(builder.victims())  # in person-key order
        self._append("victims", [(k, *r) for k, r in zip(builder.victim_keys, victims, strict=True)])
        builder.perpetrator_titles()
        self._add_perpetrators(builder.perpetrator_items())
        source = self._case_source
        cases = sorted((r[0], int(r[source]), r) for r in builder.cases(ordered=False))
        split = CASES.split([r for _, _, r in cases])
        self._append("cases", [(k, seq, *r) for (k, seq, _), r in zip(cases, split, strict=True)])

    def _add_perpetrators(self, items: Iterable[tuple[tuple[str, ...], str, str]]) -> None:
        """This batch's perpetrators (module text): each key with its distinct mentions and identification codes."""
        seen: dict[tuple[str, ...], tuple[set[str], set[str]]] = {}
        for key, mention, ident in items:
            found = seen.get(key)
            if found is None:
                found = seen[key] = (set(), set())
            found[0].add(mention)
            if ident:
                found[1].add(ident)
        self._batch += 1
        self.scratch.conn.executemany("INSERT INTO perps VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                      [(*key, self._batch, len(mentions), json.dumps(sorted(idents)))
                                       for key, (mentions, idents) in seen.items()])

    def _append(self, table: str, rows: list[tuple[object, ...]]) -> None:
        """One run: ``rows`` (in their table's order) appended, and the rowids they got remembered."""
        if not rows:
            return
        conn = self.scratch.conn
        conn.executemany(_INSERT[table], rows)
        last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
        self._runs[table].append((last - len(rows) + 1, last))

    def _lines(self, table: str, numbers: array[int]) -> Iterator[str]:
        """Every row of ``table`` in its order, written: the runs merged (one cursor per run, each read in rowid
        order; the leading key columns are unique, so whole rows compare as their keys do)."""
        keys = _KEYS[table]
        runs = [self.scratch.conn.execute(_RUN[table], run) for run in self._runs[table]]
        return self._layouts[table].lines(heapq.merge(*runs), numbers, keys)

    def _perpetrator_lines(self) -> Iterator[str]:
        lines, writer = _line_writer()
        for row in self._perpetrators():
            writer.writerow([csv_cells.cell(v) for v in row])
            yield lines.pop()

    def _perpetrators(self) -> Iterator[list[str]]:
        """Each perpetrator's row, in key order: its batches' counts summed and their codes joined (module text)."""
        builder = _Builder(self.request.purpose, (), {})
        rows = self.scratch.conn.execute("SELECT organ, unit, rank, name, foreign_actor, mentions, idents FROM perps"
                                         " ORDER BY organ, unit, rank, name, foreign_actor, batch")
        key: tuple[str, ...] | None = None
        count = 0
        idents: set[str] = set()
        for *fields, mentions, codes in rows:
            this = tuple(fields)
            if key is not None and this != key:
                yield builder._row("perpetrators", perpetrator_values(key, count, idents))
                count, idents = 0, set()
            key = this
            count += int(mentions)
            idents.update(json.loads(codes))
        if key is not None:
            yield builder._row("perpetrators", perpetrator_values(key, count, idents))

    def write(self, files: ExportFiles, decided: Decided) -> dict[str, int]:
        numbers = decided.numbers(self.order)
        self.order = []
        counts: dict[str, int] = {}
        for name in IMPORT_ORDER:
            lines = self._lines(name, numbers) if name in self._layouts else self._perpetrator_lines()
            with zipfile.ZipFile(as_binary(files.open(f"{name}.zip")), "w", zipfile.ZIP_DEFLATED) as zf:
                counts[name] = _write_csv(zf, columns(name), lines)
        with zipfile.ZipFile(as_binary(files.open("thesauri.zip")), "w", zipfile.ZIP_DEFLATED) as zf:
            for member, data in thesauri():
                info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                zf.writestr(info, data, compresslevel=ZIP_LEVEL)
        files.add("README.txt", readme(self.request.purpose, counts))
        return counts


def stream(batches: Iterator[tuple[Release, Decided]], request: ExportRequest, files: ExportFiles,
           scratch_dir: Path) -> Rendered:
    """Write the Uwazi export of every batch into ``files`` (not committed here); the scratch is always removed."""
    scratch = Scratch(scratch_dir, TABLES)
    try:
        collector = UwaziStream(scratch, request)
        decided: Decided | None = None
        for release, seen in batches:
            decided = seen
            collector.add(release)
        if decided is None or not decided.included:
            raise refusal(decided)
        counts = collector.write(files, decided)
    finally:
        scratch.close()
    return Rendered((), facts={"format": "uwazi", "rows": counts})

