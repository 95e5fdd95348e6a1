"""The Uwazi export of a whole archive, streamed: memory stays flat in the archive's size.

The pipeline hands the exporter the consent decision one batch at a time (:mod:`intake_app.exports.batched`: whole
persons and whole testimonies per batch, each a genuine :class:`~intake_app.exports.consent.Release`). Each batch's
rows are made by the same code as the in-memory rendering (:class:`intake_app.exports.uwazi._Builder`) and put into
a *scratch database*, not kept: a SQLCipher file beside the vault (``.export-scratch-<hex>``) under a random key held
only in this process's memory, deleted when the export ends. Its tables are keyed by the order each CSV is written in
(victims by person key, cases by title, perpetrators by their identifying fields), so reading them back is an
ordered scan. Then each ``import.csv`` is written row by row into its ZIP member (:meth:`zipfile.ZipFile.open`) of
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
import io
import json
import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator
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

TABLES = (
    "CREATE TABLE victims (k TEXT PRIMARY KEY, row TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE cases (k TEXT NOT NULL, seq INTEGER NOT NULL, row TEXT NOT NULL, PRIMARY KEY (k, seq)) WITHOUT ROWID",
    "CREATE TABLE perps (organ TEXT, unit TEXT, rank TEXT, name TEXT, foreign_actor TEXT, mention TEXT, ident TEXT,"
    " PRIMARY KEY (organ, unit, rank, name, foreign_actor, mention, ident)) WITHOUT ROWID",
)
_SOURCE_ITEM = re.compile(r"source (\d+): ")
_ROWS_PER_WRITE = 256


def _cells(template: str, prop: str) -> tuple[int, ...]:
    """The columns of ``prop`` in ``template``'s CSV (one, or ``__en`` and ``__ko``)."""
    return tuple(i for i, c in enumerate(columns(template)) if c == prop or c.startswith(prop + "__"))


def _fix_sources(row: list[str], source_cells: tuple[int, ...], basis_cells: tuple[int, ...],
                 numbers: array[int]) -> list[str]:
    for i in source_cells:
        row[i] = str(numbers[int(row[i]) - 1])
    for i in basis_cells:
        if row[i]:
            row[i] = _SOURCE_ITEM.sub(lambda found: f"source {numbers[int(found.group(1)) - 1]}: ", row[i])
    return row


def _write_csv(zf: zipfile.ZipFile, header: list[str], rows: Iterable[list[str]]) -> int:
    """``import.csv`` into ``zf`` row by row (cells escaped by :func:`csv_cells.cell`); returns the row count."""
    info = zipfile.ZipInfo("import.csv", date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    count = 0
    with zf.open(info, "w") as member:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([csv_cells.cell(v) for v in header])
        for row in rows:
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

    def add(self, release: Release) -> None:
        if release.included:
            consent.require(release, self.request.purpose)
        start = len(self.order)
        included = [dataclasses.replace(m, source_number=start + i) for i, m in enumerate(release.included, start=1)]
        self.order.extend(m.mention for m in release.included)
        builder = _Builder(release.purpose, included, self.request.person_of)
        conn = self.scratch.conn
        victims = builder.victims()
        conn.executemany("INSERT INTO victims (k, row) VALUES (?, ?)",
                         [(k, json.dumps(r, ensure_ascii=False)) for k, r in zip(builder.victim_keys, victims,
                                                                                 strict=True)])
        builder.perpetrators()
        conn.executemany("INSERT OR IGNORE INTO perps VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(*key, mention, ident) for key, mention, ident in builder.perpetrator_items()])
        source = columns("cases").index("source")
        conn.executemany("INSERT INTO cases (k, seq, row) VALUES (?, ?, ?)",
                         [(r[0], int(r[source]), json.dumps(r, ensure_ascii=False)) for r in builder.cases()])

    def _victims(self, numbers: array[int]) -> Iterator[list[str]]:
        basis = _cells("victims", "consent_basis")
        for (row,) in self.scratch.conn.execute("SELECT row FROM victims ORDER BY k"):
            yield _fix_sources(json.loads(row), (), basis, numbers)

    def _cases(self, numbers: array[int]) -> Iterator[list[str]]:
        source, basis = _cells("cases", "source"), _cells("cases", "consent_basis")
        for (row,) in self.scratch.conn.execute("SELECT row FROM cases ORDER BY k, seq"):
            yield _fix_sources(json.loads(row), source, basis, numbers)

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
            rows = (self._victims(numbers) if name == "victims" else self._cases(numbers) if name == "cases"
                    else self._perpetrators())
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

