"""The Uwazi export of a whole archive, streamed: memory stays flat in the archive's size.

The pipeline hands the exporter the consent decision one batch at a time (:mod:`intake_app.exports.batched`: whole
persons and whole testimonies per batch, each a genuine :class:`~intake_app.exports.consent.Release`). Each batch's
rows are made by the same code as the in-memory rendering (:class:`intake_app.exports.uwazi._Builder`) and put into
a *scratch database*, not kept: a SQLCipher file beside the vault (``.export-scratch-<hex>``) under a random key held
only in this process's memory, deleted when the export ends. Its tables are keyed by the order each CSV is written in
(victims by person key, cases by title, perpetrators by their identifying fields), so reading them back is an
ordered scan. A victims or cases row is kept already written as CSV up to its first cell holding source numbers, and
its last few cells apart (:class:`_Layout`), so writing the file is a concatenation, not a second encoding.
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
import dataclasses
import heapq
import io
import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from intake_app import csv_cells
from intake_app.exports import consent
from intake_app.exports.base import ExportRequest, Rendered
from intake_app.exports.batched import Decided, refusal
from intake_app.exports.consent import Release
from intake_app.exports.stream_files import ExportFiles, Scratch, as_binary
from intake_app.exports.uwazi import (
    _ZIP_TIME,
    IMPORT_ORDER,
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


class _Layout:
    """How a template's rows are kept in the scratch database: the cells before the first cell that holds source
    numbers are stored already written as CSV (``head``: escaped, quoted, joined, with the trailing comma); the rest
    (the *tail*, a few short cells) one column each, to be completed with the final numbers and written when the
    file is. CSV quoting is per cell, so ``head`` followed by the tail written as a row is the line the whole row
    gives."""

    def __init__(self, template: str) -> None:
        source, basis = _cells(template, "source"), _cells(template, "consent_basis")
        self.cut = min(source + basis)
        assert self.cut >= 2  # a one-cell row would be quoted as a whole ('""'): never split so
        self.source = tuple(i - self.cut for i in source)
        self.basis = tuple(i - self.cut for i in basis)
        self.tail_columns = tuple(f"t{i}" for i in range(len(columns(template)) - self.cut))
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def split(self, row: list[str]) -> tuple[str, ...]:
        """(head, *tail) of a row whose tail holds production indexes as source numbers."""
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._writer.writerow(csv_cells.text_cells(row[:self.cut]))
        return buffer.getvalue()[:-2] + ",", *row[self.cut:]

    def tail(self, tail: Sequence[str], numbers: array[int]) -> list[str]:
        """The tail's cells with the final source numbers, escaped."""
        cells = list(tail)
        for i in self.source:
            cells[i] = str(numbers[int(cells[i]) - 1])
        for i in self.basis:
            if cells[i]:
                cells[i] = _SOURCE_ITEM.sub(lambda found: f"source {numbers[int(found.group(1)) - 1]}: ", cells[i])
        return csv_cells.text_cells(cells)


VICTIMS, CASES = _Layout("victims"), _Layout("cases")
assert VICTIMS.tail_columns == ("t0", "t1", "t2") and CASES.tail_columns == ("t0", "t1", "t2", "t3", "t4")  # the SQL below
TABLES = (
    "CREATE TABLE victims (k TEXT NOT NULL, head TEXT NOT NULL, t0, t1, t2)",
    "CREATE TABLE cases (k TEXT NOT NULL, seq INTEGER NOT NULL, head TEXT NOT NULL, t0, t1, t2, t3, t4)",
    "CREATE TABLE perps (organ TEXT, unit TEXT, rank TEXT, name TEXT, foreign_actor TEXT, mention TEXT, ident TEXT,"
    " PRIMARY KEY (organ, unit, rank, name, foreign_actor, mention, ident)) WITHOUT ROWID",
)
"""Victims and cases are appended (rowid tables), each batch's rows in their order: one sorted *run* per batch,
merged when the file is written (:meth:`UwaziStream._rows`). Inserting into a table kept in order instead touches a
random page per row once the table outgrows the page cache, which grew faster than the archive (3.6 s of inserts at
20,000 testimonies against 0.04 s at 2,000)."""
_INSERT = {"victims": "INSERT INTO victims VALUES (?, ?, ?, ?, ?)",
           "cases": "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?)"}
_RUN = {"victims": "SELECT k, head, t0, t1, t2 FROM victims WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
        "cases": "SELECT k, seq, head, t0, t1, t2, t3, t4 FROM cases WHERE rowid BETWEEN ? AND ? ORDER BY rowid"}
