"""The one path by which an export leaves: consent decision, rendering, writing, audit entry.

``run_export`` asks :func:`consent.decide` (the only decision), refuses when nothing is released, lets the exporter
render the release, refuses when a minimum element is missing (unless allowed), writes the files (as age files when
encrypting) and appends the audit entry in one transaction; if that entry cannot be committed, the files are removed
again. ``preview`` gives the same decision without writing, for the GUI and ``--dry-run``.

Exports of the whole archive (``uwazi``, ``stats``) are *streamed* (:data:`STREAMED`): the decision is asked batch by
batch (:mod:`intake_app.exports.batched`), each batch's rows go to disk as they are made, and the result carries a
:class:`~intake_app.exports.batched.Decided` (the summary of every batch) instead of one Release. The others (one
person's WGEID case, one perpetrator's dossier) are rendered in memory from one Release. Either way the files are
written under temp names and renamed only when every one is complete (:class:`~intake_app.exports.stream_files.
ExportFiles`): a failure half-way (a full disk) leaves no output file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake_app import collector
from intake_app.errors import RefusedError, UsageError
from intake_app.exports import batched, consent, dossier, listing, stats_csv, uwazi, uwazi_stream, wgeid
from intake_app.exports.base import Exporter, ExportRequest, Rendered
from intake_app.exports.batched import Decided
from intake_app.exports.consent import Release
from intake_app.exports.output import WrittenFile, check_name, remove_written
from intake_app.exports.stream_files import ExportFiles
from intake_app.records.ids import uuid7
from intake_app.vault import leftovers
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault, utc_now

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:/._-]{0,300}$")
_WHO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
EXPORTERS: dict[str, Exporter] = {e.format: e for e in (wgeid.EXPORTER, uwazi.EXPORTER, dossier.EXPORTER,
                                                        stats_csv.EXPORTER)}
Stream = Callable[[Iterator[tuple[Release, Decided]], ExportRequest, ExportFiles, Path], Rendered]
STREAMED: dict[str, Stream] = {"uwazi": uwazi_stream.stream, "stats": stats_csv.stream}
"""Formats over the whole archive, written while the decision runs batch by batch."""


class IncompleteExport(RefusedError):
    """A minimum element is missing and --allow-incomplete was not given (exit 1, nothing written)."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__("the export lacks: " + "; ".join(missing)
                         + " (pass --allow-incomplete to write it anyway); nothing was written")
        self.missing = missing


@dataclass(frozen=True)
class ExportResult:
    export_id: str
    release: Release | Decided
    files: tuple[WrittenFile, ...]
    rendered: Rendered

    def to_json(self) -> dict[str, Any]:
        return {"export": self.export_id, **self.release.summary(), "format": self.rendered.facts.get("format"),
                "missing": list(self.rendered.missing), "facts": dict(self.rendered.facts),
                "files": [f.to_json() for f in self.files]}


def exporter_for(request: ExportRequest) -> Exporter:
    exporter = EXPORTERS.get(request.format)
    if exporter is None:
        raise UsageError(f"unknown export format {request.format!r}")
    if request.purpose not in exporter.purposes:
        raise UsageError(f"{request.format} exports are for {' or '.join(exporter.purposes)}, not {request.purpose!r}")
    return exporter


def _batches(vault: Vault, request: ExportRequest, exporter: Exporter,
             into: Decided) -> Iterator[tuple[Release, Decided]]:
    """``consent.decide`` over the request one batch at a time (:mod:`intake_app.exports.batched`: whole persons and
    testimonies per batch); yields each batch's Release with ``into``, which has taken that batch in."""
    size = int(request.options.get("batch_mentions", batched.BATCH_MENTIONS))
    for batch, person_of in batched.batch_requests(request.mentions, request.person_of, size):
        release = consent.decide(vault, request.purpose, batch, also_required=exporter.also_required,
                                 accept_conditions=request.accept_conditions, person_of=person_of)
        into.add(release)
        yield release, into


def _new_decided(request: ExportRequest, exporter: Exporter) -> Decided:
    return batched.new_decided(request.purpose, exporter.also_required, request.accept_conditions)


def preview(vault: Vault, request: ExportRequest) -> Release:
    """What would leave, and why the rest would not: the same decision ``run_export`` makes, writing nothing, as one
    Release (for a whole archive, :func:`preview_summary` keeps memory flat)."""
    exporter = exporter_for(request)
    return consent.decide(vault, request.purpose, request.mentions, also_required=exporter.also_required,
                          accept_conditions=request.accept_conditions, person_of=dict(request.person_of))


