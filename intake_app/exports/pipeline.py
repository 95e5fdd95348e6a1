"""The one path by which an export leaves: consent decision, rendering in memory, writing, audit entry.

``run_export`` asks :func:`consent.decide` (the only decision), refuses when nothing is released, lets the exporter
render the release into bytes, refuses when a minimum element is missing (unless allowed), writes the files (as age
files when encrypting) and appends the audit entry in one transaction; if that entry cannot be committed, the files are
removed again. ``preview`` gives the same decision without writing, for the GUI and ``--dry-run``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from intake_app.errors import RefusedError, UsageError
from intake_app.exports import consent, dossier, stats_csv, uwazi, wgeid
from intake_app.exports.base import Exporter, ExportRequest, Rendered
from intake_app.exports.consent import Release
from intake_app.exports.output import WrittenFile, remove_written, write_files
from intake_app.records.ids import uuid7
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault, utc_now

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:/._-]{0,300}$")
_WHO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
EXPORTERS: dict[str, Exporter] = {e.format: e for e in (wgeid.EXPORTER, uwazi.EXPORTER, dossier.EXPORTER,
                                                        stats_csv.EXPORTER)}


class IncompleteExport(RefusedError):
    """A minimum element is missing and --allow-incomplete was not given (exit 1, nothing written)."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__("the export lacks: " + "; ".join(missing)
                         + " (pass --allow-incomplete to write it anyway); nothing was written")
        self.missing = missing


@dataclass(frozen=True)
class ExportResult:
    export_id: str
    release: Release
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


def preview(vault: Vault, request: ExportRequest) -> Release:
    """What would leave, and why the rest would not: the same decision ``run_export`` makes, writing nothing."""
    exporter = exporter_for(request)
    return consent.decide(vault, request.purpose, request.mentions, also_required=exporter.also_required,
                          accept_conditions=request.accept_conditions, person_of=dict(request.person_of))


def run_export(vault: Vault, request: ExportRequest) -> ExportResult:
    """Decide, render, write and record one export; raise ConsentRefused / IncompleteExport having written nothing."""
    exporter = exporter_for(request)
    if request.who is not None and not _WHO.match(request.who):
        raise UsageError("--by takes a coordinator code (letters, digits, '.', '_', '-'; at most 64)")
    release = preview(vault, request)
    consent.require(release, request.purpose, *exporter.also_required)
    rendered = exporter.render(release, request)
    if rendered.missing and not request.allow_incomplete:
        raise IncompleteExport(rendered.missing)
    export_id = uuid7()
    written = write_files(request.out_dir, list(rendered.files), list(request.recipients))
    detail = _audit_detail(request, release, rendered, written)
    try:
        with Transaction(vault.conn):
            AuditLog(vault.conn, vault.signing_key().public_key.key_id_hex).append("export", utc_now(), export_id,
                                                                                  detail)
    except BaseException:
        remove_written(written)
        raise
    return ExportResult(export_id, release, tuple(written), rendered)


def _subject_for_log(subject: str) -> str:
    """An id as it is; anything else (a unit as written in a testimony) as a hash: the log holds no content."""
    if _ID.match(subject):
        return subject
    return "sha256:" + hashlib.sha256(subject.encode("utf-8")).hexdigest()


def _audit_detail(request: ExportRequest, release: Release, rendered: Rendered,
                  written: list[WrittenFile]) -> dict[str, Any]:
    return {
        "format": request.format,
        "purpose": release.purpose,
        "also_required": list(release.also_required),
        "subject": _subject_for_log(request.subject),
        "mentions": [m.mention for m in release.included],
        "excluded": [{"mention": e.mention, "reason": e.reason} for e in release.excluded],
        "anonymity": release.anonymity,
        "anonymity_by_mention": {m.mention: m.anonymity for m in release.included},
        "conditions_acknowledged": bool(release.conditions) and release.accept_conditions,
        "source_identity": release.source_identity,
        "incomplete": list(rendered.missing),
        "files": [f.to_json() for f in written],
        "who": request.who,
        **({"stats": {k: rendered.facts[k] for k in ("kind", "by", "unit", "min_cell", "suppressed_cells")}}
           if request.format == "stats" else {}),
    }