_KEYS = {"victims": 1, "cases": 2}  # the leading columns of a _RUN row that give its order (k; k, seq)


def _write_csv(zf: zipfile.ZipFile, header: list[str], rows: Iterable[list[str] | tuple[str, list[str]]]) -> int:
    """``import.csv`` into ``zf`` row by row; returns the row count. A row is a list of cells (escaped here by
    :func:`csv_cells.cell`) or a (written head, escaped tail cells) pair from a :class:`_Layout`."""
    info = zipfile.ZipInfo("import.csv", date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    count = 0
    with zf.open(info, "w") as member:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([csv_cells.cell(v) for v in header])
        for row in rows:
            if isinstance(row, tuple):
                buffer.write(row[0])
                writer.writerow(row[1])
            else:
                writer.writerow([csv_cells.cell(v) for v in row])
            count += 1
            if count % _ROWS_PER_WRITE == 0:
                member.write(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
        member.write(buffer.getvalue().encode("utf-8"))
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

    def add(self, release: Release) -> None:
        if release.included:
            consent.require(release, self.request.purpose)
        start = len(self.order)
        included = [dataclasses.replace(m, source_number=start + i) for i, m in enumerate(release.included, start=1)]
        self.order.extend(m.mention for m in release.included)
        builder = _Builder(release.purpose, included, self.request.person_of)
        conn = self.scratch.conn
        victims = builder.victims()  # in person-key order
        split = self._layouts["victims"].split
        self._append("victims", [(k, *split(r)) for k, r in zip(builder.victim_keys, victims, strict=True)])
        builder.perpetrators()
        conn.executemany("INSERT OR IGNORE INTO perps VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(*key, mention, ident) for key, mention, ident in builder.perpetrator_items()])
        source = self._case_source
        split = self._layouts["cases"].split
        cases = sorted((r[0], int(r[source]), r) for r in builder.cases())
        self._append("cases", [(k, seq, *split(r)) for k, seq, r in cases])

    def _append(self, table: str, rows: list[tuple[object, ...]]) -> None:
        """One run: ``rows`` (in their table's order) appended, and the rowids they got remembered."""
        if not rows:
            return
        conn = self.scratch.conn
        conn.executemany(_INSERT[table], rows)
        last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
        self._runs[table].append((last - len(rows) + 1, last))

    def _rows(self, table: str, numbers: array[int]) -> Iterator[tuple[str, list[str]]]:
        """Every row of ``table`` in its order: the runs merged (one cursor per run, each read in rowid order)."""
        layout, keys = self._layouts[table], _KEYS[table]
        runs = [self.scratch.conn.execute(_RUN[table], run) for run in self._runs[table]]
        for row in heapq.merge(*runs, key=lambda r: r[:keys]):
            yield row[keys], layout.tail(row[keys + 1:], numbers)

    def _perpetrators(self) -> Iterator[list[str]]:
        builder = _Builder(self.request.purpose, (), {})
        rows = self.scratch.conn.execute("SELECT organ, unit, rank, name, foreign_actor, mention, ident FROM perps"
                                         " ORDER BY organ, unit, rank, name, foreign_actor, mention, ident")
        key: tuple[str, ...] | None = None
        mentions: set[str] = set()
        idents: set[str] = set()
        for *fields, mention, ident in rows:
            this = tuple(fields)
            if key is not None and this != key:
                yield builder._row("perpetrators", perpetrator_values(key, len(mentions), idents))
                mentions, idents = set(), set()
            key = this
            mentions.add(mention)
            if ident:
                idents.add(ident)
        if key is not None:
            yield builder._row("perpetrators", perpetrator_values(key, len(mentions), idents))

    def write(self, files: ExportFiles, decided: Decided) -> dict[str, int]:
        numbers = decided.numbers(self.order)
        self.order = []
        counts: dict[str, int] = {}
        for name in IMPORT_ORDER:
            rows: Iterable[list[str] | tuple[str, list[str]]] = (
                self._rows(name, numbers) if name in self._layouts else self._perpetrators())
            with zipfile.ZipFile(as_binary(files.open(f"{name}.zip")), "w", zipfile.ZIP_DEFLATED) as zf:
                counts[name] = _write_csv(zf, columns(name), rows)
        with zipfile.ZipFile(as_binary(files.open("thesauri.zip")), "w", zipfile.ZIP_DEFLATED) as zf:
            for member, data in thesauri():
                info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                zf.writestr(info, data)
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