def preview_summary(vault: Vault, request: ExportRequest) -> Release | Decided:
    """:func:`preview` for the coordinator's screen and ``--dry-run``: for a streamed format the decision runs batch
    by batch and only its summary is kept (:class:`~intake_app.exports.batched.Decided`)."""
    exporter = exporter_for(request)
    if request.format in STREAMED:
        decided = _new_decided(request, exporter)
        with batched.small_page_cache(vault.conn):
            for _ in _batches(vault, request, exporter, decided):
                pass
        decided.close()
        return decided
    return consent.decide(vault, request.purpose, request.mentions, also_required=exporter.also_required,
                          accept_conditions=request.accept_conditions, person_of=dict(request.person_of))


def run_export(vault: Vault, request: ExportRequest) -> ExportResult:
    """Decide, render, write and record one export; raise ConsentRefused / IncompleteExport having written nothing."""
    exporter = exporter_for(request)
    if request.who is not None and not _WHO.match(request.who):
        raise UsageError("--by takes a coordinator code (letters, digits, '.', '_', '-'; at most 64)")
    leftovers.sweep_export_scratch(vault.path)  # an earlier export killed half-way (intake_app/vault/leftovers.py)
    with ExportFiles(request.out_dir, request.recipients) as files:
        if request.format in STREAMED:
            decided = _new_decided(request, exporter)
            batches = _batches(vault, request, exporter, decided)
            # The collector stays paused for the whole export, not only inside each batch's decision: its rows make
            # and drop as many acyclic objects as the decision does (docs/performance.md, issue 30 tenth pass).
            with batched.small_page_cache(vault.conn), collector.paused():
                rendered = STREAMED[request.format](batches, request, files, vault.path)
                for _ in batches:  # an exporter that stopped early: the decision still covers every mention
                    pass
            decided.close()
            release: Release | Decided = decided
        else:
            one = preview(vault, request)
            consent.require(one, request.purpose, *exporter.also_required)
            rendered = exporter.render(one, request)
            for name, _ in rendered.files:
                check_name(name)
            for name, data in rendered.files:
                files.add(name, data)
            release = one
        if rendered.missing and not request.allow_incomplete:
            raise IncompleteExport(rendered.missing)
        export_id = uuid7()
        written = files.commit()
    try:
        with Transaction(vault.conn):
            detail = _audit_detail(request, release, rendered, written)
            if isinstance(release, Decided):  # an archive export: its listing beside the entry (listing.py)
                detail["listing"] = listing.write(vault.conn, export_id, release.released_levels(),
                                                  release.excluded_reasons())
            AuditLog(vault.conn, vault.signing_key().public_key.key_id_hex).append(
                "export", utc_now(), export_id, detail)
    except BaseException:
        remove_written(written)
        raise
    return ExportResult(export_id, release, tuple(written), rendered)


def _subject_for_log(subject: str) -> str:
    """An id as it is; anything else (a unit as written in a testimony) as a hash: the log holds no content."""
    if _ID.match(subject):
        return subject
    return "sha256:" + hashlib.sha256(subject.encode("utf-8")).hexdigest()


def _audit_detail(request: ExportRequest, release: Release | Decided, rendered: Rendered,
                  written: list[WrittenFile]) -> dict[str, Any]:
    """The entry's detail (docs/exports.md §2). An archive export's mentions are in its listing instead (the caller
    adds ``listing``): ``mentions``, ``excluded`` and ``anonymity_by_mention`` are listed only for one Release."""
    listed: dict[str, Any] = {}
    if isinstance(release, Release):
        listed = {"mentions": [m.mention for m in release.included],
                  "excluded": [{"mention": e.mention, "reason": e.reason} for e in release.excluded],
                  "anonymity_by_mention": {m.mention: m.anonymity for m in release.included}}
    return {
        "format": request.format,
        "purpose": release.purpose,
        "also_required": list(release.also_required),
        "subject": _subject_for_log(request.subject),
        **listed,
        "anonymity": release.anonymity,
        "conditions_acknowledged": bool(release.conditions) and release.accept_conditions,
        "source_identity": release.source_identity,
        "incomplete": list(rendered.missing),
        "files": [f.to_json() for f in written],
        "who": request.who,
        **({"stats": {k: rendered.facts[k] for k in ("kind", "by", "unit", "min_cell", "suppressed_cells")}}
           if request.format == "stats" else {}),
    }
